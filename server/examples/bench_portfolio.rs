//! Portfolio benchmark: seeds N services with 60 items each (plus 4 phases, 5 risks
//! with mitigating items, 9 cost lines) in bulk, then times the portfolio page's
//! server render through the real router (`GET /`, body read to the end; its read
//! cache is warm after the warm-up requests), and, for comparison, a full uncached
//! read of the facts and the domain's rows from them. Prints figures; asserts nothing.
//!
//! Run through `scripts/bench-portfolio.sh`, which creates and drops the database:
//! `bench_portfolio <database-url> [requests] [services...]` (defaults: 30; 50 500).
//! The database's services are replaced: never point it at a database you keep.

use app::state::AppState;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use tower::ServiceExt;

async fn reader_token(pool: &PgPool) -> Result<String, Box<dyn std::error::Error>> {
    use app::model::{Role, TokenScope};
    let email = "bench@preflight.example";
    let id = match app::data::users::find_by_email(pool, email).await? {
        Some(user) => user.id,
        None => {
            server::accounts::create(pool, email, Role::Viewer, "bench password 1", "bench").await?
        }
    };
    let name = format!("bench-{}", std::process::id());
    let token =
        app::server_fns::accounts::issue_token(pool, id, &name, TokenScope::Read, Some(1), "bench")
            .await?;
    Ok(token.secret)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or("usage: bench_portfolio <database-url> [requests] [services...]")?;
    let requests: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(30);
    let mut sizes: Vec<i64> = args.map(|s| s.parse()).collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        sizes = vec![50, 500];
    }
    let pool = server::db::connect_and_migrate(&url).await?;
    let router = server::startup::router(
        AppState::new(
            LeptosOptions::builder().output_name("preflight").build(),
            pool.clone(),
        ),
        Default::default(),
        Default::default(),
    );
    // Pages need a signed-in reader: a read token, checked on every request as a
    // session would be.
    let bearer = format!("Bearer {}", reader_token(&pool).await?);

    println!(
        "{:>9} {:>8} {:>9} | {:>9} | {:>10} | {:>22} | {:>9}",
        "services", "items", "seed", "full read", "domain", "GET / med / p95", "HTML"
    );
    for n in sizes {
        let started = Instant::now();
        seed(&pool, n).await?;
        let seeded = started.elapsed();
        let items: i64 = sqlx::query_scalar("SELECT count(*) FROM checklist_items")
            .fetch_one(&pool)
            .await?;

        let mut data_times = Vec::new();
        let mut domain_times = Vec::new();
        for _ in 0..requests {
            let t = Instant::now();
            let facts = app::data::portfolio::load(&pool).await?;
            data_times.push(t.elapsed());
            let t = Instant::now();
            let portfolio = app::domain::portfolio::build(&facts, chrono::Utc::now().date_naive());
            domain_times.push(t.elapsed());
            assert_eq!(portfolio.rows.len() as i64, n);
        }

        let mut page_times = Vec::new();
        let mut bytes = 0;
        // Two warm-up requests, then the measured ones.
        for i in 0..requests + 2 {
            let t = Instant::now();
            let response = router
                .clone()
                .oneshot(
                    Request::get("/")
                        .header("authorization", &bearer)
                        .body(Body::empty())?,
                )
                .await?;
            let status = response.status();
            let body = response.into_body().collect().await?.to_bytes();
            let elapsed = t.elapsed();
            if status != StatusCode::OK || !body.windows(7).any(|w| w == b"bench-1") {
                return Err(format!("GET / answered {status} without the services").into());
            }
            bytes = body.len();
            if i >= 2 {
                page_times.push(elapsed);
            }
        }
        let (dm, _) = stats(&mut data_times);
        let (bm, _) = stats(&mut domain_times);
        let (pm, pp) = stats(&mut page_times);
        println!(
            "{n:>9} {items:>8} {:>8.2}s | {:>9} | {:>10} | {:>9} / {:>10} | {:>7}kB",
            seeded.as_secs_f64(),
            ms(dm),
            ms(bm),
            ms(pm),
            ms(pp),
            bytes / 1024
        );
    }
    println!(
        "({requests} runs each; GET / is the whole server render, streamed body read to the end)"
    );
    pool.close().await;
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Median and 95th percentile (nearest rank).
fn stats(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    if times.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let rank = |p: usize| times[((times.len() * p).div_ceil(100)).clamp(1, times.len()) - 1];
    (rank(50), rank(95))
}

/// Replaces every service with `n` generated ones, in a few set-based statements.
async fn seed(pool: &PgPool, n: i64) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let statements = [
        "TRUNCATE services, events RESTART IDENTITY CASCADE",
        "INSERT INTO services (slug, name, team, description)
         SELECT 'bench-' || g, 'Bench service ' || lpad(g::text, 4, '0'), 'Team ' || (g % 8), ''
         FROM generate_series(1, $1) g",
        // 4 phases, two weeks each.
        "INSERT INTO phases (service_id, position, name, planned_start, planned_end,
                             effort_min_days, effort_max_days, monthly_cost_change_cents)
         SELECT s.id, p, 'Phase ' || (p + 1), current_date + p * 14, current_date + (p + 1) * 14,
                2, 5, 1500 * (p + 1)
         FROM services s, generate_series(0, 3) p",
        "INSERT INTO checklist_sections (service_id, position, name)
         SELECT s.id, k, (ARRAY['Security', 'Monitoring', 'Backup & DR', 'Compliance',
                                'Operations', 'Performance'])[k + 1]
         FROM services s, generate_series(0, 5) k",
        // 10 items per section: a deterministic mix of statuses and priorities; items
        // 0–3 of a section go to phases 1–4 (by position), item 4 to none, and so on.
        "INSERT INTO checklist_items (service_id, section_id, position, title, status, priority,
                                      phase_id, na_reason)
         SELECT c.service_id, c.id, i, 'Item ' || c.position || '-' || i,
                (ARRAY['done', 'done', 'done', 'done', 'done', 'todo', 'todo', 'in_progress',
                       'in_progress', 'not_applicable'])[(1 + (c.service_id * 7 + c.position * 13 + i * 31) % 10)::int],
                (ARRAY['critical', 'high', 'medium', 'low'])[(1 + (i + c.position) % 4)::int],
                (SELECT p.id FROM phases p WHERE p.service_id = c.service_id AND p.position = i % 5),
                CASE WHEN (c.service_id * 7 + c.position * 13 + i * 31) % 10 = 9 THEN 'bench' END
         FROM checklist_sections c, generate_series(0, 9) i",
        "INSERT INTO risks (service_id, title, likelihood, impact, status)
         SELECT s.id, 'Risk ' || k, (1 + (s.id + k) % 5)::int2, (1 + (s.id * 3 + k * 2) % 5)::int2,
                (ARRAY['open', 'mitigating', 'accepted', 'closed'])[(1 + (s.id + k) % 4)::int]
         FROM services s, generate_series(0, 4) k",
        // Risk k is mitigated by the first two items of section k.
        "INSERT INTO risk_mitigations (risk_id, item_id, service_id)
         SELECT r.id, i.id, r.service_id
         FROM risks r
         JOIN checklist_items i ON i.service_id = r.service_id
          AND i.title IN ('Item ' || substr(r.title, 6) || '-0', 'Item ' || substr(r.title, 6) || '-1')",
        // 4 baseline lines, one addition per phase, one saving in three months.
        "INSERT INTO cost_lines (service_id, position, category, name, kind, monthly_cents)
         SELECT s.id, k, (ARRAY['compute', 'database', 'networking', 'monitoring_logging'])[k + 1],
                'Baseline ' || k, 'baseline', 2000 + (s.id * 37 + k * 1100) % 9000
         FROM services s, generate_series(0, 3) k",
        "INSERT INTO cost_lines (service_id, position, category, name, kind, monthly_cents, phase_id)
         SELECT p.service_id, 4 + p.position, 'security_compliance', 'Addition ' || p.position,
                'addition', 500 + p.position * 750, p.id
         FROM phases p",
        "INSERT INTO cost_lines (service_id, position, category, name, kind, monthly_cents, start_month)
         SELECT s.id, 8, 'compute', 'Savings plan', 'saving', -(500 + s.id % 1500),
                date_trunc('month', current_date + interval '3 months')::date
         FROM services s",
        // Every third service has finished its first phase.
        "UPDATE checklist_items SET status = 'done', na_reason = NULL
         WHERE phase_id IN (SELECT id FROM phases WHERE position = 0 AND service_id % 3 = 0)",
        // As `drafts::insert` does: a phase whose applicable items are all done is complete.
        "UPDATE phases p SET completed_at = now()
         WHERE EXISTS (SELECT 1 FROM checklist_items i
                       WHERE i.phase_id = p.id AND i.status <> 'not_applicable')
           AND NOT EXISTS (SELECT 1 FROM checklist_items i
                           WHERE i.phase_id = p.id AND i.status NOT IN ('done', 'not_applicable'))",
    ];
    for sql in statements {
        let query = sqlx::query(sql);
        let query = if sql.contains("$1") {
            query.bind(n)
        } else {
            query
        };
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(())
}
