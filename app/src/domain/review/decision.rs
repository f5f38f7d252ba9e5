//! Approvers' decisions, the review's outcome, and the follow-ups of a conditional go.

use crate::domain::validate::{TEXT_MAX, TITLE_MAX, optional_text, required_text};
use crate::error::AppError;
use crate::model::ItemStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What one approver decides. Stored as text in the spelling of [`Decision::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    /// Go, provided the named follow-ups are done by their due dates.
    ConditionalGo,
    NoGo,
}

impl Decision {
    pub const ALL: &'static [Decision] = &[Decision::Go, Decision::ConditionalGo, Decision::NoGo];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Go => "go",
            Decision::ConditionalGo => "conditional_go",
            Decision::NoGo => "no_go",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Go => "Go",
            Decision::ConditionalGo => "Conditional go",
            Decision::NoGo => "No-go",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses the stored spelling; the error names the accepted values, as the model's
/// enumerations do.
impl std::str::FromStr for Decision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .iter()
            .copied()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Decision::ALL.iter().map(|d| d.as_str()).collect();
                format!(
                    "unknown decision {s:?}; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

impl TryFrom<String> for Decision {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// A decision as an approver recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedDecision {
    pub decision: Decision,
    pub comment: String,
    pub decided_at: DateTime<Utc>,
}

/// One approver slot of a review: the role they decide for, who they are, and their
/// decision once they have made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApproverDecision {
    /// "SRE", "Security", ...
    pub role: String,
    pub name: String,
    pub email: String,
    pub decision: Option<RecordedDecision>,
}

/// Where a review stands, from its approvers' decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// Someone still has to decide (or nobody is named to).
    Pending,
    Go,
    ConditionalGo,
    NoGo,
    /// A conditional go whose follow-up became overdue.
    Voided,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Pending => "pending",
            ReviewOutcome::Go => "go",
            ReviewOutcome::ConditionalGo => "conditional_go",
            ReviewOutcome::NoGo => "no_go",
            ReviewOutcome::Voided => "voided",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReviewOutcome::Pending => "Pending",
            ReviewOutcome::Go => "Go",
            ReviewOutcome::ConditionalGo => "Conditional go",
            ReviewOutcome::NoGo => "No-go",
            ReviewOutcome::Voided => "Voided",
        }
    }

    /// Whether every approver has decided (or the decision was voided): nothing more
    /// is waited for.
    pub fn is_final(self) -> bool {
        self != ReviewOutcome::Pending
    }
}

impl std::fmt::Display for ReviewOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The review's outcome. A single no-go settles it even while others have not
/// decided: their decisions could not turn it into a go.
pub fn outcome(approvers: &[ApproverDecision], voided: bool) -> ReviewOutcome {
    let decided = || approvers.iter().filter_map(|a| a.decision.as_ref());
    if voided {
        ReviewOutcome::Voided
    } else if decided().any(|d| d.decision == Decision::NoGo) {
        ReviewOutcome::NoGo
    } else if approvers.is_empty() || approvers.iter().any(|a| a.decision.is_none()) {
        ReviewOutcome::Pending
    } else if decided().any(|d| d.decision == Decision::ConditionalGo) {
        ReviewOutcome::ConditionalGo
    } else {
        ReviewOutcome::Go
    }
}

/// A follow-up as an approver typed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpInput {
    pub title: String,
    pub due_date: Option<NaiveDate>,
}

/// A valid follow-up: becomes a dated checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub title: String,
    pub due_date: NaiveDate,
}

/// A follow-up as it stands: its checklist item's id, title, due date and status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpState {
    pub item_id: i64,
    pub title: String,
    pub due_date: NaiveDate,
    pub status: ItemStatus,
}

impl FollowUpState {
    /// Not done or N/A, and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !matches!(self.status, ItemStatus::Done | ItemStatus::NotApplicable)
            && self.due_date < today
    }
}

/// The follow-ups of a `decision`, trimmed: a conditional go names at least one, each
/// with a title of at most [`TITLE_MAX`] characters and a due date not before `today`
/// (a follow-up overdue at once would void the decision at once). A go or no-go
/// names none: it has no conditions. Fields are named `follow_ups[i].title`.
pub fn validate_follow_ups(
    decision: Decision,
    follow_ups: &[FollowUpInput],
    today: NaiveDate,
) -> Result<Vec<FollowUp>, AppError> {
    match (decision, follow_ups.is_empty()) {
        (Decision::ConditionalGo, true) => {
            return Err(AppError::invalid(
                "follow_ups",
                "a conditional go needs at least one follow-up",
            ));
        }
        (Decision::Go | Decision::NoGo, false) => {
            return Err(AppError::invalid(
                "follow_ups",
                format!(
                    "only a conditional go has follow-ups, not a {}",
                    decision.label()
                ),
            ));
        }
        _ => {}
    }
    follow_ups
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let field = |name: &str| format!("follow_ups[{i}].{name}");
            let title = required_text(&field("title"), &input.title, TITLE_MAX)?;
            let due_date = match input.due_date {
                None => return Err(AppError::invalid(&field("due_date"), "choose a due date")),
                Some(date) if date < today => {
                    return Err(AppError::invalid(
                        &field("due_date"),
                        format!("must not be before today ({today})"),
                    ));
                }
                Some(date) => date,
            };
            Ok(FollowUp { title, due_date })
        })
        .collect()
}

/// The follow-ups overdue on `today`, in the order given.
pub fn overdue_follow_ups(follow_ups: &[FollowUpState], today: NaiveDate) -> Vec<&FollowUpState> {
    follow_ups.iter().filter(|f| f.is_overdue(today)).collect()
}

/// Whether a review standing at `outcome` is to be voided now: a conditional go is in
/// it (all decided, or still waiting for others) and one of its follow-ups is overdue.
/// `follow_ups` are those of its conditional gos (no other decision has any). A go
/// has no conditions and a no-go nothing left to void; an outcome already voided
/// gives `false`, so a repeated scan voids, and tells, only once.
pub fn should_void(outcome: ReviewOutcome, follow_ups: &[FollowUpState], today: NaiveDate) -> bool {
    matches!(
        outcome,
        ReviewOutcome::ConditionalGo | ReviewOutcome::Pending
    ) && follow_ups.iter().any(|f| f.is_overdue(today))
}

/// An approver's comment, trimmed; may be empty, at most [`TEXT_MAX`] characters.
pub fn validate_comment(comment: &str) -> Result<String, AppError> {
    optional_text("comment", comment, TEXT_MAX)
}
