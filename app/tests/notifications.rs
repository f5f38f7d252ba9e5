//! Who is told what, against a real PostgreSQL: reviews tell their approvers and,
//! when void, everyone on them and watching; the scan tells owners of due and
//! overdue items once, with one digest a week; assignment tells the new owner; and
//! each user's choices decide the bell and email.

use app::data::{self, items, notices, notifications, reviews};
use app::domain::notification::{Channels, NoticeKind};
use app::domain::review::{ApproverSlot, Decision, FollowUp};
use app::draft::ServiceDraft;
use app::model::Role;
use chrono::{Duration, Utc};
use serde_json::json;
use sqlx::PgPool;

async fn seed(pool: &PgPool) -> (i64, i64, i64, i64) {
    let today = Utc::now().date_naive();
    let draft: ServiceDraft = serde_json::from_value(json!({
        "slug": "ledger", "name": "Ledger",
        "sections": [{"name": "Security", "items": [
            {"title": "TLS everywhere", "priority": "critical", "owner": "Owner@Example.com",
             "due_date": (today + Duration::days(3)).to_string()},
            {"title": "Pen test", "owner": "owner@example.com",
             "due_date": (today - Duration::days(2)).to_string()},
            {"title": "Done already", "status": "done", "owner": "owner@example.com",
             "due_date": (today - Duration::days(9)).to_string()},
            {"title": "Later", "owner": "owner@example.com",
             "due_date": (today + Duration::days(30)).to_string()}
        ]}]
    }))
    .unwrap();
    data::drafts::insert(pool, &draft, "test").await.unwrap();
    let mut ids = Vec::new();
    for (email, role) in [
        ("owner@example.com", Role::Editor),
        ("sre@example.com", Role::Viewer),
        ("lead@example.com", Role::Editor),
        ("watcher@example.com", Role::Viewer),
    ] {
        ids.push(
            data::users::create(pool, email, role, "x", "test")
                .await
                .unwrap(),
        );
    }
    (ids[0], ids[1], ids[2], ids[3])
}

async fn kinds(pool: &PgPool, user: i64) -> Vec<(NoticeKind, String)> {
    let mut list: Vec<_> = notifications::list(pool, user, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.kind, n.subject))
        .collect();
    list.sort();
    list
}

async fn emails_to(pool: &PgPool, address: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM outbox WHERE channel = 'email' AND recipient = $1")
        .bind(address)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_scan_tells_owners_of_due_and_overdue_items_once(pool: PgPool) {
    let (owner, sre, ..) = seed(&pool).await;
    let today = Utc::now().date_naive();
    let told = notices::scan(&pool, today).await.unwrap();
    assert_eq!(told.due, 2);
    assert_eq!(told.digests, 1);
    let mine = kinds(&pool, owner).await;
    let found: Vec<NoticeKind> = mine.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        found,
        vec![NoticeKind::DueSoon, NoticeKind::Overdue, NoticeKind::Digest],
        "{mine:?}"
    );
    assert!(
        mine[0].1.contains("\"TLS everywhere\" is due in 3 days"),
        "{mine:?}"
    );
    assert!(mine[1].1.contains("\"Pen test\" is overdue"), "{mine:?}");
    assert_eq!(emails_to(&pool, "owner@example.com").await, 3);
    assert!(kinds(&pool, sre).await.is_empty());

    // Scanning again tells nothing new, and this week's digest is already sent.
    let again = notices::scan(&pool, today).await.unwrap();
    assert_eq!((again.due, again.digests), (0, 0));
    assert_eq!(notifications::unread_count(&pool, owner).await.unwrap(), 3);

    // Read one, then all.
    let first = notifications::list(&pool, owner, 1).await.unwrap()[0].id;
    assert_eq!(
        notifications::mark_read(&pool, owner, Some(&[first]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(notifications::unread_count(&pool, owner).await.unwrap(), 2);
    assert_eq!(
        notifications::mark_read(&pool, owner, None).await.unwrap(),
        2
    );
    assert_eq!(notifications::unread_count(&pool, owner).await.unwrap(), 0);
    // Another user's ids are not theirs to mark.
    assert_eq!(
        notifications::mark_read(&pool, sre, Some(&[first]))
            .await
            .unwrap(),
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn choices_decide_the_bell_and_the_email(pool: PgPool) {
    let (owner, ..) = seed(&pool).await;
    let service = data::service_id(&pool, "ledger").await.unwrap();
    let off = Channels {
        in_app: false,
        email: false,
    };
    // Nothing about overdue items anywhere; due-soon by bell only, for this service.
    notifications::set_preference(&pool, owner, None, NoticeKind::Overdue, Some(off))
        .await
        .unwrap();
    notifications::set_preference(
        &pool,
        owner,
        Some(service),
        NoticeKind::DueSoon,
        Some(Channels {
            in_app: true,
            email: false,
        }),
    )
    .await
    .unwrap();
    notifications::set_preference(&pool, owner, None, NoticeKind::Digest, Some(off))
        .await
        .unwrap();
    let settings = notifications::settings(&pool, owner).await.unwrap();
    assert_eq!(settings.rows.len(), 3);
    assert_eq!(settings.services, vec![(service, "Ledger".to_string())]);
    let unknown =
        notifications::set_preference(&pool, owner, Some(999_999), NoticeKind::DueSoon, None).await;
    assert!(unknown.is_err());

    notices::scan(&pool, Utc::now().date_naive()).await.unwrap();
    let mine = kinds(&pool, owner).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].0, NoticeKind::DueSoon);
    assert_eq!(emails_to(&pool, "owner@example.com").await, 0);

    // Removing the service's choice falls back to the default (both ways).
    notifications::set_preference(&pool, owner, Some(service), NoticeKind::DueSoon, None)
        .await
        .unwrap();
    assert_eq!(
        notifications::settings(&pool, owner)
            .await
            .unwrap()
            .rows
            .len(),
        2
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_review_tells_its_approvers_and_a_void_tells_everyone_on_it(pool: PgPool) {
    let (owner, sre, lead, watcher) = seed(&pool).await;
    let service = data::service_id(&pool, "ledger").await.unwrap();
    // The watcher owns nothing in the service but chose to hear of its voided reviews.
    notifications::set_preference(
        &pool,
        watcher,
        Some(service),
        NoticeKind::ReviewVoided,
        Some(Channels {
            in_app: true,
            email: false,
        }),
    )
    .await
    .unwrap();
    let now = Utc::now();
    let slots = vec![ApproverSlot {
        role: "SRE".into(),
        email: "sre@example.com".into(),
    }];
    let id = reviews::open(&pool, "ledger", "Launch", &slots, "lead@example.com", now)
        .await
        .unwrap();
    let waiting = kinds(&pool, sre).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].0, NoticeKind::ReviewWaiting);
    assert!(
        waiting[0]
            .1
            .contains("\"Launch\" is waiting for your decision")
    );
    assert!(kinds(&pool, lead).await.is_empty());

    let due = now.date_naive() + Duration::days(2);
    let follow_up = FollowUp {
        title: "Restore drill".into(),
        due_date: due,
    };
    reviews::decide(
        &pool,
        "ledger",
        id,
        "sre@example.com",
        Decision::ConditionalGo,
        "if",
        &[follow_up],
        now,
    )
    .await
    .unwrap();
    let voided = reviews::void_overdue(&pool, due + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(voided.len(), 1);
    let mut told = voided[0].told.clone();
    told.sort();
    assert_eq!(told, vec![sre, lead, watcher]);
    for user in [sre, lead, watcher] {
        assert!(
            kinds(&pool, user)
                .await
                .iter()
                .any(|(k, s)| *k == NoticeKind::ReviewVoided
                    && s.contains("the decision of the review \"Launch\" is void")),
            "user {user}"
        );
    }
    assert!(
        !kinds(&pool, owner)
            .await
            .iter()
            .any(|(k, _)| *k == NoticeKind::ReviewVoided)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_owner_is_told_unless_they_assigned_themselves(pool: PgPool) {
    let (owner, sre, ..) = seed(&pool).await;
    let service = data::service_id(&pool, "ledger").await.unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM checklist_items WHERE title = 'Later'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let item = items::fetch_item(&mut conn, service, id, false)
        .await
        .unwrap();
    drop(conn);
    let mut input = app::input::ItemInput {
        title: item.title.clone(),
        detail: item.detail.clone(),
        status: item.status,
        na_reason: None,
        priority: item.priority,
        owner: "sre@example.com".into(),
        due_date: item.due_date,
        evidence_url: None,
        phase_id: None,
    };
    let after = items::update(
        &pool,
        "ledger",
        item.id,
        item.version,
        input.clone(),
        "lead@example.com",
    )
    .await
    .unwrap();
    let told = kinds(&pool, sre).await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].0, NoticeKind::Assigned);
    assert!(told[0].1.contains("\"Later\" is assigned to you"));

    input.owner = "owner@example.com".into();
    items::update(
        &pool,
        "ledger",
        item.id,
        after.version,
        input,
        "owner@example.com",
    )
    .await
    .unwrap();
    assert!(
        kinds(&pool, owner).await.is_empty(),
        "self-assignment is not news"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_forecast_past_the_target_is_told_weeks_before_it(pool: PgPool) {
    let (owner, sre, _, watcher) = seed(&pool).await;
    let today = Utc::now().date_naive();
    let service = data::service_id(&pool, "ledger").await.unwrap();
    sqlx::query("UPDATE services SET target_go_live = $2 WHERE id = $1")
        .bind(service)
        .bind(today + Duration::days(30))
        .execute(&pool)
        .await
        .unwrap();
    // Two of ten items done in 20 days: at that pace, ready in about five months.
    for (days_ago, done) in [(20, 0), (1, 2)] {
        sqlx::query(
            "INSERT INTO events (service_id, actor, action, subject_type, created_at,
                                 readiness_done, readiness_applicable)
             VALUES ($1, 'test', 'item.status_changed', 'checklist_item', now() - make_interval(days => $2), $3, 10)",
        )
        .bind(service)
        .bind(days_ago)
        .bind(done)
        .execute(&pool)
        .await
        .unwrap();
    }
    notifications::set_preference(
        &pool,
        watcher,
        Some(service),
        NoticeKind::ForecastSlip,
        Some(Channels::DEFAULT),
    )
    .await
    .unwrap();
    let told = notices::scan(&pool, today).await.unwrap();
    assert_eq!(told.slips, 2, "the owner of open items and the watcher");
    for user in [owner, watcher] {
        let slip = kinds(&pool, user)
            .await
            .into_iter()
            .find(|(k, _)| *k == NoticeKind::ForecastSlip)
            .unwrap_or_else(|| panic!("user {user} not told"));
        assert!(slip.1.starts_with("Ledger: forecast ready"), "{}", slip.1);
        assert!(slip.1.contains("after the target go-live"), "{}", slip.1);
    }
    assert!(kinds(&pool, sre).await.is_empty());
    assert_eq!(
        notices::scan(&pool, today).await.unwrap().slips,
        0,
        "told once per target"
    );
}
