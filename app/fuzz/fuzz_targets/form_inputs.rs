//! The input validators on arbitrary form posts: each of the checklist, phase, risk and
//! cost forms, deserialised from arbitrary JSON as a server function receives it, parses
//! or names a field, never panics, and what it accepts holds no NUL (which PostgreSQL
//! text cannot store). Money and slugs too: an accepted amount formats back to itself,
//! and a slug made from any name is a valid slug (or empty).

#![no_main]

use app::domain::money::{format_cents, parse_cents};
use app::domain::validate::{slug, slugify};
use app::error::AppError;
use app::input::{CostLineForm, ItemForm, PhaseForm, RiskForm};
use libfuzzer_sys::fuzz_target;

fn field_is_named<T>(result: &Result<T, AppError>) {
    if let Err(AppError::Invalid { field, .. }) = result {
        assert!(!field.is_empty(), "every refusal names its field");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(form) = serde_json::from_slice::<ItemForm>(data) {
        let parsed = form.parse();
        field_is_named(&parsed);
        if let Ok(item) = parsed {
            assert!(!item.title.is_empty() && !item.title.contains('\0'));
            assert!(!item.owner.contains('\0') && !item.detail.contains('\0'));
        }
    }
    if let Ok(form) = serde_json::from_slice::<PhaseForm>(data) {
        field_is_named(&form.parse());
    }
    if let Ok(form) = serde_json::from_slice::<RiskForm>(data) {
        let parsed = form.parse();
        field_is_named(&parsed);
        if let Ok(risk) = parsed {
            assert!((1..=5).contains(&risk.likelihood) && (1..=5).contains(&risk.impact));
        }
    }
    if let Ok(form) = serde_json::from_slice::<CostLineForm>(data) {
        field_is_named(&form.parse());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cents) = parse_cents(text) {
            assert_eq!(parse_cents(&format_cents(cents)), Ok(cents), "{text:?}");
        }
        let made = slugify(text);
        assert!(made.is_empty() || slug("slug", &made).is_ok(), "{made:?} from {text:?}");
    }
});
