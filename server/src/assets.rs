//! Static files and their cache headers.
//!
//! tower-http's `ServeDir` serves the site root, picking the `.br` or `.gz` file that
//! `cargo leptos build --release --precompress` wrote beside each asset (brotli quality
//! 11, once, at build time). What it does not find goes to the Leptos error page.
//! File names under `/pkg` carry a content hash when `hash_files` is on, so those are
//! cached for a year; everything else, HTML included, is revalidated on every use.

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::ErrorHandler;
use std::convert::Infallible;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const REVALIDATE: &str = "no-cache";

/// The router's fallback: a file of the site root, or the app's 404 page.
pub fn static_files(state: AppState) -> BoxCloneSyncService<Request<Body>, Response, Infallible> {
    let options = state.leptos_options.clone();
    let not_found = ErrorHandler::new_with_context(
        move || provide_context(state.clone()),
        shell,
        options.clone(),
    );
    let files = ServeDir::new(&*options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    BoxCloneSyncService::new(tower::ServiceExt::map_response(files, |r| r.map(Body::new)))
}

/// Which cache rule applies to the assets of a build.
#[derive(Clone)]
pub struct CachePolicy {
    /// `/pkg/`, the prefix of the files whose names carry their hash.
    hashed_prefix: Option<String>,
}

impl CachePolicy {
    pub fn new(options: &LeptosOptions) -> CachePolicy {
        let pkg = options.site_pkg_dir.trim_matches('/');
        CachePolicy {
            hashed_prefix: options.hash_files.then(|| format!("/{pkg}/")),
        }
    }

    /// The `Cache-Control` value for a successful response to `path`.
    pub fn for_path(&self, path: &str) -> &'static str {
        match &self.hashed_prefix {
            // wasm-bindgen's snippets keep their own names, so they are not hashed.
            Some(prefix) if path.starts_with(prefix.as_str()) && !path.contains("/snippets/") => {
                IMMUTABLE
            }
            _ => REVALIDATE,
        }
    }
}

/// Sets `Cache-Control` (unless the handler did) and `Vary: Accept-Encoding`, since
/// the same URL answers brotli, gzip or identity.
pub async fn cache_headers(
    State(policy): State<CachePolicy>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let value = if response.status().is_success() {
        policy.for_path(&path)
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(value));
    headers
        .entry(header::VARY)
        .or_insert(HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(hash_files: bool) -> CachePolicy {
        let mut options = LeptosOptions::builder().output_name("preflight").build();
        options.hash_files = hash_files;
        CachePolicy::new(&options)
    }

    #[test]
    fn hashed_assets_are_immutable_and_the_rest_revalidates() {
        let p = policy(true);
        assert_eq!(p.for_path("/pkg/preflight.abc.wasm"), IMMUTABLE);
        assert_eq!(p.for_path("/pkg/snippets/x/inline0.js"), REVALIDATE);
        assert_eq!(p.for_path("/favicon.svg"), REVALIDATE);
        assert_eq!(p.for_path("/services/payments-api"), REVALIDATE);
    }

    #[test]
    fn without_hashes_nothing_is_immutable() {
        assert_eq!(policy(false).for_path("/pkg/preflight.wasm"), REVALIDATE);
    }
}
