//! Reads that skip work already done: the portfolio's per-service rows and whole
//! service documents, kept in memory and checked on every read against the service's
//! `(created_at, version)`, which changes in the same transaction as anything they
//! show (migration `service_version`). A hit costs one small query instead of a full
//! read; a miss reads only the services that changed. The database stays the only
//! source of truth, so any number of server instances can each keep their own.

use crate::data::portfolio::{ServiceRow, facts_of, services};
use crate::data::services::Stamp;
use crate::domain::portfolio::{Portfolio, PortfolioRow, ServiceFacts, months, row};
use crate::error::AppError;
use crate::model::ServiceDocument;
use chrono::NaiveDate;
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

fn stamp(s: &ServiceRow) -> Stamp {
    (s.id, s.created_at, s.version)
}

/// Documents kept at most; beyond it the least recently stored go first.
const DOCUMENTS_KEPT: usize = 256;

#[derive(Default)]
pub struct ReadCache {
    portfolio: Mutex<HashMap<i64, PortfolioEntry>>,
    documents: Mutex<HashMap<String, DocumentEntry>>,
}

struct PortfolioEntry {
    stamp: Stamp,
    facts: ServiceFacts,
    /// The row depends on today's date as well (late phases, the projection's months).
    row: Option<(NaiveDate, PortfolioRow)>,
}

struct DocumentEntry {
    stamp: Stamp,
    stored: u64,
    doc: ServiceDocument,
}

impl ReadCache {
    /// The portfolio as [`crate::domain::portfolio::build`] makes it from
    /// [`crate::data::portfolio::load`], reading only the facts of services that
    /// changed since the last call.
    pub async fn portfolio(&self, pool: &PgPool, today: NaiveDate) -> Result<Portfolio, AppError> {
        let mut tx = pool.begin().await?;
        sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let services = services(&mut tx).await?;
        let current: HashSet<i64> = services.iter().map(|s| s.id).collect();
        let stale: HashSet<i64> = {
            let cached = lock(&self.portfolio);
            services
                .iter()
                .filter(|s| cached.get(&s.id).is_none_or(|e| e.stamp != stamp(s)))
                .map(|s| s.id)
                .collect()
        };
        let fresh = if stale.is_empty() {
            Vec::new()
        } else {
            let ids: Vec<i64> = stale.iter().copied().collect();
            facts_of(&mut tx, &services, Some(&ids)).await?
        };
        tx.commit().await?;

        let mut cached = lock(&self.portfolio);
        // `fresh` is in the order of `services`, filtered to the stale ones.
        let mut fresh = fresh.into_iter();
        for s in services.iter().filter(|s| stale.contains(&s.id)) {
            if let Some(facts) = fresh.next() {
                let entry = PortfolioEntry {
                    stamp: stamp(s),
                    facts,
                    row: None,
                };
                cached.insert(s.id, entry);
            }
        }
        cached.retain(|id, _| current.contains(id));
        let mut rows = Vec::with_capacity(services.len());
        for s in &services {
            let Some(entry) = cached.get_mut(&s.id) else {
                continue;
            };
            match &entry.row {
                Some((day, row)) if *day == today => rows.push(row.clone()),
                _ => {
                    let fresh_row = row(&entry.facts, today);
                    entry.row = Some((today, fresh_row.clone()));
                    rows.push(fresh_row);
                }
            }
        }
        Ok(Portfolio {
            months: months(today),
            rows,
        })
    }

    /// The document of `slug`, as [`crate::data::services::document`] reads it.
    pub async fn document(&self, pool: &PgPool, slug: &str) -> Result<ServiceDocument, AppError> {
        let Some(current) = crate::data::services::stamp(pool, slug).await? else {
            return Err(AppError::NotFound(format!("service {slug:?}")));
        };
        if let Some(entry) = lock(&self.documents).get(slug)
            && entry.stamp == current
        {
            return Ok(entry.doc.clone());
        }
        let (doc, read) = crate::data::services::document_with_stamp(pool, slug).await?;
        let mut cached = lock(&self.documents);
        let stored = cached.values().map(|e| e.stored).max().unwrap_or(0) + 1;
        if cached.len() >= DOCUMENTS_KEPT
            && let Some(oldest) = cached
                .iter()
                .min_by_key(|(_, e)| e.stored)
                .map(|(k, _)| k.clone())
        {
            cached.remove(&oldest);
        }
        cached.insert(
            slug.to_string(),
            DocumentEntry {
                stamp: read,
                stored,
                doc: doc.clone(),
            },
        );
        Ok(doc)
    }
}

/// A poisoned lock only means a reader panicked; the map itself is still consistent
/// (every write to it is a single insert, remove or retain).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
