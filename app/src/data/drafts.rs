//! Saving a whole [`ServiceDraft`] as a new service, in one transaction.

use crate::data::events::{self, NewEvent};
use crate::draft::ServiceDraft;
use crate::error::AppError;
use crate::model::StatedCostFigure;
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;

/// Creates the service, its phases, sections, items, risks (with their mitigating
/// items) and cost lines. Either all of it is stored or none of it. Phases whose
/// applicable items are all done are recorded as complete. Returns the slug.
pub async fn insert(pool: &PgPool, draft: &ServiceDraft, actor: &str) -> Result<String, AppError> {
    insert_imported(pool, draft, &[], actor).await
}

/// [`insert`], keeping the figures the imported document stated that its cost lines
/// do not add up to, in the same transaction.
pub async fn insert_imported(
    pool: &PgPool,
    draft: &ServiceDraft,
    stated: &[StatedCostFigure],
    actor: &str,
) -> Result<String, AppError> {
    let draft = draft.validated()?;
    let mut tx = pool.begin().await?;

    let taken: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM services WHERE slug = $1) AS "taken!""#,
        draft.slug
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(AppError::invalid(
            "slug",
            format!("a service with the slug {:?} already exists", draft.slug),
        ));
    }
    let service_id: i64 = sqlx::query_scalar!(
        "INSERT INTO services (slug, name, description, team, target_go_live)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        draft.slug,
        draft.name,
        draft.description,
        draft.team,
        draft.target_go_live as _
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => AppError::invalid(
            "slug",
            format!("a service with the slug {:?} already exists", draft.slug),
        ),
        _ => AppError::from(e),
    })?;

    let mut phase_ids: HashMap<&str, i64> = HashMap::new();
    for (position, phase) in draft.phases.iter().enumerate() {
        let id: i64 = sqlx::query_scalar!(
            "INSERT INTO phases (service_id, position, name, goal, planned_start, planned_end,
                                 effort_min_days, effort_max_days, monthly_cost_change_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            service_id,
            position as i32,
            phase.name,
            phase.goal,
            phase.planned_start as _,
            phase.planned_end as _,
            phase.effort_min_days,
            phase.effort_max_days,
            phase.monthly_cost_change_cents
        )
        .fetch_one(&mut *tx)
        .await?;
        phase_ids.insert(phase.name.as_str(), id);
    }
    let phase_id = |name: &Option<String>| {
        name.as_deref()
            .and_then(|n| phase_ids.get(n.trim()).copied())
    };

    let mut item_ids: HashMap<&str, i64> = HashMap::new();
    for (section_position, section) in draft.sections.iter().enumerate() {
        let section_id: i64 = sqlx::query_scalar!(
        "INSERT INTO checklist_sections (service_id, position, name) VALUES ($1, $2, $3) RETURNING id",
        service_id,
        section_position as i32,
        section.name
    )
        .fetch_one(&mut *tx)
        .await?;
        for (position, item) in section.items.iter().enumerate() {
            let id: i64 = sqlx::query_scalar!(
        "INSERT INTO checklist_items (service_id, section_id, position, title, detail, status,
                     priority, owner, due_date, evidence_url, phase_id, na_reason, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        service_id,
        section_id,
        position as i32,
        item.title,
        item.detail,
        item.status.as_str(),
        item.priority.as_str(),
        item.owner,
        item.due_date as _,
        item.evidence_url,
        phase_id(&item.phase),
        item.na_reason,
        actor
    )
            .fetch_one(&mut *tx)
            .await?;
            item_ids.insert(item.title.as_str(), id);
        }
    }

    for risk in &draft.risks {
        let risk_id: i64 = sqlx::query_scalar!(
            "INSERT INTO risks (service_id, title, description, likelihood, impact, mitigation,
                                owner, status, review_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            service_id,
            risk.title,
            risk.description,
            risk.likelihood,
            risk.impact,
            risk.mitigation,
            risk.owner,
            risk.status.as_str(),
            risk.review_date as _
        )
        .fetch_one(&mut *tx)
        .await?;
        for title in &risk.mitigated_by {
            if let Some(item_id) = item_ids.get(title.trim()) {
                sqlx::query!(
        "INSERT INTO risk_mitigations (risk_id, item_id, service_id) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
        risk_id,
        item_id,
        service_id
    )
                .execute(&mut *tx)
                .await?;
            }
        }
    }

    for (position, line) in draft.cost_lines.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO cost_lines (service_id, position, category, name, kind, monthly_cents,
                                     phase_id, start_month)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            service_id,
            position as i32,
            line.category.as_str(),
            line.name,
            line.kind.as_str(),
            line.monthly_cents,
            phase_id(&line.phase),
            line.start_month as _
        )
        .execute(&mut *tx)
        .await?;
    }

    crate::data::stated_figures::insert_all(&mut tx, service_id, stated).await?;

    // A phase that arrives with all its applicable items done is complete; when it
    // has a planned end in the past, that is the best estimate of when.
    sqlx::query!(
        "UPDATE phases p SET completed_at = LEAST(now(), coalesce(p.planned_end::timestamptz, now()))
         WHERE p.service_id = $1
           AND EXISTS (SELECT 1 FROM checklist_items i
                       WHERE i.phase_id = p.id AND i.status <> 'not_applicable')
           AND NOT EXISTS (SELECT 1 FROM checklist_items i
                           WHERE i.phase_id = p.id AND i.status NOT IN ('done', 'not_applicable'))",
        service_id
    )
    .execute(&mut *tx)
    .await?;

    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "service.created",
            subject_type: "service",
            subject_id: Some(service_id),
            before: None,
            after: Some(json!({
                "slug": draft.slug,
                "name": draft.name,
                "items": draft.item_count(),
                "done_items": draft.sections.iter().flat_map(|s| &s.items)
                    .filter(|i| i.status == crate::model::ItemStatus::Done).count(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(draft.slug)
}

/// `base` when no service uses it, else the first free `base-2`, `base-3`, …: an
/// import through the API should not fail only because the document was imported
/// before. One query whatever the number of earlier copies.
pub async fn free_slug(pool: &PgPool, base: &str) -> Result<String, AppError> {
    let taken: Vec<String> = sqlx::query_scalar!(
        "SELECT slug FROM services WHERE slug = $1 OR slug LIKE $1 || '-%'",
        base
    )
    .fetch_all(pool)
    .await?;
    if !taken.iter().any(|s| s == base) {
        return Ok(base.to_string());
    }
    let free = (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let stem_len = base
                .len()
                .min(crate::domain::validate::SLUG_MAX - suffix.len());
            format!("{}{suffix}", base[..stem_len].trim_end_matches('-'))
        })
        .find(|candidate| !taken.contains(candidate))
        .expect("an unbounded range always has a free number");
    Ok(free)
}
