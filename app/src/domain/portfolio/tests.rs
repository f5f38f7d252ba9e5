use super::*;
use crate::domain::cost::summarize;
use crate::model::{CostCategory, CostKind};
use ItemStatus::*;
use Priority::*;
use chrono::{DateTime, Utc};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 11, 22)
}

fn noon(date: NaiveDate) -> Option<DateTime<Utc>> {
    Some(date.and_hms_opt(12, 0, 0).unwrap().and_utc())
}

fn count(phase_id: Option<i64>, status: ItemStatus, priority: Priority, n: u32) -> ItemCount {
    ItemCount {
        phase_id,
        status,
        priority,
        count: n,
    }
}

fn phase(id: i64, name: &str, planned_end: Option<NaiveDate>) -> Phase {
    Phase {
        id,
        name: name.to_string(),
        goal: String::new(),
        planned_start: None,
        planned_end,
        effort_min_days: None,
        effort_max_days: None,
        monthly_cost_change_cents: None,
        completed_at: None,
        version: 1,
    }
}

fn line(kind: CostKind, cents: i64, phase_id: Option<i64>, included: bool) -> CostLine {
    CostLine {
        id: 0,
        category: CostCategory::Compute,
        name: "line".into(),
        kind,
        monthly_cents: cents,
        phase_id,
        start_month: None,
        included,
        version: 1,
    }
}

fn risk(status: RiskStatus, likelihood: i16, impact: i16, linked: &[ItemStatus]) -> RiskFacts {
    RiskFacts {
        status,
        likelihood,
        impact,
        linked: linked.to_vec(),
    }
}

/// Phase 1 complete, phase 2 open and late, phase 3 ahead; one critical blocker.
fn ledger() -> ServiceFacts {
    let mut done_phase = phase(1, "Phase 1: Critical", Some(day(2026, 11, 1)));
    done_phase.completed_at = noon(day(2026, 11, 1));
    ServiceFacts {
        slug: "ledger".into(),
        name: "Ledger".into(),
        team: "Finance".into(),
        items: vec![
            count(Some(1), Done, Critical, 3),
            count(Some(1), NotApplicable, High, 1),
            count(Some(2), Done, High, 1),
            count(Some(2), Todo, Critical, 1),
            count(Some(2), InProgress, Medium, 2),
            count(Some(3), Todo, Low, 2),
            count(None, Done, Low, 1),
        ],
        phases: vec![
            done_phase,
            phase(2, "Phase 2: Hardening", Some(day(2026, 11, 10))),
            phase(3, "Phase 3: Scale", Some(day(2027, 2, 1))),
        ],
        risks: vec![
            // 4 × 5 = 20 critical; 1 of 2 linked done → ⌈4 × 1/2⌉ = 2 → 10 high.
            risk(RiskStatus::Open, 4, 5, &[Done, Todo, NotApplicable]),
            // 3 × 4 = 12 high; all linked done → 1 × 4 = 4 low.
            risk(RiskStatus::Mitigating, 3, 4, &[Done]),
            // Closed: not counted anywhere.
            risk(RiskStatus::Closed, 5, 5, &[]),
            // Accepted: still exposure; 2 × 2 = 4 low.
            risk(RiskStatus::Accepted, 2, 2, &[]),
        ],
        cost_lines: vec![
            line(CostKind::Baseline, 30_000, None, true),
            line(CostKind::Addition, 1_500, Some(1), true),
            line(CostKind::Addition, 2_500, Some(2), true),
            line(CostKind::Addition, 9_999, Some(3), false),
        ],
    }
}

fn simple(slug: &str, name: &str, team: &str, done: u32, todo_critical: u32) -> ServiceFacts {
    ServiceFacts {
        slug: slug.into(),
        name: name.into(),
        team: team.into(),
        items: vec![
            count(None, Done, Medium, done),
            count(None, Todo, Critical, todo_critical),
            count(None, Todo, Low, 1),
        ],
        phases: vec![],
        risks: vec![],
        cost_lines: vec![line(
            CostKind::Baseline,
            i64::from(done) * 1_000,
            None,
            true,
        )],
    }
}

#[test]
fn a_row_uses_the_service_page_rules() {
    let row = row(&ledger(), today());
    // Items: 3 + 1 + 1 + 2 + 2 + 1 applicable = 10, done 3 + 1 + 1 = 5.
    assert_eq!(
        row.readiness,
        Ratio {
            done: 5,
            applicable: 10
        }
    );
    // Weights: done 3×5 + 3 + 1 = 19 of 15 + 3 + 5 + 4 + 2 + 1 = 30.
    assert_eq!(
        row.weighted,
        Ratio {
            done: 19,
            applicable: 30
        }
    );
    assert_eq!(row.blockers, 1);
    assert!(!row.is_clear());
    assert_eq!(
        row.phase,
        CurrentPhase::Open {
            number: 2,
            of: 3,
            name: "Phase 2: Hardening".into(),
            progress: Ratio {
                done: 1,
                applicable: 4
            },
            late: true,
        }
    );
}

#[test]
fn open_risks_are_counted_inherent_and_residual_and_closed_ones_left_out() {
    let row = row(&ledger(), today());
    assert_eq!(row.risks.len(), 3);
    assert_eq!(row.high_risks(false), 2);
    assert_eq!(row.high_risks(true), 1);
    assert_eq!(row.risks[0].residual.score, 10);
    let map = heat_counts([&row], true);
    assert_eq!(map[1][4], 1); // likelihood 2, impact 5
    assert_eq!(map[0][3], 1); // likelihood 1, impact 4
    assert_eq!(map[1][1], 1);
    assert_eq!(heat_counts([&row], false)[3][4], 1);
}

#[test]
fn costs_follow_the_projection_rules_and_leave_out_excluded_lines() {
    let facts = ledger();
    let row = row(&facts, today());
    let included: Vec<CostLine> = facts
        .cost_lines
        .iter()
        .filter(|l| l.included)
        .cloned()
        .collect();
    assert_eq!(
        row.cost,
        summarize(&included, &facts.phases, today(), HORIZON_MONTHS)
    );
    assert_eq!(row.cost.now_cents, 31_500);
    assert_eq!(row.cost.at_completion_cents, 34_000);
    assert_eq!(row.monthly_cents.len(), 12);
    // Phase 2 is late, so it is expected this month.
    assert_eq!(row.monthly_cents[0], 34_000);
    assert_eq!(row.cost.annual_cents, row.monthly_cents.iter().sum::<i64>());
}

#[test]
fn phases_none_or_all_complete() {
    let mut facts = ledger();
    facts.phases.clear();
    assert_eq!(row(&facts, today()).phase, CurrentPhase::NoPhases);

    let mut facts = ledger();
    facts.items = vec![count(Some(1), Done, High, 1), count(Some(2), Done, Low, 2)];
    facts.phases.truncate(2);
    assert_eq!(
        row(&facts, today()).phase,
        CurrentPhase::AllComplete { phases: 2 }
    );
    // A phase with no applicable items is not complete: it stays current.
    facts.items.push(count(Some(3), NotApplicable, Low, 1));
    facts.phases = ledger().phases;
    assert!(matches!(
        row(&facts, today()).phase,
        CurrentPhase::Open { number: 3, .. }
    ));
}

#[test]
fn build_gives_twelve_months_from_this_month() {
    let p = build(&[ledger(), simple("a", "A", "x", 1, 0)], today());
    assert_eq!(p.months.len(), 12);
    assert_eq!(p.months[0], day(2026, 11, 1));
    assert_eq!(p.months[2], day(2027, 1, 1));
    assert_eq!(p.rows.len(), 2);
    assert!(build(&[], today()).rows.is_empty());
}

#[test]
fn totals_add_up_the_rows() {
    let rows: Vec<PortfolioRow> = [
        ledger(),
        simple("a", "A", "x", 2, 0),
        simple("b", "B", "x", 3, 1),
    ]
    .iter()
    .map(|f| row(f, today()))
    .collect();
    let t = totals(&rows);
    assert_eq!((t.services, t.ready, t.blocked), (3, 1, 2));
    assert_eq!(
        t.readiness,
        Ratio {
            done: 5 + 2 + 3,
            applicable: 10 + 3 + 5
        }
    );
    assert_eq!(
        (t.open_risks, t.high_risks_inherent, t.high_risks_residual),
        (3, 2, 1)
    );
    assert_eq!(t.now_cents, 31_500 + 2_000 + 3_000);
    assert_eq!(t.at_completion_cents, 34_000 + 2_000 + 3_000);
    let annual: i64 = rows.iter().map(|r| r.cost.annual_cents).sum();
    assert_eq!(t.annual_cents, annual);
    assert_eq!(t.monthly_cents.iter().sum::<i64>(), annual);
    assert_eq!(t.monthly_cents[0], 34_000 + 5_000);
    // 36 500 → 39 000 is +6.8%.
    assert_eq!(t.change_tenths_percent, Some(68));
    assert_eq!(totals([]), Totals::default());
}

#[test]
fn change_percent_is_the_cost_modules_rule() {
    for facts in [ledger(), simple("a", "A", "x", 7, 0)] {
        let r = row(&facts, today());
        assert_eq!(
            change_tenths_percent(r.cost.now_cents, r.cost.at_completion_cents),
            r.cost.change_tenths_percent
        );
    }
    assert_eq!(change_tenths_percent(0, 100), None);
    assert_eq!(change_tenths_percent(30_883, 37_883), Some(227));
    assert_eq!(change_tenths_percent(1_000, 995), Some(-5));
    assert_eq!(change_tenths_percent(i64::MIN, i64::MAX), Some(-2000));
}

/// A row named after its slug, blocked by one critical item when `blocked`.
pub(super) fn sample_row(slug: &str, blocked: bool) -> PortfolioRow {
    row(&simple(slug, slug, "Team", 1, u32::from(blocked)), today())
}

fn rows() -> Vec<PortfolioRow> {
    [
        simple("c", "charlie", "Beta", 5, 0),
        simple("a", "Alpha", "beta", 1, 2),
        simple("b", "bravo", "Alpha", 3, 1),
        simple("d", "Delta", "", 3, 0),
    ]
    .iter()
    .map(|f| row(f, today()))
    .collect()
}

fn slugs(rows: &[PortfolioRow], view: &PortfolioView) -> Vec<String> {
    select(rows, view)
        .into_iter()
        .map(|i| rows[i].slug.clone())
        .collect()
}

fn sorted(key: SortKey, dir: SortDir) -> PortfolioView {
    PortfolioView {
        sort: key,
        dir,
        ..Default::default()
    }
}

#[test]
fn default_order_is_by_name_case_insensitively() {
    let rows = rows();
    assert_eq!(
        slugs(&rows, &PortfolioView::default()),
        ["a", "b", "c", "d"]
    );
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Service, SortDir::Desc)),
        ["d", "c", "b", "a"]
    );
}

#[test]
fn every_column_sorts_both_ways_with_ties_by_name() {
    let rows = rows();
    // Readiness: a 1/4, b 3/5, c 5/6, d 3/4.
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Readiness, SortDir::Asc)),
        ["a", "b", "d", "c"]
    );
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Readiness, SortDir::Desc)),
        ["c", "d", "b", "a"]
    );
    // Gate: c and d clear (0), b 1, a 2; ties by name in both directions.
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Gate, SortDir::Asc)),
        ["c", "d", "b", "a"]
    );
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Gate, SortDir::Desc)),
        ["a", "b", "c", "d"]
    );
    // Team: "" < alpha < beta (a, c both beta: by name).
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Team, SortDir::Asc)),
        ["d", "b", "a", "c"]
    );
    assert_eq!(
        slugs(&rows, &sorted(SortKey::CostNow, SortDir::Desc)),
        ["c", "b", "d", "a"]
    );
    for key in SortKey::ALL {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let order = slugs(&rows, &sorted(key, dir));
            assert_eq!(order.len(), 4, "{key:?} {dir:?}");
        }
    }
}

#[test]
fn phase_order_runs_from_no_phases_to_all_complete() {
    let mut facts = vec![ledger(), simple("z", "Zulu", "", 1, 0)];
    let mut done = ledger();
    done.slug = "done".into();
    done.items = vec![count(Some(1), Done, High, 1)];
    done.phases.truncate(1);
    facts.push(done);
    let rows: Vec<PortfolioRow> = facts.iter().map(|f| row(f, today())).collect();
    assert_eq!(
        slugs(&rows, &sorted(SortKey::Phase, SortDir::Asc)),
        ["z", "ledger", "done"]
    );
}

#[test]
fn filters_by_team_and_gate() {
    let rows = rows();
    let by_team = PortfolioView {
        team: Some(" BETA ".into()),
        ..Default::default()
    };
    assert_eq!(slugs(&rows, &by_team), ["a", "c"]);
    let blocked = PortfolioView {
        gate: Some(GateFilter::Blocked),
        ..Default::default()
    };
    assert_eq!(slugs(&rows, &blocked), ["a", "b"]);
    let both = PortfolioView {
        gate: Some(GateFilter::Clear),
        ..by_team
    };
    assert_eq!(slugs(&rows, &both), ["c"]);
    assert_eq!(teams(&rows), ["Alpha", "Beta"]);
}

#[test]
fn the_view_round_trips_through_the_url() {
    let view = PortfolioView {
        sort: SortKey::CostAtCompletion,
        dir: SortDir::Desc,
        team: Some("Search & Discovery".into()),
        gate: Some(GateFilter::Blocked),
        page: 3,
    };
    let query = view.to_query();
    assert_eq!(
        query,
        "sort=completion&dir=desc&team=Search%20%26%20Discovery&gate=blocked&page=3"
    );
    let pairs: Vec<(String, String)> = query
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            let v = v.replace("%20", " ").replace("%26", "&");
            (k.to_string(), v)
        })
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(PortfolioView::from_query(get), view);
    // A new sort or no filters start again from the first page.
    assert_eq!(view.sorted_by(SortKey::Team).page, 1);
    assert_eq!(view.unfiltered().page, 1);
    assert_eq!(PortfolioView::default().href(), "/");
    assert_eq!(
        PortfolioView::from_query(|k| (k == "sort").then(|| "nonsense".to_string())),
        PortfolioView::default()
    );
    assert_eq!(
        PortfolioView::from_query(|k| match k {
            "gate" => Some("maybe".into()),
            "team" => Some("  ".into()),
            "dir" => Some("sideways".into()),
            _ => None,
        }),
        PortfolioView::default()
    );
}

#[test]
fn clicking_a_header_sorts_then_flips_and_keeps_filters() {
    let view = PortfolioView {
        gate: Some(GateFilter::Clear),
        ..Default::default()
    };
    let once = view.sorted_by(SortKey::Readiness);
    assert_eq!((once.sort, once.dir), (SortKey::Readiness, SortDir::Asc));
    assert_eq!(once.href(), "/?sort=readiness&gate=clear");
    let twice = once.sorted_by(SortKey::Readiness);
    assert_eq!(twice.dir, SortDir::Desc);
    assert_eq!(twice.aria_sort(SortKey::Readiness), Some("descending"));
    assert_eq!(twice.aria_sort(SortKey::Service), None);
    assert_eq!(twice.sorted_by(SortKey::Team).dir, SortDir::Asc);
    assert_eq!(twice.unfiltered().href(), "/?sort=readiness&dir=desc");
    assert!(twice.is_filtered() && !twice.unfiltered().is_filtered());
    for key in SortKey::ALL {
        assert_eq!(SortKey::parse(key.as_str()), Some(key));
    }
}
