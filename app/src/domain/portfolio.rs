//! The portfolio: one row per service and the totals leadership reads, computed from
//! per-service facts with the same rules as the service page. No database here: the
//! data layer (`data::portfolio`) reads the facts of every service in a fixed number
//! of queries; everything else is these plain functions.
//!
//! Rules, each the one rule of its module:
//! - readiness, weighted score and launch gate: [`progress::readiness`],
//!   [`progress::weighted_score`] and [`progress::blocks_launch`] over the items;
//! - *current phase*: the first phase by position that is not complete
//!   ([`Progress::is_complete`] over its items), with its progress and whether it is
//!   late ([`roadmap::schedule`]);
//! - risks: every risk that is not closed is open exposure (the register's heat-map
//!   rule, [`on_heat_map`]); it counts as *high* when its level is high or critical,
//!   before mitigation (inherent) and after it (residual, [`risk::residual`]);
//! - cost: [`cost::summarize`] and [`cost::project`] over the service's *included*
//!   cost lines, [`HORIZON_MONTHS`] months from today's month.
//!
//! Totals are sums over the rows shown; the annual total is the sum of the first 12
//! months of the portfolio's projection (the sum of the rows' projections).

use crate::domain::cost::{self, CostSummary};
use crate::domain::progress::{self, Progress};
use crate::domain::risk::on_heat_map;
use crate::domain::risk::{self, Assessment, RiskLevel};
use crate::domain::roadmap::{self, Schedule};
use crate::model::{CostLine, ItemStatus, Phase, Priority, RiskStatus};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::iter::repeat_n;

pub mod page;
pub mod view;

pub use page::{PAGE_SIZE, PortfolioPage, page};
pub use view::{GateFilter, PortfolioView, SortDir, SortKey};

/// Months of the portfolio's projection (the annual total sums the first 12).
pub const HORIZON_MONTHS: u32 = 12;

/// How many of a service's items share a phase, status and priority: one row of the
/// data layer's aggregate query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemCount {
    pub phase_id: Option<i64>,
    pub status: ItemStatus,
    pub priority: Priority,
    pub count: u32,
}

/// A risk with the statuses of the checklist items that mitigate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskFacts {
    pub status: RiskStatus,
    pub likelihood: i16,
    pub impact: i16,
    pub linked: Vec<ItemStatus>,
}

/// What the portfolio needs of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFacts {
    pub slug: String,
    pub name: String,
    pub team: String,
    pub items: Vec<ItemCount>,
    /// In roadmap order (position).
    pub phases: Vec<Phase>,
    pub risks: Vec<RiskFacts>,
    pub cost_lines: Vec<CostLine>,
}

/// Done out of applicable (items or weight points), as sent to the browser.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    pub done: u32,
    pub applicable: u32,
}

impl Ratio {
    pub fn progress(self) -> Progress {
        Progress {
            done: self.done,
            applicable: self.applicable,
        }
    }

    pub fn percent(self) -> u32 {
        self.progress().percent()
    }
}

impl From<Progress> for Ratio {
    fn from(p: Progress) -> Self {
        Ratio {
            done: p.done,
            applicable: p.applicable,
        }
    }
}

/// Where a service stands on its roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CurrentPhase {
    NoPhases,
    AllComplete {
        phases: u32,
    },
    /// The first phase that is not complete: `number` of `of` (1-based).
    Open {
        number: u32,
        of: u32,
        name: String,
        progress: Ratio,
        late: bool,
    },
}

/// An open (not closed) risk, before and after mitigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskPoint {
    pub inherent: Assessment,
    pub residual: Assessment,
}

/// One service on the portfolio page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioRow {
    pub slug: String,
    pub name: String,
    pub team: String,
    pub readiness: Ratio,
    pub weighted: Ratio,
    /// Critical items neither done nor N/A: the launch gate is clear at 0.
    pub blockers: u32,
    pub phase: CurrentPhase,
    /// Open risks only.
    pub risks: Vec<RiskPoint>,
    pub cost: CostSummary,
    /// Net cost per month of the projection, aligned with [`Portfolio::months`].
    pub monthly_cents: Vec<i64>,
}

impl PortfolioRow {
    pub fn is_clear(&self) -> bool {
        self.blockers == 0
    }

    /// Open risks at high or critical level, after mitigation when `residual`.
    pub fn high_risks(&self, residual: bool) -> u32 {
        let level = |p: &RiskPoint| {
            if residual {
                p.residual.level
            } else {
                p.inherent.level
            }
        };
        self.risks
            .iter()
            .filter(|p| level(p) >= RiskLevel::High)
            .count() as u32
    }
}

/// The page's data: the projection's months and a row per service, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    /// First day of each month, from today's month.
    pub months: Vec<NaiveDate>,
    pub rows: Vec<PortfolioRow>,
}

/// Every service's row, in the order given (the data layer sorts by name).
pub fn build(services: &[ServiceFacts], today: NaiveDate) -> Portfolio {
    Portfolio {
        months: months(today),
        rows: services.iter().map(|s| row(s, today)).collect(),
    }
}

/// The first day of each month of the projection, from today's month.
pub fn months(today: NaiveDate) -> Vec<NaiveDate> {
    let first = cost::month_start(today);
    (0..HORIZON_MONTHS)
        .filter_map(|i| first.checked_add_months(Months::new(i)))
        .collect()
}

/// One service's figures (see the [module docs](self) for the rules).
pub fn row(service: &ServiceFacts, today: NaiveDate) -> PortfolioRow {
    let items = &service.items;
    let statuses = |phase: Option<Option<i64>>| {
        items
            .iter()
            .filter(move |c| phase.is_none_or(|p| c.phase_id == p))
            .flat_map(|c| repeat_n(c.status, c.count as usize))
    };
    let readiness = progress::readiness(statuses(None));
    let weighted = progress::weighted_score(
        items
            .iter()
            .flat_map(|c| repeat_n((c.status, c.priority), c.count as usize)),
    );
    let blockers = items
        .iter()
        .filter(|c| progress::blocks_launch(c.status, c.priority))
        .map(|c| c.count)
        .sum();

    let of = service.phases.len() as u32;
    let phase = service
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p, progress::readiness(statuses(Some(Some(p.id))))))
        .find(|(_, _, progress)| !progress.is_complete())
        .map(|(i, p, progress)| CurrentPhase::Open {
            number: i as u32 + 1,
            of,
            name: p.name.clone(),
            progress: progress.into(),
            late: roadmap::schedule(progress, p.completed_at, p.planned_end, today)
                == Schedule::Late,
        })
        .unwrap_or(if of == 0 {
            CurrentPhase::NoPhases
        } else {
            CurrentPhase::AllComplete { phases: of }
        });

    let risks = service
        .risks
        .iter()
        .filter(|r| on_heat_map(r.status))
        .map(|r| RiskPoint {
            inherent: risk::inherent(r.likelihood, r.impact),
            residual: risk::residual(r.likelihood, r.impact, r.linked.iter().copied()),
        })
        .collect();

    let lines: Vec<CostLine> = service
        .cost_lines
        .iter()
        .filter(|l| l.included)
        .cloned()
        .collect();
    let phases = &service.phases;
    PortfolioRow {
        slug: service.slug.clone(),
        name: service.name.clone(),
        team: service.team.clone(),
        readiness: readiness.into(),
        weighted: weighted.into(),
        blockers,
        phase,
        risks,
        cost: cost::summarize(&lines, phases, today, HORIZON_MONTHS),
        monthly_cents: cost::project(&lines, phases, today, HORIZON_MONTHS)
            .iter()
            .map(|m| m.total_cents)
            .collect(),
    }
}

/// The figures above the table, over the rows shown.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub services: u32,
    /// Launch gate clear.
    pub ready: u32,
    pub blocked: u32,
    /// Items of all services together.
    pub readiness: Ratio,
    pub open_risks: u32,
    pub high_risks_inherent: u32,
    pub high_risks_residual: u32,
    pub now_cents: i64,
    pub at_completion_cents: i64,
    /// The first 12 months of [`Totals::monthly_cents`].
    pub annual_cents: i64,
    /// As [`CostSummary::change_tenths_percent`], on the totals.
    pub change_tenths_percent: Option<i64>,
    /// The portfolio's net cost per month.
    pub monthly_cents: Vec<i64>,
}

pub fn totals<'a>(rows: impl IntoIterator<Item = &'a PortfolioRow>) -> Totals {
    let mut t = Totals::default();
    let (mut now, mut at_completion) = (0i128, 0i128);
    let mut monthly: Vec<i128> = Vec::new();
    let mut readiness = Progress::default();
    for row in rows {
        t.services += 1;
        if row.is_clear() {
            t.ready += 1;
        } else {
            t.blocked += 1;
        }
        readiness = readiness + row.readiness.progress();
        t.open_risks += row.risks.len() as u32;
        t.high_risks_inherent += row.high_risks(false);
        t.high_risks_residual += row.high_risks(true);
        now += i128::from(row.cost.now_cents);
        at_completion += i128::from(row.cost.at_completion_cents);
        if monthly.len() < row.monthly_cents.len() {
            monthly.resize(row.monthly_cents.len(), 0);
        }
        for (sum, cents) in monthly.iter_mut().zip(&row.monthly_cents) {
            *sum += i128::from(*cents);
        }
    }
    t.readiness = readiness.into();
    t.now_cents = saturate(now);
    t.at_completion_cents = saturate(at_completion);
    t.annual_cents = saturate(monthly.iter().take(12).sum());
    t.change_tenths_percent = change_tenths_percent(t.now_cents, t.at_completion_cents);
    t.monthly_cents = monthly.into_iter().map(saturate).collect();
    t
}

/// (at completion − now) / now in tenths of a percent, rounded half away from zero;
/// `None` when nothing runs now. The same rule as [`cost::summarize`] (a test checks
/// they agree).
pub fn change_tenths_percent(now: i64, at_completion: i64) -> Option<i64> {
    (now != 0).then(|| {
        let numerator = (i128::from(at_completion) - i128::from(now)) * 1000;
        let denominator = i128::from(now);
        let quotient = numerator / denominator;
        let remainder = numerator % denominator;
        let rounded = if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
            quotient + numerator.signum() * denominator.signum()
        } else {
            quotient
        };
        saturate(rounded)
    })
}

/// Open risks per heat-map cell, placed by residual or inherent assessment.
pub fn heat_counts<'a>(
    rows: impl IntoIterator<Item = &'a PortfolioRow>,
    residual: bool,
) -> [[u32; 5]; 5] {
    risk::heat_map(rows.into_iter().flat_map(|r| &r.risks).map(|p| {
        let a = if residual { p.residual } else { p.inherent };
        (a.likelihood, a.impact)
    }))
}

/// The teams of the rows, each once, sorted case-insensitively; no empty names.
pub fn teams(rows: &[PortfolioRow]) -> Vec<String> {
    let mut teams: Vec<String> = rows
        .iter()
        .map(|r| r.team.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    teams.sort_by_key(|t| t.to_lowercase());
    teams.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    teams
}

/// Indices of the rows `view` shows, in its order.
pub fn select(rows: &[PortfolioRow], view: &PortfolioView) -> Vec<usize> {
    let mut shown: Vec<usize> = (0..rows.len())
        .filter(|&i| view.matches(&rows[i]))
        .collect();
    shown.sort_by(|&a, &b| compare(&rows[a], &rows[b], view.sort, view.dir));
    shown
}

/// The order of `key` in `dir`; ties by name then slug, always ascending.
pub fn compare(a: &PortfolioRow, b: &PortfolioRow, key: SortKey, dir: SortDir) -> Ordering {
    let primary = match key {
        SortKey::Service => Ordering::Equal,
        SortKey::Team => text(&a.team).cmp(&text(&b.team)),
        SortKey::Readiness => a.readiness.percent().cmp(&b.readiness.percent()),
        SortKey::Weighted => a.weighted.percent().cmp(&b.weighted.percent()),
        SortKey::Gate => a.blockers.cmp(&b.blockers),
        SortKey::Phase => phase_rank(&a.phase).cmp(&phase_rank(&b.phase)),
        SortKey::RisksInherent => a.high_risks(false).cmp(&b.high_risks(false)),
        SortKey::RisksResidual => a.high_risks(true).cmp(&b.high_risks(true)),
        SortKey::CostNow => a.cost.now_cents.cmp(&b.cost.now_cents),
        SortKey::CostAtCompletion => a.cost.at_completion_cents.cmp(&b.cost.at_completion_cents),
    };
    let by_name = text(&a.name)
        .cmp(&text(&b.name))
        .then_with(|| a.slug.cmp(&b.slug));
    match (key, dir) {
        (SortKey::Service, SortDir::Desc) => by_name.reverse(),
        (_, SortDir::Desc) => primary.reverse().then(by_name),
        (_, SortDir::Asc) => primary.then(by_name),
    }
}

/// How far along the roadmap: no phases, then open phases by number and progress,
/// then all complete.
fn phase_rank(phase: &CurrentPhase) -> (u8, u32, u32) {
    match phase {
        CurrentPhase::NoPhases => (0, 0, 0),
        CurrentPhase::Open {
            number, progress, ..
        } => (1, *number, progress.percent()),
        CurrentPhase::AllComplete { .. } => (2, 0, 0),
    }
}

fn text(s: &str) -> String {
    s.trim().to_lowercase()
}

fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests;
