//! Test helpers: snapshot files and a minimal reader for the SVG plotters writes.

use std::path::PathBuf;

/// Compares `svg` with `src/charts/snapshots/{name}.svg`.
///
/// The file is written when it is missing (outside CI) or when `UPDATE_SNAPSHOTS=1`; otherwise a
/// difference fails the test, names the first differing line and leaves the new
/// output beside the snapshot as `{name}.svg.new` for a diff.
pub fn assert_snapshot(name: &str, svg: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/charts/snapshots");
    let path = dir.join(format!("{name}.svg"));
    let new_path = dir.join(format!("{name}.svg.new"));
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| !v.is_empty() && v != "0");
    let existing = std::fs::read_to_string(&path).ok();
    // In CI a missing snapshot is a failure: a deleted file must not pass silently.
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        existing.is_some() || update || !in_ci,
        "snapshot {} is missing; run the tests locally to write it and commit it",
        path.display()
    );
    if update || existing.is_none() {
        std::fs::create_dir_all(&dir).expect("create snapshot directory");
        std::fs::write(&path, svg).expect("write snapshot");
        let _ = std::fs::remove_file(&new_path);
        eprintln!("wrote snapshot {}", path.display());
        return;
    }
    let expected = existing.unwrap_or_default();
    if expected == svg {
        let _ = std::fs::remove_file(&new_path);
        return;
    }
    let _ = std::fs::write(&new_path, svg);
    let (line, want, got) = expected
        .lines()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(svg.lines().map(Some).chain(std::iter::repeat(None)))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a.unwrap_or("<end>"), b.unwrap_or("<end>")))
        .unwrap_or((0, "", ""));
    panic!(
        "chart `{name}` differs from its snapshot {}\n\
         first difference at line {line}:\n  snapshot: {want}\n  now:      {got}\n\
         the new output is in {}: `diff` the two, and if the change is intended, \
         run `UPDATE_SNAPSHOTS=1 cargo test -p app --lib charts` to accept it",
        path.display(),
        new_path.display()
    );
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn int(tag: &str, name: &str) -> i32 {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(i32::MIN)
}

/// Every element `<name …>` as its attribute text.
fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    svg.match_indices(&open)
        .filter_map(|(i, _)| {
            let rest = &svg[i..];
            rest.find('>').map(|end| &rest[..end])
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SvgText {
    pub x: i32,
    pub y: i32,
    pub text: String,
}

/// Every `<text>` with its anchor point and (unescaped) content.
pub fn texts(svg: &str) -> Vec<SvgText> {
    svg.match_indices("<text ")
        .filter_map(|(i, _)| {
            let rest = &svg[i..];
            let open_end = rest.find('>')?;
            let close = rest.find("</text>")?;
            let content = rest[open_end + 1..close].trim();
            let tag = &rest[..open_end];
            Some(SvgText {
                x: int(tag, "x"),
                y: int(tag, "y"),
                text: content
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SvgPolyline {
    pub stroke: String,
    pub points: Vec<(i32, i32)>,
}

pub fn polylines(svg: &str) -> Vec<SvgPolyline> {
    tags(svg, "polyline")
        .into_iter()
        .map(|tag| SvgPolyline {
            stroke: attr(tag, "stroke").unwrap_or_default().to_string(),
            points: attr(tag, "points")
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|p| {
                    let (x, y) = p.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SvgRect {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
    pub fill: String,
}

pub fn rects(svg: &str) -> Vec<SvgRect> {
    tags(svg, "rect")
        .into_iter()
        .map(|tag| SvgRect {
            x: int(tag, "x"),
            y: int(tag, "y"),
            width: int(tag, "width"),
            height: int(tag, "height"),
            fill: attr(tag, "fill").unwrap_or_default().to_string(),
        })
        .collect()
}
