//! Settings from the environment.

/// Local PostgreSQL with trust authentication, database `preflight`.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/preflight";

pub struct Config {
    pub database_url: String,
    /// Load the demo services into an empty database (`PREFLIGHT_DEMO=0` turns it off).
    pub load_demo: bool,
    /// Where users reach the portal (`PREFLIGHT_PUBLIC_URL`); https makes cookies Secure.
    pub public_url: Option<String>,
    /// The first admin, created when no user exists yet.
    pub first_admin: Option<(String, String)>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Config {
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            load_demo: std::env::var("PREFLIGHT_DEMO").map_or(true, |v| v != "0" && v != "false"),
            public_url: var("PREFLIGHT_PUBLIC_URL"),
            first_admin: var("PREFLIGHT_ADMIN_EMAIL").zip(var("PREFLIGHT_ADMIN_PASSWORD")),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn with_url(url: Option<&str>) -> Config {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            load_demo: true,
            public_url: url.map(String::from),
            first_admin: None,
        }
    }

    #[test]
    fn cookies_are_secure_behind_https_only() {
        assert!(with_url(Some("https://preflight.example.com")).secure_cookies());
        assert!(with_url(Some(" HTTPS://preflight.example.com ")).secure_cookies());
        assert!(!with_url(Some("http://127.0.0.1:3000")).secure_cookies());
        assert!(!with_url(None).secure_cookies());
    }
}
