//! A checklist item as its form posts it, and its parsing.

use super::{parse_date, parse_enum, parse_id};
use crate::domain::validate as v;
use crate::error::AppError;
use crate::model::{ItemStatus, Priority};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An item as a form posts it. Empty strings mean "not set".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemForm {
    pub title: String,
    pub detail: String,
    pub status: String,
    pub na_reason: String,
    pub priority: String,
    pub owner: String,
    pub due_date: String,
    pub evidence_url: String,
    pub phase_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ItemInput {
    pub title: String,
    pub detail: String,
    pub status: ItemStatus,
    pub na_reason: Option<String>,
    pub priority: Priority,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub evidence_url: Option<String>,
    pub phase_id: Option<i64>,
}

impl ItemForm {
    pub fn parse(&self) -> Result<ItemInput, AppError> {
        let status = parse_enum::<ItemStatus>("status", &self.status, ItemStatus::Todo)?;
        let na_reason = if status == ItemStatus::NotApplicable {
            let reason = v::optional_text("na_reason", &self.na_reason, v::TEXT_MAX)?;
            if reason.is_empty() {
                return Err(AppError::invalid(
                    "na_reason",
                    "a reason is required to mark an item not applicable",
                ));
            }
            Some(reason)
        } else {
            None
        };
        Ok(ItemInput {
            title: v::required_text("title", &self.title, v::TITLE_MAX)?,
            detail: v::optional_text("detail", &self.detail, v::TEXT_MAX)?,
            status,
            na_reason,
            priority: parse_enum::<Priority>("priority", &self.priority, Priority::Medium)?,
            owner: v::optional_text("owner", &self.owner, v::NAME_MAX)?,
            due_date: parse_date("due_date", &self.due_date)?,
            evidence_url: match self.evidence_url.trim() {
                "" => None,
                url => Some(v::http_url("evidence_url", url)?),
            },
            phase_id: parse_id("phase_id", &self.phase_id)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::invalid_field as field;

    fn item() -> ItemForm {
        ItemForm {
            title: "TLS".into(),
            status: "todo".into(),
            priority: "high".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_item_parses_with_defaults() {
        let parsed = ItemForm {
            title: " TLS ".into(),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(parsed.title, "TLS");
        assert_eq!(parsed.status, ItemStatus::Todo);
        assert_eq!(parsed.priority, Priority::Medium);
        assert_eq!(parsed.due_date, None);
    }

    #[test]
    fn item_problems_name_their_field() {
        assert_eq!(
            field(
                ItemForm {
                    title: "".into(),
                    ..item()
                }
                .parse()
            ),
            "title"
        );
        assert_eq!(
            field(
                ItemForm {
                    title: "x".repeat(201),
                    ..item()
                }
                .parse()
            ),
            "title"
        );
        assert_eq!(
            field(
                ItemForm {
                    status: "finished".into(),
                    ..item()
                }
                .parse()
            ),
            "status"
        );
        assert_eq!(
            field(
                ItemForm {
                    priority: "urgent".into(),
                    ..item()
                }
                .parse()
            ),
            "priority"
        );
        assert_eq!(
            field(
                ItemForm {
                    status: "not_applicable".into(),
                    ..item()
                }
                .parse()
            ),
            "na_reason"
        );
        assert_eq!(
            field(
                ItemForm {
                    due_date: "31/12/2026".into(),
                    ..item()
                }
                .parse()
            ),
            "due_date"
        );
        assert_eq!(
            field(
                ItemForm {
                    due_date: "2026-02-30".into(),
                    ..item()
                }
                .parse()
            ),
            "due_date"
        );
        assert_eq!(
            field(
                ItemForm {
                    evidence_url: "www.x.com".into(),
                    ..item()
                }
                .parse()
            ),
            "evidence_url"
        );
        assert_eq!(
            field(
                ItemForm {
                    phase_id: "three".into(),
                    ..item()
                }
                .parse()
            ),
            "phase_id"
        );
    }
}
