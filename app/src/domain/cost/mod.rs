//! The monthly cost projection: what a service costs each month as its roadmap lands.
//!
//! Money is integer cents throughout. The rules:
//!
//! 1. **Baseline** lines count every month.
//! 2. **Additions** count from their phase's *effective month* ([`effective_month`]):
//!    - a complete phase: the month of `completed_at` (its UTC date);
//!    - an open phase: the month of its `planned_end`, but never earlier than the
//!      current month: a late phase is expected to land now, not in the past;
//!    - an open phase without a planned end is *unscheduled*: its additions never
//!      count within the horizon ([`unscheduled_phases`] lists such phases so the page
//!      can say so).
//!
//!    An addition whose phase is not in the given phases never counts anywhere (the
//!    database forbids it; this only guards against inconsistent input).
//! 3. **Savings** (negative amounts) count from the month of their `start_month`; a
//!    saving without one never counts in the projection or in [`cost_now`].
//! 4. [`project`] gives one [`MonthCost`] per month, starting with the month of
//!    `today`; a month's total is the sum of the lines counting that month. Its
//!    `by_category` holds every category that has any line at all (even one that never
//!    counts within the horizon), at 0 when nothing in it counts that month, so every
//!    month has the same keys and a chart's series stay aligned.
//! 5. [`cost_now`] is what runs today: baseline, additions of phases completed on or
//!    before `today`, savings started by today's month. It differs from the
//!    projection's first month, which also expects open phases planned to end (or late)
//!    this month.
//! 6. [`cost_at_completion`] is the plan fully done: baseline, every addition of a
//!    known phase, every saving (dated or not).
//! 7. Sums are exact (accumulated in `i128`); a result beyond the range of `i64`
//!    saturates. Nothing here panics.

use crate::model::{CostCategory, CostKind, CostLine, Phase};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest projection; longer requests are cut to this.
pub const MAX_HORIZON_MONTHS: u32 = 36;

/// The annual total sums this many months of the projection.
const MONTHS_PER_YEAR: usize = 12;

/// One month of the projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCost {
    /// The first day of the month.
    pub month: NaiveDate,
    pub total_cents: i64,
    pub by_category: BTreeMap<CostCategory, i64>,
}

/// The figures the seeds compute by hand: now, at plan completion, per year, change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostSummary {
    pub now_cents: i64,
    pub at_completion_cents: i64,
    /// The sum of the projection's first 12 months (fewer when the horizon is shorter).
    pub annual_cents: i64,
    /// (at completion − now) / now in tenths of a percent, rounded half away from
    /// zero (`227` is +22.7%); `None` when nothing runs now.
    pub change_tenths_percent: Option<i64>,
}

/// A phase whose stated monthly cost change disagrees with the sum of its additions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseCostMismatch {
    pub phase_id: i64,
    pub phase_name: String,
    pub stated_cents: i64,
    pub lines_cents: i64,
}

/// An open phase with no planned end: its additions are left out of the projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnscheduledPhase {
    pub phase_id: i64,
    pub phase_name: String,
    /// The sum of its addition lines.
    pub additions_cents: i64,
}

/// The first day of `date`'s month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    // Day 1 exists in every month, so `with_day(1)` cannot fail; keep `date` if it did.
    date.with_day(1).unwrap_or(date)
}

/// The month from which a phase's additions count; `None` when it is unscheduled.
pub fn effective_month(phase: &Phase, today: NaiveDate) -> Option<NaiveDate> {
    match (phase.completed_at, phase.planned_end) {
        (Some(done), _) => Some(month_start(done.date_naive())),
        (None, Some(end)) => Some(month_start(end).max(month_start(today))),
        (None, None) => None,
    }
}

/// One entry per month from the month of `today`, `months` long (at most
/// [`MAX_HORIZON_MONTHS`]; shorter only where the calendar itself ends).
pub fn project(
    lines: &[CostLine],
    phases: &[Phase],
    today: NaiveDate,
    months: u32,
) -> Vec<MonthCost> {
    let phase_months: BTreeMap<i64, Option<NaiveDate>> = by_id(phases)
        .into_iter()
        .map(|(id, phase)| (id, effective_month(phase, today)))
        .collect();
    let starts: Vec<(&CostLine, Option<NaiveDate>)> = lines
        .iter()
        .map(|line| (line, counts_from(line, &phase_months)))
        .collect();
    let categories: BTreeSet<CostCategory> = lines.iter().map(|l| l.category).collect();
    let first = month_start(today);

    (0..months.min(MAX_HORIZON_MONTHS))
        .map_while(|i| first.checked_add_months(Months::new(i)))
        .map(|month| {
            let mut sums: BTreeMap<CostCategory, i128> =
                categories.iter().map(|c| (*c, 0)).collect();
            for (line, start) in &starts {
                if start.is_some_and(|s| s <= month) {
                    *sums.entry(line.category).or_default() += i128::from(line.monthly_cents);
                }
            }
            MonthCost {
                month,
                total_cents: saturate(sums.values().sum()),
                by_category: sums.into_iter().map(|(c, v)| (c, saturate(v))).collect(),
            }
        })
        .collect()
}

/// What runs today: baseline, additions of phases completed by `today`, savings
/// started by today's month.
pub fn cost_now(lines: &[CostLine], phases: &[Phase], today: NaiveDate) -> i64 {
    let phases = by_id(phases);
    let runs = |line: &CostLine| match line.kind {
        CostKind::Baseline => true,
        CostKind::Addition => line
            .phase_id
            .and_then(|id| phases.get(&id))
            .and_then(|phase| phase.completed_at)
            .is_some_and(|done| done.date_naive() <= today),
        CostKind::Saving => line
            .start_month
            .is_some_and(|start| month_start(start) <= month_start(today)),
    };
    sum_cents(lines.iter().filter(|l| runs(l)).map(|l| l.monthly_cents))
}

/// The plan fully done: baseline, every addition of a known phase, every saving.
pub fn cost_at_completion(lines: &[CostLine], phases: &[Phase]) -> i64 {
    let phases = by_id(phases);
    let runs = |line: &CostLine| match line.kind {
        CostKind::Baseline | CostKind::Saving => true,
        CostKind::Addition => line.phase_id.is_some_and(|id| phases.contains_key(&id)),
    };
    sum_cents(lines.iter().filter(|l| runs(l)).map(|l| l.monthly_cents))
}

/// Now, at completion, the first year of a `months` projection, and the change.
pub fn summarize(
    lines: &[CostLine],
    phases: &[Phase],
    today: NaiveDate,
    months: u32,
) -> CostSummary {
    let now = cost_now(lines, phases, today);
    let at_completion = cost_at_completion(lines, phases);
    let annual = sum_cents(
        project(lines, phases, today, months)
            .iter()
            .take(MONTHS_PER_YEAR)
            .map(|m| m.total_cents),
    );
    let change_tenths_percent = (now != 0).then(|| {
        let difference = i128::from(at_completion) - i128::from(now);
        saturate(div_round_half_away(difference * 1000, i128::from(now)))
    });
    CostSummary {
        now_cents: now,
        at_completion_cents: at_completion,
        annual_cents: annual,
        change_tenths_percent,
    }
}

/// Phases whose stated cost change (when not "Variable") differs from the sum of
/// their addition lines, in the order of `phases`. Savings never count here: they are
/// dated by their own start month, not by a phase.
pub fn phase_cost_mismatches(lines: &[CostLine], phases: &[Phase]) -> Vec<PhaseCostMismatch> {
    phases
        .iter()
        .filter_map(|phase| {
            let stated = phase.monthly_cost_change_cents?;
            let from_lines = additions_of(lines, phase.id);
            (stated != from_lines).then(|| PhaseCostMismatch {
                phase_id: phase.id,
                phase_name: phase.name.clone(),
                stated_cents: stated,
                lines_cents: from_lines,
            })
        })
        .collect()
}

/// Open phases without a planned end, in the order of `phases`, with what their
/// additions would add (possibly 0, so the page decides what is worth saying).
pub fn unscheduled_phases(lines: &[CostLine], phases: &[Phase]) -> Vec<UnscheduledPhase> {
    phases
        .iter()
        .filter(|p| p.completed_at.is_none() && p.planned_end.is_none())
        .map(|p| UnscheduledPhase {
            phase_id: p.id,
            phase_name: p.name.clone(),
            additions_cents: additions_of(lines, p.id),
        })
        .collect()
}

/// The month from which a line counts; `None` for never.
fn counts_from(
    line: &CostLine,
    phase_months: &BTreeMap<i64, Option<NaiveDate>>,
) -> Option<NaiveDate> {
    match line.kind {
        // Earlier than any month of any horizon.
        CostKind::Baseline => Some(NaiveDate::MIN),
        CostKind::Addition => line
            .phase_id
            .and_then(|id| phase_months.get(&id).copied().flatten()),
        CostKind::Saving => line.start_month.map(month_start),
    }
}

/// Phases by id; with duplicate ids the first wins, everywhere in this module.
fn by_id(phases: &[Phase]) -> BTreeMap<i64, &Phase> {
    let mut map = BTreeMap::new();
    for phase in phases {
        map.entry(phase.id).or_insert(phase);
    }
    map
}

fn additions_of(lines: &[CostLine], phase_id: i64) -> i64 {
    sum_cents(
        lines
            .iter()
            .filter(|l| l.kind == CostKind::Addition && l.phase_id == Some(phase_id))
            .map(|l| l.monthly_cents),
    )
}

fn sum_cents(cents: impl Iterator<Item = i64>) -> i64 {
    saturate(cents.map(i128::from).sum())
}

fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// `numerator / denominator` rounded half away from zero; `denominator` is not 0.
fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
        quotient + numerator.signum() * denominator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests;
