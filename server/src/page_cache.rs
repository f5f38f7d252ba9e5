//! Rendered service pages, kept per service version. Rendering a checklist of sixty
//! items dominates the service page's cost (profiled: four fifths of a request in
//! tachys' HTML rendering and its allocations), while the page only changes when the
//! service does. So a GET of `/services/{slug}[/{tab}]` looks up the service's stamp
//! (one small query) and answers with the bytes rendered for that stamp, URL and day.
//! Leptos offers no response cache and tower-http's layers do not know the database,
//! hence this middleware.
//!
//! What the page shows depends on the URL, the service's rows, the day, the build and
//! the signed-in user (the top bar, and the controls their role may use): all of them
//! are in the key.

use app::data::services::{Stamp, stamp};
use app::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Bytes of pages kept at most; the least recently stored go first beyond it.
const BYTES_KEPT: usize = 64 * 1024 * 1024;
/// A page larger than this is served but not kept.
const LARGEST_PAGE: usize = 4 * 1024 * 1024;

#[derive(Clone, Default)]
pub struct PageCache {
    pages: Arc<Mutex<Pages>>,
}

#[derive(Default)]
struct Pages {
    by_uri: HashMap<String, Page>,
    bytes: usize,
    stored: u64,
}

struct Page {
    stamp: Stamp,
    day: NaiveDate,
    stored: u64,
    headers: HeaderMap,
    body: Bytes,
}

/// The slug of a service page's path: `/services/{slug}` or `/services/{slug}/{tab}`,
/// not the new-service form.
pub fn service_slug(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/services/")?;
    let slug = rest.split('/').next()?;
    let tabs = rest.split('/').count();
    (tabs <= 2 && !slug.is_empty() && slug != "new").then_some(slug)
}

pub async fn cached_pages(
    State((cache, state)): State<(PageCache, AppState)>,
    request: Request,
    next: Next,
) -> Response {
    let slug = match (request.method(), service_slug(request.uri().path())) {
        (&Method::GET, Some(slug)) => slug.to_string(),
        _ => return next.run(request).await,
    };
    let current = match stamp(&state.pool, &slug).await {
        Ok(Some(current)) => current,
        // Unknown services and database trouble: the page itself answers.
        _ => return next.run(request).await,
    };
    let Some(principal) = request.extensions().get::<app::auth::Principal>() else {
        return next.run(request).await;
    };
    let account = principal.account();
    let uri = format!("{}:{}|{}", account.id, account.role, request.uri());
    let day = Utc::now().date_naive();
    if let Some(hit) = cache.get(&uri, current, day) {
        return hit;
    }
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, LARGEST_PAGE).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!("service page {uri}: reading the rendered body failed: {e}");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from("The page could not be rendered."))
                .unwrap_or_default();
        }
    };
    cache.put(uri, current, day, parts.headers.clone(), body.clone());
    Response::from_parts(parts, Body::from(body))
}

/// A kept page with the nonce of its first rendering replaced by a new one, in the
/// Content-Security-Policy and in the scripts, so no two responses share a nonce.
fn with_fresh_nonce(headers: &HeaderMap, body: &Bytes) -> (HeaderMap, Bytes) {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok());
    let Some(old) = policy.and_then(nonce_of) else {
        return (headers.clone(), body.clone());
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return (headers.clone(), body.clone());
    };
    let new = leptos::nonce::Nonce::new().to_string();
    let mut headers = headers.clone();
    if let Some(policy) = policy
        && let Ok(value) = policy.replace(old, &new).parse()
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let body = Bytes::from(text.replace(&format!("nonce=\"{old}\""), &format!("nonce=\"{new}\"")));
    (headers, body)
}

/// The nonce in a policy's `'nonce-…'` source.
pub fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    Some(&policy[start..start + len])
}

impl PageCache {
    fn get(&self, uri: &str, current: Stamp, day: NaiveDate) -> Option<Response> {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        let page = pages.by_uri.get(uri)?;
        if page.stamp != current || page.day != day {
            return None;
        }
        let (headers, body) = with_fresh_nonce(&page.headers, &page.body);
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        Some(response)
    }

    fn put(&self, uri: String, stamp: Stamp, day: NaiveDate, headers: HeaderMap, body: Bytes) {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        pages.stored += 1;
        let stored = pages.stored;
        pages.bytes += body.len();
        if let Some(old) = pages.by_uri.insert(
            uri,
            Page {
                stamp,
                day,
                stored,
                headers,
                body,
            },
        ) {
            pages.bytes -= old.body.len();
        }
        while pages.bytes > BYTES_KEPT {
            let Some(oldest) = pages
                .by_uri
                .iter()
                .min_by_key(|(_, p)| p.stored)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(old) = pages.by_uri.remove(&oldest) {
                pages.bytes -= old.body.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_pages_get_a_new_nonce() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            "script-src 'nonce-OLD123' 'strict-dynamic'"
                .parse()
                .unwrap(),
        );
        let body = Bytes::from(
            r#"<script nonce="OLD123">a</script><p>OLD123</p><script nonce="OLD123">b</script>"#,
        );
        let (headers, body) = with_fresh_nonce(&headers, &body);
        let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        let new = nonce_of(policy).unwrap();
        assert_ne!(new, "OLD123");
        let body = std::str::from_utf8(&body).unwrap();
        assert_eq!(body.matches(&format!("nonce=\"{new}\"")).count(), 2);
        assert!(
            body.contains("<p>OLD123</p>"),
            "only nonce attributes change"
        );
    }

    #[test]
    fn only_service_pages_are_kept() {
        assert_eq!(service_slug("/services/payments-api"), Some("payments-api"));
        assert_eq!(
            service_slug("/services/payments-api/costs"),
            Some("payments-api")
        );
        assert_eq!(service_slug("/services/new"), None);
        assert_eq!(service_slug("/services/"), None);
        assert_eq!(service_slug("/services/a/b/c"), None);
        assert_eq!(service_slug("/api/v1/services/a"), None);
        assert_eq!(service_slug("/"), None);
    }
}
