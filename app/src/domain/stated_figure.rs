//! Stated cost figures: what an imported document says a set of cost lines comes to,
//! kept when it disagrees with what the lines add up to.

use crate::domain::markdown::{DiscrepancyKind, ImportPreview};
use crate::domain::money::{format_cents, format_cents_change};
use crate::model::StatedCostFigure;

/// Longest label kept (the column allows 200 characters).
const LABEL_MAX_CHARS: usize = 120;

/// The preview's cost totals that disagree with their lines, in document order. Risk
/// score disagreements are the preview's alone: the risk keeps likelihood × impact.
/// With no cost lines kept, nothing is left for the figures to describe.
pub fn from_preview(preview: &ImportPreview, cost_lines_kept: usize) -> Vec<StatedCostFigure> {
    if cost_lines_kept == 0 {
        return Vec::new();
    }
    preview
        .discrepancies
        .iter()
        .filter(|d| d.kind == DiscrepancyKind::CostTotal)
        .filter_map(|d| {
            let label = clip(d.subject.trim());
            Some(StatedCostFigure {
                label: if label.is_empty() {
                    "Total".into()
                } else {
                    label
                },
                source_line: i32::try_from(d.line).ok().filter(|l| *l > 0)?,
                stated_cents: d.stated_cents?,
                summed_cents: d.summed_cents?,
                is_change: d.is_change,
            })
        })
        .collect()
}

/// How far apart the stated figure and its lines are, always positive.
pub fn apart_cents(figure: &StatedCostFigure) -> i64 {
    figure
        .stated_cents
        .abs_diff(figure.summed_cents)
        .min(i64::MAX as u64) as i64
}

/// "“Subtotal” (line 42) states $500.00, but the lines it covers add up to $525.60
/// ($25.60 apart)." The label carries its own unit ("/month", "annual").
pub fn describe(figure: &StatedCostFigure) -> String {
    let show = |cents: i64| {
        if figure.is_change {
            format_cents_change(cents)
        } else {
            format_cents(cents)
        }
    };
    format!(
        "“{}” (line {}) states {}, but the lines it covers add up to {} ({} apart).",
        figure.label,
        figure.source_line,
        show(figure.stated_cents),
        show(figure.summed_cents),
        format_cents(apart_cents(figure)),
    )
}

fn clip(label: &str) -> String {
    if label.chars().count() <= LABEL_MAX_CHARS {
        label.to_string()
    } else {
        let mut cut: String = label.chars().take(LABEL_MAX_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::markdown::import_markdown;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    const SECTIONS: &str = "# Ledger\n\n## Cost estimate\n\n### Compute\n\n\
        - **App servers**: 2x c6g.large = $98/month\n\
        - **Workers**: $402/month\n\
        - **Subtotal**: $525.60/month\n\n\
        ## Risks\n\n\
        ### R1: Vendor lock-in\n\n**Likelihood:** 3\n**Impact:** 4\n**Risk Level:** 15 (HIGH)\n";

    #[test]
    fn cost_totals_are_kept_and_risk_scores_are_not() {
        let preview = import_markdown(SECTIONS, today()).unwrap();
        assert_eq!(
            preview.discrepancies.len(),
            2,
            "{:?}",
            preview.discrepancies
        );
        let figures = from_preview(&preview, preview.draft.cost_lines.len());
        assert_eq!(
            figures,
            [StatedCostFigure {
                label: "Subtotal".into(),
                source_line: 9,
                stated_cents: 52_560,
                summed_cents: 50_000,
                is_change: false,
            }]
        );
        assert_eq!(
            describe(&figures[0]),
            "“Subtotal” (line 9) states $525.60, but the lines it covers add up to $500.00 ($25.60 apart)."
        );
    }

    #[test]
    fn nothing_is_kept_when_every_cost_line_was_left_out() {
        let preview = import_markdown(SECTIONS, today()).unwrap();
        assert!(from_preview(&preview, 0).is_empty());
    }

    #[test]
    fn changes_read_as_changes_and_apart_is_positive() {
        let figure = StatedCostFigure {
            label: "Cost".into(),
            source_line: 796,
            stated_cents: 7_000,
            summed_cents: 8_885,
            is_change: true,
        };
        assert_eq!(apart_cents(&figure), 1_885);
        assert_eq!(
            describe(&figure),
            "“Cost” (line 796) states +$70.00, but the lines it covers add up to +$88.85 ($18.85 apart)."
        );
        let extreme = StatedCostFigure {
            stated_cents: i64::MIN,
            summed_cents: i64::MAX,
            ..figure
        };
        assert_eq!(apart_cents(&extreme), i64::MAX);
    }

    #[test]
    fn long_labels_are_clipped() {
        assert_eq!(clip(&"x".repeat(500)).chars().count(), LABEL_MAX_CHARS);
        assert_eq!(clip("Subtotal"), "Subtotal");
    }
}
