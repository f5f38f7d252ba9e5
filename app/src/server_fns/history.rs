//! The service's history: a page of its events, newest first, and its readiness over
//! time (the burn-up). A page's types ([`HistoryPage`]) are in `model`: the data layer
//! and the JSON API (`GET /api/v1/services/{slug}/events`) use them too.

use crate::domain::forecast::ReadinessPoint;
use crate::error::AppError;
use crate::model::HistoryPage;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Events per page on the history tab, and the API's default.
pub const PAGE_SIZE: u32 = 50;
/// The most events one API request may ask for.
pub const PER_PAGE_MAX: u32 = 200;

/// The readiness after each change, oldest first, and the moment it was read: the
/// forecast and the chart are computed from these same values on the server and in
/// the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Burnup {
    pub points: Vec<ReadinessPoint>,
    pub as_of: DateTime<Utc>,
}

/// Checks paging as the API receives it: `page` ≥ 1, `per_page` within
/// 1..=[`PER_PAGE_MAX`].
pub fn check_paging(page: i64, per_page: i64) -> Result<(u32, u32), AppError> {
    let page = u32::try_from(page)
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| AppError::invalid("page", "must be a whole number from 1"))?;
    let per_page = u32::try_from(per_page)
        .ok()
        .filter(|n| (1..=PER_PAGE_MAX).contains(n))
        .ok_or_else(|| {
            AppError::invalid(
                "per_page",
                format!("must be a whole number from 1 to {PER_PAGE_MAX}"),
            )
        })?;
    Ok((page, per_page))
}

/// The page number in the tab's URL (`?page=2`): anything that is not a whole number
/// from 1 shows the first page.
pub fn page_from_query(value: Option<&str>) -> u32 {
    value
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

#[server]
pub async fn get_history_page(slug: String, page: u32) -> Result<HistoryPage, AppError> {
    let (page, per_page) = check_paging(i64::from(page), i64::from(PAGE_SIZE))?;
    let pool = crate::state::pool()?;
    let service_id = crate::data::service_id(&pool, &slug).await?;
    crate::data::history::page(&pool, service_id, page, per_page).await
}

#[server]
pub async fn get_burnup(slug: String) -> Result<Burnup, AppError> {
    let pool = crate::state::pool()?;
    let service_id = crate::data::service_id(&pool, &slug).await?;
    let points = crate::data::history::burnup_points(&pool, service_id).await?;
    Ok(Burnup {
        points,
        as_of: Utc::now(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(u32, u32), AppError>) -> String {
        match result {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn paging_limits() {
        assert_eq!(check_paging(1, 1).unwrap(), (1, 1));
        assert_eq!(check_paging(7, 200).unwrap(), (7, 200));
        assert_eq!(field(check_paging(0, 50)), "page");
        assert_eq!(field(check_paging(-1, 50)), "page");
        assert_eq!(field(check_paging(i64::MAX, 50)), "page");
        assert_eq!(field(check_paging(1, 0)), "per_page");
        assert_eq!(field(check_paging(1, 201)), "per_page");
    }

    #[test]
    fn page_in_the_url_falls_back_to_the_first() {
        assert_eq!(page_from_query(None), 1);
        assert_eq!(page_from_query(Some("3")), 3);
        assert_eq!(page_from_query(Some("0")), 1);
        assert_eq!(page_from_query(Some("-2")), 1);
        assert_eq!(page_from_query(Some("two")), 1);
    }
}
