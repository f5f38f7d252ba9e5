use super::*;
use crate::error::AppError;

fn slot(role: &str, email: &str) -> ApproverSlot {
    ApproverSlot {
        role: role.to_string(),
        email: email.to_string(),
    }
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::invalid(field, message)
}

#[test]
fn opening_trims_the_title_and_normalises_the_approvers() {
    assert_eq!(
        validate_opening(
            "  Launch review ",
            &[
                slot(" SRE ", " Sam@Example.com "),
                slot("Security", "ines@example.com")
            ]
        ),
        Ok((
            "Launch review".to_string(),
            vec![
                slot("SRE", "sam@example.com"),
                slot("Security", "ines@example.com")
            ]
        ))
    );
}

#[test]
fn opening_needs_a_title_of_at_most_200_characters() {
    let one = [slot("SRE", "sam@example.com")];
    assert_eq!(
        validate_opening("  ", &one),
        Err(invalid("title", "must not be empty"))
    );
    assert_eq!(
        validate_opening(&"t".repeat(201), &one),
        Err(invalid("title", "at most 200 characters (got 201)"))
    );
    assert!(validate_opening(&"t".repeat(200), &one).is_ok());
}

#[test]
fn opening_names_one_to_twenty_approvers() {
    assert_eq!(
        validate_opening("Review", &[]),
        Err(invalid("approvers", "name at least one approver"))
    );
    let many: Vec<ApproverSlot> = (0..21)
        .map(|i| slot(&format!("Role {i}"), &format!("a{i}@example.com")))
        .collect();
    assert_eq!(
        validate_opening("Review", &many),
        Err(invalid("approvers", "at most 20 approvers (got 21)"))
    );
    assert_eq!(validate_opening("Review", &many[..20]).unwrap().1.len(), 20);
}

#[test]
fn each_approver_needs_a_role_and_an_address() {
    assert_eq!(
        validate_opening(
            "Review",
            &[
                slot("SRE", "sam@example.com"),
                slot(" ", "ines@example.com")
            ]
        ),
        Err(invalid("approvers[1].role", "must not be empty"))
    );
    assert_eq!(
        validate_opening("Review", &[slot("SRE", "sam")]),
        Err(invalid(
            "approvers[0].email",
            "must be an email address such as name@example.com"
        ))
    );
    assert_eq!(
        validate_opening("Review", &[slot("SRE", "")])
            .unwrap_err()
            .to_string(),
        "approvers[0].email: must be an email address such as name@example.com"
    );
}

#[test]
fn one_approver_per_role_and_each_person_once() {
    assert_eq!(
        validate_opening(
            "Review",
            &[
                slot("SRE", "sam@example.com"),
                slot("sre", "ines@example.com")
            ]
        ),
        Err(invalid(
            "approvers[1].role",
            "\"sre\" is named twice; name one approver per role"
        ))
    );
    assert_eq!(
        validate_opening(
            "Review",
            &[
                slot("SRE", "sam@example.com"),
                slot("Security", "SAM@example.com")
            ]
        ),
        Err(invalid(
            "approvers[1].email",
            "sam@example.com is named twice; each approver decides once"
        ))
    );
}

fn view(approvers: Vec<ApproverDecision>, voided_at: Option<DateTime<Utc>>) -> ReviewView {
    let snapshot = snapshot();
    ReviewView {
        id: 7,
        service_slug: "payments-api".to_string(),
        service_name: "Payments API".to_string(),
        since: diff(&snapshot, &snapshot, &[]),
        record: DecisionRecord {
            title: "Launch review".to_string(),
            void_reason: None,
            opened_by: "maria@example.com".to_string(),
            opened_at: opened(),
            approvers,
            follow_ups: vec![],
            voided_at,
            snapshot,
        },
    }
}

fn approver(role: &str, email: &str, decision: Option<Decision>) -> ApproverDecision {
    ApproverDecision {
        role: role.to_string(),
        name: email.to_string(),
        email: email.to_string(),
        decision: decision.map(|decision| RecordedDecision {
            decision,
            comment: String::new(),
            decided_at: opened(),
        }),
    }
}

#[test]
fn a_review_waits_for_its_undecided_approvers() {
    let v = view(
        vec![
            approver("SRE", "sam@example.com", Some(Decision::Go)),
            approver("Security", "ines@example.com", None),
        ],
        None,
    );
    assert_eq!(v.outcome(), ReviewOutcome::Pending);
    assert_eq!(v.waiting_for("ines@example.com"), Some("Security"));
    assert_eq!(v.waiting_for(" Ines@Example.com"), Some("Security"));
    // Decided already, or not named at all.
    assert_eq!(v.waiting_for("sam@example.com"), None);
    assert_eq!(v.waiting_for("bo@example.com"), None);

    let void = view(
        vec![approver("Security", "ines@example.com", None)],
        Some(at(2026, 12, 1, 0, 0)),
    );
    assert_eq!(void.outcome(), ReviewOutcome::Voided);
    assert_eq!(void.waiting_for("ines@example.com"), None);
}

#[test]
fn summaries_and_views_round_trip_through_json() {
    let summary = ReviewSummary {
        id: 7,
        title: "Launch review".to_string(),
        opened_by: "maria@example.com".to_string(),
        opened_at: opened(),
        outcome: ReviewOutcome::ConditionalGo,
        decided: 2,
        approvers: 2,
    };
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["outcome"], "conditional_go");
    assert_eq!(
        serde_json::from_value::<ReviewSummary>(json).unwrap(),
        summary
    );
    let v = view(vec![approver("SRE", "sam@example.com", None)], None);
    let back: ReviewView = serde_json::from_value(serde_json::to_value(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}
