//! Failed sign-ins, counted per account and per client address for throttling
//! (`domain::access::throttle_wait`). Shared by every instance through the database.

use crate::domain::access::THROTTLE_WINDOW;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// The recent failures for the account and for the address.
pub async fn recent_failures(
    pool: &PgPool,
    email: &str,
    address: &str,
) -> Result<(Vec<DateTime<Utc>>, Vec<DateTime<Utc>>), AppError> {
    let since = Utc::now() - THROTTLE_WINDOW;
    let account = sqlx::query_scalar!(
        r#"SELECT failed_at AS "failed_at: chrono::DateTime<chrono::Utc>" FROM sign_in_failures WHERE email = $1 AND failed_at > $2"#,
        email,
        since as _
    )
    .fetch_all(pool)
    .await?;
    let from_address = sqlx::query_scalar!(
        r#"SELECT failed_at AS "failed_at: chrono::DateTime<chrono::Utc>" FROM sign_in_failures WHERE address = $1 AND failed_at > $2"#,
        address,
        since as _
    )
    .fetch_all(pool)
    .await?;
    Ok((account, from_address))
}

/// Records a failure and forgets the ones that no longer count.
pub async fn record_failure(pool: &PgPool, email: &str, address: &str) -> Result<(), AppError> {
    sqlx::query!(
        "WITH gone AS (DELETE FROM sign_in_failures WHERE failed_at < now() - interval '1 day')
         INSERT INTO sign_in_failures (email, address) VALUES ($1, $2)",
        email,
        address
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A successful sign-in clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, email: &str) -> Result<(), AppError> {
    sqlx::query!("DELETE FROM sign_in_failures WHERE email = $1", email)
        .execute(pool)
        .await?;
    Ok(())
}
