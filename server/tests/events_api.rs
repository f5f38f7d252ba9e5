//! `GET /api/v1/services/{slug}/events` and the history tab, through the real router
//! against a real PostgreSQL with the demo services (a fresh database per test).

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

async fn seeded(pool: &PgPool) -> Router {
    let loaded = server::demo::load_if_empty(pool).await.unwrap();
    assert_eq!(loaded, 4);
    support::as_editor(pool).await
}

async fn send(
    router: &Router,
    method: Method,
    uri: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(
            body.map(|b| Body::from(b.to_string()))
                .unwrap_or_else(Body::empty),
        )
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

async fn get(router: &Router, uri: &str) -> (StatusCode, Value) {
    send(router, Method::GET, uri, None).await
}

fn ids(page: &Value) -> Vec<i64> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

async fn event_count(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM events e JOIN services s ON s.id = e.service_id WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn events_come_newest_first_in_pages(pool: PgPool) {
    let router = seeded(&pool).await;
    let (status, page) = get(&router, "/api/v1/services/payments-api/events").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 50);
    let total = event_count(&pool, "payments-api").await;
    assert_eq!(page["total"], total);
    // The demo comes with weeks of history.
    assert!(total > 20, "{total}");
    let events = page["events"].as_array().unwrap();
    assert_eq!(events.len() as i64, total.min(50));
    for key in [
        "id",
        "actor",
        "action",
        "subject_type",
        "subject_id",
        "before",
        "after",
        "created_at",
        "readiness_done",
        "readiness_applicable",
    ] {
        assert!(events[0].get(key).is_some(), "event has {key}");
    }
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["created_at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::Utc>> =
        times.iter().map(|t| t.parse().unwrap()).collect();
    assert!(parsed.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let oldest = events.last().unwrap();
    if total <= 50 {
        assert_eq!(oldest["action"], "service.created");
    }

    // Pages tile the whole list.
    let (_, ten) = get(&router, "/api/v1/services/payments-api/events?per_page=10").await;
    let (_, second) = get(
        &router,
        "/api/v1/services/payments-api/events?page=2&per_page=5",
    )
    .await;
    assert_eq!(second["page"], 2);
    assert_eq!(second["per_page"], 5);
    assert_eq!(ids(&second), ids(&ten)[5..10]);
    let (status, beyond) = get(
        &router,
        "/api/v1/services/payments-api/events?page=1000&per_page=200",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(beyond["events"].as_array().unwrap().is_empty());
    assert_eq!(beyond["total"], total);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_change_through_the_api_is_on_top(pool: PgPool) {
    let router = seeded(&pool).await;
    let (_, doc) = get(&router, "/api/v1/services/search-indexer").await;
    let item = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .find(|i| i["status"] == "todo")
        .unwrap();
    let uri = format!("/api/v1/services/search-indexer/items/{}", item["id"]);
    let (status, _) = send(&router, Method::PATCH, &uri, Some(r#"{"status":"done"}"#)).await;
    assert_eq!(status, StatusCode::OK);

    let (_, page) = get(&router, "/api/v1/services/search-indexer/events?per_page=1").await;
    let top = &page["events"][0];
    assert_eq!(top["action"], "item.status_changed");
    assert!(support::is_editor_token_actor(
        top["actor"].as_str().unwrap()
    ));
    assert_eq!(top["subject_type"], "checklist_item");
    assert_eq!(top["subject_id"], item["id"]);
    assert_eq!(top["before"]["status"], "todo");
    assert_eq!(top["after"]["status"], "done");
    let done = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .filter(|i| i["status"] == "done")
        .count() as i64;
    assert_eq!(top["readiness_done"], done + 1);
    assert!(top["readiness_applicable"].as_i64().unwrap() > done);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_paging_and_unknown_services_are_refused(pool: PgPool) {
    let router = seeded(&pool).await;
    let (status, body) = get(&router, "/api/v1/services/no-such-service/events").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("no-such-service"));

    for (query, field) in [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=", "page"),
        ("page=1.5", "page"),
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("per_page=lots", "per_page"),
        ("page=2&per_page=1000", "per_page"),
    ] {
        let uri = format!("/api/v1/services/payments-api/events?{query}");
        let (status, body) = get(&router, &uri).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body["field"], field, "{query}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{query}"
        );
    }
    let (status, _) = get(
        &router,
        "/api/v1/services/payments-api/events?page=1&per_page=200",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_history_tab_renders_on_the_server(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::as_editor(&pool).await;
    let response = router
        .oneshot(
            Request::get("/services/payments-api/history")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let page = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(page.contains("Readiness over time"), "burn-up caption");
    assert!(page.contains("<svg"), "burn-up chart");
    assert!(page.contains("ready around"), "forecast sentence");
    assert!(
        page.contains("Service created with 54 items"),
        "oldest event"
    );
    assert!(page.contains("from To do to Done"), "status changes");
}
