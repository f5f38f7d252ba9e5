//! Users the server makes itself: the first admin from the environment, and the demo
//! users that come with the demo services.

use crate::config::Config;
use app::auth::passwords;
use app::data::users;
use app::error::AppError;
use app::model::Role;
use sqlx::PgPool;

/// One demo user per role; the README lists them. Created only with the demo on: with
/// the demo services, or into a database without users (see `main`); a real
/// installation runs with `PREFLIGHT_DEMO=0` and never gets them.
pub const DEMO_USERS: [(&str, Role, &str); 3] = [
    ("viewer@preflight.demo", Role::Viewer, "preflight-viewer"),
    ("editor@preflight.demo", Role::Editor, "preflight-editor"),
    ("admin@preflight.demo", Role::Admin, "preflight-admin"),
];

/// Creates the admin named by `PREFLIGHT_ADMIN_EMAIL`/`PREFLIGHT_ADMIN_PASSWORD` when
/// there is no user yet; without them, says how to make one.
pub async fn ensure_first_admin(pool: &PgPool, config: &Config) -> Result<(), AppError> {
    if users::count(pool).await? > 0 {
        return Ok(());
    }
    let Some((email, password)) = &config.first_admin else {
        tracing::warn!(
            "no user can sign in yet: set PREFLIGHT_ADMIN_EMAIL and PREFLIGHT_ADMIN_PASSWORD, \
             or run `server user add EMAIL --role admin` (password on stdin)"
        );
        return Ok(());
    };
    create(pool, email, Role::Admin, password, "system").await?;
    tracing::info!("created the first admin, {email}");
    Ok(())
}

pub async fn create_demo_users(pool: &PgPool) -> Result<(), AppError> {
    for (email, role, password) in DEMO_USERS {
        if users::find_by_email(pool, email).await?.is_none() {
            create(pool, email, role, password, "demo").await?;
        }
    }
    Ok(())
}

/// Checks and hashes the password, then stores the user.
pub async fn create(
    pool: &PgPool,
    email: &str,
    role: Role,
    password: &str,
    actor: &str,
) -> Result<i64, AppError> {
    let email =
        app::domain::access::normalize_email(email).map_err(|m| AppError::invalid("email", m))?;
    app::domain::access::check_password(password).map_err(|m| AppError::invalid("password", m))?;
    let hash = passwords::hash(password.to_string()).await?;
    users::create(pool, &email, role, &hash, actor).await
}
