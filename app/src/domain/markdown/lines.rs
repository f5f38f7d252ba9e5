//! First pass: pulldown-cmark (CommonMark with GFM tables, task lists and
//! strikethrough) reads the document, and each source line is given the shape of the
//! construct it belongs to. The importer then reads headings, list entries, fields and
//! prose line by line, as the preview reports them.
//!
//! Why lines and not a tree: the preview and the skipped list speak in line numbers,
//! and the readers of fields (`**Key**: value`) and amounts work on a line's source
//! text, emphasis included. The parser decides what is structure: code blocks, HTML
//! (comments included), front matter and blockquotes hide what looks like headings or
//! boxes inside them; task markers are found in any list, numbered ones included.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Options, Parser, Tag};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Blank,
    /// Horizontal rule (or a setext heading's underline): decoration.
    Rule,
    /// First line of a code block, with the number of lines of code it holds.
    Fence(usize),
    /// A line inside a code block, an HTML block or front matter.
    Code,
    /// First line of an HTML block or of front matter: not shown as text by GitHub.
    Hidden {
        what: &'static str,
        lines: usize,
    },
    Heading {
        level: usize,
        text: String,
    },
    /// `- [ ]`, `1. [x]`; also `[~]` (in progress) and `[-]` (not applicable).
    Checkbox {
        indent: usize,
        mark: char,
        text: String,
    },
    Bullet {
        indent: usize,
        text: String,
    },
    Numbered {
        indent: usize,
        text: String,
    },
    Quote {
        indent: usize,
        text: String,
    },
    /// First line of a table: index into [`Doc::tables`].
    TableStart(usize),
    /// Any other line of a table.
    Table,
    Text {
        indent: usize,
        text: String,
    },
}

#[derive(Debug, Clone)]
pub struct Line {
    /// 1-based line number in the (repaired) text.
    pub no: usize,
    pub raw: String,
    pub shape: Shape,
}

/// A table's cells as plain text (emphasis and code marks dropped).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    /// Body rows with their 1-based line numbers.
    pub rows: Vec<(usize, Vec<String>)>,
    /// First and last 1-based line numbers.
    pub first_line: usize,
    pub last_line: usize,
    /// Index of the line after the table.
    pub end: usize,
}

pub struct Doc {
    pub lines: Vec<Line>,
    pub tables: Vec<Table>,
}

impl Line {
    pub fn indent(&self) -> usize {
        match &self.shape {
            Shape::Checkbox { indent, .. }
            | Shape::Bullet { indent, .. }
            | Shape::Numbered { indent, .. }
            | Shape::Quote { indent, .. }
            | Shape::Text { indent, .. } => *indent,
            _ => 0,
        }
    }

    /// The text of a list entry or prose line, without its marker.
    pub fn text(&self) -> &str {
        match &self.shape {
            Shape::Checkbox { text, .. }
            | Shape::Bullet { text, .. }
            | Shape::Numbered { text, .. }
            | Shape::Quote { text, .. }
            | Shape::Text { text, .. }
            | Shape::Heading { text, .. } => text,
            _ => "",
        }
    }
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4,
            _ => break,
        }
    }
    n
}

/// `## Title ##` → "Title".
fn atx_text(line: &str) -> String {
    let t = line.trim().trim_start_matches('#');
    let t = t.trim();
    let stripped = t.trim_end_matches('#');
    // A closing run of `#` counts only after a space ("C#" keeps its sign).
    if stripped.len() < t.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
        stripped.trim().to_string()
    } else {
        t.to_string()
    }
}

/// The text of a list entry's first line after its marker (`-`, `*`, `+`, `12.`,
/// `3)`) and after a task box when the parser found one.
fn entry_text(line: &str, task: bool) -> String {
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = if digits > 0 {
        t[digits..].strip_prefix(['.', ')']).unwrap_or(&t[digits..])
    } else {
        t.strip_prefix(['-', '*', '+']).unwrap_or(t)
    };
    let rest = rest.trim_start();
    let rest = if task {
        let b = rest.as_bytes();
        if b.len() >= 3 && b[0] == b'[' && b[2] == b']' {
            &rest[3..]
        } else {
            rest
        }
    } else {
        rest
    };
    rest.trim().to_string()
}

/// `[~] text` and `[-] text`: the old reader's in-progress and not-applicable boxes,
/// which CommonMark does not know.
fn extra_box(text: &str) -> Option<(char, String)> {
    let b = text.as_bytes();
    if b.len() >= 3 && b[0] == b'[' && b[2] == b']' && (b.len() == 3 || b[3] == b' ') {
        let mark = b[1] as char;
        if matches!(mark, '~' | '-') {
            return Some((mark, text[3..].trim().to_string()));
        }
    }
    None
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
    shapes: Vec<Option<Shape>>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        if text.ends_with('\n') {
            starts.pop();
        }
        let n = starts.len();
        Lines {
            text,
            starts,
            shapes: vec![None; n],
        }
    }

    fn len(&self) -> usize {
        self.starts.len()
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// 0-based lines covered by a byte range (a range ending in a newline does not
    /// cover the next line).
    fn span(&self, r: &Range<usize>) -> Range<usize> {
        let first = self.line_of(r.start);
        let last = self.line_of(r.end.saturating_sub(1).max(r.start));
        first..(last + 1).min(self.len()).max(first + 1)
    }

    fn raw(&self, i: usize) -> &'t str {
        let start = self.starts[i];
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    fn set(&mut self, i: usize, shape: Shape) {
        if let Some(slot) = self.shapes.get_mut(i) {
            *slot = Some(shape);
        }
    }

    fn set_if_empty(&mut self, i: usize, shape: Shape) {
        if let Some(slot) = self.shapes.get_mut(i)
            && slot.is_none()
        {
            *slot = Some(shape);
        }
    }
}

/// What the parser is inside while its events stream past.
enum Open {
    List { ordered: bool },
    Item { line: usize, ordered: bool },
    Other,
}

/// Reads the document. Every line gets a shape; tables are read into cells.
pub fn classify(text: &str) -> Doc {
    let mut lines = Lines::new(text);
    let mut tables: Vec<Table> = Vec::new();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut stack: Vec<Open> = Vec::new();
    // Quote spans are applied last: nothing inside a quote is structure.
    let mut quotes: Vec<Range<usize>> = Vec::new();
    let mut table: Option<Table> = None;
    let mut row: Option<(usize, Vec<String>)> = None;
    let mut cell: Option<String> = None;
    let mut in_head = false;
    let mut pending_item: Option<(usize, bool)> = None;
    // Inline comments (`- [x] Done <!-- note -->`): GitHub shows none of their text.
    let mut comments: Vec<(usize, String)> = Vec::new();

    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        // An item's first line is settled once its first inner event shows whether it
        // starts with a task box.
        if let Some((line, ordered)) = pending_item.take() {
            match &event {
                Event::TaskListMarker(checked) => {
                    let raw = lines.raw(line);
                    let mark = if *checked { 'x' } else { ' ' };
                    lines.set_if_empty(
                        line,
                        Shape::Checkbox {
                            indent: indent_of(raw),
                            mark,
                            text: entry_text(raw, true),
                        },
                    );
                }
                Event::Start(Tag::Paragraph) => pending_item = Some((line, ordered)),
                _ => set_entry(&mut lines, line, ordered),
            }
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::List(first) => stack.push(Open::List {
                    ordered: first.is_some(),
                }),
                Tag::Item => {
                    let ordered = matches!(stack.last(), Some(Open::List { ordered: true }));
                    let line = lines.line_of(range.start);
                    stack.push(Open::Item { line, ordered });
                    pending_item = Some((line, ordered));
                }
                Tag::Heading { level, .. } => {
                    let span = lines.span(&range);
                    let first = span.start;
                    let raw = lines.raw(first);
                    let atx = raw.trim_start().starts_with('#');
                    let text = if atx {
                        atx_text(raw)
                    } else {
                        // Setext: the text lines, then the underline.
                        let end = span.end.saturating_sub(1).max(first + 1);
                        (first..end)
                            .map(|i| lines.raw(i).trim())
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    for i in span.clone() {
                        lines.set(i, Shape::Rule);
                    }
                    lines.set(
                        first,
                        Shape::Heading {
                            level: heading_level(level),
                            text,
                        },
                    );
                    stack.push(Open::Other);
                }
                Tag::CodeBlock(kind) => {
                    let span = lines.span(&range);
                    let count = span.len();
                    let inside = match kind {
                        CodeBlockKind::Fenced(_) => {
                            let last = lines.raw(span.end - 1).trim_start();
                            let closed =
                                count > 1 && (last.starts_with("```") || last.starts_with("~~~"));
                            count.saturating_sub(if closed { 2 } else { 1 })
                        }
                        CodeBlockKind::Indented => count,
                    };
                    for i in span.clone() {
                        lines.set(i, Shape::Code);
                    }
                    lines.set(span.start, Shape::Fence(inside));
                    stack.push(Open::Other);
                }
                Tag::HtmlBlock | Tag::MetadataBlock(_) => {
                    let what = match tag {
                        Tag::MetadataBlock(MetadataBlockKind::YamlStyle) => "front matter",
                        Tag::MetadataBlock(_) => "metadata block",
                        _ if text[range.clone()].trim_start().starts_with("<!--") => "HTML comment",
                        _ => "HTML block",
                    };
                    hide(&mut lines, &range, what);
                    stack.push(Open::Other);
                }
                Tag::BlockQuote(_) => {
                    quotes.push(lines.span(&range));
                    stack.push(Open::Other);
                }
                Tag::Table(_) => {
                    let span = lines.span(&range);
                    for i in span.clone() {
                        lines.set(i, Shape::Table);
                    }
                    lines.set(span.start, Shape::TableStart(tables.len()));
                    table = Some(Table {
                        first_line: span.start + 1,
                        last_line: span.end,
                        end: span.end,
                        ..Table::default()
                    });
                    stack.push(Open::Other);
                }
                Tag::TableHead => {
                    in_head = true;
                    row = Some((lines.line_of(range.start) + 1, Vec::new()));
                    stack.push(Open::Other);
                }
                Tag::TableRow => {
                    row = Some((lines.line_of(range.start) + 1, Vec::new()));
                    stack.push(Open::Other);
                }
                Tag::TableCell => {
                    cell = Some(String::new());
                    stack.push(Open::Other);
                }
                _ => stack.push(Open::Other),
            },
            Event::End(end) => {
                use pulldown_cmark::TagEnd;
                if let Some(Open::Item { line, ordered }) = stack.pop() {
                    // An empty item ends before any inner event.
                    set_entry(&mut lines, line, ordered);
                }
                match end {
                    TagEnd::TableCell => {
                        if let (Some(c), Some((_, cells))) = (cell.take(), row.as_mut()) {
                            cells.push(c.trim().to_string());
                        }
                    }
                    TagEnd::TableHead | TagEnd::TableRow => {
                        if let (Some((no, cells)), Some(t)) = (row.take(), table.as_mut()) {
                            if in_head {
                                t.header = cells;
                            } else {
                                t.rows.push((no, cells));
                            }
                        }
                        in_head = false;
                    }
                    TagEnd::Table => tables.extend(table.take()),
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(c) = cell.as_mut() {
                    c.push(' ');
                }
            }
            Event::Rule => {
                let i = lines.line_of(range.start);
                lines.set(i, Shape::Rule);
            }
            Event::InlineHtml(h) if h.starts_with("<!--") => {
                comments.push((lines.line_of(range.start), h.to_string()));
            }
            _ => {}
        }
    }
    if let Some((line, ordered)) = pending_item {
        set_entry(&mut lines, line, ordered);
    }
    for span in quotes {
        for i in span {
            let raw = lines.raw(i);
            let t = raw.trim();
            if t.is_empty() {
                lines.set(i, Shape::Blank);
                continue;
            }
            let text = match t.strip_prefix('>') {
                Some(rest) => rest.strip_prefix(' ').unwrap_or(rest),
                None => t,
            };
            lines.set(
                i,
                Shape::Quote {
                    indent: indent_of(raw),
                    text: text.to_string(),
                },
            );
        }
    }
    for (i, comment) in comments {
        if let Some(Some(
            Shape::Checkbox { text, .. }
            | Shape::Bullet { text, .. }
            | Shape::Numbered { text, .. }
            | Shape::Heading { text, .. },
        )) = lines.shapes.get_mut(i)
        {
            *text = text.replace(&comment, "").trim().to_string();
        }
    }
    let out = (0..lines.len())
        .map(|i| {
            let raw = lines.raw(i);
            let shape = lines.shapes[i].take().unwrap_or_else(|| {
                if raw.trim().is_empty() {
                    Shape::Blank
                } else {
                    Shape::Text {
                        indent: indent_of(raw),
                        text: raw.trim().to_string(),
                    }
                }
            });
            Line {
                no: i + 1,
                raw: raw.trim_end().to_string(),
                shape,
            }
        })
        .collect();
    Doc { lines: out, tables }
}

fn set_entry(lines: &mut Lines, line: usize, ordered: bool) {
    if lines.shapes.get(line).is_none_or(|s| s.is_some()) {
        return;
    }
    let raw = lines.raw(line);
    let indent = indent_of(raw);
    let text = entry_text(raw, false);
    let shape = match extra_box(&text) {
        Some((mark, text)) => Shape::Checkbox { indent, mark, text },
        None if ordered => Shape::Numbered { indent, text },
        None => Shape::Bullet { indent, text },
    };
    lines.set(line, shape);
}

fn hide(lines: &mut Lines, range: &Range<usize>, what: &'static str) {
    let span = lines.span(range);
    let count = span.len();
    for i in span.clone() {
        lines.set(i, Shape::Code);
    }
    lines.set(span.start, Shape::Hidden { what, lines: count });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(text: &str) -> Vec<Shape> {
        classify(text).lines.into_iter().map(|l| l.shape).collect()
    }

    fn shape(line: &str) -> Shape {
        shapes(line).remove(0)
    }

    #[test]
    fn shapes_of_single_lines() {
        assert_eq!(
            shape("### Phase 1 ###"),
            Shape::Heading {
                level: 3,
                text: "Phase 1".into()
            }
        );
        assert!(matches!(shape("#hashtag"), Shape::Text { .. }));
        assert!(matches!(
            shape("- [x] Done"),
            Shape::Checkbox { mark: 'x', .. }
        ));
        assert!(matches!(
            shape("- [~] Half"),
            Shape::Checkbox { mark: '~', .. }
        ));
        assert!(matches!(shape("* [ ]"), Shape::Bullet { .. }));
        assert!(matches!(shape("  - item"), Shape::Bullet { indent: 2, .. }));
        assert!(matches!(shape("12. step"), Shape::Numbered { .. }));
        assert_eq!(shape("---"), Shape::Rule);
        assert_eq!(shape("* * *"), Shape::Rule);
        assert!(matches!(shape("**Bold**: x"), Shape::Text { .. }));
    }

    #[test]
    fn numbered_task_items_are_boxes() {
        let s = shapes("1. [ ] Threat model reviewed\n2. [x] Pen test booked\n");
        assert_eq!(
            s[0],
            Shape::Checkbox {
                indent: 0,
                mark: ' ',
                text: "Threat model reviewed".into()
            }
        );
        assert!(matches!(s[1], Shape::Checkbox { mark: 'x', .. }));
    }

    #[test]
    fn code_comments_and_front_matter_hide_their_lines() {
        let s = shapes(
            "---\ntitle: x\n---\na\n\n```sh\n# not a heading\n- [ ] not an item\n```\n<!--\n- [ ] hidden\n-->\nb",
        );
        assert_eq!(
            s[0],
            Shape::Hidden {
                what: "front matter",
                lines: 3
            }
        );
        assert_eq!(s[5], Shape::Fence(2));
        assert_eq!(s[6], Shape::Code);
        assert_eq!(s[7], Shape::Code);
        assert!(matches!(
            s[9],
            Shape::Hidden {
                what: "HTML comment",
                ..
            }
        ));
        assert_eq!(s[10], Shape::Code);
        assert!(matches!(s[12], Shape::Text { .. }));
    }

    #[test]
    fn tables_are_read_into_cells() {
        let doc = classify("| Check | **Level** |\n|---|---|\n| TLS `on` | 🔴 |\n| WAF | C |\n");
        assert_eq!(doc.lines[0].shape, Shape::TableStart(0));
        assert_eq!(doc.lines[3].shape, Shape::Table);
        let t = &doc.tables[0];
        assert_eq!(t.header, ["Check", "Level"]);
        assert_eq!(
            t.rows,
            [
                (3, vec!["TLS on".to_string(), "🔴".to_string()]),
                (4, vec!["WAF".to_string(), "C".to_string()])
            ]
        );
        assert_eq!((t.first_line, t.last_line, t.end), (1, 4, 4));
    }

    #[test]
    fn loose_and_nested_lists_keep_their_kind() {
        let s = shapes("1. [ ] a\n\n2. b\n   - c\n\n     1. d\n- [x] e\n");
        assert!(matches!(s[0], Shape::Checkbox { mark: ' ', .. }));
        assert!(matches!(s[2], Shape::Numbered { .. }));
        assert!(matches!(s[3], Shape::Bullet { indent: 3, .. }));
        assert!(matches!(s[5], Shape::Numbered { indent: 5, .. }));
        assert!(matches!(s[6], Shape::Checkbox { mark: 'x', .. }));
    }

    #[test]
    fn quotes_hide_their_structure() {
        let s = shapes("- [ ] A\n  > - [ ] not a box\n");
        assert!(matches!(s[0], Shape::Checkbox { .. }));
        assert!(matches!(s[1], Shape::Quote { indent: 2, .. }));
    }
}
