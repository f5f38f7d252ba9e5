//! Readiness reviews against a real PostgreSQL: opening one freezes the service,
//! named approvers decide once, a conditional go adds dated follow-ups, the scan
//! voids it when one becomes overdue, and the record shows what changed since.

use app::data::{self, items, reviews};
use app::domain::review::{ApproverSlot, Decision, FollowUp, ItemChange, ReviewOutcome};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::model::{ItemStatus, Role};
use chrono::{Duration, Utc};
use serde_json::json;
use sqlx::PgPool;

async fn seed(pool: &PgPool) {
    let draft: ServiceDraft = serde_json::from_value(json!({
        "slug": "ledger", "name": "Ledger",
        "sections": [{"name": "Security", "items": [
            {"title": "TLS everywhere", "priority": "critical"},
            {"title": "WAF", "status": "done"}
        ]}],
        "risks": [{"title": "Data readable in transit", "likelihood": 3, "impact": 5}],
        "cost_lines": [{"category": "compute", "name": "Fargate", "kind": "baseline", "monthly_cents": 30883}]
    }))
    .unwrap();
    data::drafts::insert(pool, &draft, "test").await.unwrap();
    for (email, role) in [
        ("sre@example.com", Role::Viewer),
        ("sec@example.com", Role::Editor),
        ("other@example.com", Role::Editor),
    ] {
        data::users::create(pool, email, role, "not-a-real-hash", "test")
            .await
            .unwrap();
    }
}

fn slots() -> Vec<ApproverSlot> {
    vec![
        ApproverSlot {
            role: "SRE".into(),
            email: "sre@example.com".into(),
        },
        ApproverSlot {
            role: "Security".into(),
            email: "sec@example.com".into(),
        },
    ]
}

async fn item_id(pool: &PgPool, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_review_freezes_the_service_and_takes_each_decision_once(pool: PgPool) {
    seed(&pool).await;
    let now = Utc::now();
    let id = reviews::open(
        &pool,
        "ledger",
        "Launch review",
        &slots(),
        "maria@example.com",
        now,
    )
    .await
    .unwrap();

    let list = reviews::list(&pool, "ledger").await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].outcome, list[0].decided, list[0].approvers),
        (ReviewOutcome::Pending, 0, 2)
    );

    let view = reviews::view(&pool, "ledger", id, now).await.unwrap();
    let snapshot = &view.record.snapshot;
    assert_eq!(snapshot.items.len(), 2);
    assert_eq!(
        (snapshot.readiness.done, snapshot.readiness.applicable),
        (1, 2)
    );
    assert_eq!(
        snapshot.launch_blockers,
        vec![item_id(&pool, "TLS everywhere").await]
    );
    assert_eq!(snapshot.open_risks.len(), 1);
    assert_eq!(snapshot.monthly_cost_now_cents, 30883);
    assert_eq!(view.waiting_for("sre@example.com"), Some("SRE"));
    assert!(view.since.is_empty());

    // Only a named approver decides, and only once.
    let stranger = reviews::decide(
        &pool,
        "ledger",
        id,
        "other@example.com",
        Decision::Go,
        "",
        &[],
        now,
    )
    .await;
    assert!(
        matches!(stranger, Err(AppError::Forbidden(_))),
        "{stranger:?}"
    );
    reviews::decide(
        &pool,
        "ledger",
        id,
        "sre@example.com",
        Decision::Go,
        "ok",
        &[],
        now,
    )
    .await
    .unwrap();
    let again = reviews::decide(
        &pool,
        "ledger",
        id,
        "sre@example.com",
        Decision::NoGo,
        "",
        &[],
        now,
    )
    .await;
    assert!(matches!(again, Err(AppError::Invalid { .. })), "{again:?}");

    // A conditional go adds its follow-ups to the checklist, dated.
    let due = now.date_naive() + Duration::days(3);
    let follow_ups = [FollowUp {
        title: "Run the restore drill".into(),
        due_date: due,
    }];
    reviews::decide(
        &pool,
        "ledger",
        id,
        "sec@example.com",
        Decision::ConditionalGo,
        "after the drill",
        &follow_ups,
        now,
    )
    .await
    .unwrap();
    let view = reviews::view(&pool, "ledger", id, now).await.unwrap();
    assert_eq!(view.outcome(), ReviewOutcome::ConditionalGo);
    assert_eq!(view.record.follow_ups.len(), 1);
    assert_eq!(view.record.follow_ups[0].due_date, due);
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    let section = doc
        .sections
        .iter()
        .find(|s| s.name == reviews::FOLLOW_UP_SECTION)
        .unwrap();
    assert_eq!(section.items[0].title, "Run the restore drill");
    assert_eq!(section.items[0].due_date, Some(due));

    // The follow-up is new since the snapshot, with who added it.
    let added = view
        .since
        .items
        .iter()
        .find(|i| i.title == "Run the restore drill")
        .unwrap();
    assert!(matches!(
        added.change,
        ItemChange::Added {
            status: ItemStatus::Todo
        }
    ));
    assert_eq!(added.last_event.as_ref().unwrap().actor, "sec@example.com");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM events WHERE subject_type = 'review' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        ["review.opened", "review.decided", "review.decided"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_overdue_follow_up_voids_a_conditional_go_but_not_a_no_go(pool: PgPool) {
    seed(&pool).await;
    let now = Utc::now();
    let due = now.date_naive() + Duration::days(2);
    let follow_up = [FollowUp {
        title: "Load test".into(),
        due_date: due,
    }];
    let conditional = reviews::open(&pool, "ledger", "First", &slots(), "maria", now)
        .await
        .unwrap();
    reviews::decide(
        &pool,
        "ledger",
        conditional,
        "sec@example.com",
        Decision::ConditionalGo,
        "",
        &follow_up,
        now,
    )
    .await
    .unwrap();
    let refused = reviews::open(&pool, "ledger", "Second", &slots(), "maria", now)
        .await
        .unwrap();
    reviews::decide(
        &pool,
        "ledger",
        refused,
        "sec@example.com",
        Decision::ConditionalGo,
        "",
        &follow_up,
        now,
    )
    .await
    .unwrap();
    reviews::decide(
        &pool,
        "ledger",
        refused,
        "sre@example.com",
        Decision::NoGo,
        "",
        &[],
        now,
    )
    .await
    .unwrap();

    // Not yet: due today is not overdue.
    assert!(reviews::void_overdue(&pool, due).await.unwrap().is_empty());
    let voided = reviews::void_overdue(&pool, due + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(voided.len(), 1);
    assert_eq!(voided[0].review_id, conditional);
    assert!(
        voided[0].reason.contains("Load test"),
        "{}",
        voided[0].reason
    );
    // A second scan finds nothing more to do.
    assert!(
        reviews::void_overdue(&pool, due + Duration::days(1))
            .await
            .unwrap()
            .is_empty()
    );

    let view = reviews::view(&pool, "ledger", conditional, now)
        .await
        .unwrap();
    assert_eq!(view.outcome(), ReviewOutcome::Voided);
    assert!(
        view.record
            .void_reason
            .as_deref()
            .unwrap()
            .contains("Load test")
    );
    assert_eq!(view.waiting_for("sre@example.com"), None);
    let late = reviews::decide(
        &pool,
        "ledger",
        conditional,
        "sre@example.com",
        Decision::Go,
        "",
        &[],
        now,
    )
    .await;
    assert!(matches!(late, Err(AppError::Invalid { .. })), "{late:?}");
    let refused_view = reviews::view(&pool, "ledger", refused, now).await.unwrap();
    assert_eq!(refused_view.outcome(), ReviewOutcome::NoGo);

    // Done follow-ups never void: tick the other review's, and nothing else happens.
    let item = view.record.follow_ups[0].item_id;
    items::change_status(
        &pool,
        "ledger",
        item,
        items::StatusChange {
            status: ItemStatus::Done,
            na_reason: None,
            expected_version: None,
        },
        "sec@example.com",
    )
    .await
    .unwrap();
    assert!(
        reviews::void_overdue(&pool, due + Duration::days(30))
            .await
            .unwrap()
            .is_empty()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn opening_names_unknown_approvers_and_stores_nothing(pool: PgPool) {
    seed(&pool).await;
    let mut approvers = slots();
    approvers[1].email = "nobody@example.com".into();
    let err = reviews::open(&pool, "ledger", "Review", &approvers, "maria", Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { ref field, .. } if field == "approvers[1].email"),
        "{err:?}"
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM reviews")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let missing = reviews::view(&pool, "ledger", 999, Utc::now()).await;
    assert!(matches!(missing, Err(AppError::NotFound(_))));
}
