//! The one error type at the server-function boundary. Its messages are safe to show
//! to users: the real cause of an internal error is logged on the server, never sent.

use crate::model::ChecklistItem;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that breaks a rule; `field` names what to fix.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0} not found")]
    NotFound(String),
    /// Someone else changed the record since the user saw it; carries what is stored now.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<Box<ChecklistItem>>,
    },
    /// No signed-in user or valid token.
    #[error("Sign in first (or send a valid API token).")]
    Unauthorized,
    /// Signed in, but the role (or the token's scope) does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed sign-ins; try again after this many seconds.
    #[error("Too many failed sign-ins. Try again in {} minute(s).", (retry_after_secs + 59) / 60)]
    TooManyRequests { retry_after_secs: i64 },
    /// The database is busy (no free connection in time, or a row stayed locked):
    /// answered 503 with `Retry-After`, since trying again shortly is the remedy.
    #[error("The service is busy; try again in {retry_after_secs} second(s).")]
    Unavailable { retry_after_secs: i64 },
    /// A statement ran past `statement_timeout`: answered 504.
    #[error("The request took too long and was stopped; please try again.")]
    TimedOut,
    #[error("Something went wrong on our side; please try again.")]
    Internal,
    /// Transport and encoding failures reported by the server-function machinery.
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The HTTP status the JSON API answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::NotFound(_) => 404,
            AppError::Conflict { .. } => 409,
            AppError::Unauthorized => 401,
            AppError::Forbidden(_) => 403,
            AppError::TooManyRequests { .. } => 429,
            AppError::Unavailable { .. } => 503,
            AppError::TimedOut => 504,
            AppError::Internal | AppError::ServerFn(_) => 500,
        }
    }

    /// Logs the real cause and returns the error users may see.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "{context}");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        // SQLSTATE 55P03 is lock_timeout; 57014 is a cancelled statement, which is
        // what statement_timeout does (nothing else here cancels statements).
        let code = err.as_database_error().and_then(|e| e.code());
        match (&err, code.as_deref()) {
            (sqlx::Error::PoolTimedOut, _) => {
                tracing::warn!("no database connection within the acquire timeout");
                AppError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            // The database went away (restarted, failed over): the pool reconnects,
            // so trying again shortly is the remedy. Class 08 is a connection
            // exception; 57P01–57P03 are an administrator's shutdown or a start-up.
            (sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed, _) => {
                tracing::warn!(cause = %err, "database connection lost");
                AppError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            (_, Some(code))
                if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03") =>
            {
                tracing::warn!(cause = %err, "database connection lost");
                AppError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            (_, Some("55P03")) => {
                tracing::warn!(cause = %err, "lock timeout");
                AppError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            // A NUL character, which PostgreSQL text cannot hold: the validators refuse
            // it where they know the field; this is the net for anywhere else.
            (_, Some("22021")) => AppError::invalid("text", "must not contain NUL characters"),
            (_, Some("57014")) => {
                tracing::warn!(cause = %err, "statement timeout");
                AppError::TimedOut
            }
            _ => AppError::internal("database error", err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_the_field() {
        let e = AppError::invalid("status", "unknown status \"x\"");
        assert_eq!(e.to_string(), "status: unknown status \"x\"");
        assert_eq!(e.status_code(), 422);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn busy_and_slow_databases_have_their_own_statuses() {
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut).status_code(), 503);
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(AppError::from(sqlx::Error::Io(reset)).status_code(), 503);
        assert_eq!(AppError::TimedOut.status_code(), 504);
    }

    #[test]
    fn internal_hides_the_cause() {
        assert!(!AppError::Internal.to_string().contains("sql"));
        assert_eq!(AppError::Internal.status_code(), 500);
    }
}
