//! API tokens: only a token's SHA-256 is stored, with its first characters for
//! recognition. A token acts for its owner, limited by its scope.

use crate::data::audit::{self, AuditEntry};
use crate::data::users::Account;
use crate::error::AppError;
use crate::model::{Role, TokenScope, TokenSummary};
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

pub async fn create(
    pool: &PgPool,
    token: NewToken<'_>,
    actor: &str,
) -> Result<TokenSummary, AppError> {
    let mut tx = pool.begin().await?;
    let created = sqlx::query_as!(
        TokenSummary,
        r#"INSERT INTO api_tokens (user_id, name, scope, expires_at, prefix, token_hash)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (user_id, name) WHERE revoked_at IS NULL DO NOTHING
           RETURNING id, name, prefix, scope AS "scope: TokenScope", expires_at AS "expires_at: _", last_used_at AS "last_used_at: _", revoked_at AS "revoked_at: _", created_at AS "created_at: _""#,
        token.user_id,
        token.name,
        token.scope.as_str(),
        token.expires_at as _,
        token.prefix,
        token.token_hash
    )
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

/// The live token with this hash and its owner, in one round trip: the same statement
/// notes the use (at most once a minute per token, so reads stay reads, and never for
/// a disabled owner, whom the gate refuses).
pub async fn find_live(pool: &PgPool, token_hash: &str) -> Result<Option<LiveToken>, AppError> {
    let row = sqlx::query!(
        r#"WITH found AS (
               SELECT t.id AS token_id, t.name AS token_name, t.scope,
                      u.id, u.email, u.role, u.password_hash, u.disabled_at, u.session_epoch
               FROM api_tokens t JOIN users u ON u.id = t.user_id
               WHERE t.token_hash = $1 AND t.revoked_at IS NULL
                 AND (t.expires_at IS NULL OR t.expires_at > now())
           ), touched AS (
               UPDATE api_tokens SET last_used_at = now()
               WHERE id = (SELECT token_id FROM found WHERE disabled_at IS NULL)
                 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
           )
           SELECT token_id AS "token_id!", token_name AS "token_name!", scope AS "scope!: TokenScope",
                  id AS "id!", email AS "email!", role AS "role!: Role", password_hash AS "password_hash!",
                  disabled_at AS "disabled_at: chrono::DateTime<chrono::Utc>",
                  session_epoch AS "session_epoch!"
           FROM found"#,
        token_hash
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| LiveToken {
        id: r.token_id,
        name: r.token_name,
        scope: r.scope,
        owner: Account {
            id: r.id,
            email: r.email,
            role: r.role,
            password_hash: r.password_hash,
            disabled_at: r.disabled_at,
            session_epoch: r.session_epoch,
        },
    }))
}

/// The user's tokens, live ones first, newest first.
pub async fn list_for(pool: &PgPool, user_id: i64) -> Result<Vec<TokenSummary>, AppError> {
    Ok(sqlx::query_as!(
        TokenSummary,
        r#"SELECT id, name, prefix, scope AS "scope: TokenScope", expires_at AS "expires_at: _", last_used_at AS "last_used_at: _", revoked_at AS "revoked_at: _", created_at AS "created_at: _" FROM api_tokens WHERE user_id = $1
           ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"#,
        user_id
    )
    .fetch_all(pool)
    .await?)
}

/// Revokes the user's live token of that name.
pub async fn revoke(pool: &PgPool, user_id: i64, name: &str, actor: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE user_id = $1 AND name = $2 AND revoked_at IS NULL",
        user_id,
        name
    )
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() == 0 {
        return Err(AppError::NotFound(format!("live token {name:?}")));
    }
    audit::record(&mut tx, AuditEntry::new(actor, "token.revoke", name)).await?;
    tx.commit().await?;
    Ok(())
}
