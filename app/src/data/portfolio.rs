//! The portfolio's reads: the facts of every service in **five queries, whatever the
//! number of services** (services; item counts per service, phase, status and
//! priority; phases; risks with their linked items' statuses; cost lines), in one
//! read-only repeatable-read transaction so they agree with each other. No query
//! runs per service: [`load`] is the only function and issues exactly these five
//! (plus the `SET TRANSACTION`). The figures are computed by
//! [`crate::domain::portfolio`].

use crate::domain::portfolio::{ItemCount, RiskFacts, ServiceFacts};
use crate::error::AppError;
use crate::model::{CostLine, ItemStatus, Phase, Priority, RiskStatus};
use sqlx::PgPool;
use std::collections::HashMap;

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: i64,
    slug: String,
    name: String,
    team: String,
}

#[derive(sqlx::FromRow)]
struct ItemCountRow {
    service_id: i64,
    phase_id: Option<i64>,
    #[sqlx(try_from = "String")]
    status: ItemStatus,
    #[sqlx(try_from = "String")]
    priority: Priority,
    count: i64,
}

#[derive(sqlx::FromRow)]
struct PhaseRow {
    service_id: i64,
    #[sqlx(flatten)]
    phase: Phase,
}

#[derive(sqlx::FromRow)]
struct RiskRow {
    service_id: i64,
    #[sqlx(try_from = "String")]
    status: RiskStatus,
    likelihood: i16,
    impact: i16,
    linked: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct CostLineRow {
    service_id: i64,
    #[sqlx(flatten)]
    line: CostLine,
}

/// Every service's facts, ordered by name (case-insensitively), then slug.
pub async fn load(pool: &PgPool) -> Result<Vec<ServiceFacts>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    // 1. Services.
    let services = sqlx::query_as::<_, ServiceRow>(
        "SELECT id, slug, name, team FROM services ORDER BY lower(name), slug",
    )
    .fetch_all(&mut *tx)
    .await?;
    // 2. Items, counted: at most (phases + 1) × 16 rows per service.
    let items = sqlx::query_as::<_, ItemCountRow>(
        "SELECT service_id, phase_id, status, priority, count(*) AS count
         FROM checklist_items
         GROUP BY service_id, phase_id, status, priority",
    )
    .fetch_all(&mut *tx)
    .await?;
    // 3. Phases in roadmap order.
    let phases = sqlx::query_as::<_, PhaseRow>(
        "SELECT service_id, id, name, goal, planned_start, planned_end, effort_min_days,
                effort_max_days, monthly_cost_change_cents, completed_at, version
         FROM phases ORDER BY service_id, position, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    // 4. Risks with the statuses of the items that mitigate them.
    let risks = sqlx::query_as::<_, RiskRow>(
        "SELECT r.service_id, r.status, r.likelihood, r.impact,
                coalesce(array_agg(i.status) FILTER (WHERE i.id IS NOT NULL), '{}') AS linked
         FROM risks r
         LEFT JOIN risk_mitigations m ON m.risk_id = r.id
         LEFT JOIN checklist_items i ON i.id = m.item_id
         GROUP BY r.id
         ORDER BY r.service_id, r.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    // 5. Cost lines.
    let lines = sqlx::query_as::<_, CostLineRow>(
        "SELECT service_id, id, category, name, kind, monthly_cents, phase_id, start_month,
                included, version
         FROM cost_lines ORDER BY service_id, position, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut facts: Vec<ServiceFacts> = services
        .iter()
        .map(|s| ServiceFacts {
            slug: s.slug.clone(),
            name: s.name.clone(),
            team: s.team.clone(),
            items: Vec::new(),
            phases: Vec::new(),
            risks: Vec::new(),
            cost_lines: Vec::new(),
        })
        .collect();
    let index: HashMap<i64, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let of = |service_id: i64| index.get(&service_id).copied();
    for row in items {
        if let Some(i) = of(row.service_id) {
            facts[i].items.push(ItemCount {
                phase_id: row.phase_id,
                status: row.status,
                priority: row.priority,
                count: u32::try_from(row.count).unwrap_or(u32::MAX),
            });
        }
    }
    for row in phases {
        if let Some(i) = of(row.service_id) {
            facts[i].phases.push(row.phase);
        }
    }
    for row in risks {
        if let Some(i) = of(row.service_id) {
            facts[i].risks.push(RiskFacts {
                status: row.status,
                likelihood: row.likelihood,
                impact: row.impact,
                linked: row.linked.iter().filter_map(|s| s.parse().ok()).collect(),
            });
        }
    }
    for row in lines {
        if let Some(i) = of(row.service_id) {
            facts[i].cost_lines.push(row.line);
        }
    }
    Ok(facts)
}
