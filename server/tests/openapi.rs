//! The published contract: `/api/v1/openapi.json` documents exactly the API routes the
//! gate's table lists (a route missing from the table is refused for everyone, so every
//! working route is there), each documented operation is served by the real router,
//! and `/api/docs` shows them all.

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use std::collections::BTreeSet;
use tower::ServiceExt;

async fn get(router: &Router, uri: &str) -> (StatusCode, String) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn document(router: &Router) -> Value {
    let (status, body) = get(router, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// `(METHOD, path)` of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                found.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

/// The API routes of the gate's table: `/health` and `/api/v1/…`, but not the
/// catch-all for unknown endpoints nor the document itself.
fn routed() -> BTreeSet<(String, String)> {
    server::api::ROUTES
        .iter()
        .filter(|(method, path, _)| {
            *method != "*"
                && (*path == "/health" || path.starts_with("/api/v1/"))
                && *path != "/api/v1/openapi.json"
        })
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_document_covers_every_api_route_and_only_those(pool: PgPool) {
    let doc = document(&support::full_router(&pool)).await;
    if let Ok(path) = std::env::var("OPENAPI_DUMP") {
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let documented = operations(&doc);
    let routed = routed();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );
    assert!(documented.len() >= 10, "{documented:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_documented_operation_is_served(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let item_id: i64 = sqlx::query_scalar("SELECT min(id) FROM checklist_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    let router = support::as_editor(&pool).await;
    let approver: String = sqlx::query_scalar("SELECT email FROM users ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let slots = [app::domain::review::ApproverSlot {
        role: "SRE".into(),
        email: approver,
    }];
    let review_id = app::data::reviews::open(
        &pool,
        "payments-api",
        "Launch",
        &slots,
        "test",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let doc = document(&router).await;
    for (method, path) in operations(&doc) {
        let id = if path.contains("/reviews/") {
            review_id
        } else {
            item_id
        };
        let uri = path
            .replace("{slug}", "payments-api")
            .replace("{id}", &id.to_string());
        let body = match method.as_str() {
            "PATCH" => r#"{"status": "done"}"#,
            "POST" => "# Svc\n\n## Security\n\n- [ ] TLS everywhere\n",
            _ => "",
        };
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(format!(
                "{uri}{}",
                if method == "POST" {
                    "?dry_run=true"
                } else {
                    ""
                }
            ))
            .header(
                "content-type",
                if method == "POST" {
                    "text/markdown"
                } else {
                    "application/json"
                },
            )
            .body(Body::from(body))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let documented = doc["paths"][&path][method.to_lowercase()]["responses"]
            .as_object()
            .unwrap();
        assert!(status.is_success(), "{method} {uri}: {status}");
        assert!(
            documented.contains_key(status.as_str()),
            "{method} {uri} answered {status}, which its document does not list"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn every_operation_documents_its_errors_and_security(pool: PgPool) {
    let doc = document(&support::full_router(&pool)).await;
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for (method, path) in operations(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let responses = op["responses"].as_object().unwrap();
        for status in ["500", "503", "504"] {
            assert!(
                responses.contains_key(status),
                "{method} {path} lacks {status}"
            );
        }
        if path != "/health" {
            assert!(responses.contains_key("401"), "{method} {path} lacks 401");
        }
        if path.contains("{slug}") {
            assert!(responses.contains_key("404"), "{method} {path} lacks 404");
        }
        assert!(
            path == "/health" || responses["503"]["headers"].get("Retry-After").is_some(),
            "{method} {path}: 503 without Retry-After"
        );
    }
    for status in ["409", "422"] {
        let patch = &doc["paths"]["/api/v1/services/{slug}/items/{id}"]["patch"];
        assert_eq!(
            patch["responses"][status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_reference_page_shows_every_operation_without_scripts(pool: PgPool) {
    let router = support::full_router(&pool);
    let doc = document(&router).await;
    let (status, page) = get(&router, "/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script"), "the reference page has a script");
    assert!(
        !page.contains("https://"),
        "the reference page loads something from elsewhere"
    );
    for (_, path) in operations(&doc) {
        assert!(page.contains(&path), "{path} is not on the reference page");
    }
    assert!(page.contains("id=\"schema-ServiceDocument\""));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_method_a_route_does_not_take_answers_405(pool: PgPool) {
    let router = support::full_router(&pool);
    let request = Request::delete("/api/v1/services/payments-api")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET");
}
