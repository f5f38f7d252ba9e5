//! The JSON API's status change (`PATCH /api/v1/services/{slug}/items/{id}`): its
//! body parsed with messages that name the field at fault, and the rule a status
//! change must keep. Plain functions, so the fuzzer (app/fuzz) can run them.

use crate::domain::validate as v;
use crate::error::AppError;
use crate::model::ItemStatus;
use serde_json::Value;

pub const NA_REASON_MAX: usize = 500;

/// A status change as the page and the API ask for it.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: ItemStatus,
    /// Required (non-blank) when the status is `not_applicable`.
    pub na_reason: Option<String>,
    /// The version the user saw; `None` means "whatever is stored" (API clients that
    /// do not send one).
    pub expected_version: Option<i32>,
}

/// Checks a status change before anything is read or written.
pub fn validate_status_change(change: &StatusChange) -> Result<Option<String>, AppError> {
    if change.status != ItemStatus::NotApplicable {
        return Ok(None);
    }
    let reason = change.na_reason.as_deref().unwrap_or("");
    if reason.trim().is_empty() {
        return Err(AppError::invalid(
            "na_reason",
            "a reason is required to mark an item not applicable",
        ));
    }
    v::optional_text("na_reason", reason, NA_REASON_MAX).map(Some)
}

/// `{"status": "done", "na_reason"?: "...", "version"?: 3}` with messages that name
/// the field at fault.
pub fn parse_item_patch(body: &[u8]) -> Result<StatusChange, AppError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::invalid("body", format!("not valid JSON: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(AppError::invalid(
            "body",
            "expected a JSON object such as {\"status\": \"done\"}",
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !["status", "na_reason", "version"].contains(&k.as_str()))
    {
        return Err(AppError::invalid(
            unknown,
            "unknown field; expected status, na_reason or version",
        ));
    }
    let status = match fields.get("status") {
        Some(Value::String(s)) => s
            .parse::<ItemStatus>()
            .map_err(|e| AppError::invalid("status", e))?,
        Some(_) => return Err(AppError::invalid("status", "must be a string")),
        None => return Err(AppError::invalid("status", "is required")),
    };
    let na_reason = match fields.get("na_reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(AppError::invalid("na_reason", "must be a string")),
    };
    let expected_version = match fields.get("version") {
        None | Some(Value::Null) => None,
        // JSON has one number type: 3.0 is the integer 3 (as JSON Schema counts it).
        Some(v) => Some(
            v.as_i64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 1e10)
                        .map(|f| f as i64)
                })
                .and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n >= 1)
                .ok_or_else(|| AppError::invalid("version", "must be a positive integer"))?,
        ),
    };
    Ok(StatusChange {
        status,
        na_reason,
        expected_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str) -> String {
        match parse_item_patch(body.as_bytes()).unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn patch_bodies_name_the_field_at_fault() {
        assert_eq!(field("not json"), "body");
        assert_eq!(field("[1]"), "body");
        assert_eq!(field("{}"), "status");
        assert_eq!(field(r#"{"status": 3}"#), "status");
        assert_eq!(field(r#"{"status": "finished"}"#), "status");
        assert_eq!(field(r#"{"status": "done", "version": "x"}"#), "version");
        assert_eq!(field(r#"{"status": "done", "colour": "red"}"#), "colour");
    }

    #[test]
    fn a_good_patch_parses() {
        let c = parse_item_patch(
            br#"{"status": "not_applicable", "na_reason": "no DB", "version": 2}"#,
        )
        .unwrap();
        assert_eq!(c.status, ItemStatus::NotApplicable);
        assert_eq!(c.na_reason.as_deref(), Some("no DB"));
        assert_eq!(c.expected_version, Some(2));
        let whole = parse_item_patch(br#"{"status": "done", "version": 98.0}"#).unwrap();
        assert_eq!(whole.expected_version, Some(98));
        assert_eq!(field(r#"{"status": "done", "version": 1.5}"#), "version");
    }
}
