//! Moving a row up or down among its siblings.

use crate::error::AppError;
use sqlx::PgConnection;

/// The ordered collections; each names its table and the column that scopes it.
#[derive(Clone, Copy)]
pub enum Siblings {
    /// Sections of a service.
    Sections,
    /// Items of a section.
    Items,
    /// Phases of a service.
    Phases,
}

impl Siblings {
    fn table_and_scope(self) -> (&'static str, &'static str) {
        match self {
            Siblings::Sections => ("checklist_sections", "service_id"),
            Siblings::Items => ("checklist_items", "section_id"),
            Siblings::Phases => ("phases", "service_id"),
        }
    }
}

/// Moves row `id` by `delta` places (negative is up) within `scope_id`, renumbering
/// the siblings 0..n. Returns false when it is already at that end.
pub async fn move_by(
    conn: &mut PgConnection,
    siblings: Siblings,
    scope_id: i64,
    id: i64,
    delta: i32,
) -> Result<bool, AppError> {
    let (table, scope) = siblings.table_and_scope();
    let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE {scope} = $1 ORDER BY position, id FOR UPDATE"
    ))
    .bind(scope_id)
    .fetch_all(&mut *conn)
    .await?;
    let Some(from) = ids.iter().position(|x| *x == id) else {
        return Err(AppError::NotFound(format!(
            "{} {id}",
            table.trim_end_matches('s')
        )));
    };
    let to = from as i64 + i64::from(delta);
    if to < 0 || to >= ids.len() as i64 {
        return Ok(false);
    }
    let moved = ids.remove(from);
    ids.insert(to as usize, moved);
    sqlx::query(&format!(
        "UPDATE {table} t SET position = o.ord - 1
         FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord)
         WHERE t.id = o.id"
    ))
    .bind(&ids)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
