//! The service's history: a page of its events, newest first, and its readiness over
//! time (the burn-up). The types here are shared by the history tab, the data layer
//! and the JSON API (`GET /api/v1/services/{slug}/events`).

use crate::domain::forecast::ReadinessPoint;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Events per page on the history tab, and the API's default.
pub const PAGE_SIZE: u32 = 50;
/// The most events one API request may ask for.
pub const PER_PAGE_MAX: u32 = 200;

/// One event as stored: who, what, when, before, after, and the service's readiness
/// right after it (`None` for events older than that column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct EventRecord {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub readiness_done: Option<i32>,
    pub readiness_applicable: Option<i32>,
}

/// An event with the name of what it is about: the item's title, the phase's or
/// section's name (as it is now, or as last recorded when it has been deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct HistoryEntry {
    #[cfg_attr(feature = "ssr", sqlx(flatten))]
    pub event: EventRecord,
    pub subject_name: Option<String>,
}

/// One page of a service's events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub page: u32,
    pub per_page: u32,
    /// Events of the service in all pages.
    pub total: u64,
}

impl HistoryPage {
    pub fn page_count(&self) -> u32 {
        page_count(self.total, self.per_page)
    }

    pub fn has_newer(&self) -> bool {
        self.page > 1
    }

    pub fn has_older(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }
}

/// Pages needed for `total` events, at least 1.
pub fn page_count(total: u64, per_page: u32) -> u32 {
    let per_page = u64::from(per_page.max(1));
    u32::try_from(total.div_ceil(per_page).max(1)).unwrap_or(u32::MAX)
}

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

    #[test]
    fn pages_and_neighbours() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        let page = |page, total| HistoryPage {
            entries: Vec::new(),
            page,
            per_page: 50,
            total,
        };
        assert!(!page(1, 50).has_older() && !page(1, 50).has_newer());
        assert!(page(1, 51).has_older());
        assert!(page(2, 51).has_newer() && !page(2, 51).has_older());
    }
}
