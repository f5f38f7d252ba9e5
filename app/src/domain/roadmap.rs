//! Phase schedule: whether a phase finished, is on track, or is late.
//!
//! - A phase is *complete* when all its applicable items are done (see
//!   [`Progress::is_complete`]); it was *on time* when it completed on or before its
//!   planned end day.
//! - An open phase is *late* once its planned end day has passed, *on track* before,
//!   and *unscheduled* without a planned end.

use crate::domain::progress::Progress;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Complete { on_time: bool },
    OnTrack,
    Late,
    Unscheduled,
}

impl Schedule {
    pub fn label(self) -> &'static str {
        match self {
            Schedule::Complete { on_time: true } => "Complete, on time",
            Schedule::Complete { on_time: false } => "Complete, late",
            Schedule::OnTrack => "On track",
            Schedule::Late => "Late",
            Schedule::Unscheduled => "No planned end",
        }
    }

    pub fn css_class(self) -> &'static str {
        match self {
            Schedule::Complete { on_time: true } => "schedule-done",
            Schedule::Complete { on_time: false } => "schedule-done-late",
            Schedule::OnTrack => "schedule-on-track",
            Schedule::Late => "schedule-late",
            Schedule::Unscheduled => "schedule-none",
        }
    }
}

/// `completed_at` is what the database recorded; a phase that became complete in this
/// browser session may not have it yet, and then counts as completing `today`.
pub fn schedule(
    progress: Progress,
    completed_at: Option<DateTime<Utc>>,
    planned_end: Option<NaiveDate>,
    today: NaiveDate,
) -> Schedule {
    if progress.is_complete() {
        let finished = completed_at.map(|t| t.date_naive()).unwrap_or(today);
        return Schedule::Complete {
            on_time: planned_end.is_none_or(|end| finished <= end),
        };
    }
    match planned_end {
        None => Schedule::Unscheduled,
        Some(end) if end < today => Schedule::Late,
        Some(_) => Schedule::OnTrack,
    }
}

/// "2–3 days", "5 days", "at least 2 days", "up to 3 days", or None.
pub fn effort_label(min: Option<i32>, max: Option<i32>) -> Option<String> {
    let days = |n: i32| if n == 1 { "day" } else { "days" };
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("{a} {}", days(a))),
        (Some(a), Some(b)) => Some(format!("{a}–{b} {}", days(b))),
        (Some(a), None) => Some(format!("at least {a} {}", days(a))),
        (None, Some(b)) => Some(format!("up to {b} {}", days(b))),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }
    const DONE: Progress = Progress {
        done: 3,
        applicable: 3,
    };
    const OPEN: Progress = Progress {
        done: 1,
        applicable: 3,
    };

    #[test]
    fn complete_phases_are_on_time_or_late_by_completion_day() {
        let at = |d| Some(Utc.with_ymd_and_hms(2026, 11, d, 23, 0, 0).unwrap());
        assert_eq!(
            schedule(DONE, at(14), Some(day(14)), day(22)),
            Schedule::Complete { on_time: true }
        );
        assert_eq!(
            schedule(DONE, at(15), Some(day(14)), day(22)),
            Schedule::Complete { on_time: false }
        );
        assert_eq!(
            schedule(DONE, None, Some(day(14)), day(22)),
            Schedule::Complete { on_time: false }
        );
        assert_eq!(
            schedule(DONE, None, None, day(22)),
            Schedule::Complete { on_time: true }
        );
    }

    #[test]
    fn open_phases_are_late_after_their_end_day() {
        assert_eq!(
            schedule(OPEN, None, Some(day(22)), day(22)),
            Schedule::OnTrack
        );
        assert_eq!(schedule(OPEN, None, Some(day(21)), day(22)), Schedule::Late);
        assert_eq!(schedule(OPEN, None, None, day(22)), Schedule::Unscheduled);
        // No applicable items: not complete.
        assert_eq!(
            schedule(Progress::default(), None, Some(day(30)), day(22)),
            Schedule::OnTrack
        );
    }

    #[test]
    fn effort_labels() {
        assert_eq!(effort_label(Some(2), Some(3)).as_deref(), Some("2–3 days"));
        assert_eq!(effort_label(Some(1), Some(1)).as_deref(), Some("1 day"));
        assert_eq!(effort_label(None, Some(3)).as_deref(), Some("up to 3 days"));
        assert_eq!(effort_label(None, None), None);
    }
}
