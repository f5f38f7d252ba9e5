//! What the checklist, roadmap, risk and cost forms send, as text, and its parsing into
//! checked values, one form per module. Parsing runs on the server for every write (and
//! may run in the browser for early feedback); each failure names the field.

mod cost_line;
mod item;
mod phase;
mod risk;
mod status_change;

pub use cost_line::{CostLineForm, CostLineInput};
pub use item::{ItemForm, ItemInput};
pub use phase::{PhaseForm, PhaseInput};
pub use risk::{RISK_ITEMS_MAX, RiskForm, RiskInput, parse_risk_status};
pub use status_change::{NA_REASON_MAX, StatusChange, parse_item_patch, validate_status_change};

use crate::error::AppError;
use chrono::NaiveDate;

fn parse_enum<T: std::str::FromStr<Err = String>>(
    field: &str,
    text: &str,
    default: T,
) -> Result<T, AppError> {
    match text.trim() {
        "" => Ok(default),
        t => t.parse().map_err(|e| AppError::invalid(field, e)),
    }
}

/// `YYYY-MM-DD`, or empty for none.
pub fn parse_date(field: &str, text: &str) -> Result<Option<NaiveDate>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)"))),
    }
}

fn parse_days(field: &str, text: &str) -> Result<Option<i32>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => match t.parse::<i32>() {
            Ok(n) if n < 0 => Err(AppError::invalid(field, "must not be negative")),
            Ok(n) if n > 3650 => Err(AppError::invalid(field, "at most 3650 days")),
            Ok(n) => Ok(Some(n)),
            Err(_) => Err(AppError::invalid(
                field,
                format!("{t:?} is not a whole number of days"),
            )),
        },
    }
}

fn parse_id(field: &str, text: &str) -> Result<Option<i64>, AppError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("{t:?} is not a valid choice"))),
    }
}

/// The field a parse failure names, for the forms' tests.
#[cfg(test)]
fn invalid_field<T: std::fmt::Debug>(result: Result<T, AppError>) -> String {
    match result.unwrap_err() {
        AppError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}
