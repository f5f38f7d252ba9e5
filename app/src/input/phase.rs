//! A roadmap phase as its form posts it, and its parsing.

use super::{parse_date, parse_days};
use crate::domain::money::parse_cents;
use crate::domain::validate as v;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::invalid_field as field;

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
