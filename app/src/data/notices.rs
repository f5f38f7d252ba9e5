//! Who is told what: each producer builds its notice (domain::notification::notices)
//! and its recipients, and hands both to `notifications::notify` inside the
//! producing transaction. The due-date scan's notices are here too.

use crate::data::notifications::{notify, users_by_email, watchers};
use crate::domain::forecast::forecast;
use crate::domain::notification::notices::{self, DigestLine};
use crate::domain::notification::{NoticeKind, NoticeService};
use crate::error::AppError;
use crate::model::ChecklistItem;
use chrono::{Duration, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;

pub async fn notice_service(
    conn: &mut PgConnection,
    service_id: i64,
) -> Result<NoticeService, AppError> {
    let row = sqlx::query!(
        "SELECT id, slug, name FROM services WHERE id = $1",
        service_id
    )
    .fetch_one(conn)
    .await?;
    Ok(NoticeService {
        id: row.id,
        slug: row.slug,
        name: row.name,
    })
}

/// The item's owner names a user other than the one who set it: tell them.
pub async fn item_assigned(
    conn: &mut PgConnection,
    service_id: i64,
    item: &ChecklistItem,
    actor: &str,
) -> Result<(), AppError> {
    let owner = item.owner.trim().to_lowercase();
    if owner.is_empty() || owner == actor.trim().to_lowercase() || !owner.contains('@') {
        return Ok(());
    }
    let users = users_by_email(conn, &[owner]).await?;
    if users.is_empty() {
        return Ok(());
    }
    let service = notice_service(conn, service_id).await?;
    let notice = notices::assigned(service, item.id, &item.title, actor, item.version);
    notify(conn, &notice, &users).await?;
    Ok(())
}

/// A new review: each named approver is told it waits for them.
pub async fn review_opened(
    conn: &mut PgConnection,
    service_id: i64,
    review_id: i64,
    title: &str,
    approvers: &[(String, i64)],
    opened_by: &str,
) -> Result<(), AppError> {
    let service = notice_service(conn, service_id).await?;
    for (role, user_id) in approvers {
        let notice = notices::review_waiting(service.clone(), review_id, title, role, opened_by);
        notify(conn, &notice, &[*user_id]).await?;
    }
    Ok(())
}

/// A void decision: everyone on the review (approvers and whoever opened it) and
/// everyone watching the service's reviews is told.
pub async fn review_voided(
    conn: &mut PgConnection,
    service_id: i64,
    review_id: i64,
    title: &str,
    reason: &str,
) -> Result<Vec<i64>, AppError> {
    let mut recipients = sqlx::query_scalar!(
        "SELECT user_id FROM review_approvers WHERE review_id = $1",
        review_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let opener = sqlx::query_scalar!("SELECT opened_by FROM reviews WHERE id = $1", review_id)
        .fetch_one(&mut *conn)
        .await?;
    recipients.extend(users_by_email(conn, &[opener]).await?);
    recipients.extend(watchers(conn, service_id, NoticeKind::ReviewVoided).await?);
    let service = notice_service(conn, service_id).await?;
    let notice = notices::review_voided(service, review_id, title, reason);
    notify(conn, &notice, &recipients).await
}

/// What one scan told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanTold {
    pub due: usize,
    pub slips: usize,
    pub digests: usize,
}

/// Open items whose owner is a user, due by `today + 7`.
struct DueItem {
    user_id: i64,
    service: NoticeService,
    item_id: i64,
    title: String,
    due: NaiveDate,
}

async fn due_items(pool: &PgPool, today: NaiveDate) -> Result<Vec<DueItem>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT u.id AS user_id, s.id AS service_id, s.slug, s.name, i.id AS item_id, i.title,
                  i.due_date AS "due_date!: NaiveDate"
           FROM checklist_items i
           JOIN checklist_sections c ON c.id = i.section_id
           JOIN services s ON s.id = c.service_id
           JOIN users u ON u.email = lower(btrim(i.owner)) AND u.disabled_at IS NULL
           WHERE i.due_date IS NOT NULL AND i.due_date <= $1
             AND i.status NOT IN ('done', 'not_applicable')
           ORDER BY s.name, i.due_date, i.id"#,
        (today + Duration::days(7)) as _
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DueItem {
            user_id: r.user_id,
            service: NoticeService {
                id: r.service_id,
                slug: r.slug,
                name: r.name,
            },
            item_id: r.item_id,
            title: r.title,
            due: r.due_date,
        })
        .collect())
}

/// Services whose forecast ready date is past their target go-live, with whoever
/// owns an open item there.
struct Slip {
    service: NoticeService,
    forecast: NaiveDate,
    target: NaiveDate,
    owners: Vec<i64>,
}

async fn slips(pool: &PgPool, today: NaiveDate) -> Result<Vec<Slip>, AppError> {
    let services = sqlx::query!(
        r#"SELECT id, slug, name, target_go_live AS "target!: NaiveDate" FROM services
           WHERE target_go_live IS NOT NULL AND target_go_live >= $1 ORDER BY id"#,
        today as _
    )
    .fetch_all(pool)
    .await?;
    let now = Utc::now();
    let mut found = Vec::new();
    for s in services {
        let points = crate::data::history::burnup_points(pool, s.id).await?;
        let Some((forecast, target)) =
            notices::slips(forecast(&points, now).date(), Some(s.target), today)
        else {
            continue;
        };
        let owners = sqlx::query_scalar!(
            r#"SELECT DISTINCT u.id FROM checklist_items i
               JOIN checklist_sections c ON c.id = i.section_id
               JOIN users u ON u.email = lower(btrim(i.owner)) AND u.disabled_at IS NULL
               WHERE c.service_id = $1 AND i.status NOT IN ('done', 'not_applicable')"#,
            s.id
        )
        .fetch_all(pool)
        .await?;
        found.push(Slip {
            service: NoticeService {
                id: s.id,
                slug: s.slug,
                name: s.name,
            },
            forecast,
            target,
            owners,
        });
    }
    Ok(found)
}

/// The scan's notices as of `today`: due and overdue items to their owners, forecast
/// slips to the service's owners and watchers, and each user's weekly digest (once
/// per ISO week). Each notice is told once (its dedupe key), however often this runs.
pub async fn scan(pool: &PgPool, today: NaiveDate) -> Result<ScanTold, AppError> {
    let mut told = ScanTold::default();
    let due = due_items(pool, today).await?;
    let slipping = slips(pool, today).await?;
    let mut digest_lines: BTreeMap<i64, Vec<DigestLine>> = BTreeMap::new();
    let mut tx = pool.begin().await?;
    for item in &due {
        let notice = notices::due(
            item.service.clone(),
            item.item_id,
            &item.title,
            item.due,
            today,
        );
        told.due += notify(&mut tx, &notice, &[item.user_id]).await?.len();
        digest_lines
            .entry(item.user_id)
            .or_default()
            .push(DigestLine {
                service: item.service.name.clone(),
                text: notice.subject.clone(),
                overdue: item.due < today,
            });
    }
    for slip in &slipping {
        let mut recipients = slip.owners.clone();
        recipients.extend(watchers(&mut tx, slip.service.id, NoticeKind::ForecastSlip).await?);
        let notice =
            notices::forecast_slip(slip.service.clone(), slip.forecast, slip.target, today);
        told.slips += notify(&mut tx, &notice, &recipients).await?.len();
        for user in &slip.owners {
            digest_lines.entry(*user).or_default().push(DigestLine {
                service: slip.service.name.clone(),
                text: notice.subject.clone(),
                overdue: false,
            });
        }
    }
    for (user_id, mut lines) in digest_lines {
        lines.sort_by(|a, b| a.service.cmp(&b.service));
        if let Some(notice) = notices::digest(&lines, today) {
            told.digests += notify(&mut tx, &notice, &[user_id]).await?.len();
        }
    }
    tx.commit().await?;
    Ok(told)
}
