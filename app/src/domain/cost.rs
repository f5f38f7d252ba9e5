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
mod tests {
    use super::*;
    use crate::domain::money::format_cents;
    use CostCategory::*;
    use chrono::{DateTime, Utc};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Noon UTC on that day.
    fn at(y: i32, m: u32, d: u32) -> Option<DateTime<Utc>> {
        Some(date(y, m, d).and_hms_opt(12, 0, 0).unwrap().and_utc())
    }

    fn phase(
        id: i64,
        planned_end: Option<NaiveDate>,
        completed_at: Option<DateTime<Utc>>,
    ) -> Phase {
        Phase {
            id,
            name: format!("Phase {id}"),
            goal: String::new(),
            planned_start: None,
            planned_end,
            effort_min_days: None,
            effort_max_days: None,
            monthly_cost_change_cents: None,
            completed_at,
            version: 1,
        }
    }

    fn line(kind: CostKind, category: CostCategory, cents: i64) -> CostLine {
        CostLine {
            id: 0,
            category,
            name: format!("{kind} {category}"),
            kind,
            monthly_cents: cents,
            phase_id: None,
            start_month: None,
            included: true,
            version: 1,
        }
    }

    fn baseline(category: CostCategory, cents: i64) -> CostLine {
        line(CostKind::Baseline, category, cents)
    }

    fn addition(phase_id: i64, category: CostCategory, cents: i64) -> CostLine {
        CostLine {
            phase_id: Some(phase_id),
            ..line(CostKind::Addition, category, cents)
        }
    }

    fn saving(start: Option<NaiveDate>, cents: i64) -> CostLine {
        CostLine {
            start_month: start,
            ..line(CostKind::Saving, Compute, cents)
        }
    }

    fn totals(months: &[MonthCost]) -> Vec<i64> {
        months.iter().map(|m| m.total_cents).collect()
    }

    /// Seed 003 "Estimated Production Costs": $308.83 today, then +$15, +$25, +$30.
    const TODAY: (i32, u32, u32) = (2026, 11, 22);
    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }
    fn seed_lines() -> Vec<CostLine> {
        vec![
            baseline(Compute, 12_000),
            baseline(Database, 9_500),
            baseline(Networking, 6_583),
            baseline(MonitoringLogging, 2_800),
            addition(1, Networking, 1_500),
            addition(2, SecurityCompliance, 2_500),
            addition(3, MonitoringLogging, 3_000),
        ]
    }
    /// Planned ends in December, January and February: across the year boundary.
    fn seed_phases() -> Vec<Phase> {
        vec![
            phase(1, Some(date(2026, 12, 5)), None),
            phase(2, Some(date(2027, 1, 10)), None),
            phase(3, Some(date(2027, 2, 20)), None),
        ]
    }

    #[test]
    fn seed_projection_climbs_as_the_phases_land() {
        let months = project(&seed_lines(), &seed_phases(), today(), 12);
        assert_eq!(months.len(), 12);
        assert_eq!(
            totals(&months)[..5],
            [30_883, 32_383, 34_883, 37_883, 37_883]
        );
        assert_eq!(months[0].month, date(2026, 11, 1));
        assert_eq!(months[1].month, date(2026, 12, 1));
        assert_eq!(months[2].month, date(2027, 1, 1));
        assert_eq!(months[11].month, date(2027, 10, 1));
        assert_eq!(months[3].by_category[&MonitoringLogging], 5_800);
        assert_eq!(months[0].by_category[&SecurityCompliance], 0);
    }

    #[test]
    fn seed_summary_matches_the_hand_arithmetic() {
        let summary = summarize(&seed_lines(), &seed_phases(), today(), 12);
        assert_eq!(
            summary,
            CostSummary {
                now_cents: 30_883,
                at_completion_cents: 37_883,
                // 30883 + 32383 + 34883 + 9 × 37883
                annual_cents: 439_096,
                // +$70 on $308.83 is +22.7% (the seed rounds it to +23%).
                change_tenths_percent: Some(227),
            }
        );
        // A longer horizon still sums one year.
        let longer = summarize(&seed_lines(), &seed_phases(), today(), 36);
        assert_eq!(longer.annual_cents, 439_096);
    }

    #[test]
    fn seed_plan_complete_costs_4545_96_a_year() {
        let done: Vec<Phase> = seed_phases()
            .into_iter()
            .map(|p| Phase {
                completed_at: at(2026, 10, 1),
                ..p
            })
            .collect();
        let months = project(&seed_lines(), &done, today(), 12);
        assert!(months.iter().all(|m| m.total_cents == 37_883));
        let summary = summarize(&seed_lines(), &done, today(), 12);
        assert_eq!(summary.annual_cents, 454_596);
        assert_eq!(format_cents(summary.annual_cents), "$4,545.96");
        assert_eq!(summary.change_tenths_percent, Some(0));
    }

    #[test]
    fn seed_phase_1_lines_disagree_with_its_stated_change() {
        let phases = vec![
            Phase {
                monthly_cost_change_cents: Some(1_500),
                ..phase(1, None, None)
            },
            Phase {
                monthly_cost_change_cents: Some(2_500),
                ..phase(2, None, None)
            },
            // "Variable": never flagged.
            phase(3, None, None),
        ];
        let lines = vec![
            addition(1, SecurityCompliance, 0),     // ACM certificate
            addition(1, Networking, 50),            // Route53 hosted zone
            addition(1, Networking, 3_285),         // additional NAT gateway
            addition(1, MonitoringLogging, 50),     // health checks
            addition(2, SecurityCompliance, 2_500), // agrees
            addition(3, MonitoringLogging, 999),
            saving(Some(date(2027, 1, 1)), -700), // tied to no phase
            CostLine {
                phase_id: Some(1),
                ..saving(Some(date(2027, 1, 1)), -100)
            },
        ];
        assert_eq!(
            phase_cost_mismatches(&lines, &phases),
            vec![PhaseCostMismatch {
                phase_id: 1,
                phase_name: "Phase 1".into(),
                stated_cents: 1_500,
                lines_cents: 3_385,
            }]
        );
    }

    #[test]
    fn a_stated_change_without_lines_is_flagged() {
        let phases = vec![Phase {
            monthly_cost_change_cents: Some(1_500),
            ..phase(1, None, None)
        }];
        assert_eq!(phase_cost_mismatches(&[], &phases)[0].lines_cents, 0);
    }

    #[test]
    fn completion_month_wins_over_planned_end() {
        let lines = vec![baseline(Compute, 1_000), addition(1, Compute, 100)];
        // Finished early: counts from January although planned for March.
        let early = [phase(1, Some(date(2027, 3, 31)), at(2027, 1, 31))];
        assert_eq!(
            totals(&project(&lines, &early, date(2026, 12, 1), 4)),
            [1_000, 1_100, 1_100, 1_100]
        );
        // Finished late: counts from February although planned for December.
        let late = [phase(1, Some(date(2026, 12, 1)), at(2027, 2, 1))];
        assert_eq!(
            totals(&project(&lines, &late, date(2026, 12, 1), 4)),
            [1_000, 1_000, 1_100, 1_100]
        );
        assert_eq!(
            effective_month(&late[0], date(2026, 12, 1)),
            Some(date(2027, 2, 1))
        );
    }

    #[test]
    fn a_late_open_phase_is_expected_this_month() {
        let lines = vec![baseline(Compute, 1_000), addition(1, Compute, 100)];
        let phases = [phase(1, Some(date(2026, 8, 14)), None)];
        assert_eq!(
            effective_month(&phases[0], today()),
            Some(date(2026, 11, 1))
        );
        assert_eq!(
            totals(&project(&lines, &phases, today(), 2)),
            [1_100, 1_100]
        );
        // Expected is not running: it is not complete yet.
        assert_eq!(cost_now(&lines, &phases, today()), 1_000);
    }

    #[test]
    fn cost_now_counts_phases_completed_by_today() {
        let lines = vec![
            baseline(Compute, 1_000),
            addition(1, Compute, 100),
            addition(2, Compute, 20),
        ];
        let phases = [
            phase(1, None, at(2026, 11, 22)),
            // Recorded as completing tomorrow (e.g. a what-if): not running yet.
            phase(2, None, at(2026, 11, 23)),
        ];
        assert_eq!(cost_now(&lines, &phases, today()), 1_100);
        assert_eq!(project(&lines, &phases, today(), 1)[0].total_cents, 1_120);
    }

    #[test]
    fn unscheduled_phases_never_count_and_are_reported() {
        let lines = vec![
            baseline(Compute, 1_000),
            addition(1, Database, 500),
            addition(2, Compute, 7),
        ];
        let phases = [
            phase(1, None, None),
            // Complete without a planned end: scheduled by its completion.
            phase(2, None, at(2026, 1, 1)),
        ];
        let months = project(&lines, &phases, today(), MAX_HORIZON_MONTHS);
        assert!(months.iter().all(|m| m.total_cents == 1_007));
        assert!(months.iter().all(|m| m.by_category[&Database] == 0));
        assert_eq!(
            unscheduled_phases(&lines, &phases),
            vec![UnscheduledPhase {
                phase_id: 1,
                phase_name: "Phase 1".into(),
                additions_cents: 500,
            }]
        );
        assert_eq!(cost_at_completion(&lines, &phases), 1_507);
    }

    #[test]
    fn additions_of_unknown_phases_never_count() {
        let lines = vec![
            baseline(Compute, 1_000),
            addition(9, Compute, 100),
            CostLine {
                phase_id: None,
                ..addition(0, Compute, 10)
            },
        ];
        let phases = [phase(1, None, at(2026, 1, 1))];
        assert_eq!(totals(&project(&lines, &phases, today(), 1)), [1_000]);
        assert_eq!(cost_now(&lines, &phases, today()), 1_000);
        assert_eq!(cost_at_completion(&lines, &phases), 1_000);
    }

    #[test]
    fn savings_count_from_their_start_month() {
        let lines = vec![
            baseline(Compute, 10_000),
            saving(Some(date(2027, 2, 1)), -2_000),
            // Not stored on the 1st: counts from its month all the same.
            saving(Some(date(2026, 12, 17)), -300),
            saving(Some(date(2025, 1, 1)), -50),
            // Undated: left out until it has a start month.
            saving(None, -1),
        ];
        assert_eq!(
            totals(&project(&lines, &[], today(), 5)),
            [9_950, 9_650, 9_650, 7_650, 7_650]
        );
        assert_eq!(cost_now(&lines, &[], today()), 9_950);
        assert_eq!(cost_now(&lines, &[], date(2026, 12, 1)), 9_650);
        assert_eq!(cost_at_completion(&lines, &[]), 7_649);
    }

    #[test]
    fn horizons_are_cut_to_1_to_36_months() {
        let lines = seed_lines();
        let phases = seed_phases();
        let one = project(&lines, &phases, today(), 1);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].month, date(2026, 11, 1));
        let longest = project(&lines, &phases, today(), 36);
        assert_eq!(longest.len(), 36);
        assert_eq!(longest[35].month, date(2029, 10, 1));
        assert_eq!(longest[35].total_cents, 37_883);
        assert_eq!(project(&lines, &phases, today(), 37), longest);
        assert_eq!(project(&lines, &phases, today(), u32::MAX), longest);
        assert!(project(&lines, &phases, today(), 0).is_empty());
        // A horizon shorter than a year sums what it has.
        assert_eq!(
            summarize(&lines, &phases, today(), 2).annual_cents,
            30_883 + 32_383
        );
    }

    #[test]
    fn december_rolls_over_into_january() {
        let lines = vec![baseline(Other, 100), addition(1, Other, 1)];
        let phases = [phase(1, Some(date(2027, 1, 1)), None)];
        let months = project(&lines, &phases, date(2026, 12, 31), 3);
        assert_eq!(
            months.iter().map(|m| m.month).collect::<Vec<_>>(),
            [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
        );
        assert_eq!(totals(&months), [100, 101, 101]);
    }

    #[test]
    fn categories_with_any_line_appear_in_every_month() {
        let lines = vec![baseline(Compute, 100), addition(1, StorageBackup, 5)];
        let phases = [phase(1, Some(date(2027, 1, 15)), None)];
        let months = project(&lines, &phases, today(), 3);
        for m in &months {
            assert_eq!(
                m.by_category.keys().copied().collect::<Vec<_>>(),
                [Compute, StorageBackup]
            );
        }
        assert_eq!(months[0].by_category[&StorageBackup], 0);
        assert_eq!(months[2].by_category[&StorageBackup], 5);
        assert!(project(&[], &phases, today(), 1)[0].by_category.is_empty());
    }

    #[test]
    fn change_is_rounded_half_away_from_zero() {
        let change = |now: i64, done: i64| {
            let lines = vec![baseline(Compute, now), addition(1, Compute, done - now)];
            summarize(&lines, &[phase(1, None, None)], today(), 12).change_tenths_percent
        };
        assert_eq!(change(2_000, 2_001), Some(1)); // +0.05%
        assert_eq!(change(2_000, 1_999), Some(-1)); // −0.05%
        assert_eq!(change(3_000, 3_001), Some(0)); // +0.033%
        assert_eq!(change(3, 4), Some(333));
        assert_eq!(change(100, 0), Some(-1000));
        assert_eq!(change(0, 500), None);
    }

    #[test]
    fn extremes_saturate_instead_of_panicking() {
        let lines = vec![baseline(Compute, i64::MAX), baseline(Database, i64::MAX)];
        let months = project(&lines, &[], today(), 12);
        assert_eq!(months[0].total_cents, i64::MAX);
        let summary = summarize(&lines, &[], today(), 12);
        assert_eq!(summary.annual_cents, i64::MAX);
        assert_eq!(summary.change_tenths_percent, Some(0));
        let lines = vec![baseline(Compute, 1), addition(1, Compute, i64::MAX)];
        let phases = [phase(1, None, None)];
        assert_eq!(
            summarize(&lines, &phases, today(), 1).change_tenths_percent,
            Some(i64::MAX)
        );
        // The calendar ends: one month left.
        assert_eq!(project(&lines, &phases, NaiveDate::MAX, 36).len(), 1);
        assert_eq!(project(&lines, &phases, NaiveDate::MIN, 36).len(), 36);
    }

    #[test]
    fn month_cost_json_uses_category_names() {
        let month = &project(&seed_lines(), &seed_phases(), today(), 1)[0];
        let json = serde_json::to_string(month).unwrap();
        assert!(json.contains("\"monitoring_logging\":2800"), "{json}");
        assert_eq!(&serde_json::from_str::<MonthCost>(&json).unwrap(), month);
    }

    mod properties {
        use super::*;
        use chrono::TimeDelta;
        use proptest::collection::vec;
        use proptest::option;
        use proptest::prelude::*;

        fn shift(day: NaiveDate, days: i64) -> NaiveDate {
            day + TimeDelta::days(days)
        }

        fn completed(day: NaiveDate, hour: u32) -> DateTime<Utc> {
            day.and_hms_opt(hour, 0, 0).unwrap().and_utc()
        }

        /// (year, month) as a month count, independent of chrono's month arithmetic.
        fn month_number(day: NaiveDate) -> i64 {
            i64::from(day.year()) * 12 + i64::from(day.month0())
        }

        #[derive(Debug, Clone)]
        struct Case {
            today: NaiveDate,
            phases: Vec<Phase>,
            lines: Vec<CostLine>,
        }

        fn arb_today() -> impl Strategy<Value = NaiveDate> {
            (2000i32..2100, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
                (1..=d)
                    .rev()
                    .find_map(|d| NaiveDate::from_ymd_opt(y, m, d))
                    .unwrap()
            })
        }

        /// Phases get ids 0..n; lines refer to ids 0..6, so some are unknown.
        /// `settled`: every phase complete and every saving started by `today`.
        fn arb_case(settled: bool) -> impl Strategy<Value = Case> {
            let days = if settled { -900i64..=0 } else { -900i64..=900 };
            let phase_spec = (
                (prop::bool::weighted(0.5), days.clone()),
                0u32..24,
                option::of(-900i64..=900),
            );
            let line_spec = (
                0usize..3,
                0usize..CostCategory::ALL.len(),
                0i64..1_000_000,
                any::<bool>(),
                option::of(0i64..6),
                (prop::bool::weighted(0.8), days),
            );
            (arb_today(), vec(phase_spec, 0..5), vec(line_spec, 0..12)).prop_map(
                move |(today, phases, lines)| Case {
                    today,
                    phases: phases
                        .into_iter()
                        .enumerate()
                        .map(|(i, ((complete, done), hour, end))| {
                            let done = completed(shift(today, done), hour);
                            let end = end.map(|d| shift(today, d));
                            phase(i as i64, end, (settled || complete).then_some(done))
                        })
                        .collect(),
                    lines: lines
                        .into_iter()
                        .map(
                            |(kind, category, cents, negative, phase_id, (dated, start))| {
                                let kind =
                                    [CostKind::Baseline, CostKind::Addition, CostKind::Saving]
                                        [kind];
                                let cents = match kind {
                                    CostKind::Baseline => cents,
                                    CostKind::Saving => -cents,
                                    CostKind::Addition if negative => -cents,
                                    CostKind::Addition => cents,
                                };
                                CostLine {
                                    phase_id,
                                    start_month: (settled || dated)
                                        .then(|| month_start(shift(today, start))),
                                    ..line(kind, CostCategory::ALL[category], cents)
                                }
                            },
                        )
                        .collect(),
                },
            )
        }

        /// The rules of the module doc, written out plainly.
        fn reference_total(case: &Case, month: i64) -> i64 {
            let today = month_number(case.today);
            let active = |line: &CostLine| match line.kind {
                CostKind::Baseline => true,
                CostKind::Saving => line.start_month.is_some_and(|s| month_number(s) <= month),
                CostKind::Addition => {
                    let Some(phase) = case.phases.iter().find(|p| Some(p.id) == line.phase_id)
                    else {
                        return false;
                    };
                    match (phase.completed_at, phase.planned_end) {
                        (Some(done), _) => month_number(done.date_naive()) <= month,
                        (None, Some(end)) => month_number(end).max(today) <= month,
                        (None, None) => false,
                    }
                }
            };
            case.lines
                .iter()
                .filter(|l| active(l))
                .map(|l| l.monthly_cents)
                .sum()
        }

        proptest! {
            #[test]
            fn no_cent_is_lost_or_invented(case in arb_case(false), months in 0u32..=40) {
                let projection = project(&case.lines, &case.phases, case.today, months);
                prop_assert_eq!(projection.len() as u32, months.min(MAX_HORIZON_MONTHS));
                for (i, m) in projection.iter().enumerate() {
                    let number = month_number(case.today) + i as i64;
                    prop_assert_eq!(month_number(m.month), number);
                    prop_assert_eq!(m.month.day(), 1);
                    prop_assert_eq!(m.total_cents, m.by_category.values().sum::<i64>());
                    prop_assert_eq!(m.total_cents, reference_total(&case, number));
                }
            }

            #[test]
            fn a_settled_plan_costs_its_completion_every_month(case in arb_case(true)) {
                let done = cost_at_completion(&case.lines, &case.phases);
                prop_assert_eq!(cost_now(&case.lines, &case.phases, case.today), done);
                for m in project(&case.lines, &case.phases, case.today, MAX_HORIZON_MONTHS) {
                    prop_assert_eq!(m.total_cents, done);
                }
            }

            /// Delaying a phase delays its additions: with a positive sum no month
            /// costs more (and with a negative sum none costs less).
            #[test]
            fn delaying_an_open_phase_only_delays_its_additions(
                case in arb_case(false),
                end in -900i64..=900,
                delay in 0i64..=500,
            ) {
                prop_assume!(!case.phases.is_empty());
                let mut before = case.phases.clone();
                before[0].completed_at = None;
                before[0].planned_end = Some(shift(case.today, end));
                let mut after = before.clone();
                after[0].planned_end = Some(shift(case.today, end + delay));
                let added = additions_of(&case.lines, 0);
                let old = project(&case.lines, &before, case.today, MAX_HORIZON_MONTHS);
                let new = project(&case.lines, &after, case.today, MAX_HORIZON_MONTHS);
                for (old, new) in old.iter().zip(&new) {
                    let (old, new) = (old.total_cents, new.total_cents);
                    prop_assert!(new == old || new == old - added, "{old} → {new}, added {added}");
                    if added > 0 {
                        prop_assert!(new <= old);
                    } else {
                        prop_assert!(new >= old);
                    }
                }
            }

            #[test]
            fn never_panics_on_any_input(
                today in (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
                    .prop_map(|d| NaiveDate::from_num_days_from_ce_opt(d).unwrap()),
                months in any::<u32>(),
                cents in vec(any::<i64>(), 0..6),
                stated in option::of(any::<i64>()),
                done in option::of(any::<bool>()),
            ) {
                let phases = [Phase {
                    monthly_cost_change_cents: stated,
                    ..phase(
                        1,
                        done.map(|_| NaiveDate::MAX),
                        done.filter(|d| *d).map(|_| completed(NaiveDate::MIN, 0)),
                    )
                }];
                let lines: Vec<CostLine> = cents
                    .iter()
                    .enumerate()
                    .map(|(i, c)| match i % 3 {
                        0 => baseline(Compute, *c),
                        1 => addition(1, Database, *c),
                        _ => saving(Some(today), *c),
                    })
                    .collect();
                let projection = project(&lines, &phases, today, months);
                let calendar_left = month_number(NaiveDate::MAX) - month_number(today) + 1;
                let expected = i64::from(months.min(MAX_HORIZON_MONTHS)).min(calendar_left);
                prop_assert_eq!(projection.len() as i64, expected);
                summarize(&lines, &phases, today, months);
                phase_cost_mismatches(&lines, &phases);
                unscheduled_phases(&lines, &phases);
            }
        }
    }
}
