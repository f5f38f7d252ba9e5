//! The read cache against a real PostgreSQL: what it answers is always what a full
//! read answers, after every kind of write, and a hit reads only the services table.

use app::data::cache::ReadCache;
use app::data::items::StatusChange;
use app::data::{self};
use app::domain::portfolio;
use app::draft::ServiceDraft;
use app::model::ItemStatus;
use chrono::{NaiveDate, Utc};
use sqlx::PgPool;

const DEMO: [&str; 2] = [
    include_str!("../../server/demo/payments-api.json"),
    include_str!("../../server/demo/search-indexer.json"),
];

async fn seed(pool: &PgPool) {
    for json in DEMO {
        let draft: ServiceDraft = serde_json::from_str(json).unwrap();
        data::drafts::insert(pool, &draft, "demo").await.unwrap();
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The cache's answers equal fresh full reads, for the portfolio and every document.
async fn assert_agrees(pool: &PgPool, cache: &ReadCache) {
    let full = portfolio::build(&data::portfolio::load(pool).await.unwrap(), today());
    assert_eq!(cache.portfolio(pool, today()).await.unwrap(), full);
    for row in &full.rows {
        let fresh = data::services::document(pool, &row.slug).await.unwrap();
        assert_eq!(cache.document(pool, &row.slug).await.unwrap(), fresh);
    }
}

async fn version(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT version FROM services WHERE slug = $1")
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn answers_what_a_full_read_answers_after_each_write(pool: PgPool) {
    seed(&pool).await;
    let cache = ReadCache::default();
    assert_agrees(&pool, &cache).await;

    let doc = data::services::document(&pool, "payments-api")
        .await
        .unwrap();
    let item = doc.sections[0].items[0].clone();
    let change = StatusChange {
        status: if item.status == ItemStatus::Done {
            ItemStatus::Todo
        } else {
            ItemStatus::Done
        },
        na_reason: None,
        expected_version: Some(item.version),
    };
    data::items::change_status(&pool, "payments-api", item.id, change, "test")
        .await
        .unwrap();
    assert_agrees(&pool, &cache).await;

    // Writes straight to each table the page and the portfolio read, as another
    // instance or an operator's SQL would make them.
    let id = data::service_id(&pool, "payments-api").await.unwrap();
    for statement in [
        "UPDATE services SET team = 'Renamed team' WHERE id = $1",
        "UPDATE checklist_sections SET name = name || ' (renamed)' WHERE service_id = $1",
        "UPDATE checklist_items SET priority = 'critical' WHERE service_id = $1",
        "UPDATE phases SET completed_at = NULL WHERE service_id = $1",
        "UPDATE risks SET likelihood = 5 WHERE service_id = $1",
        "DELETE FROM risk_mitigations WHERE service_id = $1",
        "UPDATE cost_lines SET included = NOT included WHERE service_id = $1",
        "DELETE FROM cost_lines WHERE service_id = $1",
        "DELETE FROM checklist_items WHERE service_id = $1 AND position = 0",
    ] {
        let before = version(&pool, "payments-api").await;
        sqlx::query(statement)
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            version(&pool, "payments-api").await > before,
            "{statement} did not change the version"
        );
        assert_agrees(&pool, &cache).await;
    }

    sqlx::query("DELETE FROM services WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(cache.portfolio(&pool, today()).await.unwrap().rows.len(), 1);
    assert!(cache.document(&pool, "payments-api").await.is_err());
    assert_agrees(&pool, &cache).await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_service_re_created_under_the_same_slug_is_read_again(pool: PgPool) {
    seed(&pool).await;
    let cache = ReadCache::default();
    assert_agrees(&pool, &cache).await;
    sqlx::query("DELETE FROM services WHERE slug = 'search-indexer'")
        .execute(&pool)
        .await
        .unwrap();
    let mut draft: ServiceDraft = serde_json::from_str(DEMO[1]).unwrap();
    draft.name = "Search indexer, again".to_string();
    draft.sections.truncate(1);
    draft.risks.clear();
    data::drafts::insert(&pool, &draft, "test").await.unwrap();
    assert_agrees(&pool, &cache).await;
}

/// A hit must not read the facts again: with the version triggers switched off, a
/// change made behind the cache's back stays unseen until the version moves.
#[sqlx::test(migrations = "../migrations")]
async fn a_hit_reads_only_the_version(pool: PgPool) {
    seed(&pool).await;
    let cache = ReadCache::default();
    let before = cache.portfolio(&pool, today()).await.unwrap();
    let doc = cache.document(&pool, "payments-api").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    for statement in [
        "ALTER TABLE checklist_items DISABLE TRIGGER USER",
        "UPDATE checklist_items SET status = 'done', title = 'Changed unseen'",
        "ALTER TABLE checklist_items ENABLE TRIGGER USER",
    ] {
        sqlx::query(statement).execute(&mut *conn).await.unwrap();
    }
    drop(conn);
    assert_eq!(cache.portfolio(&pool, today()).await.unwrap(), before);
    assert_eq!(cache.document(&pool, "payments-api").await.unwrap(), doc);

    sqlx::query("UPDATE services SET version = version + 1")
        .execute(&pool)
        .await
        .unwrap();
    let after = cache.portfolio(&pool, today()).await.unwrap();
    assert!(
        after
            .rows
            .iter()
            .all(|r| r.readiness.done == r.readiness.applicable)
    );
    let doc = cache.document(&pool, "payments-api").await.unwrap();
    assert_eq!(doc.sections[0].items[0].title, "Changed unseen");
    assert_agrees(&pool, &cache).await;
}
