//! The history's data layer against a real PostgreSQL: pages of events with their
//! total, burn-up points, and the demo past. Each test gets a fresh database.

use app::data::{self, items::StatusChange};
use app::domain::forecast::{Forecast, forecast};
use app::draft::ServiceDraft;
use app::model::ItemStatus;
use chrono::{Duration, SubsecRound, Utc};
use sqlx::PgPool;

fn draft(slug: &str) -> ServiceDraft {
    serde_json::from_value(serde_json::json!({
        "slug": slug,
        "name": "Ledger",
        "phases": [{"name": "Phase 1: Critical"}, {"name": "Phase 2: Hardening"}],
        "sections": [
            {"name": "Security", "items": [
                {"title": "TLS everywhere", "priority": "critical", "phase": "Phase 1: Critical"},
                {"title": "WAF enabled", "status": "done", "priority": "high", "owner": "Priya",
                 "phase": "Phase 1: Critical"},
                {"title": "Pen test", "status": "not_applicable", "na_reason": "internal only"}
            ]},
            {"name": "Monitoring", "items": [
                {"title": "Alerting", "status": "in_progress", "owner": "Tom", "phase": "Phase 2: Hardening"},
                {"title": "Dashboards"}
            ]}
        ]
    }))
    .unwrap()
}

/// A service with twelve done items (owned by Aisha, Marco and nobody), three to do
/// and one in progress; Phase A holds six of the done items and is complete.
fn busy_draft() -> ServiceDraft {
    let mut items: Vec<serde_json::Value> = (1..=12)
        .map(|n| {
            let owner = ["Aisha", "Marco", ""][n % 3];
            let phase = if n <= 6 { Some("Phase A") } else { None };
            serde_json::json!({"title": format!("Done {n}"), "status": "done", "owner": owner,
                               "phase": phase, "priority": if n % 2 == 0 { "critical" } else { "low" }})
        })
        .collect();
    items.extend((1..=3).map(|n| serde_json::json!({"title": format!("Todo {n}")})));
    items.push(serde_json::json!({"title": "Started", "status": "in_progress", "owner": "Lena"}));
    serde_json::from_value(serde_json::json!({
        "slug": "busy",
        "name": "Busy",
        "phases": [{"name": "Phase A"}, {"name": "Phase B"}],
        "sections": [{"name": "Everything", "items": items}]
    }))
    .unwrap()
}

async fn item_id(pool: &PgPool, title: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = $1")
        .bind(title)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn set(pool: &PgPool, slug: &str, title: &str, status: ItemStatus, actor: &str) {
    let id = item_id(pool, title).await;
    let change = StatusChange {
        status,
        na_reason: None,
        expected_version: None,
    };
    data::items::change_status(pool, slug, id, change, actor)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_newest_first_with_the_total(pool: PgPool) {
    data::drafts::insert(&pool, &draft("ledger"), "test")
        .await
        .unwrap();
    data::drafts::insert(&pool, &draft("other"), "test")
        .await
        .unwrap();
    let service = data::service_id(&pool, "ledger").await.unwrap();
    set(&pool, "ledger", "TLS everywhere", ItemStatus::Done, "alice").await; // + phase.completed
    set(&pool, "ledger", "Dashboards", ItemStatus::InProgress, "bob").await;
    set(&pool, "other", "Dashboards", ItemStatus::Done, "carol").await;

    let first = data::history::page(&pool, service, 1, 2).await.unwrap();
    assert_eq!((first.page, first.per_page, first.total), (1, 2, 4));
    assert!(first.has_older() && !first.has_newer());
    let actions: Vec<&str> = first
        .entries
        .iter()
        .map(|e| e.event.action.as_str())
        .collect();
    assert_eq!(actions, ["item.status_changed", "phase.completed"]);
    let newest = &first.entries[0];
    assert_eq!(newest.event.actor, "bob");
    assert_eq!(newest.subject_name.as_deref(), Some("Dashboards"));
    assert_eq!(newest.event.before.as_ref().unwrap()["status"], "todo");
    assert_eq!(
        newest.event.after.as_ref().unwrap()["status"],
        "in_progress"
    );
    // Readiness right after: TLS and WAF done of 4 applicable.
    assert_eq!(newest.event.readiness_done, Some(2));
    assert_eq!(newest.event.readiness_applicable, Some(4));
    assert_eq!(
        first.entries[1].subject_name.as_deref(),
        Some("Phase 1: Critical")
    );

    let second = data::history::page(&pool, service, 2, 2).await.unwrap();
    let actions: Vec<&str> = second
        .entries
        .iter()
        .map(|e| e.event.action.as_str())
        .collect();
    assert_eq!(actions, ["item.status_changed", "service.created"]);
    assert_eq!(
        second.entries[0].subject_name.as_deref(),
        Some("TLS everywhere")
    );
    assert_eq!(second.entries[1].subject_name.as_deref(), Some("Ledger"));
    assert!(second.has_newer() && !second.has_older());

    let beyond = data::history::page(&pool, service, 3, 2).await.unwrap();
    assert!(beyond.entries.is_empty());
    assert_eq!(beyond.total, 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_item_keeps_its_name_in_the_history(pool: PgPool) {
    data::drafts::insert(&pool, &draft("ledger"), "test")
        .await
        .unwrap();
    let service = data::service_id(&pool, "ledger").await.unwrap();
    set(&pool, "ledger", "Dashboards", ItemStatus::Done, "alice").await;
    let id = item_id(&pool, "Dashboards").await;
    let version: i32 = sqlx::query_scalar("SELECT version FROM checklist_items WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    data::items::delete(&pool, "ledger", id, version, "alice")
        .await
        .unwrap();

    let page = data::history::page(&pool, service, 1, 50).await.unwrap();
    let names: Vec<(&str, Option<&str>)> = page
        .entries
        .iter()
        .map(|e| (e.event.action.as_str(), e.subject_name.as_deref()))
        .collect();
    assert_eq!(
        names[..2],
        [
            ("item.deleted", Some("Dashboards")),
            ("item.status_changed", Some("Dashboards"))
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn burnup_points_follow_the_readiness_in_time_order(pool: PgPool) {
    data::drafts::insert(&pool, &draft("ledger"), "test")
        .await
        .unwrap();
    let service = data::service_id(&pool, "ledger").await.unwrap();
    set(&pool, "ledger", "Dashboards", ItemStatus::Done, "alice").await;
    set(&pool, "ledger", "Dashboards", ItemStatus::Todo, "alice").await;
    set(&pool, "ledger", "Alerting", ItemStatus::Done, "bob").await; // + phase.completed
    // An event from before readiness was recorded is left out.
    sqlx::query(
        "INSERT INTO events (service_id, actor, action, subject_type, created_at)
         VALUES ($1, 'old', 'legacy.thing', 'service', now() - interval '1 year')",
    )
    .bind(service)
    .execute(&pool)
    .await
    .unwrap();

    let points = data::history::burnup_points(&pool, service).await.unwrap();
    let done: Vec<u32> = points.iter().map(|p| p.done).collect();
    assert_eq!(done, [1, 2, 1, 2, 2]);
    assert!(points.iter().all(|p| p.applicable == 4));
    assert!(points.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(
        data::history::burnup_points(&pool, 999_999)
            .await
            .unwrap()
            .is_empty()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_demo_past_builds_up_to_today(pool: PgPool) {
    data::drafts::insert(&pool, &busy_draft(), "demo")
        .await
        .unwrap();
    let service = data::service_id(&pool, "busy").await.unwrap();
    let now = Utc::now().trunc_subsecs(0);
    let started = now - Duration::weeks(7);
    let added = data::history::backfill_demo(&pool, "busy", started, now)
        .await
        .unwrap();

    // 12 done: 4 at creation, 8 ticked; 1 started; Phase A completed along the way.
    let page = data::history::page(&pool, service, 1, 200).await.unwrap();
    assert_eq!(page.total as usize, added + 1);
    let count = |action: &str, to: Option<&str>| {
        page.entries
            .iter()
            .filter(|e| e.event.action == action)
            .filter(|e| to.is_none_or(|to| e.event.after.as_ref().unwrap()["status"] == to))
            .count()
    };
    assert_eq!(count("item.status_changed", Some("done")), 8);
    assert_eq!(count("item.status_changed", Some("in_progress")), 1);
    assert_eq!(count("phase.completed", None), 1);
    assert_eq!(added, 10);

    let created = page.entries.last().unwrap();
    assert_eq!(created.event.action, "service.created");
    assert_eq!(created.event.created_at.timestamp(), started.timestamp());
    assert_eq!(created.event.readiness_done, Some(4));
    assert_eq!(created.event.after.as_ref().unwrap()["done_items"], 4);
    for e in &page.entries {
        assert!(
            e.event.created_at >= started && e.event.created_at < now,
            "{e:?}"
        );
        assert_eq!(e.event.readiness_applicable, Some(16));
        assert!(e.subject_name.is_some(), "{e:?}");
        if e.event.action == "item.status_changed" {
            assert!(
                ["Aisha", "Marco", "Lena", "demo"].contains(&e.event.actor.as_str()),
                "{e:?}"
            );
            assert_eq!(e.event.before.as_ref().unwrap()["status"], "todo");
        }
    }

    let points = data::history::burnup_points(&pool, service).await.unwrap();
    assert!(
        points.windows(2).all(|w| w[0].done <= w[1].done),
        "readiness rises"
    );
    assert_eq!(points.last().unwrap().done, 12, "ends at today's readiness");
    assert!(matches!(forecast(&points, now), Forecast::Projected { .. }));

    // Items and the phase carry the times of the past.
    let (service_created, phase_completed): (chrono::DateTime<Utc>, chrono::DateTime<Utc>) = sqlx::query_as(
        "SELECT s.created_at, p.completed_at FROM services s JOIN phases p ON p.service_id = s.id
         WHERE s.id = $1 AND p.name = 'Phase A'",
    )
    .bind(service)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(service_created.timestamp(), started.timestamp());
    let phase_event = page
        .entries
        .iter()
        .find(|e| e.event.action == "phase.completed")
        .unwrap();
    assert_eq!(phase_completed, phase_event.event.created_at);
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM checklist_items
         WHERE service_id = $1 AND status IN ('done', 'in_progress') AND updated_at > $2",
    )
    .bind(service)
    .bind(now)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stale, 0);
}
