//! Readiness reviews: a point in time when named people decide go or no-go.
//!
//! A review freezes a [`ReviewSnapshot`] of the service ([`take_snapshot`]): the facts
//! the approvers decide on stay as they were, however the service moves on. The rules:
//!
//! 1. **Snapshot**: every checklist item in checklist order; the open risks (all but
//!    closed ones, as the heat map counts them) with inherent and residual scores from
//!    [`crate::domain::risk`]; every cost line; the monthly cost now and at completion
//!    over the *included* lines (as the costs page and the portfolio count them); the
//!    readiness and launch blockers from [`crate::domain::progress`]; the forecast ready
//!    date the caller computed, and the target go-live.
//! 2. **Outcome** ([`outcome`]): voided wins; then any no-go is a no-go; then any
//!    approver still to decide keeps it pending (so does having no approvers); then any
//!    conditional go makes it a conditional go; otherwise it is a go.
//! 3. **Follow-ups** ([`validate_follow_ups`]): a conditional go names at least one,
//!    each with a title and a due date not before today; go and no-go name none.
//! 4. **Voiding** ([`should_void`]): a conditional go is voided as soon as one of its
//!    follow-ups is overdue (not done or N/A, and due before today), whether the
//!    other approvers have decided yet or not; a no-go stays a no-go.
//! 5. **Since the last review** ([`diff`]): items, risks and cost lines that changed
//!    between two snapshots, each with the latest event about it after the first one.
//! 6. **Decision record** ([`decision_record_markdown`]): one Markdown page for
//!    leadership, made only from what it is given, so the same review always gives the
//!    same page.
//! 7. **Opening** ([`validate_opening`]): a title and at least one approver, one per
//!    role, each a different person.

mod decision;
mod diff;
mod opening;
mod record;
mod view;

pub use decision::{
    ApproverDecision, Decision, FollowUp, FollowUpInput, FollowUpState, RecordedDecision,
    ReviewOutcome, outcome, overdue_follow_ups, should_void, validate_comment, validate_follow_ups,
};
pub use diff::{
    COST_LINE_SUBJECT, CostLineChange, CostLineDiff, ITEM_SUBJECT, ItemChange, ItemDiff, LastEvent,
    RISK_SUBJECT, RiskChange, RiskDiff, SnapshotDiff, ThenNow, diff,
};
pub use opening::{ApproverSlot, MAX_APPROVERS, validate_opening};
pub use record::{DecisionRecord, decision_record_markdown};
pub use view::{ReviewSummary, ReviewView};

use crate::domain::cost::{cost_at_completion, cost_now};
use crate::domain::progress::{self, Progress};
use crate::domain::risk::{RiskLevel, on_heat_map};
use crate::domain::risk_register::assess;
use crate::model::{
    CostCategory, CostKind, CostLine, ItemStatus, Priority, RiskStatus, ServiceDocument,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a review freezes about a service at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSnapshot {
    pub taken_at: DateTime<Utc>,
    /// The service's name and slug then: the record keeps them through a rename.
    pub service_name: String,
    pub service_slug: String,
    /// Every item, in checklist order (sections in order, items in order).
    pub items: Vec<SnapshotItem>,
    /// Risks not closed, in register order.
    pub open_risks: Vec<SnapshotRisk>,
    /// Every cost line, included in the projection or not.
    pub cost_lines: Vec<SnapshotCostLine>,
    pub monthly_cost_now_cents: i64,
    pub monthly_cost_at_completion_cents: i64,
    pub readiness: SnapshotReadiness,
    /// Ids of the items that kept the launch gate closed, in checklist order.
    pub launch_blockers: Vec<i64>,
    /// When the forecast expected the service to be ready (or since when it was).
    pub forecast_ready: Option<NaiveDate>,
    pub target_go_live: Option<NaiveDate>,
}

impl ReviewSnapshot {
    /// The items of [`ReviewSnapshot::launch_blockers`], in checklist order.
    pub fn blocker_items(&self) -> Vec<&SnapshotItem> {
        let by_id: HashMap<i64, &SnapshotItem> = self.items.iter().map(|i| (i.id, i)).collect();
        self.launch_blockers
            .iter()
            .filter_map(|id| by_id.get(id).copied())
            .collect()
    }

    /// Whether the launch gate was clear.
    pub fn is_clear(&self) -> bool {
        self.launch_blockers.is_empty()
    }
}

/// A checklist item as it stood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotItem {
    pub id: i64,
    /// The name of its section.
    pub section: String,
    pub title: String,
    pub priority: Priority,
    pub status: ItemStatus,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub na_reason: Option<String>,
}

/// An open risk with its scores as the risk register computed them then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRisk {
    pub id: i64,
    pub title: String,
    pub status: RiskStatus,
    pub likelihood: i16,
    pub impact: i16,
    pub inherent_score: i32,
    pub residual_score: i32,
    pub residual_level: RiskLevel,
}

/// A cost line as it stood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCostLine {
    pub id: i64,
    pub category: CostCategory,
    pub name: String,
    pub kind: CostKind,
    /// Negative for savings.
    pub monthly_cents: i64,
    /// Counted in the projection.
    pub included: bool,
}

/// Done out of applicable items, and the percent rounded down as everywhere else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotReadiness {
    pub done: u32,
    pub applicable: u32,
    pub percent: u32,
}

impl From<Progress> for SnapshotReadiness {
    fn from(p: Progress) -> Self {
        SnapshotReadiness {
            done: p.done,
            applicable: p.applicable,
            percent: p.percent(),
        }
    }
}

/// Freezes `doc` as of `now`. `forecast_ready` is the caller's
/// [`crate::domain::forecast::Forecast::date`]; costs count as of `now`'s UTC date.
pub fn take_snapshot(
    doc: &ServiceDocument,
    forecast_ready: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> ReviewSnapshot {
    let items = snapshot_items(doc);
    let statuses: HashMap<i64, ItemStatus> = items.iter().map(|i| (i.id, i.status)).collect();
    let open_risks = doc
        .risks
        .iter()
        .filter(|r| on_heat_map(r.status))
        .map(|r| {
            let (inherent, residual) = assess(r, |id| statuses.get(&id).copied());
            SnapshotRisk {
                id: r.id,
                title: r.title.clone(),
                status: r.status,
                likelihood: r.likelihood,
                impact: r.impact,
                inherent_score: inherent.score,
                residual_score: residual.score,
                residual_level: residual.level,
            }
        })
        .collect();
    let included: Vec<CostLine> = doc
        .cost_lines
        .iter()
        .filter(|l| l.included)
        .cloned()
        .collect();
    ReviewSnapshot {
        taken_at: now,
        service_name: doc.name.clone(),
        service_slug: doc.slug.clone(),
        readiness: progress::readiness(items.iter().map(|i| i.status)).into(),
        launch_blockers: items
            .iter()
            .filter(|i| progress::blocks_launch(i.status, i.priority))
            .map(|i| i.id)
            .collect(),
        items,
        open_risks,
        cost_lines: doc.cost_lines.iter().map(snapshot_cost_line).collect(),
        monthly_cost_now_cents: cost_now(&included, &doc.phases, now.date_naive()),
        monthly_cost_at_completion_cents: cost_at_completion(&included, &doc.phases),
        forecast_ready,
        target_go_live: doc.target_go_live,
    }
}

fn snapshot_items(doc: &ServiceDocument) -> Vec<SnapshotItem> {
    doc.sections
        .iter()
        .flat_map(|section| {
            section.items.iter().map(|item| SnapshotItem {
                id: item.id,
                section: section.name.clone(),
                title: item.title.clone(),
                priority: item.priority,
                status: item.status,
                owner: item.owner.clone(),
                due_date: item.due_date,
                na_reason: item.na_reason.clone(),
            })
        })
        .collect()
}

fn snapshot_cost_line(line: &CostLine) -> SnapshotCostLine {
    SnapshotCostLine {
        id: line.id,
        category: line.category,
        name: line.name.clone(),
        kind: line.kind,
        monthly_cents: line.monthly_cents,
        included: line.included,
    }
}

#[cfg(test)]
mod tests;
