//! Moving a row up or down among its siblings.

use crate::error::AppError;
use sqlx::PgConnection;

/// The ordered collections. Each has its own statements below, one per table, so
/// that every one is checked at compile time.
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
    fn noun(self) -> &'static str {
        match self {
            Siblings::Sections => "checklist_section",
            Siblings::Items => "checklist_item",
            Siblings::Phases => "phase",
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
    let mut ids: Vec<i64> = match siblings {
        Siblings::Sections => sqlx::query_scalar!(
        "SELECT id FROM checklist_sections WHERE service_id = $1 ORDER BY position, id FOR UPDATE",
            scope_id
    )
        .fetch_all(&mut *conn)
        .await?,
        Siblings::Items => sqlx::query_scalar!(
        "SELECT id FROM checklist_items WHERE section_id = $1 ORDER BY position, id FOR UPDATE",
            scope_id
    )
        .fetch_all(&mut *conn)
        .await?,
        Siblings::Phases => sqlx::query_scalar!(
        "SELECT id FROM phases WHERE service_id = $1 ORDER BY position, id FOR UPDATE",
            scope_id
    )
        .fetch_all(&mut *conn)
        .await?,
    };
    let Some(from) = ids.iter().position(|x| *x == id) else {
        return Err(AppError::NotFound(format!("{} {id}", siblings.noun())));
    };
    let to = from as i64 + i64::from(delta);
    if to < 0 || to >= ids.len() as i64 {
        return Ok(false);
    }
    let moved = ids.remove(from);
    ids.insert(to as usize, moved);
    match siblings {
        Siblings::Sections => {
            sqlx::query!(
                "UPDATE checklist_sections t SET position = o.ord - 1
             FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord)
             WHERE t.id = o.id",
                &ids
            )
            .execute(&mut *conn)
            .await?
        }
        Siblings::Items => {
            sqlx::query!(
                "UPDATE checklist_items t SET position = o.ord - 1
             FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord)
             WHERE t.id = o.id",
                &ids
            )
            .execute(&mut *conn)
            .await?
        }
        Siblings::Phases => {
            sqlx::query!(
                "UPDATE phases t SET position = o.ord - 1
             FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord)
             WHERE t.id = o.id",
                &ids
            )
            .execute(&mut *conn)
            .await?
        }
    };
    Ok(true)
}
