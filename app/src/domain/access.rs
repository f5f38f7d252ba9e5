//! Who may do what: roles, token scopes, what each request needs, sign-in throttling
//! and the small rules around accounts. Plain values only; the server enforces them
//! in one place (`auth::gate`), the pages use them to hide what a role cannot do.

use crate::model::{Need, Role, TokenScope};
use chrono::{DateTime, Duration, Utc};

/// Whether a signed-in user with `role` may do what `need` names.
pub fn role_allows(role: Role, need: Need) -> bool {
    match need {
        Need::Public | Need::Read | Need::SignedIn => true,
        Need::Edit => matches!(role, Role::Editor | Role::Admin),
        Need::Admin => role == Role::Admin,
    }
}

/// A token's rights are its scope intersected with its owner's current role; no token
/// manages users.
pub fn token_allows(scope: TokenScope, owner_role: Role, need: Need) -> bool {
    let scope_allows = match need {
        Need::Public | Need::Read => true,
        Need::Edit => scope == TokenScope::Write,
        Need::SignedIn | Need::Admin => false,
    };
    scope_allows && role_allows(owner_role, need)
}

/// Failed sign-ins counted over this window.
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Failures allowed per account within the window before sign-in is refused.
pub const MAX_FAILURES_PER_ACCOUNT: usize = 5;
/// Failures allowed per client address (many accounts from one place).
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;

/// Seconds until sign-in is allowed again, or `None` when it is allowed now. Each list
/// holds the times of recent failures for the account and for the address.
pub fn throttle_wait(
    account_failures: &[DateTime<Utc>],
    address_failures: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<i64> {
    let wait = |failures: &[DateTime<Utc>], limit: usize| -> Option<i64> {
        let mut recent: Vec<_> = failures
            .iter()
            .copied()
            .filter(|at| *at > now - THROTTLE_WINDOW)
            .collect();
        if recent.len() < limit {
            return None;
        }
        recent.sort();
        // Allowed again once enough of the oldest failures leave the window.
        let frees_at = recent[recent.len() - limit] + THROTTLE_WINDOW;
        Some((frees_at - now).num_seconds().max(1))
    };
    match (
        wait(account_failures, MAX_FAILURES_PER_ACCOUNT),
        wait(address_failures, MAX_FAILURES_PER_ADDRESS),
    ) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0).max(b.unwrap_or(0))),
    }
}

/// Sessions end this long after the last request...
pub const SESSION_IDLE: Duration = Duration::hours(8);
/// ...and this long after sign-in, however active.
pub const SESSION_ABSOLUTE: Duration = Duration::days(7);

pub fn session_expired(signed_in_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - signed_in_at >= SESSION_ABSOLUTE
}

/// Trimmed and lower-cased, or a message naming what is wrong.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let Some((local, domain)) = email.split_once('@') else {
        return Err("must be an email address such as name@example.com".into());
    };
    if local.is_empty() || domain.is_empty() || domain.contains('@') || email.len() > 254 {
        return Err("must be an email address such as name@example.com".into());
    }
    if email.chars().any(char::is_whitespace) {
        return Err("must not contain spaces".into());
    }
    Ok(email)
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    }
    Ok(())
}

/// Every token starts so; a leaked one is recognisable in logs and by secret scanners.
pub const TOKEN_PREFIX: &str = "pf_";
/// Characters of the token kept and shown (prefix included).
pub const TOKEN_SHOWN_CHARS: usize = 10;

/// The token text for 32 random bytes: the prefix, then lower-case hex.
pub fn token_text(random: &[u8; 32]) -> String {
    let mut text = String::with_capacity(TOKEN_PREFIX.len() + 64);
    text.push_str(TOKEN_PREFIX);
    for byte in random {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

/// Whether `text` has a token's shape (so other bearer schemes are not looked up).
pub fn looks_like_token(text: &str) -> bool {
    text.strip_prefix(TOKEN_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Where to go after signing in: a local path only, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next.map(str::trim) {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/login")
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_nest() {
        assert!(role_allows(Role::Viewer, Need::Read));
        assert!(!role_allows(Role::Viewer, Need::Edit));
        assert!(role_allows(Role::Editor, Need::Edit));
        assert!(!role_allows(Role::Editor, Need::Admin));
        assert!(role_allows(Role::Admin, Need::Admin));
    }

    #[test]
    fn tokens_are_scope_and_role() {
        assert!(token_allows(TokenScope::Write, Role::Editor, Need::Edit));
        assert!(!token_allows(TokenScope::Read, Role::Admin, Need::Edit));
        assert!(!token_allows(TokenScope::Write, Role::Viewer, Need::Edit));
        assert!(token_allows(TokenScope::Read, Role::Viewer, Need::Read));
        assert!(!token_allows(TokenScope::Write, Role::Admin, Need::Admin));
    }

    #[test]
    fn throttling_starts_at_the_limit_and_ends_with_the_window() {
        let now = Utc::now();
        let at = |minutes_ago: i64| now - Duration::minutes(minutes_ago);
        let four: Vec<_> = (1..=4).map(at).collect();
        assert_eq!(throttle_wait(&four, &four, now), None);
        let five: Vec<_> = (1..=5).map(at).collect();
        // The oldest of the five failed 5 minutes ago: 10 minutes to go.
        assert_eq!(throttle_wait(&five, &[], now), Some(600));
        let stale: Vec<_> = (20..=30).map(at).collect();
        assert_eq!(throttle_wait(&stale, &stale, now), None);
        let many: Vec<_> = (0..20).map(|s| now - Duration::seconds(s)).collect();
        assert!(throttle_wait(&[], &many, now).is_some_and(|s| s > 800));
    }

    #[test]
    fn sessions_end_after_seven_days() {
        let now = Utc::now();
        assert!(!session_expired(now - Duration::days(6), now));
        assert!(session_expired(now - Duration::days(7), now));
    }

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalize_email(" Ana@Example.COM ").unwrap(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "@example.com",
            "ana@",
            "a b@example.com",
            "a@b@c",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_have_a_length_range() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pass").is_ok());
        assert!(check_password(&"x".repeat(201)).is_err());
    }

    #[test]
    fn tokens_have_a_recognisable_shape() {
        let token = token_text(&[0xab; 32]);
        assert!(token.starts_with("pf_abab"));
        assert_eq!(token.len(), 67);
        assert!(looks_like_token(&token));
        assert!(!looks_like_token("pf_xyz"));
        assert!(!looks_like_token(&token.replace("pf_", "gh_")));
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/services/a?x=1")), "/services/a?x=1");
        for bad in [
            None,
            Some("https://evil.example"),
            Some("//evil.example"),
            Some("/\\evil"),
            Some("/login?next=/"),
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
