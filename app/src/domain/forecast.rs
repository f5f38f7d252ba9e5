//! When will a service be ready? A forecast from its readiness history (the burn-up).
//!
//! Each event stores the service's readiness right after it (done and applicable
//! items), so the history is a list of [`ReadinessPoint`]s. Readiness between two
//! points is the earlier one's (a step function). Percentages here are exact
//! (`done / applicable × 100`, 0 when nothing is applicable), not rounded down.
//!
//! The rule, with `now` the moment of the reading and *today* its UTC date:
//! 1. **Complete**: when the latest point has every applicable item done, the service
//!    is ready; the forecast is the date it last reached 100% (the first point of the
//!    final run of complete points), whatever the amount of history.
//! 2. **Too little history**: no forecast with fewer than 2 points, or when the first
//!    point is less than [`MIN_HISTORY_DAYS`] (7) days before `now`.
//! 3. **Pace**: over the window of the last [`WINDOW_DAYS`] (28) days — or the whole
//!    history when it is shorter — pace = (current % − % at the start of the window)
//!    / window length in days. The % at the start of the window is that of the last
//!    point at or before it (the first point when the history is shorter).
//! 4. **Not rising**: no forecast when the pace is ≤ 0.
//! 5. **Forecast date** = today + ⌈(100 − current %) / pace⌉ days; no forecast when
//!    that is more than [`MAX_FORECAST_DAYS`] away (the pace is too slow to mean much).

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// The pace is measured over at most this many days.
pub const WINDOW_DAYS: i64 = 28;
/// Less history than this gives no forecast.
pub const MIN_HISTORY_DAYS: i64 = 7;
/// A forecast further away than this (about ten years) is not given.
pub const MAX_FORECAST_DAYS: u64 = 3650;

const SECONDS_PER_DAY: f64 = 86_400.0;

/// The service's readiness right after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessPoint {
    pub at: DateTime<Utc>,
    pub done: u32,
    pub applicable: u32,
}

impl ReadinessPoint {
    /// Exact percentage done of applicable; 0 when nothing is applicable.
    pub fn percent(&self) -> f64 {
        if self.applicable == 0 {
            0.0
        } else {
            f64::from(self.done) * 100.0 / f64::from(self.applicable)
        }
    }

    pub fn is_complete(&self) -> bool {
        self.applicable > 0 && self.done >= self.applicable
    }
}

/// Why there is no forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NoForecast {
    /// Fewer than 2 points, or less than [`MIN_HISTORY_DAYS`] of history.
    TooLittleHistory,
    /// Readiness did not rise over the window.
    NotRising { window_days: i64 },
    /// At this pace the date is more than [`MAX_FORECAST_DAYS`] away.
    TooSlow {
        window_days: i64,
        points_per_day: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Forecast {
    /// Every applicable item is done, since this date.
    Complete {
        since: NaiveDate,
    },
    /// Ready around `date` at the pace of the last `window_days` days.
    Projected {
        date: NaiveDate,
        window_days: i64,
        points_per_day: f64,
    },
    None(NoForecast),
}

impl Forecast {
    /// The date the service is (or will be) ready, when there is one.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            Forecast::Complete { since } => Some(*since),
            Forecast::Projected { date, .. } => Some(*date),
            Forecast::None(_) => None,
        }
    }

    /// The rule's outcome in one sentence, as the page shows it.
    pub fn sentence(&self) -> String {
        match self {
            Forecast::Complete { since } => {
                format!(
                    "Ready since {}: every applicable item is done",
                    format_date(*since)
                )
            }
            Forecast::Projected {
                date,
                window_days,
                points_per_day,
            } => format!(
                "At the pace of the last {window_days} days ({} points a week), ready around {}",
                signed_one_decimal(points_per_day * 7.0),
                format_date(*date)
            ),
            Forecast::None(NoForecast::TooLittleHistory) => {
                "No forecast: too little history".to_string()
            }
            Forecast::None(NoForecast::NotRising { window_days }) => {
                format!("No forecast: readiness has not risen in the last {window_days} days")
            }
            Forecast::None(NoForecast::TooSlow {
                window_days,
                points_per_day,
            }) => format!(
                "No forecast: at the pace of the last {window_days} days ({} points a week), \
                 ready more than ten years from now",
                signed_one_decimal(points_per_day * 7.0)
            ),
        }
    }
}

/// `14 Feb 2027`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

fn signed_one_decimal(value: f64) -> String {
    let rounded = format!("{value:.1}");
    if rounded.starts_with('-') {
        rounded
    } else {
        format!("+{rounded}")
    }
}

fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_seconds() as f64 / SECONDS_PER_DAY
}

/// Applies the rule of this module to `points` (in any order) as of `now`.
pub fn forecast(points: &[ReadinessPoint], now: DateTime<Utc>) -> Forecast {
    let mut points = points.to_vec();
    points.sort_by_key(|p| p.at);
    let Some(last) = points.last().copied() else {
        return Forecast::None(NoForecast::TooLittleHistory);
    };
    // A point stamped after `now` (clock skew) moves `now`, not the history.
    let now = now.max(last.at);

    if last.is_complete() {
        let since = points
            .iter()
            .rev()
            .take_while(|p| p.is_complete())
            .last()
            .map_or(last.at, |p| p.at);
        return Forecast::Complete {
            since: since.date_naive(),
        };
    }
    let first = points[0];
    if points.len() < 2 || now - first.at < TimeDelta::days(MIN_HISTORY_DAYS) {
        return Forecast::None(NoForecast::TooLittleHistory);
    }

    let window_start = now - TimeDelta::days(WINDOW_DAYS);
    let (start_percent, window) = if first.at <= window_start {
        let at_start = points
            .iter()
            .rev()
            .find(|p| p.at <= window_start)
            .unwrap_or(&first);
        (at_start.percent(), WINDOW_DAYS as f64)
    } else {
        (first.percent(), days_between(first.at, now))
    };
    let window_days = window.floor() as i64;
    let current = last.percent();
    let points_per_day = (current - start_percent) / window;
    if points_per_day <= 0.0 {
        return Forecast::None(NoForecast::NotRising { window_days });
    }

    let days = ((100.0 - current) / points_per_day).ceil();
    let too_slow = Forecast::None(NoForecast::TooSlow {
        window_days,
        points_per_day,
    });
    if !days.is_finite() || days > MAX_FORECAST_DAYS as f64 {
        return too_slow;
    }
    match now.date_naive().checked_add_days(Days::new(days as u64)) {
        Some(date) => Forecast::Projected {
            date,
            window_days,
            points_per_day,
        },
        None => too_slow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap()
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, n).unwrap()
    }

    /// A point `days_ago` days before [`now`] with `done` of 100 applicable items.
    fn p(days_ago: f64, done: u32) -> ReadinessPoint {
        pa(days_ago, done, 100)
    }

    fn pa(days_ago: f64, done: u32, applicable: u32) -> ReadinessPoint {
        ReadinessPoint {
            at: now() - TimeDelta::seconds((days_ago * SECONDS_PER_DAY) as i64),
            done,
            applicable,
        }
    }

    fn projected(f: Forecast) -> (NaiveDate, i64, f64) {
        match f {
            Forecast::Projected {
                date,
                window_days,
                points_per_day,
            } => (date, window_days, points_per_day),
            other => panic!("expected a projection, got {other:?}"),
        }
    }

    #[test]
    fn percent_is_exact_and_zero_without_applicable_items() {
        assert_eq!(pa(0.0, 1, 3).percent(), 100.0 / 3.0);
        assert_eq!(pa(0.0, 0, 0).percent(), 0.0);
        assert!(!pa(0.0, 0, 0).is_complete());
        assert!(pa(0.0, 3, 3).is_complete());
    }

    #[test]
    fn no_history_gives_no_forecast() {
        assert_eq!(
            forecast(&[], now()),
            Forecast::None(NoForecast::TooLittleHistory)
        );
    }

    #[test]
    fn one_point_gives_no_forecast() {
        assert_eq!(
            forecast(&[p(30.0, 10)], now()),
            Forecast::None(NoForecast::TooLittleHistory)
        );
    }

    #[test]
    fn less_than_seven_days_gives_no_forecast() {
        let f = forecast(&[p(6.9, 10), p(1.0, 20)], now());
        assert_eq!(f, Forecast::None(NoForecast::TooLittleHistory));
        assert_eq!(f.sentence(), "No forecast: too little history");
        assert_eq!(f.date(), None);
    }

    #[test]
    fn exactly_seven_days_is_enough() {
        // 10% → 24% in 7 days: 2 points a day, 76 points left: 38 days.
        let (date, window, pace) = projected(forecast(&[p(7.0, 10), p(0.0, 24)], now()));
        assert_eq!(window, 7);
        assert!((pace - 2.0).abs() < 1e-9);
        assert_eq!(date, day(22) + Days::new(38));
    }

    #[test]
    fn shorter_history_uses_the_first_point_and_its_length() {
        // 14 days of history: 20% → 48%, 2 points a day, 52 left → 26 days.
        let points = [p(14.0, 20), p(10.0, 30), p(3.0, 48)];
        let (date, window, pace) = projected(forecast(&points, now()));
        assert_eq!(window, 14);
        assert!((pace - 2.0).abs() < 1e-9);
        assert_eq!(date, day(22) + Days::new(26));
    }

    #[test]
    fn long_history_uses_the_readiness_at_the_start_of_the_window() {
        // 40% from 35 days ago until 20 days ago; 28 days ago it was 40%.
        // 40% → 54% over 28 days = 0.5 a day, 46 points left → 92 days.
        let points = [p(60.0, 0), p(35.0, 40), p(20.0, 50), p(1.0, 54)];
        let (date, window, pace) = projected(forecast(&points, now()));
        assert_eq!(window, 28);
        assert!((pace - 0.5).abs() < 1e-9);
        assert_eq!(date, day(22) + Days::new(92));
        assert_eq!(
            forecast(&points, now()).sentence(),
            "At the pace of the last 28 days (+3.5 points a week), ready around 22 Feb 2027"
        );
    }

    #[test]
    fn a_point_exactly_at_the_window_start_counts_as_the_start() {
        let points = [p(40.0, 0), p(28.0, 44), p(0.0, 72)];
        let (_, window, pace) = projected(forecast(&points, now()));
        assert_eq!(window, 28);
        assert!((pace - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_days_left_round_up() {
        // 0.5 a day with 45 points left: exactly 90 days.
        let exact = [p(40.0, 0), p(28.0, 41), p(0.0, 55)];
        assert_eq!(
            forecast(&exact, now()).date(),
            Some(day(22) + Days::new(90))
        );
        // 409 → 549 of 1000 items: still 0.5 a day, but 45.1 points left: 90.2 → 91 days.
        let finer = [pa(40.0, 0, 1000), pa(28.0, 409, 1000), pa(0.0, 549, 1000)];
        assert_eq!(
            forecast(&finer, now()).date(),
            Some(day(22) + Days::new(91))
        );
    }

    #[test]
    fn flat_history_gives_no_forecast() {
        let f = forecast(&[p(30.0, 40), p(10.0, 40), p(0.0, 40)], now());
        assert_eq!(f, Forecast::None(NoForecast::NotRising { window_days: 28 }));
        assert_eq!(
            f.sentence(),
            "No forecast: readiness has not risen in the last 28 days"
        );
    }

    #[test]
    fn falling_readiness_gives_no_forecast() {
        // Items added or reopened: readiness fell over the window.
        let f = forecast(&[p(10.0, 50), p(0.0, 40)], now());
        assert_eq!(f, Forecast::None(NoForecast::NotRising { window_days: 10 }));
    }

    #[test]
    fn progress_before_the_window_does_not_count() {
        // Everything happened more than 28 days ago: flat since.
        let f = forecast(&[p(50.0, 0), p(30.0, 60)], now());
        assert_eq!(f, Forecast::None(NoForecast::NotRising { window_days: 28 }));
    }

    #[test]
    fn a_complete_service_is_ready_since_it_reached_100() {
        let points = [
            p(20.0, 50),
            pa(9.5, 100, 100),
            pa(5.0, 99, 99),
            pa(1.0, 99, 99),
        ];
        let f = forecast(&points, now());
        let reached = (now() - TimeDelta::seconds((9.5 * SECONDS_PER_DAY) as i64)).date_naive();
        assert_eq!(f, Forecast::Complete { since: reached });
        assert_eq!(f.date(), Some(reached));
        assert_eq!(
            f.sentence(),
            format!(
                "Ready since {}: every applicable item is done",
                format_date(reached)
            )
        );
    }

    #[test]
    fn reaching_100_again_counts_from_the_last_time() {
        let points = [p(20.0, 100), p(10.0, 90), p(2.0, 100)];
        let since = (now() - TimeDelta::days(2)).date_naive();
        assert_eq!(forecast(&points, now()), Forecast::Complete { since });
    }

    #[test]
    fn complete_with_a_single_point_or_little_history() {
        let f = forecast(&[p(1.0, 100)], now());
        assert_eq!(f, Forecast::Complete { since: day(21) });
    }

    #[test]
    fn nothing_applicable_is_not_complete() {
        let f = forecast(&[pa(30.0, 0, 0), pa(0.0, 0, 0)], now());
        assert_eq!(f, Forecast::None(NoForecast::NotRising { window_days: 28 }));
    }

    #[test]
    fn a_very_slow_pace_gives_no_date() {
        // 0.01 points in 28 days: hundreds of thousands of days away.
        let points = [pa(28.0, 1000, 10_000), pa(0.0, 1001, 10_000)];
        let f = forecast(&points, now());
        assert!(
            matches!(
                f,
                Forecast::None(NoForecast::TooSlow {
                    window_days: 28,
                    ..
                })
            ),
            "{f:?}"
        );
        assert!(
            f.sentence().starts_with("No forecast: at the pace"),
            "{}",
            f.sentence()
        );
    }

    #[test]
    fn order_of_points_does_not_matter() {
        let points = [p(3.0, 48), p(14.0, 20), p(10.0, 30)];
        assert_eq!(
            forecast(&points, now()).date(),
            Some(day(22) + Days::new(26))
        );
    }

    #[test]
    fn points_after_now_move_now() {
        // The last point is one day "in the future": the history is 8 days long.
        let points = [p(7.0, 10), p(-1.0, 26)];
        let (date, window, _) = projected(forecast(&points, now()));
        assert_eq!(window, 8);
        assert_eq!(date, day(23) + Days::new(37));
    }

    #[test]
    fn sentences_show_one_decimal_of_weekly_pace() {
        let f = Forecast::Projected {
            date: NaiveDate::from_ymd_opt(2027, 2, 14).unwrap(),
            window_days: 28,
            points_per_day: 1.0 / 7.0 * 5.94,
        };
        assert_eq!(
            f.sentence(),
            "At the pace of the last 28 days (+5.9 points a week), ready around 14 Feb 2027"
        );
    }
}
