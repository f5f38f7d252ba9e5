//! The audit log of accounts and tokens: sign-ins, failures, user and token changes.

use crate::error::AppError;
use crate::model::AuditEvent;
use sqlx::{PgConnection, PgPool};

pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: String,
    pub address: Option<String>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(actor: &'a str, action: &'a str, subject: &'a str) -> Self {
        AuditEntry {
            actor,
            action,
            subject,
            detail: String::new(),
            address: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn address(mut self, address: Option<String>) -> Self {
        self.address = address;
        self
    }
}

pub async fn record(conn: &mut PgConnection, entry: AuditEntry<'_>) -> Result<(), AppError> {
    sqlx::query!(
        "INSERT INTO audit_events (actor, action, subject, detail, address)
         VALUES ($1, $2, $3, $4, $5)",
        entry.actor,
        entry.action,
        entry.subject,
        entry.detail,
        entry.address
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records outside any other change (sign-in, sign-out).
pub async fn record_alone(pool: &PgPool, entry: AuditEntry<'_>) -> Result<(), AppError> {
    let mut conn = pool.acquire().await?;
    record(&mut conn, entry).await
}

/// The newest `limit` entries, newest first.
pub async fn recent(pool: &PgPool, limit: i64) -> Result<Vec<AuditEvent>, AppError> {
    Ok(sqlx::query_as!(
        AuditEvent,
        r#"SELECT id, actor, action, subject, detail, address, created_at AS "created_at: _"
         FROM audit_events ORDER BY created_at DESC, id DESC LIMIT $1"#,
        limit
    )
    .fetch_all(pool)
    .await?)
}
