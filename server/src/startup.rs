//! Builds the router and serves it until SIGTERM or Ctrl-C.

use crate::assets::{CachePolicy, cache_headers, static_files};
use crate::gate::gate;
use crate::live::LiveHub;
use crate::metrics::{Metrics, count_requests, mark_route};
use crate::page_cache::{PageCache, cached_pages};
use app::auth::backend::Backend;
use app::domain::access::SESSION_IDLE;
use app::state::AppState;
use app::{App, shell};
use axum::http::{HeaderName, HeaderValue, Request, header};
use axum::routing::post;
use axum::{Extension, Router};
use axum_login::AuthManagerLayerBuilder;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration as SessionDuration;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

/// How sessions are kept: cookies marked Secure when the public URL is https.
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionSettings {
    pub secure_cookies: bool,
}

pub fn router(state: AppState, sessions: SessionSettings, live: LiveHub) -> Router {
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    let cache = CachePolicy::new(&leptos_options);
    let pool = state.pool.clone();
    let metrics = Metrics::new(pool.clone(), live.clone());
    // Sessions live in PostgreSQL (the migration `accounts` creates the table), so every
    // instance shares them; idle ones expire after eight hours.
    let session_layer = SessionManagerLayer::new(PostgresStore::new(pool.clone()))
        .with_name("preflight_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(sessions.secure_cookies)
        .with_expiry(Expiry::OnInactivity(SessionDuration::seconds(
            SESSION_IDLE.num_seconds(),
        )));
    let auth_layer =
        AuthManagerLayerBuilder::new(Backend::new(pool.clone()), session_layer).build();
    let (api, api_doc) = api_routes(pool.clone(), live.clone());
    let (health, health_doc) = crate::api::health_router(pool.clone()).split_for_parts();
    let mut doc = api_doc;
    doc.merge(health_doc);
    let doc = crate::openapi::document(doc);
    // Route layers wrap only matched routes: the static files (the fallback) cost no
    // session lookup. Outermost first: session, then the gate, then the page cache.
    Router::new()
        .merge(api)
        .merge(crate::openapi::router(doc))
        .route("/login", post(crate::sign_in::sign_in))
        .route("/logout", post(crate::sign_in::sign_out))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .route_layer(axum::middleware::from_fn_with_state(
            live.relay(),
            crate::relay::announce_changes,
        ))
        .route_layer(axum::middleware::from_fn(
            crate::server_fn_status::server_fn_status,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            (PageCache::default(), state.clone()),
            cached_pages,
        ))
        .route_layer(axum::middleware::from_fn_with_state(pool.clone(), gate))
        .route_layer(auth_layer)
        .merge(health)
        .merge(crate::live::probes(pool.clone(), live))
        .merge(crate::metrics::router(metrics.clone()))
        .route_layer(axum::middleware::from_fn(mark_route))
        .fallback_service(static_files(state.clone()))
        .layer(axum::middleware::from_fn_with_state(cache, cache_headers))
        // Pages set their own Content-Security-Policy with the response's nonce
        // (`app::html_shell`); everything else gets a closed one.
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
        .layer(fixed(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .layer(tower::util::option_layer(sessions.secure_cookies.then(
            || {
                fixed(
                    header::STRICT_TRANSPORT_SECURITY,
                    "max-age=31536000; includeSubDomains",
                )
            },
        )))
        // Skips what already has a Content-Encoding: the precompressed files.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            count_requests,
        ))
        .layer(Extension(metrics))
        // Every log line of a request carries its id, which the response returns as
        // `x-request-id` (a proxy's own id is kept).
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The JSON API's routes behind the gate, with the OpenAPI paths their `routes!`
/// calls registered.
pub fn api_routes(
    pool: sqlx::PgPool,
    live: LiveHub,
) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(crate::transfer::router(pool.clone()))
        .merge(crate::api::router(pool.clone()))
        .merge(crate::live::router(pool, live))
        .split_for_parts()
}

fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// A header every response gets unless its handler set one.
fn fixed(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Deletes expired sessions every hour (the store only ignores them on load).
pub async fn delete_expired_sessions(pool: sqlx::PgPool) {
    use tower_sessions::ExpiredDeletion;
    let store = PostgresStore::new(pool);
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(e) = store.delete_expired().await {
            tracing::warn!("deleting expired sessions failed: {e}");
        }
    }
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
