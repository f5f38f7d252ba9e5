//! Argon2id password hashes (`password-auth`: Argon2id with m=19 MiB, t=2, p=1, the
//! first of OWASP's recommended settings), computed off the async runtime.

use crate::error::AppError;
use std::sync::LazyLock;

/// Verified against when the email is unknown, so that costs the same time as a wrong
/// password.
static UNKNOWN_USER_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash("no such user, no such password"));

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::internal("hashing a password", e))
}

/// Whether `password` matches `stored` (or, with no stored hash, a dummy check of the
/// same cost that always fails).
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || match stored {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, &UNKNOWN_USER_HASH);
            false
        }
    })
    .await
    .map_err(|e| AppError::internal("checking a password", e))
}
