//! "Since the last review": what changed between two snapshots, and who changed it.
//!
//! - **Items**: added (in `now` only), removed (in `then` only), or whose status
//!   changed. Other edits (title, owner, due date) are not what a review decides on.
//! - **Risks**: opened (open in `now` only, which includes a reopened risk), closed
//!   (open in `then` only: closed or deleted, the event tells which), or whose
//!   residual score changed. A risk listed with status closed counts as not open.
//! - **Cost lines**: added, removed, or whose monthly amount or inclusion changed.
//! - **Who and when**: each entry carries the latest event about its subject (by
//!   `created_at`, then id) recorded after `then.taken_at`; `None` when there is none
//!   (a residual score moves with its items' statuses, which are events of the items).
//!
//! Entries keep snapshot order: those still there in `now`'s order, then those gone
//! in `then`'s. Lookups are by map, so the diff is linear in the snapshots and events.

use super::{ReviewSnapshot, SnapshotCostLine, SnapshotItem, SnapshotReadiness, SnapshotRisk};
use crate::domain::risk::{RiskLevel, on_heat_map};
use crate::model::{CostCategory, EventRecord, ItemStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The `subject_type` the data layer records for checklist items.
pub const ITEM_SUBJECT: &str = "checklist_item";
/// The `subject_type` the data layer records for risks.
pub const RISK_SUBJECT: &str = "risk";
/// The `subject_type` the data layer records for cost lines.
pub const COST_LINE_SUBJECT: &str = "cost_line";

/// Who last changed an entry's subject, how, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastEvent {
    pub event_id: i64,
    pub actor: String,
    /// The event's action, e.g. `checklist_item.updated`.
    pub action: String,
    pub at: DateTime<Utc>,
}

/// A figure at the earlier snapshot and at the later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThenNow<T> {
    pub then: T,
    pub now: T,
}

impl<T: PartialEq> ThenNow<T> {
    pub fn changed(&self) -> bool {
        self.then != self.now
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemChange {
    Added { status: ItemStatus },
    Removed { status: ItemStatus },
    StatusChanged { from: ItemStatus, to: ItemStatus },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDiff {
    pub item_id: i64,
    /// As in `now`, or as in `then` for a removed item.
    pub section: String,
    pub title: String,
    pub change: ItemChange,
    pub last_event: Option<LastEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskChange {
    /// With its residual score now.
    Opened {
        residual_score: i32,
        residual_level: RiskLevel,
    },
    /// With its residual score when it was last open.
    Closed {
        residual_score: i32,
        residual_level: RiskLevel,
    },
    ResidualChanged {
        from: i32,
        to: i32,
        from_level: RiskLevel,
        to_level: RiskLevel,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskDiff {
    pub risk_id: i64,
    pub title: String,
    pub change: RiskChange,
    pub last_event: Option<LastEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CostLineChange {
    Added {
        monthly_cents: i64,
        included: bool,
    },
    Removed {
        monthly_cents: i64,
        included: bool,
    },
    Changed {
        monthly_cents: ThenNow<i64>,
        included: ThenNow<bool>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostLineDiff {
    pub line_id: i64,
    pub category: CostCategory,
    pub name: String,
    pub change: CostLineChange,
    pub last_event: Option<LastEvent>,
}

/// Everything that changed from one snapshot to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotDiff {
    pub taken_at: ThenNow<DateTime<Utc>>,
    pub items: Vec<ItemDiff>,
    pub risks: Vec<RiskDiff>,
    pub cost_lines: Vec<CostLineDiff>,
    pub readiness: ThenNow<SnapshotReadiness>,
    pub monthly_cost_now_cents: ThenNow<i64>,
    pub monthly_cost_at_completion_cents: ThenNow<i64>,
    pub forecast_ready: ThenNow<Option<NaiveDate>>,
}

impl SnapshotDiff {
    /// No item, risk or cost line changed (the totals then follow).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.risks.is_empty() && self.cost_lines.is_empty()
    }
}

/// What changed from `then` to `now`, each entry with the latest of `events` about it.
pub fn diff(then: &ReviewSnapshot, now: &ReviewSnapshot, events: &[EventRecord]) -> SnapshotDiff {
    let latest = latest_events(events, then.taken_at);
    let last = |subject: &str, id: i64| latest.get(&(subject, id)).map(|e| last_event(e));
    SnapshotDiff {
        taken_at: ThenNow {
            then: then.taken_at,
            now: now.taken_at,
        },
        items: item_diffs(&then.items, &now.items, |id| last(ITEM_SUBJECT, id)),
        risks: risk_diffs(&then.open_risks, &now.open_risks, |id| {
            last(RISK_SUBJECT, id)
        }),
        cost_lines: cost_line_diffs(&then.cost_lines, &now.cost_lines, |id| {
            last(COST_LINE_SUBJECT, id)
        }),
        readiness: ThenNow {
            then: then.readiness,
            now: now.readiness,
        },
        monthly_cost_now_cents: ThenNow {
            then: then.monthly_cost_now_cents,
            now: now.monthly_cost_now_cents,
        },
        monthly_cost_at_completion_cents: ThenNow {
            then: then.monthly_cost_at_completion_cents,
            now: now.monthly_cost_at_completion_cents,
        },
        forecast_ready: ThenNow {
            then: then.forecast_ready,
            now: now.forecast_ready,
        },
    }
}

/// The latest event per `(subject_type, subject_id)` recorded after `after`.
fn latest_events(
    events: &[EventRecord],
    after: DateTime<Utc>,
) -> HashMap<(&str, i64), &EventRecord> {
    let mut latest: HashMap<(&str, i64), &EventRecord> = HashMap::new();
    for event in events.iter().filter(|e| e.created_at > after) {
        let Some(id) = event.subject_id else {
            continue;
        };
        latest
            .entry((event.subject_type.as_str(), id))
            .and_modify(|best| {
                if (event.created_at, event.id) > (best.created_at, best.id) {
                    *best = event;
                }
            })
            .or_insert(event);
    }
    latest
}

fn last_event(event: &EventRecord) -> LastEvent {
    LastEvent {
        event_id: event.id,
        actor: event.actor.clone(),
        action: event.action.clone(),
        at: event.created_at,
    }
}

/// Entries by id; with duplicate ids the first wins.
fn by_id<T>(entries: &[T], id: impl Fn(&T) -> i64) -> HashMap<i64, &T> {
    let mut map = HashMap::new();
    for entry in entries {
        map.entry(id(entry)).or_insert(entry);
    }
    map
}

fn item_diffs(
    then: &[SnapshotItem],
    now: &[SnapshotItem],
    last: impl Fn(i64) -> Option<LastEvent>,
) -> Vec<ItemDiff> {
    let before = by_id(then, |i| i.id);
    let after = by_id(now, |i| i.id);
    let entry = |item: &SnapshotItem, change| ItemDiff {
        item_id: item.id,
        section: item.section.clone(),
        title: item.title.clone(),
        change,
        last_event: last(item.id),
    };
    let present = now.iter().filter_map(|item| match before.get(&item.id) {
        None => Some(entry(
            item,
            ItemChange::Added {
                status: item.status,
            },
        )),
        Some(old) if old.status != item.status => Some(entry(
            item,
            ItemChange::StatusChanged {
                from: old.status,
                to: item.status,
            },
        )),
        Some(_) => None,
    });
    let gone = then
        .iter()
        .filter(|item| !after.contains_key(&item.id))
        .map(|item| {
            entry(
                item,
                ItemChange::Removed {
                    status: item.status,
                },
            )
        });
    present.chain(gone).collect()
}

fn risk_diffs(
    then: &[SnapshotRisk],
    now: &[SnapshotRisk],
    last: impl Fn(i64) -> Option<LastEvent>,
) -> Vec<RiskDiff> {
    let open = |risks: &[SnapshotRisk]| -> Vec<SnapshotRisk> {
        risks
            .iter()
            .filter(|r| on_heat_map(r.status))
            .cloned()
            .collect()
    };
    let (then, now) = (open(then), open(now));
    let before = by_id(&then, |r| r.id);
    let after = by_id(&now, |r| r.id);
    let entry = |risk: &SnapshotRisk, change| RiskDiff {
        risk_id: risk.id,
        title: risk.title.clone(),
        change,
        last_event: last(risk.id),
    };
    let present = now.iter().filter_map(|risk| match before.get(&risk.id) {
        None => Some(entry(
            risk,
            RiskChange::Opened {
                residual_score: risk.residual_score,
                residual_level: risk.residual_level,
            },
        )),
        Some(old) if old.residual_score != risk.residual_score => Some(entry(
            risk,
            RiskChange::ResidualChanged {
                from: old.residual_score,
                to: risk.residual_score,
                from_level: old.residual_level,
                to_level: risk.residual_level,
            },
        )),
        Some(_) => None,
    });
    let gone = then
        .iter()
        .filter(|risk| !after.contains_key(&risk.id))
        .map(|risk| {
            entry(
                risk,
                RiskChange::Closed {
                    residual_score: risk.residual_score,
                    residual_level: risk.residual_level,
                },
            )
        });
    present.chain(gone).collect()
}

fn cost_line_diffs(
    then: &[SnapshotCostLine],
    now: &[SnapshotCostLine],
    last: impl Fn(i64) -> Option<LastEvent>,
) -> Vec<CostLineDiff> {
    let before = by_id(then, |l| l.id);
    let after = by_id(now, |l| l.id);
    let entry = |line: &SnapshotCostLine, change| CostLineDiff {
        line_id: line.id,
        category: line.category,
        name: line.name.clone(),
        change,
        last_event: last(line.id),
    };
    let present = now.iter().filter_map(|line| match before.get(&line.id) {
        None => Some(entry(
            line,
            CostLineChange::Added {
                monthly_cents: line.monthly_cents,
                included: line.included,
            },
        )),
        Some(old) if (old.monthly_cents, old.included) != (line.monthly_cents, line.included) => {
            Some(entry(
                line,
                CostLineChange::Changed {
                    monthly_cents: ThenNow {
                        then: old.monthly_cents,
                        now: line.monthly_cents,
                    },
                    included: ThenNow {
                        then: old.included,
                        now: line.included,
                    },
                },
            ))
        }
        Some(_) => None,
    });
    let gone = then
        .iter()
        .filter(|line| !after.contains_key(&line.id))
        .map(|line| {
            entry(
                line,
                CostLineChange::Removed {
                    monthly_cents: line.monthly_cents,
                    included: line.included,
                },
            )
        });
    present.chain(gone).collect()
}
