//! Every write path of the checklist and the roadmap, against a real PostgreSQL.

use app::data::{self, items, phases, sections};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::input::{ItemForm, PhaseForm};
use app::model::{ItemStatus, Priority};
use sqlx::PgPool;

async fn seeded(pool: &PgPool) -> i64 {
    let draft: ServiceDraft = serde_json::from_value(serde_json::json!({
        "slug": "ledger", "name": "Ledger",
        "phases": [{"name": "Phase 1"}, {"name": "Phase 2"}],
        "sections": [
            {"name": "Security", "items": [
                {"title": "TLS", "priority": "critical", "phase": "Phase 1"},
                {"title": "WAF", "status": "done", "phase": "Phase 1"}
            ]},
            {"name": "Monitoring", "items": [{"title": "Alerts"}]}
        ],
        "cost_lines": [{"category": "networking", "name": "NAT", "kind": "addition",
                        "monthly_cents": 3285, "phase": "Phase 2"}]
    }))
    .unwrap();
    data::drafts::insert(pool, &draft, "test").await.unwrap();
    data::service_id(pool, "ledger").await.unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn id_of(pool: &PgPool, table: &str, name_column: &str, name: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE {name_column} = $1"))
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn last_action(pool: &PgPool) -> String {
    sqlx::query_scalar("SELECT action FROM events ORDER BY id DESC LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

fn form(title: &str) -> ItemForm {
    ItemForm {
        title: title.into(),
        ..Default::default()
    }
}

fn invalid_field(err: AppError) -> String {
    match err {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn sections_are_added_renamed_moved_and_deleted(pool: PgPool) {
    seeded(&pool).await;
    let ops = sections::create(&pool, "ledger", "  Operations ", "ann")
        .await
        .unwrap();
    assert_eq!(ops.name, "Operations");
    assert_eq!(last_action(&pool).await, "section.created");

    sections::rename(&pool, "ledger", ops.id, "Ops", "ann")
        .await
        .unwrap();
    assert_eq!(last_action(&pool).await, "section.renamed");
    assert_eq!(
        invalid_field(
            sections::rename(&pool, "ledger", ops.id, " ", "ann")
                .await
                .unwrap_err()
        ),
        "name"
    );

    sections::move_section(&pool, "ledger", ops.id, -1, "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    let names: Vec<_> = doc.sections.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Security", "Ops", "Monitoring"]);
    // Already first: nothing moves, nothing is recorded.
    let events = count(&pool, "SELECT count(*) FROM events").await;
    let security = doc.sections[0].id;
    sections::move_section(&pool, "ledger", security, -1, "ann")
        .await
        .unwrap();
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, events);

    // Deleting a section deletes its items, and the phase whose only open item it
    // held completes.
    let removed = sections::delete(&pool, "ledger", security, "ann")
        .await
        .unwrap();
    assert_eq!(removed, 2);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM checklist_items").await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM phases WHERE completed_at IS NOT NULL"
        )
        .await,
        0
    );
    assert!(matches!(
        sections::delete(&pool, "ledger", security, "ann")
            .await
            .unwrap_err(),
        AppError::NotFound(_)
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn items_are_created_edited_moved_and_deleted(pool: PgPool) {
    seeded(&pool).await;
    let section = id_of(&pool, "checklist_sections", "name", "Monitoring").await;
    let phase2 = id_of(&pool, "phases", "name", "Phase 2").await;

    let item = items::create(
        &pool,
        "ledger",
        section,
        ItemForm {
            title: "Tracing".into(),
            priority: "high".into(),
            due_date: "2026-12-01".into(),
            evidence_url: "https://ci.example.com/1".into(),
            phase_id: phase2.to_string(),
            ..Default::default()
        }
        .parse()
        .unwrap(),
        "ann",
    )
    .await
    .unwrap();
    assert_eq!(
        (item.priority, item.version, item.phase_id),
        (Priority::High, 1, Some(phase2))
    );
    assert_eq!(last_action(&pool).await, "item.created");

    let edited = items::update(
        &pool,
        "ledger",
        item.id,
        1,
        ItemForm {
            owner: "Bo".into(),
            status: "not_applicable".into(),
            na_reason: "No traffic".into(),
            ..form("Tracing")
        }
        .parse()
        .unwrap(),
        "ann",
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.status, edited.owner.as_str(), edited.version),
        (ItemStatus::NotApplicable, "Bo", 2)
    );
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM events WHERE action = 'item.updated'")
            .fetch_one(&pool)
            .await
            .unwrap();
    // Only the fields that changed are recorded.
    assert_eq!(after["owner"], "Bo");
    assert!(before.get("title").is_none());
    assert_eq!(before["phase_id"], phase2);
    assert_eq!(after["phase_id"], serde_json::Value::Null);

    items::move_item(&pool, "ledger", item.id, -1, "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert_eq!(doc.sections[1].items[0].title, "Tracing");

    assert!(matches!(
        items::delete(&pool, "ledger", item.id, 1, "ann")
            .await
            .unwrap_err(),
        AppError::Conflict { .. }
    ));
    items::delete(&pool, "ledger", item.id, 2, "ann")
        .await
        .unwrap();
    assert_eq!(last_action(&pool).await, "item.deleted");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM checklist_items WHERE title = 'Tracing'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_edit_is_refused_with_the_current_item(pool: PgPool) {
    seeded(&pool).await;
    let tls = id_of(&pool, "checklist_items", "title", "TLS").await;
    let first = ItemForm {
        owner: "Ann".into(),
        ..form("TLS")
    }
    .parse()
    .unwrap();
    items::update(&pool, "ledger", tls, 1, first, "ann")
        .await
        .unwrap();
    let events = count(&pool, "SELECT count(*) FROM events").await;

    let second = ItemForm {
        owner: "Bo".into(),
        ..form("TLS")
    }
    .parse()
    .unwrap();
    match items::update(&pool, "ledger", tls, 1, second, "bo")
        .await
        .unwrap_err()
    {
        AppError::Conflict { message, current } => {
            assert!(message.contains("ann"), "{message}");
            assert_eq!(current.unwrap().owner, "Ann");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM events").await, events);
    let owner: String = sqlx::query_scalar("SELECT owner FROM checklist_items WHERE id = $1")
        .bind(tls)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(owner, "Ann");
}

#[sqlx::test(migrations = "../migrations")]
async fn items_refuse_phases_and_sections_of_other_services(pool: PgPool) {
    seeded(&pool).await;
    let mut other: ServiceDraft = serde_json::from_value(serde_json::json!({
        "slug": "other", "name": "Other", "phases": [{"name": "Elsewhere"}],
        "sections": [{"name": "Theirs", "items": [{"title": "Theirs"}]}]
    }))
    .unwrap();
    other.slug = "other".into();
    data::drafts::insert(&pool, &other, "test").await.unwrap();
    let foreign_phase = id_of(&pool, "phases", "name", "Elsewhere").await;
    let foreign_section = id_of(&pool, "checklist_sections", "name", "Theirs").await;
    let foreign_item = id_of(&pool, "checklist_items", "title", "Theirs").await;
    let tls = id_of(&pool, "checklist_items", "title", "TLS").await;

    let moved = ItemForm {
        phase_id: foreign_phase.to_string(),
        ..form("TLS")
    }
    .parse()
    .unwrap();
    assert_eq!(
        invalid_field(
            items::update(&pool, "ledger", tls, 1, moved, "x")
                .await
                .unwrap_err()
        ),
        "phase_id"
    );
    let created = items::create(
        &pool,
        "ledger",
        foreign_section,
        form("X").parse().unwrap(),
        "x",
    )
    .await;
    assert!(matches!(created.unwrap_err(), AppError::NotFound(_)));
    let edited = items::update(
        &pool,
        "ledger",
        foreign_item,
        1,
        form("X").parse().unwrap(),
        "x",
    )
    .await;
    assert!(matches!(edited.unwrap_err(), AppError::NotFound(_)));
    let assigned = items::assign_to_phase(&pool, "ledger", None, &[foreign_item], "x").await;
    assert_eq!(invalid_field(assigned.unwrap_err()), "item_ids");
}

#[sqlx::test(migrations = "../migrations")]
async fn phases_are_created_edited_moved_and_deleted(pool: PgPool) {
    seeded(&pool).await;
    let input = PhaseForm {
        name: "Phase 3".into(),
        planned_start: "2027-01-04".into(),
        planned_end: "2027-01-15".into(),
        effort_min_days: "5".into(),
        effort_max_days: "7".into(),
        monthly_cost_change: "+30.00".into(),
        ..Default::default()
    };
    let phase = phases::create(&pool, "ledger", input.parse().unwrap(), "ann")
        .await
        .unwrap();
    assert_eq!(phase.monthly_cost_change_cents, Some(3000));
    assert_eq!(last_action(&pool).await, "phase.created");

    let edited = phases::update(
        &pool,
        "ledger",
        phase.id,
        phase.version,
        PhaseForm {
            monthly_cost_change: "-4.20".into(),
            ..input.clone()
        }
        .parse()
        .unwrap(),
        "ann",
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.monthly_cost_change_cents, edited.version),
        (Some(-420), phase.version + 1)
    );
    let stale = phases::update(
        &pool,
        "ledger",
        phase.id,
        phase.version,
        input.parse().unwrap(),
        "bo",
    )
    .await;
    assert!(matches!(stale.unwrap_err(), AppError::Conflict { .. }));

    phases::move_phase(&pool, "ledger", phase.id, -1, "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    let names: Vec<_> = doc.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Phase 1", "Phase 3", "Phase 2"]);

    // Deleting a phase keeps its items, unassigned.
    let phase1 = id_of(&pool, "phases", "name", "Phase 1").await;
    phases::delete(&pool, "ledger", phase1, "ann")
        .await
        .unwrap();
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM checklist_items WHERE phase_id IS NULL"
        )
        .await,
        3
    );
    assert_eq!(last_action(&pool).await, "phase.deleted");

    // A phase with cost lines is kept until they are moved.
    let phase2 = id_of(&pool, "phases", "name", "Phase 2").await;
    assert_eq!(
        invalid_field(
            phases::delete(&pool, "ledger", phase2, "ann")
                .await
                .unwrap_err()
        ),
        "phase"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM phases").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn assigning_items_completes_and_reopens_phases(pool: PgPool) {
    seeded(&pool).await;
    let phase1 = id_of(&pool, "phases", "name", "Phase 1").await;
    let phase2 = id_of(&pool, "phases", "name", "Phase 2").await;
    let tls = id_of(&pool, "checklist_items", "title", "TLS").await;
    let waf = id_of(&pool, "checklist_items", "title", "WAF").await;
    let completed = |id: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, bool>(
                "SELECT completed_at IS NOT NULL FROM phases WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };

    // Taking the open item out of phase 1 leaves only done work: it completes.
    items::assign_to_phase(&pool, "ledger", Some(phase2), &[tls], "ann")
        .await
        .unwrap();
    assert!(completed(phase1).await);
    assert!(!completed(phase2).await);
    // Moving it back reopens it.
    items::assign_to_phase(&pool, "ledger", Some(phase1), &[tls], "ann")
        .await
        .unwrap();
    assert!(!completed(phase1).await);
    // Ticking the last open item completes it; unticking reopens it.
    let done = items::StatusChange {
        status: ItemStatus::Done,
        na_reason: None,
        expected_version: None,
    };
    items::change_status(&pool, "ledger", tls, done, "ann")
        .await
        .unwrap();
    assert!(completed(phase1).await);
    let reopened = items::StatusChange {
        status: ItemStatus::Todo,
        na_reason: None,
        expected_version: None,
    };
    items::change_status(&pool, "ledger", waf, reopened, "ann")
        .await
        .unwrap();
    assert!(!completed(phase1).await);

    assert_eq!(
        invalid_field(
            items::assign_to_phase(&pool, "ledger", Some(phase1), &[], "ann")
                .await
                .unwrap_err()
        ),
        "item_ids"
    );
}
