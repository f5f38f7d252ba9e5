//! axum-login's view of our accounts: sessions hold the user id and a hash that
//! changes with the password or the session epoch, so a new password or "sign out
//! everywhere" ends every session at its next request. Disabled users have no
//! session. The role is read fresh on every request, so a role change applies at once.

use crate::auth::passwords;
use crate::data::users::{self, Account};
use crate::error::AppError;
use axum_login::{AuthUser, AuthnBackend};
use sha2::{Digest, Sha256};
use sqlx::PgPool;

#[derive(Debug, Clone)]
pub struct SessionUser {
    pub account: Account,
    auth_hash: Vec<u8>,
}

impl SessionUser {
    pub fn new(account: Account) -> SessionUser {
        let mut digest = Sha256::new();
        digest.update(account.password_hash.as_bytes());
        digest.update(account.session_epoch.to_be_bytes());
        SessionUser {
            auth_hash: digest.finalize().to_vec(),
            account,
        }
    }
}

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.account.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

#[derive(Clone)]
pub struct Backend {
    pool: PgPool,
}

impl Backend {
    pub fn new(pool: PgPool) -> Backend {
        Backend { pool }
    }
}

/// A normalised email and the password as typed.
pub struct Credentials {
    pub email: String,
    pub password: String,
}

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = AppError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, AppError> {
        let account = users::find_by_email(&self.pool, &creds.email).await?;
        let stored = account.as_ref().map(|a| a.password_hash.clone());
        let matches = passwords::verify(creds.password, stored).await?;
        Ok(account
            .filter(|a| matches && a.disabled_at.is_none())
            .map(SessionUser::new))
    }

    async fn get_user(&self, id: &i64) -> Result<Option<SessionUser>, AppError> {
        Ok(users::get(&self.pool, *id)
            .await?
            .filter(|a| a.disabled_at.is_none())
            .map(SessionUser::new))
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;
