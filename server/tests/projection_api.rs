//! `GET /api/v1/services/{slug}/projection` through the real router.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::PgPool;
use tower::ServiceExt;

async fn get(pool: &PgPool, uri: &str) -> (StatusCode, Value) {
    let router = support::as_editor(pool).await;
    let response = router
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn projection_answers_month_by_month(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let (status, body) = get(&pool, "/api/v1/services/payments-api/projection?months=24").await;
    assert_eq!(status, StatusCode::OK);
    let months = body["months"].as_array().unwrap();
    assert_eq!(months.len(), 24);
    let first = &months[0];
    assert_eq!(first["month"].as_str().unwrap().len(), 7, "YYYY-MM");
    let by_category: i64 = first["by_category"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(by_category, first["total_cents"].as_i64().unwrap());
    assert_eq!(body["now_cents"], 30883);

    let (status, body) = get(&pool, "/api/v1/services/payments-api/projection").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["months"].as_array().unwrap().len(), 12);
}

#[sqlx::test(migrations = "../migrations")]
async fn projection_refuses_bad_horizons(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    for months in ["0", "37", "x", "-1", ""] {
        let (status, body) = get(
            &pool,
            &format!("/api/v1/services/payments-api/projection?months={months}"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{months}");
        assert_eq!(body["field"], "months");
    }
    let (status, _) = get(&pool, "/api/v1/services/nope/projection").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
