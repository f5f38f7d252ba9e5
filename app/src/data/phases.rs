//! Phase completion follows its items: complete when every applicable item is done.

use crate::data::events::{self, NewEvent};
use crate::data::ordering::{self, Siblings};
use crate::data::service_id;
use crate::error::AppError;
use crate::input::PhaseInput;
use crate::model::Phase;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// [`refresh_completion`] for each distinct phase among `phase_ids`.
pub async fn refresh_completions(
    conn: &mut PgConnection,
    service_id: i64,
    phase_ids: impl IntoIterator<Item = Option<i64>>,
    actor: &str,
) -> Result<(), AppError> {
    let mut ids: Vec<i64> = phase_ids.into_iter().flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        refresh_completion(conn, service_id, id, actor).await?;
    }
    Ok(())
}

/// Sets or clears `completed_at` of a phase to match its items, and records an event
/// when that flips. Runs inside the transaction of the item change that caused it.
pub async fn refresh_completion(
    conn: &mut PgConnection,
    service_id: i64,
    phase_id: i64,
    actor: &str,
) -> Result<(), AppError> {
    let row = sqlx::query!(
        r#"SELECT p.completed_at IS NOT NULL AS "was_complete!",
                  count(i.id) FILTER (WHERE i.status <> 'not_applicable') > 0
                  AND count(i.id) FILTER (WHERE i.status NOT IN ('done', 'not_applicable')) = 0
                      AS "is_complete!"
           FROM phases p LEFT JOIN checklist_items i ON i.phase_id = p.id
           WHERE p.id = $1
           GROUP BY p.id"#,
        phase_id
    )
    .fetch_one(&mut *conn)
    .await?;
    let (was_complete, is_complete) = (row.was_complete, row.is_complete);
    if was_complete == is_complete {
        return Ok(());
    }
    sqlx::query!(
        "UPDATE phases SET completed_at = CASE WHEN $2 THEN now() END, version = version + 1
         WHERE id = $1",
        phase_id,
        is_complete
    )
    .execute(&mut *conn)
    .await?;
    events::record(
        conn,
        NewEvent {
            service_id,
            actor,
            action: if is_complete {
                "phase.completed"
            } else {
                "phase.reopened"
            },
            subject_type: "phase",
            subject_id: Some(phase_id),
            before: Some(json!({ "complete": was_complete })),
            after: Some(json!({ "complete": is_complete })),
        },
    )
    .await
}

fn phase_json(phase: &Phase) -> serde_json::Value {
    json!({
        "name": phase.name,
        "goal": phase.goal,
        "planned_start": phase.planned_start,
        "planned_end": phase.planned_end,
        "effort_min_days": phase.effort_min_days,
        "effort_max_days": phase.effort_max_days,
        "monthly_cost_change_cents": phase.monthly_cost_change_cents,
    })
}

async fn fetch_phase(
    conn: &mut PgConnection,
    service_id: i64,
    phase_id: i64,
) -> Result<Phase, AppError> {
    sqlx::query_as!(
        Phase,
        r#"SELECT id, name, goal, planned_start AS "planned_start: _", planned_end AS "planned_end: _", effort_min_days, effort_max_days,
                   monthly_cost_change_cents, completed_at AS "completed_at: _", version
         FROM phases WHERE id = $1 AND service_id = $2 FOR UPDATE"#,
        phase_id,
        service_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("phase {phase_id}")))
}

/// Adds a phase at the end of the roadmap.
pub async fn create(
    pool: &PgPool,
    slug: &str,
    input: PhaseInput,
    actor: &str,
) -> Result<Phase, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let phase = sqlx::query_as!(
        Phase,
        r#"INSERT INTO phases (service_id, position, name, goal, planned_start, planned_end,
                             effort_min_days, effort_max_days, monthly_cost_change_cents)
         VALUES ($1, (SELECT coalesce(max(position) + 1, 0) FROM phases WHERE service_id = $1),
                 $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, name, goal, planned_start AS "planned_start: _", planned_end AS "planned_end: _", effort_min_days, effort_max_days,
                   monthly_cost_change_cents, completed_at AS "completed_at: _", version"#,
        service_id,
        input.name,
        input.goal,
        input.planned_start as _,
        input.planned_end as _,
        input.effort_min_days,
        input.effort_max_days,
        input.monthly_cost_change_cents
    )
    .fetch_one(&mut *tx)
    .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "phase.created",
            subject_type: "phase",
            subject_id: Some(phase.id),
            before: None,
            after: Some(phase_json(&phase)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(phase)
}

/// Replaces a phase's fields, if it is still at the version the user saw.
pub async fn update(
    pool: &PgPool,
    slug: &str,
    phase_id: i64,
    expected_version: i32,
    input: PhaseInput,
    actor: &str,
) -> Result<Phase, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_phase(&mut tx, service_id, phase_id).await?;
    if before.version != expected_version {
        return Err(AppError::Conflict {
            message: format!(
                "phase {:?} was changed by someone else since you loaded it; reload to see it",
                before.name
            ),
            current: None,
        });
    }
    let after = sqlx::query_as!(
        Phase,
        r#"UPDATE phases SET name = $2, goal = $3, planned_start = $4, planned_end = $5,
             effort_min_days = $6, effort_max_days = $7, monthly_cost_change_cents = $8,
             version = version + 1
         WHERE id = $1
         RETURNING id, name, goal, planned_start AS "planned_start: _", planned_end AS "planned_end: _", effort_min_days, effort_max_days,
                   monthly_cost_change_cents, completed_at AS "completed_at: _", version"#,
        phase_id,
        input.name,
        input.goal,
        input.planned_start as _,
        input.planned_end as _,
        input.effort_min_days,
        input.effort_max_days,
        input.monthly_cost_change_cents
    )
    .fetch_one(&mut *tx)
    .await?;
    if phase_json(&before) != phase_json(&after) {
        events::record(
            &mut tx,
            NewEvent {
                service_id,
                actor,
                action: "phase.updated",
                subject_type: "phase",
                subject_id: Some(phase_id),
                before: Some(phase_json(&before)),
                after: Some(phase_json(&after)),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Deletes a phase; its items stay, unassigned. Refused while cost lines name it.
pub async fn delete(pool: &PgPool, slug: &str, phase_id: i64, actor: &str) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_phase(&mut tx, service_id, phase_id).await?;
    let cost_lines = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM cost_lines WHERE phase_id = $1"#,
        phase_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if cost_lines > 0 {
        return Err(AppError::invalid(
            "phase",
            format!(
                "{:?} has {cost_lines} cost line{}; move or delete them on the cost page first",
                before.name,
                if cost_lines == 1 { "" } else { "s" }
            ),
        ));
    }
    sqlx::query!("DELETE FROM phases WHERE id = $1", phase_id)
        .execute(&mut *tx)
        .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "phase.deleted",
            subject_type: "phase",
            subject_id: Some(phase_id),
            before: Some(phase_json(&before)),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn move_phase(
    pool: &PgPool,
    slug: &str,
    phase_id: i64,
    delta: i32,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let phase = fetch_phase(&mut tx, service_id, phase_id).await?;
    if ordering::move_by(&mut tx, Siblings::Phases, service_id, phase_id, delta).await? {
        events::record(
            &mut tx,
            NewEvent {
                service_id,
                actor,
                action: "phase.moved",
                subject_type: "phase",
                subject_id: Some(phase_id),
                before: Some(json!({ "name": phase.name })),
                after: Some(json!({ "moved": if delta < 0 { "up" } else { "down" } })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The phase exists in this service (a form may send any id).
pub async fn check_in_service(
    conn: &mut PgConnection,
    service_id: i64,
    phase_id: Option<i64>,
) -> Result<(), AppError> {
    let Some(phase_id) = phase_id else {
        return Ok(());
    };
    let found = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM phases WHERE id = $1 AND service_id = $2) AS "found!""#,
        phase_id,
        service_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if found {
        Ok(())
    } else {
        Err(AppError::invalid(
            "phase_id",
            "no such phase in this service",
        ))
    }
}
