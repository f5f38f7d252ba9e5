//! Settings from the environment.

/// Local PostgreSQL with trust authentication, database `preflight`.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/preflight";

pub struct Config {
    pub database_url: String,
    /// Load the demo services into an empty database (`PREFLIGHT_DEMO=0` turns it off).
    pub load_demo: bool,
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            load_demo: std::env::var("PREFLIGHT_DEMO").map_or(true, |v| v != "0" && v != "false"),
        }
    }
}
