//! Colours, fonts and the text-width estimate shared by every chart.
//!
//! The colours are the page's light theme (`style/main.css`): surface white, text
//! `#1b1f24`, muted grey `#5b6470`, lines `#dde1e6`, accent blue `#2456d6`, green
//! `#1f8a4c`, red `#c62828`, amber `#b26a00`.

use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform, RGBColor, TextStyle};

pub const SURFACE: RGBColor = RGBColor(0xff, 0xff, 0xff);
pub const TEXT: RGBColor = RGBColor(0x1b, 0x1f, 0x24);
pub const MUTED: RGBColor = RGBColor(0x5b, 0x64, 0x70);
pub const LINE: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);
pub const GRID: RGBColor = RGBColor(0xec, 0xee, 0xf1);
pub const ACCENT: RGBColor = RGBColor(0x24, 0x56, 0xd6);
pub const GREEN: RGBColor = RGBColor(0x1f, 0x8a, 0x4c);
pub const RED: RGBColor = RGBColor(0xc6, 0x28, 0x28);
pub const AMBER: RGBColor = RGBColor(0xb2, 0x6a, 0x00);

/// Pale fills behind the strong colours (planned bars, empty heat-map cells).
pub const ACCENT_PALE: RGBColor = RGBColor(0xdb, 0xe5, 0xfa);
pub const GREEN_PALE: RGBColor = RGBColor(0xd5, 0xec, 0xdf);
pub const RED_PALE: RGBColor = RGBColor(0xf6, 0xd6, 0xd6);

/// Fills for cost categories, in series order (cycled). Blue is left out so the
/// accent-blue total line stands out against the bars.
pub const CATEGORY: [RGBColor; 8] = [
    RGBColor(0x4f, 0xa8, 0xb8), // teal
    RGBColor(0xe3, 0x9b, 0x3d), // orange
    RGBColor(0x8c, 0x78, 0xd0), // purple
    RGBColor(0x5f, 0xb0, 0x7e), // green
    RGBColor(0xd9, 0x73, 0x8f), // rose
    RGBColor(0xb8, 0xa4, 0x4a), // olive
    RGBColor(0x8f, 0x98, 0xa3), // grey
    RGBColor(0xc5, 0x8a, 0x5e), // brown
];

/// The colour of the `index`th category.
pub fn category_color(index: usize) -> RGBColor {
    CATEGORY[index % CATEGORY.len()]
}

/// The page's font stack; the SVG names it and the browser picks the font.
pub const FONT_FAMILY: &str = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

/// Font sizes in CSS pixels. plotters' SVG backend writes `font-size` as its size
/// divided by 1.24; these sizes survive the round trip `px * 1.24 / 1.24` exactly, so
/// the SVG says `font-size="12"`, not `12.000000000000002`.
pub const FONT_SMALL: f64 = 11.0;
pub const FONT_BODY: f64 = 12.0;
pub const FONT_TITLE: f64 = 14.0;
pub const FONT_LARGE: f64 = 16.0;

/// A text style: `px` CSS pixels, `color`, anchored at (`h`, `v`) of the text box.
pub fn text(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px, FontStyle::Normal, FontTransform::None)
        .color(&color)
        .pos(Pos::new(h, v))
}

/// Like [`text`], bold.
pub fn bold(px: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px, FontStyle::Bold, FontTransform::None)
        .color(&color)
        .pos(Pos::new(h, v))
}

/// Like [`text`], rotated to read bottom to top (a vertical axis title).
pub fn vertical(px: f64, color: RGBColor) -> TextStyle<'static> {
    font(px, FontStyle::Normal, FontTransform::Rotate270)
        .color(&color)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

fn font(px: f64, style: FontStyle, transform: FontTransform) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), px * 1.24, style).transform(transform)
}

/// Estimated width in pixels of `text` at `px` pixels, from fixed per-character
/// widths (hundredths of an em) for a typical sans-serif. Pure integer arithmetic
/// on the characters: the same answer on the server and in WebAssembly, with no
/// font file and no DOM. Generous rather than tight, so labels do not collide.
pub fn text_width(text: &str, px: f64) -> i32 {
    let hundredths: u64 = text.chars().map(char_width).sum();
    (hundredths as f64 * px / 100.0).ceil() as i32
}

fn char_width(c: char) -> u64 {
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 30,
        'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' => 38,
        'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 88,
        '0'..='9' | '$' | '+' | '−' | '…' => 58,
        'A'..='Z' => 68,
        c if c.is_ascii() => 56,
        // Accented letters are about as wide as ASCII ones; CJK and emoji are wider.
        c if (c as u32) < 0x2E80 => 62,
        _ => 100,
    }
}

/// `text` cut to fit `max_width` pixels at `px`, ending with "…" when cut; empty
/// when not even the ellipsis fits.
pub fn fit_text(text: &str, px: f64, max_width: i32) -> String {
    if text_width(text, px) <= max_width {
        return text.to_string();
    }
    let mut kept = String::new();
    for c in text.chars() {
        kept.push(c);
        if text_width(&format!("{}…", kept.trim_end()), px) > max_width {
            kept.pop();
            break;
        }
    }
    let kept = kept.trim_end();
    if kept.is_empty() && text_width("…", px) > max_width {
        String::new()
    } else {
        format!("{kept}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_estimate_grows_with_text_and_size() {
        assert_eq!(text_width("", 12.0), 0);
        assert!(text_width("$1,216", 12.0) < text_width("$1,216,000", 12.0));
        assert!(text_width("Dec 26", 11.0) < text_width("Dec 26", 16.0));
        // Digits are uniform, as in tabular figures.
        assert_eq!(text_width("1111", 12.0), text_width("8888", 12.0));
    }

    #[test]
    fn fit_text_cuts_with_ellipsis() {
        assert_eq!(fit_text("Phase 1", 12.0, 500), "Phase 1");
        let cut = fit_text("Phase 1: Critical security hardening", 12.0, 80);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(text_width(&cut, 12.0) <= 80);
        assert_eq!(fit_text("Phase", 12.0, 1), "");
    }
}
