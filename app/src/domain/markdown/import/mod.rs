//! Import: a readiness document in, a [`ServiceDraft`] and a line-by-line report out.
//!
//! How the document is read (the rules the preview explains to users). pulldown-cmark
//! decides what is structure (see `lines.rs`): nothing in a code block, an HTML block
//! or comment, YAML front matter or a blockquote is a heading, item or field.
//! - The first `#` heading names the service; prose and `>` quotes under it are the
//!   description; `**Team**:`, `**Target go-live**:` and `**Slug**:` fields set those.
//! - Every other heading opens a block, read according to what it is:
//!   - under a heading about costs ("cost", "pricing", "budget"): amounts are cost
//!     lines and stated figures (`costs.rs`). A heading naming a phase ("After Phase
//!     1") makes them additions of that phase; "Current"/"Baseline" baseline;
//!     "Savings"/"Optimisation" savings; "Total"/"Summary" totals; a heading naming
//!     none of these ("Compute", "Reserved Instances") reads as the nearest one above
//!     it that does. A baseline heading with only a total becomes one baseline line
//!     named after the heading.
//!   - a heading whose body has `Risk:`, `Impact:` or `Likelihood:` fields is a risk
//!     (`records.rs`); "Mitigation"/"Contingency" headings under it add to it. One
//!     with `Action:`/`Implementation:` fields is a checklist item.
//!   - "Phase N …" headings (or the headings directly under an "Implementation Plan"/
//!     "Roadmap"/"Phases" heading) are phases, with weeks from "(Week 1-2)" or
//!     "(Month 2)", `Estimated Effort` and `Cost Impact` fields, and their list.
//!   - headings about risks or limitations hold one risk per list entry.
//!   - any other heading is a checklist section.
//! - Tables are read by their columns (`tables.rs`): checks become items, a money
//!   column cost lines, likelihood and impact columns risks; others are skipped.
//! - Task boxes (`- [ ]`, `1. [x]`) are always items. When a document has them they
//!   are its checklist: other list entries are not items, and the entries listed
//!   under a phase assign the best-matching checklist item to that phase (a step that
//!   matches none is kept in the phase's goal). Without boxes, list entries under
//!   headings are items; headings marked ✅ or saying "Implemented"/"Completed" make
//!   their items done.
//! - Everything else that carries text is listed as skipped, with the reason.

mod costs;
mod entries;
mod fields;
mod finish;
mod records;
mod tables;

use fields::*;

use costs::Stated;

use super::lines::{Line, Shape, Table, classify};
use super::words::*;
use super::{
    Discrepancy, DiscrepancyKind, IMPORT_MAX_BYTES, ImportError, ImportKind, ImportPreview,
    RecognisedLine, SkippedLine,
};
use crate::domain::validate as v;
use crate::draft::{CostLineDraft, ItemDraft, PhaseDraft, RiskDraft};
use crate::model::{CostCategory, CostKind, ItemStatus, Priority, RiskStatus};
use chrono::NaiveDate;
use std::ops::Range;

/// Imports a pasted or uploaded document. Pure: the same text and day give the same
/// preview. `today` is week 1 of the plan and fixes savings' default start month.
pub fn import_markdown(text: &str, today: NaiveDate) -> Result<ImportPreview, ImportError> {
    if text.len() > IMPORT_MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if looks_binary(text) {
        return Err(ImportError::Binary);
    }
    let (repaired, did_repair) = super::mojibake::repair(text);
    let normalised = repaired.replace("\r\n", "\n").replace('\r', "\n");
    // Control characters are not shown and mean nothing to Markdown; kept in a name
    // they could make the export of what was imported look binary.
    let normalised: String = normalised
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let doc = classify(&normalised);
    let mut importer = Importer::new(&doc.lines, &doc.tables, today);
    importer.run();
    importer.finish(did_repair)
}

/// Imports an uploaded file's bytes: UTF-8, or else read byte for byte as Latin-1 so
/// the text stays intact; NUL bytes or mostly non-text bytes are refused.
pub fn import_markdown_bytes(bytes: &[u8], today: NaiveDate) -> Result<ImportPreview, ImportError> {
    if bytes.len() > IMPORT_MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    if bytes.contains(&0) {
        return Err(ImportError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => import_markdown(text, today),
        Err(_) => {
            let high = bytes.iter().filter(|b| **b >= 0x80).count();
            if high * 10 > bytes.len() * 3 {
                return Err(ImportError::Binary);
            }
            let text: String = bytes.iter().map(|b| char::from(*b)).collect();
            import_markdown(&text, today)
        }
    }
}

/// NUL characters, or more than one character in ten being a control character or a
/// replacement character (what invalid bytes become).
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars() {
        if c == '\0' {
            return true;
        }
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || c == '\u{FFFD}' {
            bad += 1;
        }
    }
    bad * 10 > total
}

/// Where an addition's phase comes from before phases are resolved.
#[derive(Debug, Clone, PartialEq)]
enum PhaseRef {
    Index(usize),
    /// A phase by name (an item's `phase:` field) or as a cost heading names it
    /// ("After Phase 1 (Critical)": tried as a name, then by its number).
    Named {
        text: String,
        number: Option<u32>,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum CostMode {
    Baseline,
    Phase(PhaseRef),
    Savings,
    Totals,
}

/// How a block's lines are read.
#[derive(Debug, Clone)]
struct Ctx {
    heading_line: usize,
    section: String,
    section_key: String,
    parent: String,
    done: bool,
    priority: Option<Priority>,
    phase: Option<usize>,
    cost: Option<CostMode>,
    risk_list: Option<(i16, i16)>,
    title: bool,
    /// The category the nearest heading names, for cost lines.
    category: Option<CostCategory>,
}

struct Block {
    /// Index of the heading line, if any (the preamble has none).
    heading: Option<usize>,
    level: usize,
    body: Range<usize>,
    /// Indices of enclosing blocks, outermost first.
    ancestors: Vec<usize>,
}

struct Section {
    name: String,
    parent: String,
    items: Vec<Item>,
}

struct Item {
    draft: ItemDraft,
    phase: Option<PhaseRef>,
    explicit_priority: bool,
    claimed: bool,
}

struct Phase {
    draft: PhaseDraft,
    number: Option<u32>,
    priority: Option<Priority>,
    unmatched: Vec<String>,
    goal: Vec<String>,
}

struct Step {
    phase: usize,
    title: String,
    line: usize,
}

struct RiskAcc {
    draft: RiskDraft,
    explicit_links: bool,
}

struct Cost {
    draft: CostLineDraft,
    phase: Option<PhaseRef>,
}

struct Importer<'a> {
    lines: &'a [Line],
    tables: &'a [Table],
    today: NaiveDate,
    checklist_mode: bool,
    blocks: Vec<Block>,
    current_block: usize,
    produced: Vec<bool>,
    name: Option<String>,
    slug: Option<String>,
    description: Vec<String>,
    team: String,
    go_live: Option<NaiveDate>,
    sections: Vec<Section>,
    /// Index of each section by key: documents may hold thousands.
    section_keys: std::collections::HashMap<String, usize>,
    phases: Vec<Phase>,
    steps: Vec<Step>,
    risks: Vec<RiskAcc>,
    costs: Vec<Cost>,
    recognised: Vec<RecognisedLine>,
    skipped: Vec<SkippedLine>,
    stated: Vec<Stated>,
    /// Per block, the cost lines read while in it (its own body only).
    block_costs: Vec<Range<usize>>,
    /// Where the current subtotal's lines start.
    subtotal_from: usize,
    discrepancies: Vec<Discrepancy>,
    /// The last risk read from a heading, with its block: sub-headings such as
    /// "Mitigation" under it add to it.
    last_risk: Option<(usize, usize)>,
}

fn heading_of(line: &Line) -> (usize, &str) {
    match &line.shape {
        Shape::Heading { level, text } => (*level, text.as_str()),
        _ => (0, ""),
    }
}

impl<'a> Importer<'a> {
    fn new(lines: &'a [Line], tables: &'a [Table], today: NaiveDate) -> Self {
        let checklist_mode = lines
            .iter()
            .any(|l| matches!(l.shape, Shape::Checkbox { .. }));
        let blocks = split_blocks(lines);
        let produced = vec![false; blocks.len()];
        let n_blocks = blocks.len();
        Importer {
            lines,
            tables,
            today,
            checklist_mode,
            blocks,
            current_block: 0,
            produced,
            name: None,
            slug: None,
            description: Vec::new(),
            team: String::new(),
            go_live: None,
            sections: Vec::new(),
            section_keys: Default::default(),
            phases: Vec::new(),
            steps: Vec::new(),
            risks: Vec::new(),
            costs: Vec::new(),
            recognised: Vec::new(),
            skipped: Vec::new(),
            stated: Vec::new(),
            block_costs: vec![0..0; n_blocks],
            subtotal_from: 0,
            discrepancies: Vec::new(),
            last_risk: None,
        }
    }

    fn recognise(&mut self, line: usize, kind: ImportKind, summary: String) {
        if let Some(p) = self.produced.get_mut(self.current_block) {
            *p = true;
        }
        self.recognised.push(RecognisedLine {
            line,
            kind,
            summary,
        });
    }

    fn skip(&mut self, line: &Line, reason: &str) {
        self.skipped.push(SkippedLine {
            line: line.no,
            text: clip(&line.raw, 300),
            reason: reason.to_string(),
        });
    }

    /// Code blocks, HTML and front matter: listed once, at their first line.
    fn skip_hidden(&mut self, line: &Line) {
        let reason = match line.shape {
            Shape::Fence(n) => format!("code block ({n} lines), not imported"),
            Shape::Hidden { what, lines } => format!("{what} ({lines} lines), not imported"),
            _ => return,
        };
        self.skip(line, &reason);
    }

    fn heading_text(&self, block: usize) -> &'a str {
        let lines = self.lines;
        self.blocks[block]
            .heading
            .map_or("", |h| heading_of(&lines[h]).1)
    }

    fn run(&mut self) {
        for bi in 0..self.blocks.len() {
            self.current_block = bi;
            let start = self.costs.len();
            self.subtotal_from = start;
            self.block(bi);
            self.block_costs[bi] = start..self.costs.len();
        }
        // Headings under which nothing (and under whose sub-headings nothing) was
        // recognised are reported, so the preview accounts for every heading.
        let mut produced = self.produced.clone();
        for (bi, block) in self.blocks.iter().enumerate() {
            if self.produced[bi] {
                for a in &block.ancestors {
                    produced[*a] = true;
                }
            }
        }
        let lines = self.lines;
        let silent: Vec<usize> = self
            .blocks
            .iter()
            .zip(&produced)
            .filter(|(_, p)| !**p)
            .filter_map(|(b, _)| b.heading)
            .collect();
        for h in silent {
            self.skip(&lines[h], "heading with nothing importable under it");
        }
    }

    fn block(&mut self, bi: usize) {
        let lines = self.lines;
        let block = &self.blocks[bi];
        let body = block.body.clone();
        let Some(h) = block.heading else {
            let ctx = self.title_ctx(0);
            self.lines_in(body, &ctx);
            return;
        };
        let (level, raw) = heading_of(&lines[h]);
        if level == 1 && self.name.is_none() {
            let name = clip(&clean_heading(raw), v::NAME_MAX);
            if !name.is_empty() {
                self.name = Some(name.clone());
                self.recognise(lines[h].no, ImportKind::Title, format!("service “{name}”"));
            }
            let ctx = self.title_ctx(lines[h].no);
            self.lines_in(body, &ctx);
            return;
        }
        let clean = clean_heading(raw);
        let own = words(&clean);
        let ancestors: Vec<usize> = block.ancestors.clone();
        let parent = ancestors.last().copied();
        let parent_text = parent.map_or(String::new(), |p| clean_heading(self.heading_text(p)));
        let lineage: Vec<String> = ancestors
            .iter()
            .filter(|a| self.blocks[**a].level >= 2)
            .map(|a| self.heading_text(*a).to_string())
            .chain(std::iter::once(raw.to_string()))
            .collect();
        let about_cost = |t: &String| {
            words(t)
                .iter()
                .any(|w| matches!(w.as_str(), "cost" | "costs" | "pricing" | "budget"))
        };
        // A phase named "Scale and cost" is still a phase: only an enclosing cost
        // heading makes a "Phase N" heading a cost block.
        let ancestors_cost = lineage[..lineage.len() - 1].iter().any(about_cost);
        let is_phase = !ancestors_cost && self.is_phase_heading(&clean, level, parent);
        let in_cost = !is_phase && lineage.iter().any(about_cost);
        let done = lineage.iter().any(|t| {
            has_done_mark(t)
                || words(t)
                    .iter()
                    .any(|w| matches!(w.as_str(), "implemented" | "completed" | "done"))
        });
        let priority = lineage.iter().rev().find_map(|t| heading_priority(t));
        let name = clip(&clean, v::NAME_MAX);
        let key = format!("{bi}");
        let mut ctx = Ctx {
            heading_line: lines[h].no,
            section: if name.is_empty() {
                "General".to_string()
            } else {
                name
            },
            section_key: key,
            parent: parent_text.clone(),
            done,
            priority,
            phase: None,
            cost: None,
            risk_list: None,
            title: false,
            category: lineage
                .iter()
                .rev()
                .find_map(|t| costs::heading_category(t)),
        };
        if let Some((rb, ri)) = self.last_risk
            && parent == Some(rb)
            && own.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "mitigation"
                        | "mitigations"
                        | "contingency"
                        | "fallback"
                        | "response"
                        | "description"
                        | "impact"
                        | "details"
                        | "context"
                )
            })
        {
            self.risk_part(bi, ri, &clean);
            return;
        }
        let body_keys = self.field_keys(body.clone());
        let has_key = |ks: &[&str]| body_keys.iter().any(|k| ks.contains(&k.as_str()));

        if in_cost {
            // A heading that names no mode ("Compute", "Reserved Instances") reads as
            // the nearest cost heading above it that does.
            let mode = lineage
                .iter()
                .rev()
                .filter(|t| about_cost(t) || *t == raw)
                .find_map(|t| cost_mode(&clean_heading(t)))
                .or_else(|| {
                    lineage
                        .iter()
                        .rev()
                        .find_map(|t| cost_mode(&clean_heading(t)))
                });
            ctx.cost = Some(mode.unwrap_or(CostMode::Baseline));
        }
        let phase_ref = matches!(ctx.cost, Some(CostMode::Phase(_)));
        if !phase_ref && has_key(&["risk", "impact", "likelihood", "probability", "severity"]) {
            self.risk_record(bi, h, &ctx);
        } else if !in_cost && has_key(&["action", "implementation"]) {
            self.item_record(bi, h, &ctx, parent);
        } else if is_phase {
            self.phase_block(h, &clean, body, ctx);
        } else {
            if !in_cost
                && own.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "risk" | "risks" | "limitation" | "limitations" | "threats"
                    )
                })
            {
                ctx.risk_list = Some(severity(&clean).unwrap_or((3, 3)));
            }
            let before = self.costs.len();
            self.lines_in(body, &ctx);
            if ctx.cost == Some(CostMode::Baseline) {
                self.baseline_from_total(before, &ctx);
            }
        }
    }

    fn title_ctx(&self, line: usize) -> Ctx {
        Ctx {
            heading_line: line,
            section: "General".to_string(),
            section_key: "general".to_string(),
            parent: String::new(),
            done: false,
            priority: None,
            phase: None,
            cost: None,
            risk_list: None,
            title: true,
            category: None,
        }
    }

    fn is_phase_heading(&self, clean: &str, level: usize, parent: Option<usize>) -> bool {
        let w = words(clean);
        let parent_text = parent.map_or(String::new(), |p| self.heading_text(p).to_lowercase());
        if parent_text.contains("checklist") {
            return false;
        }
        let numbered = w.first().is_some_and(|f| f == "phase")
            && w.get(1).is_some_and(|n| n.parse::<u32>().is_ok());
        let under_plan = parent.is_some_and(|p| {
            let pb = &self.blocks[p];
            let pw = words(&parent_text);
            pb.level >= 2
                && level == pb.level + 1
                && (parent_text.contains("implementation plan")
                    || pw.iter().any(|x| {
                        matches!(x.as_str(), "roadmap" | "phases" | "plan" | "milestones")
                    }))
        });
        numbered || under_plan
    }

    /// Lowercase keys of the `**Key**:` fields in a block body.
    fn field_keys(&self, body: Range<usize>) -> Vec<String> {
        self.lines[body]
            .iter()
            .filter(|l| {
                !matches!(
                    l.shape,
                    Shape::Code
                        | Shape::Fence(_)
                        | Shape::Hidden { .. }
                        | Shape::Table
                        | Shape::TableStart(_)
                        | Shape::Checkbox { .. }
                        | Shape::Heading { .. }
                        | Shape::Quote { .. }
                )
            })
            .filter_map(|l| field(l.text()).map(|f| f.0.to_lowercase()))
            .collect()
    }

    fn ensure_section(&mut self, ctx: &Ctx) -> usize {
        if let Some(i) = self.section_keys.get(&ctx.section_key) {
            return *i;
        }
        let name = clip(&ctx.section, v::NAME_MAX);
        let name = if name.is_empty() {
            "General".to_string()
        } else {
            name
        };
        self.section_keys
            .insert(ctx.section_key.clone(), self.sections.len());
        self.sections.push(Section {
            name: name.clone(),
            parent: ctx.parent.clone(),
            items: Vec::new(),
        });
        self.recognise(
            ctx.heading_line,
            ImportKind::Section,
            format!("section “{name}”"),
        );
        self.sections.len() - 1
    }

    fn add_phase(&mut self, name: &str, number: Option<u32>) -> usize {
        let base = clip(name, v::NAME_MAX - 4);
        let base = if base.is_empty() {
            "Phase".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.phases.iter().any(|p| p.draft.name == name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        self.phases.push(Phase {
            draft: PhaseDraft {
                name,
                goal: String::new(),
                planned_start: None,
                planned_end: None,
                effort_min_days: None,
                effort_max_days: None,
                monthly_cost_change_cents: None,
            },
            number,
            priority: None,
            unmatched: Vec::new(),
            goal: Vec::new(),
        });
        self.phases.len() - 1
    }

    fn phase_block(&mut self, h: usize, clean: &str, body: Range<usize>, mut ctx: Ctx) {
        let lines = self.lines;
        let (name, weeks) = split_weeks(clean);
        let number = phase_number(&name);
        let pi = self.add_phase(&name, number);
        let priority = heading_priority(clean);
        self.phases[pi].priority = priority;
        let mut summary = format!("phase “{}”", self.phases[pi].draft.name);
        if let Some(w) = weeks
            && let Some((start, end)) = week_dates(self.today, w)
        {
            self.phases[pi].draft.planned_start = Some(start);
            self.phases[pi].draft.planned_end = Some(end);
            summary.push_str(&format!(", weeks {}–{} ({start} to {end})", w.0, w.1));
        }
        self.recognise(lines[h].no, ImportKind::Phase, summary);
        ctx.section = self.phases[pi].draft.name.clone();
        ctx.phase = Some(pi);
        ctx.priority = priority.or(ctx.priority);
        self.lines_in(body, &ctx);
    }

    /// "Current Setup" with only "**Monthly**: $308.83" under it: the stated total is
    /// the baseline, kept as one line so the projection starts from it.
    fn baseline_from_total(&mut self, before: usize, ctx: &Ctx) {
        let added_baseline = self.costs[before..]
            .iter()
            .any(|c| c.draft.kind == CostKind::Baseline);
        if added_baseline {
            return;
        }
        let lines = self.lines;
        let body = self.blocks[self.current_block].body.clone();
        for line in &lines[body] {
            if let Some(m) = money_line(line.text())
                && is_total_label(&m.label)
                && !words(&m.label)
                    .iter()
                    .any(|w| matches!(w.as_str(), "annual" | "annually" | "yearly" | "year"))
                && m.cents >= 0
            {
                let name = clip(&ctx.section, v::TITLE_MAX);
                self.costs.push(Cost {
                    draft: CostLineDraft {
                        category: CostCategory::Other,
                        name: name.clone(),
                        kind: CostKind::Baseline,
                        monthly_cents: m.cents,
                        phase: None,
                        start_month: None,
                    },
                    phase: None,
                });
                // The figure is now the line, so it is not checked against itself.
                if let Some(pos) = self.stated.iter().rposition(|s| s.line == line.no) {
                    self.stated.remove(pos);
                }
                if let Some(r) = self
                    .recognised
                    .iter_mut()
                    .rev()
                    .find(|r| r.line == line.no && r.kind == ImportKind::Total)
                {
                    r.kind = ImportKind::CostLine;
                    r.summary = format!(
                        "baseline “{name}” {}/month (the stated current total)",
                        crate::domain::money::format_cents(m.cents)
                    );
                }
                return;
            }
        }
    }
}

fn split_blocks(lines: &[Line]) -> Vec<Block> {
    let mut blocks = vec![Block {
        heading: None,
        level: 0,
        body: 0..0,
        ancestors: Vec::new(),
    }];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Shape::Heading { level, .. } = line.shape {
            if let Some(last) = blocks.last_mut() {
                last.body.end = i;
            }
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            let ancestors = stack.iter().map(|(_, b)| *b).collect();
            blocks.push(Block {
                heading: Some(i),
                level,
                body: i + 1..i + 1,
                ancestors,
            });
            stack.push((level, blocks.len() - 1));
        }
    }
    if let Some(last) = blocks.last_mut() {
        last.body.end = lines.len();
    }
    blocks
}

fn cost_mode(clean: &str) -> Option<CostMode> {
    let w = words(clean);
    let lower = clean.to_lowercase();
    if clean
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("after "))
    {
        let text = clean[6..].trim().to_string();
        return Some(CostMode::Phase(PhaseRef::Named {
            number: phase_number(&text),
            text,
        }));
    }
    if let Some(pos) = w.iter().position(|x| x == "phase")
        && let Some(n) = w.get(pos + 1).and_then(|n| n.parse::<u32>().ok())
    {
        return Some(CostMode::Phase(PhaseRef::Named {
            text: format!("Phase {n}"),
            number: Some(n),
        }));
    }
    let has = |ks: &[&str]| w.iter().any(|x| ks.contains(&x.as_str()));
    if has(&["current", "baseline", "today", "existing"]) {
        Some(CostMode::Baseline)
    } else if lower.contains("saving") || lower.contains("optimi") {
        Some(CostMode::Savings)
    } else if has(&["total", "totals", "summary", "projection"]) {
        Some(CostMode::Totals)
    } else {
        None
    }
}

/// "Phase 3: Medium Priority" → 3.
fn phase_number(text: &str) -> Option<u32> {
    let w = words(text);
    (w.first()? == "phase")
        .then(|| w.get(1)?.parse().ok())
        .flatten()
}

/// Removes a "(Week 1-2)"-style parenthetical from a phase heading, returning the name
/// and the weeks it gave.
fn split_weeks(clean: &str) -> (String, Option<(i64, i64)>) {
    if let Some(open) = clean.rfind('(')
        && let Some(close) = clean[open..].find(')')
    {
        let inner = &clean[open + 1..open + close];
        if let Some(w) = week_range(inner) {
            let name = format!("{}{}", &clean[..open], &clean[open + close + 1..]);
            return (
                name.trim()
                    .trim_end_matches([':', '-', '–'])
                    .trim()
                    .to_string(),
                Some(w),
            );
        }
    }
    (
        clean.to_string(),
        week_range(clean).filter(|_| clean.to_lowercase().contains("week")),
    )
}
