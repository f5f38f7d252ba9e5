//! Live updates across instances. Every change announces itself with `pg_notify` in
//! its own transaction (`app::data::events::record`), so PostgreSQL delivers it to
//! every instance on commit and never for a rollback. Each instance keeps one
//! `PgListener` and fans out through a broadcast channel to Server-Sent Events.
//!
//! Failure modes, each ending in a `resync` event that tells clients to reload what
//! they show: the listener's connection drops (reconnected with backoff), it goes
//! silent (a heartbeat NOTIFY through the pool must come back within three
//! intervals), or a client falls behind the channel. On shutdown every stream ends.

use crate::api::error_response;
use app::data;
use app::data::events::CHANGES_CHANNEL;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::Stream;
use prometheus_client::metrics::counter::Counter;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// What a change announces; the SSE `change` event's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub slug: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub action: String,
    pub actor: String,
    /// The service's version after the change.
    pub version: i64,
    pub event_id: i64,
}

#[derive(Debug, Clone)]
pub enum LiveMessage {
    Change(Arc<Change>),
    /// These users' bells gained a notification (`app::data::notifications::notify`).
    Notice(Arc<Vec<i64>>),
    /// Something may have been missed: reload.
    Resync,
}

/// Changes kept for slow clients before they are told to resync.
pub const CHANNEL_CAPACITY: usize = 1024;
/// How often the listener's connection is proven alive.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
const KEEP_ALIVE: Duration = Duration::from_secs(15);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

struct Inner {
    /// Announces requests' changes after they commit (see `relay.rs`); unset, each
    /// write transaction announces its own.
    relay: std::sync::OnceLock<crate::relay::Relay>,
    sender: broadcast::Sender<LiveMessage>,
    closing: watch::Sender<bool>,
    listening: AtomicBool,
    received: Counter,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub::new(CHANNEL_CAPACITY)
    }
}

impl LiveHub {
    pub fn new(capacity: usize) -> LiveHub {
        let (sender, _) = broadcast::channel(capacity);
        let (closing, _) = watch::channel(false);
        LiveHub {
            inner: Arc::new(Inner {
                relay: std::sync::OnceLock::new(),
                sender,
                closing,
                listening: AtomicBool::new(false),
                received: Counter::default(),
            }),
        }
    }

    /// Starts announcing requests' changes after they commit, in batches.
    pub fn start_relay(&self, pool: PgPool) {
        self.inner
            .relay
            .get_or_init(|| crate::relay::Relay::start(pool));
    }

    pub fn relay(&self) -> Option<crate::relay::Relay> {
        self.inner.relay.get().cloned()
    }

    pub fn publish(&self, message: LiveMessage) {
        // No subscriber is not an error.
        let _ = self.inner.sender.send(message);
    }

    /// Ends every stream and the listener; `/readyz` answers 503 from now on.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    pub fn is_closing(&self) -> bool {
        *self.inner.closing.borrow()
    }

    pub fn is_listening(&self) -> bool {
        self.inner.listening.load(Ordering::Relaxed)
    }

    /// Connected stream clients.
    pub fn clients(&self) -> usize {
        self.inner.sender.receiver_count()
    }

    /// Notifications received since start, heartbeats aside.
    pub fn received(&self) -> u64 {
        self.inner.received.get()
    }

    /// The same count, for `/metrics`.
    pub fn received_counter(&self) -> Counter {
        self.inner.received.clone()
    }

    /// The SSE events for one subscriber: changes (of `only` service, if given), and
    /// `resync` when it fell behind or the listener reconnected. Ends on shutdown.
    pub fn events(
        &self,
        only: Option<String>,
    ) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
        self.stream(Subscriber::Changes(only))
    }

    /// The SSE events of one user's bell: `notice` when they are told something, and
    /// `resync` as for changes. Ends on shutdown.
    pub fn notices(&self, user_id: i64) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
        self.stream(Subscriber::Notices(user_id))
    }

    fn stream(
        &self,
        subscriber: Subscriber,
    ) -> impl Stream<Item = Result<Event, Infallible>> + use<> {
        let receiver = self.inner.sender.subscribe();
        let closing = self.inner.closing.subscribe();
        futures_util::stream::unfold(
            (receiver, closing, subscriber),
            |(mut receiver, mut closing, subscriber)| async move {
                loop {
                    if *closing.borrow_and_update() {
                        return None;
                    }
                    let next = tokio::select! {
                        _ = closing.changed() => return None,
                        next = receiver.recv() => next,
                    };
                    let event = match next {
                        Ok(LiveMessage::Change(change)) => match &subscriber {
                            Subscriber::Changes(only)
                                if only.as_ref().is_none_or(|slug| *slug == change.slug) =>
                            {
                                Event::default().event("change").json_data(&*change).ok()?
                            }
                            _ => continue,
                        },
                        Ok(LiveMessage::Notice(users)) => match subscriber {
                            Subscriber::Notices(user) if users.contains(&user) => {
                                Event::default().event("notice").data("new")
                            }
                            _ => continue,
                        },
                        Ok(LiveMessage::Resync) => {
                            Event::default().event("resync").data("reconnected")
                        }
                        Err(broadcast::error::RecvError::Lagged(missed)) => Event::default()
                            .event("resync")
                            .data(format!("missed {missed}")),
                        Err(broadcast::error::RecvError::Closed) => return None,
                    };
                    return Some((Ok(event), (receiver, closing, subscriber)));
                }
            },
        )
    }
}

/// Who a stream is for.
#[derive(Debug, Clone)]
enum Subscriber {
    /// Changes of every service, or of the one with this slug.
    Changes(Option<String>),
    /// One user's notices.
    Notices(i64),
}

/// What a notification on the channel carries besides changes.
#[derive(Deserialize)]
struct NoticePayload {
    notice: Vec<i64>,
}

/// Listens until the hub closes, reconnecting with backoff. `listen_url` is a direct
/// connection when the pool goes through a transaction-mode pooler (LISTEN needs a
/// session of its own); otherwise the pool's settings are used.
pub async fn run_listener(
    pool: PgPool,
    listen_url: Option<String>,
    hub: LiveHub,
    heartbeat: Duration,
) {
    let mut closing = hub.inner.closing.subscribe();
    let beats = tokio::spawn(send_heartbeats(pool.clone(), hub.clone(), heartbeat));
    let mut backoff = Duration::from_millis(100);
    let mut connected_before = false;
    while !hub.is_closing() {
        let listener = match connect(&pool, listen_url.as_deref()).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!("live updates: cannot listen ({e}); retrying in {backoff:?}");
                tokio::select! {
                    _ = closing.changed() => break,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        hub.inner.listening.store(true, Ordering::Relaxed);
        if connected_before {
            tracing::info!("live updates: listening again");
            hub.publish(LiveMessage::Resync);
        }
        connected_before = true;
        listen(listener, &hub, &mut closing, heartbeat).await;
        hub.inner.listening.store(false, Ordering::Relaxed);
    }
    beats.abort();
}

async fn connect(pool: &PgPool, url: Option<&str>) -> Result<PgListener, sqlx::Error> {
    let mut listener = match url {
        Some(url) => PgListener::connect(url).await?,
        None => PgListener::connect_with(pool).await?,
    };
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}

/// Receives until the connection fails or goes silent, or the hub closes.
async fn listen(
    mut listener: PgListener,
    hub: &LiveHub,
    closing: &mut watch::Receiver<bool>,
    heartbeat: Duration,
) {
    loop {
        let next = tokio::select! {
            _ = closing.changed() => return,
            next = tokio::time::timeout(heartbeat * 3, listener.try_recv()) => next,
        };
        match next {
            Ok(Ok(Some(notification))) => {
                let payload = notification.payload();
                if payload.starts_with("{\"heartbeat\"") {
                    continue;
                }
                if payload.starts_with("{\"notice\"") {
                    match serde_json::from_str::<NoticePayload>(payload) {
                        Ok(notice) => hub.publish(LiveMessage::Notice(Arc::new(notice.notice))),
                        Err(e) => {
                            tracing::warn!("live updates: unreadable notice ({e}): {payload}")
                        }
                    }
                    continue;
                }
                match serde_json::from_str::<Change>(payload) {
                    Ok(change) => {
                        hub.inner.received.inc();
                        hub.publish(LiveMessage::Change(Arc::new(change)));
                    }
                    Err(e) => {
                        tracing::warn!("live updates: unreadable notification ({e}): {payload}")
                    }
                }
            }
            Ok(Ok(None)) => {
                tracing::warn!("live updates: the listening connection closed");
                return;
            }
            Ok(Err(e)) => {
                tracing::warn!("live updates: listening failed: {e}");
                return;
            }
            Err(_) => {
                tracing::warn!(
                    "live updates: no heartbeat for {:?}; reconnecting",
                    heartbeat * 3
                );
                return;
            }
        }
    }
}

/// A NOTIFY through the pool every interval; the listener must hear it.
async fn send_heartbeats(pool: PgPool, hub: LiveHub, every: Duration) {
    let mut tick = tokio::time::interval(every);
    while !hub.is_closing() {
        tick.tick().await;
        let sent = sqlx::query("SELECT pg_notify($1, '{\"heartbeat\":true}')")
            .bind(CHANGES_CHANNEL)
            .execute(&pool)
            .await;
        if let Err(e) = sent {
            tracing::warn!("live updates: heartbeat failed: {e}");
        }
    }
}

/// `/api/v1/live`, `/api/v1/services/{slug}/live`, and the `/livez` and `/readyz`
/// probes (these two outside the gate, like `/health`).
pub fn router<S: Clone + Send + Sync + 'static>(
    pool: PgPool,
    hub: LiveHub,
) -> utoipa_axum::router::OpenApiRouter<S> {
    utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(all_services))
        .routes(utoipa_axum::routes!(one_service))
        .routes(utoipa_axum::routes!(my_notices))
        .with_state((pool, hub))
}

pub fn probes<S>(pool: PgPool, hub: LiveHub) -> Router<S> {
    Router::new()
        .route(
            "/livez",
            get(|| async { Json(json!({ "status": "live" })) }),
        )
        .route("/readyz", get(ready))
        .with_state((pool, hub))
}

fn sse(hub: &LiveHub, only: Option<String>) -> Response {
    let keep_alive = KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive");
    let mut response = Sse::new(hub.events(only))
        .keep_alive(keep_alive)
        .into_response();
    // Proxies (nginx) must pass events through as they come.
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

/// Server-Sent Events of every change to the services the caller may read: events
/// `change` with `{"slug", "subject_type", "subject_id", "action", "actor", "version",
/// "event_id"}`; `resync` when changes may have been missed (reload what you show); a
/// `:keep-alive` comment every 15 s. The stream stays open.
#[utoipa::path(get, path = "/api/v1/live", tag = "live",
    responses((status = 200, description = "An event stream that stays open", content_type = "text/event-stream", body = String)))]
async fn all_services(State((_, hub)): State<(PgPool, LiveHub)>) -> Response {
    sse(&hub, None)
}

/// The same stream as `/api/v1/live` for one service.
#[utoipa::path(get, path = "/api/v1/services/{slug}/live", tag = "live",
    params(("slug" = String, Path, description = "The service's slug")),
    responses((status = 200, description = "An event stream that stays open", content_type = "text/event-stream", body = String)))]
async fn one_service(
    State((pool, hub)): State<(PgPool, LiveHub)>,
    Path(slug): Path<String>,
) -> Response {
    match data::service_id(&pool, &slug).await {
        Ok(_) => sse(&hub, Some(slug)),
        Err(e) => error_response(e),
    }
}

/// Server-Sent Events for the caller's bell: `notice` each time they are told
/// something (fetch the unread count again), `resync` when notices may have been
/// missed. A token's stream is its owner's.
#[utoipa::path(get, path = "/api/v1/notifications/live", tag = "live",
    responses((status = 200, description = "An event stream that stays open", content_type = "text/event-stream", body = String)))]
async fn my_notices(
    State((_, hub)): State<(PgPool, LiveHub)>,
    principal: Option<axum::Extension<app::auth::Principal>>,
) -> Response {
    let Some(axum::Extension(principal)) = principal else {
        return error_response(app::error::AppError::Unauthorized);
    };
    let keep_alive = KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive");
    let mut response = Sse::new(hub.notices(principal.account().id))
        .keep_alive(keep_alive)
        .into_response();
    response.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    response
}

/// Ready: the database answers, the listener listens, and the instance is not draining.
async fn ready(State((pool, hub)): State<(PgPool, LiveHub)>) -> Response {
    let database = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(&pool),
    )
    .await
    .is_ok_and(|r| r.is_ok());
    let listener = hub.is_listening();
    let draining = hub.is_closing();
    let ok = database && listener && !draining;
    let status = if ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |good: bool| if good { "ok" } else { "error" };
    let body = json!({
        "status": if ok { "ready" } else if draining { "draining" } else { "error" },
        "checks": { "database": word(database), "listener": word(listener) },
    });
    (status, Json(body)).into_response()
}
