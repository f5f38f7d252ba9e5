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
                        let kind = [CostKind::Baseline, CostKind::Addition, CostKind::Saving][kind];
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
            let Some(phase) = case.phases.iter().find(|p| Some(p.id) == line.phase_id) else {
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
