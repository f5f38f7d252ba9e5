//! Amounts under cost headings: lines, savings and stated figures.
//!
//! - `Name: $12.50`, `**Name**: 2x c6g.large = $98/month` and `**Secrets**: Free` are
//!   lines. Their category is a `(Category)` written after the amount, else the
//!   nearest heading naming one of Preflight's categories ("Database (RDS)"), else a
//!   guess from the name.
//! - Subtotals, totals, "Monthly"/"Annual" figures and "Optimized/Target monthly cost"
//!   are *stated figures*: shown, not stored, and checked against the sum of the lines
//!   they cover (see [`Importer::check_stated`]).
//! - A saving whose label only says "Savings" takes its name from its strategy
//!   heading ("Reserved Instances").

use super::*;
use crate::domain::money::{format_cents, format_cents_change};
use crate::draft::first_of_month;
use crate::model::CostKind;
use chrono::Months;

/// What a stated figure is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Covers {
    /// The lines of its section since the last subtotal ("Subtotal").
    Section,
    /// The baseline lines ("Monthly now", "Current total").
    Baseline,
    /// Every line so far, savings left out ("Total Estimated Monthly Cost").
    Running,
    /// Every line so far with the savings ("Optimized Monthly Cost").
    Net,
    /// The savings so far ("Total Savings").
    Savings,
    /// The additions so far: a figure written as a change ("Cost: +$70/month").
    Additions,
}

#[derive(Debug, Clone)]
pub(super) struct Stated {
    pub line: usize,
    pub label: String,
    pub cents: i64,
    pub covers: Covers,
    pub annual: bool,
    pub approx: bool,
    pub block: usize,
    /// Cost lines read when the figure was: a subtotal covers the ones before it.
    pub at: usize,
    pub since: usize,
}

/// The category a heading names, if it names one ("Database (RDS)" → Database).
pub(super) fn heading_category(text: &str) -> Option<CostCategory> {
    words(text).iter().find_map(|w| match w.as_str() {
        "compute" | "computing" => Some(CostCategory::Compute),
        "database" | "databases" => Some(CostCategory::Database),
        "networking" | "network" => Some(CostCategory::Networking),
        "monitoring" | "logging" | "observability" => Some(CostCategory::MonitoringLogging),
        "storage" | "backup" | "backups" => Some(CostCategory::StorageBackup),
        "security" | "compliance" => Some(CostCategory::SecurityCompliance),
        _ => None,
    })
}

/// "Savings", "Estimated monthly savings": a label that names no strategy.
fn generic_saving(label: &str) -> bool {
    let w = words(label);
    !w.is_empty()
        && w.iter().all(|x| {
            matches!(
                x.as_str(),
                "saving"
                    | "savings"
                    | "estimated"
                    | "potential"
                    | "expected"
                    | "projected"
                    | "monthly"
                    | "month"
                    | "per"
                    | "cost"
                    | "reduction"
                    | "approx"
            )
        })
}

/// A heading that only says "Cost Optimization": it names no strategy either.
fn generic_cost_heading(text: &str) -> bool {
    words(text).iter().all(|x| {
        matches!(
            x.as_str(),
            "cost"
                | "costs"
                | "saving"
                | "savings"
                | "optimization"
                | "optimisation"
                | "optimizations"
                | "optimisations"
                | "strategies"
                | "strategy"
                | "opportunities"
                | "estimated"
                | "monthly"
                | "potential"
                | "summary"
                | "and"
                | "recommendations"
        )
    })
}

fn covers(label: &str) -> Covers {
    let w = words(label);
    let has = |ks: &[&str]| w.iter().any(|x| ks.contains(&x.as_str()));
    if has(&["now", "current", "today", "baseline", "existing"]) {
        Covers::Baseline
    } else if has(&["optimized", "optimised", "target", "projected", "net"])
        || (has(&["after"]) && has(&["saving", "savings", "optimization", "optimisation"]))
    {
        Covers::Net
    } else if has(&["subtotal", "sub"]) {
        Covers::Section
    } else if has(&["saving", "savings"]) {
        Covers::Savings
    } else {
        Covers::Running
    }
}

/// Running sums of the cost lines by kind: a document with thousands of totals is
/// checked in linear time.
struct Prefix {
    /// Per kind (baseline, addition, saving): sums and counts of the lines before
    /// each index. `i128` so a difference of two sums is exact.
    sums: [Vec<i128>; 3],
    counts: [Vec<usize>; 3],
}

fn kind_index(kind: CostKind) -> usize {
    match kind {
        CostKind::Baseline => 0,
        CostKind::Addition => 1,
        CostKind::Saving => 2,
    }
}

impl Prefix {
    fn new(costs: &[Cost]) -> Prefix {
        let mut sums: [Vec<i128>; 3] = Default::default();
        let mut counts: [Vec<usize>; 3] = Default::default();
        for k in 0..3 {
            sums[k].push(0);
            counts[k].push(0);
        }
        for c in costs {
            let at = kind_index(c.draft.kind);
            for k in 0..3 {
                let (s, n) = (sums[k][sums[k].len() - 1], counts[k][counts[k].len() - 1]);
                if k == at {
                    sums[k].push(s + i128::from(c.draft.monthly_cents));
                    counts[k].push(n + 1);
                } else {
                    sums[k].push(s);
                    counts[k].push(n);
                }
            }
        }
        Prefix { sums, counts }
    }

    /// The sum of the lines of these kinds in `range`; `None` when it holds none.
    fn sum(&self, range: Range<usize>, kinds: &[CostKind]) -> Option<i64> {
        let len = self.counts[0].len();
        let (a, b) = (range.start.min(len - 1), range.end.min(len - 1));
        if a >= b {
            return None;
        }
        let mut total: i128 = 0;
        let mut lines = 0;
        for kind in kinds {
            let k = kind_index(*kind);
            total += self.sums[k][b] - self.sums[k][a];
            lines += self.counts[k][b] - self.counts[k][a];
        }
        (lines > 0).then(|| total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }
}

impl Importer<'_> {
    pub(super) fn money(&mut self, line: &Line, m: Money, ctx: &Ctx) {
        let lw = words(&m.label);
        let is_total = is_total_label(&m.label);
        let is_impact = lw.iter().any(|w| w == "impact")
            || (lw.iter().any(|w| w == "change") && lw.iter().any(|w| w == "cost"));
        let is_saving = m.label.to_lowercase().contains("saving");
        if let Some(pi) = ctx.phase {
            if is_impact || is_total {
                self.phases[pi].draft.monthly_cost_change_cents = Some(m.cents);
                let summary = format!("monthly cost change {}", format_cents_change(m.cents));
                self.recognise(line.no, ImportKind::PhaseDetail, summary);
            } else {
                self.cost_line(line, &m, CostKind::Addition, Some(PhaseRef::Index(pi)), ctx);
            }
            return;
        }
        match &ctx.cost {
            Some(CostMode::Totals) => self.total(line, &m),
            Some(CostMode::Phase(r)) => {
                if is_total || is_impact {
                    self.total(line, &m)
                } else {
                    self.cost_line(line, &m, CostKind::Addition, Some(r.clone()), ctx)
                }
            }
            Some(CostMode::Savings) if !is_total => {
                let context = lw.iter().any(|w| {
                    matches!(
                        w.as_str(),
                        "current" | "before" | "existing" | "original" | "after" | "new"
                    )
                });
                if context && !is_saving {
                    self.skip(line, "cost before or after the saving; not a line");
                } else {
                    self.cost_line(line, &m, CostKind::Saving, None, ctx)
                }
            }
            _ if is_total || is_impact => self.total(line, &m),
            _ if is_saving || m.cents < 0 => self.cost_line(line, &m, CostKind::Saving, None, ctx),
            _ => self.cost_line(line, &m, CostKind::Baseline, None, ctx),
        }
    }

    fn total(&mut self, line: &Line, m: &Money) {
        let summary = format!(
            "total “{}” {} (shown, not stored)",
            m.label,
            format_cents(m.cents)
        );
        let lw = words(&m.label);
        let annual = lw
            .iter()
            .any(|w| matches!(w.as_str(), "annual" | "annually" | "yearly" | "year"));
        let covers = if m.change {
            Covers::Additions
        } else {
            covers(&m.label)
        };
        let at = self.costs.len();
        self.stated.push(Stated {
            line: line.no,
            label: m.label.clone(),
            cents: m.cents,
            covers,
            annual,
            approx: m.approx,
            block: self.current_block,
            at,
            since: self.subtotal_from,
        });
        if covers == Covers::Section {
            self.subtotal_from = at;
        }
        self.recognise(line.no, ImportKind::Total, summary);
    }

    fn cost_line(
        &mut self,
        line: &Line,
        m: &Money,
        kind: CostKind,
        phase: Option<PhaseRef>,
        ctx: &Ctx,
    ) {
        let label = if kind == CostKind::Saving
            && generic_saving(&m.label)
            && !ctx.title
            && !generic_cost_heading(&ctx.section)
        {
            ctx.section.clone()
        } else {
            m.label.clone()
        };
        let category = m
            .rest
            .split(['(', ')'])
            .find_map(category_label)
            .or(ctx.category)
            .unwrap_or_else(|| guess_category(&label));
        let (cents, start_month) = match kind {
            CostKind::Saving => {
                let start = iso_dates(&m.rest)
                    .first()
                    .map(|d| first_of_month(*d))
                    .or_else(|| first_of_month(self.today).checked_add_months(Months::new(1)))
                    .unwrap_or(first_of_month(self.today));
                (
                    m.cents.checked_abs().map_or(i64::MIN + 1, |c| -c),
                    Some(start),
                )
            }
            _ => (m.cents, None),
        };
        let name = clip(&label, v::TITLE_MAX);
        let mut summary = format!(
            "{} · {} · “{name}” {}/month",
            kind.label(),
            category.label(),
            format_cents(cents)
        );
        if let Some(s) = start_month {
            summary.push_str(&format!(" from {s}"));
        }
        self.costs.push(Cost {
            draft: CostLineDraft {
                category,
                name,
                kind,
                monthly_cents: cents,
                phase: None,
                start_month,
            },
            phase,
        });
        self.recognise(line.no, ImportKind::CostLine, summary);
    }

    /// Each stated figure against the lines it covers. It agrees when it equals one
    /// reading of them (its section, the baseline, everything so far with or without
    /// the savings; times 12 when annual), within rounding: a figure in whole dollars
    /// may be off by less than $1, one marked "~"/"approx." by up to 5%. Otherwise the
    /// disagreement is reported against the reading its label names. A figure with
    /// no lines to compare is only shown.
    pub(super) fn check_stated(&mut self) {
        let stated = std::mem::take(&mut self.stated);
        let prefix = Prefix::new(&self.costs);
        let totals: std::collections::HashMap<usize, usize> = self
            .recognised
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == ImportKind::Total)
            .map(|(i, r)| (r.line, i))
            .collect();
        for s in &stated {
            let own = self.block_costs.get(s.block).cloned().unwrap_or(0..0);
            let section = if s.at > s.since {
                s.since..s.at
            } else {
                own.clone()
            };
            let sum = |range: Range<usize>, kinds: &[CostKind]| prefix.sum(range, kinds);
            let gross = [CostKind::Baseline, CostKind::Addition];
            let saving = [CostKind::Saving];
            let any = [CostKind::Baseline, CostKind::Addition, CostKind::Saving];
            let baseline = [CostKind::Baseline];
            let additions = [CostKind::Addition];
            let so_far = 0..own.end;
            let readings: Vec<Option<i64>> = match s.covers {
                Covers::Section => vec![
                    sum(section.clone(), &gross),
                    sum(so_far.clone(), &gross),
                    sum(so_far.clone(), &any),
                ],
                Covers::Baseline => {
                    vec![sum(so_far.clone(), &baseline), sum(so_far.clone(), &gross)]
                }
                Covers::Running => vec![
                    sum(so_far.clone(), &gross),
                    sum(so_far.clone(), &any),
                    sum(section.clone(), &gross),
                ],
                Covers::Net => vec![sum(so_far.clone(), &any), sum(so_far.clone(), &gross)],
                Covers::Additions => vec![sum(so_far.clone(), &additions)],
                Covers::Savings => vec![
                    sum(section.clone(), &saving).map(i64::saturating_abs),
                    sum(so_far.clone(), &saving).map(i64::saturating_abs),
                ],
            };
            let factor = if s.annual { 12 } else { 1 };
            let readings: Vec<i64> = readings
                .into_iter()
                .flatten()
                .map(|r| r.saturating_mul(factor))
                .collect();
            let Some(&preferred) = readings.first() else {
                continue;
            };
            let stated_cents = if s.covers == Covers::Savings {
                s.cents.saturating_abs()
            } else {
                s.cents
            };
            let tolerance = if s.approx {
                (stated_cents.saturating_abs() / 20).max(100)
            } else if stated_cents % 100 == 0 {
                99
            } else {
                0
            };
            let agrees = readings
                .iter()
                .any(|r| r.abs_diff(stated_cents) <= tolerance.unsigned_abs());
            let note = if agrees {
                " — agrees with the lines it covers".to_string()
            } else {
                let show = |c: i64| {
                    if s.covers == Covers::Additions {
                        format_cents_change(c)
                    } else {
                        format_cents(c)
                    }
                };
                let d = Discrepancy {
                    line: s.line,
                    kind: DiscrepancyKind::CostTotal,
                    subject: s.label.clone(),
                    stated: show(stated_cents),
                    found: show(preferred),
                    stated_cents: Some(stated_cents),
                    summed_cents: Some(preferred),
                    is_change: s.covers == Covers::Additions,
                };
                let note = format!(" — {}", d.message());
                self.discrepancies.push(d);
                note
            };
            if let Some(r) = totals
                .get(&s.line)
                .and_then(|i| self.recognised.get_mut(*i))
            {
                r.summary.push_str(&note);
            }
        }
    }
}
