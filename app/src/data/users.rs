//! Accounts: who may sign in, with which role. Role changes and disabling keep at
//! least one enabled admin, checked under a lock so two admins demoting each other at
//! once cannot both succeed.

use crate::data::audit::{self, AuditEntry};
use crate::error::AppError;
use crate::model::{Role, UserSummary};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// A user row with what sign-in and the session check need.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled_at: Option<DateTime<Utc>>,
    pub session_epoch: i32,
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> Result<Option<Account>, AppError> {
    Ok(sqlx::query_as!(
        Account,
        r#"SELECT id, email, role AS "role: Role", password_hash, disabled_at AS "disabled_at: _", session_epoch FROM users WHERE email = $1"#,
        email
    )
    .fetch_optional(pool)
    .await?)
}

pub async fn get(pool: &PgPool, id: i64) -> Result<Option<Account>, AppError> {
    Ok(sqlx::query_as!(
        Account,
        r#"SELECT id, email, role AS "role: Role", password_hash, disabled_at AS "disabled_at: _", session_epoch FROM users WHERE id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?)
}

pub async fn count(pool: &PgPool) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM users"#)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn list(pool: &PgPool) -> Result<Vec<UserSummary>, AppError> {
    Ok(sqlx::query_as!(
        UserSummary,
        r#"SELECT id, email, role AS "role: Role", disabled_at AS "disabled_at: _", created_at AS "created_at: _"
           FROM users ORDER BY email"#
    )
    .fetch_all(pool)
    .await?)
}

/// Creates a user with an already hashed password; `email` must be normalised.
pub async fn create(
    pool: &PgPool,
    email: &str,
    role: Role,
    password_hash: &str,
    actor: &str,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO users (email, role, password_hash) VALUES ($1, $2, $3)
         ON CONFLICT (email) DO NOTHING RETURNING id",
        email,
        role.as_str(),
        password_hash
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::invalid("email", format!("{email} already has an account")))?;
    let entry = AuditEntry::new(actor, "user.create", email).detail(format!("role {role}"));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// The user, locked for the rest of the transaction, or NotFound.
async fn lock_user(conn: &mut PgConnection, id: i64) -> Result<Account, AppError> {
    sqlx::query_as!(
        Account,
        r#"SELECT id, email, role AS "role: Role", password_hash, disabled_at AS "disabled_at: _", session_epoch FROM users WHERE id = $1 FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("user {id}")))
}

/// Refuses when `user` is the last enabled admin. Locks every enabled admin first.
async fn keep_an_admin(
    conn: &mut PgConnection,
    user: &Account,
    field: &str,
) -> Result<(), AppError> {
    if user.role != Role::Admin || user.disabled_at.is_some() {
        return Ok(());
    }
    let admins: Vec<i64> = sqlx::query_scalar!(
        "SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE"
    )
    .fetch_all(conn)
    .await?;
    if admins.iter().all(|id| *id == user.id) {
        return Err(AppError::invalid(
            field,
            format!(
                "{} is the last admin; make another user admin first",
                user.email
            ),
        ));
    }
    Ok(())
}

pub async fn set_role(pool: &PgPool, id: i64, role: Role, actor: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let user = lock_user(&mut tx, id).await?;
    if user.role == role {
        return Ok(());
    }
    if role != Role::Admin {
        keep_an_admin(&mut tx, &user, "role").await?;
    }
    sqlx::query!(
        "UPDATE users SET role = $2 WHERE id = $1",
        id,
        role.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let entry =
        AuditEntry::new(actor, "user.role", &user.email).detail(format!("{} → {role}", user.role));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (ending every session and token use at the next request) or re-enables.
pub async fn set_disabled(
    pool: &PgPool,
    id: i64,
    disabled: bool,
    actor: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let user = lock_user(&mut tx, id).await?;
    if user.disabled_at.is_some() == disabled {
        return Ok(());
    }
    if disabled {
        keep_an_admin(&mut tx, &user, "disabled").await?;
    }
    sqlx::query!(
        "UPDATE users SET disabled_at = CASE WHEN $2 THEN now() END WHERE id = $1",
        id,
        disabled
    )
    .execute(&mut *tx)
    .await?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit::record(&mut tx, AuditEntry::new(actor, action, &user.email)).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new (hashed) password and ends the user's other sessions.
pub async fn set_password(
    pool: &PgPool,
    id: i64,
    password_hash: &str,
    actor: &str,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let user = lock_user(&mut tx, id).await?;
    sqlx::query!(
        "UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1",
        id,
        password_hash
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry::new(actor, "user.password", &user.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of the user at their next request.
pub async fn end_sessions(pool: &PgPool, id: i64, actor: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let user = lock_user(&mut tx, id).await?;
    sqlx::query!(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry::new(actor, "user.sign_out_everywhere", &user.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
