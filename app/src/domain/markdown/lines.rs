//! First pass: each line of the document classified by its Markdown shape alone.

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Blank,
    /// Horizontal rule: decoration.
    Rule,
    /// Opening fence of a code block, with the number of lines the block holds.
    Fence(usize),
    /// A line inside a code block.
    Code,
    Heading {
        level: usize,
        text: String,
    },
    /// `- [ ]`, `- [x]`; also `[~]` (in progress) and `[-]` (not applicable).
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

fn is_rule(t: &str) -> bool {
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|m| compact.chars().all(|c| c == *m))
}

fn fence_marker(t: &str) -> Option<&'static str> {
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

fn classify_one(line: &str) -> Shape {
    let t = line.trim();
    if t.is_empty() {
        return Shape::Blank;
    }
    let indent = indent_of(line);
    if let Some(rest) = t.strip_prefix('#') {
        let hashes = 1 + rest.bytes().take_while(|b| *b == b'#').count();
        let after = &t[hashes..];
        if hashes <= 6 && (after.is_empty() || after.starts_with([' ', '\t'])) {
            let text = after.trim().trim_end_matches('#').trim().to_string();
            return Shape::Heading {
                level: hashes,
                text,
            };
        }
    }
    if is_rule(t) {
        return Shape::Rule;
    }
    if t.starts_with('|') {
        return Shape::Table;
    }
    if let Some(rest) = t.strip_prefix('>') {
        return Shape::Quote {
            indent,
            text: rest.strip_prefix(' ').unwrap_or(rest).to_string(),
        };
    }
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            let rest = rest.trim_start();
            let b = rest.as_bytes();
            if b.len() >= 3 && b[0] == b'[' && b[2] == b']' && (b.len() == 3 || b[3] == b' ') {
                let mark = b[1] as char;
                if matches!(mark, ' ' | 'x' | 'X' | '~' | '-') {
                    return Shape::Checkbox {
                        indent,
                        mark: mark.to_ascii_lowercase(),
                        text: rest[3..].trim().to_string(),
                    };
                }
            }
            return Shape::Bullet {
                indent,
                text: rest.trim().to_string(),
            };
        }
    }
    if t == "-" || t == "*" {
        return Shape::Bullet {
            indent,
            text: String::new(),
        };
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Shape::Numbered {
                indent,
                text: r.trim().to_string(),
            };
        }
    }
    Shape::Text {
        indent,
        text: t.to_string(),
    }
}

/// Classifies every line. Code blocks are found here so nothing inside one is ever
/// read as structure; an unclosed fence runs to the end, as in Markdown.
pub fn classify(text: &str) -> Vec<Line> {
    let raw: Vec<&str> = text.lines().collect();
    let mut out: Vec<Line> = Vec::with_capacity(raw.len());
    let mut open: Option<(&str, usize)> = None;
    for (i, line) in raw.iter().enumerate() {
        let no = i + 1;
        let t = line.trim();
        let shape = match open {
            Some((marker, start)) => {
                if t.starts_with(marker)
                    && t.trim_start_matches(marker.chars().next().unwrap_or('`'))
                        .trim()
                        .is_empty()
                {
                    open = None;
                    let inside = i - start - 1;
                    if let Shape::Fence(n) = &mut out[start].shape {
                        *n = inside;
                    }
                }
                Shape::Code
            }
            None => match fence_marker(t) {
                Some(marker) => {
                    open = Some((marker, i));
                    Shape::Fence(raw.len() - i - 1)
                }
                None => classify_one(line),
            },
        };
        out.push(Line {
            no,
            raw: line.trim_end().to_string(),
            shape,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(line: &str) -> Shape {
        classify(line).remove(0).shape
    }

    #[test]
    fn shapes() {
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
        assert!(matches!(shape("* [ ]"), Shape::Checkbox { mark: ' ', .. }));
        assert!(matches!(shape("  - item"), Shape::Bullet { indent: 2, .. }));
        assert!(matches!(shape("12. step"), Shape::Numbered { .. }));
        assert!(matches!(shape("2024. A year"), Shape::Numbered { .. }));
        assert_eq!(shape("---"), Shape::Rule);
        assert_eq!(shape("* * *"), Shape::Rule);
        assert!(matches!(shape("**Bold**: x"), Shape::Text { .. }));
    }

    #[test]
    fn code_blocks_hide_their_lines() {
        let lines = classify("a\n```hcl\n# not a heading\n- not an item\n```\nb");
        assert_eq!(lines[1].shape, Shape::Fence(2));
        assert_eq!(lines[2].shape, Shape::Code);
        assert_eq!(lines[4].shape, Shape::Code);
        assert!(matches!(lines[5].shape, Shape::Text { .. }));
    }
}
