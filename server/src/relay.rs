//! Announcing changes after they commit, in batches.
//!
//! A `pg_notify` inside a write transaction makes PostgreSQL take one database-wide
//! lock at commit and hold it through the commit's WAL flush, so every writing
//! transaction of every instance commits one after the other (measured with pgbench
//! on this machine: a single-row UPDATE with a NOTIFY in its transaction ran at a
//! quarter of the rate without). So a request's changes are collected while it runs
//! (`app::data::events::Announcements`), and once it is answered, every one of them
//! whose event row committed is announced here, many per notifying transaction, with
//! `synchronous_commit` off for that transaction only: an announcement lost in a crash
//! costs a page a missed update, never a write.
//!
//! Requests that run outside [`announce_changes`] (commands, the demo loader) still
//! announce in their own transaction, as before.

use app::data::events::{ANNOUNCE_AFTER_COMMIT, Announcement, Announcements, CHANGES_CHANNEL};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use sqlx::PgPool;
use std::time::Duration;
use tokio::sync::mpsc;

/// At most this many announcements per notifying transaction.
const BATCH_MAX: usize = 1_000;

#[derive(Clone)]
pub struct Relay {
    queue: mpsc::UnboundedSender<Vec<Announcement>>,
}

impl Relay {
    /// Starts the task that announces what requests hand it.
    pub fn start(pool: PgPool) -> Relay {
        let (queue, pending) = mpsc::unbounded_channel();
        tokio::spawn(run(pool, pending));
        Relay { queue }
    }

    /// Announces those of `announcements` whose events committed, soon.
    pub fn hand_over(&self, announcements: Vec<Announcement>) {
        if !announcements.is_empty() && self.queue.send(announcements).is_err() {
            tracing::warn!("live updates: the relay has stopped; changes go unannounced");
        }
    }
}

/// Collects what the request records, and hands it to the relay once the request is
/// answered: by then its transactions have committed or rolled back.
pub async fn announce_changes(
    State(relay): State<Option<Relay>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(relay) = relay else {
        return next.run(request).await;
    };
    let collected = Announcements::default();
    let response = ANNOUNCE_AFTER_COMMIT
        .scope(collected.clone(), next.run(request))
        .await;
    relay.hand_over(collected.take());
    response
}

async fn run(pool: PgPool, mut pending: mpsc::UnboundedReceiver<Vec<Announcement>>) {
    while let Some(first) = pending.recv().await {
        let mut batch = first;
        while batch.len() < BATCH_MAX {
            match pending.try_recv() {
                Ok(more) => batch.extend(more),
                Err(_) => break,
            }
        }
        batch.sort_by_key(|a| a.event_id);
        let mut wait = Duration::from_millis(50);
        for attempt in 1..=5 {
            match announce(&pool, &batch).await {
                Ok(()) => break,
                Err(e) if attempt < 5 => {
                    tracing::warn!(
                        "live updates: announcing {} changes failed: {e}",
                        batch.len()
                    );
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(e) => tracing::error!(
                    "live updates: {} changes left unannounced: {e}",
                    batch.len()
                ),
            }
        }
    }
}

/// One transaction: NOTIFY each announcement whose event exists (committed), in event
/// order. A rolled-back request's events do not exist, so they are never announced.
async fn announce(pool: &PgPool, batch: &[Announcement]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = batch.iter().map(|a| a.event_id).collect();
    let payloads: Vec<&str> = batch.iter().map(|a| a.payload.as_str()).collect();
    let mut tx = pool.begin().await?;
    // Runtime statements, like the heartbeat: this module is the server's, not the
    // data layer's, and the SET has no result to check.
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    // unnest keeps the batch's order (by event), which is the order NOTIFY sends.
    sqlx::query(
        "SELECT pg_notify($1, x.payload)
         FROM unnest($2::bigint[], $3::text[]) AS x(event_id, payload)
         WHERE EXISTS (SELECT 1 FROM events e WHERE e.id = x.event_id)",
    )
    .bind(CHANGES_CHANNEL)
    .bind(&ids)
    .bind(&payloads)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
