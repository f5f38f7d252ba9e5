//! Monthly cost projection: one stacked bar per month, a segment per category, and
//! the net total as a line with a dot per month.
//!
//! Savings make categories negative, so the bars are *diverging* stacks: each
//! month's positive amounts stack up from $0 and its negative amounts stack down
//! from $0, in series order, each in its category's colour. The bar above zero is
//! then the gross cost, the bar below it the savings, and the blue line the net
//! total (`total`, or the sum of the series for a month `total` does not cover).
//! The y axis is in whole dollars (`$1,216`), from nice ticks that include $0.

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{LegendItem, Swatch, draw_legend, legend_height};
use super::scale::{dollars, money, money_ticks};
use super::theme::{self, ACCENT, FONT_SMALL, GRID, MUTED, SURFACE, text_width};
use super::{DrawResult, draw_message, local, plot_area, render};

/// One category's amount per month, in cents (a saving is negative).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectionSeries {
    pub label: String,
    /// One amount per month, aligned with [`ProjectionChart::months`]; missing
    /// months count as 0 and extra values are ignored.
    pub cents: Vec<i64>,
}

/// Input of [`projection_chart`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectionChart {
    /// Pixels; 720 × 320 suits a page column.
    pub width: u32,
    pub height: u32,
    /// Month labels, e.g. `"Dec 26"`; one bar per label.
    pub months: Vec<String>,
    /// Categories in legend and stacking order.
    pub series: Vec<ProjectionSeries>,
    /// Net total per month in cents; a missing month is the sum of the series.
    pub total: Vec<i64>,
}

/// The accessible name of the chart.
pub const LABEL: &str = "Monthly cost projection";

const PAD: i32 = 12;
/// Bars fill this share of their month's slot, up to [`MAX_BAR`] pixels.
const BAR_SHARE: f64 = 0.64;
const MAX_BAR: f64 = 56.0;
/// Above this many months the total line has no dots.
const MAX_DOTS: usize = 36;

/// The chart as an SVG document (see the [module docs](self)).
pub fn projection_chart(chart: &ProjectionChart) -> String {
    render(chart.width, chart.height, LABEL, &describe(chart), |area| {
        draw_projection(area, chart)
    })
}

/// One month: its bar segments `(series, from, to)` in cents, and its net total.
struct Month {
    segments: Vec<(usize, i128, i128)>,
    total: i128,
}

fn months(chart: &ProjectionChart) -> Vec<Month> {
    (0..chart.months.len())
        .map(|i| {
            let (mut up, mut down) = (0i128, 0i128);
            let mut segments = Vec::new();
            for (s, series) in chart.series.iter().enumerate() {
                let v = i128::from(series.cents.get(i).copied().unwrap_or(0));
                if v > 0 {
                    segments.push((s, up, up + v));
                    up += v;
                } else if v < 0 {
                    segments.push((s, down + v, down));
                    down += v;
                }
            }
            let total = chart.total.get(i).map_or(up + down, |&t| i128::from(t));
            Month { segments, total }
        })
        .collect()
}

/// Draws the chart on `area` (see the [module docs](self)).
pub fn draw_projection<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ProjectionChart,
) -> DrawResult<DB::ErrorType> {
    area.fill(&SURFACE)?;
    if chart.months.is_empty() {
        return draw_message(area, "No cost projection yet");
    }
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let months = months(chart);
    let n = months.len();

    // Legend on top, wrapped to the width.
    let mut legend: Vec<LegendItem> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            swatch: Swatch::Fill(theme::category_color(i)),
            label: s.label.clone(),
        })
        .collect();
    legend.push(LegendItem {
        swatch: Swatch::Line(ACCENT),
        label: "Net total".to_string(),
    });
    let legend_width = w - 2 * PAD;
    draw_legend(area, &legend, (PAD, PAD), legend_width)?;

    // Plot box: below the legend, above the month labels, right of the dollars.
    let top = PAD + legend_height(&legend, legend_width) + 14;
    let bottom = (h - PAD - 16).max(top + 1);
    let (lo, hi) = months.iter().fold((0i128, 0i128), |(lo, hi), m| {
        let down = m.segments.iter().map(|s| s.1).min().unwrap_or(0);
        let up = m.segments.iter().map(|s| s.2).max().unwrap_or(0);
        (lo.min(down).min(m.total), hi.max(up).max(m.total))
    });
    let ticks = money_ticks(lo, hi, ((bottom - top) / 30).clamp(1, 8) as u32);
    let labels: Vec<String> = ticks.iter().map(|&t| dollars(t)).collect();
    let label_width = labels
        .iter()
        .map(|l| text_width(l, FONT_SMALL))
        .max()
        .unwrap_or(0);
    let left = (PAD + label_width + 8).min(w / 2);
    let right = PAD;
    let (y_lo, y_hi) = (
        ticks.first().copied().unwrap_or(0) as f64,
        ticks.last().copied().unwrap_or(1) as f64,
    );

    let plot = plot_area(
        area,
        (top, h - bottom, left, right),
        0.0..n as f64,
        y_lo..y_hi,
    );
    let px = |x: f64, y: f64| local(area, plot.map_coordinate(&(x, y)));

    // Horizontal grid with dollar labels ($0 is drawn over the bars, below).
    for (&tick, label) in ticks.iter().zip(&labels) {
        let y = tick as f64;
        if tick != 0 {
            plot.draw(&PathElement::new(vec![(0.0, y), (n as f64, y)], GRID))?;
        }
        let (_, py) = px(0.0, y);
        area.draw(&Text::new(
            label.clone(),
            (left - 6, py),
            theme::text(FONT_SMALL, MUTED, HPos::Right, VPos::Center),
        ))?;
    }

    // Bars.
    let slot = f64::from((w - left - right).max(1)) / n as f64;
    let half_bar = (BAR_SHARE / 2.0).min(MAX_BAR / 2.0 / slot);
    for (i, month) in months.iter().enumerate() {
        let (x0, x1) = (i as f64 + 0.5 - half_bar, i as f64 + 0.5 + half_bar);
        for &(series, from, to) in &month.segments {
            plot.draw(&Rectangle::new(
                [(x0, from as f64), (x1, to as f64)],
                theme::category_color(series).filled(),
            ))?;
        }
    }
    // $0 over the bars, so the split between cost and savings shows.
    plot.draw(&PathElement::new(vec![(0.0, 0.0), (n as f64, 0.0)], MUTED))?;

    // Net total line on top.
    let points: Vec<(f64, f64)> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (i as f64 + 0.5, m.total as f64))
        .collect();
    plot.draw(&PathElement::new(points.clone(), ACCENT.stroke_width(2)))?;
    if n <= MAX_DOTS {
        for &p in &points {
            plot.draw(&Circle::new(p, 3, ACCENT.filled()))?;
        }
    }

    // Month labels, thinned out when they would collide.
    let widest = chart
        .months
        .iter()
        .map(|m| text_width(m, FONT_SMALL))
        .max()
        .unwrap_or(0);
    let every = ((f64::from(widest + 6) / slot).ceil() as usize).clamp(1, n);
    let room = (slot * every as f64) as i32 - 4;
    for (i, month) in chart.months.iter().enumerate().step_by(every) {
        let (x, _) = px(i as f64 + 0.5, y_lo);
        area.draw(&Text::new(
            theme::fit_text(month, FONT_SMALL, room),
            (x, bottom + 5),
            theme::text(FONT_SMALL, MUTED, HPos::Center, VPos::Top),
        ))?;
    }
    Ok(())
}

/// The chart's content in words, for `<desc>`.
fn describe(chart: &ProjectionChart) -> String {
    let months = months(chart);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return "No cost projection yet.".to_string();
    };
    let first_label = &chart.months[0];
    let last_label = &chart.months[months.len() - 1];
    let mut desc = if months.len() == 1 {
        format!("Net monthly cost {} in {first_label}.", money(first.total))
    } else {
        format!(
            "Net monthly cost over {} months: {} in {first_label}, {} in {last_label}.",
            months.len(),
            money(first.total),
            money(last.total)
        )
    };
    if !chart.series.is_empty() {
        let names: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
        desc.push_str(&format!(" Categories: {}.", names.join(", ")));
    }
    desc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixtures;
    use crate::charts::testing::{assert_snapshot, polylines, texts};

    #[test]
    fn projection_snapshot() {
        let svg = projection_chart(&fixtures::projection());
        assert_snapshot("projection", &svg);
    }

    #[test]
    fn projection_is_deterministic() {
        let chart = fixtures::projection();
        assert_eq!(projection_chart(&chart), projection_chart(&chart));
    }

    #[test]
    fn projection_has_total_line_axis_labels_and_legend() {
        let chart = fixtures::projection();
        let svg = projection_chart(&chart);
        // The total line: one polyline in accent blue with a point per month.
        let totals: Vec<_> = polylines(&svg)
            .into_iter()
            .filter(|p| p.stroke == "#2456D6")
            .collect();
        let line = totals
            .iter()
            .find(|p| p.points.len() == chart.months.len())
            .expect("a total line with one point per month");
        // Higher totals are drawn higher (smaller y): month 0 costs more than month 11.
        assert!(line.points[0].1 > line.points[11].1 || chart.total[0] <= chart.total[11]);
        let text: Vec<String> = texts(&svg).into_iter().map(|t| t.text).collect();
        for month in &chart.months {
            assert!(text.contains(month), "month label {month}");
        }
        for series in &chart.series {
            assert!(text.contains(&series.label), "legend {}", series.label);
        }
        assert!(text.contains(&"Net total".to_string()));
        assert!(text.iter().any(|t| t == "$0"));
        assert!(
            text.iter().any(|t| t.starts_with("-$")),
            "savings go below $0"
        );
        assert!(svg.contains("<desc>Net monthly cost over 12 months: $1,216.00 in Dec 26"));
    }

    #[test]
    fn projection_handles_empty_and_degenerate_input() {
        let empty = projection_chart(&ProjectionChart {
            width: 400,
            height: 200,
            ..Default::default()
        });
        assert!(empty.contains("No cost projection yet"));

        let zeros = projection_chart(&ProjectionChart {
            width: 400,
            height: 200,
            months: vec!["Jan 27".into()],
            series: vec![ProjectionSeries {
                label: "Compute".into(),
                cents: vec![],
            }],
            total: vec![],
        });
        assert!(zeros.contains(">\n$0\n</text>"));

        let huge = projection_chart(&ProjectionChart {
            width: 10,
            height: 10,
            months: (0..200).map(|i| format!("M{i}")).collect(),
            series: vec![
                ProjectionSeries {
                    label: "Max".into(),
                    cents: vec![i64::MAX; 200],
                },
                ProjectionSeries {
                    label: "Max again".into(),
                    cents: vec![i64::MAX; 200],
                },
                ProjectionSeries {
                    label: "Min".into(),
                    cents: vec![i64::MIN; 3],
                },
            ],
            total: vec![i64::MIN, 0, i64::MAX],
        });
        assert!(huge.trim_end().ends_with("</svg>"));
    }
}
