//! `import_markdown` on arbitrary input: it must never panic, every draft it returns
//! must pass validation, and what it exports must import again.

#![no_main]

use app::domain::markdown::{export_markdown, import_markdown, import_markdown_bytes};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(today) = NaiveDate::from_ymd_opt(2026, 11, 16) else {
        return;
    };
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(preview) = import_markdown(text, today)
    {
        assert!(
            preview.draft.validated().is_ok(),
            "an imported draft is valid"
        );
        let again = import_markdown(&export_markdown(&preview.draft), today);
        assert!(again.is_ok(), "an export imports again: {again:?}");
    }
    let _ = import_markdown_bytes(data, today);
});
