//! The data layer: every SQL statement of Preflight lives under this module, in
//! functions that take a `&PgPool` (or a transaction). Server-only.

pub mod audit;
pub mod cache;
pub mod cost_lines;
pub mod drafts;
pub mod events;
pub mod history;
pub mod items;
pub mod notices;
pub mod notifications;
pub mod ordering;
pub mod outbox;
pub mod phases;
pub mod portfolio;
pub mod reviews;
pub mod risks;
pub mod sections;
pub mod services;
pub mod sign_in;
pub mod stated_figures;
pub mod tokens;
pub mod users;
pub mod webhooks;

use crate::error::AppError;
use sqlx::PgPool;

/// The id of the service with this slug.
pub async fn service_id(pool: &PgPool, slug: &str) -> Result<i64, AppError> {
    if !crate::domain::validate::could_be_stored(slug) {
        return Err(AppError::NotFound(format!("service {slug:?}")));
    }
    sqlx::query_scalar!("SELECT id FROM services WHERE slug = $1", slug)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("service {slug:?}")))
}
