//! The JSON API (`/api/v1`) and `/health`: the automation surface CI pipelines use.
//! Errors answer `{"error": "...", "field": "..."}` with 404, 409 or 422.

use app::auth::Principal;
use app::data;
use app::error::AppError;
use app::model::{ChecklistItem, CostCategory, EventRecord, Need, ServiceDocument, ServiceSummary};
use app::server_fns::history;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use serde_json::json;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    (
        "GET",
        "/api/v1/services/{slug}/reviews/{id}/record",
        Need::Read,
    ),
    ("GET", "/api/v1/live", Need::Read),
    ("GET", "/api/v1/services/{slug}/live", Need::Read),
    ("GET", "/api/v1/notifications/live", Need::Read),
    // The contract: readable before one has a token.
    ("GET", "/api/v1/openapi.json", Need::Public),
    ("GET", "/api/docs", Need::Public),
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

/// Whether some rule of the table covers `matched` with another method: such a
/// request is answered 405 (a method the route does not take), not refused.
pub fn route_takes_other_methods(matched: &str) -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|(m, path, _)| *path == matched && *m != "*")
        .map(|(m, _, _)| *m)
        .collect()
}

pub fn router<S: Clone + Send + Sync + 'static>(pool: PgPool) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(list_services))
        .routes(routes!(get_service))
        .routes(routes!(get_projection))
        .routes(routes!(patch_item))
        .routes(routes!(list_events))
        // Not in the document: what answers a path no route takes.
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
    if let AppError::TooManyRequests { retry_after_secs }
    | AppError::Unavailable { retry_after_secs } = err
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
pub fn health_router<S: Clone + Send + Sync + 'static>(pool: PgPool) -> OpenApiRouter<S> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .with_state(pool)
}

#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    /// `ok`, or `error` when the database does not answer.
    #[schema(example = "ok")]
    status: String,
    /// Each dependency's state: `{"database": "ok"}`.
    checks: BTreeMap<String, String>,
}

/// Whether the server and its database answer.
#[utoipa::path(get, path = "/health", tag = "operations", security(()),
    responses(
        (status = 200, description = "The server and its database answer", body = HealthBody),
        (status = 503, description = "The database does not answer", body = HealthBody),
    ))]
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

/// Every service with its readiness.
#[utoipa::path(get, path = "/api/v1/services", tag = "services",
    responses((status = 200, description = "The services, by name", body = Vec<ServiceSummary>)))]
async fn list_services(State(pool): State<PgPool>) -> Response {
    match data::services::list_summaries(&pool).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => error_response(e),
    }
}

/// One service as a whole: its sections with their items, phases, risks, cost lines
/// and the cost figures its imported document stated.
#[utoipa::path(get, path = "/api/v1/services/{slug}", tag = "services",
    params(("slug" = String, Path, description = "The service's slug, e.g. `payments-api`")),
    responses((status = 200, description = "The service", body = ServiceDocument)))]
async fn get_service(State(pool): State<PgPool>, Path(slug): Path<String>) -> Response {
    match data::services::document(&pool, &slug).await {
        Ok(doc) => Json(doc).into_response(),
        Err(e) => error_response(e),
    }
}

/// The body of `PATCH /api/v1/services/{slug}/items/{id}`, as `parse_item_patch`
/// reads it. Written out by hand: the reason that `not_applicable` requires is a rule
/// across two fields, which the derive cannot state.
pub struct ItemPatch;

impl utoipa::PartialSchema for ItemPatch {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let version = json!({
            "type": ["integer", "null"], "format": "int32",
            "minimum": 1, "maximum": i32::MAX,
            "description": "The item's version as the caller saw it: a stale one answers 409",
        });
        let schema = json!({
            "description": "A new status; `not_applicable` needs a reason.",
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["status"],
                    "properties": {
                        "status": { "type": "string", "enum": ["todo", "in_progress", "done"] },
                        "na_reason": { "type": ["string", "null"], "description": "Ignored with these statuses" },
                        "version": version,
                    },
                },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["status", "na_reason"],
                    "properties": {
                        "status": { "type": "string", "enum": ["not_applicable"] },
                        "na_reason": {
                            "type": "string",
                            "description": "Why the item does not apply (trimmed; NUL characters are refused)",
                            "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$",
                            "maxLength": data::items::NA_REASON_MAX,
                        },
                        "version": version,
                    },
                },
            ],
        });
        serde_json::from_value(schema).expect("the item patch schema is valid")
    }
}

impl ToSchema for ItemPatch {}

/// Sets an item's status (ticking it, for instance). With `version`, the change is
/// refused with 409 when someone changed the item since.
#[utoipa::path(patch, path = "/api/v1/services/{slug}/items/{id}", tag = "checklist",
    params(
        ("slug" = String, Path, description = "The service's slug"),
        ("id" = i64, Path, description = "The item's id"),
    ),
    request_body(content = ItemPatch, content_type = "application/json"),
    responses(
        (status = 200, description = "The item as it is now", body = ChecklistItem),
        (status = 409, description = "`version` is stale; `current` is the item as stored", body = crate::openapi::ErrorBody),
        (status = 422, description = "A field is missing or wrong; `field` names it", body = crate::openapi::ErrorBody),
    ))]
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

pub use app::input::parse_item_patch;

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `parse_paging`, which names the field at fault
pub struct Paging {
    /// 1 is the newest page; past the last one, the list is empty.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 4294967295_i64, default = 1)]
    page: Option<u32>,
    /// Events per page.
    #[param(minimum = 1, maximum = 200, default = 50)]
    per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct EventsPage {
    events: Vec<EventRecord>,
    page: u32,
    per_page: u32,
    /// Events of the service in all pages.
    total: u64,
}

/// The service's events, newest first: who changed what, when, before and after.
#[utoipa::path(get, path = "/api/v1/services/{slug}/events", tag = "history",
    params(("slug" = String, Path, description = "The service's slug"), Paging),
    responses(
        (status = 200, description = "One page of events", body = EventsPage),
        (status = 422, description = "`page` or `per_page` is out of range", body = crate::openapi::ErrorBody),
    ))]
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
        Ok(found) => Json(EventsPage {
            events: found.entries.into_iter().map(|e| e.event).collect(),
            page: found.page,
            per_page: found.per_page,
            total: found.total,
        })
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

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `parse_horizon`
pub struct Horizon {
    /// How many months to project, from this one.
    #[param(minimum = 1, maximum = 36, default = 12)]
    months: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectedMonth {
    /// `YYYY-MM`
    #[schema(example = "2026-12")]
    month: String,
    total_cents: i64,
    /// Cents by cost category; categories with no lines are left out.
    by_category: BTreeMap<CostCategory, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct Projection {
    months: Vec<ProjectedMonth>,
    /// The monthly cost this month.
    now_cents: i64,
    /// The monthly cost once every phase is complete.
    at_completion_cents: i64,
    /// The sum of the projection's first twelve months (fewer with a shorter horizon).
    annual_cents: i64,
}

/// The monthly projection of a service's included cost lines.
#[utoipa::path(get, path = "/api/v1/services/{slug}/projection", tag = "costs",
    params(("slug" = String, Path, description = "The service's slug"), Horizon),
    responses(
        (status = 200, description = "Month by month, in cents", body = Projection),
        (status = 422, description = "`months` is out of range", body = crate::openapi::ErrorBody),
    ))]
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
    Json(Projection {
        months: projection
            .into_iter()
            .map(|m| ProjectedMonth {
                month: m.month.format("%Y-%m").to_string(),
                total_cents: m.total_cents,
                by_category: m.by_category,
            })
            .collect(),
        now_cents: summary.now_cents,
        at_completion_cents: summary.at_completion_cents,
        annual_cents: summary.annual_cents,
    })
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
