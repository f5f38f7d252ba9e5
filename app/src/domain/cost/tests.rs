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

fn phase(id: i64, planned_end: Option<NaiveDate>, completed_at: Option<DateTime<Utc>>) -> Phase {
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

mod properties;
