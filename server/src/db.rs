//! Connection pool, database creation and migrations.

use crate::config::DatabaseSettings;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Creates the database when it does not exist, connects, and runs the migrations.
pub async fn connect_and_migrate(database_url: &str) -> Result<PgPool, sqlx::Error> {
    let pool = connect(database_url, DatabaseSettings::default()).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Creates the database when it does not exist and connects. Every connection gets
/// the statement and lock timeouts as startup parameters, so they hold for every
/// query, in or out of a transaction.
pub async fn connect(
    database_url: &str,
    settings: DatabaseSettings,
) -> Result<PgPool, sqlx::Error> {
    if !sqlx::Postgres::database_exists(database_url).await? {
        tracing::info!("creating database");
        sqlx::Postgres::create_database(database_url).await?;
    }
    let options = PgConnectOptions::from_str(database_url)?.options([
        (
            "statement_timeout",
            settings.statement_timeout_ms.to_string(),
        ),
        ("lock_timeout", settings.lock_timeout_ms.to_string()),
    ]);
    PgPoolOptions::new()
        .max_connections(settings.pool_size)
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        .connect_with(options)
        .await
}

/// Migrations in the binary that the database has not applied.
pub async fn pending_migrations(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let applied: Vec<i64> =
        match sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await
        {
            Ok(versions) => versions,
            // No table yet: nothing has been applied.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Vec::new(),
            Err(e) => return Err(e),
        };
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
        .map(|m| format!("{} {}", m.version, m.description))
        .collect())
}

/// Applies what is pending and says what it did: `server migrate`, run once per
/// deployment before the replicas start (the Helm chart's hook Job).
pub async fn migrate(pool: &PgPool) -> Result<String, app::error::AppError> {
    let pending = pending_migrations(pool).await?;
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| app::error::AppError::internal("running the migrations", e))?;
    Ok(if pending.is_empty() {
        "the database is up to date".to_string()
    } else {
        format!(
            "applied {} migration(s): {}",
            pending.len(),
            pending.join(", ")
        )
    })
}

/// Makes the database ready for this binary: migrates it, or, when migrations are left
/// to `server migrate`, refuses to run against one that is behind.
pub async fn prepare(pool: &PgPool, migrate_on_start: bool) -> Result<(), String> {
    if migrate_on_start {
        return MIGRATOR
            .run(pool)
            .await
            .map_err(|e| format!("cannot run the migrations: {e}"));
    }
    let pending = pending_migrations(pool)
        .await
        .map_err(|e| format!("cannot read the applied migrations: {e}"))?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the database is behind this binary ({} migration(s) pending: {}); run `server migrate` first",
            pending.len(),
            pending.join(", ")
        ))
    }
}
