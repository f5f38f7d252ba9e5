//! A risk as its form posts it, and its parsing.

use super::{parse_date, parse_enum};
use crate::domain::validate as v;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A risk as a form posts it: every field as text, plus the ids of the checklist items
/// that mitigate it (checkboxes, so already numbers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RiskForm {
    pub title: String,
    pub description: String,
    /// 1–5.
    pub likelihood: String,
    /// 1–5.
    pub impact: String,
    pub mitigation: String,
    pub owner: String,
    /// `open`, `mitigating`, `accepted` or `closed`; empty means open.
    pub status: String,
    /// `YYYY-MM-DD`, or empty for none.
    pub review_date: String,
    pub item_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskInput {
    pub title: String,
    pub description: String,
    pub likelihood: i16,
    pub impact: i16,
    pub mitigation: String,
    pub owner: String,
    pub status: crate::model::RiskStatus,
    pub review_date: Option<NaiveDate>,
    /// Sorted, without duplicates. Whether they exist in the service is checked by the
    /// data layer (and enforced by the database).
    pub item_ids: Vec<i64>,
}

/// At most this many checklist items mitigate one risk.
pub const RISK_ITEMS_MAX: usize = 500;

impl RiskForm {
    pub fn parse(&self) -> Result<RiskInput, AppError> {
        let title = v::required_text("title", &self.title, v::TITLE_MAX)?;
        let likelihood = parse_scale("likelihood", &self.likelihood)?;
        let impact = parse_scale("impact", &self.impact)?;
        let status = parse_risk_status(&self.status)?;
        let review_date = parse_date("review_date", &self.review_date)?;
        let mut item_ids = self.item_ids.clone();
        item_ids.sort_unstable();
        item_ids.dedup();
        if item_ids.len() > RISK_ITEMS_MAX {
            return Err(AppError::invalid(
                "item_ids",
                format!("at most {RISK_ITEMS_MAX} linked items"),
            ));
        }
        if let Some(bad) = item_ids.iter().find(|id| **id <= 0) {
            return Err(AppError::invalid(
                "item_ids",
                format!("{bad} is not a checklist item"),
            ));
        }
        Ok(RiskInput {
            title,
            description: v::optional_text("description", &self.description, v::TEXT_MAX)?,
            likelihood,
            impact,
            mitigation: v::optional_text("mitigation", &self.mitigation, v::TEXT_MAX)?,
            owner: v::optional_text("owner", &self.owner, v::NAME_MAX)?,
            status,
            review_date,
            item_ids,
        })
    }
}

/// A risk status by its name (`field` "status"); empty means open.
pub fn parse_risk_status(text: &str) -> Result<crate::model::RiskStatus, AppError> {
    parse_enum("status", text, crate::model::RiskStatus::Open)
}

/// Likelihood or impact: a whole number from 1 to [`crate::domain::risk::SCALE_MAX`].
fn parse_scale(field: &str, text: &str) -> Result<i16, AppError> {
    use crate::domain::risk::SCALE_MAX;
    let message = |got: &str| format!("must be a whole number from 1 to {SCALE_MAX} (got {got:?})");
    match text.trim() {
        "" => Err(AppError::invalid(field, message(""))),
        t => match t.parse::<i16>() {
            Ok(n) if (1..=SCALE_MAX).contains(&n) => Ok(n),
            _ => Err(AppError::invalid(field, message(t))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::invalid_field as field;
    use crate::model::RiskStatus;

    fn risk() -> RiskForm {
        RiskForm {
            title: " Credentials leak ".into(),
            likelihood: "3".into(),
            impact: " 5".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_risk_parses_with_defaults() {
        let parsed = risk().parse().unwrap();
        assert_eq!(parsed.title, "Credentials leak");
        assert_eq!((parsed.likelihood, parsed.impact), (3, 5));
        assert_eq!(parsed.status, RiskStatus::Open);
        assert_eq!(parsed.review_date, None);
        assert!(parsed.item_ids.is_empty());

        let full = RiskForm {
            status: "accepted".into(),
            review_date: "2026-12-01".into(),
            owner: " Aisha ".into(),
            item_ids: vec![9, 3, 9, 4],
            ..risk()
        }
        .parse()
        .unwrap();
        assert_eq!(full.status, RiskStatus::Accepted);
        assert_eq!(full.review_date, NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(full.owner, "Aisha");
        assert_eq!(full.item_ids, [3, 4, 9]);
    }

    #[test]
    fn likelihood_and_impact_run_from_1_to_5() {
        for ok in ["1", "5", " 2 "] {
            assert!(
                RiskForm {
                    likelihood: ok.into(),
                    ..risk()
                }
                .parse()
                .is_ok(),
                "{ok:?}"
            );
        }
        for bad in ["0", "6", "-1", "", "2.5", "three", "99999"] {
            assert_eq!(
                field(
                    RiskForm {
                        likelihood: bad.into(),
                        ..risk()
                    }
                    .parse()
                ),
                "likelihood",
                "{bad:?}"
            );
            assert_eq!(
                field(
                    RiskForm {
                        impact: bad.into(),
                        ..risk()
                    }
                    .parse()
                ),
                "impact",
                "{bad:?}"
            );
        }
        let err = RiskForm {
            likelihood: "7".into(),
            ..risk()
        }
        .parse()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "likelihood: must be a whole number from 1 to 5 (got \"7\")"
        );
    }

    #[test]
    fn risk_problems_name_their_field() {
        assert_eq!(
            field(
                RiskForm {
                    title: "  ".into(),
                    ..risk()
                }
                .parse()
            ),
            "title"
        );
        assert_eq!(
            field(
                RiskForm {
                    title: "x".repeat(201),
                    ..risk()
                }
                .parse()
            ),
            "title"
        );
        assert!(
            RiskForm {
                title: "x".repeat(200),
                ..risk()
            }
            .parse()
            .is_ok()
        );
        assert_eq!(
            field(
                RiskForm {
                    status: "resolved".into(),
                    ..risk()
                }
                .parse()
            ),
            "status"
        );
        assert_eq!(
            field(
                RiskForm {
                    review_date: "next week".into(),
                    ..risk()
                }
                .parse()
            ),
            "review_date"
        );
        assert_eq!(
            field(
                RiskForm {
                    review_date: "2026-02-30".into(),
                    ..risk()
                }
                .parse()
            ),
            "review_date"
        );
        assert_eq!(
            field(
                RiskForm {
                    description: "x".repeat(5_001),
                    ..risk()
                }
                .parse()
            ),
            "description"
        );
        assert_eq!(
            field(
                RiskForm {
                    mitigation: "x".repeat(5_001),
                    ..risk()
                }
                .parse()
            ),
            "mitigation"
        );
        assert_eq!(
            field(
                RiskForm {
                    owner: "x".repeat(121),
                    ..risk()
                }
                .parse()
            ),
            "owner"
        );
        assert_eq!(
            field(
                RiskForm {
                    item_ids: vec![4, 0],
                    ..risk()
                }
                .parse()
            ),
            "item_ids"
        );
        assert_eq!(
            field(
                RiskForm {
                    item_ids: (1..=501).collect(),
                    ..risk()
                }
                .parse()
            ),
            "item_ids"
        );
        assert!(
            RiskForm {
                item_ids: (1..=500).collect(),
                ..risk()
            }
            .parse()
            .is_ok()
        );
    }

    #[test]
    fn quick_status_changes_parse_by_name() {
        assert_eq!(parse_risk_status("closed"), Ok(RiskStatus::Closed));
        assert_eq!(parse_risk_status(""), Ok(RiskStatus::Open));
        let err = parse_risk_status("done").unwrap_err();
        assert!(
            err.to_string().starts_with("status: unknown risk status"),
            "{err}"
        );
    }
}
