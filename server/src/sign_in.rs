//! `POST /login` and `POST /logout`: plain form posts, so signing in works before and
//! without the WebAssembly, and the page after it is a fresh load that knows the user.
//! Failures say only that the email or password was wrong; repeated failures per
//! account or per client address answer 429 with `Retry-After`.

use crate::gate::SIGNED_IN_AT;
use app::auth::backend::{AuthSession, Credentials};
use app::data::audit::{self, AuditEntry};
use app::data::sign_in;
use app::domain::access::{normalize_email, safe_next, throttle_wait};
use app::error::AppError;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgPool;
use std::net::SocketAddr;

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

fn back_to_login(next: &str, problem: &str) -> Response {
    let query =
        serde_urlencoded::to_string([("error", problem), ("next", next)]).unwrap_or_default();
    Redirect::to(&format!("/login?{query}")).into_response()
}

pub async fn sign_in(
    State(pool): State<PgPool>,
    mut auth: AuthSession,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    metrics: Option<Extension<crate::metrics::Metrics>>,
    body: Bytes,
) -> Response {
    let form: SignInForm = serde_urlencoded::from_bytes(&body).unwrap_or(SignInForm {
        email: String::new(),
        password: String::new(),
        next: None,
    });
    let next = safe_next(form.next.as_deref());
    let address = connect.map_or_else(|| "unknown".to_string(), |c| c.0.0.ip().to_string());
    // An unparsable email is a failure like any other, counted against the address.
    let email = normalize_email(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    match attempt(&pool, &mut auth, &email, form.password, &address).await {
        Ok(true) => Redirect::to(&next).into_response(),
        Ok(false) => {
            if let Some(Extension(metrics)) = metrics {
                metrics.sign_in_failed();
            }
            back_to_login(&next, "invalid")
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => throttled(retry_after_secs),
        Err(e) => {
            tracing::error!("sign-in failed: {e}");
            back_to_login(&next, "unavailable")
        }
    }
}

/// Checks throttling, then the password; records the outcome. `Ok(false)` is a wrong
/// email or password, never saying which.
async fn attempt(
    pool: &PgPool,
    auth: &mut AuthSession,
    email: &str,
    password: String,
    address: &str,
) -> Result<bool, AppError> {
    let (account_failures, address_failures) =
        sign_in::recent_failures(pool, email, address).await?;
    if let Some(wait) = throttle_wait(&account_failures, &address_failures, Utc::now()) {
        let entry = AuditEntry::new("anonymous", "sign_in.throttled", email)
            .address(Some(address.to_string()));
        audit::record_alone(pool, entry).await?;
        return Err(AppError::TooManyRequests {
            retry_after_secs: wait,
        });
    }
    let creds = Credentials {
        email: email.to_string(),
        password,
    };
    let user = auth
        .authenticate(creds)
        .await
        .map_err(|e| AppError::internal("checking credentials", e))?;
    let Some(user) = user else {
        sign_in::record_failure(pool, email, address).await?;
        let entry = AuditEntry::new("anonymous", "sign_in.failed", email)
            .address(Some(address.to_string()));
        audit::record_alone(pool, entry).await?;
        return Ok(false);
    };
    auth.login(&user)
        .await
        .map_err(|e| AppError::internal("starting a session", e))?;
    // axum-login changes the id only for a session without a user; signing in over
    // another one must not keep its id either.
    auth.session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("starting a session", e))?;
    auth.session
        .insert(SIGNED_IN_AT, Utc::now())
        .await
        .map_err(|e| AppError::internal("starting a session", e))?;
    sign_in::clear_account(pool, email).await?;
    let entry = AuditEntry::new(email, "sign_in", email).address(Some(address.to_string()));
    audit::record_alone(pool, entry).await?;
    Ok(true)
}

fn throttled(retry_after_secs: i64) -> Response {
    let minutes = (retry_after_secs + 59) / 60;
    let body = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Too many sign-in attempts · Preflight</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Too many failed sign-ins</h1>
<p role="alert">Sign-in is paused for this account or network. Try again in {minutes} minute(s).</p>
<p><a href="/login">Back to sign in</a></p></body></html>"#
    );
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub async fn sign_out(State(pool): State<PgPool>, mut auth: AuthSession) -> Response {
    match auth.logout().await {
        Ok(Some(user)) => {
            let email = user.account.email;
            let _ = audit::record_alone(&pool, AuditEntry::new(&email, "sign_out", &email)).await;
        }
        Ok(None) => {}
        Err(e) => tracing::error!("signing out failed: {e}"),
    }
    Redirect::to("/login").into_response()
}
