//! The portfolio page's one read: every service's facts from the data layer (a fixed
//! number of queries), turned into rows by the domain.

use crate::domain::portfolio::Portfolio;
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn get_portfolio() -> Result<Portfolio, AppError> {
    let pool = crate::state::pool()?;
    let facts = crate::data::portfolio::load(&pool).await?;
    Ok(crate::domain::portfolio::build(
        &facts,
        chrono::Utc::now().date_naive(),
    ))
}
