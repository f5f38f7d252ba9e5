//! The event log: every change, with who, what, when, before and after.

use crate::error::AppError;
use serde_json::Value;
use sqlx::PgConnection;
use std::sync::{Arc, Mutex};

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

/// A change to announce on [`CHANGES_CHANNEL`] once its transaction has committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub event_id: i64,
    /// `{"slug", "subject_type", "subject_id", "action", "actor", "version", "event_id"}`
    pub payload: String,
}

/// The announcements of one request, collected while it runs.
#[derive(Debug, Clone, Default)]
pub struct Announcements(Arc<Mutex<Vec<Announcement>>>);

/// The relay of the request this task serves, if any. Changes recorded outside one
/// (commands, demo data, tests) are announced by their own statement's `pg_notify`.
pub fn relay() -> Option<Announcements> {
    ANNOUNCE_AFTER_COMMIT.try_with(Announcements::clone).ok()
}

impl Announcements {
    /// Events recorded by one statement, with their payloads in the same order.
    pub fn push_all(&self, event_ids: &[i64], payloads: Vec<String>) {
        for (event_id, payload) in event_ids.iter().copied().zip(payloads) {
            self.push(Announcement { event_id, payload });
        }
    }

    fn push(&self, announcement: Announcement) {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(announcement);
    }

    pub fn take(&self) -> Vec<Announcement> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

tokio::task_local! {
    /// Set around a request by the server's relay (`server/src/relay.rs`), which
    /// announces the request's changes after it: a NOTIFY inside the write transaction
    /// would make every writer's commit wait for the others'.
    pub static ANNOUNCE_AFTER_COMMIT: Announcements;
}

/// Records an event inside the caller's transaction, so the change and its event
/// are written together or not at all. The service's readiness after the change is
/// stored with it (see the migration `event_readiness`).
///
/// Other instances hear of it on [`CHANGES_CHANNEL`], and only once it has committed:
/// within a request, the relay announces it after the request (and only if the event
/// row exists then); elsewhere (commands, demo data) this statement calls `pg_notify`,
/// which PostgreSQL delivers at commit.
pub async fn record(conn: &mut PgConnection, event: NewEvent<'_>) -> Result<(), AppError> {
    if let Some(collected) = relay() {
        let row = sqlx::query!(
            r#"WITH recorded AS (
                 INSERT INTO events (service_id, actor, action, subject_type, subject_id, before, after,
                                     readiness_done, readiness_applicable)
                 SELECT $1, $2, $3, $4, $5, $6, $7,
                        count(*) FILTER (WHERE status = 'done'),
                        count(*) FILTER (WHERE status <> 'not_applicable')
                 FROM checklist_items WHERE service_id = $1
                 RETURNING id, service_id
             )
             SELECT recorded.id AS "event_id!",
                    json_build_object(
                        'slug', s.slug, 'subject_type', $4::text, 'subject_id', $5::bigint,
                        'action', $3::text, 'actor', $2::text, 'version', s.version,
                        'event_id', recorded.id)::text AS "payload!"
             FROM recorded JOIN services s ON s.id = recorded.service_id"#,
            event.service_id,
            event.actor,
            event.action,
            event.subject_type,
            event.subject_id,
            event.before,
            event.after,
        )
        .fetch_one(conn)
        .await?;
        collected.push(Announcement {
            event_id: row.event_id,
            payload: row.payload,
        });
        return Ok(());
    }
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
