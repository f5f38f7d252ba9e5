//! Charts as SVG strings, drawn with [`plotters`]: one pure function per chart,
//! a plain input struct in and a complete `<svg>` document out.
//!
//! | chart | function | input |
//! |---|---|---|
//! | monthly cost projection | [`projection_chart`] | [`ProjectionChart`] |
//! | 5×5 risk heat map | [`heat_map_chart`] | [`HeatMapChart`] |
//! | roadmap timeline (Gantt) | [`timeline_chart`] | [`TimelineChart`] |
//! | readiness burn-up | [`burnup_chart`] | [`BurnupChart`] |
//!
//! Each also has a `draw_*` function generic over plotters' [`DrawingBackend`], which
//! the string function calls with plotters' `SVGBackend`.
//!
//! # Same SVG on the server and in the browser
//!
//! The server renders the first page with the chart in it (no JavaScript needed);
//! the browser, compiled to `wasm32-unknown-unknown`, redraws it after a change (the
//! cost page's what-if). Both must produce the *same string* for the same input, or
//! hydration sees a different document and the snapshot tests would prove nothing.
//!
//! **Text.** plotters measures text through a font backend chosen by target, not by
//! feature: on `wasm32-unknown-unknown` it is always its `web` backend, which inserts
//! a `<span>` into the page and reads its size back (the answer depends on the
//! browser's fonts, differs from anything the server can compute, and panics where
//! there is no `document`); the `ttf` and `ab_glyph` features are compiled for
//! non-wasm targets only, so no feature set makes the two sides agree. We therefore
//! never let plotters measure text:
//! - plotters' SVG backend writes text as a `<text>` element with `text-anchor` and
//!   `dy`, and does not measure it; every label here is placed at a computed pixel
//!   with an explicit anchor (start, middle, end) and the browser lays out the glyphs;
//! - none of plotters' automatic layout is used, because it measures: no
//!   `ChartBuilder` (its caption code would link the DOM measuring into the wasm
//!   build even unused), no `configure_mesh` (axis labels), no
//!   `configure_series_labels` (legend), no `MultiLineText`. The plotting box is a
//!   `Cartesian2d` coordinate system applied to a margin of the area; axes, grids
//!   and legends are drawn from plain elements (`Rectangle`, `PathElement`,
//!   `Polygon`, `Circle`, `Text`);
//! - where a layout needs a text width (wrapping the legend, sizing the y-axis label
//!   column, shortening long phase names, thinning crowded month labels), it uses
//!   [`theme::text_width`], a fixed per-character estimate in integer arithmetic.
//!
//! This also keeps the WebAssembly bundle small: no font parser, no font file. The
//! only plotters feature is `svg_backend` (no `ttf`, `ab_glyph`, `chrono`, series or
//! bitmap features); it brings `plotters`, `plotters-backend`, `plotters-svg` and
//! `num-traits`, and on wasm32 `web-sys`/`wasm-bindgen`, which Leptos already uses.
//! Measured on the app's hydrate build (`[profile.wasm-release]`: `opt-level = "z"`,
//! LTO) with all four charts called from an exported function, against the same
//! build without the call: about +25 KB of `.wasm` before `wasm-opt`, +21 KB after
//! `wasm-opt -Oz`, +11 KB gzipped (of a 1.8 MB / 690 KB bundle). Code no page calls
//! is not linked at all.
//!
//! **Numbers.** Only integer arithmetic and the IEEE 754 operations that are exactly
//! specified (`+ - * /`, `sqrt`, `floor`, `ceil`, `round`) feed a coordinate; ticks
//! are chosen with integer and calendar arithmetic ([`scale`]). No `ln`, `log10`,
//! `powf` or `hypot`, whose last bit may differ between the server's C library and
//! the wasm build's (which is also why [`draw::dashed_line`] replaces plotters'
//! `DashedPathElement`). Numbers are formatted by Rust's `core`, not by libc.
//!
//! Checked once by hand: these functions compiled to `wasm32-unknown-unknown` and run
//! under Node on the snapshot fixtures return the snapshot files byte for byte, and
//! the module imports nothing from the DOM.
//!
//! # Accessibility
//!
//! The root `<svg>` gets `role="img"` and an `aria-label`, a `<title>` and a `<desc>`
//! that states the chart's content in words (totals, counts, dates).
//!
//! # Sizes and bad input
//!
//! `width` and `height` are pixels, clamped to [`MIN_WIDTH`]..=[`MAX_SIZE`] and
//! [`MIN_HEIGHT`]..=[`MAX_SIZE`]. No input panics: missing values count as zero,
//! percentages are clamped to 0–100 (NaN as 0), money is summed in `i128`, reversed
//! date ranges are swapped. A chart with nothing to show (no months, no phases, no
//! readings) is a small SVG of the same size saying so ("No phases yet"), so the
//! caller may always render the string.

pub mod burnup;
pub mod draw;
pub mod heat_map;
pub mod portfolio_projection;
pub mod projection;
pub mod scale;
pub mod theme;
pub mod timeline;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod testing;

pub use burnup::{BurnupChart, BurnupPoint, burnup_chart, draw_burnup};
pub use heat_map::{HeatLevel, HeatMapChart, draw_heat_map, heat_map_chart};
pub use projection::{ProjectionChart, ProjectionSeries, draw_projection, projection_chart};
pub use timeline::{
    PhaseState, TimelineChart, TimelinePhase, draw_timeline, phase_state, timeline_chart,
};

use plotters::backend::SVGBackend;
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::Text;
use plotters::prelude::Cartesian2d;
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, DrawingBackend, IntoDrawingArea};
use plotters::style::text_anchor::{HPos, VPos};

/// What the `draw_*` functions return: plotters' error for backend `E`.
pub type DrawResult<E> = Result<(), DrawingAreaErrorKind<E>>;

pub const MIN_WIDTH: u32 = 160;
pub const MIN_HEIGHT: u32 = 100;
pub const MAX_SIZE: u32 = 4096;

fn clamp_size(width: u32, height: u32) -> (u32, u32) {
    (
        width.clamp(MIN_WIDTH, MAX_SIZE),
        height.clamp(MIN_HEIGHT, MAX_SIZE),
    )
}

/// Draws with `draw` on an SVG string of `width` × `height` and makes it accessible
/// with `label` (its name) and `desc` (its content in words).
fn render<F>(width: u32, height: u32, label: &str, desc: &str, draw: F) -> String
where
    F: for<'b> FnOnce(&DrawingArea<SVGBackend<'b>, Shift>) -> DrawResult<std::io::Error>,
{
    let (width, height) = clamp_size(width, height);
    let mut svg = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&root).and_then(|()| root.present())
    };
    match drawn {
        Ok(()) => accessible(svg, label, desc),
        // Writing to a String does not fail; if plotters ever reports an error, show
        // an empty, labelled frame rather than half a chart.
        Err(_) => accessible(
            format!(
                "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
                 xmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n"
            ),
            label,
            "The chart could not be drawn.",
        ),
    }
}

/// Adds `role="img"`, `aria-label`, `<title>` and `<desc>` to the root element.
fn accessible(svg: String, label: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let (open, rest) = svg.split_at(end);
    let rest = rest
        .strip_prefix(">\n")
        .or(rest.strip_prefix('>'))
        .unwrap_or(rest);
    let (label, desc) = (escape(label), escape(desc));
    format!(
        "{open} role=\"img\" aria-label=\"{label}\">\n<title>{label}</title>\n<desc>{desc}</desc>\n{rest}"
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole area says `message` (a chart with nothing to show).
fn draw_message<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    message: &str,
) -> DrawResult<DB::ErrorType> {
    let (w, h) = area.dim_in_pixel();
    let text = theme::fit_text(message, theme::FONT_BODY, w as i32 - 16);
    area.draw(&Text::new(
        text,
        (w as i32 / 2, h as i32 / 2),
        theme::text(theme::FONT_BODY, theme::MUTED, HPos::Center, VPos::Center),
    ))
}

/// The plotting box of `area` inside `margins` (top, bottom, left, right pixels),
/// mapping `x` left to right and `y` bottom to top. (plotters' `ChartBuilder` does the
/// same, but its caption support links the font backend's text measuring into the
/// WebAssembly build even when unused.)
fn plot_area<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (top, bottom, left, right): (i32, i32, i32, i32),
    x: Range<f64>,
    y: Range<f64>,
) -> Plot<DB> {
    let inner = area.margin(top, bottom, left, right);
    // As `ChartBuilder` does: last pixels inclusive, y flipped so values grow upward.
    let (px, py) = inner.get_pixel_range();
    let pixels = (px.start..px.end - 1, py.end - 1..py.start);
    inner.apply_coord_spec(Cartesian2d::new(x, y, pixels))
}

type Plot<DB> = DrawingArea<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// `area`'s own coordinates of a backend pixel (charts may be drawn on a sub-area).
fn local<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, pixel: (i32, i32)) -> (i32, i32) {
    let base = area.get_base_pixel();
    (pixel.0 - base.0, pixel.1 - base.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessible_root_has_role_label_title_and_desc() {
        let svg = render(300, 200, "Cost & \"risk\"", "Two <lines>", |area| {
            draw_message(area, "Nothing yet")
        });
        assert!(svg.starts_with(
            "<svg width=\"300\" height=\"200\" viewBox=\"0 0 300 200\" \
             xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
             aria-label=\"Cost &amp; &quot;risk&quot;\">\n\
             <title>Cost &amp; &quot;risk&quot;</title>\n<desc>Two &lt;lines&gt;</desc>\n"
        ));
        assert!(svg.contains(">\nNothing yet\n</text>"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn sizes_are_clamped() {
        let svg = render(0, u32::MAX, "x", "y", |_| Ok(()));
        assert!(svg.starts_with("<svg width=\"160\" height=\"4096\""));
    }
}
