//! The JSON API, `/health` and the server-rendered pages, through the real router
//! against a real PostgreSQL (a fresh database per test).

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
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

async fn first_item(router: &Router, slug: &str, status: &str) -> Value {
    let (_, doc) = send(
        router,
        Method::GET,
        &format!("/api/v1/services/{slug}"),
        None,
    )
    .await;
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().clone())
        .find(|i| i["status"] == status)
        .expect("an item with that status")
}

#[sqlx::test(migrations = "../migrations")]
async fn health_reports_the_database(pool: PgPool) {
    // Anonymous: health checks need no account.
    let router = support::full_router(&pool);
    let (status, body) = send(&router, Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok", "checks": {"database": "ok"}}));

    pool.close().await;
    let (status, body) = send(&router, Method::GET, "/health", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["checks"]["database"], "error");
}

#[sqlx::test(migrations = "../migrations")]
async fn services_list_and_document(pool: PgPool) {
    let router = seeded(&pool).await;
    let (status, list) = send(&router, Method::GET, "/api/v1/services", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 4);
    for service in list {
        assert!(service["slug"].is_string() && service["name"].is_string());
        assert!(service["readiness_percent"].as_u64().unwrap() <= 100);
    }

    let (status, doc) = send(&router, Method::GET, "/api/v1/services/payments-api", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["slug"], "payments-api");
    let item = &doc["sections"][0]["items"][0];
    for key in ["id", "title", "status", "priority", "version"] {
        assert!(!item[key].is_null(), "item has {key}");
    }
    assert!(doc["phases"][0].get("monthly_cost_change_cents").is_some());
    assert!(doc["risks"][0]["likelihood"].is_number() && doc["risks"][0]["impact"].is_number());
    let lines = doc["cost_lines"].as_array().unwrap();
    let baseline: i64 = lines
        .iter()
        .filter(|l| l["kind"] == "baseline")
        .map(|l| l["monthly_cents"].as_i64().unwrap())
        .sum();
    assert_eq!(baseline, 30883);
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "saving" && l["monthly_cents"].as_i64().unwrap() < 0)
    );
    assert!(
        lines
            .iter()
            .all(|l| l["category"].is_string() && l["name"].is_string())
    );

    let (status, body) = send(
        &router,
        Method::GET,
        "/api/v1/services/no-such-service",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("no-such-service"));
    let (status, _) = send(&router, Method::GET, "/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn patch_changes_an_item_and_records_it(pool: PgPool) {
    let router = seeded(&pool).await;
    let item = first_item(&router, "payments-api", "todo").await;
    let uri = format!("/api/v1/services/payments-api/items/{}", item["id"]);
    let status_events = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM events WHERE action = 'item.status_changed'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let events_before = status_events().await;

    let (status, body) = send(&router, Method::PATCH, &uri, Some(r#"{"status":"done"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "done");
    assert_eq!(body["id"], item["id"]);
    assert_eq!(body["version"], item["version"].as_i64().unwrap() + 1);
    assert!(support::is_editor_token_actor(
        body["updated_by"].as_str().unwrap()
    ));
    // The demo's past has status changes of its own; this patch adds exactly one.
    assert_eq!(status_events().await, events_before + 1);

    // The version a client saw must still be current.
    let stale = format!(r#"{{"status":"todo","version":{}}}"#, item["version"]);
    let (status, body) = send(&router, Method::PATCH, &uri, Some(&stale)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current"]["status"], "done");
}

#[sqlx::test(migrations = "../migrations")]
async fn patch_refuses_bad_requests(pool: PgPool) {
    let router = seeded(&pool).await;
    let item = first_item(&router, "payments-api", "todo").await;
    let uri = format!("/api/v1/services/payments-api/items/{}", item["id"]);
    let event_count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM events")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let events_before = event_count().await;

    let cases = [
        (r#"{"status":"finished"}"#, "status"),
        (r#"{"status":"not_applicable"}"#, "na_reason"),
        (r#"{"state":"done"}"#, "state"),
        (r#"{"status":"done""#, "body"),
        ("", "body"),
    ];
    for (body, field) in cases {
        let (status, answer) = send(&router, Method::PATCH, &uri, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(answer["field"], field, "{body}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
    }

    let (status, _) = send(
        &router,
        Method::PATCH,
        "/api/v1/services/nope/items/1",
        Some(r#"{"status":"done"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for id in ["999999999", "abc"] {
        let path = format!("/api/v1/services/payments-api/items/{id}");
        let (status, _) = send(&router, Method::PATCH, &path, Some(r#"{"status":"done"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
    // An item of another service is not found under this one.
    let foreign = first_item(&router, "search-indexer", "todo").await;
    let path = format!("/api/v1/services/payments-api/items/{}", foreign["id"]);
    let (status, _) = send(&router, Method::PATCH, &path, Some(r#"{"status":"done"}"#)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let unchanged = first_item(&router, "payments-api", "todo").await;
    assert_eq!(unchanged["id"], item["id"]);
    assert_eq!(unchanged["version"], item["version"]);
    // A refused request writes no event.
    assert_eq!(event_count().await, events_before);
}

/// A page as the browser gets it: status and the whole body.
async fn get_page(router: &Router, uri: &str) -> (StatusCode, String) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_render_on_the_server(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::as_editor(&pool).await;

    let html = |uri: &'static str| get_page(&router, uri);
    let (status, page) = html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Payments API") && page.contains("/services/payments-api"));
    assert!(page.contains("/pkg/preflight.js"), "hydration scripts");

    let (status, page) = html("/services/payments-api").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("type=\"checkbox\""));
    assert!(page.contains("Service readiness"));

    let (status, page) = html("/services/no-such-service").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Not found"));
}

/// The page with its script nonces blanked: kept pages differ only in those.
fn without_nonces(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("nonce=\"") {
        out.push_str(&rest[..at + 7]);
        rest = &rest[at + 7..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

/// Service pages are kept per service version (server/src/page_cache.rs): a second view
/// is the same bytes (but for the nonces), and every change shows on the next view,
/// whoever made it.
#[sqlx::test(migrations = "../migrations")]
async fn kept_service_pages_show_every_change(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::as_editor(&pool).await;
    let page = |uri: &'static str| {
        let router = router.clone();
        async move {
            let (status, html) = get_page(&router, uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            without_nonces(&html)
        }
    };
    let ticked = |html: &str| html.matches("aria-checked=\"true\"").count();

    let first = page("/services/payments-api").await;
    assert_eq!(page("/services/payments-api").await, first);
    let costs = page("/services/payments-api/costs").await;
    assert_ne!(costs, first, "each tab is kept on its own");
    let filtered = page("/services/payments-api?status=done").await;
    assert_ne!(filtered, first, "the query is part of the key");

    // Through the JSON API.
    let item = first_item(&router, "payments-api", "todo").await;
    let path = format!("/api/v1/services/payments-api/items/{}", item["id"]);
    let body = format!(r#"{{"status":"done","version":{}}}"#, item["version"]);
    let (status, _) = send(&router, Method::PATCH, &path, Some(&body)).await;
    assert_eq!(status, StatusCode::OK);
    let after_api = page("/services/payments-api").await;
    assert_eq!(ticked(&after_api), ticked(&first) + 1);

    // Straight in the database, as another instance would.
    sqlx::query("UPDATE services SET name = 'Payments API, renamed' WHERE slug = 'payments-api'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        page("/services/payments-api")
            .await
            .contains("Payments API, renamed")
    );
    assert!(
        page("/services/payments-api/costs")
            .await
            .contains("Payments API, renamed")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_data_loads_once(pool: PgPool) {
    assert_eq!(server::demo::load_if_empty(&pool).await.unwrap(), 4);
    assert_eq!(server::demo::load_if_empty(&pool).await.unwrap(), 0);
    let gate_clear: Vec<String> = sqlx::query_scalar(
        "SELECT s.slug FROM services s WHERE NOT EXISTS (
             SELECT 1 FROM checklist_items i WHERE i.service_id = s.id
             AND i.priority = 'critical' AND i.status NOT IN ('done', 'not_applicable'))",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(gate_clear, vec!["notification-service".to_string()]);
}

/// Pages carry a Content-Security-Policy with a nonce that matches their scripts, new
/// on every response, kept pages included; every response says nosniff and no framing.
#[sqlx::test(migrations = "../migrations")]
async fn responses_carry_security_headers(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::as_editor(&pool).await;
    let mut nonces = Vec::new();
    for uri in ["/", "/services/payments-api", "/services/payments-api"] {
        let response = router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        let nonce = server::page_cache::nonce_of(&policy).unwrap().to_string();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let html = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{uri}: scripts carry the nonce"
        );
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a new nonce every time");
    let response = router
        .clone()
        .oneshot(
            Request::get("/api/v1/services")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}
