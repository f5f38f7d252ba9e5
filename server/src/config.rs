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

/// Whether `cargo leptos build` (with `hash-files`) wrote the file naming the hashed
/// assets next to the running binary.
pub fn hash_file_beside_binary(options: &leptos::prelude::LeptosOptions) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)))
        .is_some_and(|path| path.is_file())
}
