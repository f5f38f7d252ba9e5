//! Writes to the risk register. One transaction per action, each with its event
//! (`risk.created`, `risk.updated`, `risk.deleted`); edits and deletes carry the
//! version the user saw and change nothing when it is stale.

use crate::data::events::{self, NewEvent};
use crate::data::service_id;
use crate::error::AppError;
use crate::input::RiskInput;
use crate::model::{Risk, RiskStatus};
use serde_json::{Map, Value, json};
use sqlx::{PgConnection, PgPool};

async fn fetch_risk(
    conn: &mut PgConnection,
    service_id: i64,
    risk_id: i64,
    lock: bool,
) -> Result<Risk, AppError> {
    // A risk with its mitigating item ids (sorted), as [`Risk`] reads it.
    let found = if lock {
        sqlx::query_as!(
        Risk,
            r#"SELECT r.id, r.title, r.description, r.likelihood, r.impact, r.mitigation, r.owner,
                      r.status AS "status: RiskStatus", r.review_date AS "review_date: _", r.version,
                      ARRAY(SELECT m.item_id FROM risk_mitigations m WHERE m.risk_id = r.id
                            ORDER BY m.item_id) AS "mitigating_item_ids!"
               FROM risks r
               WHERE r.id = $1 AND r.service_id = $2 FOR UPDATE OF r"#,
            risk_id,
            service_id
    )
        .fetch_optional(conn)
        .await?
    } else {
        sqlx::query_as!(
        Risk,
            r#"SELECT r.id, r.title, r.description, r.likelihood, r.impact, r.mitigation, r.owner,
                      r.status AS "status: RiskStatus", r.review_date AS "review_date: _", r.version,
                      ARRAY(SELECT m.item_id FROM risk_mitigations m WHERE m.risk_id = r.id
                            ORDER BY m.item_id) AS "mitigating_item_ids!"
               FROM risks r
               WHERE r.id = $1 AND r.service_id = $2"#,
            risk_id,
            service_id
    )
        .fetch_optional(conn)
        .await?
    };
    found.ok_or_else(|| AppError::NotFound(format!("risk {risk_id}")))
}

/// One risk of a service.
pub async fn get(pool: &PgPool, slug: &str, risk_id: i64) -> Result<Risk, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut conn = pool.acquire().await?;
    fetch_risk(&mut conn, service_id, risk_id, false).await
}

/// The fields a person edits, as JSON: the before/after of risk events.
fn snapshot(risk: &Risk) -> Map<String, Value> {
    let value = json!({
        "title": risk.title,
        "description": risk.description,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "status": risk.status,
        "review_date": risk.review_date,
        "item_ids": risk.mitigating_item_ids,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Only the fields that differ, before and after.
fn changed_fields(before: &Risk, after: &Risk) -> (Map<String, Value>, Map<String, Value>) {
    let (old, new) = (snapshot(before), snapshot(after));
    old.into_iter()
        .filter(|(key, value)| new.get(key) != Some(value))
        .map(|(key, value)| {
            let after = new.get(&key).cloned().unwrap_or(Value::Null);
            ((key.clone(), value), (key, after))
        })
        .unzip()
}

/// Every id names a checklist item of this service. The rows are locked against
/// deletion until the transaction ends, so the links about to be written stay valid.
async fn check_items(
    conn: &mut PgConnection,
    service_id: i64,
    item_ids: &[i64],
) -> Result<(), AppError> {
    if item_ids.is_empty() {
        return Ok(());
    }
    let found: Vec<(i64, i64)> = sqlx::query!(
        "SELECT id, service_id FROM checklist_items WHERE id = ANY($1) ORDER BY id FOR KEY SHARE",
        item_ids
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.id, r.service_id))
    .collect();
    for id in item_ids {
        match found.iter().find(|(found_id, _)| found_id == id) {
            None => {
                return Err(AppError::invalid(
                    "item_ids",
                    format!("there is no checklist item {id}"),
                ));
            }
            Some((_, owner)) if *owner != service_id => {
                return Err(AppError::invalid(
                    "item_ids",
                    format!("checklist item {id} belongs to another service"),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Makes the risk's links exactly `item_ids` (already checked).
async fn set_links(
    conn: &mut PgConnection,
    service_id: i64,
    risk_id: i64,
    item_ids: &[i64],
) -> Result<(), AppError> {
    sqlx::query!(
        "DELETE FROM risk_mitigations WHERE risk_id = $1 AND NOT (item_id = ANY($2))",
        risk_id,
        item_ids
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO risk_mitigations (risk_id, item_id, service_id)
         SELECT $1, item_id, $3 FROM unnest($2::BIGINT[]) AS item_id
         ON CONFLICT DO NOTHING",
        risk_id,
        item_ids,
        service_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn conflict(risk: &Risk) -> AppError {
    AppError::Conflict {
        message: format!(
            "risk \"{}\" was changed by someone else since you loaded it; reload to see the current version",
            risk.title
        ),
        current: None,
    }
}

/// Adds a risk with its mitigating items.
pub async fn create(
    pool: &PgPool,
    slug: &str,
    input: RiskInput,
    actor: &str,
) -> Result<Risk, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    check_items(&mut tx, service_id, &input.item_ids).await?;
    let risk_id = sqlx::query_scalar!(
        "INSERT INTO risks (service_id, title, description, likelihood, impact, mitigation,
                            owner, status, review_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
        service_id,
        input.title,
        input.description,
        input.likelihood,
        input.impact,
        input.mitigation,
        input.owner,
        input.status.as_str(),
        input.review_date as _
    )
    .fetch_one(&mut *tx)
    .await?;
    set_links(&mut tx, service_id, risk_id, &input.item_ids).await?;
    let risk = fetch_risk(&mut tx, service_id, risk_id, false).await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "risk.created",
            subject_type: "risk",
            subject_id: Some(risk_id),
            before: None,
            after: Some(Value::Object(snapshot(&risk))),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(risk)
}

/// Replaces a risk's fields and links, if it is still at the version the user saw.
/// Saving what is already stored changes nothing and records nothing.
pub async fn update(
    pool: &PgPool,
    slug: &str,
    risk_id: i64,
    expected_version: i32,
    input: RiskInput,
    actor: &str,
) -> Result<Risk, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_risk(&mut tx, service_id, risk_id, true).await?;
    if before.version != expected_version {
        return Err(conflict(&before));
    }
    check_items(&mut tx, service_id, &input.item_ids).await?;
    let unchanged = before.title == input.title
        && before.description == input.description
        && before.likelihood == input.likelihood
        && before.impact == input.impact
        && before.mitigation == input.mitigation
        && before.owner == input.owner
        && before.status == input.status
        && before.review_date == input.review_date
        && before.mitigating_item_ids == input.item_ids;
    if unchanged {
        return Ok(before);
    }
    sqlx::query!(
        "UPDATE risks SET title = $2, description = $3, likelihood = $4, impact = $5,
             mitigation = $6, owner = $7, status = $8, review_date = $9,
             version = version + 1, updated_at = now()
         WHERE id = $1",
        risk_id,
        input.title,
        input.description,
        input.likelihood,
        input.impact,
        input.mitigation,
        input.owner,
        input.status.as_str(),
        input.review_date as _
    )
    .execute(&mut *tx)
    .await?;
    set_links(&mut tx, service_id, risk_id, &input.item_ids).await?;
    let after = fetch_risk(&mut tx, service_id, risk_id, false).await?;
    record_update(&mut tx, service_id, &before, &after, actor).await?;
    tx.commit().await?;
    Ok(after)
}

/// Changes only the status (the page's "Close" and "Reopen"), if the risk is still at
/// the version the user saw.
pub async fn set_status(
    pool: &PgPool,
    slug: &str,
    risk_id: i64,
    expected_version: i32,
    status: RiskStatus,
    actor: &str,
) -> Result<Risk, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_risk(&mut tx, service_id, risk_id, true).await?;
    if before.version != expected_version {
        return Err(conflict(&before));
    }
    if before.status == status {
        return Ok(before);
    }
    sqlx::query!(
        "UPDATE risks SET status = $2, version = version + 1, updated_at = now() WHERE id = $1",
        risk_id,
        status.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let after = fetch_risk(&mut tx, service_id, risk_id, false).await?;
    record_update(&mut tx, service_id, &before, &after, actor).await?;
    tx.commit().await?;
    Ok(after)
}

async fn record_update(
    conn: &mut PgConnection,
    service_id: i64,
    before: &Risk,
    after: &Risk,
    actor: &str,
) -> Result<(), AppError> {
    let (old, new) = changed_fields(before, after);
    events::record(
        conn,
        NewEvent {
            service_id,
            actor,
            action: "risk.updated",
            subject_type: "risk",
            subject_id: Some(after.id),
            before: Some(Value::Object(old)),
            after: Some(Value::Object(new)),
        },
    )
    .await
}

/// Deletes a risk and its links (never the items), if it is still at the version the
/// user saw.
pub async fn delete(
    pool: &PgPool,
    slug: &str,
    risk_id: i64,
    expected_version: i32,
    actor: &str,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let before = fetch_risk(&mut tx, service_id, risk_id, true).await?;
    if before.version != expected_version {
        return Err(conflict(&before));
    }
    sqlx::query!("DELETE FROM risks WHERE id = $1", risk_id)
        .execute(&mut *tx)
        .await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "risk.deleted",
            subject_type: "risk",
            subject_id: Some(risk_id),
            before: Some(Value::Object(snapshot(&before))),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
