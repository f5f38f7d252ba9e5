//! The portfolio's reads: the facts of every service in **five queries, whatever the
//! number of services** (services; item counts per service, phase, status and
//! priority; phases; risks with their linked items' statuses; cost lines), in one
//! read-only repeatable-read transaction so they agree with each other. No query
//! runs per service: [`load`] is the only function and issues exactly these five
//! (plus the `SET TRANSACTION`). The figures are computed by
//! [`crate::domain::portfolio`].

use crate::domain::portfolio::{ItemCount, RiskFacts, ServiceFacts};
use crate::error::AppError;
use crate::model::{CostCategory, CostKind, CostLine, ItemStatus, Phase, Priority, RiskStatus};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::{HashMap, HashSet};

/// Every service's facts, ordered by name (case-insensitively), then slug.
pub async fn load(pool: &PgPool) -> Result<Vec<ServiceFacts>, AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
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
#[derive(Debug, Clone)]
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
    Ok(sqlx::query_as!(
        ServiceRow,
        r#"SELECT id, slug, name, team, created_at AS "created_at: _", version FROM services
         ORDER BY lower(name), slug"#
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
    // Every statement reads all services, or only those in `only` ($1 NULL means all).
    // 2. Items, counted: at most (phases + 1) × 16 rows per service.
    let items = sqlx::query!(
        r#"SELECT service_id, phase_id, status AS "status: ItemStatus",
                  priority AS "priority: Priority", count(*) AS "count!"
           FROM checklist_items WHERE $1::bigint[] IS NULL OR service_id = ANY($1)
           GROUP BY service_id, phase_id, status, priority"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    // 3. Phases in roadmap order.
    let phases = sqlx::query!(
        r#"SELECT service_id, id, name, goal, planned_start AS "planned_start: chrono::NaiveDate", planned_end AS "planned_end: chrono::NaiveDate", effort_min_days,
                effort_max_days, monthly_cost_change_cents, completed_at AS "completed_at: chrono::DateTime<chrono::Utc>", version
         FROM phases WHERE $1::bigint[] IS NULL OR service_id = ANY($1)
         ORDER BY service_id, position, id"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    // 4. Risks with the statuses of the items that mitigate them.
    let risks = sqlx::query!(
        r#"SELECT r.service_id, r.status AS "status: RiskStatus", r.likelihood, r.impact,
                  coalesce(array_agg(i.status) FILTER (WHERE i.id IS NOT NULL), '{}')
                      AS "linked!"
           FROM risks r
           LEFT JOIN risk_mitigations m ON m.risk_id = r.id
           LEFT JOIN checklist_items i ON i.id = m.item_id
           WHERE $1::bigint[] IS NULL OR r.service_id = ANY($1)
           GROUP BY r.id
           ORDER BY r.service_id, r.id"#,
        only
    )
    .fetch_all(&mut *tx)
    .await?;
    // 5. Cost lines.
    let lines = sqlx::query!(
        r#"SELECT service_id, id, category AS "category: CostCategory", name,
                  kind AS "kind: CostKind", monthly_cents, phase_id, start_month AS "start_month: chrono::NaiveDate", included, version
           FROM cost_lines WHERE $1::bigint[] IS NULL OR service_id = ANY($1)
           ORDER BY service_id, position, id"#,
        only
    )
    .fetch_all(&mut *tx)
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
            facts[i].phases.push(Phase {
                id: row.id,
                name: row.name,
                goal: row.goal,
                planned_start: row.planned_start,
                planned_end: row.planned_end,
                effort_min_days: row.effort_min_days,
                effort_max_days: row.effort_max_days,
                monthly_cost_change_cents: row.monthly_cost_change_cents,
                completed_at: row.completed_at,
                version: row.version,
            });
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
            facts[i].cost_lines.push(CostLine {
                id: row.id,
                category: row.category,
                name: row.name,
                kind: row.kind,
                monthly_cents: row.monthly_cents,
                phase_id: row.phase_id,
                start_month: row.start_month,
                included: row.included,
                version: row.version,
            });
        }
    }
    Ok(facts)
}
