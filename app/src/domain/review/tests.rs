use super::*;
use crate::model::{ChecklistItem, ChecklistSection, Phase, Risk};
use CostCategory::*;
use ItemStatus::*;
use Priority::*;

mod decision;
mod diff;
mod opening;
mod record;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn at(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    date(y, m, d)
        .and_hms_opt(hour, minute, 0)
        .unwrap()
        .and_utc()
}

/// When the fixture's review is opened.
pub(super) fn opened() -> DateTime<Utc> {
    at(2026, 11, 20, 9, 30)
}

pub(super) fn item(id: i64, title: &str, priority: Priority, status: ItemStatus) -> ChecklistItem {
    ChecklistItem {
        id,
        section_id: 0,
        title: title.to_string(),
        detail: String::new(),
        status,
        priority,
        owner: String::new(),
        due_date: None,
        evidence_url: None,
        phase_id: None,
        na_reason: None,
        version: 1,
        updated_at: opened(),
        updated_by: "seed".to_string(),
    }
}

pub(super) fn risk(
    id: i64,
    title: &str,
    (likelihood, impact): (i16, i16),
    status: RiskStatus,
    mitigating_item_ids: Vec<i64>,
) -> Risk {
    Risk {
        id,
        title: title.to_string(),
        description: String::new(),
        likelihood,
        impact,
        mitigation: String::new(),
        owner: String::new(),
        status,
        review_date: None,
        mitigating_item_ids,
        version: 1,
    }
}

pub(super) fn line(
    id: i64,
    category: CostCategory,
    name: &str,
    kind: CostKind,
    monthly_cents: i64,
) -> CostLine {
    CostLine {
        id,
        category,
        name: name.to_string(),
        kind,
        monthly_cents,
        phase_id: None,
        start_month: None,
        included: true,
        version: 1,
    }
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

/// Payments API on the day of its review:
/// - Security: 11 Enable WAF (critical, to do), 12 Rotate secrets (high, in progress),
///   13 Pen test (critical, done);
/// - Backup & DR: 21 Nightly backups (critical, in progress), 22 Restore drill
///   (medium, N/A), 23 Runbook (low, done);
/// - risks 31 (4×5, items 21 and 23), 32 (3×4, items 13 and the unknown 99), 33
///   (2×2, accepted), 34 (1×5, closed);
/// - phase 41 complete on 10 Nov 2026, phase 42 open until 31 Jan 2027;
/// - cost lines 51 baseline $1,200, 52 addition of phase 41 $150, 53 addition of
///   phase 42 $80, 54 saving −$200 from Nov 2026, 55 baseline $500 left out.
pub(super) fn document() -> ServiceDocument {
    ServiceDocument {
        slug: "payments-api".to_string(),
        name: "Payments API".to_string(),
        description: String::new(),
        team: "Payments".to_string(),
        target_go_live: Some(date(2027, 3, 1)),
        readiness_percent: 0,
        sections: vec![
            ChecklistSection {
                id: 1,
                name: "Security".to_string(),
                items: vec![
                    ChecklistItem {
                        owner: "ana".to_string(),
                        due_date: Some(date(2026, 12, 1)),
                        ..item(11, "Enable WAF", Critical, Todo)
                    },
                    item(12, "Rotate secrets", High, InProgress),
                    item(13, "Pen test", Critical, Done),
                ],
            },
            ChecklistSection {
                id: 2,
                name: "Backup & DR".to_string(),
                items: vec![
                    item(21, "Nightly backups", Critical, InProgress),
                    ChecklistItem {
                        na_reason: Some("Covered by the provider".to_string()),
                        ..item(22, "Restore drill", Medium, NotApplicable)
                    },
                    item(23, "Runbook", Low, Done),
                ],
            },
        ],
        phases: vec![
            phase(41, None, Some(at(2026, 11, 10, 12, 0))),
            phase(42, Some(date(2027, 1, 31)), None),
        ],
        risks: vec![
            risk(
                31,
                "Database failover untested",
                (4, 5),
                RiskStatus::Open,
                vec![21, 23],
            ),
            risk(32, "Key leak", (3, 4), RiskStatus::Mitigating, vec![13, 99]),
            risk(33, "Vendor lock-in", (2, 2), RiskStatus::Accepted, vec![]),
            risk(34, "Old outage", (1, 5), RiskStatus::Closed, vec![]),
        ],
        cost_lines: vec![
            line(51, Compute, "App servers", CostKind::Baseline, 120_000),
            CostLine {
                phase_id: Some(41),
                ..line(52, Database, "Replica", CostKind::Addition, 15_000)
            },
            CostLine {
                phase_id: Some(42),
                ..line(53, MonitoringLogging, "Tracing", CostKind::Addition, 8_000)
            },
            CostLine {
                start_month: Some(date(2026, 11, 1)),
                ..line(54, Compute, "Reserved instances", CostKind::Saving, -20_000)
            },
            CostLine {
                included: false,
                ..line(55, Other, "Spare capacity", CostKind::Baseline, 50_000)
            },
        ],
        stated_cost_figures: vec![],
    }
}

/// The fixture's snapshot, forecast ready on 14 Feb 2027.
pub(super) fn snapshot() -> ReviewSnapshot {
    take_snapshot(&document(), Some(date(2027, 2, 14)), opened())
}

#[test]
fn freezes_every_item_in_checklist_order_with_its_section() {
    let s = snapshot();
    let ids: Vec<i64> = s.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, [11, 12, 13, 21, 22, 23]);
    assert_eq!(
        s.items[0],
        SnapshotItem {
            id: 11,
            section: "Security".to_string(),
            title: "Enable WAF".to_string(),
            priority: Critical,
            status: Todo,
            owner: "ana".to_string(),
            due_date: Some(date(2026, 12, 1)),
            na_reason: None,
        }
    );
    assert_eq!(s.items[4].section, "Backup & DR");
    assert_eq!(
        s.items[4].na_reason.as_deref(),
        Some("Covered by the provider")
    );
    assert_eq!(s.taken_at, opened());
    assert_eq!(
        (s.service_name.as_str(), s.service_slug.as_str()),
        ("Payments API", "payments-api")
    );
}

#[test]
fn readiness_counts_applicable_items_and_rounds_down() {
    // Applicable: 11, 12, 13, 21, 23 (22 is N/A); done: 13 and 23.
    assert_eq!(
        snapshot().readiness,
        SnapshotReadiness {
            done: 2,
            applicable: 5,
            percent: 40
        }
    );
    let mut doc = document();
    doc.sections[0].items[0].status = Done;
    // 3 of 5 applicable: 60%.
    let s = take_snapshot(&doc, None, opened());
    assert_eq!((s.readiness.done, s.readiness.percent), (3, 60));
    doc.sections.clear();
    assert_eq!(
        take_snapshot(&doc, None, opened()).readiness,
        SnapshotReadiness::default()
    );
}

#[test]
fn launch_blockers_are_the_items_the_gate_waits_for() {
    let s = snapshot();
    // Critical and not done or N/A; the high item 12 does not close the gate.
    assert_eq!(s.launch_blockers, [11, 21]);
    let titles: Vec<&str> = s.blocker_items().iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["Enable WAF", "Nightly backups"]);
    assert!(!s.is_clear());

    let mut doc = document();
    doc.sections[0].items[0].status = NotApplicable;
    doc.sections[1].items[0].status = Done;
    let clear = take_snapshot(&doc, None, opened());
    assert!(clear.launch_blockers.is_empty() && clear.is_clear());
}

#[test]
fn open_risks_carry_inherent_and_residual_scores() {
    let s = snapshot();
    assert_eq!(
        s.open_risks,
        [
            // Items 21 (in progress) and 23 (done): ⌈4 × 1 / 2⌉ = 2, so 2 × 5 = 10.
            SnapshotRisk {
                id: 31,
                title: "Database failover untested".to_string(),
                status: RiskStatus::Open,
                likelihood: 4,
                impact: 5,
                inherent_score: 20,
                residual_score: 10,
                residual_level: RiskLevel::High,
            },
            // Item 13 done, item 99 not in the service: max(1, 0) × 4 = 4.
            SnapshotRisk {
                id: 32,
                title: "Key leak".to_string(),
                status: RiskStatus::Mitigating,
                likelihood: 3,
                impact: 4,
                inherent_score: 12,
                residual_score: 4,
                residual_level: RiskLevel::Low,
            },
            // Accepted risks stay open; no linked items, so residual = inherent.
            SnapshotRisk {
                id: 33,
                title: "Vendor lock-in".to_string(),
                status: RiskStatus::Accepted,
                likelihood: 2,
                impact: 2,
                inherent_score: 4,
                residual_score: 4,
                residual_level: RiskLevel::Low,
            },
        ]
    );
}

#[test]
fn costs_count_included_lines_as_of_the_snapshot_date() {
    let s = snapshot();
    // Now: $1,200 baseline + $150 of the completed phase − $200 saving; the $500
    // line left out does not count.
    assert_eq!(s.monthly_cost_now_cents, 115_000);
    // At completion: also the $80 of the open phase.
    assert_eq!(s.monthly_cost_at_completion_cents, 123_000);
    // Every line is frozen, included or not.
    assert_eq!(s.cost_lines.len(), 5);
    assert_eq!(
        s.cost_lines[4],
        SnapshotCostLine {
            id: 55,
            category: Other,
            name: "Spare capacity".to_string(),
            kind: CostKind::Baseline,
            monthly_cents: 50_000,
            included: false,
        }
    );

    // Before phase 41 completed, its addition did not run yet.
    let before = take_snapshot(&document(), None, at(2026, 11, 9, 23, 59));
    assert_eq!(before.monthly_cost_now_cents, 100_000);
    assert_eq!(before.monthly_cost_at_completion_cents, 123_000);
}

#[test]
fn forecast_and_target_are_kept_as_given() {
    let s = snapshot();
    assert_eq!(s.forecast_ready, Some(date(2027, 2, 14)));
    assert_eq!(s.target_go_live, Some(date(2027, 3, 1)));
    let mut doc = document();
    doc.target_go_live = None;
    let none = take_snapshot(&doc, None, opened());
    assert_eq!((none.forecast_ready, none.target_go_live), (None, None));
}

#[test]
fn snapshot_round_trips_through_json() {
    let s = snapshot();
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["items"][0]["status"], "todo");
    assert_eq!(json["open_risks"][0]["residual_level"], "high");
    assert_eq!(json["cost_lines"][2]["category"], "monitoring_logging");
    assert_eq!(json["readiness"]["percent"], 40);
    assert_eq!(json["forecast_ready"], "2027-02-14");
    assert_eq!(serde_json::from_value::<ReviewSnapshot>(json).unwrap(), s);
}
