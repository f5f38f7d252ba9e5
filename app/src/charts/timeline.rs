//! Roadmap timeline (Gantt): one row per phase, in the given order.
//!
//! - A scheduled phase is a bar from its planned start day to its planned end day
//!   (both inclusive). The pale bar is the plan; the strong part from the left is
//!   the progress (0–100 %; a complete phase is full).
//! - Colour says the state ([`phase_state`], the roadmap's rule): green complete,
//!   red late (planned end before today and not complete), blue on track, grey
//!   without a planned end. The percentage at the right of the row has the same
//!   colour ("Done" when complete), and the legend names the colours.
//! - A phase with only one of its dates is a one-day bar on that day; one with
//!   neither is listed with "Unscheduled" instead of a bar.
//! - A dashed vertical line marks today (drawn through the middle of the day, so a
//!   phase ending today reaches it and one that ended yesterday stops short).
//! - The date axis spans every phase and today, with a little room either side.
//!
//! With no phases the chart is a small "No phases yet" SVG of the requested size.
//! Rows share the height; [`TimelineChart::suggested_height`] gives one that
//! leaves each row about 32 pixels.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::element::{PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::draw::{LEGEND_ROW, LegendItem, Swatch, dashed_line, draw_legend, legend_height};
use super::scale::{date_ticks, day_number, long_date};
use super::theme::{
    self, ACCENT, ACCENT_PALE, FONT_BODY, FONT_SMALL, GREEN, GREEN_PALE, GRID, MUTED, RED,
    RED_PALE, SURFACE, TEXT, text_width,
};
use super::{DrawResult, draw_message, local, plot_area, render};

/// One phase of the roadmap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimelinePhase {
    pub name: String,
    /// Planned start and end days, both inclusive.
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Percent done, 0–100 (larger values count as 100).
    pub progress: u32,
    pub complete: bool,
}

/// Input of [`timeline_chart`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineChart {
    /// Pixels; see [`TimelineChart::suggested_height`].
    pub width: u32,
    pub height: u32,
    pub phases: Vec<TimelinePhase>,
    pub today: NaiveDate,
}

impl TimelineChart {
    /// A height that gives each of `phases` rows about 32 pixels.
    pub fn suggested_height(phases: usize) -> u32 {
        let rows = u32::try_from(phases.max(1)).unwrap_or(u32::MAX);
        rows.saturating_mul(32)
            .saturating_add((2 * PAD + AXIS + 8 + LEGEND_ROW) as u32)
    }
}

/// Where a phase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseState {
    Complete,
    /// Planned end before today and not complete.
    Late,
    OnTrack,
    /// Not complete and no planned end.
    Unscheduled,
}

impl PhaseState {
    pub fn label(self) -> &'static str {
        match self {
            PhaseState::Complete => "Complete",
            PhaseState::Late => "Late",
            PhaseState::OnTrack => "On track",
            PhaseState::Unscheduled => "Unscheduled",
        }
    }

    fn strong(self) -> RGBColor {
        match self {
            PhaseState::Complete => GREEN,
            PhaseState::Late => RED,
            PhaseState::OnTrack => ACCENT,
            PhaseState::Unscheduled => MUTED,
        }
    }

    fn pale(self) -> RGBColor {
        match self {
            PhaseState::Complete => GREEN_PALE,
            PhaseState::Late => RED_PALE,
            PhaseState::OnTrack => ACCENT_PALE,
            PhaseState::Unscheduled => GRID,
        }
    }
}

/// Complete; else late when the planned end is before `today`; else on track with
/// a planned end, unscheduled without one.
pub fn phase_state(phase: &TimelinePhase, today: NaiveDate) -> PhaseState {
    match phase.end {
        _ if phase.complete => PhaseState::Complete,
        None => PhaseState::Unscheduled,
        Some(end) if end < today => PhaseState::Late,
        Some(_) => PhaseState::OnTrack,
    }
}

/// The accessible name of the chart.
pub const LABEL: &str = "Roadmap timeline";

const PAD: i32 = 12;
/// Height of the date labels above the rows.
const AXIS: i32 = 20;
/// Width of the percentage column.
const PERCENT: i32 = 44;

/// The planned days of a phase as day numbers `[first, last + 1)`, if it has any.
fn span(phase: &TimelinePhase) -> Option<(i64, i64)> {
    let (a, b) = match (phase.start, phase.end) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        (Some(a), None) | (None, Some(a)) => (a, a),
        (None, None) => return None,
    };
    Some((day_number(a), day_number(b) + 1))
}

fn percent(phase: &TimelinePhase) -> u32 {
    if phase.complete {
        100
    } else {
        phase.progress.min(100)
    }
}

/// The chart as an SVG document (see the [module docs](self)).
pub fn timeline_chart(chart: &TimelineChart) -> String {
    render(chart.width, chart.height, LABEL, &describe(chart), |area| {
        draw_timeline(area, chart)
    })
}

fn legend() -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = [PhaseState::Complete, PhaseState::Late, PhaseState::OnTrack]
        .into_iter()
        .map(|s| LegendItem {
            swatch: Swatch::Fill(s.strong()),
            label: s.label().to_string(),
        })
        .collect();
    items.push(LegendItem {
        swatch: Swatch::Dashed(TEXT),
        label: "Today".to_string(),
    });
    items
}

/// Draws the chart on `area` (see the [module docs](self)).
pub fn draw_timeline<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &TimelineChart,
) -> DrawResult<DB::ErrorType> {
    area.fill(&SURFACE)?;
    if chart.phases.is_empty() {
        return draw_message(area, "No phases yet");
    }
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let n = chart.phases.len();

    // Layout: names | bars | percentages; dates above, legend below.
    let legend = legend();
    let legend_h = legend_height(&legend, w - 2 * PAD);
    let top = PAD + AXIS;
    let bottom = (h - PAD - legend_h - 8).max(top + 1);
    let row_h = f64::from(bottom - top) / n as f64;
    let name_px = if row_h >= 18.0 { FONT_BODY } else { FONT_SMALL };
    let widest = chart
        .phases
        .iter()
        .map(|p| text_width(&p.name, name_px))
        .max()
        .unwrap_or(0);
    let name_w = (widest + 12).clamp(60, (w / 3).max(60));
    let left = PAD + name_w;
    let right = PERCENT + PAD;

    // Days shown: every phase and today, padded by a twentieth either side.
    let today = day_number(chart.today);
    let (mut lo, mut hi) = chart
        .phases
        .iter()
        .filter_map(span)
        .fold((today, today + 1), |(lo, hi), (a, b)| {
            (lo.min(a), hi.max(b))
        });
    let pad = ((hi - lo) / 20).max(1);
    lo -= pad;
    hi += pad;

    let plot = plot_area(
        area,
        (top, h - bottom, left, right),
        lo as f64..hi as f64,
        0.0..n as f64,
    );
    let px = |x: f64, y: f64| local(area, plot.map_coordinate(&(x, y)));

    // Date grid and labels.
    let first = NaiveDate::from_num_days_from_ce_opt(lo as i32).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_num_days_from_ce_opt(hi as i32).unwrap_or(NaiveDate::MAX);
    for (day, label) in date_ticks(first, last, w - left - right, FONT_SMALL) {
        let x = day as f64;
        plot.draw(&PathElement::new(vec![(x, 0.0), (x, n as f64)], GRID))?;
        let (tx, _) = px(x, n as f64);
        area.draw(&Text::new(
            label,
            (tx, top - 6),
            theme::text(FONT_SMALL, MUTED, HPos::Center, VPos::Bottom),
        ))?;
    }

    // Rows, top to bottom: row i spans y ∈ [n − i − 1, n − i].
    for (i, phase) in chart.phases.iter().enumerate() {
        let state = phase_state(phase, chart.today);
        let mid = n as f64 - i as f64 - 0.5;
        let (_, row_y) = px(lo as f64, mid);
        if i > 0 {
            let (_, sep) = px(lo as f64, mid + 0.5);
            area.draw(&PathElement::new(vec![(PAD, sep), (w - PAD, sep)], GRID))?;
        }
        area.draw(&Text::new(
            theme::fit_text(&phase.name, name_px, name_w - 8),
            (PAD, row_y),
            theme::text(name_px, TEXT, HPos::Left, VPos::Center),
        ))?;
        let pct = percent(phase);
        let (status, color) = match state {
            PhaseState::Complete => ("Done".to_string(), GREEN),
            _ => (format!("{pct}%"), state.strong()),
        };
        area.draw(&Text::new(
            status,
            (w - PAD, row_y),
            theme::text(FONT_SMALL, color, HPos::Right, VPos::Center),
        ))?;

        match span(phase) {
            Some((a, b)) => {
                let (a, b) = (a as f64, b as f64);
                let (y0, y1) = (mid - 0.28, mid + 0.28);
                plot.draw(&Rectangle::new([(a, y0), (b, y1)], state.pale().filled()))?;
                if pct > 0 {
                    let done = a + (b - a) * f64::from(pct) / 100.0;
                    plot.draw(&Rectangle::new(
                        [(a, y0), (done, y1)],
                        state.strong().filled(),
                    ))?;
                }
                plot.draw(&Rectangle::new([(a, y0), (b, y1)], state.strong()))?;
            }
            None => {
                area.draw(&Text::new(
                    "Unscheduled",
                    (left + 4, row_y),
                    theme::text(FONT_SMALL, MUTED, HPos::Left, VPos::Center),
                ))?;
            }
        }
    }

    // Today.
    let (tx, _) = px(today as f64 + 0.5, 0.0);
    dashed_line(
        area,
        (tx, top - 2),
        (tx, bottom),
        (4, 3),
        TEXT.stroke_width(1),
    )?;

    draw_legend(area, &legend, (PAD, bottom + 8), w - 2 * PAD)
}

/// The chart's content in words, for `<desc>`.
fn describe(chart: &TimelineChart) -> String {
    if chart.phases.is_empty() {
        return "No phases yet.".to_string();
    }
    let mut out = format!(
        "{} {}; today is {}.",
        chart.phases.len(),
        if chart.phases.len() == 1 {
            "phase"
        } else {
            "phases"
        },
        long_date(chart.today)
    );
    for phase in &chart.phases {
        let state = phase_state(phase, chart.today);
        let dates = match (phase.start, phase.end) {
            (Some(a), Some(b)) => format!("{} to {}", long_date(a.min(b)), long_date(a.max(b))),
            (Some(a), None) => format!("from {}", long_date(a)),
            (None, Some(b)) => format!("until {}", long_date(b)),
            (None, None) => "no dates".to_string(),
        };
        out.push_str(&format!(
            " {}: {dates}, {}% done, {}.",
            phase.name,
            percent(phase),
            state.label().to_lowercase()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixtures;
    use crate::charts::testing::{assert_snapshot, rects, texts};

    #[test]
    fn timeline_snapshot() {
        assert_snapshot("timeline", &timeline_chart(&fixtures::timeline()));
    }

    #[test]
    fn timeline_is_deterministic() {
        let chart = fixtures::timeline();
        assert_eq!(timeline_chart(&chart), timeline_chart(&chart));
    }

    #[test]
    fn states_follow_the_roadmap_rule() {
        let chart = fixtures::timeline();
        let states: Vec<PhaseState> = chart
            .phases
            .iter()
            .map(|p| phase_state(p, chart.today))
            .collect();
        assert_eq!(
            states,
            [
                PhaseState::Complete,
                PhaseState::Late,
                PhaseState::OnTrack,
                PhaseState::Unscheduled
            ]
        );
        let ends_today = TimelinePhase {
            end: Some(chart.today),
            ..Default::default()
        };
        assert_eq!(phase_state(&ends_today, chart.today), PhaseState::OnTrack);
    }

    #[test]
    fn bars_progress_and_labels_are_drawn() {
        let chart = fixtures::timeline();
        let svg = timeline_chart(&chart);
        let text: Vec<String> = texts(&svg).into_iter().map(|t| t.text).collect();
        for phase in &chart.phases {
            assert!(text.contains(&phase.name), "{}", phase.name);
        }
        assert!(text.contains(&"Done".to_string()));
        assert!(text.contains(&"40%".to_string()));
        assert!(text.contains(&"Unscheduled".to_string()));
        // Late: pale red plan with a strong red part 40% of its width.
        let all = rects(&svg);
        let plan = all
            .iter()
            .find(|r| r.fill == "#F6D6D6")
            .expect("late plan bar");
        let done = all
            .iter()
            .find(|r| r.fill == "#C62828")
            .expect("late progress");
        assert_eq!(done.x, plan.x);
        let share = f64::from(done.width) / f64::from(plan.width);
        assert!((share - 0.4).abs() < 0.05, "{share}");
        assert!(svg.contains("Phase 2: Monitoring: 9 Feb 2026 to 27 Feb 2026, 40% done, late."));
    }

    #[test]
    fn timeline_handles_empty_and_degenerate_input() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let empty = timeline_chart(&TimelineChart {
            width: 600,
            height: 120,
            phases: vec![],
            today,
        });
        assert!(empty.contains(">\nNo phases yet\n</text>"));
        let odd = timeline_chart(&TimelineChart {
            width: 0,
            height: 0,
            phases: vec![
                TimelinePhase {
                    name: "Reversed".into(),
                    start: NaiveDate::from_ymd_opt(2026, 5, 1),
                    end: NaiveDate::from_ymd_opt(2026, 4, 1),
                    progress: 1_000,
                    complete: false,
                },
                TimelinePhase {
                    name: "Far".into(),
                    start: Some(NaiveDate::MIN),
                    end: Some(NaiveDate::MAX),
                    progress: 50,
                    complete: false,
                },
                TimelinePhase {
                    name: "One day".into(),
                    start: Some(today),
                    end: Some(today),
                    ..Default::default()
                },
            ],
            today,
        });
        assert!(odd.trim_end().ends_with("</svg>"));
        assert!(odd.contains("Reversed: 1 Apr 2026 to 1 May 2026, 100% done"));
    }
}
