//! The decision record: the one page leadership reads, as Markdown. What was decided,
//! by whom, when, and on which facts (the snapshot, not the service as it is now).
//! Made only from the record it is given, never the current time, so a review's page
//! is the same each time it is exported.

use super::{
    ApproverDecision, FollowUpState, ReviewOutcome, ReviewSnapshot, SnapshotItem, outcome,
};
use crate::domain::forecast::format_date;
use crate::domain::money::format_cents;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// A review as its record shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub title: String,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub approvers: Vec<ApproverDecision>,
    pub follow_ups: Vec<FollowUpState>,
    /// When an overdue follow-up voided the decision.
    pub voided_at: Option<DateTime<Utc>>,
    /// Why it was voided, in words ("the follow-up … was due on … and is not done").
    pub void_reason: Option<String>,
    pub snapshot: ReviewSnapshot,
}

impl DecisionRecord {
    pub fn outcome(&self) -> ReviewOutcome {
        outcome(&self.approvers, self.voided_at.is_some())
    }
}

/// Shown for an empty value.
const NOTHING: &str = "—";

/// The record as Markdown: heading, outcome, approvers, follow-ups, then the facts.
pub fn decision_record_markdown(record: &DecisionRecord) -> String {
    let snapshot = &record.snapshot;
    let mut md = String::new();
    // Writing to a String cannot fail; `writeln!` results are ignored for that reason.
    let _ = writeln!(md, "# Decision record: {}\n", inline(&record.title));
    let _ = writeln!(
        md,
        "Review of {} (`{}`) opened by {} on {}. The facts below were frozen on {}.\n",
        inline(&snapshot.service_name),
        inline(&snapshot.service_slug),
        inline(&record.opened_by),
        timestamp(record.opened_at),
        timestamp(snapshot.taken_at),
    );
    outcome_section(&mut md, record);
    approvers_section(&mut md, &record.approvers);
    follow_ups_section(&mut md, &record.follow_ups);
    facts_section(&mut md, snapshot);
    md.truncate(md.trim_end().len());
    md.push('\n');
    md
}

fn outcome_section(md: &mut String, record: &DecisionRecord) {
    let _ = writeln!(md, "## Outcome: {}\n", record.outcome().label());
    if let Some(at) = record.voided_at {
        let reason = record
            .void_reason
            .as_deref()
            .unwrap_or("a follow-up of the conditional go became overdue");
        let _ = writeln!(md, "Voided on {}: {}.\n", timestamp(at), inline(reason));
    } else if record.outcome() == ReviewOutcome::Pending {
        let waiting = record
            .approvers
            .iter()
            .filter(|a| a.decision.is_none())
            .count();
        if record.approvers.is_empty() {
            md.push_str("No approvers are named yet.\n\n");
        } else {
            let _ = writeln!(
                md,
                "Waiting for {waiting} of {} approvers.\n",
                record.approvers.len()
            );
        }
    }
}

fn approvers_section(md: &mut String, approvers: &[ApproverDecision]) {
    md.push_str("## Approvers\n\n");
    if approvers.is_empty() {
        md.push_str("None.\n\n");
        return;
    }
    table_head(md, &["Role", "Approver", "Decision", "Decided", "Comment"]);
    for a in approvers {
        let who = match (a.name.trim(), a.email.trim()) {
            ("", email) => cell(email),
            (name, "") => cell(name),
            // Accounts without a display name give their address as the name.
            (name, email) if name.eq_ignore_ascii_case(email) => cell(email),
            (name, email) => format!("{} ({})", cell(name), cell(email)),
        };
        let (decision, when, comment) = match &a.decision {
            Some(d) => (
                d.decision.label(),
                timestamp(d.decided_at),
                cell(&d.comment),
            ),
            None => ("Pending", NOTHING.to_string(), NOTHING.to_string()),
        };
        table_row(
            md,
            &[cell(&a.role), who, decision.to_string(), when, comment],
        );
    }
    md.push('\n');
}

fn follow_ups_section(md: &mut String, follow_ups: &[FollowUpState]) {
    md.push_str("## Follow-ups\n\n");
    if follow_ups.is_empty() {
        md.push_str("None.\n\n");
        return;
    }
    table_head(md, &["Follow-up", "Due", "Status"]);
    for f in follow_ups {
        table_row(
            md,
            &[
                cell(&f.title),
                format_date(f.due_date),
                f.status.label().to_string(),
            ],
        );
    }
    md.push('\n');
}

fn facts_section(md: &mut String, s: &ReviewSnapshot) {
    let _ = writeln!(md, "## Facts on {}\n", timestamp(s.taken_at));
    let r = s.readiness;
    let _ = writeln!(
        md,
        "- Readiness: {} of {} applicable items done ({}%).",
        r.done, r.applicable, r.percent
    );
    let blockers = s.blocker_items();
    match blockers.len() {
        0 => md.push_str("- Launch gate: clear.\n"),
        1 => md.push_str("- Launch gate: blocked by 1 item.\n"),
        n => {
            let _ = writeln!(md, "- Launch gate: blocked by {n} items.");
        }
    }
    let _ = writeln!(
        md,
        "- Monthly cost now: {}; at completion: {}.",
        format_cents(s.monthly_cost_now_cents),
        format_cents(s.monthly_cost_at_completion_cents)
    );
    let _ = writeln!(
        md,
        "- {}\n",
        forecast_against_target(s.forecast_ready, s.target_go_live)
    );

    md.push_str("### Launch blockers\n\n");
    blockers_table(md, &blockers);
    md.push_str("### Open risks\n\n");
    if s.open_risks.is_empty() {
        md.push_str("None.\n");
        return;
    }
    table_head(
        md,
        &[
            "Risk",
            "Status",
            "Likelihood × impact",
            "Inherent",
            "Residual",
            "Level",
        ],
    );
    for risk in &s.open_risks {
        table_row(
            md,
            &[
                cell(&risk.title),
                risk.status.label().to_string(),
                format!("{} × {}", risk.likelihood, risk.impact),
                risk.inherent_score.to_string(),
                risk.residual_score.to_string(),
                risk.residual_level.label().to_string(),
            ],
        );
    }
}

fn blockers_table(md: &mut String, blockers: &[&SnapshotItem]) {
    if blockers.is_empty() {
        md.push_str("None.\n\n");
        return;
    }
    table_head(
        md,
        &["Item", "Section", "Priority", "Status", "Owner", "Due"],
    );
    for item in blockers {
        table_row(
            md,
            &[
                cell(&item.title),
                cell(&item.section),
                item.priority.label().to_string(),
                item.status.label().to_string(),
                cell(&item.owner),
                item.due_date.map_or(NOTHING.to_string(), format_date),
            ],
        );
    }
    md.push('\n');
}

/// "Forecast ready: 14 Feb 2027; target go-live: 1 Mar 2027 (15 days before the
/// target)."
pub(super) fn forecast_against_target(
    forecast: Option<NaiveDate>,
    target: Option<NaiveDate>,
) -> String {
    match (forecast, target) {
        (Some(f), Some(t)) => {
            let days = (t - f).num_days();
            let relation = match days {
                0 => "on the target".to_string(),
                d if d > 0 => format!("{} before the target", day_count(d)),
                d => format!("{} after the target", day_count(-d)),
            };
            format!(
                "Forecast ready: {}; target go-live: {} ({relation}).",
                format_date(f),
                format_date(t)
            )
        }
        (Some(f), None) => format!(
            "Forecast ready: {}; no target go-live is set.",
            format_date(f)
        ),
        (None, Some(t)) => format!(
            "No forecast ready date; target go-live: {}.",
            format_date(t)
        ),
        (None, None) => "No forecast ready date, and no target go-live is set.".to_string(),
    }
}

fn day_count(days: i64) -> String {
    if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    }
}

/// `20 Nov 2026 09:30 UTC`.
fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y %H:%M UTC").to_string()
}

/// Text on one line: line breaks and runs of whitespace become single spaces.
fn inline(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell: on one line, `|` escaped, [`NOTHING`] when empty.
fn cell(text: &str) -> String {
    let text = inline(text).replace('|', "\\|");
    if text.is_empty() {
        NOTHING.to_string()
    } else {
        text
    }
}

fn table_head(md: &mut String, headings: &[&str]) {
    let _ = writeln!(md, "| {} |", headings.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(headings.len()));
}

fn table_row(md: &mut String, cells: &[String]) {
    let _ = writeln!(md, "| {} |", cells.join(" | "));
}
