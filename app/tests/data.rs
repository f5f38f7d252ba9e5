//! The data layer against a real PostgreSQL: each test gets a fresh database.

use app::data::{self, items::StatusChange};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::model::ItemStatus;
use sqlx::PgPool;

fn draft() -> ServiceDraft {
    serde_json::from_value(serde_json::json!({
        "slug": "ledger",
        "name": "Ledger",
        "team": "Finance Platform",
        "phases": [
            {"name": "Phase 1: Critical", "effort_min_days": 2, "effort_max_days": 3,
             "monthly_cost_change_cents": 1500},
            {"name": "Phase 2: Hardening"}
        ],
        "sections": [
            {"name": "Security", "items": [
                {"title": "TLS everywhere", "priority": "critical", "phase": "Phase 1: Critical"},
                {"title": "WAF enabled", "status": "done", "priority": "high", "phase": "Phase 1: Critical"},
                {"title": "Pen test", "status": "not_applicable", "na_reason": "internal only"}
            ]},
            {"name": "Monitoring", "items": [
                {"title": "Alerting", "status": "in_progress", "phase": "Phase 2: Hardening"}
            ]}
        ],
        "risks": [
            {"title": "Data in transit readable", "likelihood": 3, "impact": 5,
             "mitigated_by": ["TLS everywhere"]}
        ],
        "cost_lines": [
            {"category": "compute", "name": "Fargate", "kind": "baseline", "monthly_cents": 30883},
            {"category": "networking", "name": "NAT Gateway", "kind": "addition",
             "monthly_cents": 3285, "phase": "Phase 1: Critical"},
            {"category": "compute", "name": "Savings plan", "kind": "saving",
             "monthly_cents": -4200, "start_month": "2027-03-01"}
        ]
    }))
    .unwrap()
}

async fn event_count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn item_id(pool: &PgPool, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn status(status: ItemStatus) -> StatusChange {
    StatusChange {
        status,
        na_reason: None,
        expected_version: None,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_saved_draft_reads_back_as_one_document(pool: PgPool) {
    let slug = data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    assert_eq!(slug, "ledger");
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert_eq!(doc.name, "Ledger");
    assert_eq!(doc.sections.len(), 2);
    assert_eq!(doc.sections[0].items.len(), 3);
    assert_eq!(
        doc.sections[0].items[2].na_reason.as_deref(),
        Some("internal only")
    );
    // 1 done of 3 applicable (the N/A item does not count).
    assert_eq!(doc.readiness_percent, 33);
    assert_eq!(doc.phases.len(), 2);
    assert_eq!(doc.phases[0].monthly_cost_change_cents, Some(1500));
    assert_eq!(
        doc.risks[0].mitigating_item_ids,
        vec![doc.sections[0].items[0].id]
    );
    assert_eq!(
        doc.cost_lines.iter().map(|l| l.monthly_cents).sum::<i64>(),
        30883 + 3285 - 4200
    );
    assert_eq!(doc.cost_lines[1].phase_id, Some(doc.phases[0].id));

    let list = data::services::list_summaries(&pool).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].done_items,
            list[0].applicable_items,
            list[0].readiness_percent
        ),
        (1, 3, 33)
    );
    assert_eq!(event_count(&pool).await, 1, "service.created");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_status_change_writes_exactly_one_event(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let id = item_id(&pool, "Alerting").await;
    let before = event_count(&pool).await;

    let item = data::items::change_status(&pool, "ledger", id, status(ItemStatus::Done), "alice")
        .await
        .unwrap();
    assert_eq!(item.status, ItemStatus::Done);
    assert_eq!(item.version, 2);
    assert_eq!(item.updated_by, "alice");
    // Phase 2 has only this item, so it completes: one status event and one phase event.
    let events: Vec<(String, String, serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "SELECT action, actor, before, after FROM events WHERE id > (SELECT min(id) FROM events) ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(event_count(&pool).await, before + 2);
    assert_eq!(events[0].0, "item.status_changed");
    assert_eq!(events[0].1, "alice");
    assert_eq!(events[0].2["status"], "in_progress");
    assert_eq!(events[0].3["status"], "done");
    assert_eq!(events[1].0, "phase.completed");

    // Setting the same status again is not a change and writes nothing.
    data::items::change_status(&pool, "ledger", id, status(ItemStatus::Done), "alice")
        .await
        .unwrap();
    assert_eq!(event_count(&pool).await, before + 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_change_changes_nothing(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let id = item_id(&pool, "TLS everywhere").await;
    let events = event_count(&pool).await;

    let err = data::items::change_status(
        &pool,
        "ledger",
        id,
        status(ItemStatus::NotApplicable),
        "bob",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { ref field, .. } if field == "na_reason"),
        "{err:?}"
    );

    // The database refuses an unknown status even from raw SQL.
    let raw = sqlx::query("UPDATE checklist_items SET status = 'finished' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await;
    assert!(raw.is_err());

    let unknown =
        data::items::change_status(&pool, "ledger", 999_999, status(ItemStatus::Done), "bob").await;
    assert_eq!(
        unknown.unwrap_err(),
        AppError::NotFound("item 999999".into())
    );
    let unknown =
        data::items::change_status(&pool, "nope", id, status(ItemStatus::Done), "bob").await;
    assert!(matches!(unknown.unwrap_err(), AppError::NotFound(_)));

    let stored: (String, i32) =
        sqlx::query_as("SELECT status, version FROM checklist_items WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, ("todo".to_string(), 1));
    assert_eq!(event_count(&pool).await, events);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_version_is_a_conflict_with_the_current_item(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let id = item_id(&pool, "TLS everywhere").await;
    let seen = StatusChange {
        status: ItemStatus::Done,
        na_reason: None,
        expected_version: Some(1),
    };
    data::items::change_status(&pool, "ledger", id, seen.clone(), "alice")
        .await
        .unwrap();
    let events = event_count(&pool).await;

    let stale = StatusChange {
        status: ItemStatus::InProgress,
        ..seen
    };
    match data::items::change_status(&pool, "ledger", id, stale, "bob")
        .await
        .unwrap_err()
    {
        AppError::Conflict { message, current } => {
            assert!(message.contains("alice"), "{message}");
            let current = current.unwrap();
            assert_eq!((current.status, current.version), (ItemStatus::Done, 2));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(event_count(&pool).await, events);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_phase_completes_with_its_last_item_and_reopens(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let tls = item_id(&pool, "TLS everywhere").await;
    let completed_at = || async {
        sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
            "SELECT completed_at FROM phases WHERE name = 'Phase 1: Critical'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert!(completed_at().await.is_none());
    data::items::change_status(&pool, "ledger", tls, status(ItemStatus::Done), "alice")
        .await
        .unwrap();
    assert!(completed_at().await.is_some());
    data::items::change_status(&pool, "ledger", tls, status(ItemStatus::Todo), "alice")
        .await
        .unwrap();
    assert!(completed_at().await.is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_draft_writes_nothing(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();

    let duplicate = data::drafts::insert(&pool, &draft(), "test")
        .await
        .unwrap_err();
    assert!(matches!(duplicate, AppError::Invalid { ref field, .. } if field == "slug"));

    let mut bad = draft();
    bad.slug = "other".into();
    bad.sections[1].items[0].evidence_url = Some("ftp://nope".into());
    let err = data::drafts::insert(&pool, &bad, "test").await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { ref field, .. } if field == "sections[1].items[0].evidence_url")
    );

    let services: i64 = sqlx::query_scalar("SELECT count(*) FROM services")
        .fetch_one(&pool)
        .await
        .unwrap();
    let items: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((services, items), (1, 4));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_schema_keeps_items_and_phases_within_one_service(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let mut other = draft();
    other.slug = "other".into();
    data::drafts::insert(&pool, &other, "test").await.unwrap();
    let foreign_phase: i64 = sqlx::query_scalar(
        "SELECT p.id FROM phases p JOIN services s ON s.id = p.service_id WHERE s.slug = 'other' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let item: i64 = sqlx::query_scalar(
        "SELECT i.id FROM checklist_items i JOIN services s ON s.id = i.service_id WHERE s.slug = 'ledger' LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let cross = sqlx::query("UPDATE checklist_items SET phase_id = $1 WHERE id = $2")
        .bind(foreign_phase)
        .bind(item)
        .execute(&pool)
        .await;
    assert!(
        cross.is_err(),
        "an item cannot join another service's phase"
    );

    // Deleting a service removes everything that belongs to it.
    sqlx::query("DELETE FROM services WHERE slug = 'other'")
        .execute(&pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 4);
}

/// The tick runs in the database (`tick_item`); a full edit runs the same rules in
/// Rust (`events::record`, `phases::refresh_completion`). Both must leave the same
/// events, readiness and phase behind.
#[sqlx::test(migrations = "../migrations")]
async fn a_tick_and_an_edit_of_the_status_record_the_same(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let mut twin = draft();
    twin.slug = "ledger-twin".into();
    twin.name = "Ledger twin".into();
    data::drafts::insert(&pool, &twin, "test").await.unwrap();
    let twin_item = |title: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT i.id FROM checklist_items i JOIN services s ON s.id = i.service_id
                 WHERE s.slug = 'ledger-twin' AND i.title = $1",
            )
            .bind(title)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    type Recorded = (
        String,
        String,
        Option<serde_json::Value>,
        Option<serde_json::Value>,
        Option<i32>,
        Option<i32>,
    );
    let recorded = |slug: &'static str, since: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, Recorded>(
                "SELECT e.action, e.subject_type, e.before, e.after, e.readiness_done, e.readiness_applicable
                 FROM events e JOIN services s ON s.id = e.service_id
                 WHERE s.slug = $1 AND e.id > $2 ORDER BY e.id",
            )
            .bind(slug)
            .bind(since)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let since: i64 = sqlx::query_scalar("SELECT max(id) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();

    // Phase 1 completes with its last open item, then reopens.
    for target in [ItemStatus::Done, ItemStatus::Todo] {
        let id = item_id(&pool, "TLS everywhere").await;
        data::items::change_status(&pool, "ledger", id, status(target), "alice")
            .await
            .unwrap();

        let id = twin_item("TLS everywhere").await;
        let doc = data::services::document(&pool, "ledger-twin")
            .await
            .unwrap();
        let current = doc
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.id == id)
            .unwrap()
            .clone();
        let input = app::input::ItemInput {
            title: current.title.clone(),
            detail: current.detail.clone(),
            status: target,
            na_reason: None,
            priority: current.priority,
            owner: current.owner.clone(),
            due_date: current.due_date,
            evidence_url: current.evidence_url.clone(),
            phase_id: current.phase_id,
        };
        data::items::update(&pool, "ledger-twin", id, current.version, input, "alice")
            .await
            .unwrap();
    }
    let ticked = recorded("ledger", since).await;
    let edited = recorded("ledger-twin", since).await;
    let actions: Vec<&str> = ticked.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "item.status_changed",
            "phase.completed",
            "item.status_changed",
            "phase.reopened"
        ]
    );
    assert_eq!(ticked.len(), edited.len());
    for (tick, edit) in ticked.iter().zip(&edited) {
        assert_eq!(tick.0, edit.0);
        assert_eq!(tick.1, edit.1);
        // The edit records only the fields that changed; the tick always both.
        assert_eq!(
            tick.2.as_ref().map(|v| &v["status"]),
            edit.2.as_ref().map(|v| &v["status"])
        );
        assert_eq!(
            tick.3.as_ref().map(|v| &v["status"]),
            edit.3.as_ref().map(|v| &v["status"])
        );
        assert_eq!(
            tick.2.as_ref().map(|v| &v["complete"]),
            edit.2.as_ref().map(|v| &v["complete"])
        );
        assert_eq!(
            (tick.4, tick.5),
            (edit.4, edit.5),
            "readiness after {}",
            tick.0
        );
    }
    let completed: Vec<Option<bool>> = sqlx::query_scalar(
        "SELECT p.completed_at IS NOT NULL FROM phases p JOIN services s ON s.id = p.service_id
         WHERE p.name = 'Phase 1: Critical' ORDER BY s.slug",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(completed, [Some(false), Some(false)]);
}

/// Concurrent ticks of one service: each event's readiness counts every tick
/// committed before it, so the last one holds the final state.
#[sqlx::test(migrations = "../migrations")]
async fn concurrent_ticks_each_count_the_ones_before(pool: PgPool) {
    data::drafts::insert(&pool, &draft(), "test").await.unwrap();
    let since: i64 = sqlx::query_scalar("SELECT max(id) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM checklist_items WHERE status NOT IN ('done', 'not_applicable') ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    let mut ticks = tokio::task::JoinSet::new();
    for round in 0..10 {
        for &id in &ids {
            let pool = pool.clone();
            let target = if round % 2 == 0 {
                ItemStatus::Done
            } else {
                ItemStatus::Todo
            };
            ticks.spawn(async move {
                data::items::change_status(&pool, "ledger", id, status(target), "bot").await
            });
        }
    }
    while let Some(done) = ticks.join_next().await {
        done.unwrap().unwrap();
    }
    let last: (Option<i32>, Option<i32>) = sqlx::query_as(
        "SELECT readiness_done, readiness_applicable FROM events
         WHERE id > $1 AND action = 'item.status_changed' ORDER BY id DESC LIMIT 1",
    )
    .bind(since)
    .fetch_one(&pool)
    .await
    .unwrap();
    let stored: (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status <> 'not_applicable')
         FROM checklist_items",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (last.0.map(i64::from), last.1.map(i64::from)),
        (Some(stored.0), Some(stored.1))
    );
    // Every stored version is one per change, with an event each.
    let versions: i64 = sqlx::query_scalar("SELECT sum(version - 1) FROM checklist_items")
        .fetch_one(&pool)
        .await
        .unwrap();
    let changes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE id > $1 AND action = 'item.status_changed'",
    )
    .bind(since)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(versions, changes);
}
