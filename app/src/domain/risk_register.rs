//! The risk register's rules, as the risks tab applies them: each risk's inherent and
//! residual assessment, the heat map's counts, the register's order, overdue reviews.

use crate::domain::risk::{self, Assessment, on_heat_map};
use crate::model::{ItemStatus, Risk, RiskStatus};
use chrono::NaiveDate;
use std::cmp::Reverse;

/// Which score the heat map places risks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeatMode {
    Inherent,
    Residual,
}

impl HeatMode {
    pub fn label(self) -> &'static str {
        match self {
            HeatMode::Inherent => "Inherent",
            HeatMode::Residual => "Residual",
        }
    }
}

/// A risk's inherent and residual assessment, given the status of each checklist item
/// (`None` for an item that is not, or no longer, in the service).
pub fn assess(
    risk: &Risk,
    status_of: impl Fn(i64) -> Option<ItemStatus>,
) -> (Assessment, Assessment) {
    let linked = risk
        .mitigating_item_ids
        .iter()
        .filter_map(|id| status_of(*id));
    (
        risk::inherent(risk.likelihood, risk.impact),
        risk::residual(risk.likelihood, risk.impact, linked),
    )
}

/// Heat-map counts of the risks on the map, by inherent or residual position.
pub fn heat_counts(
    rows: impl IntoIterator<Item = (RiskStatus, Assessment, Assessment)>,
    mode: HeatMode,
) -> [[u32; 5]; 5] {
    risk::heat_map(
        rows.into_iter()
            .filter(|(status, _, _)| on_heat_map(*status))
            .map(|(_, inherent, residual)| match mode {
                HeatMode::Inherent => (inherent.likelihood, inherent.impact),
                HeatMode::Residual => (residual.likelihood, residual.impact),
            }),
    )
}

/// The register's order: residual score descending, then inherent descending; closed
/// risks after all others; oldest first among equals.
pub fn order_key(
    id: i64,
    status: RiskStatus,
    inherent: &Assessment,
    residual: &Assessment,
) -> (bool, Reverse<i32>, Reverse<i32>, i64) {
    (
        status == RiskStatus::Closed,
        Reverse(residual.score),
        Reverse(inherent.score),
        id,
    )
}

/// A review date in the past, on a risk that is not closed.
pub fn review_overdue(risk: &Risk, today: NaiveDate) -> bool {
    risk.status != RiskStatus::Closed && risk.review_date.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::*;

    fn risk(id: i64, likelihood: i16, impact: i16, items: &[i64], status: RiskStatus) -> Risk {
        Risk {
            id,
            title: format!("Risk {id}"),
            description: String::new(),
            likelihood,
            impact,
            mitigation: String::new(),
            owner: String::new(),
            status,
            review_date: None,
            mitigating_item_ids: items.to_vec(),
            version: 1,
        }
    }

    fn statuses(id: i64) -> Option<ItemStatus> {
        match id {
            1 => Some(Done),
            2 => Some(Todo),
            3 => Some(NotApplicable),
            _ => None,
        }
    }

    #[test]
    fn residual_reads_the_linked_items_and_ignores_unknown_ones() {
        let r = risk(1, 4, 5, &[1, 2, 3, 99], RiskStatus::Open);
        let (inherent, residual) = assess(&r, statuses);
        assert_eq!(
            (inherent.score, inherent.level),
            (20, risk::RiskLevel::Critical)
        );
        // 1 of 2 applicable done: ⌈4 × 1 / 2⌉ = 2.
        assert_eq!((residual.likelihood, residual.score), (2, 10));
        let none = risk(2, 4, 5, &[], RiskStatus::Open);
        assert_eq!(assess(&none, statuses).1, assess(&none, statuses).0);
    }

    #[test]
    fn heat_map_leaves_out_closed_risks_and_moves_with_the_mode() {
        let risks = [
            risk(1, 4, 5, &[1, 2], RiskStatus::Open),
            risk(2, 3, 3, &[], RiskStatus::Accepted),
            risk(3, 5, 5, &[], RiskStatus::Closed),
            risk(4, 2, 2, &[1], RiskStatus::Mitigating),
        ];
        let rows = || {
            risks.iter().map(|r| {
                let (i, res) = assess(r, statuses);
                (r.status, i, res)
            })
        };
        let inherent = heat_counts(rows(), HeatMode::Inherent);
        assert_eq!(inherent[3][4], 1);
        assert_eq!(inherent[2][2], 1);
        assert_eq!(inherent[1][1], 1);
        assert_eq!(inherent[4][4], 0, "closed risks are not on the map");
        assert_eq!(inherent.iter().flatten().sum::<u32>(), 3);
        let residual = heat_counts(rows(), HeatMode::Residual);
        assert_eq!(
            residual[1][4], 1,
            "4 × 5 with half its items done moves to 2 × 5"
        );
        assert_eq!(
            residual[0][1], 1,
            "2 × 2 with its only item done moves to 1 × 2"
        );
        assert_eq!(residual[2][2], 1);
        assert_eq!(residual.iter().flatten().sum::<u32>(), 3);
        assert!(on_heat_map(RiskStatus::Accepted) && !on_heat_map(RiskStatus::Closed));
    }

    #[test]
    fn register_order_is_residual_then_inherent_with_closed_last() {
        let risks = [
            risk(1, 4, 5, &[1, 2], RiskStatus::Open), // 20 → 10
            risk(2, 2, 5, &[], RiskStatus::Open),     // 10 → 10
            risk(3, 5, 5, &[], RiskStatus::Closed),   // 25 → 25, closed
            risk(4, 3, 4, &[], RiskStatus::Accepted), // 12 → 12
            risk(5, 5, 2, &[], RiskStatus::Open),     // 10 → 10, newer than 2
        ];
        let mut rows: Vec<_> = risks
            .iter()
            .map(|r| {
                let (i, res) = assess(r, statuses);
                (r.id, r.status, i, res)
            })
            .collect();
        rows.sort_by_key(|(id, status, i, r)| order_key(*id, *status, i, r));
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ids, [4, 1, 2, 5, 3]);
    }

    #[test]
    fn reviews_in_the_past_are_overdue_unless_closed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut r = risk(1, 3, 3, &[], RiskStatus::Open);
        assert!(!review_overdue(&r, today));
        r.review_date = NaiveDate::from_ymd_opt(2026, 11, 21);
        assert!(review_overdue(&r, today));
        r.review_date = Some(today);
        assert!(!review_overdue(&r, today));
        r.review_date = NaiveDate::from_ymd_opt(2026, 1, 1);
        r.status = RiskStatus::Closed;
        assert!(!review_overdue(&r, today));
    }
}
