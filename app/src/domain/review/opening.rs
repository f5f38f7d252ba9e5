//! Opening a review: its title and the approvers named for it, one per role.

use crate::domain::access::normalize_email;
use crate::domain::validate::{NAME_MAX, TITLE_MAX, required_text};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// A review names at most this many approvers.
pub const MAX_APPROVERS: usize = 20;

/// An approver to name: the role they decide for and their account's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproverSlot {
    pub role: String,
    pub email: String,
}

/// The title (trimmed, 1–[`TITLE_MAX`] characters) and the approvers: 1 to
/// [`MAX_APPROVERS`], each with a role (trimmed, at most [`NAME_MAX`] characters) and
/// an email address (trimmed, lower-cased). A role is named once (ignoring case): one
/// approver per role. An address is named once too: each approver decides once, so a
/// second slot of theirs could never be decided. Fields are named `approvers[i].role`.
pub fn validate_opening(
    title: &str,
    approvers: &[ApproverSlot],
) -> Result<(String, Vec<ApproverSlot>), AppError> {
    let title = required_text("title", title, TITLE_MAX)?;
    if approvers.is_empty() {
        return Err(AppError::invalid("approvers", "name at least one approver"));
    }
    if approvers.len() > MAX_APPROVERS {
        return Err(AppError::invalid(
            "approvers",
            format!(
                "at most {MAX_APPROVERS} approvers (got {})",
                approvers.len()
            ),
        ));
    }
    let (mut roles, mut emails) = (HashSet::new(), HashSet::new());
    let mut valid = Vec::with_capacity(approvers.len());
    for (i, slot) in approvers.iter().enumerate() {
        let field = |name: &str| format!("approvers[{i}].{name}");
        let role = required_text(&field("role"), &slot.role, NAME_MAX)?;
        let email =
            normalize_email(&slot.email).map_err(|m| AppError::invalid(&field("email"), m))?;
        if !roles.insert(role.to_lowercase()) {
            return Err(AppError::invalid(
                &field("role"),
                format!("{role:?} is named twice; name one approver per role"),
            ));
        }
        if !emails.insert(email.clone()) {
            return Err(AppError::invalid(
                &field("email"),
                format!("{email} is named twice; each approver decides once"),
            ));
        }
        valid.push(ApproverSlot { role, email });
    }
    Ok((title, valid))
}
