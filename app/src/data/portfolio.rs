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
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::{HashMap, HashSet};

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
    let services = services(&mut tx).await?;
    let facts = facts_of(&mut tx, &services, None).await?;
    tx.commit().await?;
    Ok(facts)
}

/// Services with what identifies the state of their facts: `(created_at, version)`
/// changes in the same transaction as any row the portfolio reads (see the migration
/// `service_version`), and `created_at` tells a re-created id apart.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub team: String,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

/// 1. Services, in the portfolio's order.
pub async fn services(tx: &mut PgConnection) -> Result<Vec<ServiceRow>, AppError> {
    Ok(sqlx::query_as::<_, ServiceRow>(
        "SELECT id, slug, name, team, created_at, version FROM services
         ORDER BY lower(name), slug",
    )
    .fetch_all(&mut *tx)
    .await?)
}

/// The facts of `services` (of only those whose ids are in `only`, when given), in the
/// order of `services`: four queries whatever their number.
pub async fn facts_of(
    tx: &mut PgConnection,
    services: &[ServiceRow],
    only: Option<&[i64]>,
) -> Result<Vec<ServiceFacts>, AppError> {
    // A filter of constant text: the ids are bound, never formatted in.
    let filter = |column: &str| match only {
        Some(_) => format!("WHERE {column} = ANY($1)"),
        None => String::new(),
    };
    // 2. Items, counted: at most (phases + 1) × 16 rows per service.
    let items = fetch::<ItemCountRow>(
        tx,
        only,
        &format!(
            "SELECT service_id, phase_id, status, priority, count(*) AS count
         FROM checklist_items {}
         GROUP BY service_id, phase_id, status, priority",
            filter("service_id")
        ),
    )
    .await?;
    // 3. Phases in roadmap order.
    let phases = fetch::<PhaseRow>(
        tx,
        only,
        &format!(
            "SELECT service_id, id, name, goal, planned_start, planned_end, effort_min_days,
                effort_max_days, monthly_cost_change_cents, completed_at, version
         FROM phases {} ORDER BY service_id, position, id",
            filter("service_id")
        ),
    )
    .await?;
    // 4. Risks with the statuses of the items that mitigate them.
    let risks = fetch::<RiskRow>(
        tx,
        only,
        &format!(
            "SELECT r.service_id, r.status, r.likelihood, r.impact,
                coalesce(array_agg(i.status) FILTER (WHERE i.id IS NOT NULL), '{{}}') AS linked
         FROM risks r
         LEFT JOIN risk_mitigations m ON m.risk_id = r.id
         LEFT JOIN checklist_items i ON i.id = m.item_id
         {}
         GROUP BY r.id
         ORDER BY r.service_id, r.id",
            filter("r.service_id")
        ),
    )
    .await?;
    // 5. Cost lines.
    let lines = fetch::<CostLineRow>(
        tx,
        only,
        &format!(
            "SELECT service_id, id, category, name, kind, monthly_cents, phase_id, start_month,
                included, version
         FROM cost_lines {} ORDER BY service_id, position, id",
            filter("service_id")
        ),
    )
    .await?;

    let only: Option<HashSet<i64>> = only.map(|ids| ids.iter().copied().collect());
    let wanted = |s: &&ServiceRow| only.as_ref().is_none_or(|ids| ids.contains(&s.id));
    let services: Vec<&ServiceRow> = services.iter().filter(wanted).collect();
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

/// One of [`facts_of`]'s reads, with the ids bound when the statement filters by them.
async fn fetch<T>(
    tx: &mut PgConnection,
    only: Option<&[i64]>,
    sql: &str,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let query = sqlx::query_as::<_, T>(sql);
    match only {
        Some(ids) => query.bind(ids).fetch_all(tx).await,
        None => query.fetch_all(tx).await,
    }
}
