//! Preflight's own demo services, loaded into an empty database so every page has
//! something true-to-life to show on first start.

use app::data;
use app::draft::ServiceDraft;
use app::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

/// The day the demo documents were written against; their dates move to today.
const WRITTEN_ON: (i32, u32, u32) = (2026, 11, 22);

const DOCUMENTS: [(&str, &str); 4] = [
    ("payments-api", include_str!("../demo/payments-api.json")),
    (
        "search-indexer",
        include_str!("../demo/search-indexer.json"),
    ),
    (
        "notification-service",
        include_str!("../demo/notification-service.json"),
    ),
    (
        "customer-portal",
        include_str!("../demo/customer-portal.json"),
    ),
];

/// The demo services, with their dates moved so that `WRITTEN_ON` becomes `today`.
pub fn drafts(today: NaiveDate) -> Vec<ServiceDraft> {
    let (y, m, d) = WRITTEN_ON;
    let written_on = NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let shift = (today - written_on).num_days();
    DOCUMENTS
        .iter()
        .map(|(name, json)| {
            let mut draft: ServiceDraft = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("demo document {name} is malformed: {e}"));
            draft.shift_dates(shift);
            draft
        })
        .collect()
}

/// Loads the demo services when the database has none, each with a made-up past of
/// 6–8 weeks of events (`data::history::backfill_demo`). Returns how many were loaded.
pub async fn load_if_empty(pool: &PgPool) -> Result<usize, AppError> {
    if data::services::count(pool).await? > 0 {
        return Ok(0);
    }
    let now = Utc::now();
    let drafts = drafts(now.date_naive());
    for (draft, weeks) in drafts.iter().zip(HISTORY_WEEKS.iter().cycle()) {
        let slug = data::drafts::insert(pool, draft, "demo").await?;
        data::history::backfill_demo(pool, &slug, history_start(now, *weeks), now).await?;
    }
    Ok(drafts.len())
}

/// How far back each demo service's made-up history goes, in weeks (in the order of
/// `DOCUMENTS`), so the burn-up and the forecast have something to show.
const HISTORY_WEEKS: [i64; 4] = [7, 6, 8, 6];

/// 09:30 UTC on the day `weeks` weeks before `now`.
fn history_start(now: DateTime<Utc>, weeks: i64) -> DateTime<Utc> {
    let day = now.date_naive() - chrono::Duration::weeks(weeks);
    day.and_hms_opt(9, 30, 0).map_or(now, |t| t.and_utc())
}
