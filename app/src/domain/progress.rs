//! Readiness progress, weighted score and the launch gate.
//!
//! Rules (product brief):
//! - An item is *applicable* unless its status is `not_applicable`.
//! - Progress = done / applicable. The percentage is rounded **down**, so a service
//!   shows 100% only when every applicable item is done.
//! - The weighted score counts each item with [`priority_weight`].
//! - A service is *blocked* while any critical item is neither done nor N/A.

use crate::model::{ItemStatus, Priority};

/// The one table of priority weights used everywhere a score is weighted.
pub const PRIORITY_WEIGHTS: [(Priority, u32); 4] = [
    (Priority::Critical, 5),
    (Priority::High, 3),
    (Priority::Medium, 2),
    (Priority::Low, 1),
];

pub fn priority_weight(priority: Priority) -> u32 {
    PRIORITY_WEIGHTS
        .iter()
        .find(|(p, _)| *p == priority)
        .map(|(_, w)| *w)
        .unwrap_or(1)
}

/// Done out of applicable, in items or in weight points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: u32,
    pub applicable: u32,
}

impl Progress {
    /// Whole percent, rounded down; 0 when nothing is applicable.
    pub fn percent(self) -> u32 {
        if self.applicable == 0 {
            0
        } else {
            (u64::from(self.done) * 100 / u64::from(self.applicable)) as u32
        }
    }

    pub fn is_complete(self) -> bool {
        self.applicable > 0 && self.done == self.applicable
    }
}

impl std::ops::Add for Progress {
    type Output = Progress;
    fn add(self, other: Progress) -> Progress {
        Progress {
            done: self.done + other.done,
            applicable: self.applicable + other.applicable,
        }
    }
}

impl std::iter::Sum for Progress {
    fn sum<I: Iterator<Item = Progress>>(iter: I) -> Progress {
        iter.fold(Progress::default(), |a, b| a + b)
    }
}

/// Item counts: done / applicable.
pub fn readiness(statuses: impl IntoIterator<Item = ItemStatus>) -> Progress {
    statuses
        .into_iter()
        .filter(|s| *s != ItemStatus::NotApplicable)
        .map(|s| Progress {
            done: u32::from(s == ItemStatus::Done),
            applicable: 1,
        })
        .sum()
}

/// Weight points: the same ratio with each item counted by its priority's weight.
pub fn weighted_score(items: impl IntoIterator<Item = (ItemStatus, Priority)>) -> Progress {
    items
        .into_iter()
        .filter(|(s, _)| *s != ItemStatus::NotApplicable)
        .map(|(s, p)| {
            let w = priority_weight(p);
            Progress {
                done: if s == ItemStatus::Done { w } else { 0 },
                applicable: w,
            }
        })
        .sum()
}

/// Whether this item keeps the launch gate closed.
pub fn blocks_launch(status: ItemStatus, priority: Priority) -> bool {
    priority == Priority::Critical
        && !matches!(status, ItemStatus::Done | ItemStatus::NotApplicable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::*;
    use Priority::*;

    #[test]
    fn not_applicable_items_do_not_count() {
        let p = readiness([Done, Todo, NotApplicable, InProgress]);
        assert_eq!(
            p,
            Progress {
                done: 1,
                applicable: 3
            }
        );
        assert_eq!(p.percent(), 33);
    }

    #[test]
    fn percent_rounds_down_so_only_complete_is_100() {
        let mut statuses = vec![Done; 199];
        statuses.push(Todo);
        let p = readiness(statuses);
        assert_eq!(p.percent(), 99);
        assert!(!p.is_complete());
        assert_eq!(readiness([Done, NotApplicable]).percent(), 100);
    }

    #[test]
    fn nothing_applicable_is_zero_and_not_complete() {
        let p = readiness([NotApplicable]);
        assert_eq!(p.percent(), 0);
        assert!(!p.is_complete());
        assert_eq!(readiness([]), Progress::default());
    }

    #[test]
    fn weighted_score_uses_the_weight_table() {
        let p = weighted_score([
            (Done, Critical),
            (Todo, Low),
            (Done, Medium),
            (NotApplicable, High),
        ]);
        assert_eq!(
            p,
            Progress {
                done: 7,
                applicable: 8
            }
        );
        assert_eq!(p.percent(), 87);
    }

    #[test]
    fn critical_items_block_until_done_or_not_applicable() {
        assert!(blocks_launch(Todo, Critical));
        assert!(blocks_launch(InProgress, Critical));
        assert!(!blocks_launch(Done, Critical));
        assert!(!blocks_launch(NotApplicable, Critical));
        assert!(!blocks_launch(Todo, High));
    }
}
