//! `/metrics` in the Prometheus text format: requests by route and status with their
//! latency, the database pool, live-update clients and notifications, and sign-in
//! failures. Each router owns its registry (no global recorder), so tests that build
//! several routers in one process count apart.

use crate::live::LiveHub;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// The route template a request matched, carried on the response to the outer layer
/// that counts it (route layers see the match; only outer layers see every request).
#[derive(Clone)]
struct Matched(Arc<str>);

/// Label for requests no route matched: static files and unknown paths, kept to one
/// value so that scanners cannot grow the series without bound.
const UNMATCHED: &str = "(static or unknown)";

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    in_flight: Gauge,
    pool_max: Gauge,
    pool_size: Gauge,
    pool_in_use: Gauge,
    pool_idle: Gauge,
    pool_waiting: Gauge,
    live_clients: Gauge,
    sign_in_failures: Counter,
    pool: PgPool,
    hub: LiveHub,
}

impl Metrics {
    pub fn new(pool: PgPool, hub: LiveHub) -> Metrics {
        let mut registry = Registry::with_prefix("preflight");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        let gauge = Gauge::default;
        let (in_flight, pool_max, pool_size, pool_in_use, pool_idle, pool_waiting) =
            (gauge(), gauge(), gauge(), gauge(), gauge(), gauge());
        let live_clients = Gauge::default();
        let sign_in_failures = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to the response head, by method and route template",
            latency.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "Connections the pool may open",
            pool_max.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Connections open, idle or in use",
            pool_size.clone(),
        );
        registry.register(
            "db_pool_in_use",
            "Connections lent to a request",
            pool_in_use.clone(),
        );
        registry.register(
            "db_pool_idle",
            "Connections open and idle",
            pool_idle.clone(),
        );
        registry.register(
            "db_pool_waiting",
            "Requests waiting for a connection, estimated: sqlx does not count its waiters, so this is the requests in flight beyond the connections in use while the pool is full and none is idle",
            pool_waiting.clone(),
        );
        registry.register(
            "live_clients",
            "Open live-update streams",
            live_clients.clone(),
        );
        registry.register(
            "live_notifications_received",
            "Change notifications received from PostgreSQL, heartbeats aside",
            hub.received_counter(),
        );
        registry.register(
            "sign_in_failures",
            "Sign-ins refused for a wrong email or password",
            sign_in_failures.clone(),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                requests,
                latency,
                in_flight,
                pool_max,
                pool_size,
                pool_in_use,
                pool_idle,
                pool_waiting,
                live_clients,
                sign_in_failures,
                pool,
                hub,
            }),
        }
    }

    pub fn sign_in_failed(&self) {
        self.inner.sign_in_failures.inc();
    }

    /// The exposition, with the gauges read now.
    pub fn render(&self) -> String {
        let m = &self.inner;
        let max = i64::from(m.pool.options().get_max_connections());
        let size = i64::from(m.pool.size());
        let idle = m.pool.num_idle() as i64;
        let in_use = size - idle;
        // The scrape itself is in flight; it holds no connection.
        let in_flight = (m.in_flight.get() - 1).max(0);
        let waiting = if size >= max && idle == 0 {
            (in_flight - in_use).max(0)
        } else {
            0
        };
        m.pool_max.set(max);
        m.pool_size.set(size);
        m.pool_idle.set(idle);
        m.pool_in_use.set(in_use);
        m.pool_waiting.set(waiting);
        m.live_clients.set(m.hub.clients() as i64);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_text::encode(&mut text, &m.registry);
        text
    }

    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let route = route.to_string();
        self.inner
            .requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.clone(),
                status: status.to_string(),
            })
            .inc();
        self.inner
            .latency
            .get_or_create(&RouteLabels {
                method: method.to_string(),
                route,
            })
            .observe(seconds);
    }
}

/// Counts a request in flight until it is answered or its client goes away.
struct InFlight(Gauge);

impl InFlight {
    fn new(gauge: &Gauge) -> InFlight {
        gauge.inc();
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// A route layer: puts the matched route template on the response.
pub async fn mark_route(request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| Matched(Arc::from(m.as_str())));
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(matched);
    }
    response
}

/// The outer layer: counts every request by the route `mark_route` found.
pub async fn count_requests(
    State(metrics): State<Metrics>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let in_flight = InFlight::new(&metrics.inner.in_flight);
    let response = next.run(request).await;
    drop(in_flight);
    let route = response
        .extensions()
        .get::<Matched>()
        .map_or(UNMATCHED, |m| &*m.0);
    metrics.record(
        &method,
        route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `/metrics`, outside the gate like `/health`: it tells counts, never data. Keep it
/// off the public network (the Helm chart's NetworkPolicy does).
pub fn router<S>(metrics: Metrics) -> Router<S> {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(metrics)
}

async fn scrape(State(metrics): State<Metrics>) -> Response {
    (
        [(header::CONTENT_TYPE, prometheus_text::CONTENT_TYPE)],
        metrics.render(),
    )
        .into_response()
}
