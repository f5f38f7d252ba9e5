//! Every write path of the risk register, against a real PostgreSQL: create, edit,
//! link and unlink items, close, delete, stale versions and bad input.

use app::data::{self, items, risks};
use app::domain::risk::{inherent, residual};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::input::RiskForm;
use app::model::{ItemStatus, Risk, RiskStatus};
use serde_json::{Value, json};
use sqlx::PgPool;

async fn seed(pool: &PgPool, slug: &str) {
    let draft: ServiceDraft = serde_json::from_value(json!({
        "slug": slug, "name": slug,
        "sections": [
            {"name": "Security", "items": [
                {"title": "Rotate credentials"},
                {"title": "Secrets Manager"},
                {"title": "WAF"}
            ]},
            {"name": "Backup", "items": [{"title": "Restore drill"}]}
        ]
    }))
    .unwrap();
    data::drafts::insert(pool, &draft, "test").await.unwrap();
}

/// Two services, "ledger" and "other"; answers the ids of ledger's items by title.
async fn seeded(pool: &PgPool) -> Items {
    seed(pool, "ledger").await;
    seed(pool, "other").await;
    Items(
        sqlx::query_as(
            "SELECT i.title, i.id FROM checklist_items i JOIN services s ON s.id = i.service_id
             WHERE s.slug = 'ledger'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    )
}

struct Items(Vec<(String, i64)>);

impl Items {
    fn id(&self, title: &str) -> i64 {
        self.0.iter().find(|(t, _)| t == title).unwrap().1
    }
}

async fn other_item(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN services s ON s.id = i.service_id
         WHERE s.slug = 'other' ORDER BY i.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// What a failed write must leave untouched: risks, links and events.
async fn state(pool: &PgPool) -> (i64, i64, i64, Vec<(i64, i32, String)>) {
    (
        count(pool, "SELECT count(*) FROM risks").await,
        count(pool, "SELECT count(*) FROM risk_mitigations").await,
        count(pool, "SELECT count(*) FROM events").await,
        sqlx::query_as("SELECT id, version, title FROM risks ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap(),
    )
}

async fn last_event(pool: &PgPool) -> (String, String, Option<i64>, Value, Value) {
    sqlx::query_as(
        "SELECT action, subject_type, subject_id, coalesce(before, 'null'), coalesce(after, 'null')
         FROM events ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

fn form(title: &str, item_ids: Vec<i64>) -> RiskForm {
    RiskForm {
        title: title.into(),
        description: "Old password known to contractors".into(),
        likelihood: "4".into(),
        impact: "5".into(),
        mitigation: "Rotate every 30 days".into(),
        owner: "Aisha".into(),
        status: "open".into(),
        review_date: "2026-12-01".into(),
        item_ids,
    }
}

fn invalid_field(err: AppError) -> String {
    match err {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn is_conflict(err: &AppError) -> bool {
    matches!(err, AppError::Conflict { message, current: None } if message.contains("someone else"))
}

async fn create(pool: &PgPool, f: RiskForm) -> Risk {
    risks::create(pool, "ledger", f.parse().unwrap(), "ann")
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_risk_is_created_with_its_links_and_an_event(pool: PgPool) {
    let items = seeded(&pool).await;
    let (rotate, secrets) = (items.id("Rotate credentials"), items.id("Secrets Manager"));
    let risk = create(
        &pool,
        form(" Credentials leak ", vec![secrets, rotate, rotate]),
    )
    .await;
    assert_eq!(risk.title, "Credentials leak");
    assert_eq!((risk.likelihood, risk.impact, risk.version), (4, 5, 1));
    assert_eq!(risk.status, RiskStatus::Open);
    let mut expected = vec![rotate, secrets];
    expected.sort_unstable();
    assert_eq!(risk.mitigating_item_ids, expected);

    let (action, subject, id, before, after) = last_event(&pool).await;
    assert_eq!(
        (action.as_str(), subject.as_str(), id),
        ("risk.created", "risk", Some(risk.id))
    );
    assert_eq!(before, Value::Null);
    assert_eq!(after["title"], "Credentials leak");
    assert_eq!(after["likelihood"], 4);
    assert_eq!(after["status"], "open");
    assert_eq!(after["review_date"], "2026-12-01");
    assert_eq!(after["item_ids"], json!(expected));

    // The service document carries it, with its version.
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert_eq!(doc.risks, vec![risk.clone()]);
    assert_eq!(risks::get(&pool, "ledger", risk.id).await.unwrap(), risk);
    // Not visible through another service.
    assert!(matches!(
        risks::get(&pool, "other", risk.id).await.unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn editing_links_and_unlinks_items_and_records_only_what_changed(pool: PgPool) {
    let items = seeded(&pool).await;
    let (rotate, secrets, drill) = (
        items.id("Rotate credentials"),
        items.id("Secrets Manager"),
        items.id("Restore drill"),
    );
    let risk = create(&pool, form("Credentials leak", vec![rotate, secrets])).await;

    // Unlink one item, link another, lower the likelihood.
    let edited = risks::update(
        &pool,
        "ledger",
        risk.id,
        1,
        RiskForm {
            likelihood: "3".into(),
            ..form("Credentials leak", vec![drill, rotate])
        }
        .parse()
        .unwrap(),
        "bo",
    )
    .await
    .unwrap();
    assert_eq!(edited.version, 2);
    assert_eq!(edited.likelihood, 3);
    let mut linked = vec![rotate, drill];
    linked.sort_unstable();
    assert_eq!(edited.mitigating_item_ids, linked);
    let (action, _, id, before, after) = last_event(&pool).await;
    assert_eq!((action.as_str(), id), ("risk.updated", Some(risk.id)));
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&before), ["item_ids", "likelihood"]);
    assert_eq!(keys(&after), ["item_ids", "likelihood"]);
    assert_eq!(before["likelihood"], 4);
    assert_eq!(after["likelihood"], 3);
    assert_eq!(before["item_ids"], json!(risk.mitigating_item_ids));
    assert_eq!(after["item_ids"], json!(linked));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM risk_mitigations").await,
        2
    );

    // Unlink everything and clear the review date.
    let cleared = risks::update(
        &pool,
        "ledger",
        risk.id,
        2,
        RiskForm {
            likelihood: "3".into(),
            review_date: "".into(),
            ..form("Credentials leak", vec![])
        }
        .parse()
        .unwrap(),
        "bo",
    )
    .await
    .unwrap();
    assert!(cleared.mitigating_item_ids.is_empty());
    assert_eq!((cleared.review_date, cleared.version), (None, 3));
    let (_, _, _, before, after) = last_event(&pool).await;
    assert_eq!(before["review_date"], "2026-12-01");
    assert_eq!(after["review_date"], Value::Null);
    assert_eq!(after["item_ids"], json!([]));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM risk_mitigations").await,
        0
    );
    // The items themselves stay.
    assert_eq!(
        count(&pool, "SELECT count(*) FROM checklist_items").await,
        8
    );

    // Saving what is stored changes nothing and records nothing.
    let events = count(&pool, "SELECT count(*) FROM events").await;
    let same = risks::update(
        &pool,
        "ledger",
        risk.id,
        3,
        RiskForm {
            likelihood: "3".into(),
            review_date: "".into(),
            ..form("Credentials leak", vec![])
        }
        .parse()
        .unwrap(),
        "bo",
    )
    .await
    .unwrap();
    assert_eq!(same, cleared);
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, events);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_version_is_a_conflict_and_writes_nothing(pool: PgPool) {
    let items = seeded(&pool).await;
    let rotate = items.id("Rotate credentials");
    let risk = create(&pool, form("Credentials leak", vec![rotate])).await;
    // Someone else edits it: version 2.
    risks::update(
        &pool,
        "ledger",
        risk.id,
        1,
        form("Credentials leaked", vec![rotate]).parse().unwrap(),
        "bo",
    )
    .await
    .unwrap();
    let before = state(&pool).await;

    let err = risks::update(
        &pool,
        "ledger",
        risk.id,
        1,
        form("Mine", vec![]).parse().unwrap(),
        "ann",
    )
    .await
    .unwrap_err();
    assert!(is_conflict(&err), "{err:?}");
    assert_eq!(err.status_code(), 409);
    let err = risks::set_status(&pool, "ledger", risk.id, 1, RiskStatus::Closed, "ann")
        .await
        .unwrap_err();
    assert!(is_conflict(&err), "{err:?}");
    let err = risks::delete(&pool, "ledger", risk.id, 1, "ann")
        .await
        .unwrap_err();
    assert!(is_conflict(&err), "{err:?}");
    assert_eq!(state(&pool).await, before);
    let stored = risks::get(&pool, "ledger", risk.id).await.unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.version, stored.status),
        ("Credentials leaked", 2, RiskStatus::Open)
    );
    assert_eq!(stored.mitigating_item_ids, [rotate]);
}

#[sqlx::test(migrations = "../migrations")]
async fn closing_and_reopening_are_status_changes(pool: PgPool) {
    seeded(&pool).await;
    let risk = create(&pool, form("Credentials leak", vec![])).await;
    let closed = risks::set_status(&pool, "ledger", risk.id, 1, RiskStatus::Closed, "ann")
        .await
        .unwrap();
    assert_eq!((closed.status, closed.version), (RiskStatus::Closed, 2));
    assert_eq!(closed.title, risk.title);
    let (action, _, _, before, after) = last_event(&pool).await;
    assert_eq!(action, "risk.updated");
    assert_eq!(before, json!({ "status": "open" }));
    assert_eq!(after, json!({ "status": "closed" }));

    // Closing a closed risk changes nothing.
    let events = count(&pool, "SELECT count(*) FROM events").await;
    let again = risks::set_status(&pool, "ledger", risk.id, 2, RiskStatus::Closed, "ann")
        .await
        .unwrap();
    assert_eq!(again.version, 2);
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, events);

    let reopened = risks::set_status(&pool, "ledger", risk.id, 2, RiskStatus::Open, "ann")
        .await
        .unwrap();
    assert_eq!((reopened.status, reopened.version), (RiskStatus::Open, 3));

    // The full form closes too, and can accept a risk.
    let accepted = risks::update(
        &pool,
        "ledger",
        risk.id,
        3,
        RiskForm {
            status: "accepted".into(),
            ..form("Credentials leak", vec![])
        }
        .parse()
        .unwrap(),
        "ann",
    )
    .await
    .unwrap();
    assert_eq!(accepted.status, RiskStatus::Accepted);
    let (_, _, _, before, after) = last_event(&pool).await;
    assert_eq!(before, json!({ "status": "open" }));
    assert_eq!(after, json!({ "status": "accepted" }));
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_removes_the_risk_and_its_links_but_not_the_items(pool: PgPool) {
    let items = seeded(&pool).await;
    let rotate = items.id("Rotate credentials");
    let risk = create(&pool, form("Credentials leak", vec![rotate])).await;
    risks::delete(&pool, "ledger", risk.id, 1, "ann")
        .await
        .unwrap();
    assert_eq!(count(&pool, "SELECT count(*) FROM risks").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM risk_mitigations").await,
        0
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM checklist_items").await,
        8
    );
    let (action, _, id, before, after) = last_event(&pool).await;
    assert_eq!((action.as_str(), id), ("risk.deleted", Some(risk.id)));
    assert_eq!(before["title"], "Credentials leak");
    assert_eq!(before["item_ids"], json!([rotate]));
    assert_eq!(after, Value::Null);

    assert!(matches!(
        risks::delete(&pool, "ledger", risk.id, 1, "ann")
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn links_to_unknown_or_foreign_items_are_refused_and_nothing_is_written(pool: PgPool) {
    let items = seeded(&pool).await;
    let rotate = items.id("Rotate credentials");
    let foreign = other_item(&pool).await;
    let before = state(&pool).await;

    for bad in [vec![rotate, foreign], vec![rotate, 999_999]] {
        let err = risks::create(
            &pool,
            "ledger",
            form("Credentials leak", bad.clone()).parse().unwrap(),
            "ann",
        )
        .await
        .unwrap_err();
        let message = err.to_string();
        assert_eq!(invalid_field(err), "item_ids", "{bad:?}");
        assert!(
            message.contains("another service") || message.contains("no checklist item"),
            "{message}"
        );
        assert_eq!(state(&pool).await, before);
    }

    // Editing: refused the same way, the stored risk and its links untouched.
    let risk = create(&pool, form("Credentials leak", vec![rotate])).await;
    let before = state(&pool).await;
    for bad in [vec![foreign], vec![999_999]] {
        let err = risks::update(
            &pool,
            "ledger",
            risk.id,
            1,
            form("Changed", bad).parse().unwrap(),
            "ann",
        )
        .await
        .unwrap_err();
        assert_eq!(invalid_field(err), "item_ids");
        assert_eq!(state(&pool).await, before);
    }
    assert_eq!(risks::get(&pool, "ledger", risk.id).await.unwrap(), risk);

    // The database enforces same-service links even without the check.
    let other_service: i64 = count(&pool, "SELECT id FROM services WHERE slug = 'other'").await;
    let ledger_service: i64 = count(&pool, "SELECT id FROM services WHERE slug = 'ledger'").await;
    for service in [other_service, ledger_service] {
        let err = sqlx::query(
            "INSERT INTO risk_mitigations (risk_id, item_id, service_id) VALUES ($1, $2, $3)",
        )
        .bind(risk.id)
        .bind(foreign)
        .bind(service)
        .execute(&pool)
        .await
        .unwrap_err();
        assert!(
            err.as_database_error()
                .is_some_and(|e| e.is_foreign_key_violation()),
            "{err}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_fields_are_refused_by_name_before_anything_is_written(pool: PgPool) {
    seeded(&pool).await;
    let before = state(&pool).await;
    let cases: Vec<(RiskForm, &str)> = vec![
        (
            RiskForm {
                likelihood: "0".into(),
                ..form("R", vec![])
            },
            "likelihood",
        ),
        (
            RiskForm {
                likelihood: "6".into(),
                ..form("R", vec![])
            },
            "likelihood",
        ),
        (
            RiskForm {
                likelihood: "".into(),
                ..form("R", vec![])
            },
            "likelihood",
        ),
        (
            RiskForm {
                impact: "9".into(),
                ..form("R", vec![])
            },
            "impact",
        ),
        (
            RiskForm {
                impact: "-1".into(),
                ..form("R", vec![])
            },
            "impact",
        ),
        (
            RiskForm {
                status: "resolved".into(),
                ..form("R", vec![])
            },
            "status",
        ),
        (form("   ", vec![]), "title"),
        (form(&"x".repeat(201), vec![]), "title"),
        (
            RiskForm {
                review_date: "01/12/2026".into(),
                ..form("R", vec![])
            },
            "review_date",
        ),
        (
            RiskForm {
                review_date: "2026-13-01".into(),
                ..form("R", vec![])
            },
            "review_date",
        ),
    ];
    for (bad, field) in cases {
        // The server functions parse first and return this error before any write.
        let err = bad.parse().unwrap_err();
        assert_eq!(err.status_code(), 422);
        assert_eq!(invalid_field(err), field, "{bad:?}");
    }
    assert_eq!(state(&pool).await, before);

    // Unknown service or risk.
    let input = form("R", vec![]).parse().unwrap();
    assert!(matches!(
        risks::create(&pool, "nope", input.clone(), "ann")
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
    assert!(matches!(
        risks::update(&pool, "ledger", 424_242, 1, input, "ann")
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
    assert_eq!(state(&pool).await, before);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_residual_falls_as_linked_items_are_done(pool: PgPool) {
    let items = seeded(&pool).await;
    let ids = [
        items.id("Rotate credentials"),
        items.id("Secrets Manager"),
        items.id("Restore drill"),
    ];
    let risk = create(&pool, form("Credentials leak", ids.to_vec())).await;

    let residual_now = |doc: &app::model::ServiceDocument| {
        let r = &doc.risks[0];
        let statuses = doc
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| r.mitigating_item_ids.contains(&i.id))
            .map(|i| i.status);
        residual(r.likelihood, r.impact, statuses)
    };
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert_eq!(residual_now(&doc), inherent(4, 5));

    let done = |id| items::StatusChange {
        status: if id == ids[2] {
            ItemStatus::NotApplicable
        } else {
            ItemStatus::Done
        },
        na_reason: Some("No backups in scope".into()),
        expected_version: None,
    };
    items::change_status(&pool, "ledger", ids[0], done(ids[0]), "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    // 1 of 3 done: ⌈4 × 2 / 3⌉ = 3.
    assert_eq!(residual_now(&doc).score, 15);
    items::change_status(&pool, "ledger", ids[2], done(ids[2]), "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    // 1 of 2 applicable done: ⌈4 × 1 / 2⌉ = 2.
    assert_eq!(residual_now(&doc).score, 10);
    // The risk itself did not change.
    assert_eq!(doc.risks[0], risk);
}
