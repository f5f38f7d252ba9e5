//! Input rules shared by every write path. Each failure names the field.

use crate::error::AppError;

pub const SLUG_MAX: usize = 60;
pub const NAME_MAX: usize = 120;
pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 5_000;

/// A trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    optional_text(field, trimmed, max)
}

/// A trimmed text (possibly empty) of at most `max` characters.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let trimmed = value.trim();
    if trimmed.contains('\0') {
        return Err(AppError::invalid(field, "must not contain NUL characters"));
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters (got {len})"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Whether a slug from a URL can name a stored service: PostgreSQL text cannot hold
/// NUL, so such a slug is simply not found (asking would fail the query).
pub fn could_be_stored(slug: &str) -> bool {
    !slug.contains('\0')
}

/// Slugs that name pages, not services: `/services/new` is the new-service form.
pub const RESERVED_SLUGS: &[&str] = &["new"];

/// Lowercase letters, digits and single hyphens, e.g. `payments-api`; not one of
/// [`RESERVED_SLUGS`].
pub fn slug(field: &str, value: &str) -> Result<String, AppError> {
    if RESERVED_SLUGS.contains(&value) {
        return Err(AppError::invalid(
            field,
            format!("{value:?} is reserved; choose another"),
        ));
    }
    let ok = !value.is_empty()
        && value.len() <= SLUG_MAX
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(value.to_string())
    } else {
        Err(AppError::invalid(
            field,
            format!(
                "use lowercase letters, digits and single hyphens, at most {SLUG_MAX} characters (got {value:?})"
            ),
        ))
    }
}

/// A slug suggested for a name: lowercase ASCII letters and digits, single hyphens
/// for everything else, at most [`SLUG_MAX`] characters. May be empty.
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '’' {
            gap = true;
        }
        if out.len() >= SLUG_MAX {
            break;
        }
    }
    out.truncate(SLUG_MAX);
    out.trim_end_matches('-').to_string()
}

/// An absolute http(s) URL with a host.
pub fn http_url(field: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim();
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !v.chars().any(char::is_whitespace)
                && v.len() <= 2_000 =>
        {
            Ok(v.to_string())
        }
        _ => Err(AppError::invalid(
            field,
            format!("must be an http:// or https:// link (got {v:?})"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_slugs_are_refused_and_never_suggested_by_the_importer() {
        assert!(slug("slug", "new").is_err());
        assert!(slug("slug", "new-service").is_ok());
        assert_eq!(slugify("New"), "new");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let imported = crate::domain::markdown::import_markdown("# New\n\n## A\n- [ ] x\n", today);
        assert_eq!(imported.unwrap().draft.slug, "imported-service");
    }

    #[test]
    fn slugs() {
        assert!(slug("slug", "payments-api").is_ok());
        assert!(slug("slug", "api2").is_ok());
        for bad in [
            "",
            "Payments",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "ä",
            &"a".repeat(61),
        ] {
            assert!(slug("slug", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn texts() {
        assert_eq!(required_text("title", "  Hi ", 10).unwrap(), "Hi");
        assert!(required_text("title", "   ", 10).is_err());
        let err = required_text("title", "abcdef", 5).unwrap_err();
        assert_eq!(err.to_string(), "title: at most 5 characters (got 6)");
    }

    #[test]
    fn urls() {
        assert!(http_url("evidence_url", "https://ci.example.com/run/1").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "javascript:alert(1)",
            "https:///x",
            "http://a b",
        ] {
            assert!(http_url("evidence_url", bad).is_err(), "{bad:?}");
        }
    }
}
