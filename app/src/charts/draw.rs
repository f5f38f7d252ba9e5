//! Drawing helpers shared by the charts: dashed lines and the legend.
//!
//! plotters' own `DashedPathElement` measures segments with `f32::hypot`, a libm
//! function whose last bit may differ between the server's C library and the
//! WebAssembly build; [`dashed_line`] uses `f64::sqrt`, which IEEE 754 defines
//! exactly, so dashes land on the same pixels on both targets.

use plotters::coord::Shift;
use plotters::element::{Circle, PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, ShapeStyle};

use super::DrawResult;
use super::theme::{self, FONT_SMALL, TEXT, text_width};

/// A dashed straight line from `from` to `to` (pixels), `dash` on and `gap` off.
pub fn dashed_line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    (dash, gap): (u32, u32),
    style: ShapeStyle,
) -> DrawResult<DB::ErrorType> {
    let (dx, dy) = (
        f64::from(to.0) - f64::from(from.0),
        f64::from(to.1) - f64::from(from.1),
    );
    let length = (dx * dx + dy * dy).sqrt();
    let period = f64::from(dash.max(1) + gap);
    if length < 1.0 {
        return Ok(());
    }
    let at = |t: f64| {
        (
            from.0 + (dx * t).round() as i32,
            from.1 + (dy * t).round() as i32,
        )
    };
    let count = ((length / period).ceil() as usize).min(4_000);
    for i in 0..count {
        let start = i as f64 * period;
        let end = (start + f64::from(dash.max(1))).min(length);
        area.draw(&PathElement::new(
            vec![at(start / length), at(end / length)],
            style,
        ))?;
    }
    Ok(())
}

/// What a legend entry shows next to its label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A filled square (bars, areas, cells).
    Fill(RGBColor),
    /// A short solid line with a dot (a line series).
    Line(RGBColor),
    /// A short dashed line (forecasts, markers).
    Dashed(RGBColor),
}

pub struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

pub const LEGEND_ROW: i32 = 18;
const SWATCH: i32 = 14;
const SWATCH_GAP: i32 = 5;
const ITEM_GAP: i32 = 16;

/// Where each item goes: (x offset, row), wrapping at `max_width`.
fn place(items: &[LegendItem], max_width: i32) -> Vec<(i32, i32)> {
    let mut x = 0;
    let mut row = 0;
    items
        .iter()
        .map(|item| {
            let w = SWATCH + SWATCH_GAP + text_width(&item.label, FONT_SMALL);
            if x > 0 && x + w > max_width {
                x = 0;
                row += 1;
            }
            let at = (x, row);
            x += w + ITEM_GAP;
            at
        })
        .collect()
}

/// The height in pixels of the legend for `items` wrapped at `max_width`.
pub fn legend_height(items: &[LegendItem], max_width: i32) -> i32 {
    place(items, max_width)
        .last()
        .map_or(0, |(_, row)| (row + 1) * LEGEND_ROW)
}

/// Draws the legend with its top-left corner at `origin`.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    origin: (i32, i32),
    max_width: i32,
) -> DrawResult<DB::ErrorType> {
    for (item, (dx, row)) in items.iter().zip(place(items, max_width)) {
        let x = origin.0 + dx;
        let mid = origin.1 + row * LEGEND_ROW + LEGEND_ROW / 2;
        match item.swatch {
            Swatch::Fill(color) => area.draw(&Rectangle::new(
                [(x + 2, mid - 5), (x + SWATCH - 2, mid + 5)],
                color.filled(),
            ))?,
            Swatch::Line(color) => {
                area.draw(&PathElement::new(
                    vec![(x, mid), (x + SWATCH, mid)],
                    color.stroke_width(2),
                ))?;
                area.draw(&Circle::new((x + SWATCH / 2, mid), 3, color.filled()))?;
            }
            Swatch::Dashed(color) => {
                dashed_line(
                    area,
                    (x, mid),
                    (x + SWATCH, mid),
                    (4, 3),
                    color.stroke_width(2),
                )?;
            }
        }
        area.draw(&Text::new(
            item.label.clone(),
            (x + SWATCH + SWATCH_GAP, mid),
            theme::text(FONT_SMALL, TEXT, HPos::Left, VPos::Center),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str) -> LegendItem {
        LegendItem {
            swatch: Swatch::Fill(TEXT),
            label: label.to_string(),
        }
    }

    #[test]
    fn legend_wraps_when_narrow() {
        let items = [item("Compute"), item("Database"), item("Networking")];
        assert_eq!(legend_height(&items, 1_000), LEGEND_ROW);
        assert_eq!(legend_height(&items, 60), 3 * LEGEND_ROW);
        assert_eq!(legend_height(&[], 100), 0);
    }
}
