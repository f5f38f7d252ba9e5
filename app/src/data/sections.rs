//! Checklist sections: add, rename, reorder, delete.

use crate::data::events::{self, NewEvent};
use crate::data::ordering::{self, Siblings};
use crate::data::{phases, service_id};
use crate::domain::validate as v;
use crate::error::AppError;
use crate::model::ChecklistSection;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

async fn section_name(
    conn: &mut PgConnection,
    service_id: i64,
    section_id: i64,
) -> Result<String, AppError> {
    sqlx::query_scalar!(
        "SELECT name FROM checklist_sections WHERE id = $1 AND service_id = $2 FOR UPDATE",
        section_id,
        service_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("section {section_id}")))
}

pub async fn create(
    pool: &PgPool,
    slug: &str,
    name: &str,
    actor: &str,
) -> Result<ChecklistSection, AppError> {
    let name = v::required_text("name", name, v::NAME_MAX)?;
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let id = insert(&mut tx, service_id, &name, actor).await?;
    tx.commit().await?;
    Ok(ChecklistSection {
        id,
        name,
        items: Vec::new(),
    })
}

/// Adds a section at the end of the service's checklist inside the caller's
/// transaction, with its event.
pub(crate) async fn insert(
    conn: &mut sqlx::PgConnection,
    service_id: i64,
    name: &str,
    actor: &str,
) -> Result<i64, AppError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO checklist_sections (service_id, position, name)
         VALUES ($1, (SELECT coalesce(max(position) + 1, 0) FROM checklist_sections WHERE service_id = $1), $2)
         RETURNING id",
        service_id,
        name
    )
    .fetch_one(&mut *conn)
    .await?;
    events::record(
        &mut *conn,
        NewEvent {
            service_id,
            actor,
            action: "section.created",
            subject_type: "checklist_section",
            subject_id: Some(id),
            before: None,
            after: Some(json!({ "name": name })),
        },
    )
    .await?;
    Ok(id)
}

pub async fn rename(
    pool: &PgPool,
    slug: &str,
    section_id: i64,
    name: &str,
    actor: &str,
) -> Result<(), AppError> {
    let name = v::required_text("name", name, v::NAME_MAX)?;
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = section_name(&mut tx, service_id, section_id).await?;
    if before == name {
        return Ok(());
    }
    sqlx::query!(
        "UPDATE checklist_sections SET name = $2 WHERE id = $1",
        section_id,
        name
    )
    .execute(&mut *tx)
    .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "section.renamed",
            subject_type: "checklist_section",
            subject_id: Some(section_id),
            before: Some(json!({ "name": before })),
            after: Some(json!({ "name": name })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a section with its items. Returns how many items went with it.
pub async fn delete(
    pool: &PgPool,
    slug: &str,
    section_id: i64,
    actor: &str,
) -> Result<i64, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let name = section_name(&mut tx, service_id, section_id).await?;
    let removed = sqlx::query!(
        "DELETE FROM checklist_items WHERE section_id = $1 RETURNING id, status, phase_id",
        section_id
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM checklist_sections WHERE id = $1", section_id)
        .execute(&mut *tx)
        .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "section.deleted",
            subject_type: "checklist_section",
            subject_id: Some(section_id),
            before: Some(json!({
                "name": name,
                "items": removed.iter().map(|r| json!({"id": r.id, "status": r.status})).collect::<Vec<_>>(),
            })),
            after: None,
        },
    )
    .await?;
    phases::refresh_completions(
        &mut tx,
        service_id,
        removed.iter().map(|r| r.phase_id),
        actor,
    )
    .await?;
    tx.commit().await?;
    Ok(removed.len() as i64)
}

pub async fn move_section(
    pool: &PgPool,
    slug: &str,
    section_id: i64,
    delta: i32,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let name = section_name(&mut tx, service_id, section_id).await?;
    if ordering::move_by(&mut tx, Siblings::Sections, service_id, section_id, delta).await? {
        events::record(
            &mut tx,
            NewEvent {
                service_id,
                actor,
                action: "section.moved",
                subject_type: "checklist_section",
                subject_id: Some(section_id),
                before: Some(json!({ "name": name })),
                after: Some(json!({ "moved": if delta < 0 { "up" } else { "down" } })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
