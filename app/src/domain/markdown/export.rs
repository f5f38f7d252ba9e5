//! Export: a service as a Markdown document in the seeds' style, written so that
//! `import_markdown` reads back the same structure (and, for fields it carries, the
//! same values): item suffixes `— owner: …; due: …; phase: …`, `>` quotes for free
//! text, ISO dates, and a category after each cost line.

use crate::domain::money::{format_cents, format_cents_change};
use crate::draft::{CostLineDraft, ItemDraft, PhaseDraft, RiskDraft, ServiceDraft};
use crate::model::{CostKind, ItemStatus};
use std::fmt::Write;

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Free text as `>` quote lines, indented by `indent`.
fn quote(out: &mut String, indent: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            let _ = writeln!(out, "{indent}>");
        } else {
            let _ = writeln!(out, "{indent}> {line}");
        }
    }
}

fn effort(phase: &PhaseDraft) -> Option<String> {
    let days = |n: i32| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    match (phase.effort_min_days, phase.effort_max_days) {
        (Some(a), Some(b)) if a == b => Some(days(a)),
        (Some(a), Some(b)) => Some(format!("{a}-{b} days")),
        (Some(a), None) => Some(format!("at least {}", days(a))),
        (None, Some(b)) => Some(format!("up to {}", days(b))),
        (None, None) => None,
    }
}

fn item_line(out: &mut String, item: &ItemDraft) {
    let mark = if item.status == ItemStatus::Done {
        'x'
    } else {
        ' '
    };
    let mut fields: Vec<String> = Vec::new();
    if !item.owner.trim().is_empty() {
        fields.push(format!("owner: {}", one_line(&item.owner)));
    }
    if let Some(d) = item.due_date {
        fields.push(format!("due: {d}"));
    }
    if let Some(p) = &item.phase {
        fields.push(format!("phase: {}", one_line(p)));
    }
    if let Some(url) = &item.evidence_url {
        fields.push(format!("evidence: {}", one_line(url)));
    }
    match item.status {
        ItemStatus::InProgress => fields.push("status: in progress".into()),
        ItemStatus::NotApplicable => fields.push(format!(
            "n/a: {}",
            one_line(item.na_reason.as_deref().unwrap_or("not applicable"))
        )),
        _ => {}
    }
    let suffix = if fields.is_empty() {
        String::new()
    } else {
        format!(" — {}", fields.join("; "))
    };
    let _ = writeln!(
        out,
        "- [{mark}] {} ({}){suffix}",
        one_line(&item.title),
        item.priority.label()
    );
    quote(out, "  ", &item.detail);
}

fn risk_block(out: &mut String, risk: &RiskDraft) {
    let _ = writeln!(out, "### {}\n", one_line(&risk.title));
    quote(out, "", &risk.description);
    let _ = writeln!(out, "- **Likelihood**: {}", risk.likelihood);
    let _ = writeln!(out, "- **Impact**: {}", risk.impact);
    let _ = writeln!(out, "- **Status**: {}", risk.status.as_str());
    if !risk.owner.trim().is_empty() {
        let _ = writeln!(out, "- **Owner**: {}", one_line(&risk.owner));
    }
    if let Some(d) = risk.review_date {
        let _ = writeln!(out, "- **Review date**: {d}");
    }
    if !risk.mitigated_by.is_empty() {
        let titles: Vec<String> = risk.mitigated_by.iter().map(|t| one_line(t)).collect();
        let _ = writeln!(out, "- **Mitigated by**: {}", titles.join("; "));
    }
    let mitigation = risk.mitigation.trim();
    if !mitigation.is_empty() {
        let mut lines = mitigation.lines();
        let first = lines.next().unwrap_or("").trim();
        let _ = writeln!(out, "- **Mitigation**: {first}");
        let rest: Vec<&str> = lines.collect();
        quote(out, "  ", &rest.join("\n"));
    }
    out.push('\n');
}

fn cost_line(out: &mut String, line: &CostLineDraft) {
    let _ = write!(
        out,
        "- {}: {}/month ({})",
        one_line(&line.name),
        format_cents(line.monthly_cents),
        line.category.label()
    );
    if let Some(m) = line.start_month {
        let _ = write!(out, ", from {m}");
    }
    out.push('\n');
}

fn sum<'a>(lines: impl Iterator<Item = &'a CostLineDraft>) -> i64 {
    lines.fold(0i64, |acc, l| acc.saturating_add(l.monthly_cents))
}

fn costs(out: &mut String, draft: &ServiceDraft) {
    if draft.cost_lines.is_empty() {
        return;
    }
    out.push_str("## Costs\n\n");
    let of_kind = |k: CostKind| draft.cost_lines.iter().filter(move |l| l.kind == k);
    let baseline = sum(of_kind(CostKind::Baseline));
    if of_kind(CostKind::Baseline).next().is_some() {
        out.push_str("### Current Setup\n\n");
        of_kind(CostKind::Baseline).for_each(|l| cost_line(out, l));
        let _ = writeln!(out, "\n**Total**: {}/month\n", format_cents(baseline));
    }
    let mut running = baseline;
    for phase in &draft.phases {
        let lines: Vec<&CostLineDraft> = of_kind(CostKind::Addition)
            .filter(|l| l.phase.as_deref() == Some(phase.name.as_str()))
            .collect();
        if lines.is_empty() {
            continue;
        }
        let added = sum(lines.iter().copied());
        running = running.saturating_add(added);
        let _ = writeln!(out, "### After {}\n", one_line(&phase.name));
        lines.iter().for_each(|l| cost_line(out, l));
        let _ = writeln!(
            out,
            "\n**Total**: {}/month ({})\n",
            format_cents(running),
            format_cents_change(added)
        );
    }
    let savings = sum(of_kind(CostKind::Saving));
    if of_kind(CostKind::Saving).next().is_some() {
        out.push_str("### Savings\n\n");
        of_kind(CostKind::Saving).for_each(|l| cost_line(out, l));
        out.push('\n');
    }
    let complete = running.saturating_add(savings);
    out.push_str("### Totals\n\n");
    let _ = writeln!(out, "**Monthly now**: {}  ", format_cents(baseline));
    let _ = writeln!(
        out,
        "**Monthly after all phases and savings**: {}  ",
        format_cents(complete)
    );
    let _ = writeln!(
        out,
        "**Annual after all phases and savings**: {}\n",
        format_cents(complete.saturating_mul(12))
    );
}

/// Writes the whole service. Sections, phases, risks and cost lines keep their order
/// (cost lines grouped: baseline, additions by phase, savings).
pub fn export_markdown(draft: &ServiceDraft) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", one_line(&draft.name));
    if !draft.description.trim().is_empty() {
        quote(&mut out, "", &draft.description);
        out.push('\n');
    }
    let _ = writeln!(out, "**Slug**: {}  ", draft.slug);
    if !draft.team.trim().is_empty() {
        let _ = writeln!(out, "**Team**: {}  ", one_line(&draft.team));
    }
    if let Some(d) = draft.target_go_live {
        let _ = writeln!(out, "**Target go-live**: {d}  ");
    }
    out.push('\n');

    if !draft.sections.is_empty() {
        out.push_str("## Checklist\n\n");
        for section in &draft.sections {
            let _ = writeln!(out, "### {}\n", one_line(&section.name));
            section.items.iter().for_each(|i| item_line(&mut out, i));
            out.push('\n');
        }
    }

    if !draft.phases.is_empty() {
        out.push_str("## Implementation Plan\n\n");
        let first_start = draft.phases.iter().filter_map(|p| p.planned_start).min();
        for phase in &draft.phases {
            let weeks = match (first_start, phase.planned_start, phase.planned_end) {
                (Some(base), Some(s), Some(e)) => {
                    let a = (s - base).num_days() / 7 + 1;
                    let b = ((e - base).num_days() / 7 + 1).max(a);
                    if a == b {
                        format!(" (Week {a})")
                    } else {
                        format!(" (Weeks {a}-{b})")
                    }
                }
                _ => String::new(),
            };
            let _ = writeln!(out, "### {}{weeks}\n", one_line(&phase.name));
            if !phase.goal.trim().is_empty() {
                quote(&mut out, "", &phase.goal);
                out.push('\n');
            }
            match (phase.planned_start, phase.planned_end) {
                (Some(s), Some(e)) => {
                    let _ = writeln!(out, "- **Planned**: {s} to {e}");
                }
                (Some(s), None) => {
                    let _ = writeln!(out, "- **Planned start**: {s}");
                }
                (None, Some(e)) => {
                    let _ = writeln!(out, "- **Planned end**: {e}");
                }
                (None, None) => {}
            }
            if let Some(e) = effort(phase) {
                let _ = writeln!(out, "- **Estimated Effort**: {e}");
            }
            if let Some(c) = phase.monthly_cost_change_cents {
                let _ = writeln!(out, "- **Cost Impact**: {}/month", format_cents_change(c));
            }
            let items: Vec<&ItemDraft> = draft
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .filter(|i| i.phase.as_deref() == Some(phase.name.as_str()))
                .collect();
            if !items.is_empty() {
                out.push('\n');
                for (n, item) in items.iter().enumerate() {
                    let _ = writeln!(out, "{}. {}", n + 1, one_line(&item.title));
                }
            }
            out.push('\n');
        }
    }

    if !draft.risks.is_empty() {
        out.push_str("## Risks\n\n");
        draft.risks.iter().for_each(|r| risk_block(&mut out, r));
    }
    costs(&mut out, draft);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
