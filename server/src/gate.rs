//! The gate every routed request passes: it finds who is asking (a bearer token or the
//! signed-in session), looks up what the route needs, and lets `app::auth::check`
//! decide. Pages send anonymous visitors to `/login?next=…`; the API and server
//! functions answer JSON 401 and 403. Static files never reach it (they are the
//! router's fallback, outside the session layer).
//!
//! Also here: refusing cross-site writes. Browsers send `Sec-Fetch-Site` or `Origin`
//! with every unsafe request, so one comparison decides; tower-http has no such layer.

use crate::api::{self, error_response};
use app::auth::backend::AuthSession;
use app::auth::{Principal, check};
use app::data;
use app::domain::access::{SESSION_IDLE, looks_like_token, session_expired};
use app::error::AppError;
use app::model::Need;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Session keys of our own, beside axum-login's.
pub const SIGNED_IN_AT: &str = "preflight.signed_in_at";
const SEEN_AT: &str = "preflight.seen_at";

/// What the route needs; `None` when no rule covers it.
pub fn need_of(method: &Method, matched: &str) -> Option<Need> {
    if let Some(need) = api::route_need(method, matched) {
        return Some(need);
    }
    if matched.starts_with("/api/") {
        return app::server_fns::needs::server_fn_need(matched);
    }
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    Some(page_need(matched))
}

/// Pages: sign-in is open, the admin pages need an admin, one's settings a session.
pub fn page_need(path: &str) -> Need {
    if path == "/login" {
        Need::Public
    } else if path == "/admin" || path.starts_with("/admin/") {
        Need::Admin
    } else if path.starts_with("/settings") {
        Need::SignedIn
    } else {
        Need::Read
    }
}

pub async fn gate(State(pool): State<PgPool>, mut request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| request.uri().path().to_string());
    let is_page = !matched.starts_with("/api/") && matched != "/health";
    let is_server_fn = matched.starts_with("/api/") && !matched.starts_with("/api/v1/");
    let refuse = |e: AppError| {
        if is_server_fn {
            server_fn_error(e)
        } else {
            error_response(e)
        }
    };
    if let Err(refusal) = same_site(request.method(), request.headers()) {
        return refuse(refusal);
    }
    let principal = match principal(&pool, &mut request).await {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let need = need_of(request.method(), &matched);
    if need.is_none() {
        let allowed = api::route_takes_other_methods(&matched);
        if !allowed.is_empty() {
            return method_not_allowed(&allowed);
        }
        tracing::error!(%matched, method = %request.method(), "no permission rule for this route");
    }
    match check(principal.as_ref(), need) {
        Ok(()) => {
            if let Some(p) = principal {
                request.extensions_mut().insert(p);
            }
            next.run(request).await
        }
        Err(AppError::Unauthorized) if is_page => {
            let next = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            Redirect::to(&format!("/login?{query}")).into_response()
        }
        Err(e) => refuse(e),
    }
}

/// A method the route does not take: 405 naming the ones it does, for everyone (the
/// handler never runs, so who asks does not matter).
fn method_not_allowed(allowed: &[&str]) -> Response {
    let list = allowed.join(", ");
    let mut response = (
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        axum::Json(serde_json::json!({ "error": format!("this route takes {list}") })),
    )
        .into_response();
    if let Ok(value) = list.parse() {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// A refusal as server functions encode their errors (the `AppError` as JSON), so the
/// page shows the message rather than a decoding failure.
fn server_fn_error(err: AppError) -> Response {
    let status = axum::http::StatusCode::from_u16(err.status_code())
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The bearer token's owner, or the session's user; a bad token is an error even
/// where anonymous would do, so that a typo in CI fails loudly.
async fn principal(pool: &PgPool, request: &mut Request) -> Result<Option<Principal>, AppError> {
    if let Some(auth) = request.headers().get(header::AUTHORIZATION) {
        let text = auth.to_str().unwrap_or("");
        let Some(token) = text.strip_prefix("Bearer ").map(str::trim) else {
            return Err(AppError::Unauthorized);
        };
        if !looks_like_token(token) {
            return Err(AppError::Unauthorized);
        }
        let hash = app::auth::tokens::hash(token);
        let Some(live) = data::tokens::find_live(pool, &hash).await? else {
            return Err(AppError::Unauthorized);
        };
        if live.owner.disabled_at.is_some() {
            return Err(AppError::Unauthorized);
        }
        return Ok(Some(Principal::Token(live)));
    }
    let Some(mut session) = request.extensions().get::<AuthSession>().cloned() else {
        return Ok(None);
    };
    let Some(user) = session.user.clone() else {
        return Ok(None);
    };
    let now = Utc::now();
    let signed_in_at: Option<DateTime<Utc>> =
        session.session.get(SIGNED_IN_AT).await.unwrap_or(None);
    if signed_in_at.is_none_or(|at| session_expired(at, now)) {
        let _ = session.logout().await;
        return Ok(None);
    }
    // The store extends the idle expiry when the session is saved; saving every few
    // minutes keeps an active session alive without a write per request.
    let seen_at: Option<DateTime<Utc>> = session.session.get(SEEN_AT).await.unwrap_or(None);
    if seen_at.is_none_or(|at| now - at > SESSION_IDLE / 96)
        && let Err(e) = session.session.insert(SEEN_AT, now).await
    {
        tracing::warn!("cannot note session activity: {e}");
    }
    Ok(Some(Principal::User(user.account)))
}

/// Unsafe methods must come from this site (or from a non-browser client, which sends
/// neither header). Bearer-token calls carry no ambient credentials, so they pass.
pub fn same_site(method: &Method, headers: &HeaderMap) -> Result<(), AppError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
        || headers.contains_key(header::AUTHORIZATION)
    {
        return Ok(());
    }
    let refused = || AppError::Forbidden("Cross-site requests are refused.".to_string());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(refused()),
        };
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
        return if !host.is_empty() && origin_host == host {
            Ok(())
        } else {
            Err(refused())
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let post = Method::POST;
        assert!(same_site(&post, &headers(&[("sec-fetch-site", "same-origin")])).is_ok());
        assert!(same_site(&post, &headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_site(&post, &headers(&[("sec-fetch-site", "same-site")])).is_err());
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(same_site(&post, &same).is_ok());
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(same_site(&post, &other).is_err());
        assert!(same_site(&Method::GET, &other).is_ok());
        assert!(same_site(&post, &headers(&[])).is_ok());
        let bearer = headers(&[
            ("origin", "https://ci.example"),
            ("authorization", "Bearer x"),
        ]);
        assert!(same_site(&post, &bearer).is_ok());
    }

    #[test]
    fn pages_need_what_their_place_says() {
        assert_eq!(page_need("/login"), Need::Public);
        assert_eq!(page_need("/admin/users"), Need::Admin);
        assert_eq!(page_need("/settings/tokens"), Need::SignedIn);
        assert_eq!(page_need("/services/{slug}"), Need::Read);
        assert_eq!(need_of(&Method::POST, "/services/{slug}"), None);
    }
}
