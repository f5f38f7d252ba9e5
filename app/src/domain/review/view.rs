//! What the review pages show: a service's list of reviews, and one review with its
//! decision record and the changes since its snapshot.

use super::{DecisionRecord, ReviewOutcome, SnapshotDiff};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A row of a service's list of reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: i64,
    pub title: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub outcome: ReviewOutcome,
    /// Approvers who have decided, of [`ReviewSummary::approvers`].
    pub decided: usize,
    pub approvers: usize,
}

/// One review: its record, why it was voided, and what changed since its snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub service_slug: String,
    /// The service's name now (the record keeps the one at the snapshot).
    pub service_name: String,
    pub record: DecisionRecord,
    pub since: SnapshotDiff,
}

impl ReviewView {
    pub fn outcome(&self) -> ReviewOutcome {
        self.record.outcome()
    }

    /// The role `email` is still to decide for on this review, if any: none once the
    /// review is voided, since a void review takes no more decisions.
    pub fn waiting_for(&self, email: &str) -> Option<&str> {
        if self.record.voided_at.is_some() {
            return None;
        }
        self.record
            .approvers
            .iter()
            .find(|a| a.decision.is_none() && a.email.eq_ignore_ascii_case(email.trim()))
            .map(|a| a.role.as_str())
    }
}
