//! 5×5 risk heat map: impact 1–5 left to right, likelihood 1–5 bottom to top; each
//! cell coloured by its risk level and showing how many risks sit in it.
//!
//! Levels follow the register's matrix on score = likelihood × impact:
//! 1–4 low, 5–9 medium, 10–16 high, 20–25 critical ([`HeatLevel::from_score`]).
//! A cell holding risks is filled with its level's strong colour and shows the count
//! in bold white; an empty cell is a pale tint of the same colour with no number, so
//! the eye goes to where the risks are.

use plotters::coord::Shift;
use plotters::element::{Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor};

use super::draw::{LegendItem, Swatch, draw_legend, legend_height};
use super::theme::{
    self, FONT_BODY, FONT_LARGE, FONT_SMALL, FONT_TITLE, MUTED, SURFACE, TEXT, text_width,
};
use super::{DrawResult, render};

/// Input of [`heat_map_chart`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeatMapChart {
    /// Pixels; 360 × 360 suits a card.
    pub width: u32,
    pub height: u32,
    /// Shown above the grid and used as the accessible name (e.g. "Open risks").
    pub title: String,
    /// Risks per cell, indexed `[likelihood − 1][impact − 1]`.
    pub counts: [[u32; 5]; 5],
}

/// A risk level of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HeatLevel {
    Low,
    Medium,
    High,
    Critical,
}

impl HeatLevel {
    pub const ALL: [HeatLevel; 4] = [
        HeatLevel::Low,
        HeatLevel::Medium,
        HeatLevel::High,
        HeatLevel::Critical,
    ];

    /// 1–4 low, 5–9 medium, 10–16 high, above (20–25 on a 5×5 grid) critical.
    /// The level of [`crate::domain::risk::LEVEL_MATRIX`], the one matrix.
    pub fn from_score(score: u32) -> Self {
        use crate::domain::risk::{RiskLevel, level};
        match level(i32::try_from(score).unwrap_or(i32::MAX)) {
            RiskLevel::Low => HeatLevel::Low,
            RiskLevel::Medium => HeatLevel::Medium,
            RiskLevel::High => HeatLevel::High,
            RiskLevel::Critical => HeatLevel::Critical,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HeatLevel::Low => "Low",
            HeatLevel::Medium => "Medium",
            HeatLevel::High => "High",
            HeatLevel::Critical => "Critical",
        }
    }

    /// The fill of a cell holding risks (white text on it).
    pub fn strong(self) -> RGBColor {
        match self {
            HeatLevel::Low => theme::GREEN,
            HeatLevel::Medium => theme::AMBER,
            HeatLevel::High => RGBColor(0xd8, 0x43, 0x15),
            HeatLevel::Critical => RGBColor(0x9b, 0x1c, 0x1c),
        }
    }

    /// The fill of an empty cell.
    pub fn pale(self) -> RGBColor {
        match self {
            HeatLevel::Low => RGBColor(0xe3, 0xf1, 0xe8),
            HeatLevel::Medium => RGBColor(0xf8, 0xec, 0xd6),
            HeatLevel::High => RGBColor(0xfb, 0xe1, 0xd6),
            HeatLevel::Critical => RGBColor(0xf3, 0xd3, 0xd3),
        }
    }

    fn range(self) -> &'static str {
        match self {
            HeatLevel::Low => "1–4",
            HeatLevel::Medium => "5–9",
            HeatLevel::High => "10–16",
            HeatLevel::Critical => "20–25",
        }
    }
}

const PAD: i32 = 12;

/// Where the grid goes in a `w` × `h` area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grid {
    left: i32,
    top: i32,
    cell: i32,
}

impl Grid {
    fn new(w: i32, h: i32, has_title: bool) -> Self {
        let title = if has_title { 24 } else { 0 };
        let top = PAD + title + 4;
        // Left: the rotated "Likelihood" title, then the 1–5 tick labels.
        let axis_left = PAD + 16 + 14;
        // Below: tick labels, the "Impact" title, the level legend.
        let below = 18 + 18 + 6 + legend_height(&legend(), w - 2 * PAD) + PAD;
        let cell = ((w - axis_left - PAD) / 5)
            .min((h - top - below) / 5)
            .max(4);
        let left = axis_left + ((w - axis_left - PAD - 5 * cell) / 2).max(0);
        Grid { left, top, cell }
    }

    /// The cell's top-left corner: impact left to right, likelihood bottom to top.
    fn corner(self, likelihood: usize, impact: usize) -> (i32, i32) {
        (
            self.left + (impact as i32 - 1) * self.cell,
            self.top + (5 - likelihood as i32) * self.cell,
        )
    }

    fn center(self, likelihood: usize, impact: usize) -> (i32, i32) {
        let (x, y) = self.corner(likelihood, impact);
        (x + self.cell / 2, y + self.cell / 2)
    }

    fn bottom(self) -> i32 {
        self.top + 5 * self.cell
    }
}

/// The chart as an SVG document (see the [module docs](self)).
pub fn heat_map_chart(chart: &HeatMapChart) -> String {
    let label = if chart.title.trim().is_empty() {
        "Risk heat map"
    } else {
        chart.title.trim()
    };
    render(chart.width, chart.height, label, &describe(chart), |area| {
        draw_heat_map(area, chart)
    })
}

/// Draws the chart on `area` (see the [module docs](self)).
pub fn draw_heat_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &HeatMapChart,
) -> DrawResult<DB::ErrorType> {
    area.fill(&SURFACE)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let title = chart.title.trim();
    let grid = Grid::new(w, h, !title.is_empty());

    if !title.is_empty() {
        area.draw(&Text::new(
            theme::fit_text(title, FONT_TITLE, w - 2 * PAD),
            (PAD, PAD),
            theme::bold(FONT_TITLE, TEXT, HPos::Left, VPos::Top),
        ))?;
    }

    // The largest size at which the count fits its cell.
    let count_px = |count: &str| {
        [FONT_LARGE, FONT_BODY, FONT_SMALL]
            .into_iter()
            .find(|&px| px <= f64::from(grid.cell) / 2.5 && text_width(count, px) <= grid.cell - 6)
            .unwrap_or(FONT_SMALL)
    };
    for likelihood in 1..=5 {
        for impact in 1..=5 {
            let level = HeatLevel::from_score((likelihood * impact) as u32);
            let count = chart.counts[likelihood - 1][impact - 1];
            let (x, y) = grid.corner(likelihood, impact);
            let fill = if count > 0 {
                level.strong()
            } else {
                level.pale()
            };
            area.draw(&Rectangle::new(
                [(x + 1, y + 1), (x + grid.cell - 1, y + grid.cell - 1)],
                fill.filled(),
            ))?;
            if count > 0 {
                let count = count.to_string();
                let px = count_px(&count);
                area.draw(&Text::new(
                    count,
                    grid.center(likelihood, impact),
                    theme::bold(px, SURFACE, HPos::Center, VPos::Center),
                ))?;
            }
        }
    }

    // Axes: tick numbers and titles.
    for i in 1..=5 {
        let (cx, _) = grid.center(1, i);
        area.draw(&Text::new(
            i.to_string(),
            (cx, grid.bottom() + 4),
            theme::text(FONT_SMALL, MUTED, HPos::Center, VPos::Top),
        ))?;
        let (_, cy) = grid.center(i, 1);
        area.draw(&Text::new(
            i.to_string(),
            (grid.left - 6, cy),
            theme::text(FONT_SMALL, MUTED, HPos::Right, VPos::Center),
        ))?;
    }
    area.draw(&Text::new(
        "Impact",
        (grid.left + 5 * grid.cell / 2, grid.bottom() + 22),
        theme::text(FONT_SMALL, MUTED, HPos::Center, VPos::Top),
    ))?;
    area.draw(&Text::new(
        "Likelihood",
        (PAD + 7, grid.top + 5 * grid.cell / 2),
        theme::vertical(FONT_SMALL, MUTED),
    ))?;

    draw_legend(area, &legend(), (PAD, grid.bottom() + 42), w - 2 * PAD)
}

/// The level legend under the grid.
fn legend() -> Vec<LegendItem> {
    HeatLevel::ALL
        .iter()
        .map(|level| LegendItem {
            swatch: Swatch::Fill(level.strong()),
            label: format!("{} {}", level.label(), level.range()),
        })
        .collect()
}

/// The chart's content in words, for `<desc>`.
fn describe(chart: &HeatMapChart) -> String {
    let mut per_level = [0u64; 4];
    let mut cells = Vec::new();
    for likelihood in (1..=5).rev() {
        for impact in (1..=5).rev() {
            let count = chart.counts[likelihood - 1][impact - 1];
            if count == 0 {
                continue;
            }
            let level = HeatLevel::from_score((likelihood * impact) as u32);
            per_level[level as usize] += u64::from(count);
            cells.push(format!(
                "likelihood {likelihood}, impact {impact} ({}): {count}",
                level.label().to_lowercase()
            ));
        }
    }
    let total: u64 = per_level.iter().sum();
    if total == 0 {
        return "No risks on the likelihood by impact grid.".to_string();
    }
    let levels: Vec<String> = HeatLevel::ALL
        .iter()
        .rev()
        .map(|l| format!("{} {}", per_level[*l as usize], l.label().to_lowercase()))
        .collect();
    format!(
        "{total} {} on a 5 by 5 grid of likelihood and impact: {}. By cell: {}.",
        if total == 1 { "risk" } else { "risks" },
        levels.join(", "),
        cells.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::fixtures;
    use crate::charts::testing::{assert_snapshot, texts};

    #[test]
    fn heat_map_snapshot() {
        assert_snapshot("heat_map", &heat_map_chart(&fixtures::heat_map()));
    }

    #[test]
    fn heat_map_is_deterministic() {
        let chart = fixtures::heat_map();
        assert_eq!(heat_map_chart(&chart), heat_map_chart(&chart));
    }

    #[test]
    fn levels_follow_the_matrix() {
        use HeatLevel::*;
        let expected = [
            (1, Low),
            (4, Low),
            (5, Medium),
            (9, Medium),
            (10, High),
            (16, High),
            (20, Critical),
            (25, Critical),
        ];
        for (score, level) in expected {
            assert_eq!(HeatLevel::from_score(score), level, "score {score}");
        }
    }

    #[test]
    fn counts_are_drawn_in_their_cells_and_empty_cells_are_blank() {
        let chart = fixtures::heat_map();
        let svg = heat_map_chart(&chart);
        let grid = Grid::new(chart.width as i32, chart.height as i32, true);
        let labels = texts(&svg);
        for likelihood in 1..=5 {
            for impact in 1..=5 {
                let count = chart.counts[likelihood - 1][impact - 1];
                let at = grid.center(likelihood, impact);
                let here: Vec<_> = labels.iter().filter(|t| (t.x, t.y) == at).collect();
                if count == 0 {
                    assert!(
                        here.is_empty(),
                        "empty cell L{likelihood} I{impact}: {here:?}"
                    );
                } else {
                    assert_eq!(here.len(), 1, "cell L{likelihood} I{impact}");
                    assert_eq!(here[0].text, count.to_string());
                }
            }
        }
        // Critical (5 × 5) is top right, low (1 × 1) bottom left.
        let (x55, y55) = grid.center(5, 5);
        let (x11, y11) = grid.center(1, 1);
        assert!(x55 > x11 && y55 < y11);
        assert!(svg.contains("<title>Open risks</title>"));
        assert!(svg.contains("<desc>9 risks on a 5 by 5 grid"));
    }

    #[test]
    fn heat_map_handles_empty_and_huge_counts() {
        let empty = heat_map_chart(&HeatMapChart::default());
        assert!(empty.contains("<title>Risk heat map</title>"));
        assert!(empty.contains("No risks"));
        let huge = heat_map_chart(&HeatMapChart {
            width: 1,
            height: 1,
            title: "x".repeat(500),
            counts: [[u32::MAX; 5]; 5],
        });
        assert!(huge.contains(&format!(">\n{}\n</text>", u32::MAX)));
    }
}
