//! Figures an imported document stated that its cost lines do not add up to: stored
//! with the import, listed on the costs page, dismissed by an editor.

use crate::data::events::{self, NewEvent};
use crate::data::service_id;
use crate::error::AppError;
use crate::model::StatedCostFigure;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// The service's stated figures in document order.
pub async fn list(
    conn: &mut PgConnection,
    service_id: i64,
) -> Result<Vec<StatedCostFigure>, AppError> {
    Ok(sqlx::query_as!(
        StatedCostFigure,
        "SELECT label, source_line, stated_cents, summed_cents, is_change
         FROM stated_cost_figures WHERE service_id = $1 ORDER BY position, id",
        service_id
    )
    .fetch_all(conn)
    .await?)
}

/// Stores `figures` for a service being created, in the caller's transaction: one
/// statement, however many there are.
pub async fn insert_all(
    conn: &mut PgConnection,
    service_id: i64,
    figures: &[StatedCostFigure],
) -> Result<(), AppError> {
    if figures.is_empty() {
        return Ok(());
    }
    let labels: Vec<&str> = figures.iter().map(|f| f.label.as_str()).collect();
    let lines: Vec<i32> = figures.iter().map(|f| f.source_line).collect();
    let stated: Vec<i64> = figures.iter().map(|f| f.stated_cents).collect();
    let summed: Vec<i64> = figures.iter().map(|f| f.summed_cents).collect();
    let changes: Vec<bool> = figures.iter().map(|f| f.is_change).collect();
    sqlx::query!(
        "INSERT INTO stated_cost_figures
             (service_id, position, label, source_line, stated_cents, summed_cents, is_change)
         SELECT $1, f.position - 1, f.label, f.source_line, f.stated_cents, f.summed_cents, f.is_change
         FROM unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::bool[])
              WITH ORDINALITY AS f(label, source_line, stated_cents, summed_cents, is_change, position)",
        service_id,
        &labels as &[&str],
        &lines,
        &stated,
        &summed,
        &changes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes every stated figure of `slug` and records who did. Returns how many there
/// were; 0 (nothing dismissed, no event) when another editor was quicker.
pub async fn dismiss_all(pool: &PgPool, slug: &str, actor: &str) -> Result<u64, AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let removed = sqlx::query_as!(
        StatedCostFigure,
        "DELETE FROM stated_cost_figures WHERE service_id = $1
         RETURNING label, source_line, stated_cents, summed_cents, is_change",
        service_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if removed.is_empty() {
        return Ok(0);
    }
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "stated_figures.dismissed",
            subject_type: "stated_cost_figures",
            subject_id: None,
            before: Some(json!({
                "figures": removed.iter().map(|f| json!({
                    "label": f.label,
                    "source_line": f.source_line,
                    "stated_cents": f.stated_cents,
                    "summed_cents": f.summed_cents,
                })).collect::<Vec<_>>(),
            })),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(removed.len() as u64)
}
