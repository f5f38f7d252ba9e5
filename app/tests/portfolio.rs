//! The portfolio's data layer and domain against a real PostgreSQL, over the demo
//! services: every figure agrees with what the service page computes from the whole
//! document, with the same domain functions.
//!
//! Query count: `data::portfolio::load` is the page's only read and runs five queries
//! (services, item counts, phases, risks with linked statuses, cost lines) whatever
//! the number of services; none is issued per service.
//! `the_query_count_does_not_grow_with_the_services` counts them.

use app::data;
use app::domain::cost::summarize;
use app::domain::portfolio::{
    self, CurrentPhase, GateFilter, HORIZON_MONTHS, PortfolioRow, PortfolioView, SortDir, SortKey,
};
use app::domain::progress::{blocks_launch, readiness, weighted_score};
use app::domain::risk::{self, RiskLevel};
use app::draft::ServiceDraft;
use app::model::{ItemStatus, RiskStatus, ServiceDocument};
use chrono::{NaiveDate, Utc};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const DEMO: [&str; 4] = [
    include_str!("../../server/demo/payments-api.json"),
    include_str!("../../server/demo/search-indexer.json"),
    include_str!("../../server/demo/notification-service.json"),
    include_str!("../../server/demo/customer-portal.json"),
];

/// The demo services, dated as the server dates them (written on 22 Nov 2026).
async fn seed_demo(pool: &PgPool) {
    let written_on = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let shift = (Utc::now().date_naive() - written_on).num_days();
    for json in DEMO {
        let mut draft: ServiceDraft = serde_json::from_str(json).unwrap();
        draft.shift_dates(shift);
        data::drafts::insert(pool, &draft, "demo").await.unwrap();
    }
}

async fn portfolio_now(pool: &PgPool) -> portfolio::Portfolio {
    let facts = data::portfolio::load(pool).await.unwrap();
    portfolio::build(&facts, Utc::now().date_naive())
}

/// The figures of one service as the service page gets them: from its document.
fn expected(doc: &ServiceDocument) -> (u32, u32, u32, Option<String>, u32, u32, i64, i64) {
    let items: Vec<_> = doc.sections.iter().flat_map(|s| &s.items).collect();
    let status: HashMap<i64, ItemStatus> = items.iter().map(|i| (i.id, i.status)).collect();
    let ready = readiness(items.iter().map(|i| i.status)).percent();
    let weighted = weighted_score(items.iter().map(|i| (i.status, i.priority))).percent();
    let blockers = items
        .iter()
        .filter(|i| blocks_launch(i.status, i.priority))
        .count() as u32;
    let current = doc
        .phases
        .iter()
        .find(|p| {
            !readiness(
                items
                    .iter()
                    .filter(|i| i.phase_id == Some(p.id))
                    .map(|i| i.status),
            )
            .is_complete()
        })
        .map(|p| p.name.clone());
    let open: Vec<_> = doc
        .risks
        .iter()
        .filter(|r| r.status != RiskStatus::Closed)
        .collect();
    let high_inherent = open
        .iter()
        .filter(|r| risk::inherent(r.likelihood, r.impact).level >= RiskLevel::High)
        .count() as u32;
    let high_residual = open
        .iter()
        .filter(|r| {
            let linked = r.mitigating_item_ids.iter().filter_map(|id| status.get(id));
            risk::residual(r.likelihood, r.impact, linked.copied()).level >= RiskLevel::High
        })
        .count() as u32;
    let lines: Vec<_> = doc
        .cost_lines
        .iter()
        .filter(|l| l.included)
        .cloned()
        .collect();
    let cost = summarize(&lines, &doc.phases, Utc::now().date_naive(), HORIZON_MONTHS);
    (
        ready,
        weighted,
        blockers,
        current,
        high_inherent,
        high_residual,
        cost.now_cents,
        cost.at_completion_cents,
    )
}

fn actual(row: &PortfolioRow) -> (u32, u32, u32, Option<String>, u32, u32, i64, i64) {
    let current = match &row.phase {
        CurrentPhase::Open { name, .. } => Some(name.clone()),
        _ => None,
    };
    (
        row.readiness.percent(),
        row.weighted.percent(),
        row.blockers,
        current,
        row.high_risks(false),
        row.high_risks(true),
        row.cost.now_cents,
        row.cost.at_completion_cents,
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn demo_rows_agree_with_each_service_page(pool: PgPool) {
    seed_demo(&pool).await;
    let p = portfolio_now(&pool).await;
    let names: Vec<&str> = p.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Customer Portal",
            "Notification Service",
            "Payments API",
            "Search Indexer"
        ]
    );
    for row in &p.rows {
        let doc = data::services::document(&pool, &row.slug).await.unwrap();
        assert_eq!(actual(row), expected(&doc), "{}", row.slug);
        assert_eq!(row.monthly_cents.len(), 12);
        assert_eq!(row.cost.annual_cents, row.monthly_cents.iter().sum::<i64>());
    }

    let by_slug = |slug: &str| p.rows.iter().find(|r| r.slug == slug).unwrap();
    let payments = by_slug("payments-api");
    assert_eq!(
        (payments.readiness.done, payments.readiness.applicable),
        (31, 51)
    );
    assert_eq!(payments.blockers, 2);
    assert_eq!(payments.cost.now_cents, 30_883); // $308.83, as the seed says
    assert!(by_slug("notification-service").is_clear());
    for slug in ["payments-api", "search-indexer", "customer-portal"] {
        assert!(!by_slug(slug).is_clear(), "{slug}");
    }

    let t = portfolio::totals(&p.rows);
    assert_eq!((t.services, t.ready, t.blocked), (4, 1, 3));
    assert_eq!(
        (t.readiness.done, t.readiness.applicable),
        (31 + 11 + 19 + 4, 51 + 30 + 22 + 29)
    );
    assert_eq!(
        t.now_cents,
        p.rows.iter().map(|r| r.cost.now_cents).sum::<i64>()
    );
    assert_eq!(
        t.annual_cents,
        p.rows.iter().map(|r| r.cost.annual_cents).sum::<i64>()
    );
    // Closed risks (one of payments-api, two of notification-service) are left out.
    assert_eq!(t.open_risks, 8 - 1 + 5 + 3 - 2 + 5);
}

#[sqlx::test(migrations = "../migrations")]
async fn sorting_and_filtering_the_demo(pool: PgPool) {
    seed_demo(&pool).await;
    let p = portfolio_now(&pool).await;
    let slugs = |view: &PortfolioView| -> Vec<String> {
        portfolio::select(&p.rows, view)
            .into_iter()
            .map(|i| p.rows[i].slug.clone())
            .collect()
    };
    let by_readiness = PortfolioView {
        sort: SortKey::Readiness,
        dir: SortDir::Desc,
        ..Default::default()
    };
    assert_eq!(
        slugs(&by_readiness),
        [
            "notification-service",
            "payments-api",
            "search-indexer",
            "customer-portal"
        ]
    );
    let blocked = PortfolioView {
        gate: Some(GateFilter::Blocked),
        ..by_readiness
    };
    assert_eq!(
        slugs(&blocked),
        ["payments-api", "search-indexer", "customer-portal"]
    );
    let team = PortfolioView {
        team: Some("messaging".into()),
        ..Default::default()
    };
    assert_eq!(slugs(&team), ["notification-service"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_database_has_an_empty_portfolio(pool: PgPool) {
    let p = portfolio_now(&pool).await;
    assert!(p.rows.is_empty());
    assert_eq!(p.months.len(), 12);
}

#[sqlx::test(migrations = "../migrations")]
async fn left_out_lines_and_unlinked_services_are_handled(pool: PgPool) {
    seed_demo(&pool).await;
    // A bare service: no items, phases, risks or costs.
    let bare: ServiceDraft =
        serde_json::from_value(serde_json::json!({"slug": "bare", "name": "Bare"})).unwrap();
    data::drafts::insert(&pool, &bare, "test").await.unwrap();
    let before = portfolio_now(&pool).await;
    let row = before.rows.iter().find(|r| r.slug == "bare").unwrap();
    assert_eq!(row.phase, CurrentPhase::NoPhases);
    assert!(row.is_clear());
    assert_eq!((row.cost.now_cents, row.monthly_cents.len()), (0, 12));

    // Leaving every payments-api baseline line out lowers its cost now to 0.
    sqlx::query(
        "UPDATE cost_lines SET included = false
         WHERE kind = 'baseline'
           AND service_id = (SELECT id FROM services WHERE slug = 'payments-api')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let after = portfolio_now(&pool).await;
    let payments = after
        .rows
        .iter()
        .find(|r| r.slug == "payments-api")
        .unwrap();
    assert_eq!(payments.cost.now_cents, 0);
}

/// Counts the statements sqlx runs on this thread (`sqlx::test` runs the test on a
/// current-thread runtime): sqlx reports each one as a `tracing` event with the
/// target `sqlx::query`.
struct CountStatements(Arc<AtomicUsize>);

impl tracing::Subscriber for CountStatements {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "sqlx::query"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

async fn statements_to_load(pool: &PgPool) -> (usize, usize) {
    let counter = Arc::new(AtomicUsize::new(0));
    let guard = tracing::subscriber::set_default(CountStatements(counter.clone()));
    let facts = data::portfolio::load(pool).await.unwrap();
    drop(guard);
    (counter.load(Ordering::SeqCst), facts.len())
}

#[sqlx::test(migrations = "../migrations")]
async fn the_query_count_does_not_grow_with_the_services(pool: PgPool) {
    seed_demo(&pool).await;
    let (with_4, n) = statements_to_load(&pool).await;
    assert_eq!(n, 4);
    for n in 0..36 {
        let draft: ServiceDraft = serde_json::from_value(serde_json::json!({
            "slug": format!("extra-{n}"), "name": format!("Extra {n}"),
            "phases": [{"name": "Phase 1"}],
            "sections": [{"name": "S", "items": [{"title": "a", "priority": "critical", "phase": "Phase 1"}]}],
            "risks": [{"title": "r", "likelihood": 4, "impact": 4, "mitigated_by": ["a"]}],
            "cost_lines": [{"category": "compute", "name": "c", "kind": "baseline", "monthly_cents": 100}]
        }))
        .unwrap();
        data::drafts::insert(&pool, &draft, "test").await.unwrap();
    }
    let (with_40, n) = statements_to_load(&pool).await;
    assert_eq!(n, 40);
    // BEGIN, SET TRANSACTION, the five reads, COMMIT: at most 8, and the same for both.
    assert!((5..=8).contains(&with_4), "{with_4} statements");
    assert_eq!(with_4, with_40);
    let p = portfolio_now(&pool).await;
    assert_eq!(portfolio::totals(&p.rows).blocked, 3 + 36);
}
