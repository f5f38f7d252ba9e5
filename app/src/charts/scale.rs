//! Axis ticks and labels, computed with integer and calendar arithmetic only (no
//! logarithms or powers), so both targets pick the same ticks.

use chrono::{Datelike, NaiveDate};

use super::theme::text_width;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Evenly spaced "nice" money ticks (whole dollars: 1, 2 or 5 × 10ⁿ dollars apart)
/// covering `min..=max` cents, at most `max_ticks` (at least 2) intervals. The first and last
/// tick are the axis ends. An all-zero range gives `$0..$100`.
pub fn money_ticks(min: i128, max: i128, max_ticks: u32) -> Vec<i128> {
    let (min, max) = if min <= max { (min, max) } else { (max, min) };
    let (min, max) = if min == max {
        if min == 0 {
            (0, 10_000)
        } else {
            (min.min(0), max.max(0))
        }
    } else {
        (min, max)
    };
    // Two intervals always suffice once a step exceeds the span (a range around $0
    // becomes -step..step), so the search below ends.
    let intervals = i128::from(max_ticks.max(2));
    // The finest 1-2-5 step whose rounded-out axis has at most `intervals` intervals.
    let mut magnitude: i128 = 100; // one dollar
    let (step, lo, hi) = 'found: loop {
        for m in [1, 2, 5] {
            let step = magnitude * m;
            let lo = min.div_euclid(step) * step;
            let hi = -((-max).div_euclid(step) * step);
            if (hi - lo) / step <= intervals {
                break 'found (step, lo, hi);
            }
        }
        magnitude *= 10;
    };
    let mut ticks = Vec::new();
    let mut t = lo;
    while t <= hi {
        ticks.push(t);
        t += step;
    }
    ticks
}

/// Whole dollars with thousands separators: `121600` → `"$1,216"`, `-20000` →
/// `"-$200"`. Cents are dropped (axis ticks are whole dollars).
pub fn dollars(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${}", group(cents.unsigned_abs() / 100))
}

/// Dollars and cents, as the rest of the app shows money: `"$1,216.00"`.
pub fn money(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}${}.{:02}", group(abs / 100), abs % 100)
}

fn group(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `14 Feb 2027`, as the rest of the app writes dates.
pub fn long_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// Day number (days since 1 Jan of year 1), the x coordinate of date axes.
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

const STEPS: [Step; 8] = [
    Step::Days(1),
    Step::Days(2),
    Step::Weeks(1),
    Step::Weeks(2),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
];

impl Step {
    fn label(self, date: NaiveDate) -> String {
        match self {
            Step::Days(_) | Step::Weeks(_) => {
                format!("{} {}", date.day(), MONTHS[date.month0() as usize])
            }
            Step::Months(_) => format!(
                "{} {:02}",
                MONTHS[date.month0() as usize],
                date.year().rem_euclid(100)
            ),
            Step::Years(_) => date.year().to_string(),
        }
    }

    /// How many ticks this step puts between `first` and `last` (an upper bound).
    fn count(self, first: NaiveDate, last: NaiveDate) -> i64 {
        let days = (last - first).num_days();
        let months = month_index(last) - month_index(first);
        let years = i64::from(last.year() - first.year());
        match self {
            Step::Days(k) => days / i64::from(k) + 1,
            Step::Weeks(k) => days / (7 * i64::from(k)) + 1,
            Step::Months(k) => months / i64::from(k) + 1,
            Step::Years(k) => years / i64::from(k) + 1,
        }
    }
}

fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn from_month_index(index: i64) -> Option<NaiveDate> {
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, index.rem_euclid(12) as u32 + 1, 1)
}

/// Date ticks between `first` and `last` (inclusive) for an axis `width` pixels
/// wide with labels at `px`: days, weeks (Mondays), months (the 1st, labelled
/// `Mar 26`) or years (1 January), the finest step whose labels do not collide.
pub fn date_ticks(first: NaiveDate, last: NaiveDate, width: i32, px: f64) -> Vec<(i64, String)> {
    let (first, last) = if first <= last {
        (first, last)
    } else {
        (last, first)
    };
    let fits = |step: Step, sample: &str| {
        let room = i64::from(text_width(sample, px) + 14).max(1);
        step.count(first, last) <= (i64::from(width.max(0)) / room).max(1)
    };
    let mut chosen = None;
    for step in STEPS {
        let sample = step.label(NaiveDate::from_ymd_opt(2000, 9, 28).unwrap_or_default());
        if fits(step, &sample) {
            chosen = Some(step);
            break;
        }
    }
    let step = chosen.unwrap_or_else(|| {
        let sample = first.year().max(last.year()).to_string();
        // 1, 2, 5, 10, 20, 50, … years; the calendar (±262,000 years) ends first.
        let mut power: u32 = 1;
        loop {
            for m in [1, 2, 5] {
                let candidate = Step::Years(m * power);
                if fits(candidate, &sample) || power >= 100_000_000 {
                    return candidate;
                }
            }
            power *= 10;
        }
    });
    generate(step, first, last)
        .into_iter()
        .map(|d| (day_number(d), step.label(d)))
        .collect()
}

fn generate(step: Step, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
    let limit = step.count(first, last).clamp(0, 1_000) as usize + 2;
    let mut out = Vec::new();
    match step {
        Step::Days(k) | Step::Weeks(k) => {
            let stride = if let Step::Weeks(_) = step { 7 * k } else { k };
            let offset = match step {
                Step::Weeks(_) => (7 - first.weekday().num_days_from_monday()) % 7,
                _ => 0,
            };
            let mut date = first.checked_add_days(chrono::Days::new(u64::from(offset)));
            while let Some(d) = date {
                if d > last || out.len() >= limit {
                    break;
                }
                out.push(d);
                date = d.checked_add_days(chrono::Days::new(u64::from(stride)));
            }
        }
        Step::Months(k) => {
            let k = i64::from(k);
            let mut index = month_index(first) + i64::from(first.day() != 1);
            index += (k - index.rem_euclid(k)) % k;
            while let Some(d) = from_month_index(index) {
                if d > last || out.len() >= limit {
                    break;
                }
                out.push(d);
                index += k;
            }
        }
        Step::Years(k) => {
            let k = i64::from(k);
            let mut year = i64::from(first.year()) + i64::from(first.ordinal() != 1);
            year += (k - year.rem_euclid(k)) % k;
            while let Some(d) = i32::try_from(year)
                .ok()
                .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            {
                if d > last || out.len() >= limit {
                    break;
                }
                out.push(d);
                year += k;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn money_ticks_are_nice_and_cover_the_range() {
        assert_eq!(
            money_ticks(0, 121_600, 4),
            vec![0, 50_000, 100_000, 150_000]
        );
        assert_eq!(money_ticks(-8_000, 131_985, 8).len(), 9); // -$200 to $1,400
        assert_eq!(money_ticks(-8_000, 131_985, 8)[0], -20_000);
        assert_eq!(money_ticks(0, 0, 4), vec![0, 5_000, 10_000]);
        assert_eq!(
            money_ticks(-20_000, 30_000, 5),
            vec![-20_000, -10_000, 0, 10_000, 20_000, 30_000]
        );
        let huge = money_ticks(i128::from(i64::MIN), i128::from(i64::MAX), 6);
        assert!(huge.len() >= 2 && huge.len() <= 8);
        assert!(huge[0] <= i128::from(i64::MIN) && *huge.last().unwrap() >= i128::from(i64::MAX));
    }

    #[test]
    fn money_labels() {
        assert_eq!(dollars(121_600), "$1,216");
        assert_eq!(dollars(-20_000), "-$200");
        assert_eq!(dollars(0), "$0");
        assert_eq!(money(32_383), "$323.83");
        assert_eq!(money(-1_500), "-$15.00");
    }

    #[test]
    fn date_ticks_pick_a_step_that_fits() {
        let weeks = date_ticks(day(2026, 3, 1), day(2026, 4, 30), 600, 11.0);
        assert!(weeks.len() >= 4, "{weeks:?}");
        assert_eq!(weeks[0].1, "2 Mar"); // the first Monday
        let months = date_ticks(day(2026, 1, 15), day(2027, 1, 15), 600, 11.0);
        assert_eq!(months.first().map(|t| t.1.as_str()), Some("Mar 26")); // every 2nd month
        let years = date_ticks(day(2000, 1, 1), day(2100, 1, 1), 600, 11.0);
        assert!(years.len() >= 2 && years.len() <= 13, "{years:?}");
        assert!(date_ticks(NaiveDate::MIN, NaiveDate::MAX, 600, 11.0).len() <= 20);
        assert_eq!(
            date_ticks(day(2026, 3, 3), day(2026, 3, 3), 0, 11.0).len(),
            1
        );
    }

    #[test]
    fn long_date_matches_the_app() {
        assert_eq!(long_date(day(2027, 2, 14)), "14 Feb 2027");
    }
}
