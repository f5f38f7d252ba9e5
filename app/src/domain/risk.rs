//! Risk scoring: score, level, residual after mitigation, and the heat map.
//!
//! - **Score** = likelihood × impact, each 1–5, so 1–25.
//! - **Level** from [`LEVEL_MATRIX`]: 1–4 low, 5–9 medium, 10–16 high, 20–25 critical.
//!   No product of two values 1–5 falls in 17–19; such a score (and anything above)
//!   counts as critical, anything below 1 as low, so every score has a level.
//! - **Residual**: the checklist items that mitigate a risk lower its likelihood in
//!   proportion to the share of them done, ignoring N/A items, rounded *up* (a
//!   half-mitigated risk is not yet as unlikely as the arithmetic says) and never
//!   below 1 (done work does not make a risk impossible):
//!   `residual likelihood = max(1, ⌈likelihood × (applicable − done) / applicable⌉)`.
//!   With no applicable linked items the residual equals the inherent. Impact is
//!   unchanged: mitigation makes a risk less likely, not less harmful.

use crate::model::{ItemStatus, RiskStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl RiskLevel {
    pub const ALL: &'static [RiskLevel] = &[
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }
}

impl std::fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one risk matrix: each level with its lowest and highest score.
pub const LEVEL_MATRIX: [(RiskLevel, i32, i32); 4] = [
    (RiskLevel::Low, 1, 4),
    (RiskLevel::Medium, 5, 9),
    (RiskLevel::High, 10, 16),
    (RiskLevel::Critical, 20, 25),
];

/// Likelihood and impact run from 1 to this.
pub const SCALE_MAX: i16 = 5;

/// A risk's likelihood, impact, score and level, before or after mitigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub likelihood: i16,
    pub impact: i16,
    pub score: i32,
    pub level: RiskLevel,
}

/// Whether a risk of this status counts as open (on heat maps and in the portfolio's
/// risk counts): all but closed ones; accepted risks are still there.
pub fn on_heat_map(status: RiskStatus) -> bool {
    status != RiskStatus::Closed
}

/// Likelihood × impact, in `i32` so that no input overflows.
pub fn score(likelihood: i16, impact: i16) -> i32 {
    i32::from(likelihood) * i32::from(impact)
}

/// The level of a score per [`LEVEL_MATRIX`]; scores between or beyond its bands
/// take the next level up, so 17–19 and above 25 are critical, 0 and below low.
pub fn level(score: i32) -> RiskLevel {
    LEVEL_MATRIX
        .iter()
        .find(|(_, _, highest)| score <= *highest)
        .map_or(RiskLevel::Critical, |(level, _, _)| *level)
}

/// The risk as assessed, before any mitigation.
pub fn inherent(likelihood: i16, impact: i16) -> Assessment {
    let score = score(likelihood, impact);
    Assessment {
        likelihood,
        impact,
        score,
        level: level(score),
    }
}

/// The risk after its linked items' progress (see the module doc for the rule).
pub fn residual(
    likelihood: i16,
    impact: i16,
    linked_statuses: impl IntoIterator<Item = ItemStatus>,
) -> Assessment {
    let (mut applicable, mut done) = (0u64, 0u64);
    for status in linked_statuses {
        if status != ItemStatus::NotApplicable {
            applicable += 1;
            done += u64::from(status == ItemStatus::Done);
        }
    }
    // Nothing to reduce: no applicable items, or a likelihood already at (or, for
    // invalid input, below) the floor of 1.
    let Ok(full) = u64::try_from(likelihood) else {
        return inherent(likelihood, impact);
    };
    if applicable == 0 || full <= 1 {
        return inherent(likelihood, impact);
    }
    // Ceiling division in u128: no overflow whatever the number of items.
    let remaining = u128::from(full) * u128::from(applicable - done);
    let reduced = remaining.div_ceil(u128::from(applicable)).max(1);
    // `reduced` is between 1 and `likelihood`, so it fits back into i16.
    inherent(i16::try_from(reduced).unwrap_or(likelihood), impact)
}

/// Risk counts per cell, indexed `[likelihood − 1][impact − 1]`. Values outside 1–5
/// are left out.
pub fn heat_map(points: impl IntoIterator<Item = (i16, i16)>) -> [[u32; 5]; 5] {
    let mut cells = [[0u32; 5]; 5];
    let index = |value: i16| {
        usize::try_from(value)
            .ok()
            .filter(|v| (1..=SCALE_MAX as usize).contains(v))
            .map(|v| v - 1)
    };
    for (likelihood, impact) in points {
        if let (Some(l), Some(i)) = (index(likelihood), index(impact)) {
            cells[l][i] = cells[l][i].saturating_add(1);
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::*;
    use RiskLevel::*;

    #[test]
    fn matrix_boundaries() {
        assert_eq!(level(1), Low);
        assert_eq!(level(4), Low);
        assert_eq!(level(5), Medium);
        assert_eq!(level(9), Medium);
        assert_eq!(level(10), High);
        assert_eq!(level(16), High);
        assert_eq!(level(20), Critical);
        assert_eq!(level(25), Critical);
        // Not products of 1–5, but still levelled.
        assert_eq!(level(17), Critical);
        assert_eq!(level(19), Critical);
        assert_eq!(level(0), Low);
        assert_eq!(level(-3), Low);
        assert_eq!(level(i32::MAX), Critical);
    }

    #[test]
    fn every_product_falls_inside_a_band_of_the_matrix() {
        for l in 1..=SCALE_MAX {
            for i in 1..=SCALE_MAX {
                let s = score(l, i);
                let (band, _, _) = LEVEL_MATRIX
                    .iter()
                    .find(|(_, lo, hi)| (*lo..=*hi).contains(&s))
                    .unwrap_or_else(|| panic!("{s} is in no band"));
                assert_eq!(level(s), *band);
            }
        }
    }

    #[test]
    fn scores_and_inherent_assessment() {
        assert_eq!(score(4, 5), 20);
        assert_eq!(score(i16::MAX, i16::MAX), 1_073_676_289);
        assert_eq!(
            inherent(3, 3),
            Assessment {
                likelihood: 3,
                impact: 3,
                score: 9,
                level: Medium
            }
        );
        assert_eq!(inherent(4, 4).level, High);
        assert_eq!(inherent(4, 5).level, Critical);
    }

    #[test]
    fn residual_falls_as_linked_items_are_done() {
        // None done: unchanged.
        assert_eq!(residual(5, 4, [Todo, InProgress, Todo]), inherent(5, 4));
        // 1 of 3 done: ⌈5 × 2 / 3⌉ = ⌈3.33⌉ = 4.
        assert_eq!(residual(5, 4, [Done, Todo, InProgress]), inherent(4, 4));
        // 2 of 3 done: ⌈5 / 3⌉ = 2.
        assert_eq!(residual(5, 4, [Done, Done, Todo]), inherent(2, 4));
        // All done: 0, clamped to 1.
        let all = residual(5, 4, [Done, Done, Done]);
        assert_eq!(all, inherent(1, 4));
        assert_eq!((all.score, all.level), (4, Low));
    }

    #[test]
    fn not_applicable_items_do_not_count() {
        // 1 of 2 applicable done: ⌈4 × 1 / 2⌉ = 2.
        assert_eq!(
            residual(4, 5, [Done, Todo, NotApplicable, NotApplicable]).likelihood,
            2
        );
        // Only N/A items: as if none were linked.
        assert_eq!(residual(4, 5, [NotApplicable]), inherent(4, 5));
        assert_eq!(residual(4, 5, []), inherent(4, 5));
    }

    #[test]
    fn residual_never_goes_below_1() {
        assert_eq!(residual(1, 5, [Done]), inherent(1, 5));
        // 9 of 10 done: ⌈2 × 1 / 10⌉ = 1.
        let mut statuses = vec![Done; 9];
        statuses.push(Todo);
        assert_eq!(residual(2, 5, statuses).likelihood, 1);
        // Invalid likelihoods are left as they are rather than raised.
        assert_eq!(residual(0, 5, [Done]), inherent(0, 5));
        assert_eq!(residual(-2, 5, [Done]), inherent(-2, 5));
    }

    #[test]
    fn heat_map_counts_cells_and_ignores_out_of_range() {
        let map = heat_map([(1, 1), (5, 5), (5, 5), (2, 4), (0, 3), (6, 1), (3, -1)]);
        assert_eq!(map[0][0], 1);
        assert_eq!(map[4][4], 2);
        assert_eq!(map[1][3], 1);
        assert_eq!(map.iter().flatten().sum::<u32>(), 4);
        assert_eq!(heat_map([]), [[0; 5]; 5]);
    }

    #[test]
    fn levels_serialise_in_snake_case() {
        for l in RiskLevel::ALL {
            assert_eq!(
                serde_json::to_string(l).unwrap(),
                format!("\"{}\"", l.as_str())
            );
        }
        assert_eq!(Critical.label(), "Critical");
        assert!(High < Critical && Low < Medium);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn arb_status() -> impl Strategy<Value = ItemStatus> {
            prop::sample::select(ItemStatus::ALL)
        }

        proptest! {
            #[test]
            fn residual_stays_between_impact_and_inherent(
                likelihood in 1i16..=SCALE_MAX,
                impact in 1i16..=SCALE_MAX,
                statuses in prop::collection::vec(arb_status(), 0..20),
            ) {
                let before = inherent(likelihood, impact);
                let after = residual(likelihood, impact, statuses);
                prop_assert!(after.score <= before.score);
                prop_assert!(after.score >= i32::from(impact));
                prop_assert!(after.level <= before.level);
                prop_assert_eq!(after.impact, impact);
            }

            #[test]
            fn scoring_never_panics(
                likelihood in any::<i16>(),
                impact in any::<i16>(),
                statuses in prop::collection::vec(arb_status(), 0..8),
            ) {
                let after = residual(likelihood, impact, statuses);
                prop_assert!(after.likelihood <= likelihood.max(1));
                heat_map([(likelihood, impact)]);
            }
        }
    }
}
