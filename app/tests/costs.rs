//! Cost line writes and the what-if's saved scenario, against a real PostgreSQL.

use app::data::{self, cost_lines};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::input::CostLineForm;
use app::model::{CostKind, Scenario};
use chrono::NaiveDate;
use sqlx::PgPool;

async fn seeded(pool: &PgPool) {
    for slug in ["ledger", "other"] {
        let draft: ServiceDraft = serde_json::from_value(serde_json::json!({
            "slug": slug, "name": slug,
            "phases": [{"name": "Phase 1", "planned_start": "2027-01-01", "planned_end": "2027-01-31"}],
            "cost_lines": [
                {"category": "compute", "name": "Fargate", "kind": "baseline", "monthly_cents": 30883},
                {"category": "compute", "name": "Savings plan", "kind": "saving",
                 "monthly_cents": -4200, "start_month": "2027-03-01"}
            ]
        }))
        .unwrap();
        data::drafts::insert(pool, &draft, "test").await.unwrap();
    }
}

async fn scalar<
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
>(
    pool: &PgPool,
    sql: &str,
) -> T {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

fn form(kind: &str, amount: &str) -> CostLineForm {
    CostLineForm {
        category: "networking".into(),
        name: "NAT Gateway".into(),
        kind: kind.into(),
        amount: amount.into(),
        ..Default::default()
    }
}

fn field(err: AppError) -> String {
    match err {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn phase_id(pool: &PgPool, slug: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT p.id FROM phases p JOIN services s ON s.id = p.service_id WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn lines_are_added_edited_and_deleted(pool: PgPool) {
    seeded(&pool).await;
    let phase = phase_id(&pool, "ledger").await;
    let input = CostLineForm {
        phase_id: phase.to_string(),
        ..form("addition", "32.85")
    }
    .parse()
    .unwrap();
    let line = cost_lines::create(&pool, "ledger", input, "ann")
        .await
        .unwrap();
    assert_eq!(
        (line.kind, line.monthly_cents, line.phase_id),
        (CostKind::Addition, 3285, Some(phase))
    );

    let edited = cost_lines::update(
        &pool,
        "ledger",
        line.id,
        line.version,
        form("baseline", "1").parse().unwrap(),
        "ann",
    )
    .await
    .unwrap();
    assert_eq!(
        (edited.kind, edited.monthly_cents, edited.phase_id),
        (CostKind::Baseline, 100, None)
    );
    let stale = cost_lines::update(
        &pool,
        "ledger",
        line.id,
        line.version,
        form("baseline", "2").parse().unwrap(),
        "bo",
    )
    .await;
    assert!(matches!(stale.unwrap_err(), AppError::Conflict { .. }));

    cost_lines::delete(&pool, "ledger", line.id, "ann")
        .await
        .unwrap();
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM events WHERE subject_type = 'cost_line' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "cost_line.created",
            "cost_line.updated",
            "cost_line.deleted"
        ]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_lines_write_nothing(pool: PgPool) {
    seeded(&pool).await;
    let before: i64 = scalar(&pool, "SELECT count(*) FROM cost_lines").await;
    // Another service's phase.
    let foreign = phase_id(&pool, "other").await;
    let input = CostLineForm {
        phase_id: foreign.to_string(),
        ..form("addition", "5")
    }
    .parse()
    .unwrap();
    assert_eq!(
        field(
            cost_lines::create(&pool, "ledger", input, "x")
                .await
                .unwrap_err()
        ),
        "phase_id"
    );
    // The database refuses what the form would: a negative baseline, a saving without a start.
    let raw = sqlx::query(
        "INSERT INTO cost_lines (service_id, category, name, kind, monthly_cents)
         SELECT id, 'compute', 'x', 'baseline', -1 FROM services WHERE slug = 'ledger'",
    )
    .execute(&pool)
    .await;
    assert!(raw.is_err());
    let raw = sqlx::query(
        "INSERT INTO cost_lines (service_id, category, name, kind, monthly_cents)
         SELECT id, 'compute', 'x', 'saving', -1 FROM services WHERE slug = 'ledger'",
    )
    .execute(&pool)
    .await;
    assert!(raw.is_err());
    let raw = sqlx::query(
        "INSERT INTO cost_lines (service_id, category, name, kind, monthly_cents)
         SELECT id, 'coffee', 'x', 'baseline', 1 FROM services WHERE slug = 'ledger'",
    )
    .execute(&pool)
    .await;
    assert!(raw.is_err());
    assert_eq!(
        scalar::<i64>(&pool, "SELECT count(*) FROM cost_lines").await,
        before
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_scenario_is_saved_whole_or_not_at_all(pool: PgPool) {
    seeded(&pool).await;
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    let saving = doc
        .cost_lines
        .iter()
        .find(|l| l.kind == CostKind::Saving)
        .unwrap()
        .clone();
    let phase = doc.phases[0].clone();
    let later = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();

    // A bad planned end (before the start) rolls back the saving's toggle too.
    let bad = Scenario {
        included: vec![(saving.id, saving.version, false)],
        planned_ends: vec![(
            phase.id,
            phase.version,
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        )],
    };
    let err = cost_lines::apply_scenario(&pool, "ledger", &bad, "ann")
        .await
        .unwrap_err();
    assert_eq!(field(err), "planned_end");
    assert!(
        scalar::<bool>(
            &pool,
            "SELECT included FROM cost_lines WHERE kind = 'saving' LIMIT 1"
        )
        .await
    );

    let good = Scenario {
        included: vec![(saving.id, saving.version, false)],
        planned_ends: vec![(phase.id, phase.version, later)],
    };
    cost_lines::apply_scenario(&pool, "ledger", &good, "ann")
        .await
        .unwrap();
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert!(
        !doc.cost_lines
            .iter()
            .find(|l| l.id == saving.id)
            .unwrap()
            .included
    );
    assert_eq!(doc.phases[0].planned_end, Some(later));

    // Saving the same scenario again is stale: the versions moved on.
    let again = cost_lines::apply_scenario(&pool, "ledger", &good, "ann")
        .await
        .unwrap_err();
    assert!(matches!(again, AppError::Conflict { .. }));
}
