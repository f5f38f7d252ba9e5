//! The operator commands, run as the real binary against a real database: `user add`
//! reads the password from stdin, `token add` prints the token alone on the last line,
//! `token revoke` stops it. None of them starts the web server.

mod support;

use app::model::Role;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::PgPool;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use tower::ServiceExt;

async fn database_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let base = std::env::var("DATABASE_URL").unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

fn run(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn operators_add_users_and_tokens_from_the_command_line(pool: PgPool) {
    server::demo::load_if_empty(&pool).await.unwrap();
    let url = database_url(&pool).await;

    let added = run(
        &url,
        &["user", "add", "Ops@Example.com", "--role", "editor"],
        "a long cli password\n",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let user = app::data::users::find_by_email(&pool, "ops@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, Role::Editor);
    let stored = Some(user.password_hash.clone());
    assert!(
        app::auth::passwords::verify("a long cli password".into(), stored)
            .await
            .unwrap()
    );

    let short = run(
        &url,
        &["user", "add", "x@example.com", "--role", "viewer"],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("password: must be at least 12"));
    let usage = run(
        &url,
        &["user", "add", "x@example.com", "--role", "boss"],
        "",
    );
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("unknown role"));

    let minted = run(
        &url,
        &[
            "token",
            "add",
            "ops@example.com",
            "deploy",
            "--scope",
            "write",
            "--expires-days",
            "30",
        ],
        "",
    );
    assert!(
        minted.status.success(),
        "{}",
        String::from_utf8_lossy(&minted.stderr)
    );
    let stdout = String::from_utf8(minted.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_string();
    assert!(app::domain::access::looks_like_token(&token), "{stdout}");

    let router = support::with_token(support::full_router(&pool), &token);
    let ask = || async {
        router
            .clone()
            .oneshot(
                Request::get("/api/v1/services")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap()
            .status()
    };
    assert_eq!(ask().await, StatusCode::OK);

    let revoked = run(&url, &["token", "revoke", "ops@example.com", "deploy"], "");
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert_eq!(ask().await, StatusCode::UNAUTHORIZED);
    let again = run(&url, &["token", "revoke", "ops@example.com", "deploy"], "");
    assert_eq!(again.status.code(), Some(1));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_admin_comes_from_the_environment(pool: PgPool) {
    let mut config = server::config::Config::from_env().unwrap();
    config.first_admin = Some(("Boss@Example.com".into(), "first admin password".into()));
    server::accounts::ensure_first_admin(&pool, &config)
        .await
        .unwrap();
    let boss = app::data::users::find_by_email(&pool, "boss@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(boss.role, Role::Admin);
    // Only while there is no user: a second start changes nothing.
    config.first_admin = Some(("other@example.com".into(), "another admin password".into()));
    server::accounts::ensure_first_admin(&pool, &config)
        .await
        .unwrap();
    assert!(
        app::data::users::find_by_email(&pool, "other@example.com")
            .await
            .unwrap()
            .is_none()
    );
}
