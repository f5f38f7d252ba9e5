use super::*;
use crate::model::EventRecord;
use chrono::{TimeZone, Utc};
use serde_json::json;

fn entry(action: &str, subject: Option<&str>, before: Value, after: Value) -> HistoryEntry {
    HistoryEntry {
        event: EventRecord {
            id: 1,
            actor: "alice".to_string(),
            action: action.to_string(),
            subject_type: "checklist_item".to_string(),
            subject_id: Some(7),
            before: (!before.is_null()).then_some(before),
            after: (!after.is_null()).then_some(after),
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap(),
            readiness_done: Some(10),
            readiness_applicable: Some(20),
        },
        subject_name: subject.map(str::to_string),
    }
}

fn sentence(e: &HistoryEntry) -> String {
    describe(e, &HashMap::new()).sentence
}

#[test]
fn risk_and_cost_line_changes_read_as_sentences() {
    let e = entry(
        "risk.updated",
        Some("Data loss"),
        json!({"likelihood": 4, "item_ids": [1]}),
        json!({"likelihood": 2, "item_ids": [1, 2]}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(text.sentence, "alice edited the risk “Data loss”");
    let changes: Vec<_> = text
        .changes
        .iter()
        .map(|c| (c.label.as_str(), c.before.as_str(), c.after.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            ("Likelihood", "4", "2"),
            ("Mitigating items", "1 item", "2 items")
        ]
    );

    let e = entry(
        "cost_line.updated",
        Some("Savings Plan"),
        json!({"name": "Savings Plan", "included": true}),
        json!({"name": "Savings Plan", "included": false}),
    );
    assert_eq!(
        sentence(&e),
        "alice left the cost line “Savings Plan” out of the projection"
    );
    let e = entry(
        "cost_line.updated",
        Some("EKS"),
        json!({"monthly_cents": 7300}),
        json!({"monthly_cents": 14600}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(text.sentence, "alice edited the cost line “EKS”");
    assert_eq!(text.changes[0].after, "$146.00/month");
    assert_eq!(
        sentence(&entry(
            "risk.deleted",
            Some("Outage"),
            json!({}),
            Value::Null
        )),
        "alice deleted the risk “Outage”"
    );
}

#[test]
fn a_status_change_reads_as_a_sentence() {
    let e = entry(
        "item.status_changed",
        Some("TLS everywhere"),
        json!({"status": "todo", "na_reason": null}),
        json!({"status": "done", "na_reason": null}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(
        text.sentence,
        "alice changed “TLS everywhere” from To do to Done"
    );
    assert_eq!(
        text.changes,
        vec![change("Status", "To do".into(), "Done".into())]
    );
    assert_eq!(text.by, None);
    assert_eq!(text.raw, None);
}

#[test]
fn marking_not_applicable_shows_the_reason() {
    let e = entry(
        "item.status_changed",
        Some("Pen test"),
        json!({"status": "todo", "na_reason": null}),
        json!({"status": "not_applicable", "na_reason": "internal only"}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(text.sentence, "alice changed “Pen test” from To do to N/A");
    assert_eq!(
        text.changes[1],
        change("N/A reason", "—".into(), "internal only".into())
    );
}

#[test]
fn service_and_phase_events_name_who_separately() {
    let created = entry(
        "service.created",
        Some("Payments API"),
        Value::Null,
        json!({"slug": "payments-api", "name": "Payments API", "items": 54, "done_items": 0}),
    );
    let text = describe(&created, &HashMap::new());
    assert_eq!(text.sentence, "Service created with 54 items");
    assert_eq!(text.by.as_deref(), Some("alice"));
    let created = entry(
        "service.created",
        None,
        Value::Null,
        json!({"items": 1, "done_items": 1}),
    );
    assert_eq!(
        sentence(&created),
        "Service created with 1 item, 1 already done"
    );

    let completed = entry(
        "phase.completed",
        Some("Phase 1: Critical"),
        json!({"complete": false}),
        json!({"complete": true}),
    );
    let text = describe(&completed, &HashMap::new());
    assert_eq!(text.sentence, "Phase 1: Critical completed");
    assert_eq!(
        text.changes,
        vec![change("Phase", "Open".into(), "Complete".into())]
    );
    let reopened = entry(
        "phase.reopened",
        Some("Phase 1: Critical"),
        Value::Null,
        Value::Null,
    );
    assert_eq!(sentence(&reopened), "Phase 1: Critical reopened");
}

#[test]
fn item_edits_list_the_changed_fields() {
    let phases = HashMap::from([(3, "Phase 2: Hardening".to_string())]);
    let e = entry(
        "item.updated",
        Some("Alerting"),
        json!({"owner": "", "priority": "low", "due_date": null, "phase_id": null}),
        json!({"owner": "bob", "priority": "high", "due_date": "2027-02-14", "phase_id": 3}),
    );
    let text = describe(&e, &phases);
    assert_eq!(text.sentence, "alice edited “Alerting”");
    assert_eq!(
        text.changes,
        vec![
            change("Priority", "Low".into(), "High".into()),
            change("Owner", "—".into(), "bob".into()),
            change("Due date", "—".into(), "14 Feb 2027".into()),
            change("Phase", "—".into(), "Phase 2: Hardening".into()),
        ]
    );
    let renamed = entry(
        "item.updated",
        Some("New"),
        json!({"title": "Old"}),
        json!({"title": "New"}),
    );
    assert_eq!(sentence(&renamed), "alice renamed “Old” to “New”");
}

#[test]
fn structure_changes_read_well() {
    let cases = [
        (
            entry(
                "item.created",
                Some("WAF"),
                Value::Null,
                json!({"title": "WAF"}),
            ),
            "alice added “WAF”",
        ),
        (
            entry("item.deleted", None, json!({"title": "WAF"}), Value::Null),
            "alice deleted “WAF”",
        ),
        (
            entry(
                "item.moved",
                Some("WAF"),
                json!({"title": "WAF"}),
                json!({"moved": "up"}),
            ),
            "alice moved “WAF” up",
        ),
        (
            entry(
                "items.assigned",
                Some("Phase 1"),
                Value::Null,
                json!({"phase_id": 3, "item_ids": [1, 2]}),
            ),
            "alice assigned 2 items to “Phase 1”",
        ),
        (
            entry(
                "items.assigned",
                None,
                Value::Null,
                json!({"phase_id": null, "item_ids": [1]}),
            ),
            "alice took 1 item out of their phase",
        ),
        (
            entry(
                "section.created",
                Some("Security"),
                Value::Null,
                json!({"name": "Security"}),
            ),
            "alice added the section “Security”",
        ),
        (
            entry(
                "section.renamed",
                Some("Sec"),
                json!({"name": "Security"}),
                json!({"name": "Sec"}),
            ),
            "alice renamed the section “Security” to “Sec”",
        ),
        (
            entry(
                "section.deleted",
                None,
                json!({"name": "Cost", "items": [{"id": 1}, {"id": 2}]}),
                Value::Null,
            ),
            "alice deleted the section “Cost” and its 2 items",
        ),
        (
            entry(
                "section.moved",
                Some("Cost"),
                json!({"name": "Cost"}),
                json!({"moved": "down"}),
            ),
            "alice moved the section “Cost” down",
        ),
        (
            entry(
                "stated_figures.dismissed",
                None,
                json!({"figures": [{"label": "Subtotal"}, {"label": "Total"}]}),
                Value::Null,
            ),
            "alice dismissed 2 totals of the imported document that its cost lines did not add up to",
        ),
        (
            entry(
                "phase.created",
                Some("Phase 5"),
                Value::Null,
                json!({"name": "Phase 5"}),
            ),
            "alice added the phase “Phase 5”",
        ),
        (
            entry(
                "phase.deleted",
                None,
                json!({"name": "Phase 5"}),
                Value::Null,
            ),
            "alice deleted the phase “Phase 5”",
        ),
        (
            entry(
                "phase.moved",
                Some("Phase 5"),
                json!({"name": "Phase 5"}),
                json!({"moved": "up"}),
            ),
            "alice moved the phase “Phase 5” up",
        ),
    ];
    for (e, expected) in cases {
        assert_eq!(sentence(&e), expected, "{}", e.event.action);
    }
}

#[test]
fn phase_edits_show_money_and_dates() {
    let e = entry(
        "phase.updated",
        Some("Phase 1"),
        json!({"name": "Phase 1", "planned_end": "2026-12-04", "monthly_cost_change_cents": 1500}),
        json!({"name": "Phase 1", "planned_end": "2026-12-11", "monthly_cost_change_cents": 3385}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(text.sentence, "alice edited the phase “Phase 1”");
    assert_eq!(
        text.changes,
        vec![
            change("Planned end", "4 Dec 2026".into(), "11 Dec 2026".into()),
            change(
                "Monthly cost change",
                "+$15.00/month".into(),
                "+$33.85/month".into()
            ),
        ]
    );
}

#[test]
fn unknown_actions_fall_back_to_the_recorded_json() {
    let e = entry(
        "risk.closed",
        None,
        json!({"status": "open"}),
        json!({"status": "closed"}),
    );
    let text = describe(&e, &HashMap::new());
    assert_eq!(
        text.sentence,
        "alice made a change (risk.closed) to item #7"
    );
    let (before, after) = text.raw.expect("raw JSON");
    assert!(before.contains("\"open\"") && after.contains("\"closed\""));
    let e = entry("cost.added", None, Value::Null, json!({"name": "NAT"}));
    assert_eq!(describe(&e, &HashMap::new()).raw.unwrap().0, "—");
}

#[test]
fn a_missing_name_falls_back_to_the_id() {
    let e = entry(
        "item.status_changed",
        None,
        json!({"status": "done"}),
        json!({"status": "todo"}),
    );
    assert_eq!(sentence(&e), "alice changed item #7 from Done to To do");
}
