//! Server functions for cost lines and the what-if's saved choices.

use crate::error::AppError;
use crate::input::CostLineForm;
use crate::model::CostLine;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(input = Json)]
pub async fn create_cost_line(slug: String, form: CostLineForm) -> Result<CostLine, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::cost_lines::create(&pool, &slug, input, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn update_cost_line(
    slug: String,
    id: i64,
    version: i32,
    form: CostLineForm,
) -> Result<CostLine, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::cost_lines::update(&pool, &slug, id, version, input, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn set_cost_line_included(
    slug: String,
    id: i64,
    version: i32,
    included: bool,
) -> Result<CostLine, AppError> {
    let pool = crate::state::pool()?;
    crate::data::cost_lines::set_included(
        &pool,
        &slug,
        id,
        version,
        included,
        &crate::state::actor(),
    )
    .await
}

#[server(input = Json)]
pub async fn delete_cost_line(slug: String, id: i64) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::cost_lines::delete(&pool, &slug, id, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn apply_scenario(
    slug: String,
    scenario: crate::model::Scenario,
) -> Result<(), AppError> {
    if scenario.included.len() + scenario.planned_ends.len() > 500 {
        return Err(AppError::invalid("scenario", "too many changes at once"));
    }
    let pool = crate::state::pool()?;
    crate::data::cost_lines::apply_scenario(&pool, &slug, &scenario, &crate::state::actor()).await
}

/// Hides the imported document's disagreeing totals once an editor has dealt with
/// them. Returns how many were dismissed (0 when someone else already did).
#[server(input = Json)]
pub async fn dismiss_stated_figures(slug: String) -> Result<u64, AppError> {
    let pool = crate::state::pool()?;
    crate::data::stated_figures::dismiss_all(&pool, &slug, &crate::state::actor()).await
}
