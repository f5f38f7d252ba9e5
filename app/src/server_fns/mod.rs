//! Server functions: thin wrappers that check input, call the data layer and map
//! errors. Their bodies run only on the server.

pub mod accounts;
pub mod checklist;
pub mod costs;
pub mod history;
pub mod import;
#[cfg(feature = "ssr")]
pub mod needs;
pub mod notifications;
pub mod portfolio;
pub mod reviews;
pub mod risks;
pub mod roadmap;
pub mod services;

use crate::error::AppError;
use crate::model::{ChecklistItem, ItemStatus, ServiceDocument, ServiceSummary};
use leptos::prelude::*;

#[server]
pub async fn list_services() -> Result<Vec<ServiceSummary>, AppError> {
    let pool = crate::state::pool()?;
    crate::data::services::list_summaries(&pool).await
}

#[server]
pub async fn get_service(slug: String) -> Result<ServiceDocument, AppError> {
    let pool = crate::state::pool()?;
    let doc = crate::state::cache()?.document(&pool, &slug).await;
    if let Err(AppError::NotFound(_)) = &doc
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    doc
}

#[server]
pub async fn set_item_status(
    slug: String,
    item_id: i64,
    status: ItemStatus,
    na_reason: Option<String>,
    version: i32,
) -> Result<ChecklistItem, AppError> {
    use crate::data::items::{StatusChange, change_status};
    let pool = crate::state::pool()?;
    let change = StatusChange {
        status,
        na_reason,
        expected_version: Some(version),
    };
    change_status(&pool, &slug, item_id, change, &crate::state::actor()).await
}
