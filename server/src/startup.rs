//! Builds the router and serves it until SIGTERM or Ctrl-C.

use crate::assets::{CachePolicy, cache_headers, static_files};
use crate::page_cache::{PageCache, cached_pages};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let cache = CachePolicy::new(&leptos_options);
    Router::new()
        .merge(crate::transfer::router(state.pool.clone()))
        .merge(crate::api::router(state.pool.clone()))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback_service(static_files(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            (PageCache::default(), state.clone()),
            cached_pages,
        ))
        .layer(axum::middleware::from_fn_with_state(cache, cache_headers))
        // Skips what already has a Content-Encoding: the precompressed files.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
