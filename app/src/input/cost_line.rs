//! A cost line as its form posts it, and its parsing.

use super::parse_id;
use crate::domain::money::parse_cents;
use crate::domain::validate as v;
use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
mod tests {
    use super::*;
    use crate::input::invalid_field as field;
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
