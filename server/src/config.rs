//! Settings from the environment.

/// Local PostgreSQL with trust authentication, database `preflight`.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/preflight";

pub struct Config {
    pub database_url: String,
    /// The pool's size, and limits set on every connection.
    pub database: DatabaseSettings,
    /// Where to listen (`PREFLIGHT_LISTEN_ADDR`); else Leptos's `LEPTOS_SITE_ADDR` or
    /// the workspace's `site-addr`.
    pub listen_addr: Option<std::net::SocketAddr>,
    /// Run the migrations at start (`PREFLIGHT_MIGRATE=0` leaves them to `server
    /// migrate`, so that replicas do not race each other).
    pub migrate_on_start: bool,
    /// `PREFLIGHT_LOG_FORMAT=json`: one JSON object per log line.
    pub json_logs: bool,
    /// Load the demo services into an empty database (`PREFLIGHT_DEMO=0` turns it off).
    pub load_demo: bool,
    /// Where users reach the portal (`PREFLIGHT_PUBLIC_URL`); https makes cookies Secure.
    pub public_url: Option<String>,
    /// The first admin, created when no user exists yet.
    pub first_admin: Option<(String, String)>,
    /// A direct connection for LISTEN (`PREFLIGHT_LISTEN_DATABASE_URL`), when
    /// `DATABASE_URL` goes through a transaction-mode pooler; else the pool's settings.
    pub listen_url: Option<String>,
    /// How often the due-date scan runs (`PREFLIGHT_SCAN_SECONDS`, default 300).
    pub scan_every: std::time::Duration,
    /// Email and webhook delivery from the outbox.
    pub delivery: crate::delivery::DeliverySettings,
}

/// Pool and per-connection limits: a slow query or a held lock answers an error
/// instead of holding a connection for ever.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatabaseSettings {
    /// `PREFLIGHT_DB_POOL_SIZE`
    pub pool_size: u32,
    /// `PREFLIGHT_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a connection.
    pub acquire_timeout_ms: u64,
    /// `PREFLIGHT_DB_STATEMENT_TIMEOUT_MS`
    pub statement_timeout_ms: u64,
    /// `PREFLIGHT_DB_LOCK_TIMEOUT_MS`
    pub lock_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            pool_size: 10,
            acquire_timeout_ms: 5_000,
            statement_timeout_ms: 30_000,
            lock_timeout_ms: 5_000,
        }
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn flag(name: &str, default: bool) -> bool {
    var(name).map_or(default, |v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        )
    })
}

/// A whole number from the environment, within `range`, or a message naming the variable.
fn number<T>(name: &str, default: T, range: std::ops::RangeInclusive<T>) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(text) = var(name) else {
        return Ok(default);
    };
    match text.trim().parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{name}={text:?} must be a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

impl Config {
    /// Reads the environment; a malformed value is an error that names the variable.
    pub fn from_env() -> Result<Config, String> {
        let defaults = DatabaseSettings::default();
        let database = DatabaseSettings {
            pool_size: number("PREFLIGHT_DB_POOL_SIZE", defaults.pool_size, 1..=1000)?,
            acquire_timeout_ms: number(
                "PREFLIGHT_DB_ACQUIRE_TIMEOUT_MS",
                defaults.acquire_timeout_ms,
                1..=600_000,
            )?,
            statement_timeout_ms: number(
                "PREFLIGHT_DB_STATEMENT_TIMEOUT_MS",
                defaults.statement_timeout_ms,
                0..=86_400_000,
            )?,
            lock_timeout_ms: number(
                "PREFLIGHT_DB_LOCK_TIMEOUT_MS",
                defaults.lock_timeout_ms,
                0..=86_400_000,
            )?,
        };
        let listen_addr = match var("PREFLIGHT_LISTEN_ADDR") {
            None => None,
            Some(text) => Some(text.trim().parse().map_err(|_| {
                format!("PREFLIGHT_LISTEN_ADDR={text:?} must be an address and port, such as 0.0.0.0:3000")
            })?),
        };
        let log_format = var("PREFLIGHT_LOG_FORMAT").unwrap_or_else(|| "text".into());
        let json_logs = match log_format.trim() {
            "json" => true,
            "text" => false,
            other => {
                return Err(format!(
                    "PREFLIGHT_LOG_FORMAT={other:?} must be \"json\" or \"text\""
                ));
            }
        };
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            database,
            listen_addr,
            migrate_on_start: flag("PREFLIGHT_MIGRATE", true),
            json_logs,
            load_demo: flag("PREFLIGHT_DEMO", true),
            public_url: var("PREFLIGHT_PUBLIC_URL"),
            first_admin: var("PREFLIGHT_ADMIN_EMAIL").zip(var("PREFLIGHT_ADMIN_PASSWORD")),
            listen_url: var("PREFLIGHT_LISTEN_DATABASE_URL"),
            scan_every: std::time::Duration::from_secs(number(
                "PREFLIGHT_SCAN_SECONDS",
                300,
                1..=86_400,
            )?),
            delivery: crate::delivery::DeliverySettings {
                smtp_url: var("PREFLIGHT_SMTP_URL"),
                mail_from: var("PREFLIGHT_MAIL_FROM")
                    .unwrap_or_else(|| "Preflight <preflight@localhost>".into()),
                poll: std::time::Duration::from_millis(number(
                    "PREFLIGHT_DELIVERY_POLL_MS",
                    1_000,
                    10..=600_000,
                )?),
                retry_base_ms: number("PREFLIGHT_RETRY_BASE_MS", 30_000, 1..=3_600_000)?,
                timeout: std::time::Duration::from_millis(number(
                    "PREFLIGHT_DELIVERY_TIMEOUT_MS",
                    10_000,
                    100..=120_000,
                )?),
            },
        })
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
            database: DatabaseSettings::default(),
            listen_addr: None,
            migrate_on_start: true,
            json_logs: false,
            load_demo: true,
            public_url: url.map(String::from),
            first_admin: None,
            listen_url: None,
            scan_every: std::time::Duration::from_secs(300),
            delivery: crate::delivery::DeliverySettings::default(),
        }
    }

    #[test]
    fn cookies_are_secure_behind_https_only() {
        assert!(with_url(Some("https://preflight.example.com")).secure_cookies());
        assert!(with_url(Some(" HTTPS://preflight.example.com ")).secure_cookies());
        assert!(!with_url(Some("http://127.0.0.1:3000")).secure_cookies());
        assert!(!with_url(None).secure_cookies());
    }

    #[test]
    fn numbers_outside_their_range_are_named() {
        // Variables no test sets; read through the same function as the real ones.
        let parse = |text: &str| {
            // SAFETY: this test alone touches this variable.
            unsafe { std::env::set_var("PREFLIGHT_TEST_NUMBER", text) };
            number::<u32>("PREFLIGHT_TEST_NUMBER", 10, 1..=1000)
        };
        assert_eq!(parse("25"), Ok(25));
        assert_eq!(parse(" "), Ok(10));
        let problem = parse("0").unwrap_err();
        assert!(problem.contains("PREFLIGHT_TEST_NUMBER") && problem.contains("1 to 1000"));
        assert!(parse("ten").is_err());
        unsafe { std::env::remove_var("PREFLIGHT_TEST_NUMBER") };
    }
}
