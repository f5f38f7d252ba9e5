//! Work on a clock rather than on a request: the due-date scan that voids reviews
//! whose follow-ups became overdue, and tells owners what is due, overdue and
//! slipping (with the weekly digest). Every instance runs the loop; a PostgreSQL
//! advisory lock lets one of them scan at a time, so nothing is done twice (and each
//! notice's dedupe key would drop a second telling anyway). Server-only.

use crate::data::notices::{self, ScanTold};
use crate::data::reviews::{VoidedReview, void_overdue};
use crate::error::AppError;
use chrono::{Duration, NaiveDate, Utc};
use sqlx::PgPool;
use std::sync::atomic::{AtomicI64, Ordering};

/// The advisory lock's key: "PFSCAN" in ASCII, so it is recognisable in `pg_locks`.
const SCAN_LOCK: i64 = 0x5046_5343_414e;

/// Days the test clock is ahead of the real one (0 outside tests).
static DAYS_AHEAD: AtomicI64 = AtomicI64::new(0);

/// The test clock may be moved only when the server was started with
/// `PREFLIGHT_TEST_CLOCK=1` (the end-to-end tests); never in production.
pub fn test_clock_enabled() -> bool {
    std::env::var("PREFLIGHT_TEST_CLOCK").is_ok_and(|v| v == "1")
}

/// Moves the clock the scan uses `days` ahead of the real one.
pub fn set_days_ahead(days: i64) -> Result<(), AppError> {
    if !test_clock_enabled() {
        return Err(AppError::Forbidden(
            "the test clock is off (start the server with PREFLIGHT_TEST_CLOCK=1)".into(),
        ));
    }
    if !(0..=3650).contains(&days) {
        return Err(AppError::invalid("days_ahead", "must be from 0 to 3650"));
    }
    DAYS_AHEAD.store(days, Ordering::SeqCst);
    Ok(())
}

/// Today as the scan sees it.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::days(DAYS_AHEAD.load(Ordering::SeqCst))).date_naive()
}

/// What one scan did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanReport {
    pub voided: Vec<VoidedReview>,
    pub told: ScanTold,
}

/// One scan, if no other instance is scanning; `None` when another one was.
pub async fn scan_once(pool: &PgPool) -> Result<Option<ScanReport>, AppError> {
    let mut conn = pool.acquire().await?;
    let locked = sqlx::query_scalar!(r#"SELECT pg_try_advisory_lock($1) AS "locked!""#, SCAN_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    if !locked {
        return Ok(None);
    }
    let today = today();
    let report = async {
        let voided = void_overdue(pool, today).await?;
        let told = notices::scan(pool, today).await?;
        Ok::<_, AppError>(ScanReport { voided, told })
    }
    .await;
    sqlx::query_scalar!("SELECT pg_advisory_unlock($1)", SCAN_LOCK)
        .fetch_one(&mut *conn)
        .await?;
    let report = report?;
    for review in &report.voided {
        tracing::info!(review = review.review_id, service = %review.service_slug, reason = %review.reason, told = review.told.len(), "review voided");
    }
    if report.told != ScanTold::default() {
        tracing::info!(
            due = report.told.due,
            slips = report.told.slips,
            digests = report.told.digests,
            "due-date scan told"
        );
    }
    Ok(Some(report))
}

/// Scans every `every`, for the life of the process.
pub async fn run(pool: PgPool, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(e) = scan_once(&pool).await {
            tracing::warn!(error = %e, "the due-date scan failed; trying again at the next tick");
        }
    }
}
