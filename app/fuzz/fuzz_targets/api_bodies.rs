//! The JSON API's write body (`PATCH …/items/{id}`) on arbitrary bytes: parsing never
//! panics, and whatever parses and passes the status rule is storable (a reason only
//! with `not_applicable`, non-blank, trimmed, within the limit, no NUL).

#![no_main]

use app::input::{NA_REASON_MAX, parse_item_patch, validate_status_change};
use app::model::ItemStatus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(change) = parse_item_patch(data) else {
        return;
    };
    if let Some(version) = change.expected_version {
        assert!(version >= 1, "versions start at 1");
    }
    match validate_status_change(&change) {
        Ok(Some(reason)) => {
            assert_eq!(change.status, ItemStatus::NotApplicable);
            assert!(!reason.is_empty() && reason.trim() == reason);
            assert!(reason.chars().count() <= NA_REASON_MAX);
            assert!(!reason.contains('\0'));
        }
        Ok(None) => assert_ne!(change.status, ItemStatus::NotApplicable),
        Err(_) => assert_eq!(change.status, ItemStatus::NotApplicable),
    }
});
