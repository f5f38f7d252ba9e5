//! Server functions for the risk register: parse the form (each failure names its
//! field), call the data layer, return the stored risk.

use crate::error::AppError;
use crate::input::RiskForm;
use crate::model::Risk;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(input = Json)]
pub async fn create_risk(slug: String, form: RiskForm) -> Result<Risk, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::risks::create(&pool, &slug, input, &crate::state::actor()).await
}

#[server(input = Json)]
pub async fn update_risk(
    slug: String,
    risk_id: i64,
    version: i32,
    form: RiskForm,
) -> Result<Risk, AppError> {
    let input = form.parse()?;
    let pool = crate::state::pool()?;
    crate::data::risks::update(
        &pool,
        &slug,
        risk_id,
        version,
        input,
        &crate::state::actor(),
    )
    .await
}

/// Changes only the status: the "Close" and "Reopen" quick actions.
#[server(input = Json)]
pub async fn set_risk_status(
    slug: String,
    risk_id: i64,
    version: i32,
    status: String,
) -> Result<Risk, AppError> {
    let status = crate::input::parse_risk_status(&status)?;
    let pool = crate::state::pool()?;
    crate::data::risks::set_status(
        &pool,
        &slug,
        risk_id,
        version,
        status,
        &crate::state::actor(),
    )
    .await
}

#[server(input = Json)]
pub async fn delete_risk(slug: String, risk_id: i64, version: i32) -> Result<(), AppError> {
    let pool = crate::state::pool()?;
    crate::data::risks::delete(&pool, &slug, risk_id, version, &crate::state::actor()).await
}
