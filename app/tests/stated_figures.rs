//! An imported document's totals that disagree with its cost lines: stored with the
//! import, read with the service, dismissed once, against a real PostgreSQL.

use app::data;
use app::domain::markdown::import_markdown;
use app::domain::stated_figure::from_preview;
use app::model::StatedCostFigure;
use chrono::NaiveDate;
use sqlx::PgPool;

const DOCUMENT: &str = "# Ledger\n\n## Cost estimate\n\n### Compute\n\n\
    - **App servers**: 2x c6g.large = $98/month\n\
    - **Workers**: $402/month\n\
    - **Subtotal**: $525.60/month\n\n\
    ### Database (RDS)\n\n\
    - **Primary**: $150/month\n\
    - **Subtotal**: $150/month\n\n\
    **Total Estimated Monthly Cost**: $700/month\n";

async fn imported(pool: &PgPool) -> Vec<StatedCostFigure> {
    let preview = import_markdown(DOCUMENT, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()).unwrap();
    let figures = from_preview(&preview, preview.draft.cost_lines.len());
    data::drafts::insert_imported(pool, &preview.draft, &figures, "ana")
        .await
        .unwrap();
    figures
}

async fn version(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT version FROM services WHERE slug = 'ledger'")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn disagreeing_totals_are_stored_with_the_import_and_read_with_the_service(pool: PgPool) {
    let figures = imported(&pool).await;
    // The compute subtotal and the grand total disagree; the database subtotal agrees.
    let found: Vec<(&str, i32, i64, i64)> = figures
        .iter()
        .map(|f| {
            (
                f.label.as_str(),
                f.source_line,
                f.stated_cents,
                f.summed_cents,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Subtotal", 9, 52_560, 50_000),
            ("Total Estimated Monthly Cost", 16, 70_000, 65_000),
        ]
    );
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert_eq!(doc.stated_cost_figures, figures);
    assert_eq!(doc.cost_lines.len(), 3, "totals are not cost lines");
}

#[sqlx::test(migrations = "../migrations")]
async fn dismissing_removes_them_once_records_who_and_moves_the_version(pool: PgPool) {
    imported(&pool).await;
    let before = version(&pool).await;
    assert_eq!(
        data::stated_figures::dismiss_all(&pool, "ledger", "bo")
            .await
            .unwrap(),
        2
    );
    assert!(
        version(&pool).await > before,
        "cached pages must see the dismissal"
    );
    let doc = data::services::document(&pool, "ledger").await.unwrap();
    assert!(doc.stated_cost_figures.is_empty());
    let (actor, count): (String, i64) = sqlx::query_as(
        "SELECT actor, jsonb_array_length(before->'figures')::bigint FROM events
         WHERE action = 'stated_figures.dismissed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((actor.as_str(), count), ("bo", 2));

    // A second editor who was slower dismisses nothing and records nothing.
    assert_eq!(
        data::stated_figures::dismiss_all(&pool, "ledger", "cy")
            .await
            .unwrap(),
        0
    );
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE action = 'stated_figures.dismissed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(events, 1);
    assert!(matches!(
        data::stated_figures::dismiss_all(&pool, "nope", "bo").await,
        Err(app::error::AppError::NotFound(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failed_import_stores_no_figures(pool: PgPool) {
    imported(&pool).await;
    // The same slug again: refused, and nothing of the second import is kept.
    let preview = import_markdown(DOCUMENT, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()).unwrap();
    let figures = from_preview(&preview, preview.draft.cost_lines.len());
    assert!(
        data::drafts::insert_imported(&pool, &preview.draft, &figures, "ana")
            .await
            .is_err()
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM stated_cost_figures")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, 2);
}
