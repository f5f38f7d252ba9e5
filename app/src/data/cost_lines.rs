//! Cost lines: add, edit, include/leave out of the projection, delete.

use crate::data::events::{self, NewEvent};
use crate::data::{phases, service_id};
use crate::error::AppError;
use crate::input::CostLineInput;
use crate::model::{CostCategory, CostKind, CostLine, Scenario};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

fn line_json(line: &CostLine) -> Value {
    json!({
        "category": line.category,
        "name": line.name,
        "kind": line.kind,
        "monthly_cents": line.monthly_cents,
        "phase_id": line.phase_id,
        "start_month": line.start_month,
        "included": line.included,
    })
}

async fn fetch(conn: &mut PgConnection, service_id: i64, id: i64) -> Result<CostLine, AppError> {
    sqlx::query_as!(
        CostLine,
        r#"SELECT id, category AS "category: CostCategory", name, kind AS "kind: CostKind", monthly_cents,
                  phase_id, start_month AS "start_month: _", included, version
           FROM cost_lines WHERE id = $1 AND service_id = $2 FOR UPDATE"#,
        id,
        service_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("cost line {id}")))
}

fn stale(line: &CostLine) -> AppError {
    AppError::Conflict {
        message: format!(
            "cost line {:?} was changed by someone else since you loaded it; reload to see it",
            line.name
        ),
        current: None,
    }
}

async fn record(
    conn: &mut PgConnection,
    service_id: i64,
    actor: &str,
    action: &str,
    id: i64,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    events::record(
        conn,
        NewEvent {
            service_id,
            actor,
            action,
            subject_type: "cost_line",
            subject_id: Some(id),
            before,
            after,
        },
    )
    .await
}

pub async fn create(
    pool: &PgPool,
    slug: &str,
    input: CostLineInput,
    actor: &str,
) -> Result<CostLine, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    phases::check_in_service(&mut tx, service_id, input.phase_id).await?;
    let line = sqlx::query_as!(
        CostLine,
        r#"INSERT INTO cost_lines (service_id, position, category, name, kind, monthly_cents, phase_id, start_month)
           VALUES ($1, (SELECT coalesce(max(position) + 1, 0) FROM cost_lines WHERE service_id = $1),
                   $2, $3, $4, $5, $6, $7)
           RETURNING id, category AS "category: CostCategory", name, kind AS "kind: CostKind", monthly_cents,
                  phase_id, start_month AS "start_month: _", included, version"#,
        service_id,
        input.category.as_str(),
        input.name,
        input.kind.as_str(),
        input.monthly_cents,
        input.phase_id,
        input.start_month as _
    )
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut tx,
        service_id,
        actor,
        "cost_line.created",
        line.id,
        None,
        Some(line_json(&line)),
    )
    .await?;
    tx.commit().await?;
    Ok(line)
}

pub async fn update(
    pool: &PgPool,
    slug: &str,
    id: i64,
    expected_version: i32,
    input: CostLineInput,
    actor: &str,
) -> Result<CostLine, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch(&mut tx, service_id, id).await?;
    if before.version != expected_version {
        return Err(stale(&before));
    }
    phases::check_in_service(&mut tx, service_id, input.phase_id).await?;
    let after = sqlx::query_as!(
        CostLine,
        r#"UPDATE cost_lines SET category = $2, name = $3, kind = $4, monthly_cents = $5, phase_id = $6,
               start_month = $7, version = version + 1
           WHERE id = $1
           RETURNING id, category AS "category: CostCategory", name, kind AS "kind: CostKind", monthly_cents,
                  phase_id, start_month AS "start_month: _", included, version"#,
        id,
        input.category.as_str(),
        input.name,
        input.kind.as_str(),
        input.monthly_cents,
        input.phase_id,
        input.start_month as _
    )
    .fetch_one(&mut *tx)
    .await?;
    if line_json(&before) != line_json(&after) {
        record(
            &mut tx,
            service_id,
            actor,
            "cost_line.updated",
            id,
            Some(line_json(&before)),
            Some(line_json(&after)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Counts a line in the projection or leaves it out (the what-if's saved choice).
pub async fn set_included(
    pool: &PgPool,
    slug: &str,
    id: i64,
    expected_version: i32,
    included: bool,
    actor: &str,
) -> Result<CostLine, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch(&mut tx, service_id, id).await?;
    if before.version != expected_version {
        return Err(stale(&before));
    }
    if before.included == included {
        return Ok(before);
    }
    let after = sqlx::query_as!(
        CostLine,
        r#"UPDATE cost_lines SET included = $2, version = version + 1 WHERE id = $1
           RETURNING id, category AS "category: CostCategory", name, kind AS "kind: CostKind", monthly_cents,
                  phase_id, start_month AS "start_month: _", included, version"#,
        id,
        included
    )
    .fetch_one(&mut *tx)
    .await?;
    record(
        &mut tx,
        service_id,
        actor,
        "cost_line.updated",
        id,
        Some(json!({ "name": before.name, "included": before.included })),
        Some(json!({ "name": after.name, "included": after.included })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete(pool: &PgPool, slug: &str, id: i64, actor: &str) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch(&mut tx, service_id, id).await?;
    sqlx::query!("DELETE FROM cost_lines WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        service_id,
        actor,
        "cost_line.deleted",
        id,
        Some(line_json(&before)),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn apply_scenario(
    pool: &PgPool,
    slug: &str,
    scenario: &Scenario,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    for (id, version, included) in &scenario.included {
        let before = fetch(&mut tx, service_id, *id).await?;
        if before.version != *version {
            return Err(stale(&before));
        }
        if before.included == *included {
            continue;
        }
        sqlx::query!(
            "UPDATE cost_lines SET included = $2, version = version + 1 WHERE id = $1",
            id,
            included
        )
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            service_id,
            actor,
            "cost_line.updated",
            *id,
            Some(json!({ "name": before.name, "included": before.included })),
            Some(json!({ "name": before.name, "included": included })),
        )
        .await?;
    }
    for (phase_id, version, end) in &scenario.planned_ends {
        let row = sqlx::query!(
        r#"SELECT name, planned_start AS "planned_start: chrono::NaiveDate", planned_end AS "planned_end: chrono::NaiveDate", version
             FROM phases WHERE id = $1 AND service_id = $2 FOR UPDATE"#,
            phase_id,
            service_id
    )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Err(AppError::NotFound(format!("phase {phase_id}")));
        };
        let (name, start, old_end, stored_version) =
            (row.name, row.planned_start, row.planned_end, row.version);
        if stored_version != *version {
            return Err(AppError::Conflict {
                message: format!(
                    "phase {name:?} was changed by someone else since you loaded it; reload to see it"
                ),
                current: None,
            });
        }
        if start.is_some_and(|s| *end < s) {
            return Err(AppError::invalid(
                "planned_end",
                format!("{name}: must not be before the planned start"),
            ));
        }
        if old_end == Some(*end) {
            continue;
        }
        sqlx::query!(
            "UPDATE phases SET planned_end = $2, version = version + 1 WHERE id = $1",
            phase_id,
            end as _
        )
        .execute(&mut *tx)
        .await?;
        events::record(
            &mut tx,
            NewEvent {
                service_id,
                actor,
                action: "phase.updated",
                subject_type: "phase",
                subject_id: Some(*phase_id),
                before: Some(json!({ "name": name, "planned_end": old_end })),
                after: Some(json!({ "name": name, "planned_end": end })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
