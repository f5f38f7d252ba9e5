//! The permission walk: every registered server function and every API route, called
//! anonymously, as a viewer (signed in, and with a token) and as an editor. Which calls
//! are reads is written here, apart from the server's own table, so a new write that
//! is marked as a read, or has no rule at all, fails this test.

mod support;

use app::model::{Role, TokenScope};
use app::server_fns::accounts::{CreateToken, ListTokens, RevokeToken, SignOutEverywhere};
use app::server_fns::history::{GetBurnup, GetHistoryPage};
use app::server_fns::notifications::{
    GetNotificationSettings, ListNotifications, MarkNotificationsRead, SetNotificationPreference,
    UnreadNotifications,
};
use app::server_fns::portfolio::GetPortfolio;
use app::server_fns::reviews::{DecideReview, GetReview, ListReviews};
use app::server_fns::{GetService, ListServices};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use leptos::server_fn::ServerFn;
use sqlx::PgPool;
use tower::ServiceExt;

/// What anyone signed in may call: reading services, and one's own bell.
const READS: [&str; 9] = [
    UnreadNotifications::PATH,
    ListNotifications::PATH,
    ListReviews::PATH,
    GetReview::PATH,
    ListServices::PATH,
    GetService::PATH,
    GetPortfolio::PATH,
    GetHistoryPage::PATH,
    GetBurnup::PATH,
];
/// What any signed-in user (not a token) may call: their own tokens and sessions.
// Any signed-in user, never a token: one's own tokens and sessions, and a decision
// one was named to make (the data layer refuses anyone not named), and one's own
// notifications and their settings.
const OWN: [&str; 8] = [
    MarkNotificationsRead::PATH,
    GetNotificationSettings::PATH,
    SetNotificationPreference::PATH,
    DecideReview::PATH,
    ListTokens::PATH,
    CreateToken::PATH,
    RevokeToken::PATH,
    SignOutEverywhere::PATH,
];

async fn status(router: &Router, method: &Method, uri: &str) -> StatusCode {
    let request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap();
    router.clone().oneshot(request).await.unwrap().status()
}

fn refused(status: StatusCode) -> bool {
    status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN
}

#[sqlx::test(migrations = "../migrations")]
async fn every_server_function_and_route_is_checked(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let anonymous = support::full_router(&pool);
    let viewer_email = support::user(&pool, Role::Viewer).await;
    let editor_email = support::user(&pool, Role::Editor).await;
    let viewer_session = support::sign_in(&anonymous, &viewer_email, support::PASSWORD)
        .await
        .unwrap();
    let editor_session = support::sign_in(&anonymous, &editor_email, support::PASSWORD)
        .await
        .unwrap();
    let viewer = support::with_cookie(support::full_router(&pool), &viewer_session);
    let editor = support::with_cookie(support::full_router(&pool), &editor_session);
    let read_token = support::token(&pool, Role::Editor, TokenScope::Read).await;
    let reader = support::with_token(support::full_router(&pool), &read_token);

    let mut functions: Vec<(&str, Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    // Last, since it ends the viewer's session.
    functions.sort_by_key(|(path, _)| *path == SignOutEverywhere::PATH);
    assert!(
        functions.len() >= 40,
        "only {} server functions registered",
        functions.len()
    );
    for (path, method) in &functions {
        assert!(
            app::server_fns::needs::server_fn_need(path).is_some(),
            "{path} has no rule in server_fns::needs"
        );
        assert_eq!(
            status(&anonymous, method, path).await,
            StatusCode::UNAUTHORIZED,
            "anonymous {path}"
        );
        let as_viewer = status(&viewer, method, path).await;
        let as_reader = status(&reader, method, path).await;
        // Arguments that do not decode are the caller's mistake (server_fn_status.rs).
        assert_ne!(
            as_viewer,
            StatusCode::INTERNAL_SERVER_ERROR,
            "viewer {path}"
        );
        if READS.contains(path) {
            assert!(!refused(as_viewer), "viewer refused {path}: {as_viewer}");
            assert!(
                !refused(as_reader),
                "read token refused {path}: {as_reader}"
            );
        } else if OWN.contains(path) {
            assert!(!refused(as_viewer), "viewer refused {path}: {as_viewer}");
            assert_eq!(as_reader, StatusCode::FORBIDDEN, "token {path}");
        } else {
            assert_eq!(as_viewer, StatusCode::FORBIDDEN, "viewer {path}");
            assert_eq!(as_reader, StatusCode::FORBIDDEN, "read token {path}");
            let as_editor = status(&editor, method, path).await;
            let admin_only = path.contains("user")
                || path.contains("password")
                || path.contains("audit")
                || path.contains("test_clock");
            assert_eq!(
                as_editor == StatusCode::FORBIDDEN,
                admin_only,
                "editor {path}: {as_editor}"
            );
        }
    }

    // The JSON API, with its table's paths filled in.
    let writes = [
        (Method::PATCH, "/api/v1/services/{slug}/items/{id}"),
        (Method::POST, "/api/v1/import"),
    ];
    let viewer_token = support::token(&pool, Role::Viewer, TokenScope::Write).await;
    let viewer_api = support::with_token(support::full_router(&pool), &viewer_token);
    for (method, route, need) in server::api::ROUTES {
        if *need == app::model::Need::Public {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let open = status(&anonymous, &method, route).await;
            assert!(!open.is_client_error(), "{route} is public: {open}");
            continue;
        }
        let method = if *method == "*" {
            Method::GET
        } else {
            Method::from_bytes(method.as_bytes()).unwrap()
        };
        let uri = route
            .replace("{slug}", "payments-api")
            .replace("{id}", "1")
            .replace("{*rest}", "no-such-endpoint");
        assert_eq!(
            status(&anonymous, &method, &uri).await,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {route}"
        );
        let as_viewer = status(&viewer_api, &method, &uri).await;
        if writes.iter().any(|(m, r)| *m == method && r == route) {
            assert_eq!(as_viewer, StatusCode::FORBIDDEN, "viewer {method} {route}");
            assert_eq!(
                status(&reader, &method, &uri).await,
                StatusCode::FORBIDDEN,
                "read token {method} {route}"
            );
        } else {
            assert!(
                method == Method::GET,
                "{method} {route} is a write this test does not know"
            );
            assert!(!refused(as_viewer), "viewer refused {route}: {as_viewer}");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn anonymous_pages_go_to_sign_in(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let router = support::full_router(&pool);
    let response = router
        .clone()
        .oneshot(
            Request::get("/services/payments-api?status=done")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Fservices%2Fpayments-api%3Fstatus%3Ddone"
    );
    assert_eq!(
        status(&router, &Method::GET, "/login").await,
        StatusCode::OK
    );
    // Static files need no account.
    assert_ne!(
        status(&router, &Method::GET, "/favicon.svg").await,
        StatusCode::SEE_OTHER
    );
}
