//! The event log: every change, with who, what, when, before and after.

use crate::error::AppError;
use serde_json::Value;
use sqlx::PgConnection;

pub struct NewEvent<'a> {
    pub service_id: i64,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// The channel every change is announced on (see `server/src/live.rs`).
pub const CHANGES_CHANNEL: &str = "preflight_changes";

/// Records an event inside the caller's transaction, so the change and its event
/// are written together or not at all. The service's readiness after the change is
/// stored with it (see the migration `event_readiness`). The same statement announces
/// the change with `pg_notify`, which PostgreSQL delivers only when the transaction
/// commits: other instances hear of exactly the changes that happened.
pub async fn record(conn: &mut PgConnection, event: NewEvent<'_>) -> Result<(), AppError> {
    sqlx::query!(
        "WITH recorded AS (
             INSERT INTO events (service_id, actor, action, subject_type, subject_id, before, after,
                                 readiness_done, readiness_applicable)
             SELECT $1, $2, $3, $4, $5, $6, $7,
                    count(*) FILTER (WHERE status = 'done'),
                    count(*) FILTER (WHERE status <> 'not_applicable')
             FROM checklist_items WHERE service_id = $1
             RETURNING id, service_id
         )
         SELECT pg_notify($8, json_build_object(
                    'slug', s.slug, 'subject_type', $4::text, 'subject_id', $5::bigint,
                    'action', $3::text, 'actor', $2::text, 'version', s.version,
                    'event_id', recorded.id)::text)
         FROM recorded JOIN services s ON s.id = recorded.service_id",
        event.service_id,
        event.actor,
        event.action,
        event.subject_type,
        event.subject_id,
        event.before,
        event.after,
        CHANGES_CHANNEL
    )
    .execute(conn)
    .await?;
    Ok(())
}
