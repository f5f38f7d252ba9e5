use super::*;
use crate::error::AppError;

fn slot(role: &str, decision: Option<Decision>) -> ApproverDecision {
    ApproverDecision {
        role: role.to_string(),
        name: format!("{role} approver"),
        email: format!("{}@example.com", role.to_lowercase()),
        decision: decision.map(|decision| RecordedDecision {
            decision,
            comment: String::new(),
            decided_at: opened(),
        }),
    }
}

fn slots(decisions: &[Option<Decision>]) -> Vec<ApproverDecision> {
    decisions
        .iter()
        .enumerate()
        .map(|(i, d)| slot(&format!("Role{i}"), *d))
        .collect()
}

use Decision::{ConditionalGo as Cond, Go, NoGo};

#[test]
fn decisions_have_stored_names_labels_and_parse_back() {
    let names: Vec<&str> = Decision::ALL.iter().map(|d| d.as_str()).collect();
    assert_eq!(names, ["go", "conditional_go", "no_go"]);
    let labels: Vec<&str> = Decision::ALL.iter().map(|d| d.label()).collect();
    assert_eq!(labels, ["Go", "Conditional go", "No-go"]);
    for d in Decision::ALL {
        assert_eq!(d.as_str().parse::<Decision>(), Ok(*d));
        assert_eq!(Decision::try_from(d.to_string()), Ok(*d));
        assert_eq!(
            serde_json::to_string(d).unwrap(),
            format!("\"{}\"", d.as_str())
        );
        assert_eq!(
            serde_json::from_str::<Decision>(&format!("\"{}\"", d.as_str())).unwrap(),
            *d
        );
    }
    assert_eq!(
        "maybe".parse::<Decision>(),
        Err("unknown decision \"maybe\"; expected one of: go, conditional_go, no_go".to_string())
    );
    assert!("Go".parse::<Decision>().is_err());
}

#[test]
fn no_approvers_is_pending() {
    assert_eq!(outcome(&[], false), ReviewOutcome::Pending);
}

#[test]
fn all_go_is_go() {
    assert_eq!(outcome(&slots(&[Some(Go)]), false), ReviewOutcome::Go);
    assert_eq!(
        outcome(&slots(&[Some(Go), Some(Go), Some(Go)]), false),
        ReviewOutcome::Go
    );
}

#[test]
fn any_conditional_among_all_decided_is_conditional_go() {
    assert_eq!(
        outcome(&slots(&[Some(Go), Some(Cond)]), false),
        ReviewOutcome::ConditionalGo
    );
    assert_eq!(
        outcome(&slots(&[Some(Cond), Some(Cond)]), false),
        ReviewOutcome::ConditionalGo
    );
}

#[test]
fn anyone_undecided_keeps_it_pending() {
    assert_eq!(
        outcome(&slots(&[Some(Go), None]), false),
        ReviewOutcome::Pending
    );
    assert_eq!(
        outcome(&slots(&[None, Some(Cond)]), false),
        ReviewOutcome::Pending
    );
    assert_eq!(
        outcome(&slots(&[None, None]), false),
        ReviewOutcome::Pending
    );
}

#[test]
fn one_no_go_settles_it_even_with_others_undecided() {
    assert_eq!(outcome(&slots(&[Some(NoGo)]), false), ReviewOutcome::NoGo);
    assert_eq!(
        outcome(&slots(&[Some(Go), Some(NoGo), Some(Cond)]), false),
        ReviewOutcome::NoGo
    );
    assert_eq!(
        outcome(&slots(&[None, Some(NoGo)]), false),
        ReviewOutcome::NoGo
    );
}

#[test]
fn voided_wins_over_everything() {
    for decisions in [
        vec![],
        vec![Some(Go)],
        vec![Some(Cond), Some(Go)],
        vec![Some(NoGo)],
        vec![None],
    ] {
        assert_eq!(
            outcome(&slots(&decisions), true),
            ReviewOutcome::Voided,
            "{decisions:?}"
        );
    }
}

#[test]
fn outcomes_have_names_and_labels() {
    use ReviewOutcome::*;
    let all = [Pending, Go, ConditionalGo, NoGo, Voided];
    let names: Vec<&str> = all.iter().map(|o| o.as_str()).collect();
    assert_eq!(
        names,
        ["pending", "go", "conditional_go", "no_go", "voided"]
    );
    let labels: Vec<&str> = all.iter().map(|o| o.label()).collect();
    assert_eq!(
        labels,
        ["Pending", "Go", "Conditional go", "No-go", "Voided"]
    );
    for o in all {
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            format!("\"{}\"", o.as_str())
        );
    }
    assert!(!Pending.is_final() && Go.is_final() && Voided.is_final());
}

fn input(title: &str, due_date: Option<NaiveDate>) -> FollowUpInput {
    FollowUpInput {
        title: title.to_string(),
        due_date,
    }
}

fn today() -> NaiveDate {
    date(2026, 11, 20)
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::invalid(field, message)
}

#[test]
fn a_conditional_go_names_at_least_one_follow_up() {
    assert_eq!(
        validate_follow_ups(Cond, &[], today()),
        Err(invalid(
            "follow_ups",
            "a conditional go needs at least one follow-up"
        ))
    );
}

#[test]
fn go_and_no_go_name_no_follow_ups() {
    assert_eq!(validate_follow_ups(Go, &[], today()), Ok(vec![]));
    assert_eq!(validate_follow_ups(NoGo, &[], today()), Ok(vec![]));
    let one = [input("Rotate keys", Some(today()))];
    assert_eq!(
        validate_follow_ups(Go, &one, today()),
        Err(invalid(
            "follow_ups",
            "only a conditional go has follow-ups, not a Go"
        ))
    );
    assert_eq!(
        validate_follow_ups(NoGo, &one, today()),
        Err(invalid(
            "follow_ups",
            "only a conditional go has follow-ups, not a No-go"
        ))
    );
}

#[test]
fn follow_ups_are_trimmed_and_may_be_due_today() {
    let valid = validate_follow_ups(
        Cond,
        &[
            input("  Rotate keys \n", Some(today())),
            input(&"x".repeat(200), Some(date(2027, 1, 31))),
        ],
        today(),
    );
    assert_eq!(
        valid,
        Ok(vec![
            FollowUp {
                title: "Rotate keys".to_string(),
                due_date: today(),
            },
            FollowUp {
                title: "x".repeat(200),
                due_date: date(2027, 1, 31),
            },
        ])
    );
}

#[test]
fn each_follow_up_needs_a_title_of_1_to_200_characters() {
    let ok = input("Fine", Some(today()));
    assert_eq!(
        validate_follow_ups(Cond, &[ok.clone(), input("   ", Some(today()))], today()),
        Err(invalid("follow_ups[1].title", "must not be empty"))
    );
    // 201 characters, counted as characters, not bytes.
    assert_eq!(
        validate_follow_ups(Cond, &[input(&"é".repeat(201), Some(today()))], today()),
        Err(invalid(
            "follow_ups[0].title",
            "at most 200 characters (got 201)"
        ))
    );
    assert!(validate_follow_ups(Cond, &[input(&"é".repeat(200), Some(today()))], today()).is_ok());
}

#[test]
fn each_follow_up_needs_a_due_date_not_before_today() {
    assert_eq!(
        validate_follow_ups(Cond, &[input("Rotate keys", None)], today()),
        Err(invalid("follow_ups[0].due_date", "choose a due date"))
    );
    assert_eq!(
        validate_follow_ups(
            Cond,
            &[input("Rotate keys", Some(date(2026, 11, 19)))],
            today()
        ),
        Err(invalid(
            "follow_ups[0].due_date",
            "must not be before today (2026-11-20)"
        ))
    );
    assert_eq!(
        validate_follow_ups(Cond, &[input("Rotate keys", None)], today())
            .unwrap_err()
            .to_string(),
        "follow_ups[0].due_date: choose a due date"
    );
}

fn state(item_id: i64, due_date: NaiveDate, status: ItemStatus) -> FollowUpState {
    FollowUpState {
        item_id,
        title: format!("Follow-up {item_id}"),
        due_date,
        status,
    }
}

#[test]
fn a_follow_up_is_overdue_when_open_and_due_before_today() {
    let follow_ups = [
        state(1, date(2026, 11, 19), Todo),
        state(2, date(2026, 11, 19), InProgress),
        state(3, date(2026, 11, 19), Done),
        state(4, date(2026, 11, 19), NotApplicable),
        state(5, today(), Todo),
        state(6, date(2026, 12, 1), Todo),
        state(7, date(2026, 1, 1), Todo),
    ];
    let overdue: Vec<i64> = overdue_follow_ups(&follow_ups, today())
        .iter()
        .map(|f| f.item_id)
        .collect();
    assert_eq!(overdue, [1, 2, 7]);
    // The day after its due date, follow-up 5 is overdue too.
    assert_eq!(overdue_follow_ups(&follow_ups, date(2026, 11, 21)).len(), 4);
    assert!(overdue_follow_ups(&[], today()).is_empty());
}

#[test]
fn a_conditional_go_is_voided_once_a_follow_up_is_overdue() {
    let on_time = [state(1, today(), Todo), state(2, date(2026, 11, 1), Done)];
    let late = [state(1, today(), Todo), state(2, date(2026, 11, 19), Todo)];
    assert!(!should_void(
        ReviewOutcome::ConditionalGo,
        &on_time,
        today()
    ));
    assert!(should_void(ReviewOutcome::ConditionalGo, &late, today()));
    assert!(should_void(
        ReviewOutcome::ConditionalGo,
        &on_time,
        date(2026, 11, 21)
    ));
    // A conditional go while others have still to decide: voided all the same.
    assert!(should_void(ReviewOutcome::Pending, &late, today()));
    assert!(!should_void(ReviewOutcome::Pending, &on_time, today()));
    // Already voided: not again. A go has no conditions, a no-go nothing to void.
    for other in [
        ReviewOutcome::Voided,
        ReviewOutcome::Go,
        ReviewOutcome::NoGo,
    ] {
        assert!(!should_void(other, &late, today()), "{other:?}");
    }
    assert!(!should_void(ReviewOutcome::ConditionalGo, &[], today()));
}

#[test]
fn comments_are_trimmed_optional_and_bounded() {
    assert_eq!(
        validate_comment("  Looks good \n"),
        Ok("Looks good".to_string())
    );
    assert_eq!(validate_comment("   "), Ok(String::new()));
    assert!(validate_comment(&"x".repeat(5_000)).is_ok());
    assert_eq!(
        validate_comment(&"x".repeat(5_001)),
        Err(invalid("comment", "at most 5000 characters (got 5001)"))
    );
    assert_eq!(
        validate_comment("a\0b"),
        Err(invalid("comment", "must not contain NUL characters"))
    );
}
