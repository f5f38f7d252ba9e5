//! What the server tests share: the router exactly as served, and callers of each
//! role (a user with an API token, sent as `Authorization: Bearer` on every request).
#![allow(dead_code)]

use app::model::{Role, TokenScope};
use app::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;

/// The whole router as `main` serves it.
pub fn full_router(pool: &PgPool) -> Router {
    let options = LeptosOptions::builder().output_name("preflight").build();
    server::startup::router(
        AppState::new(options, pool.clone()),
        Default::default(),
        Default::default(),
    )
}

/// A user of `role` (made when missing) and a new token of `scope` for them.
pub async fn token(pool: &PgPool, role: Role, scope: TokenScope) -> String {
    let email = format!("{role}@tests.example");
    let user = match app::data::users::find_by_email(pool, &email).await.unwrap() {
        Some(user) => user.id,
        None => server::accounts::create(pool, &email, role, PASSWORD, "test")
            .await
            .unwrap(),
    };
    let name = format!("test-{}", uuid_ish());
    app::server_fns::accounts::issue_token(pool, user, &name, scope, None, "test")
        .await
        .unwrap()
        .secret
}

fn uuid_ish() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// `router` with every request sent with `token`.
pub fn with_token(router: Router, token: &str) -> Router {
    let value = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    router.layer(axum::middleware::map_request(
        move |mut request: Request| {
            let value = value.clone();
            async move {
                request.headers_mut().insert(header::AUTHORIZATION, value);
                request
            }
        },
    ))
}

/// The served router, acting as an editor with a write token.
pub async fn as_editor(pool: &PgPool) -> Router {
    let token = token(pool, Role::Editor, TokenScope::Write).await;
    with_token(full_router(pool), &token)
}

/// How the event log names the editor's tokens: `token NAME (email)`.
pub fn is_editor_token_actor(actor: &str) -> bool {
    actor.starts_with("token test-") && actor.ends_with("(editor@tests.example)")
}

/// Signs in through `POST /login` as a browser would; returns the `Cookie` header
/// value of the new session, or `None` with the redirect target when refused.
pub async fn sign_in(
    router: &Router,
    email: &str,
    password: &str,
) -> Result<String, (u16, String)> {
    use tower::ServiceExt;
    let body =
        serde_urlencoded::to_string([("email", email), ("password", password), ("next", "/")])
            .unwrap();
    let request = axum::http::Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    match response.headers().get(header::SET_COOKIE) {
        Some(cookie) if status == 303 && location == "/" => Ok(cookie
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()),
        _ => Err((status, location)),
    }
}

/// `router` with every request sent with the session cookie.
pub fn with_cookie(router: Router, cookie: &str) -> Router {
    let value = HeaderValue::from_str(cookie).unwrap();
    router.layer(axum::middleware::map_request(
        move |mut request: Request| {
            let value = value.clone();
            async move {
                request.headers_mut().insert(header::COOKIE, value);
                request
            }
        },
    ))
}

pub const PASSWORD: &str = "test password 123";

/// A user of `role` with [`PASSWORD`], made when missing; returns the email.
pub async fn user(pool: &PgPool, role: Role) -> String {
    let email = format!("{role}@tests.example");
    if app::data::users::find_by_email(pool, &email)
        .await
        .unwrap()
        .is_none()
    {
        server::accounts::create(pool, &email, role, PASSWORD, "test")
            .await
            .unwrap();
    }
    email
}
