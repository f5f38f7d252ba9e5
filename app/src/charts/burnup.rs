//! Readiness burn-up: percent ready (0–100) over time.
//!
//! - Readiness is a step line: each reading holds until the next (the forecast's
//!   rule), with a light fill beneath; a dot marks the latest reading.
//! - An optional dashed forecast runs from the latest reading to 100 % on the
//!   forecast date. It is drawn only while readiness is below 100 % and the date is
//!   not before the latest reading.
//! - An optional amber dashed vertical line marks the target go-live date.
//! - Dates of the forecast and go-live are in the legend, so no label sits on the
//!   plot. The x axis spans the readings and both dates.
//!
//! With no readings the chart is a small "No readiness history yet" SVG.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Polygon, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{LegendItem, Swatch, dashed_line, draw_legend, legend_height};
use super::scale::{date_ticks, day_number, long_date};
use super::theme::{self, ACCENT, AMBER, FONT_SMALL, GRID, LINE, MUTED, SURFACE, text_width};
use super::{DrawResult, draw_message, local, plot_area, render};

/// Readiness right after a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnupPoint {
    pub at: DateTime<Utc>,
    /// 0–100; out-of-range values are clamped, NaN counts as 0.
    pub percent: f64,
}

/// Input of [`burnup_chart`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BurnupChart {
    /// Pixels; 720 × 280 suits a page column.
    pub width: u32,
    pub height: u32,
    /// Readings in any order (they are sorted by time).
    pub points: Vec<BurnupPoint>,
    /// Forecast date of 100 %.
    pub forecast: Option<NaiveDate>,
    /// Target go-live date.
    pub target: Option<NaiveDate>,
}

/// The accessible name of the chart.
pub const LABEL: &str = "Readiness over time";

const PAD: i32 = 12;

fn clamp_percent(p: f64) -> f64 {
    if p.is_nan() { 0.0 } else { p.clamp(0.0, 100.0) }
}

/// Time as a fractional day number (same origin as dates on the axis).
fn day_of(at: DateTime<Utc>) -> f64 {
    day_number(at.date_naive()) as f64 + f64::from(at.num_seconds_from_midnight()) / 86_400.0
}

/// The readings sorted by time, with clamped percentages.
fn readings(chart: &BurnupChart) -> Vec<(DateTime<Utc>, f64)> {
    let mut points: Vec<(DateTime<Utc>, f64)> = chart
        .points
        .iter()
        .map(|p| (p.at, clamp_percent(p.percent)))
        .collect();
    points.sort_by_key(|p| p.0);
    points
}

/// The forecast date, when there is a segment to draw.
fn forecast(chart: &BurnupChart, last: (DateTime<Utc>, f64)) -> Option<NaiveDate> {
    chart
        .forecast
        .filter(|&f| last.1 < 100.0 && f >= last.0.date_naive())
}

/// The chart as an SVG document (see the [module docs](self)).
pub fn burnup_chart(chart: &BurnupChart) -> String {
    render(chart.width, chart.height, LABEL, &describe(chart), |area| {
        draw_burnup(area, chart)
    })
}

/// Draws the chart on `area` (see the [module docs](self)).
pub fn draw_burnup<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &BurnupChart,
) -> DrawResult<DB::ErrorType> {
    area.fill(&SURFACE)?;
    let points = readings(chart);
    let Some(&last) = points.last() else {
        return draw_message(area, "No readiness history yet");
    };
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let forecast = forecast(chart, last);

    let mut legend = vec![LegendItem {
        swatch: Swatch::Line(ACCENT),
        label: "Readiness".to_string(),
    }];
    if let Some(f) = forecast {
        legend.push(LegendItem {
            swatch: Swatch::Dashed(ACCENT),
            label: format!("Forecast: ready {}", long_date(f)),
        });
    }
    if let Some(t) = chart.target {
        legend.push(LegendItem {
            swatch: Swatch::Dashed(AMBER),
            label: format!("Go-live {}", long_date(t)),
        });
    }
    draw_legend(area, &legend, (PAD, PAD), w - 2 * PAD)?;

    let top = PAD + legend_height(&legend, w - 2 * PAD) + 12;
    let bottom = (h - PAD - 16).max(top + 1);
    let left = (PAD + text_width("100%", FONT_SMALL) + 8).min(w / 2);
    let right = PAD + 4;

    // x: every reading and both dates; at least a week; a fortieth of room each side.
    let dates = forecast
        .iter()
        .chain(chart.target.iter())
        .map(|&d| day_number(d) as f64);
    let xs = points.iter().map(|p| day_of(p.0)).chain(dates);
    let (mut lo, mut hi) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    if hi - lo < 7.0 {
        let mid = (lo + hi) / 2.0;
        (lo, hi) = (mid - 3.5, mid + 3.5);
    }
    let pad = ((hi - lo) / 40.0).max(0.5);
    (lo, hi) = (lo - pad, hi + pad);

    let plot = plot_area(area, (top, h - bottom, left, right), lo..hi, 0.0..100.0);
    let px = |x: f64, y: f64| local(area, plot.map_coordinate(&(x, y)));

    // Grid: percent lines and date lines.
    let steps: &[u32] = if bottom - top >= 100 {
        &[0, 25, 50, 75, 100]
    } else {
        &[0, 50, 100]
    };
    for &p in steps {
        let y = f64::from(p);
        let color = if p == 0 { LINE } else { GRID };
        plot.draw(&PathElement::new(vec![(lo, y), (hi, y)], color))?;
        let (_, py) = px(lo, y);
        area.draw(&Text::new(
            format!("{p}%"),
            (left - 6, py),
            theme::text(FONT_SMALL, MUTED, HPos::Right, VPos::Center),
        ))?;
    }
    let first_day =
        NaiveDate::from_num_days_from_ce_opt(lo.ceil() as i32).unwrap_or(NaiveDate::MIN);
    let last_day =
        NaiveDate::from_num_days_from_ce_opt(hi.floor() as i32).unwrap_or(NaiveDate::MAX);
    for (day, label) in date_ticks(first_day, last_day, w - left - right, FONT_SMALL) {
        let x = day as f64;
        plot.draw(&PathElement::new(vec![(x, 0.0), (x, 100.0)], GRID))?;
        let (tx, _) = px(x, 0.0);
        area.draw(&Text::new(
            label,
            (tx, bottom + 5),
            theme::text(FONT_SMALL, MUTED, HPos::Center, VPos::Top),
        ))?;
    }

    // Target go-live.
    if let Some(t) = chart.target {
        let x = day_number(t) as f64;
        let (a, b) = (px(x, 100.0), px(x, 0.0));
        dashed_line(area, a, b, (5, 4), AMBER.stroke_width(2))?;
    }

    // Readiness as steps, with a light fill beneath.
    let mut steps_path: Vec<(f64, f64)> = Vec::with_capacity(points.len() * 2);
    for (i, &(at, p)) in points.iter().enumerate() {
        let x = day_of(at);
        if i > 0 {
            let previous = steps_path.last().map_or(p, |q| q.1);
            steps_path.push((x, previous));
        }
        steps_path.push((x, p));
    }
    let mut fill = steps_path.clone();
    fill.push((day_of(last.0), 0.0));
    fill.push((day_of(points[0].0), 0.0));
    plot.draw(&Polygon::new(fill, ACCENT.mix(0.12).filled()))?;
    plot.draw(&PathElement::new(steps_path, ACCENT.stroke_width(2)))?;

    // Forecast to 100 %.
    let end = (day_of(last.0), last.1);
    if let Some(f) = forecast {
        let target = (day_number(f) as f64, 100.0);
        dashed_line(
            area,
            px(end.0, end.1),
            px(target.0, target.1),
            (6, 4),
            ACCENT.stroke_width(2),
        )?;
        plot.draw(&Circle::new(target, 4, ACCENT.stroke_width(2)))?;
    }
    plot.draw(&Circle::new(end, 4, ACCENT.filled()))?;
    Ok(())
}

/// The chart's content in words, for `<desc>`.
fn describe(chart: &BurnupChart) -> String {
    let points = readings(chart);
    let (Some(first), Some(&last)) = (points.first(), points.last()) else {
        return "No readiness history yet.".to_string();
    };
    let mut out = format!(
        "Readiness {:.0}% on {} ({} {} since {}).",
        last.1,
        long_date(last.0.date_naive()),
        points.len(),
        if points.len() == 1 {
            "reading"
        } else {
            "readings"
        },
        long_date(first.0.date_naive())
    );
    if let Some(f) = forecast(chart, last) {
        out.push_str(&format!(" Forecast: ready around {}.", long_date(f)));
    }
    if let Some(t) = chart.target {
        out.push_str(&format!(" Target go-live {}.", long_date(t)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixtures;
    use crate::charts::testing::{assert_snapshot, polylines, texts};
    use chrono::TimeZone;

    #[test]
    fn burnup_snapshot() {
        assert_snapshot("burnup", &burnup_chart(&fixtures::burnup()));
    }

    #[test]
    fn burnup_is_deterministic() {
        let chart = fixtures::burnup();
        assert_eq!(burnup_chart(&chart), burnup_chart(&chart));
    }

    #[test]
    fn burnup_draws_steps_forecast_and_target() {
        let chart = fixtures::burnup();
        let svg = burnup_chart(&chart);
        let lines = polylines(&svg);
        // The step line: two points per reading after the first, never going down
        // here, since the fixture only rises.
        let steps = lines
            .iter()
            .find(|l| l.stroke == "#2456D6" && l.points.len() == 2 * chart.points.len() - 1)
            .expect("step line");
        assert!(steps.points.windows(2).all(|w| w[1].1 <= w[0].1));
        assert!(steps.points.windows(2).all(|w| w[1].0 >= w[0].0));
        // Dashes: forecast (accent) and go-live (amber).
        assert!(lines.iter().filter(|l| l.stroke == "#B26A00").count() > 3);
        let text: Vec<String> = texts(&svg).into_iter().map(|t| t.text).collect();
        assert!(text.contains(&"Forecast: ready 15 May 2026".to_string()));
        assert!(text.contains(&"Go-live 1 Jun 2026".to_string()));
        assert!(text.contains(&"100%".to_string()) && text.contains(&"0%".to_string()));
        assert!(svg.contains("<desc>Readiness 55% on 20 Mar 2026 (6 readings since 2 Feb 2026)."));
    }

    #[test]
    fn burnup_handles_empty_and_degenerate_input() {
        let empty = burnup_chart(&BurnupChart {
            width: 400,
            height: 200,
            target: NaiveDate::from_ymd_opt(2026, 6, 1),
            ..Default::default()
        });
        assert!(empty.contains("No readiness history yet"));

        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let single = burnup_chart(&BurnupChart {
            width: 400,
            height: 200,
            points: vec![BurnupPoint { at, percent: 0.0 }],
            ..Default::default()
        });
        assert!(single.contains("<circle"));

        let odd = burnup_chart(&BurnupChart {
            width: 400,
            height: 200,
            points: vec![
                BurnupPoint {
                    at,
                    percent: f64::NAN,
                },
                BurnupPoint { at, percent: 1e300 },
                BurnupPoint { at, percent: -5.0 },
                BurnupPoint {
                    at: DateTime::<Utc>::MAX_UTC,
                    percent: f64::INFINITY,
                },
            ],
            forecast: Some(NaiveDate::MIN),
            target: Some(NaiveDate::MAX),
        });
        assert!(odd.trim_end().ends_with("</svg>"));
        // A forecast before the latest reading is not drawn.
        assert!(!odd.contains("Forecast"));
    }
}
