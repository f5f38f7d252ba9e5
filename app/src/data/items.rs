//! Writes to checklist items.

use crate::data::events::{self, NewEvent};
use crate::data::ordering::{self, Siblings};
use crate::data::{phases, service_id};
use crate::error::AppError;
use crate::input::ItemInput;
use crate::model::{ChecklistItem, ItemStatus, Priority};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, PgPool};

pub use crate::input::NA_REASON_MAX;

pub use crate::input::{StatusChange, validate_status_change};

pub async fn fetch_item(
    conn: &mut PgConnection,
    service_id: i64,
    item_id: i64,
    lock: bool,
) -> Result<ChecklistItem, AppError> {
    let found = if lock {
        sqlx::query_as!(
        ChecklistItem,
            r#"SELECT id, section_id, title, detail, status AS "status: ItemStatus",
                  priority AS "priority: Priority", owner, due_date AS "due_date: _", evidence_url, phase_id,
                  na_reason, version, updated_at AS "updated_at: _", updated_by
               FROM checklist_items WHERE id = $1 AND service_id = $2 FOR UPDATE"#,
            item_id,
            service_id
    )
        .fetch_optional(conn)
        .await?
    } else {
        sqlx::query_as!(
        ChecklistItem,
            r#"SELECT id, section_id, title, detail, status AS "status: ItemStatus",
                  priority AS "priority: Priority", owner, due_date AS "due_date: _", evidence_url, phase_id,
                  na_reason, version, updated_at AS "updated_at: _", updated_by
               FROM checklist_items WHERE id = $1 AND service_id = $2"#,
            item_id,
            service_id
    )
        .fetch_optional(conn)
        .await?
    };
    found.ok_or_else(|| AppError::NotFound(format!("item {item_id}")))
}

/// Changes an item's status in one transaction: the update, its event, and the
/// completion of the item's phase. A stale `expected_version` changes nothing and
/// answers `Conflict` with the stored item.
///
/// One round trip: the transaction is the database function `tick_item` (migration
/// `tick_function`), because a tick is the API's busiest write and each statement of a
/// client-side transaction held the service's version lock for a network wait.
pub async fn change_status(
    pool: &PgPool,
    slug: &str,
    item_id: i64,
    change: StatusChange,
    actor: &str,
) -> Result<ChecklistItem, AppError> {
    let na_reason = validate_status_change(&change)?;
    if !crate::domain::validate::could_be_stored(slug) {
        return Err(AppError::NotFound(format!("service {slug:?}")));
    }
    let relay = events::relay();
    let channel = relay.is_none().then_some(events::CHANGES_CHANNEL);
    let ticked = sqlx::query!(
        r#"SELECT outcome AS "outcome!", item, event_ids AS "event_ids!", payloads AS "payloads!"
           FROM tick_item($1, $2, $3, $4, $5, $6, $7)"#,
        slug,
        item_id,
        change.status.as_str(),
        na_reason,
        actor,
        change.expected_version,
        channel
    )
    .fetch_one(pool)
    .await?;
    let item = || -> Result<ChecklistItem, AppError> {
        let stored = ticked
            .item
            .clone()
            .ok_or_else(|| AppError::internal("tick_item's item", &ticked.outcome))?;
        serde_json::from_value(stored).map_err(|e| AppError::internal("tick_item's item", e))
    };
    match ticked.outcome.as_str() {
        "changed" => {
            if let Some(relay) = relay {
                relay.push_all(&ticked.event_ids, ticked.payloads.clone());
            }
            item()
        }
        "unchanged" => item(),
        "conflict" => Err(conflict(item()?)),
        "no_item" => Err(AppError::NotFound(format!("item {item_id}"))),
        "no_service" => Err(AppError::NotFound(format!("service {slug:?}"))),
        other => Err(AppError::internal("tick_item's outcome", other)),
    }
}

/// The fields a person edits, as JSON: the before/after of item events.
fn snapshot(item: &ChecklistItem) -> Map<String, Value> {
    let value = json!({
        "title": item.title,
        "detail": item.detail,
        "status": item.status,
        "na_reason": item.na_reason,
        "priority": item.priority,
        "owner": item.owner,
        "due_date": item.due_date,
        "evidence_url": item.evidence_url,
        "phase_id": item.phase_id,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Only the fields that differ, before and after.
fn changed_fields(
    before: &ChecklistItem,
    after: &ChecklistItem,
) -> (Map<String, Value>, Map<String, Value>) {
    let (old, new) = (snapshot(before), snapshot(after));
    old.into_iter()
        .filter(|(key, value)| new.get(key) != Some(value))
        .map(|(key, value)| {
            let after = new.get(&key).cloned().unwrap_or(Value::Null);
            ((key.clone(), value), (key, after))
        })
        .unzip()
}

/// Adds an item at the end of a section.
pub async fn create(
    pool: &PgPool,
    slug: &str,
    section_id: i64,
    input: ItemInput,
    actor: &str,
) -> Result<ChecklistItem, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let section_found = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM checklist_sections WHERE id = $1 AND service_id = $2)
               AS "found!""#,
        section_id,
        service_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !section_found {
        return Err(AppError::NotFound(format!("section {section_id}")));
    }
    phases::check_in_service(&mut tx, service_id, input.phase_id).await?;
    let item = insert(&mut tx, service_id, section_id, &input, actor).await?;
    tx.commit().await?;
    Ok(item)
}

/// Adds an item at the end of a section inside the caller's transaction, with its
/// event and its phase's completion. The section must be the service's.
pub(crate) async fn insert(
    conn: &mut PgConnection,
    service_id: i64,
    section_id: i64,
    input: &ItemInput,
    actor: &str,
) -> Result<ChecklistItem, AppError> {
    let item = sqlx::query_as!(
        ChecklistItem,
        r#"INSERT INTO checklist_items (service_id, section_id, position, title, detail, status,
               na_reason, priority, owner, due_date, evidence_url, phase_id, updated_by)
           VALUES ($1, $2,
                   (SELECT coalesce(max(position) + 1, 0) FROM checklist_items WHERE section_id = $2),
                   $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           RETURNING id, section_id, title, detail, status AS "status: ItemStatus",
                  priority AS "priority: Priority", owner, due_date AS "due_date: _", evidence_url, phase_id,
                  na_reason, version, updated_at AS "updated_at: _", updated_by"#,
        service_id,
        section_id,
        input.title,
        input.detail,
        input.status.as_str(),
        input.na_reason,
        input.priority.as_str(),
        input.owner,
        input.due_date as _,
        input.evidence_url,
        input.phase_id,
        actor
    )
    .fetch_one(&mut *conn)
    .await?;
    events::record(
        &mut *conn,
        NewEvent {
            service_id,
            actor,
            action: "item.created",
            subject_type: "checklist_item",
            subject_id: Some(item.id),
            before: None,
            after: Some(Value::Object(snapshot(&item))),
        },
    )
    .await?;
    if let Some(phase_id) = item.phase_id {
        phases::refresh_completion(&mut *conn, service_id, phase_id, actor).await?;
    }
    crate::data::notices::item_assigned(conn, service_id, &item, actor).await?;
    Ok(item)
}

fn conflict(current: ChecklistItem) -> AppError {
    AppError::Conflict {
        message: format!(
            "\"{}\" was changed by {} since you loaded it; this is its current state",
            current.title, current.updated_by
        ),
        current: Some(Box::new(current)),
    }
}

/// Replaces the editable fields of an item the user saw at `expected_version`.
pub async fn update(
    pool: &PgPool,
    slug: &str,
    item_id: i64,
    expected_version: i32,
    input: ItemInput,
    actor: &str,
) -> Result<ChecklistItem, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_item(&mut tx, service_id, item_id, true).await?;
    if before.version != expected_version {
        return Err(conflict(before));
    }
    phases::check_in_service(&mut tx, service_id, input.phase_id).await?;
    let proposed = ChecklistItem {
        title: input.title,
        detail: input.detail,
        status: input.status,
        na_reason: input.na_reason,
        priority: input.priority,
        owner: input.owner,
        due_date: input.due_date,
        evidence_url: input.evidence_url,
        phase_id: input.phase_id,
        ..before.clone()
    };
    let (old, new) = changed_fields(&before, &proposed);
    if old.is_empty() {
        return Ok(before);
    }
    let after = sqlx::query_as!(
        ChecklistItem,
        r#"UPDATE checklist_items
           SET title = $2, detail = $3, status = $4, na_reason = $5, priority = $6, owner = $7,
               due_date = $8, evidence_url = $9, phase_id = $10,
               version = version + 1, updated_at = now(), updated_by = $11
           WHERE id = $1
           RETURNING id, section_id, title, detail, status AS "status: ItemStatus",
                  priority AS "priority: Priority", owner, due_date AS "due_date: _", evidence_url, phase_id,
                  na_reason, version, updated_at AS "updated_at: _", updated_by"#,
        item_id,
        proposed.title,
        proposed.detail,
        proposed.status.as_str(),
        proposed.na_reason,
        proposed.priority.as_str(),
        proposed.owner,
        proposed.due_date as _,
        proposed.evidence_url,
        proposed.phase_id,
        actor
    )
    .fetch_one(&mut *tx)
    .await?;
    let status_only = old.keys().all(|k| k == "status" || k == "na_reason");
    let owner_changed = old.contains_key("owner");
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: if status_only {
                "item.status_changed"
            } else {
                "item.updated"
            },
            subject_type: "checklist_item",
            subject_id: Some(item_id),
            before: Some(Value::Object(old)),
            after: Some(Value::Object(new)),
        },
    )
    .await?;
    phases::refresh_completions(
        &mut tx,
        service_id,
        [before.phase_id, after.phase_id],
        actor,
    )
    .await?;
    if owner_changed {
        crate::data::notices::item_assigned(&mut tx, service_id, &after, actor).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Deletes an item the user saw at `expected_version`.
pub async fn delete(
    pool: &PgPool,
    slug: &str,
    item_id: i64,
    expected_version: i32,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_item(&mut tx, service_id, item_id, true).await?;
    if before.version != expected_version {
        return Err(conflict(before));
    }
    sqlx::query!("DELETE FROM checklist_items WHERE id = $1", item_id)
        .execute(&mut *tx)
        .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "item.deleted",
            subject_type: "checklist_item",
            subject_id: Some(item_id),
            before: Some(Value::Object(snapshot(&before))),
            after: None,
        },
    )
    .await?;
    phases::refresh_completions(&mut tx, service_id, [before.phase_id], actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves an item up (`delta` < 0) or down within its section.
pub async fn move_item(
    pool: &PgPool,
    slug: &str,
    item_id: i64,
    delta: i32,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let item = fetch_item(&mut tx, service_id, item_id, false).await?;
    if ordering::move_by(&mut tx, Siblings::Items, item.section_id, item_id, delta).await? {
        events::record(
            &mut tx,
            NewEvent {
                service_id,
                actor,
                action: "item.moved",
                subject_type: "checklist_item",
                subject_id: Some(item_id),
                before: Some(json!({ "title": item.title })),
                after: Some(json!({ "moved": if delta < 0 { "up" } else { "down" } })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Puts items into a phase (or takes them out with `None`), from the phase's side.
pub async fn assign_to_phase(
    pool: &PgPool,
    slug: &str,
    phase_id: Option<i64>,
    item_ids: &[i64],
    actor: &str,
) -> Result<usize, AppError> {
    if item_ids.is_empty() {
        return Err(AppError::invalid("item_ids", "choose at least one item"));
    }
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    phases::check_in_service(&mut tx, service_id, phase_id).await?;
    let previous = sqlx::query!(
        "SELECT id, phase_id FROM checklist_items WHERE service_id = $1 AND id = ANY($2) FOR UPDATE",
        service_id,
        item_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    if previous.len() != item_ids.len() {
        return Err(AppError::invalid(
            "item_ids",
            "some of these items are not in this service",
        ));
    }
    sqlx::query!(
        "UPDATE checklist_items SET phase_id = $3, version = version + 1, updated_at = now(), updated_by = $4
         WHERE service_id = $1 AND id = ANY($2) AND phase_id IS DISTINCT FROM $3",
        service_id,
        item_ids,
        phase_id,
        actor
    )
    .execute(&mut *tx)
    .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "items.assigned",
            subject_type: "phase",
            subject_id: phase_id,
            before: Some(json!({ "items": previous.iter().map(|r| json!({"id": r.id, "phase_id": r.phase_id})).collect::<Vec<_>>() })),
            after: Some(json!({ "phase_id": phase_id, "item_ids": item_ids })),
        },
    )
    .await?;
    let touched = previous.iter().map(|r| r.phase_id).chain([phase_id]);
    phases::refresh_completions(&mut tx, service_id, touched, actor).await?;
    tx.commit().await?;
    Ok(item_ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: ItemStatus, reason: Option<&str>) -> StatusChange {
        StatusChange {
            status,
            na_reason: reason.map(str::to_string),
            expected_version: None,
        }
    }

    #[test]
    fn not_applicable_needs_a_reason() {
        let err =
            validate_status_change(&change(ItemStatus::NotApplicable, Some("  "))).unwrap_err();
        assert!(matches!(err, AppError::Invalid { ref field, .. } if field == "na_reason"));
        assert_eq!(
            validate_status_change(&change(ItemStatus::NotApplicable, Some(" no DB "))).unwrap(),
            Some("no DB".to_string())
        );
    }

    #[test]
    fn other_statuses_drop_the_reason() {
        assert_eq!(
            validate_status_change(&change(ItemStatus::Done, Some("ignored"))).unwrap(),
            None
        );
    }
}
