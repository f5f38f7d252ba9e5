//! Live updates through the real router against a real PostgreSQL: changes arrive on
//! commit (never on rollback), per service or for all, and every failure mode ends in
//! a `resync` event.

mod support;

use app::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::Value;
use server::live::{Change, LiveHub, LiveMessage};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;

fn router(pool: &PgPool, hub: &LiveHub) -> Router {
    let options = LeptosOptions::builder().output_name("preflight").build();
    server::startup::router(
        AppState::new(options, pool.clone()),
        Default::default(),
        hub.clone(),
    )
}

async fn listening(pool: &PgPool) -> LiveHub {
    listening_with(pool, false).await
}

/// With `relay`, requests' changes are announced after them, as `main` runs it.
async fn listening_with(pool: &PgPool, relay: bool) -> LiveHub {
    let hub = LiveHub::default();
    if relay {
        hub.start_relay(pool.clone());
    }
    tokio::spawn(server::live::run_listener(
        pool.clone(),
        None,
        hub.clone(),
        Duration::from_millis(300),
    ));
    for _ in 0..100 {
        if hub.is_listening() {
            return hub;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the listener did not start");
}

/// An open event stream, read as text.
struct Stream {
    body: Body,
    seen: String,
    /// Everything read so far, events already taken included.
    history: String,
}

impl Stream {
    async fn open(router: &Router, uri: &str) -> Stream {
        let response = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            body: response.into_body(),
            seen: String::new(),
            history: String::new(),
        }
    }

    /// The next event of that name: its data.
    async fn next(&mut self, name: &str) -> String {
        let marker = format!("event: {name}\n");
        let read = async {
            loop {
                if let Some(at) = self.seen.find(&marker) {
                    let rest = &self.seen[at + marker.len()..];
                    if let Some(end) = rest.find("\n\n") {
                        let data = rest[..end].trim_start_matches("data: ").to_string();
                        self.seen = rest[end + 2..].to_string();
                        return data;
                    }
                }
                match self.body.frame().await {
                    Some(Ok(frame)) => {
                        if let Ok(bytes) = frame.into_data() {
                            self.seen.push_str(&String::from_utf8_lossy(&bytes));
                            self.history.push_str(&String::from_utf8_lossy(&bytes));
                        }
                    }
                    other => panic!(
                        "the stream ended while waiting for {name}: {other:?}; seen {:?}",
                        self.seen
                    ),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), read)
            .await
            .unwrap_or_else(|_| panic!("no {name} event; seen {:?}", self.seen))
    }

    async fn ends(&mut self) -> bool {
        let end = async {
            loop {
                match self.body.frame().await {
                    None => return true,
                    Some(Err(_)) => return true,
                    Some(Ok(_)) => continue,
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(5), end)
            .await
            .unwrap_or(false)
    }
}

async fn first_open_item(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN services s ON s.id = i.service_id
         WHERE s.slug = $1 AND i.status = 'todo' ORDER BY i.id LIMIT 1",
    )
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn tick(router: &Router, slug: &str, id: i64) {
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(format!("/api/v1/services/{slug}/items/{id}"))
        .header("content-type", "application/json")
        .body(Body::from(r#"{"status":"done"}"#))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn committed_changes_reach_the_streams_of_their_service(pool: PgPool) {
    changes_reach_their_streams(pool, false).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn relayed_changes_reach_the_streams_of_their_service(pool: PgPool) {
    changes_reach_their_streams(pool, true).await;
}

async fn changes_reach_their_streams(pool: PgPool, relay: bool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let hub = listening_with(&pool, relay).await;
    let token = support::token(
        &pool,
        app::model::Role::Editor,
        app::model::TokenScope::Write,
    )
    .await;
    let router = support::with_token(router(&pool, &hub), &token);
    let mut payments = Stream::open(&router, "/api/v1/services/payments-api/live").await;
    let mut everything = Stream::open(&router, "/api/v1/live").await;

    // A rolled-back change announces nothing.
    let service_id = app::data::service_id(&pool, "customer-portal")
        .await
        .unwrap();
    let rolled_back = async {
        let mut tx = pool.begin().await.unwrap();
        let event = app::data::events::NewEvent {
            service_id,
            actor: "test",
            action: "item.status_changed",
            subject_type: "item",
            subject_id: None,
            before: None,
            after: None,
        };
        app::data::events::record(&mut tx, event).await.unwrap();
        tx.rollback().await.unwrap();
    };
    match hub.relay() {
        // As a request that rolled back: what it collected goes to the relay anyway.
        Some(relay) => {
            let collected = app::data::events::Announcements::default();
            app::data::events::ANNOUNCE_AFTER_COMMIT
                .scope(collected.clone(), rolled_back)
                .await;
            let announcements = collected.take();
            assert_eq!(announcements.len(), 1, "the request collected its event");
            relay.hand_over(announcements);
        }
        None => rolled_back.await,
    }

    let other = first_open_item(&pool, "customer-portal").await;
    tick(&router, "customer-portal", other).await;
    let item = first_open_item(&pool, "payments-api").await;
    tick(&router, "payments-api", item).await;

    let first: Value = serde_json::from_str(&everything.next("change").await).unwrap();
    assert_eq!(
        first["slug"], "customer-portal",
        "the rollback sent nothing: {first}"
    );
    assert_eq!(first["subject_id"], other);
    let change: Value = serde_json::from_str(&payments.next("change").await).unwrap();
    assert_eq!(
        change["slug"], "payments-api",
        "other services are not in this stream"
    );
    assert_eq!(change["subject_type"], "checklist_item");
    assert_eq!(change["subject_id"], item);
    assert_eq!(change["action"], "item.status_changed");
    assert!(change["actor"].as_str().unwrap().starts_with("token "));
    assert!(change["version"].as_i64().unwrap() > 0);
    assert!(hub.received() >= 2);

    // Unknown services: 404, not an empty stream.
    let response = router
        .clone()
        .oneshot(
            Request::get("/api/v1/services/nope/live")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dropped_listener_reconnects_and_clients_resync(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let hub = listening(&pool).await;
    let token = support::token(
        &pool,
        app::model::Role::Editor,
        app::model::TokenScope::Write,
    )
    .await;
    let router = support::with_token(router(&pool, &hub), &token);
    let mut stream = Stream::open(&router, "/api/v1/live").await;

    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(killed, 1);
    assert_eq!(stream.next("resync").await, "reconnected");
    let item = first_open_item(&pool, "payments-api").await;
    tick(&router, "payments-api", item).await;
    let change: Value = serde_json::from_str(&stream.next("change").await).unwrap();
    assert_eq!(change["subject_id"], item);
}

#[sqlx::test(migrations = "../migrations")]
async fn slow_clients_resync_and_shutdown_ends_every_stream(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let hub = LiveHub::new(2);
    let token = support::token(
        &pool,
        app::model::Role::Viewer,
        app::model::TokenScope::Read,
    )
    .await;
    let router = support::with_token(router(&pool, &hub), &token);
    let mut stream = Stream::open(&router, "/api/v1/live").await;
    for n in 0..5 {
        hub.publish(LiveMessage::Change(Arc::new(Change {
            slug: "payments-api".into(),
            subject_type: "item".into(),
            subject_id: Some(n),
            action: "item.status_changed".into(),
            actor: "test".into(),
            version: n,
            event_id: n,
        })));
    }
    assert_eq!(stream.next("resync").await, "missed 3");
    assert!(stream.next("change").await.contains("\"subject_id\":3"));
    assert_eq!(hub.clients(), 1);

    // No listener yet: not ready. Draining: not ready either, and streams end.
    let ready = |router: Router| async move {
        router
            .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
            .await
            .unwrap()
            .status()
    };
    assert_eq!(ready(router.clone()).await, StatusCode::SERVICE_UNAVAILABLE);
    hub.close();
    assert!(stream.ends().await, "the stream ended on shutdown");
    assert_eq!(ready(router.clone()).await, StatusCode::SERVICE_UNAVAILABLE);
    let live = router
        .oneshot(Request::get("/livez").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn ready_when_the_database_and_the_listener_are(pool: PgPool) {
    let hub = listening(&pool).await;
    let response = router(&pool, &hub)
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["checks"]["listener"], "ok");
    hub.close();
}

#[sqlx::test(migrations = "../migrations")]
async fn a_notice_reaches_its_users_bell_only(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let hub = listening(&pool).await;
    let editor = support::token(
        &pool,
        app::model::Role::Editor,
        app::model::TokenScope::Read,
    )
    .await;
    let viewer = support::token(
        &pool,
        app::model::Role::Viewer,
        app::model::TokenScope::Read,
    )
    .await;
    let mut mine = Stream::open(
        &support::with_token(router(&pool, &hub), &editor),
        "/api/v1/notifications/live",
    )
    .await;
    let mut theirs = Stream::open(
        &support::with_token(router(&pool, &hub), &viewer),
        "/api/v1/notifications/live",
    )
    .await;
    let editor_id = app::data::users::find_by_email(&pool, "editor@tests.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let service_id = app::data::service_id(&pool, "payments-api").await.unwrap();
    let notice = app::domain::notification::Notice {
        kind: app::domain::notification::NoticeKind::ReviewWaiting,
        service: Some(app::domain::notification::NoticeService {
            id: service_id,
            slug: "payments-api".into(),
            name: "Payments API".into(),
        }),
        subject: "waiting".into(),
        body: String::new(),
        link: String::new(),
        dedupe_key: "live-test".into(),
    };
    let mut tx = pool.begin().await.unwrap();
    app::data::notifications::notify(&mut tx, &notice, &[editor_id])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(mine.next("notice").await, "new");
    // The viewer's stream hears the next resync, not the editor's notice.
    hub.publish(LiveMessage::Resync);
    assert_eq!(theirs.next("resync").await, "reconnected");
    assert!(!theirs.history.contains("notice"), "{}", theirs.history);
}
