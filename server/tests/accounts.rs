//! Sessions, sign-in throttling, roles and API tokens through the real router against a
//! real PostgreSQL (a fresh database per test).

mod support;

use app::data::users;
use app::model::{Role, TokenScope};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use sqlx::PgPool;
use tower::ServiceExt;

async fn call(router: &Router, method: Method, uri: &str, body: &str) -> axum::response::Response {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    router.clone().oneshot(request).await.unwrap()
}

async fn open_item(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN services s ON s.id = i.service_id
         WHERE s.slug = 'payments-api' AND i.status = 'todo' ORDER BY i.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn tick_uri(id: i64) -> String {
    format!("/api/v1/services/payments-api/items/{id}")
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_in_changes_the_session_and_sign_out_ends_it(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::full_router(&pool);
    let email = support::user(&pool, Role::Viewer).await;
    let first = support::sign_in(&router, &email, support::PASSWORD)
        .await
        .unwrap();
    let as_first = support::with_cookie(support::full_router(&pool), &first);
    assert_eq!(
        call(&as_first, Method::GET, "/", "").await.status(),
        StatusCode::OK
    );

    // Signing in again over that session gives a new id and ends the old one.
    let second = support::sign_in(&as_first, &email, support::PASSWORD)
        .await
        .unwrap();
    assert_ne!(first, second);
    assert_eq!(
        call(&as_first, Method::GET, "/", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let as_second = support::with_cookie(support::full_router(&pool), &second);
    assert_eq!(
        call(&as_second, Method::GET, "/", "").await.status(),
        StatusCode::OK
    );

    // Kept in PostgreSQL, idle for at most eight hours.
    let expiry: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT max(expiry_date) FROM tower_sessions.session")
            .fetch_one(&pool)
            .await
            .unwrap();
    let hours = (expiry - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((7.9..=8.0).contains(&hours), "{hours} hours");

    assert_eq!(
        call(&as_second, Method::POST, "/logout", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        call(&as_second, Method::GET, "/", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(actions.iter().filter(|a| *a == "sign_in").count(), 2);
    assert!(actions.contains(&"sign_out".to_string()));
}

#[sqlx::test(migrations = "../migrations")]
async fn role_changes_and_disabling_apply_at_the_next_request(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let email = support::user(&pool, Role::Viewer).await;
    let id = users::find_by_email(&pool, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let cookie = support::sign_in(&support::full_router(&pool), &email, support::PASSWORD)
        .await
        .unwrap();
    let router = support::with_cookie(support::full_router(&pool), &cookie);
    let item = open_item(&pool).await;
    let uri = tick_uri(item);
    let tick = || call(&router, Method::PATCH, &uri, r#"{"status":"done"}"#);
    assert_eq!(tick().await.status(), StatusCode::FORBIDDEN);

    users::set_role(&pool, id, Role::Editor, "test")
        .await
        .unwrap();
    assert_eq!(tick().await.status(), StatusCode::OK);

    users::set_disabled(&pool, id, true, "test").await.unwrap();
    assert_eq!(tick().await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        call(&router, Method::GET, "/", "").await.status(),
        StatusCode::SEE_OTHER
    );
    // A disabled user cannot sign in again either.
    assert!(
        support::sign_in(&support::full_router(&pool), &email, support::PASSWORD)
            .await
            .is_err()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_password_ends_every_session(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let email = support::user(&pool, Role::Editor).await;
    let id = users::find_by_email(&pool, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let cookie = support::sign_in(&support::full_router(&pool), &email, support::PASSWORD)
        .await
        .unwrap();
    let router = support::with_cookie(support::full_router(&pool), &cookie);
    assert_eq!(
        call(&router, Method::GET, "/", "").await.status(),
        StatusCode::OK
    );
    let hash = app::auth::passwords::hash("another password 456".into())
        .await
        .unwrap();
    users::set_password(&pool, id, &hash, "test").await.unwrap();
    assert_eq!(
        call(&router, Method::GET, "/", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        support::sign_in(&support::full_router(&pool), &email, "another password 456")
            .await
            .is_ok()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_are_throttled(pool: PgPool) {
    let router = support::full_router(&pool);
    let email = support::user(&pool, Role::Editor).await;
    for _ in 0..5 {
        let refused = support::sign_in(&router, &email, "wrong password!")
            .await
            .unwrap_err();
        assert_eq!(refused, (303, "/login?error=invalid&next=%2F".to_string()));
    }
    // The right password now waits too; the answer says nothing about which was wrong.
    let body =
        serde_urlencoded::to_string([("email", email.as_str()), ("password", support::PASSWORD)])
            .unwrap();
    let response = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
    // An unknown account is refused the same way as a wrong password.
    let unknown = support::sign_in(&router, "nobody@tests.example", "whatever password").await;
    assert_eq!(
        unknown,
        Err((303, "/login?error=invalid&next=%2F".to_string()))
    );
    let failed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'sign_in.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failed, 6);
}

#[sqlx::test(migrations = "../migrations")]
async fn tokens_are_stored_hashed_and_stop_at_expiry_or_revocation(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let secret = support::token(&pool, Role::Editor, TokenScope::Write).await;
    let (hash, prefix): (String, String) =
        sqlx::query_as("SELECT token_hash, prefix FROM api_tokens ORDER BY id DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(hash, app::auth::tokens::hash(&secret));
    assert!(!hash.contains(&secret[3..]));
    assert_eq!(prefix, &secret[..10]);
    let stored_anywhere: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_tokens WHERE token_hash = $1 OR prefix = $1 OR name = $1",
    )
    .bind(&secret)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored_anywhere, 0);

    let router = support::with_token(support::full_router(&pool), &secret);
    let item = open_item(&pool).await;
    let tick = |status: &'static str| {
        let router = router.clone();
        async move {
            call(
                &router,
                Method::PATCH,
                &tick_uri(item),
                &format!(r#"{{"status":"{status}"}}"#),
            )
            .await
            .status()
        }
    };
    assert_eq!(tick("done").await, StatusCode::OK);
    let used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT last_used_at FROM api_tokens WHERE token_hash = $1")
            .bind(&hash)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(used.is_some());

    sqlx::query(
        "UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1",
    )
    .bind(&hash)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(tick("todo").await, StatusCode::UNAUTHORIZED);

    // A read token cannot write; a revoked one cannot do anything.
    let reader = support::token(&pool, Role::Editor, TokenScope::Read).await;
    let as_reader = support::with_token(support::full_router(&pool), &reader);
    let response = call(
        &as_reader,
        Method::PATCH,
        &tick_uri(item),
        r#"{"status":"todo"}"#,
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        call(&as_reader, Method::GET, "/api/v1/services", "")
            .await
            .status(),
        StatusCode::OK
    );
    let name: String = sqlx::query_scalar("SELECT name FROM api_tokens ORDER BY id DESC LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let owner = users::find_by_email(&pool, "editor@tests.example")
        .await
        .unwrap()
        .unwrap();
    app::data::tokens::revoke(&pool, owner.id, &name, "test")
        .await
        .unwrap();
    assert_eq!(
        call(&as_reader, Method::GET, "/api/v1/services", "")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // A malformed token is refused, not ignored.
    let bogus = support::with_token(support::full_router(&pool), "pf_nonsense");
    assert_eq!(
        call(&bogus, Method::GET, "/api/v1/services", "")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_last_admin_stays_an_admin(pool: PgPool) {
    let email = support::user(&pool, Role::Admin).await;
    let id = users::find_by_email(&pool, &email)
        .await
        .unwrap()
        .unwrap()
        .id;
    let refused = users::set_role(&pool, id, Role::Editor, "test")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("last admin"), "{refused}");
    assert!(users::set_disabled(&pool, id, true, "test").await.is_err());
    let other = support::user(&pool, Role::Editor).await;
    let other_id = users::find_by_email(&pool, &other)
        .await
        .unwrap()
        .unwrap()
        .id;
    users::set_role(&pool, other_id, Role::Admin, "test")
        .await
        .unwrap();
    users::set_role(&pool, id, Role::Editor, "test")
        .await
        .unwrap();
    let duplicate = server::accounts::create(
        &pool,
        &other.to_uppercase(),
        Role::Viewer,
        support::PASSWORD,
        "test",
    )
    .await;
    assert!(
        duplicate
            .unwrap_err()
            .to_string()
            .contains("already has an account")
    );
}
