//! What operators read off a running instance: `/metrics` counts requests by route
//! template and status, the pool, live clients and sign-in failures; every response
//! carries an `x-request-id`; `server migrate` applies migrations once, and an
//! instance told not to migrate refuses a database that is behind.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sqlx::PgPool;
use std::process::Command;
use tower::ServiceExt;

async fn get(router: &axum::Router, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The value of the sample whose line starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[sqlx::test(migrations = "../migrations")]
async fn metrics_count_requests_by_route_template_and_status(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::as_editor(&pool).await;
    for _ in 0..3 {
        let (status, _, _) = get(&router, "/api/v1/services/payments-api").await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = get(&router, "/api/v1/services/no-such-service").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    get(&router, "/pkg/nothing-here.js").await;

    let (status, headers, text) = get(&router, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let route = r#"route="/api/v1/services/{slug}""#;
    assert_eq!(
        sample(
            &text,
            &format!(r#"preflight_http_requests_total{{method="GET",{route},status="200"}}"#)
        ),
        Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!(r#"preflight_http_requests_total{{method="GET",{route},status="404"}}"#)
        ),
        Some(1.0)
    );
    // Unmatched paths share one label value, however many there are.
    assert!(text.contains(r#"route="(static or unknown)""#));
    assert_eq!(
        sample(
            &text,
            &format!(r#"preflight_http_request_duration_seconds_count{{method="GET",{route}}}"#)
        ),
        Some(4.0)
    );
    for gauge in [
        "preflight_db_pool_max_connections",
        "preflight_db_pool_connections",
        "preflight_db_pool_in_use",
        "preflight_db_pool_idle",
        "preflight_db_pool_waiting",
        "preflight_live_clients",
        "preflight_live_notifications_received_total",
        "preflight_sign_in_failures_total",
    ] {
        assert!(
            sample(&text, &format!("{gauge} ")).is_some(),
            "{gauge} in {text}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_failures_are_counted(pool: PgPool) {
    let router = support::full_router(&pool);
    let email = support::user(&pool, app::model::Role::Viewer).await;
    let refused = support::sign_in(&router, &email, "not the password").await;
    assert!(refused.is_err());
    let (_, _, text) = get(&router, "/metrics").await;
    assert_eq!(
        sample(&text, "preflight_sign_in_failures_total "),
        Some(1.0)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_a_request_id(pool: PgPool) {
    let router = support::full_router(&pool);
    let (_, first, _) = get(&router, "/health").await;
    let (_, second, _) = get(&router, "/api/v1/services").await;
    let id = |h: &axum::http::HeaderMap| h["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id(&first).len(), 36, "a UUID");
    assert_ne!(id(&first), id(&second));
    // One set by a proxy in front is kept, so the two logs can be joined.
    let response = router
        .clone()
        .oneshot(
            Request::get("/livez")
                .header("x-request-id", "from-the-proxy-1")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "from-the-proxy-1");
}

async fn fresh_database(pool: &PgPool, suffix: &str) -> String {
    // Lower case: test databases' names are mixed case, which SQL would fold.
    let fresh = format!("preflight_{suffix}_{}", std::process::id());
    let base = std::env::var("DATABASE_URL").unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {fresh}"))
        .execute(pool)
        .await
        .unwrap();
    format!("{server}/{fresh}")
}

fn server(url: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[sqlx::test(migrations = false)]
async fn migrations_run_once_as_their_own_command(pool: PgPool) {
    let url = fresh_database(&pool, "migrate").await;
    let no_migrate = [("PREFLIGHT_MIGRATE", "0")];
    // Told not to migrate, commands refuse a database that is behind, naming the fix.
    let (ok, _, err) = server(&url, &["token", "revoke", "a@b.c", "x"], &no_migrate);
    assert!(!ok);
    assert!(err.contains("server migrate"), "{err}");

    let (ok, out, err) = server(&url, &["migrate"], &no_migrate);
    assert!(ok, "{err}");
    assert!(out.trim().starts_with("applied "), "{out}");
    let (ok, out, _) = server(&url, &["migrate"], &no_migrate);
    assert!(ok);
    assert_eq!(out.trim(), "the database is up to date");

    // Now the command gets as far as the missing user.
    let (ok, _, err) = server(&url, &["token", "revoke", "a@b.c", "x"], &no_migrate);
    assert!(!ok);
    assert!(!err.contains("server migrate"), "{err}");
    let (_, db) = url.rsplit_once('/').unwrap();
    sqlx::query(&format!("DROP DATABASE {db} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
}

#[test]
fn a_malformed_setting_stops_the_server_with_its_name() {
    let (ok, _, err) = server(
        "postgres://postgres@127.0.0.1:5432/unused",
        &[],
        &[("PREFLIGHT_DB_POOL_SIZE", "lots")],
    );
    assert!(!ok);
    assert!(err.contains("PREFLIGHT_DB_POOL_SIZE"), "{err}");
}
