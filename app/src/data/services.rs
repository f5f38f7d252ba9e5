//! Reads of whole services.

use crate::domain::progress::{Progress, readiness};
use crate::error::AppError;
use crate::model::{
    ChecklistItem, ChecklistSection, CostCategory, CostKind, CostLine, ItemStatus, Phase, Priority,
    Risk, RiskStatus, ServiceDocument, ServiceSummary,
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Every service with its item counts, in one query whatever the number of services.
pub async fn list_summaries(pool: &PgPool) -> Result<Vec<ServiceSummary>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT s.slug, s.name, s.team,
                  count(i.id) FILTER (WHERE i.status = 'done') AS "done_items!",
                  count(i.id) FILTER (WHERE i.status <> 'not_applicable') AS "applicable_items!"
           FROM services s LEFT JOIN checklist_items i ON i.service_id = s.id
           GROUP BY s.id
           ORDER BY lower(s.name), s.slug"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let progress = Progress {
                done: r.done_items as u32,
                applicable: r.applicable_items as u32,
            };
            ServiceSummary {
                slug: r.slug,
                name: r.name,
                team: r.team,
                done_items: progress.done,
                applicable_items: progress.applicable,
                readiness_percent: progress.percent(),
            }
        })
        .collect())
}

pub async fn count(pool: &PgPool) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM services"#)
            .fetch_one(pool)
            .await?,
    )
}

struct SectionRow {
    id: i64,
    name: String,
}

/// The whole service as one document. Read in one repeatable-read transaction so the
/// parts agree with each other.
pub async fn document(pool: &PgPool, slug: &str) -> Result<ServiceDocument, AppError> {
    Ok(document_with_stamp(pool, slug).await?.0)
}

/// What identifies one state of a service's data: `(id, created_at, version)`. The
/// version moves in the same transaction as any change to the service or the rows
/// under it (migration `service_version`); `created_at` tells a re-created id apart.
pub type Stamp = (i64, DateTime<Utc>, i64);

/// The current stamp of `slug`, `None` when there is no such service.
pub async fn stamp(pool: &PgPool, slug: &str) -> Result<Option<Stamp>, AppError> {
    if !crate::domain::validate::could_be_stored(slug) {
        return Ok(None);
    }
    let row = sqlx::query!(
        r#"SELECT id, created_at AS "created_at: chrono::DateTime<chrono::Utc>", version FROM services WHERE slug = $1"#,
        slug
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.created_at, r.version)))
}

/// The document with the [`Stamp`] it was read at (see
/// [`crate::data::cache`]).
pub async fn document_with_stamp(
    pool: &PgPool,
    slug: &str,
) -> Result<(ServiceDocument, Stamp), AppError> {
    if !crate::domain::validate::could_be_stored(slug) {
        return Err(AppError::NotFound(format!("service {slug:?}")));
    }
    let mut tx = pool.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let service = sqlx::query!(
        r#"SELECT id, slug, name, description, team, target_go_live AS "target_go_live: chrono::NaiveDate", created_at AS "created_at: chrono::DateTime<chrono::Utc>", version
         FROM services WHERE slug = $1"#,
        slug
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("service {slug:?}")))?;

    let section_rows = sqlx::query_as!(
        SectionRow,
        "SELECT id, name FROM checklist_sections WHERE service_id = $1 ORDER BY position, id",
        service.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let items = sqlx::query_as!(
        ChecklistItem,
        r#"SELECT id, section_id, title, detail, status AS "status: ItemStatus",
                  priority AS "priority: Priority", owner, due_date AS "due_date: _", evidence_url, phase_id,
                  na_reason, version, updated_at AS "updated_at: _", updated_by
           FROM checklist_items WHERE service_id = $1 ORDER BY position, id"#,
        service.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let phases = sqlx::query_as!(
        Phase,
        r#"SELECT id, name, goal, planned_start AS "planned_start: _", planned_end AS "planned_end: _", effort_min_days, effort_max_days,
                monthly_cost_change_cents, completed_at AS "completed_at: _", version
         FROM phases WHERE service_id = $1 ORDER BY position, id"#,
        service.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let risks = sqlx::query_as!(
        Risk,
        r#"SELECT r.id, r.title, r.description, r.likelihood, r.impact, r.mitigation, r.owner,
                  r.status AS "status: RiskStatus", r.review_date AS "review_date: _", r.version,
                  coalesce(array_agg(m.item_id ORDER BY m.item_id)
                           FILTER (WHERE m.item_id IS NOT NULL), '{}') AS "mitigating_item_ids!"
           FROM risks r LEFT JOIN risk_mitigations m ON m.risk_id = r.id
           WHERE r.service_id = $1
           GROUP BY r.id
           ORDER BY r.likelihood * r.impact DESC, r.id"#,
        service.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let cost_lines = sqlx::query_as!(
        CostLine,
        r#"SELECT id, category AS "category: CostCategory", name, kind AS "kind: CostKind",
                  monthly_cents, phase_id, start_month AS "start_month: _", included, version
           FROM cost_lines WHERE service_id = $1 ORDER BY position, id"#,
        service.id
    )
    .fetch_all(&mut *tx)
    .await?;
    let stated_cost_figures = crate::data::stated_figures::list(&mut tx, service.id).await?;
    tx.commit().await?;

    let readiness_percent = readiness(items.iter().map(|i| i.status)).percent();
    let sections = group_items(section_rows, items);
    let stamp = (service.id, service.created_at, service.version);
    let doc = ServiceDocument {
        slug: service.slug,
        name: service.name,
        description: service.description,
        team: service.team,
        target_go_live: service.target_go_live,
        readiness_percent,
        sections,
        phases,
        risks,
        cost_lines,
        stated_cost_figures,
    };
    Ok((doc, stamp))
}

/// Puts items (already in order) under their sections (in order).
fn group_items(sections: Vec<SectionRow>, items: Vec<ChecklistItem>) -> Vec<ChecklistSection> {
    let mut grouped: Vec<ChecklistSection> = sections
        .into_iter()
        .map(|s| ChecklistSection {
            id: s.id,
            name: s.name,
            items: Vec::new(),
        })
        .collect();
    let index: std::collections::HashMap<i64, usize> =
        grouped.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    for item in items {
        if let Some(&i) = index.get(&item.section_id) {
            grouped[i].items.push(item);
        }
    }
    grouped
}
