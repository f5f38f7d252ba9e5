//! Server functions for phases and their items.

use crate::error::AppError;
use crate::input::PhaseForm;
use crate::model::Phase;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(input = Json)]
pub async fn create_phase(slug: String, form: PhaseForm) -> Result<Phase, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::phases::create(&pool, &slug, input, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn update_phase(
    slug: String,
    phase_id: i64,
    version: i32,
    form: PhaseForm,
) -> Result<Phase, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::phases::update(
        &pool,
        &slug,
        phase_id,
        version,
        input,
        &crate::state::actor(),
    )
    .await
}

#[server(input = Json)]
pub async fn delete_phase(slug: String, phase_id: i64) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::phases::delete(&pool, &slug, phase_id, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn move_phase(slug: String, phase_id: i64, delta: i32) -> Result<(), AppError> {
    let delta = crate::server_fns::checklist::check_delta(delta)?;
    let pool = crate::state::pool()?;
    crate::data::phases::move_phase(&pool, &slug, phase_id, delta, &crate::state::actor()).await
}

/// Puts items into a phase, or takes them out of any phase with `phase_id: None`.
#[server(input = Json)]
pub async fn assign_items(
    slug: String,
    phase_id: Option<i64>,
    item_ids: Vec<i64>,
) -> Result<usize, AppError> {
    if item_ids.len() > 1000 {
        return Err(AppError::invalid("item_ids", "at most 1000 items at once"));
    }
    let pool = crate::state::pool()?;
    crate::data::items::assign_to_phase(&pool, &slug, phase_id, &item_ids, &crate::state::actor())
        .await
}
