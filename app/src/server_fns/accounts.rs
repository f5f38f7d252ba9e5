//! Server functions for users (admins), one's own API tokens, and the audit log. The
//! gate has already checked the role each needs (`server_fns::needs`).

use crate::error::AppError;
use crate::model::{AuditEvent, Role, TokenScope, TokenSummary, UserSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// Longest expiry a token may be given, in days.
pub const MAX_TOKEN_DAYS: u32 = 3650;

/// A token just created: its secret, shown this once, and how it is listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub secret: String,
    pub token: TokenSummary,
}

pub fn check_token_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(AppError::invalid("name", "is required")),
        n if n > 100 => Err(AppError::invalid("name", "must be at most 100 characters")),
        _ => Ok(name.to_string()),
    }
}

pub fn check_expiry_days(days: Option<u32>) -> Result<Option<u32>, AppError> {
    match days {
        Some(d) if d == 0 || d > MAX_TOKEN_DAYS => Err(AppError::invalid(
            "expires_days",
            format!("must be from 1 to {MAX_TOKEN_DAYS} days, or empty for no expiry"),
        )),
        other => Ok(other),
    }
}

#[server]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    crate::data::users::list(&crate::state::pool()?).await
}

#[server(input = Json)]
pub async fn create_user(email: String, role: Role, password: String) -> Result<i64, AppError> {
    let email = crate::domain::access::normalize_email(&email)
        .map_err(|m| AppError::invalid("email", m))?;
    crate::domain::access::check_password(&password)
        .map_err(|m| AppError::invalid("password", m))?;
    let hash = crate::auth::passwords::hash(password).await?;
    let pool = crate::state::pool()?;
    crate::data::users::create(&pool, &email, role, &hash, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn set_user_role(user_id: i64, role: Role) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::users::set_role(&pool, user_id, role, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::users::set_disabled(&pool, user_id, disabled, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    crate::domain::access::check_password(&password)
        .map_err(|m| AppError::invalid("password", m))?;
    let hash = crate::auth::passwords::hash(password).await?;
    let pool = crate::state::pool()?;
    crate::data::users::set_password(&pool, user_id, &hash, &crate::state::actor()).await
}

/// Ends every session of the signed-in user, this one included.
#[server]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let me = crate::auth::require()?;
    let pool = crate::state::pool()?;
    crate::data::users::end_sessions(&pool, me.account().id, &me.actor()).await
}

#[server]
pub async fn list_tokens() -> Result<Vec<TokenSummary>, AppError> {
    let me = crate::auth::require()?;
    crate::data::tokens::list_for(&crate::state::pool()?, me.account().id).await
}

#[server(input = Json)]
pub async fn create_token(
    name: String,
    scope: TokenScope,
    expires_days: Option<u32>,
) -> Result<CreatedToken, AppError> {
    let me = crate::auth::require()?;
    let name = check_token_name(&name)?;
    let days = check_expiry_days(expires_days)?;
    let pool = crate::state::pool()?;
    issue_token(&pool, me.account().id, &name, scope, days, &me.actor()).await
}

/// Mints and stores a token for `user_id` (also used by `server token add`).
#[cfg(feature = "ssr")]
pub async fn issue_token(
    pool: &sqlx::PgPool,
    user_id: i64,
    name: &str,
    scope: TokenScope,
    expires_days: Option<u32>,
    actor: &str,
) -> Result<CreatedToken, AppError> {
    let minted = crate::auth::tokens::mint();
    let expires_at =
        expires_days.map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
    let new = crate::data::tokens::NewToken {
        user_id,
        name,
        scope,
        expires_at,
        prefix: &minted.prefix,
        token_hash: &minted.hash,
    };
    let token = crate::data::tokens::create(pool, new, actor).await?;
    Ok(CreatedToken {
        secret: minted.text,
        token,
    })
}

#[server(input = Json)]
pub async fn revoke_token(name: String) -> Result<(), AppError> {
    let me = crate::auth::require()?;
    let pool = crate::state::pool()?;
    crate::data::tokens::revoke(&pool, me.account().id, name.trim(), &me.actor()).await
}

#[server]
pub async fn audit_log() -> Result<Vec<AuditEvent>, AppError> {
    crate::data::audit::recent(&crate::state::pool()?, 500).await
}
