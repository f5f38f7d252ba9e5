//! The JSON API (`/api/v1`) and `/health`: the automation surface CI pipelines use.
//! Errors answer `{"error": "...", "field": "..."}` with 404, 409 or 422.

use app::auth::Principal;
use app::data::{self, items::StatusChange};
use app::error::AppError;
use app::model::{ItemStatus, Need};
use app::server_fns::history;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;

/// Every JSON API and form route with its method and what it needs. The gate looks
/// routes up here; a route missing from the table is refused for everyone.
pub const ROUTES: &[(&str, &str, Need)] = &[
    // Outside the gate (see `health_router`, `live::probes`, `metrics::router`);
    // listed for the permission walk.
    ("GET", "/health", Need::Public),
    ("GET", "/livez", Need::Public),
    ("GET", "/readyz", Need::Public),
    ("GET", "/metrics", Need::Public),
    ("POST", "/login", Need::Public),
    ("POST", "/logout", Need::Public),
    ("GET", "/api/v1/services", Need::Read),
    ("GET", "/api/v1/services/{slug}", Need::Read),
    ("GET", "/api/v1/services/{slug}/projection", Need::Read),
    ("PATCH", "/api/v1/services/{slug}/items/{id}", Need::Edit),
    ("GET", "/api/v1/services/{slug}/events", Need::Read),
    ("POST", "/api/v1/import", Need::Edit),
    ("GET", "/api/v1/services/{slug}/export", Need::Read),
    ("GET", "/api/v1/live", Need::Read),
    ("GET", "/api/v1/services/{slug}/live", Need::Read),
    // Unknown endpoints answer 404 to whoever may read.
    ("*", "/api/v1/{*rest}", Need::Read),
];

/// The table's rule for `method` on the route `matched` (HEAD as GET).
pub fn route_need(method: &Method, matched: &str) -> Option<Need> {
    let method = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(m, path, _)| *path == matched && (*m == "*" || *m == method))
        .map(|(_, _, need)| *need)
}

pub fn router<S>(pool: PgPool) -> Router<S> {
    Router::new()
        .route("/api/v1/services", get(list_services))
        .route("/api/v1/services/{slug}", get(get_service))
        .route("/api/v1/services/{slug}/projection", get(get_projection))
        .route("/api/v1/services/{slug}/items/{id}", patch(patch_item))
        .route("/api/v1/services/{slug}/events", get(list_events))
        .route("/api/v1/{*rest}", axum::routing::any(unknown_endpoint))
        .layer(axum::middleware::from_fn(json_errors))
        .with_state(pool)
}

/// Refusals made before our handlers run (a body over the limit, a method the route
/// does not take, a path that does not parse) answer JSON like every other error.
pub async fn json_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_string()
    } else {
        text
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::CONTENT_TYPE);
    let mut json = (status, Json(json!({ "error": message }))).into_response();
    json.headers_mut().extend(parts.headers);
    json
}

/// An [`AppError`] as a JSON response with the matching status.
pub fn error_response(err: AppError) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match &err {
        AppError::Invalid { field, message } => json!({ "error": message, "field": field }),
        AppError::Conflict { message, current } => json!({ "error": message, "current": current }),
        other => json!({ "error": other.to_string() }),
    };
    let mut response = (status, Json(body)).into_response();
    if let AppError::TooManyRequests { retry_after_secs } = err
        && let Ok(value) = retry_after_secs.to_string().parse()
    {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// `/health` on its own, for the router to add outside the session layer: probes
/// carry no cookie and cost one `SELECT 1`.
pub fn health_router<S>(pool: PgPool) -> Router<S> {
    Router::new().route("/health", get(health)).with_state(pool)
}

async fn health(State(pool): State<PgPool>) -> Response {
    let ping = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(&pool),
    )
    .await;
    match ping {
        Ok(Ok(_)) => {
            Json(json!({ "status": "ok", "checks": { "database": "ok" } })).into_response()
        }
        failure => {
            match failure {
                Ok(Err(e)) => tracing::error!(error = %e, "health check: database error"),
                _ => tracing::error!("health check: database timed out"),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "error", "checks": { "database": "error" } })),
            )
                .into_response()
        }
    }
}

async fn list_services(State(pool): State<PgPool>) -> Response {
    match data::services::list_summaries(&pool).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => error_response(e),
    }
}

async fn get_service(State(pool): State<PgPool>, Path(slug): Path<String>) -> Response {
    match data::services::document(&pool, &slug).await {
        Ok(doc) => Json(doc).into_response(),
        Err(e) => error_response(e),
    }
}

async fn patch_item(
    State(pool): State<PgPool>,
    Extension(principal): Extension<Principal>,
    Path((slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(item_id) = id.parse::<i64>() else {
        return error_response(AppError::NotFound(format!("item {id:?}")));
    };
    let change = match parse_item_patch(&body) {
        Ok(change) => change,
        Err(e) => return error_response(e),
    };
    match data::items::change_status(&pool, &slug, item_id, change, &principal.actor()).await {
        Ok(item) => Json(item).into_response(),
        Err(e) => error_response(e),
    }
}

/// `{"status": "done", "na_reason"?: "...", "version"?: 3}` with messages that name
/// the field at fault.
pub fn parse_item_patch(body: &[u8]) -> Result<StatusChange, AppError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("body", format!("not valid JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(AppError::invalid(
            "body",
            "expected a JSON object such as {\"status\": \"done\"}",
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !["status", "na_reason", "version"].contains(&k.as_str()))
    {
        return Err(AppError::invalid(
            unknown,
            "unknown field; expected status, na_reason or version",
        ));
    }
    let status = match fields.get("status") {
        Some(Value::String(s)) => s
            .parse::<ItemStatus>()
            .map_err(|e| AppError::invalid("status", e))?,
        Some(_) => return Err(AppError::invalid("status", "must be a string")),
        None => return Err(AppError::invalid("status", "is required")),
    };
    let na_reason = match fields.get("na_reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(AppError::invalid("na_reason", "must be a string")),
    };
    let expected_version = match fields.get("version") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n >= 1)
                .ok_or_else(|| AppError::invalid("version", "must be a positive integer"))?,
        ),
    };
    Ok(StatusChange {
        status,
        na_reason,
        expected_version,
    })
}

/// `GET /api/v1/services/{slug}/events?page=N&per_page=M`: the service's events,
/// newest first, one page at a time.
async fn list_events(
    State(pool): State<PgPool>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (page, per_page) = match parse_paging(&query) {
        Ok(paging) => paging,
        Err(e) => return error_response(e),
    };
    let service_id = match data::service_id(&pool, &slug).await {
        Ok(id) => id,
        Err(e) => return error_response(e),
    };
    match data::history::page(&pool, service_id, page, per_page).await {
        Ok(found) => Json(json!({
            "events": found.entries.iter().map(|e| &e.event).collect::<Vec<_>>(),
            "page": found.page,
            "per_page": found.per_page,
            "total": found.total,
        }))
        .into_response(),
        Err(e) => error_response(e),
    }
}

/// `page` (default 1) and `per_page` (default [`history::PAGE_SIZE`]) from the query.
pub fn parse_paging(query: &HashMap<String, String>) -> Result<(u32, u32), AppError> {
    let number = |field: &str, default: u32| match query.get(field) {
        None => Ok(i64::from(default)),
        Some(text) => text
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid(field, format!("{text:?} is not a whole number"))),
    };
    let page = number("page", 1)?;
    let per_page = number("per_page", history::PAGE_SIZE)?;
    history::check_paging(page, per_page)
}

async fn unknown_endpoint() -> Response {
    error_response(AppError::NotFound("API endpoint".to_string()))
}

/// `?months=N`, 1–36, 12 when absent.
pub fn parse_horizon(query: Option<&str>) -> Result<u32, AppError> {
    let value = query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "months")
        .map(|(_, v)| v);
    match value {
        None => Ok(12),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=app::domain::cost::MAX_HORIZON_MONTHS).contains(&n) => Ok(n),
            _ => Err(AppError::invalid(
                "months",
                format!(
                    "must be a whole number from 1 to {} (got {v:?})",
                    app::domain::cost::MAX_HORIZON_MONTHS
                ),
            )),
        },
    }
}

/// The monthly projection of a service's included cost lines.
async fn get_projection(
    State(pool): State<PgPool>,
    Path(slug): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let months = match parse_horizon(query.as_deref()) {
        Ok(m) => m,
        Err(e) => return error_response(e),
    };
    let doc = match data::services::document(&pool, &slug).await {
        Ok(doc) => doc,
        Err(e) => return error_response(e),
    };
    let today = chrono::Utc::now().date_naive();
    let lines: Vec<_> = doc.cost_lines.into_iter().filter(|l| l.included).collect();
    let projection = app::domain::cost::project(&lines, &doc.phases, today, months);
    let summary = app::domain::cost::summarize(&lines, &doc.phases, today, months);
    Json(json!({
        "months": projection.iter().map(|m| json!({
            "month": m.month.format("%Y-%m").to_string(),
            "total_cents": m.total_cents,
            "by_category": m.by_category,
        })).collect::<Vec<_>>(),
        "now_cents": summary.now_cents,
        "at_completion_cents": summary.at_completion_cents,
        "annual_cents": summary.annual_cents,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str) -> String {
        match parse_item_patch(body.as_bytes()).unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn patch_bodies_name_the_field_at_fault() {
        assert_eq!(field("not json"), "body");
        assert_eq!(field("[1]"), "body");
        assert_eq!(field("{}"), "status");
        assert_eq!(field(r#"{"status": 3}"#), "status");
        assert_eq!(field(r#"{"status": "finished"}"#), "status");
        assert_eq!(field(r#"{"status": "done", "version": "x"}"#), "version");
        assert_eq!(field(r#"{"status": "done", "colour": "red"}"#), "colour");
    }

    #[test]
    fn paging_comes_from_the_query() {
        let query = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        assert_eq!(parse_paging(&query(&[])).unwrap(), (1, 50));
        assert_eq!(
            parse_paging(&query(&[("page", "3"), ("per_page", "200")])).unwrap(),
            (3, 200)
        );
        for (pairs, field) in [
            (&[("page", "0")][..], "page"),
            (&[("page", "two")][..], "page"),
            (&[("page", "")][..], "page"),
            (&[("per_page", "0")][..], "per_page"),
            (&[("per_page", "201")][..], "per_page"),
            (&[("per_page", "1.5")][..], "per_page"),
        ] {
            match parse_paging(&query(pairs)).unwrap_err() {
                AppError::Invalid { field: f, .. } => assert_eq!(f, field, "{pairs:?}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_good_patch_parses() {
        let c = parse_item_patch(
            br#"{"status": "not_applicable", "na_reason": "no DB", "version": 2}"#,
        )
        .unwrap();
        assert_eq!(c.status, ItemStatus::NotApplicable);
        assert_eq!(c.na_reason.as_deref(), Some("no DB"));
        assert_eq!(c.expected_version, Some(2));
    }
}
