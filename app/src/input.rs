//! What the checklist and roadmap forms send, as text, and its parsing into checked
//! values. Parsing runs on the server for every write (and may run in the browser for
//! early feedback); each failure names the field.

use crate::domain::money::parse_cents;
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

/// A phase as a form posts it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseForm {
    pub name: String,
    pub goal: String,
    pub planned_start: String,
    pub planned_end: String,
    pub effort_min_days: String,
    pub effort_max_days: String,
    /// Dollars and cents, e.g. "+15.00"; empty for "Variable".
    pub monthly_cost_change: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseInput {
    pub name: String,
    pub goal: String,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub effort_min_days: Option<i32>,
    pub effort_max_days: Option<i32>,
    pub monthly_cost_change_cents: Option<i64>,
}

impl PhaseForm {
    pub fn parse(&self) -> Result<PhaseInput, AppError> {
        let name = v::required_text("name", &self.name, v::NAME_MAX)?;
        let goal = v::optional_text("goal", &self.goal, v::TEXT_MAX)?;
        let planned_start = parse_date("planned_start", &self.planned_start)?;
        let planned_end = parse_date("planned_end", &self.planned_end)?;
        if let (Some(start), Some(end)) = (planned_start, planned_end)
            && end < start
        {
            return Err(AppError::invalid(
                "planned_end",
                "must not be before the planned start",
            ));
        }
        let effort_min_days = parse_days("effort_min_days", &self.effort_min_days)?;
        let effort_max_days = parse_days("effort_max_days", &self.effort_max_days)?;
        if let (Some(min), Some(max)) = (effort_min_days, effort_max_days)
            && min > max
        {
            return Err(AppError::invalid(
                "effort_max_days",
                "must not be below the minimum effort",
            ));
        }
        let monthly_cost_change_cents = match self.monthly_cost_change.trim() {
            "" => None,
            text => {
                Some(parse_cents(text).map_err(|e| AppError::invalid("monthly_cost_change", e))?)
            }
        };
        Ok(PhaseInput {
            name,
            goal,
            planned_start,
            planned_end,
            effort_min_days,
            effort_max_days,
            monthly_cost_change_cents,
        })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemForm {
        ItemForm {
            title: "TLS".into(),
            status: "todo".into(),
            priority: "high".into(),
            ..Default::default()
        }
    }

    fn field(result: Result<impl std::fmt::Debug, AppError>) -> String {
        match result.unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
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

    #[test]
    fn phases_parse_money_and_ranges() {
        let form = PhaseForm {
            name: "Phase 1".into(),
            planned_start: "2026-12-01".into(),
            planned_end: "2026-12-14".into(),
            effort_min_days: "2".into(),
            effort_max_days: "3".into(),
            monthly_cost_change: "+15.00".into(),
            ..Default::default()
        };
        let parsed = form.parse().unwrap();
        assert_eq!(parsed.monthly_cost_change_cents, Some(1500));
        assert_eq!(
            (parsed.effort_min_days, parsed.effort_max_days),
            (Some(2), Some(3))
        );

        let variable = PhaseForm {
            monthly_cost_change: " ".into(),
            ..form.clone()
        }
        .parse()
        .unwrap();
        assert_eq!(variable.monthly_cost_change_cents, None);
        let saving = PhaseForm {
            monthly_cost_change: "-4.20".into(),
            ..form.clone()
        }
        .parse()
        .unwrap();
        assert_eq!(saving.monthly_cost_change_cents, Some(-420));

        assert_eq!(
            field(
                PhaseForm {
                    planned_end: "2026-11-30".into(),
                    ..form.clone()
                }
                .parse()
            ),
            "planned_end"
        );
        assert_eq!(
            field(
                PhaseForm {
                    effort_min_days: "-1".into(),
                    ..form.clone()
                }
                .parse()
            ),
            "effort_min_days"
        );
        assert_eq!(
            field(
                PhaseForm {
                    effort_min_days: "5".into(),
                    ..form.clone()
                }
                .parse()
            ),
            "effort_max_days"
        );
        assert_eq!(
            field(
                PhaseForm {
                    monthly_cost_change: "fifteen".into(),
                    ..form.clone()
                }
                .parse()
            ),
            "monthly_cost_change"
        );
        assert_eq!(
            field(
                PhaseForm {
                    name: " ".into(),
                    ..form.clone()
                }
                .parse()
            ),
            "name"
        );
        assert_eq!(
            field(
                PhaseForm {
                    planned_start: "tomorrow".into(),
                    ..form
                }
                .parse()
            ),
            "planned_start"
        );
    }
}

/// A cost line as a form posts it. `amount` is dollars and cents; a saving may be
/// typed with or without its minus sign and is stored negative.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CostLineForm {
    pub category: String,
    pub name: String,
    pub kind: String,
    pub amount: String,
    pub phase_id: String,
    /// `YYYY-MM` (or a full date in that month) for savings.
    pub start_month: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CostLineInput {
    pub category: crate::model::CostCategory,
    pub name: String,
    pub kind: crate::model::CostKind,
    pub monthly_cents: i64,
    pub phase_id: Option<i64>,
    pub start_month: Option<NaiveDate>,
}

impl CostLineForm {
    pub fn parse(&self) -> Result<CostLineInput, AppError> {
        use crate::model::{CostCategory, CostKind};
        let category = match self.category.trim() {
            "" => return Err(AppError::invalid("category", "choose a category")),
            c => c
                .parse::<CostCategory>()
                .map_err(|e| AppError::invalid("category", e))?,
        };
        let kind = match self.kind.trim() {
            "" => {
                return Err(AppError::invalid(
                    "kind",
                    "choose baseline, addition or saving",
                ));
            }
            k => k
                .parse::<CostKind>()
                .map_err(|e| AppError::invalid("kind", e))?,
        };
        let name = v::required_text("name", &self.name, v::TITLE_MAX)?;
        let amount = match self.amount.trim() {
            "" => {
                return Err(AppError::invalid(
                    "amount",
                    "enter the monthly amount, e.g. 32.85",
                ));
            }
            a => parse_cents(a).map_err(|e| AppError::invalid("amount", e))?,
        };
        let phase_id = parse_id("phase_id", &self.phase_id)?;
        let start_month = match self.start_month.trim() {
            "" => None,
            t => {
                let full = if t.len() == 7 {
                    format!("{t}-01")
                } else {
                    t.to_string()
                };
                let date = NaiveDate::parse_from_str(&full, "%Y-%m-%d").map_err(|_| {
                    AppError::invalid("start_month", format!("{t:?} is not a month (YYYY-MM)"))
                })?;
                Some(crate::draft::first_of_month(date))
            }
        };
        let (monthly_cents, phase_id, start_month) = match kind {
            CostKind::Baseline => {
                if amount < 0 {
                    return Err(AppError::invalid(
                        "amount",
                        "a baseline line cannot be negative",
                    ));
                }
                if phase_id.is_some() {
                    return Err(AppError::invalid(
                        "phase_id",
                        "a baseline line belongs to no phase",
                    ));
                }
                (amount, None, None)
            }
            CostKind::Addition => {
                if phase_id.is_none() {
                    return Err(AppError::invalid(
                        "phase_id",
                        "an addition must name the phase that brings it",
                    ));
                }
                (amount, phase_id, None)
            }
            CostKind::Saving => {
                if start_month.is_none() {
                    return Err(AppError::invalid(
                        "start_month",
                        "a saving needs a start month",
                    ));
                }
                (-amount.abs(), phase_id, start_month)
            }
        };
        Ok(CostLineInput {
            category,
            name,
            kind,
            monthly_cents,
            phase_id,
            start_month,
        })
    }
}

#[cfg(test)]
mod cost_line_tests {
    use super::*;
    use crate::model::{CostCategory, CostKind};

    fn form(kind: &str, amount: &str) -> CostLineForm {
        CostLineForm {
            category: "networking".into(),
            name: "NAT Gateway".into(),
            kind: kind.into(),
            amount: amount.into(),
            ..Default::default()
        }
    }

    fn field(result: Result<CostLineInput, AppError>) -> String {
        match result.unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lines_parse_by_kind() {
        let baseline = form("baseline", "$32.85").parse().unwrap();
        assert_eq!(
            (baseline.category, baseline.kind, baseline.monthly_cents),
            (CostCategory::Networking, CostKind::Baseline, 3285)
        );
        let addition = CostLineForm {
            phase_id: "4".into(),
            ..form("addition", "-5")
        }
        .parse()
        .unwrap();
        assert_eq!((addition.monthly_cents, addition.phase_id), (-500, Some(4)));
        let saving = CostLineForm {
            start_month: "2027-03".into(),
            ..form("saving", "42")
        }
        .parse()
        .unwrap();
        assert_eq!(saving.monthly_cents, -4200);
        assert_eq!(saving.start_month, NaiveDate::from_ymd_opt(2027, 3, 1));
        let typed_negative = CostLineForm {
            start_month: "2027-03-15".into(),
            ..form("saving", "-42")
        }
        .parse()
        .unwrap();
        assert_eq!(
            (typed_negative.monthly_cents, typed_negative.start_month),
            (-4200, NaiveDate::from_ymd_opt(2027, 3, 1))
        );
    }

    #[test]
    fn bad_lines_name_their_field() {
        assert_eq!(field(form("baseline", "-1").parse()), "amount");
        assert_eq!(field(form("baseline", "lots").parse()), "amount");
        assert_eq!(field(form("subscription", "1").parse()), "kind");
        assert_eq!(
            field(
                CostLineForm {
                    category: "coffee".into(),
                    ..form("baseline", "1")
                }
                .parse()
            ),
            "category"
        );
        assert_eq!(field(form("addition", "1").parse()), "phase_id");
        assert_eq!(field(form("saving", "1").parse()), "start_month");
        assert_eq!(
            field(
                CostLineForm {
                    start_month: "March".into(),
                    ..form("saving", "1")
                }
                .parse()
            ),
            "start_month"
        );
        assert_eq!(
            field(
                CostLineForm {
                    name: " ".into(),
                    ..form("baseline", "1")
                }
                .parse()
            ),
            "name"
        );
    }
}

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
mod risk_tests {
    use super::*;
    use crate::model::RiskStatus;

    fn risk() -> RiskForm {
        RiskForm {
            title: " Credentials leak ".into(),
            likelihood: "3".into(),
            impact: " 5".into(),
            ..Default::default()
        }
    }

    fn field(result: Result<RiskInput, AppError>) -> String {
        match result.unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
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
