//! Server functions for sections and items. Each checks its input, calls the data
//! layer, and returns the stored result or an [`AppError`] naming the field.

use crate::error::AppError;
use crate::input::ItemForm;
use crate::model::{ChecklistItem, ChecklistSection};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Moves are one place up (-1) or down (+1).
pub fn check_delta(delta: i32) -> Result<i32, AppError> {
    if delta == -1 || delta == 1 {
        Ok(delta)
    } else {
        Err(AppError::invalid("delta", "move by -1 (up) or 1 (down)"))
    }
}

#[server(input = Json)]
pub async fn create_section(slug: String, name: String) -> Result<ChecklistSection, AppError> {
    let pool = crate::state::pool()?;
    crate::data::sections::create(&pool, &slug, &name, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn rename_section(slug: String, section_id: i64, name: String) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::sections::rename(&pool, &slug, section_id, &name, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn delete_section(slug: String, section_id: i64) -> Result<i64, AppError> {
    let pool = crate::state::pool()?;
    crate::data::sections::delete(&pool, &slug, section_id, &crate::state::actor()).await
}

// Url-encoded, so a plain form post (before the WebAssembly loads) can call it.
#[server]
pub async fn move_section(slug: String, section_id: i64, delta: i32) -> Result<(), AppError> {
    let delta = check_delta(delta)?;
    let pool = crate::state::pool()?;
    crate::data::sections::move_section(&pool, &slug, section_id, delta, &crate::state::actor())
        .await
}

#[server(input = Json)]
pub async fn create_item(
    slug: String,
    section_id: i64,
    form: ItemForm,
) -> Result<ChecklistItem, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::items::create(&pool, &slug, section_id, input, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn update_item(
    slug: String,
    item_id: i64,
    version: i32,
    form: ItemForm,
) -> Result<ChecklistItem, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::items::update(
        &pool,
        &slug,
        item_id,
        version,
        input,
        &crate::state::actor(),
    )
    .await
}

#[server(input = Json)]
pub async fn delete_item(slug: String, item_id: i64, version: i32) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::items::delete(&pool, &slug, item_id, version, &crate::state::actor()).await
}

#[server]
pub async fn move_item(slug: String, item_id: i64, delta: i32) -> Result<(), AppError> {
    let delta = check_delta(delta)?;
    let pool = crate::state::pool()?;
    crate::data::items::move_item(&pool, &slug, item_id, delta, &crate::state::actor()).await
}
