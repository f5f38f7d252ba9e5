//! Server functions for readiness reviews. The gate has already checked the role each
//! needs (`server_fns::needs`); deciding also needs the caller to be a named approver,
//! which the data layer checks.

use crate::domain::review::{ApproverSlot, Decision, FollowUpInput, ReviewSummary, ReviewView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server]
pub async fn list_reviews(slug: String) -> Result<Vec<ReviewSummary>, AppError> {
    crate::data::reviews::list(&crate::state::pool()?, &slug).await
}

#[server]
pub async fn get_review(slug: String, review_id: i64) -> Result<ReviewView, AppError> {
    let pool = crate::state::pool()?;
    let view = crate::data::reviews::view(&pool, &slug, review_id, chrono::Utc::now()).await;
    if let Err(AppError::NotFound(_)) = &view
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view
}

/// Who can be named as an approver: the addresses of enabled accounts.
#[server]
pub async fn review_candidates() -> Result<Vec<String>, AppError> {
    let users = crate::data::users::list(&crate::state::pool()?).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| u.email)
        .collect())
}

#[server(input = Json)]
pub async fn open_review(
    slug: String,
    title: String,
    approvers: Vec<ApproverSlot>,
) -> Result<i64, AppError> {
    let (title, approvers) = crate::domain::review::validate_opening(&title, &approvers)?;
    let pool = crate::state::pool()?;
    let now = chrono::Utc::now();
    crate::data::reviews::open(
        &pool,
        &slug,
        &title,
        &approvers,
        &crate::state::actor(),
        now,
    )
    .await
}

#[server(input = Json)]
pub async fn decide_review(
    slug: String,
    review_id: i64,
    decision: Decision,
    comment: String,
    follow_ups: Vec<FollowUpInput>,
) -> Result<(), AppError> {
    let principal = crate::auth::require()?;
    if matches!(principal, crate::auth::Principal::Token(_)) {
        return Err(AppError::Forbidden(
            "a decision is recorded by its approver in person, not by a token".into(),
        ));
    }
    let now = chrono::Utc::now();
    let comment = crate::domain::review::validate_comment(&comment)?;
    let follow_ups =
        crate::domain::review::validate_follow_ups(decision, &follow_ups, now.date_naive())?;
    let pool = crate::state::pool()?;
    let email = principal.account().email.clone();
    crate::data::reviews::decide(
        &pool,
        &slug,
        review_id,
        &email,
        decision,
        &comment,
        &follow_ups,
        now,
    )
    .await
}

/// Test only (admins, and only on a server started with `PREFLIGHT_TEST_CLOCK=1`):
/// moves the due-date scan's clock `days_ahead` of the real one and scans at once.
/// Answers the titles of the reviews it voided.
#[server(endpoint = "test_clock")]
pub async fn set_test_clock(days_ahead: i64) -> Result<Vec<String>, AppError> {
    crate::schedule::set_days_ahead(days_ahead)?;
    let pool = crate::state::pool()?;
    // Another instance scanning now would void the same reviews; none did here.
    let report = crate::schedule::scan_once(&pool).await?.unwrap_or_default();
    Ok(report.voided.into_iter().map(|r| r.title).collect())
}
