use super::*;
use crate::model::EventRecord;

fn event(
    id: i64,
    subject_type: &str,
    subject_id: Option<i64>,
    actor: &str,
    action: &str,
    created_at: DateTime<Utc>,
) -> EventRecord {
    EventRecord {
        id,
        actor: actor.to_string(),
        action: action.to_string(),
        subject_type: subject_type.to_string(),
        subject_id,
        before: None,
        after: None,
        created_at,
        readiness_done: None,
        readiness_applicable: None,
    }
}

fn by(event_id: i64, actor: &str, action: &str, at: DateTime<Utc>) -> Option<LastEvent> {
    Some(LastEvent {
        event_id,
        actor: actor.to_string(),
        action: action.to_string(),
        at,
    })
}

/// Two weeks after the review.
fn later() -> DateTime<Utc> {
    at(2026, 12, 1, 12, 0)
}

/// The fixture two weeks on: items 11 and 21 done, 12 renamed, 22 deleted, 24 added;
/// risk 32 closed, 33 open again (same score), 34 reopened, 35 added; cost line 51
/// renamed, 53 dearer, 55 now included, 54 deleted, 56 added.
fn moved_on() -> ServiceDocument {
    let mut doc = document();
    let security = &mut doc.sections[0].items;
    security[0].status = Done;
    security[1].title = "Rotate all secrets".to_string();
    let backup = &mut doc.sections[1].items;
    backup[0].status = Done;
    backup.remove(1);
    backup.push(item(24, "Failover drill", High, Todo));
    doc.risks[1].status = RiskStatus::Closed;
    doc.risks[2].status = RiskStatus::Open;
    doc.risks[3].status = RiskStatus::Open;
    doc.risks
        .push(risk(35, "Capacity", (2, 3), RiskStatus::Open, vec![]));
    doc.cost_lines[0].name = "Application servers".to_string();
    doc.cost_lines[2].monthly_cents = 9_000;
    doc.cost_lines[4].included = true;
    doc.cost_lines.remove(3);
    doc.cost_lines.push(line(
        56,
        StorageBackup,
        "Log storage",
        CostKind::Baseline,
        3_000,
    ));
    doc
}

fn events() -> Vec<EventRecord> {
    let item = "checklist_item";
    vec![
        // Before the review: never counts.
        event(
            1,
            item,
            Some(11),
            "old",
            "checklist_item.updated",
            at(2026, 11, 19, 8, 0),
        ),
        event(
            2,
            item,
            Some(11),
            "ana",
            "checklist_item.updated",
            at(2026, 11, 25, 10, 0),
        ),
        // Same moment, higher id: the latest.
        event(
            3,
            item,
            Some(11),
            "bo",
            "checklist_item.updated",
            at(2026, 11, 25, 10, 0),
        ),
        // Earlier, though listed later.
        event(
            4,
            item,
            Some(11),
            "cy",
            "checklist_item.updated",
            at(2026, 11, 24, 10, 0),
        ),
        // Same id, another kind of subject.
        event(
            5,
            "risk",
            Some(11),
            "zed",
            "risk.updated",
            at(2026, 11, 30, 10, 0),
        ),
        event(
            6,
            item,
            Some(22),
            "dee",
            "checklist_item.deleted",
            at(2026, 11, 26, 10, 0),
        ),
        event(
            7,
            "risk",
            Some(32),
            "eve",
            "risk.updated",
            at(2026, 11, 27, 10, 0),
        ),
        event(
            8,
            "cost_line",
            Some(53),
            "fay",
            "cost_line.updated",
            at(2026, 11, 28, 10, 0),
        ),
        // No subject id: about nothing in particular.
        event(
            9,
            item,
            None,
            "hal",
            "checklist_item.updated",
            at(2026, 11, 29, 10, 0),
        ),
        // At the very moment of the snapshot: not after it.
        event(
            10,
            "cost_line",
            Some(55),
            "ivy",
            "cost_line.updated",
            opened(),
        ),
        event(
            11,
            item,
            Some(24),
            "gus",
            "checklist_item.created",
            at(2026, 11, 21, 10, 0),
        ),
        event(
            12,
            "risk",
            Some(35),
            "eve",
            "risk.created",
            at(2026, 11, 22, 10, 0),
        ),
    ]
}

fn the_diff() -> SnapshotDiff {
    let now = take_snapshot(&moved_on(), Some(date(2027, 2, 1)), later());
    diff(&snapshot(), &now, &events())
}

#[test]
fn items_added_removed_or_changed_state_with_who_and_when() {
    let d = the_diff();
    assert_eq!(
        d.items,
        [
            ItemDiff {
                item_id: 11,
                section: "Security".to_string(),
                title: "Enable WAF".to_string(),
                change: ItemChange::StatusChanged {
                    from: Todo,
                    to: Done
                },
                last_event: by(3, "bo", "checklist_item.updated", at(2026, 11, 25, 10, 0)),
            },
            // Changed with no event about it: no one to name.
            ItemDiff {
                item_id: 21,
                section: "Backup & DR".to_string(),
                title: "Nightly backups".to_string(),
                change: ItemChange::StatusChanged {
                    from: InProgress,
                    to: Done
                },
                last_event: None,
            },
            ItemDiff {
                item_id: 24,
                section: "Backup & DR".to_string(),
                title: "Failover drill".to_string(),
                change: ItemChange::Added { status: Todo },
                last_event: by(11, "gus", "checklist_item.created", at(2026, 11, 21, 10, 0)),
            },
            ItemDiff {
                item_id: 22,
                section: "Backup & DR".to_string(),
                title: "Restore drill".to_string(),
                change: ItemChange::Removed {
                    status: NotApplicable
                },
                last_event: by(6, "dee", "checklist_item.deleted", at(2026, 11, 26, 10, 0)),
            },
        ]
    );
}

#[test]
fn risks_opened_closed_or_changed_residual_score() {
    let d = the_diff();
    assert_eq!(
        d.risks,
        [
            // Items 21 and 23 both done: likelihood 1, so 1 × 5 = 5.
            RiskDiff {
                risk_id: 31,
                title: "Database failover untested".to_string(),
                change: RiskChange::ResidualChanged {
                    from: 10,
                    to: 5,
                    from_level: RiskLevel::High,
                    to_level: RiskLevel::Medium,
                },
                last_event: None,
            },
            // Closed then, open now: opened again.
            RiskDiff {
                risk_id: 34,
                title: "Old outage".to_string(),
                change: RiskChange::Opened {
                    residual_score: 5,
                    residual_level: RiskLevel::Medium,
                },
                last_event: None,
            },
            RiskDiff {
                risk_id: 35,
                title: "Capacity".to_string(),
                change: RiskChange::Opened {
                    residual_score: 6,
                    residual_level: RiskLevel::Medium,
                },
                last_event: by(12, "eve", "risk.created", at(2026, 11, 22, 10, 0)),
            },
            RiskDiff {
                risk_id: 32,
                title: "Key leak".to_string(),
                change: RiskChange::Closed {
                    residual_score: 4,
                    residual_level: RiskLevel::Low,
                },
                last_event: by(7, "eve", "risk.updated", at(2026, 11, 27, 10, 0)),
            },
        ]
    );
}

#[test]
fn a_listed_risk_with_status_closed_counts_as_closed() {
    let then = snapshot();
    let mut now = snapshot();
    now.open_risks[2].status = RiskStatus::Closed;
    let d = diff(&then, &now, &[]);
    assert_eq!(
        d.risks,
        [RiskDiff {
            risk_id: 33,
            title: "Vendor lock-in".to_string(),
            change: RiskChange::Closed {
                residual_score: 4,
                residual_level: RiskLevel::Low,
            },
            last_event: None,
        }]
    );
}

#[test]
fn cost_lines_added_removed_or_changed_amount_or_inclusion() {
    let d = the_diff();
    assert_eq!(
        d.cost_lines,
        [
            CostLineDiff {
                line_id: 53,
                category: MonitoringLogging,
                name: "Tracing".to_string(),
                change: CostLineChange::Changed {
                    monthly_cents: ThenNow {
                        then: 8_000,
                        now: 9_000
                    },
                    included: ThenNow {
                        then: true,
                        now: true
                    },
                },
                last_event: by(8, "fay", "cost_line.updated", at(2026, 11, 28, 10, 0)),
            },
            // Its only event is at the moment of the snapshot, not after it.
            CostLineDiff {
                line_id: 55,
                category: Other,
                name: "Spare capacity".to_string(),
                change: CostLineChange::Changed {
                    monthly_cents: ThenNow {
                        then: 50_000,
                        now: 50_000
                    },
                    included: ThenNow {
                        then: false,
                        now: true
                    },
                },
                last_event: None,
            },
            CostLineDiff {
                line_id: 56,
                category: StorageBackup,
                name: "Log storage".to_string(),
                change: CostLineChange::Added {
                    monthly_cents: 3_000,
                    included: true
                },
                last_event: None,
            },
            CostLineDiff {
                line_id: 54,
                category: Compute,
                name: "Reserved instances".to_string(),
                change: CostLineChange::Removed {
                    monthly_cents: -20_000,
                    included: true
                },
                last_event: None,
            },
        ]
    );
}

#[test]
fn totals_then_and_now() {
    let d = the_diff();
    assert_eq!(
        d.taken_at,
        ThenNow {
            then: opened(),
            now: later()
        }
    );
    // Now 4 of 6 applicable done: 11, 13, 21, 23 (12 and the new 24 are not).
    assert_eq!(
        d.readiness,
        ThenNow {
            then: SnapshotReadiness {
                done: 2,
                applicable: 5,
                percent: 40
            },
            now: SnapshotReadiness {
                done: 4,
                applicable: 6,
                percent: 66
            },
        }
    );
    // Now: $1,200 + $150 + $500 (included now) + $30; the saving is gone.
    assert_eq!(
        d.monthly_cost_now_cents,
        ThenNow {
            then: 115_000,
            now: 188_000
        }
    );
    // At completion: also the tracing line, now $90.
    assert_eq!(
        d.monthly_cost_at_completion_cents,
        ThenNow {
            then: 123_000,
            now: 197_000
        }
    );
    assert_eq!(
        d.forecast_ready,
        ThenNow {
            then: Some(date(2027, 2, 14)),
            now: Some(date(2027, 2, 1))
        }
    );
    assert!(d.readiness.changed() && !d.is_empty());
}

#[test]
fn nothing_changed_is_an_empty_diff() {
    let d = diff(&snapshot(), &snapshot(), &events());
    assert!(d.is_empty());
    assert!(!d.readiness.changed() && !d.monthly_cost_now_cents.changed());
}

#[test]
fn only_edits_a_review_decides_on_are_listed() {
    // A new title, owner or due date, a new cost line name: not in the diff.
    let mut doc = document();
    doc.sections[0].items[0].title = "Enable the WAF".to_string();
    doc.sections[0].items[0].owner = "bo".to_string();
    doc.sections[0].items[0].due_date = None;
    doc.risks[0].title = "Failover untested".to_string();
    doc.risks[2].status = RiskStatus::Open;
    doc.cost_lines[0].name = "Servers".to_string();
    let d = diff(&snapshot(), &take_snapshot(&doc, None, later()), &events());
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn diff_serialises_with_tagged_changes() {
    let json = serde_json::to_value(the_diff()).unwrap();
    assert_eq!(
        json["items"][0]["change"],
        serde_json::json!({"kind": "status_changed", "from": "todo", "to": "done"})
    );
    assert_eq!(json["risks"][3]["change"]["kind"], "closed");
    assert_eq!(json["cost_lines"][2]["change"]["kind"], "added");
    assert_eq!(json["items"][0]["last_event"]["actor"], "bo");
    let back: SnapshotDiff = serde_json::from_value(json).unwrap();
    assert_eq!(back, the_diff());
}
