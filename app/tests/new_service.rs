//! Creating services from the built-in templates through the `create_service` server
//! function, against a real PostgreSQL: each test gets a fresh database.

use app::error::AppError;
use app::server_fns::services::create_service;
use app::state::AppState;
use app::templates::{NewServiceForm, builtin_templates};
use leptos::prelude::*;
use sqlx::PgPool;

/// Runs the server function as a request would: with the app state in context.
async fn create(pool: &PgPool, form: NewServiceForm) -> Result<String, AppError> {
    let owner = Owner::new();
    owner.set();
    provide_context(AppState::new(
        LeptosOptions::builder().output_name("preflight").build(),
        pool.clone(),
    ));
    create_service(form).await
}

fn form(name: &str, slug: &str, template: &str) -> NewServiceForm {
    NewServiceForm {
        name: name.into(),
        slug: slug.into(),
        team: " Checkout ".into(),
        description: "Takes orders.".into(),
        target_go_live: "2027-03-01".into(),
        template: template.into(),
    }
}

async fn count(pool: &PgPool, sql: &str, slug: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(slug)
        .fetch_one(pool)
        .await
        .unwrap()
}

const ITEMS: &str = "SELECT count(*) FROM checklist_items i JOIN services s ON s.id = i.service_id WHERE s.slug = $1";
const SECTIONS: &str = "SELECT count(*) FROM checklist_sections x JOIN services s ON s.id = x.service_id WHERE s.slug = $1";
const PHASES: &str =
    "SELECT count(*) FROM phases p JOIN services s ON s.id = p.service_id WHERE s.slug = $1";
const RISKS: &str =
    "SELECT count(*) FROM risks r JOIN services s ON s.id = r.service_id WHERE s.slug = $1";
const LINKS: &str = "SELECT count(*) FROM risk_mitigations m JOIN services s ON s.id = m.service_id WHERE s.slug = $1";
const COST_LINES: &str =
    "SELECT count(*) FROM cost_lines c JOIN services s ON s.id = c.service_id WHERE s.slug = $1";
const PHASED_ITEMS: &str =
    "SELECT count(*) FROM checklist_items i JOIN services s ON s.id = i.service_id
     WHERE s.slug = $1 AND i.phase_id IS NOT NULL";

async fn total(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn each_template_creates_its_whole_plan(pool: PgPool) {
    for template in builtin_templates() {
        let slug = format!("svc-{}", template.key);
        let created = create(
            &pool,
            form(&format!("Svc {}", template.name), &slug, template.key),
        )
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", template.key));
        assert_eq!(created, slug);

        let draft = &template.draft;
        let links: usize = draft.risks.iter().map(|r| r.mitigated_by.len()).sum();
        assert_eq!(
            count(&pool, ITEMS, &slug).await as usize,
            draft.item_count(),
            "{slug}"
        );
        assert_eq!(
            count(&pool, PHASED_ITEMS, &slug).await as usize,
            draft.item_count(),
            "{slug}"
        );
        assert_eq!(
            count(&pool, SECTIONS, &slug).await as usize,
            draft.sections.len(),
            "{slug}"
        );
        assert_eq!(
            count(&pool, PHASES, &slug).await as usize,
            draft.phases.len(),
            "{slug}"
        );
        assert_eq!(
            count(&pool, RISKS, &slug).await as usize,
            draft.risks.len(),
            "{slug}"
        );
        assert_eq!(count(&pool, LINKS, &slug).await as usize, links, "{slug}");
        assert_eq!(
            count(&pool, COST_LINES, &slug).await as usize,
            draft.cost_lines.len(),
            "{slug}"
        );
    }

    // The figures the form promises.
    assert_eq!(count(&pool, ITEMS, "svc-general").await, 46);
    assert_eq!(count(&pool, SECTIONS, "svc-general").await, 5);
    assert_eq!(count(&pool, ITEMS, "svc-kubernetes").await, 40);
    assert_eq!(count(&pool, PHASES, "svc-kubernetes").await, 4);
    assert_eq!(count(&pool, RISKS, "svc-kubernetes").await, 8);
    assert_eq!(count(&pool, ITEMS, "svc-empty").await, 0);

    // The form's values, trimmed; phases scheduled from today; everything still open.
    let (team, go_live): (String, Option<chrono::NaiveDate>) =
        sqlx::query_as("SELECT team, target_go_live FROM services WHERE slug = 'svc-kubernetes'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(team, "Checkout");
    assert_eq!(go_live, chrono::NaiveDate::from_ymd_opt(2027, 3, 1));
    let first_start: Option<chrono::NaiveDate> = sqlx::query_scalar(
        "SELECT p.planned_start FROM phases p JOIN services s ON s.id = p.service_id
         WHERE s.slug = 'svc-general' ORDER BY p.position LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(first_start, Some(chrono::Utc::now().date_naive()));
    let done: i64 =
        sqlx::query_scalar("SELECT count(*) FROM checklist_items WHERE status <> 'todo'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(done, 0);
    let completed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM phases WHERE completed_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(completed, 0);

    // One "service.created" event per service.
    let created_events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE action = 'service.created'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(created_events, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_taken_slug_is_refused_and_nothing_is_written(pool: PgPool) {
    create(&pool, form("Orders", "orders", "general"))
        .await
        .unwrap();
    let before: Vec<i64> = {
        let mut counts = vec![];
        for table in [
            "services",
            "checklist_items",
            "phases",
            "risks",
            "cost_lines",
            "events",
        ] {
            counts.push(total(&pool, table).await);
        }
        counts
    };

    let err = create(&pool, form("Orders again", "orders", "kubernetes"))
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid { field, message } => {
            assert_eq!(field, "slug");
            assert!(message.contains("already exists"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    let mut after = vec![];
    for table in [
        "services",
        "checklist_items",
        "phases",
        "risks",
        "cost_lines",
        "events",
    ] {
        after.push(total(&pool, table).await);
    }
    assert_eq!(before, after);
    let name: String = sqlx::query_scalar("SELECT name FROM services WHERE slug = 'orders'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Orders");
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_input_is_refused_with_the_field_named(pool: PgPool) {
    let cases = [
        (form("   ", "blank-name", "general"), "name"),
        (form(&"n".repeat(121), "long-name", "general"), "name"),
        (form("Bad slug", "Bad Slug", "general"), "slug"),
        (form("Reserved", "new", "general"), "slug"),
        (
            NewServiceForm {
                target_go_live: "31/12/2026".into(),
                ..form("Date", "bad-date", "general")
            },
            "target_go_live",
        ),
        (
            form("Unknown", "unknown-template", "serverless"),
            "template",
        ),
    ];
    for (input, expected) in cases {
        match create(&pool, input.clone()).await {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, expected, "{input:?}"),
            other => panic!("{input:?}: {other:?}"),
        }
    }
    assert_eq!(total(&pool, "services").await, 0);
    assert_eq!(total(&pool, "events").await, 0);
}
