//! What the server hands to routes and server functions.

use crate::data::cache::ReadCache;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    /// Shared by every request of this process; checked against the database on use.
    pub cache: Arc<ReadCache>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, pool: PgPool) -> AppState {
        AppState {
            leptos_options,
            pool,
            cache: Arc::default(),
        }
    }
}

/// The database pool inside a server function. leptos_axum provides the router state
/// as context; a missing context is an error, not a panic (leptos issue #3013).
pub fn pool() -> Result<PgPool, AppError> {
    use_context::<AppState>()
        .map(|state| state.pool)
        .ok_or_else(|| AppError::internal("server state", "AppState missing from context"))
}

/// The read cache inside a server function (see [`pool`]).
pub fn cache() -> Result<Arc<ReadCache>, AppError> {
    use_context::<AppState>()
        .map(|state| state.cache)
        .ok_or_else(|| AppError::internal("server state", "AppState missing from context"))
}

/// Who is making the change, as the event log names them.
pub fn actor() -> String {
    crate::auth::current().map_or_else(|| "system".to_string(), |p| p.actor())
}
