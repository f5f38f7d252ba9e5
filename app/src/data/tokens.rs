//! API tokens: only a token's SHA-256 is stored, with its first characters for
//! recognition. A token acts for its owner, limited by its scope.

use crate::data::audit::{self, AuditEntry};
use crate::data::users::Account;
use crate::error::AppError;
use crate::model::{TokenScope, TokenSummary};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
    pub prefix: &'a str,
    pub token_hash: &'a str,
}

const SUMMARY_COLUMNS: &str =
    "id, name, prefix, scope, expires_at, last_used_at, revoked_at, created_at";

pub async fn create(
    pool: &PgPool,
    token: NewToken<'_>,
    actor: &str,
) -> Result<TokenSummary, AppError> {
    let mut tx = pool.begin().await?;
    let created = sqlx::query_as::<_, TokenSummary>(&format!(
        "INSERT INTO api_tokens (user_id, name, scope, expires_at, prefix, token_hash)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, name) WHERE revoked_at IS NULL DO NOTHING
         RETURNING {SUMMARY_COLUMNS}"
    ))
    .bind(token.user_id)
    .bind(token.name)
    .bind(token.scope.as_str())
    .bind(token.expires_at)
    .bind(token.prefix)
    .bind(token.token_hash)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::invalid(
            "name",
            format!("a live token is already named {:?}", token.name),
        )
    })?;
    let entry =
        AuditEntry::new(actor, "token.create", token.name).detail(format!("scope {}", token.scope));
    audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(created)
}

/// A live token (not revoked, not expired) and its owner.
#[derive(Debug, Clone)]
pub struct LiveToken {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub owner: Account,
}

#[derive(sqlx::FromRow)]
struct LiveRow {
    token_id: i64,
    token_name: String,
    #[sqlx(try_from = "String")]
    scope: TokenScope,
    #[sqlx(flatten)]
    owner: Account,
}

pub async fn find_live(pool: &PgPool, token_hash: &str) -> Result<Option<LiveToken>, AppError> {
    let row = sqlx::query_as::<_, LiveRow>(
        "SELECT t.id AS token_id, t.name AS token_name, t.scope,
                u.id, u.email, u.role, u.password_hash, u.disabled_at, u.session_epoch
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > now())",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| LiveToken {
        id: r.token_id,
        name: r.token_name,
        scope: r.scope,
        owner: r.owner,
    }))
}

/// Notes the use; at most once a minute per token, so reads stay reads.
pub async fn touch(pool: &PgPool, id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE api_tokens SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
    )
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The user's tokens, live ones first, newest first.
pub async fn list_for(pool: &PgPool, user_id: i64) -> Result<Vec<TokenSummary>, AppError> {
    Ok(sqlx::query_as::<_, TokenSummary>(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM api_tokens WHERE user_id = $1
         ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// Revokes the user's live token of that name.
pub async fn revoke(pool: &PgPool, user_id: i64, name: &str, actor: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(name)
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() == 0 {
        return Err(AppError::NotFound(format!("live token {name:?}")));
    }
    audit::record(&mut tx, AuditEntry::new(actor, "token.revoke", name)).await?;
    tx.commit().await?;
    Ok(())
}
