//! `POST /api/v1/import` and `GET /api/v1/services/{slug}/export` through the real
//! router, against a real database.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use std::path::PathBuf;
use tower::ServiceExt;

/// The readiness documents in `../shared/seeds/` beside the project (or
/// `PREFLIGHT_SEEDS_DIR`).
fn seed(name: &str) -> String {
    let dir = std::env::var_os("PREFLIGHT_SEEDS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|a| a.join("shared/seeds"))
                .find(|d| d.is_dir())
        })
        .unwrap_or_else(|| PathBuf::from("/work/shared/seeds"));
    std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("seed {name} not found in {}: {e}", dir.display()))
}

async fn send(pool: &PgPool, request: Request<Body>) -> (StatusCode, Vec<u8>, Option<String>) {
    let router = support::as_editor(pool).await;
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec(), content_type)
}

async fn post(pool: &PgPool, uri: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "text/markdown")
        .body(body.into())
        .unwrap();
    let (status, bytes, _) = send(pool, request).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get(pool: &PgPool, uri: &str) -> (StatusCode, String, Option<String>) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let (status, bytes, content_type) = send(pool, request).await;
    (status, String::from_utf8(bytes).unwrap(), content_type)
}

async fn service_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM services")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn items_of(document: &Value) -> Vec<&Value> {
    document["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dry_run_previews_without_storing(pool: PgPool) {
    let (status, preview) = post(
        &pool,
        "/api/v1/import?dry_run=true",
        seed("003_a239adf45a15ab56.txt"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let items = items_of(&preview["draft"]);
    assert_eq!(items.len(), 53);
    assert_eq!(items.iter().filter(|i| i["status"] == "done").count(), 23);
    assert_eq!(preview["repaired_mojibake"], true);
    assert!(!preview["skipped"].as_array().unwrap().is_empty());
    assert_eq!(service_count(&pool).await, 0, "a dry run stores nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_import_creates_the_service_once_per_call(pool: PgPool) {
    let (status, created) = post(&pool, "/api/v1/import", seed("003_a239adf45a15ab56.txt")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let slug = created["slug"].as_str().unwrap().to_string();

    let (status, body, _) = get(&pool, &format!("/api/v1/services/{slug}")).await;
    assert_eq!(status, StatusCode::OK);
    let document: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(items_of(&document).len(), 53);
    let costs: Vec<i64> = document["phases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["monthly_cost_change_cents"].as_i64())
        .collect();
    assert_eq!(costs, [1500, 2500, 3000]);

    // The same document again is a second service, not an error.
    let (status, again) = post(&pool, "/api/v1/import", seed("003_a239adf45a15ab56.txt")).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["slug"], format!("{slug}-2"));
    assert_eq!(service_count(&pool).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn every_seed_imports(pool: PgPool) {
    for name in [
        "000_d9c7a7575d312f74.txt",
        "001_3c074746bfcd48be.txt",
        "002_60c054425d1c089a.txt",
        "003_a239adf45a15ab56.txt",
    ] {
        let (status, created) = post(&pool, "/api/v1/import", seed(name)).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {created}");
    }
    assert_eq!(service_count(&pool).await, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn unusable_documents_get_422_and_store_nothing(pool: PgPool) {
    let nul_laden: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    let cases: Vec<(&str, Body)> = vec![
        ("empty", Body::from("")),
        ("blank", Body::from("   \n\n  \n")),
        ("not text", Body::from(vec![0xff, 0xfe, 0xfd, 0x00, 0x41])),
        ("binary", Body::from(nul_laden)),
        (
            "nothing recognisable",
            Body::from("just a sentence with no structure at all"),
        ),
        ("too large", Body::from(vec![b'a'; 1024 * 1024 + 1])),
    ];
    for (what, body) in cases {
        let (status, answer) = post(&pool, "/api/v1/import", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {answer}");
        assert!(
            answer["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {answer}"
        );
    }
    let (status, answer) = post(&pool, "/api/v1/import?dry_run=perhaps", "# T\n- [ ] a").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["field"], "dry_run");
    assert_eq!(service_count(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn services_export_in_three_formats(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let base = "/api/v1/services/payments-api/export";

    let (status, markdown, content_type) = get(&pool, base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/markdown"));
    assert!(markdown.starts_with("# Payments API"), "{markdown}");
    assert!(markdown.contains("- [x] "));

    // The exported document imports back with the same checklist.
    let (_, original, _) = get(&pool, "/api/v1/services/payments-api").await;
    let original: Value = serde_json::from_str(&original).unwrap();
    let (status, preview) = post(&pool, "/api/v1/import?dry_run=true", markdown).await;
    assert_eq!(status, StatusCode::OK);
    let titles = |items: Vec<&Value>| -> Vec<(String, String)> {
        items
            .iter()
            .map(|i| (i["title"].to_string(), i["status"].to_string()))
            .collect()
    };
    assert_eq!(
        titles(items_of(&preview["draft"])),
        titles(items_of(&original))
    );

    let (status, json, content_type) = get(&pool, &format!("{base}?format=json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["slug"], "payments-api");

    let (status, csv, content_type) = get(&pool, &format!("{base}?format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/csv"));
    assert_eq!(
        csv.lines().count(),
        items_of(&original).len() + 1,
        "header + items"
    );

    let (status, _, _) = get(&pool, &format!("{base}?format=pdf")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _, _) = get(&pool, "/api/v1/services/nope/export").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Refusals made before the handler (the body limit, a method the route does not take) answer
/// JSON like every other API error.
#[sqlx::test(migrations = "../migrations")]
async fn refusals_before_the_handler_answer_json(pool: PgPool) {
    let (status, answer) = post(&pool, "/api/v1/import", vec![b'a'; 3 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        answer["error"].as_str().is_some_and(|m| !m.is_empty()),
        "{answer}"
    );
    let request = Request::delete("/api/v1/services")
        .body(Body::empty())
        .unwrap();
    let (status, bytes, content_type) = send(&pool, request).await;
    // The route takes GET only: 405, as JSON, naming what it takes (and the handler
    // never runs, whoever asks).
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(content_type.unwrap().starts_with("application/json"));
    let answer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(answer["error"], "this route takes GET");
}
