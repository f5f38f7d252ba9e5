//! Markdown in and out: `import_markdown` turns a readiness document (like the seeds)
//! into a [`ServiceDraft`] plus a report of what was recognised and what was skipped;
//! `export_markdown` writes a service back in the seeds' style so that importing the
//! result gives the same [`Structure`]; `items_csv` lists the items as CSV.
//!
//! Pure functions over plain values: no I/O, no framework; compiled for the server and
//! the browser. The recognition rules are documented in `import/mod.rs` (and the
//! modules beside it) and `words.rs`; pulldown-cmark reads the Markdown (`lines.rs`).

mod csv;
mod document;
mod export;
mod import;
mod lines;
mod mojibake;
mod words;

#[cfg(test)]
mod pattern_tests;
#[cfg(test)]
mod reader_props;
#[cfg(test)]
mod tests;

pub use csv::items_csv;
pub use export::export_markdown;
pub use import::{import_markdown, import_markdown_bytes};

use crate::draft::ServiceDraft;
use crate::model::{CostCategory, CostKind, ItemStatus, Priority, RiskStatus};
use serde::{Deserialize, Serialize};

/// Largest document the importer accepts.
pub const IMPORT_MAX_BYTES: usize = 1024 * 1024;

/// What an import gives before anything is saved: the service and a line-by-line
/// account of the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    pub draft: ServiceDraft,
    pub recognised: Vec<RecognisedLine>,
    pub skipped: Vec<SkippedLine>,
    /// The text had UTF-8 read as Mac Roman ("‚úÖ" for "✅") and was repaired.
    pub repaired_mojibake: bool,
    /// Figures the document states that disagree with what was imported: totals
    /// against the sum of their lines, risk scores against likelihood × impact.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum DiscrepancyKind {
    /// A subtotal, total or optimised figure against its cost lines.
    CostTotal,
    /// A stated risk score or level against likelihood × impact.
    RiskScore,
}

/// A stated figure that was shown, not trusted: what the document says and what the
/// imported parts give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Discrepancy {
    /// 1-based line of the stated figure.
    pub line: usize,
    pub kind: DiscrepancyKind,
    /// The total's label or the risk's title.
    pub subject: String,
    /// As stated: "$140.00", "score 15 (HIGH)".
    pub stated: String,
    /// As imported: "$150.00", "3 × 4 = 12 (high)".
    pub found: String,
    /// For cost totals, the two amounts, so a page can format them itself.
    pub stated_cents: Option<i64>,
    pub summed_cents: Option<i64>,
    /// The figure is a change ("+$70.00/month"), not an amount.
    #[serde(default)]
    pub is_change: bool,
}

impl Discrepancy {
    /// "$140.00 stated, $150.00 summed", as the costs page words a phase's mismatch.
    pub fn message(&self) -> String {
        match self.kind {
            DiscrepancyKind::CostTotal => format!("{} stated, {} summed", self.stated, self.found),
            DiscrepancyKind::RiskScore => format!(
                "{} stated, {} from likelihood × impact; not used",
                self.stated, self.found
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecognisedLine {
    /// 1-based line number in the document.
    pub line: usize,
    pub kind: ImportKind,
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum ImportKind {
    /// The service name (first H1).
    Title,
    /// Part of the service description.
    Description,
    /// Team, target go-live or slug.
    Meta,
    Section,
    Item,
    Phase,
    /// A phase's effort, cost impact, dates or goal.
    PhaseDetail,
    /// An entry of a phase's list: assigns a checklist item to the phase.
    PhaseStep,
    CostLine,
    /// A stated total; shown, not stored.
    Total,
    Risk,
    /// A risk's impact, likelihood, mitigation or description.
    RiskDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SkippedLine {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum ImportError {
    #[error("The document is empty: paste or upload a Markdown readiness document.")]
    Empty,
    #[error(
        "This does not look like a text document (it holds binary data or control characters); upload a .md or .txt file."
    )]
    Binary,
    #[error("The document is {bytes} bytes; the limit is 1 MiB ({IMPORT_MAX_BYTES} bytes).")]
    TooLarge { bytes: usize },
    #[error(
        "Nothing in the document was recognised: no headings with items, checkboxes, phases, risks or cost lines."
    )]
    NothingRecognised,
    /// Not expected: the importer cleans everything it builds. Kept so a rule the
    /// importer missed is reported instead of saving an invalid service.
    #[error("The document could not be turned into a valid service: {0}")]
    Unreadable(String),
}

/// The shape of a service that an export and re-import must keep: what the round-trip
/// tests compare.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Structure {
    pub sections: Vec<SectionShape>,
    pub phases: Vec<PhaseShape>,
    pub risks: Vec<RiskShape>,
    pub cost_lines: Vec<CostShape>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionShape {
    pub name: String,
    pub items: Vec<ItemShape>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemShape {
    pub title: String,
    pub status: ItemStatus,
    pub priority: Priority,
    pub phase: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseShape {
    pub name: String,
    pub effort_min_days: Option<i32>,
    pub effort_max_days: Option<i32>,
    pub monthly_cost_change_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskShape {
    pub title: String,
    pub likelihood: i16,
    pub impact: i16,
    pub status: RiskStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostShape {
    pub category: CostCategory,
    pub name: String,
    pub kind: CostKind,
    pub monthly_cents: i64,
    pub phase: Option<String>,
}

/// The structure of a draft. Cost lines are listed baseline first, then additions by
/// phase order, then savings (the order the export writes them), each group in draft
/// order.
pub fn structure(draft: &ServiceDraft) -> Structure {
    let phase_pos = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| draft.phases.iter().position(|p| &p.name == n))
            .unwrap_or(usize::MAX)
    };
    let mut lines: Vec<_> = draft.cost_lines.iter().collect();
    lines.sort_by_key(|l| match l.kind {
        CostKind::Baseline => (0, 0),
        CostKind::Addition => (1, phase_pos(&l.phase)),
        CostKind::Saving => (2, 0),
    });
    Structure {
        sections: draft
            .sections
            .iter()
            .map(|s| SectionShape {
                name: s.name.clone(),
                items: s
                    .items
                    .iter()
                    .map(|i| ItemShape {
                        title: i.title.clone(),
                        status: i.status,
                        priority: i.priority,
                        phase: i.phase.clone(),
                    })
                    .collect(),
            })
            .collect(),
        phases: draft
            .phases
            .iter()
            .map(|p| PhaseShape {
                name: p.name.clone(),
                effort_min_days: p.effort_min_days,
                effort_max_days: p.effort_max_days,
                monthly_cost_change_cents: p.monthly_cost_change_cents,
            })
            .collect(),
        risks: draft
            .risks
            .iter()
            .map(|r| RiskShape {
                title: r.title.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                status: r.status,
            })
            .collect(),
        cost_lines: lines
            .into_iter()
            .map(|l| CostShape {
                category: l.category,
                name: l.name.clone(),
                kind: l.kind,
                monthly_cents: l.monthly_cents,
                phase: l.phase.clone(),
            })
            .collect(),
    }
}
