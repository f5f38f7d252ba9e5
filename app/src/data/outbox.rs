//! The outbox's side of delivery: claiming due rows under a lease, and recording
//! each attempt's outcome. The server's worker (`server/src/delivery`) does the
//! sending; any number of instances may run it, since a claim skips rows that
//! another instance holds.

use crate::domain::notification::{MAX_ATTEMPTS, retry_delay_ms};
use crate::error::AppError;
use sqlx::PgPool;

/// One delivery to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: i64,
    pub channel: String,
    pub webhook_id: Option<i64>,
    /// The webhook's signing secret (webhooks only).
    pub secret: Option<String>,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
}

/// Claims up to `limit` due deliveries of `channels` for `lease_secs`: another
/// claim skips them until the lease runs out, so a worker that dies mid-send leaves
/// them to be sent again (at least once).
pub async fn claim(
    pool: &PgPool,
    channels: &[&str],
    limit: i64,
    lease_secs: f64,
) -> Result<Vec<Claimed>, AppError> {
    let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
    Ok(sqlx::query_as!(
        Claimed,
        r#"WITH due AS (
               SELECT id FROM outbox
               WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                 AND (lease_until IS NULL OR lease_until < now()) AND channel = ANY($1)
               ORDER BY next_attempt_at, id LIMIT $2
               FOR UPDATE SKIP LOCKED)
           UPDATE outbox o SET attempts = o.attempts + 1,
                  lease_until = now() + make_interval(secs => $3)
           FROM due WHERE o.id = due.id
           RETURNING o.id, o.channel, o.webhook_id,
                     (SELECT w.secret FROM webhooks w WHERE w.id = o.webhook_id) AS "secret?",
                     o.kind, o.recipient,
                     o.subject, o.body, o.attempts AS attempt"#,
        &channels,
        limit,
        lease_secs
    )
    .fetch_all(pool)
    .await?)
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// The receiver's HTTP status, for a webhook that answered.
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// Records the attempt on `claimed`: delivered, or retried after the backoff, or
/// given up after [`MAX_ATTEMPTS`]. Webhook attempts go to the delivery log.
pub async fn record(
    pool: &PgPool,
    claimed: &Claimed,
    attempt: &Attempt,
    retry_base_ms: u64,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    if let Some(webhook_id) = claimed.webhook_id {
        sqlx::query!(
            "INSERT INTO webhook_deliveries (outbox_id, webhook_id, attempt, status_code, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
            claimed.id,
            webhook_id,
            claimed.attempt,
            attempt.status_code,
            attempt.error,
            attempt.duration_ms
        )
        .execute(&mut *tx)
        .await?;
    }
    if attempt.succeeded() {
        sqlx::query!(
            "UPDATE outbox SET delivered_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1",
            claimed.id
        )
        .execute(&mut *tx)
        .await?;
    } else if claimed.attempt >= MAX_ATTEMPTS {
        sqlx::query!(
            "UPDATE outbox SET failed_at = now(), lease_until = NULL, last_error = $2 WHERE id = $1",
            claimed.id,
            attempt.error
        )
        .execute(&mut *tx)
        .await?;
    } else {
        let wait = retry_delay_ms(claimed.attempt, retry_base_ms) as f64 / 1000.0;
        sqlx::query!(
            "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2),
                    lease_until = NULL, last_error = $3
             WHERE id = $1",
            claimed.id,
            wait,
            attempt.error
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
