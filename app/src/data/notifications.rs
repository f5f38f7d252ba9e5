//! Telling people: a notice becomes one notification per recipient (the bell), an
//! email in the outbox for those who want email, and one outbox row per webhook of
//! the service, all in the caller's transaction. Preferences and the bell's reads
//! are here too; delivery is `outbox.rs` and the server's worker.

use crate::data::events::CHANGES_CHANNEL;
use crate::domain::notification::{
    Channels, Notice, NoticeKind, Preference, WebhookFormat, channels_for, email_text, watches,
    webhook_body,
};
use crate::error::AppError;
use crate::model::{NotificationEntry, NotificationSettings, PreferenceRow};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::sync::OnceLock;

/// The portal's address as emails and webhooks link to it (`PREFLIGHT_PUBLIC_URL`,
/// set by the server at start-up).
static PUBLIC_URL: OnceLock<String> = OnceLock::new();

pub fn set_public_url(url: &str) {
    let _ = PUBLIC_URL.set(url.trim_end_matches('/').to_string());
}

pub fn public_url() -> &'static str {
    PUBLIC_URL
        .get()
        .map_or("http://127.0.0.1:3000", String::as_str)
}

fn parse_kind(kind: &str) -> Result<NoticeKind, AppError> {
    kind.parse()
        .map_err(|e| AppError::internal("stored notification kind", e))
}

/// The stored choices of each of `user_ids`.
async fn preferences_of(
    conn: &mut PgConnection,
    user_ids: &[i64],
) -> Result<Vec<(i64, Preference)>, AppError> {
    let rows = sqlx::query!(
        "SELECT user_id, service_id, kind, in_app, email FROM notification_preferences
         WHERE user_id = ANY($1)",
        user_ids
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.user_id,
                Preference {
                    service_id: r.service_id,
                    kind: parse_kind(&r.kind)?,
                    channels: Channels {
                        in_app: r.in_app,
                        email: r.email,
                    },
                },
            ))
        })
        .collect()
}

/// Users who chose to hear `kind` about this service although nothing makes them a
/// recipient (a per-service preference that hears something).
pub async fn watchers(
    conn: &mut PgConnection,
    service_id: i64,
    kind: NoticeKind,
) -> Result<Vec<i64>, AppError> {
    let rows = sqlx::query!(
        "SELECT p.user_id, p.in_app, p.email FROM notification_preferences p
         JOIN users u ON u.id = p.user_id AND u.disabled_at IS NULL
         WHERE p.service_id = $1 AND p.kind = $2",
        service_id,
        kind.as_str()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            let pref = Preference {
                service_id: Some(service_id),
                kind,
                channels: Channels {
                    in_app: r.in_app,
                    email: r.email,
                },
            };
            watches(std::slice::from_ref(&pref), service_id, kind)
        })
        .map(|r| r.user_id)
        .collect())
}

/// The ids of the enabled accounts with these addresses (compared lower-cased).
pub async fn users_by_email(
    conn: &mut PgConnection,
    emails: &[String],
) -> Result<Vec<i64>, AppError> {
    let lowered: Vec<String> = emails.iter().map(|e| e.trim().to_lowercase()).collect();
    Ok(sqlx::query_scalar!(
        "SELECT id FROM users WHERE email = ANY($1) AND disabled_at IS NULL ORDER BY id",
        &lowered
    )
    .fetch_all(conn)
    .await?)
}

/// Tells `recipients` (user ids) of `notice` as each chose, and queues it for the
/// service's webhooks; a recipient or webhook already told of `notice.dedupe_key` is
/// skipped. Answers the users whose bell gained a notification; they hear of it live
/// once the caller's transaction commits.
pub async fn notify(
    conn: &mut PgConnection,
    notice: &Notice,
    recipients: &[i64],
) -> Result<Vec<i64>, AppError> {
    let mut recipients = recipients.to_vec();
    recipients.sort_unstable();
    recipients.dedup();
    let prefs = preferences_of(conn, &recipients).await?;
    let service_id = notice.service.as_ref().map(|s| s.id);
    let url = public_url();
    let mut rung = Vec::new();
    for user_id in recipients {
        let mine: Vec<Preference> = prefs
            .iter()
            .filter(|(u, _)| *u == user_id)
            .map(|(_, p)| p.clone())
            .collect();
        let channels = channels_for(&mine, service_id, notice.kind);
        if !channels.any() {
            continue;
        }
        let inserted = sqlx::query!(
            "INSERT INTO notifications (user_id, kind, service_id, subject, body, link, dedupe_key, in_app)
             SELECT u.id, $2, $3, $4, $5, $6, $7, $8 FROM users u
             WHERE u.id = $1 AND u.disabled_at IS NULL
             ON CONFLICT (user_id, dedupe_key) DO NOTHING
             RETURNING id, (SELECT email FROM users WHERE id = $1) AS \"email!\"",
            user_id,
            notice.kind.as_str(),
            service_id,
            notice.subject,
            notice.body,
            notice.link,
            notice.dedupe_key,
            channels.in_app
        )
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = inserted else { continue };
        if channels.in_app {
            rung.push(user_id);
        }
        if channels.email {
            sqlx::query!(
                "INSERT INTO outbox (channel, notification_id, kind, dedupe_key, recipient, subject, body)
                 VALUES ('email', $1, $2, $3, $4, $5, $6)",
                row.id,
                notice.kind.as_str(),
                notice.dedupe_key,
                row.email,
                notice.subject,
                email_text(notice, url)
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    if let Some(service_id) = service_id {
        let hooks = sqlx::query!(
            "SELECT id, url, format FROM webhooks WHERE service_id = $1 ORDER BY id",
            service_id
        )
        .fetch_all(&mut *conn)
        .await?;
        for hook in hooks {
            let format: WebhookFormat = hook
                .format
                .parse()
                .map_err(|e| AppError::internal("stored webhook format", e))?;
            sqlx::query!(
                "INSERT INTO outbox (channel, webhook_id, kind, dedupe_key, recipient, subject, body)
                 VALUES ('webhook', $1, $2, $3, $4, $5, $6)
                 ON CONFLICT (webhook_id, dedupe_key) WHERE webhook_id IS NOT NULL DO NOTHING",
                hook.id,
                notice.kind.as_str(),
                notice.dedupe_key,
                hook.url,
                notice.subject,
                webhook_body(notice, format, url)
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    if !rung.is_empty() {
        // Delivered at commit, never for a rollback. Notices are rare (reviews, the
        // scan), unlike the ticks whose announcements go through the relay.
        let payload = serde_json::json!({ "notice": rung }).to_string();
        sqlx::query!("SELECT pg_notify($1, $2)", CHANGES_CHANNEL, payload)
            .fetch_one(&mut *conn)
            .await?;
    }
    Ok(rung)
}

/// The user's notifications for the bell, newest first.
pub async fn list(
    pool: &PgPool,
    user_id: i64,
    limit: i64,
) -> Result<Vec<NotificationEntry>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT n.id, n.kind, n.subject, n.body, n.link, s.name AS "service_name?",
                  n.created_at AS "created_at: DateTime<Utc>", n.read_at IS NOT NULL AS "read!"
           FROM notifications n LEFT JOIN services s ON s.id = n.service_id
           WHERE n.user_id = $1 AND n.in_app
           ORDER BY n.created_at DESC, n.id DESC LIMIT $2"#,
        user_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(NotificationEntry {
                id: r.id,
                kind: parse_kind(&r.kind)?,
                subject: r.subject,
                body: r.body,
                link: r.link,
                service_name: r.service_name,
                created_at: r.created_at,
                read: r.read,
            })
        })
        .collect()
}

pub async fn unread_count(pool: &PgPool, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM notifications
           WHERE user_id = $1 AND in_app AND read_at IS NULL"#,
        user_id
    )
    .fetch_one(pool)
    .await?)
}

/// Marks the user's notifications read: those in `ids`, or every one when `None`.
pub async fn mark_read(pool: &PgPool, user_id: i64, ids: Option<&[i64]>) -> Result<u64, AppError> {
    let all = ids.is_none();
    let ids = ids.unwrap_or(&[]);
    Ok(sqlx::query!(
        "UPDATE notifications SET read_at = now()
         WHERE user_id = $1 AND read_at IS NULL AND ($2 OR id = ANY($3))",
        user_id,
        all,
        ids
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// The user's choices with the services they can choose for.
pub async fn settings(pool: &PgPool, user_id: i64) -> Result<NotificationSettings, AppError> {
    let rows = sqlx::query!(
        r#"SELECT p.service_id, s.name AS "service_name?", p.kind, p.in_app, p.email
           FROM notification_preferences p LEFT JOIN services s ON s.id = p.service_id
           WHERE p.user_id = $1
           ORDER BY s.name NULLS FIRST, p.kind"#,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let services = sqlx::query!("SELECT id, name FROM services ORDER BY name")
        .fetch_all(pool)
        .await?;
    Ok(NotificationSettings {
        rows: rows
            .into_iter()
            .map(|r| {
                Ok(PreferenceRow {
                    service_id: r.service_id,
                    service_name: r.service_name,
                    kind: parse_kind(&r.kind)?,
                    in_app: r.in_app,
                    email: r.email,
                })
            })
            .collect::<Result<_, AppError>>()?,
        services: services.into_iter().map(|s| (s.id, s.name)).collect(),
    })
}

/// Stores one choice (replacing the one before), or removes it with `None` so the
/// service falls back to the choice for all (and that to the default).
pub async fn set_preference(
    pool: &PgPool,
    user_id: i64,
    service_id: Option<i64>,
    kind: NoticeKind,
    channels: Option<Channels>,
) -> Result<(), AppError> {
    if let Some(id) = service_id {
        let known = sqlx::query_scalar!("SELECT id FROM services WHERE id = $1", id)
            .fetch_optional(pool)
            .await?;
        if known.is_none() {
            return Err(AppError::invalid("service", "there is no such service"));
        }
    }
    match channels {
        Some(c) => {
            sqlx::query!(
                "INSERT INTO notification_preferences (user_id, service_id, kind, in_app, email)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, service_id, kind)
                 DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email",
                user_id,
                service_id,
                kind.as_str(),
                c.in_app,
                c.email
            )
            .execute(pool)
            .await?;
        }
        None => {
            sqlx::query!(
                "DELETE FROM notification_preferences
                 WHERE user_id = $1 AND service_id IS NOT DISTINCT FROM $2 AND kind = $3",
                user_id,
                service_id,
                kind.as_str()
            )
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}
