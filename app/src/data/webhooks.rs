//! A service's outgoing webhooks and the log of their deliveries.

use crate::data::audit::{self, AuditEntry};
use crate::domain::notification::WebhookFormat;
use crate::error::AppError;
use crate::model::{WebhookDelivery, WebhookSummary};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// A new signing secret: 32 random bytes, hex.
fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds a webhook to the service; `url` is already checked. Answers its id.
pub async fn create(
    pool: &PgPool,
    slug: &str,
    url: &str,
    format: WebhookFormat,
    actor: &str,
) -> Result<i64, AppError> {
    let service_id = crate::data::service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO webhooks (service_id, url, secret, format, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        service_id,
        url,
        new_secret(),
        format.as_str(),
        actor
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuditEntry::new(actor, "webhook.created", slug)
            .detail(format!("{url} ({})", format.as_str())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every webhook, with its service and its latest attempt.
pub async fn list(pool: &PgPool) -> Result<Vec<WebhookSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT w.id, s.slug, s.name AS service_name, w.url, w.secret, w.format, w.created_by,
                  w.created_at AS "created_at: DateTime<Utc>",
                  (SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id
                     AND o.delivered_at IS NULL AND o.failed_at IS NULL) AS "pending!",
                  (SELECT count(*) FROM outbox o WHERE o.webhook_id = w.id AND o.failed_at IS NOT NULL) AS "failed!",
                  (SELECT d.status_code FROM webhook_deliveries d WHERE d.webhook_id = w.id
                     ORDER BY d.attempted_at DESC, d.id DESC LIMIT 1) AS last_status
           FROM webhooks w JOIN services s ON s.id = w.service_id
           ORDER BY s.name, w.id"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(WebhookSummary {
                id: r.id,
                service_slug: r.slug,
                service_name: r.service_name,
                url: r.url,
                secret: r.secret,
                format: r
                    .format
                    .parse()
                    .map_err(|e| AppError::internal("stored webhook format", e))?,
                created_by: r.created_by,
                created_at: r.created_at,
                pending: r.pending,
                failed: r.failed,
                last_status: r.last_status,
            })
        })
        .collect()
}

/// Removes a webhook with its queue and log.
pub async fn delete(pool: &PgPool, id: i64, actor: &str) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let gone = sqlx::query!(
        "DELETE FROM webhooks w USING services s WHERE w.id = $1 AND s.id = w.service_id
         RETURNING s.slug, w.url",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("webhook {id}")))?;
    audit::record(
        &mut tx,
        AuditEntry::new(actor, "webhook.deleted", &gone.slug).detail(gone.url),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The webhook's attempts, newest first.
pub async fn deliveries(
    pool: &PgPool,
    id: i64,
    limit: i64,
) -> Result<Vec<WebhookDelivery>, AppError> {
    Ok(sqlx::query_as!(
        WebhookDelivery,
        r#"SELECT d.id, d.outbox_id, o.kind, o.subject, d.attempt, d.status_code, d.error, d.duration_ms,
                  d.attempted_at AS "attempted_at: _",
                  o.delivered_at IS NOT NULL AS "delivered!", o.failed_at IS NOT NULL AS "given_up!"
           FROM webhook_deliveries d JOIN outbox o ON o.id = d.outbox_id
           WHERE d.webhook_id = $1
           ORDER BY d.attempted_at DESC, d.id DESC LIMIT $2"#,
        id,
        limit
    )
    .fetch_all(pool)
    .await?)
}
