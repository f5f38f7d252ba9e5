use super::*;
use crate::domain::review::record::forecast_against_target;

fn approver(
    role: &str,
    name: &str,
    email: &str,
    decision: Option<(Decision, &str, DateTime<Utc>)>,
) -> ApproverDecision {
    ApproverDecision {
        role: role.to_string(),
        name: name.to_string(),
        email: email.to_string(),
        decision: decision.map(|(decision, comment, decided_at)| RecordedDecision {
            decision,
            comment: comment.to_string(),
            decided_at,
        }),
    }
}

fn conditional_go() -> DecisionRecord {
    DecisionRecord {
        title: "Launch review".to_string(),
        void_reason: None,
        opened_by: "maria@example.com".to_string(),
        opened_at: opened(),
        approvers: vec![
            approver(
                "SRE",
                "Sam Reed",
                "sam@example.com",
                Some((Decision::Go, "Backups verified", at(2026, 11, 21, 10, 0))),
            ),
            approver(
                "Security",
                "Ines Ortiz",
                "ines@example.com",
                Some((
                    Decision::ConditionalGo,
                    "WAF | rules\nfirst",
                    at(2026, 11, 22, 16, 5),
                )),
            ),
        ],
        follow_ups: vec![FollowUpState {
            item_id: 61,
            title: "Enable WAF rules".to_string(),
            due_date: date(2026, 12, 15),
            status: Todo,
        }],
        voided_at: None,
        snapshot: snapshot(),
    }
}

const CONDITIONAL_GO: &str = "\
# Decision record: Launch review

Review of Payments API (`payments-api`) opened by maria@example.com on 20 Nov 2026 09:30 UTC. The facts below were frozen on 20 Nov 2026 09:30 UTC.

## Outcome: Conditional go

## Approvers

| Role | Approver | Decision | Decided | Comment |
|---|---|---|---|---|
| SRE | Sam Reed (sam@example.com) | Go | 21 Nov 2026 10:00 UTC | Backups verified |
| Security | Ines Ortiz (ines@example.com) | Conditional go | 22 Nov 2026 16:05 UTC | WAF \\| rules first |

## Follow-ups

| Follow-up | Due | Status |
|---|---|---|
| Enable WAF rules | 15 Dec 2026 | To do |

## Facts on 20 Nov 2026 09:30 UTC

- Readiness: 2 of 5 applicable items done (40%).
- Launch gate: blocked by 2 items.
- Monthly cost now: $1,150.00; at completion: $1,230.00.
- Forecast ready: 14 Feb 2027; target go-live: 1 Mar 2027 (15 days before the target).

### Launch blockers

| Item | Section | Priority | Status | Owner | Due |
|---|---|---|---|---|---|
| Enable WAF | Security | Critical | To do | ana | 1 Dec 2026 |
| Nightly backups | Backup & DR | Critical | In progress | — | — |

### Open risks

| Risk | Status | Likelihood × impact | Inherent | Residual | Level |
|---|---|---|---|---|---|
| Database failover untested | Open | 4 × 5 | 20 | 10 | High |
| Key leak | Mitigating | 3 × 4 | 12 | 4 | Low |
| Vendor lock-in | Accepted | 2 × 2 | 4 | 4 | Low |
";

#[test]
fn the_record_of_a_conditional_go() {
    let record = conditional_go();
    assert_eq!(record.outcome(), ReviewOutcome::ConditionalGo);
    assert_eq!(decision_record_markdown(&record), CONDITIONAL_GO);
}

#[test]
fn the_record_is_the_same_every_time() {
    let record = conditional_go();
    assert_eq!(
        decision_record_markdown(&record),
        decision_record_markdown(&record.clone())
    );
}

#[test]
fn a_voided_record_says_when_and_why() {
    let record = DecisionRecord {
        voided_at: Some(at(2026, 12, 16, 0, 5)),
        ..conditional_go()
    };
    assert_eq!(record.outcome(), ReviewOutcome::Voided);
    let md = decision_record_markdown(&record);
    assert!(
        md.contains(
            "## Outcome: Voided\n\n\
             Voided on 16 Dec 2026 00:05 UTC: a follow-up of the conditional go became overdue.\n\n\
             ## Approvers\n"
        ),
        "{md}"
    );
}

#[test]
fn a_pending_record_says_who_is_still_to_decide() {
    let mut record = conditional_go();
    record.approvers[1].decision = None;
    record.approvers[1].name = String::new();
    record.follow_ups.clear();
    let md = decision_record_markdown(&record);
    assert!(
        md.contains("## Outcome: Pending\n\nWaiting for 1 of 2 approvers.\n\n## Approvers\n"),
        "{md}"
    );
    // No name: the email alone; no decision: pending, no time, no comment.
    assert!(
        md.contains("| Security | ines@example.com | Pending | — | — |\n"),
        "{md}"
    );
    assert!(md.contains("## Follow-ups\n\nNone.\n\n## Facts"), "{md}");
}

#[test]
fn an_approver_named_by_their_address_is_shown_once() {
    let mut record = conditional_go();
    record.approvers[0].name = "SAM@example.com".to_string();
    let md = decision_record_markdown(&record);
    assert!(
        md.contains("| SRE | sam@example.com | Go | 21 Nov 2026 10:00 UTC | Backups verified |\n"),
        "{md}"
    );
}

#[test]
fn a_record_without_approvers_or_risks_or_blockers() {
    let mut snapshot = snapshot();
    snapshot.open_risks.clear();
    snapshot.launch_blockers.clear();
    let record = DecisionRecord {
        approvers: vec![],
        follow_ups: vec![],
        snapshot,
        ..conditional_go()
    };
    let md = decision_record_markdown(&record);
    assert!(
        md.contains(
            "## Outcome: Pending\n\nNo approvers are named yet.\n\n## Approvers\n\nNone.\n\n"
        ),
        "{md}"
    );
    assert!(md.contains("- Launch gate: clear.\n"), "{md}");
    assert!(
        md.ends_with("### Launch blockers\n\nNone.\n\n### Open risks\n\nNone.\n"),
        "{md}"
    );
}

#[test]
fn a_single_blocker_is_one_item() {
    let mut record = conditional_go();
    record.snapshot.launch_blockers = vec![21];
    let md = decision_record_markdown(&record);
    assert!(md.contains("- Launch gate: blocked by 1 item.\n"), "{md}");
}

#[test]
fn user_text_stays_inside_its_line_and_cell() {
    let mut record = conditional_go();
    record.title = "Launch\n# review".to_string();
    record.snapshot.open_risks[0].title = "a|b\r\nc".to_string();
    let md = decision_record_markdown(&record);
    assert!(
        md.starts_with("# Decision record: Launch # review\n\n"),
        "{md}"
    );
    assert!(md.contains("| a\\|b c | Open |"), "{md}");
}

#[test]
fn forecast_against_the_target_go_live() {
    let target = Some(date(2027, 3, 1));
    assert_eq!(
        forecast_against_target(Some(date(2027, 2, 28)), target),
        "Forecast ready: 28 Feb 2027; target go-live: 1 Mar 2027 (1 day before the target)."
    );
    assert_eq!(
        forecast_against_target(Some(date(2027, 3, 1)), target),
        "Forecast ready: 1 Mar 2027; target go-live: 1 Mar 2027 (on the target)."
    );
    assert_eq!(
        forecast_against_target(Some(date(2027, 3, 2)), target),
        "Forecast ready: 2 Mar 2027; target go-live: 1 Mar 2027 (1 day after the target)."
    );
    assert_eq!(
        forecast_against_target(Some(date(2027, 4, 1)), target),
        "Forecast ready: 1 Apr 2027; target go-live: 1 Mar 2027 (31 days after the target)."
    );
    assert_eq!(
        forecast_against_target(Some(date(2027, 4, 1)), None),
        "Forecast ready: 1 Apr 2027; no target go-live is set."
    );
    assert_eq!(
        forecast_against_target(None, target),
        "No forecast ready date; target go-live: 1 Mar 2027."
    );
    assert_eq!(
        forecast_against_target(None, None),
        "No forecast ready date, and no target go-live is set."
    );
}
