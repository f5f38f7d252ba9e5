//! Repairs UTF-8 text that was once decoded as Mac Roman and re-encoded ("‚úÖ" for
//! "✅"). Each character of such text maps back to one Mac Roman byte; where a run of
//! those bytes is valid UTF-8 again, the run is replaced by what it decodes to.

/// Unicode code points of Mac Roman bytes 0x80..=0xFF, in byte order.
const MAC_ROMAN_HIGH: [u16; 128] = [
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4, 0x00E3,
    0x00E5, 0x00E7, 0x00E9, 0x00E8, 0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC, 0x2020, 0x00B0, 0x00A2, 0x00A3,
    0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA,
    0x00BA, 0x03A9, 0x00E6, 0x00F8, 0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201C, 0x201D,
    0x2018, 0x2019, 0x00F7, 0x25CA, 0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE,
    0x00CF, 0x00CC, 0x00D3, 0x00D4, 0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
];

fn mac_roman_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if code < 0x80 {
        return None;
    }
    MAC_ROMAN_HIGH
        .iter()
        .position(|&m| u32::from(m) == code)
        .map(|i| 0x80 + i as u8)
}

/// Length of the UTF-8 sequence a lead byte starts, if it is a lead byte.
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// One repairable spot: the char range it covers and what it decodes to.
struct Fix {
    start: usize,
    len: usize,
    decoded: char,
}

fn find_fixes(chars: &[char]) -> Vec<Fix> {
    let mut fixes = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(n) = mac_roman_byte(chars[i]).and_then(sequence_len) else {
            i += 1;
            continue;
        };
        let bytes: Option<Vec<u8>> = chars
            .get(i..i + n)
            .map(|run| run.iter().map(|c| mac_roman_byte(*c)).collect())
            .unwrap_or(None);
        let decoded = bytes
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| s.chars().next());
        match decoded {
            Some(decoded) => {
                fixes.push(Fix {
                    start: i,
                    len: n,
                    decoded,
                });
                i += n;
            }
            None => i += 1,
        }
    }
    fixes
}

/// Returns the repaired text and whether anything was repaired.
///
/// Why the threshold: a single two-character pair such as "–é" can occur in honest
/// text, so repair happens only when the text holds a three- or four-byte sequence
/// (emoji, symbols, curly quotes: what these documents carry) or at least two
/// two-byte ones. Text that cannot be repaired is returned unchanged.
pub fn repair(text: &str) -> (String, bool) {
    if text.is_ascii() {
        return (text.to_string(), false);
    }
    let chars: Vec<char> = text.chars().collect();
    let fixes = find_fixes(&chars);
    let long = fixes.iter().filter(|f| f.len >= 3).count();
    if fixes.is_empty() || (long == 0 && fixes.len() < 2) {
        return (text.to_string(), false);
    }
    let mut out = String::with_capacity(text.len());
    let mut next = fixes.iter().peekable();
    let mut i = 0;
    while i < chars.len() {
        match next.peek() {
            Some(fix) if fix.start == i => {
                out.push(fix.decoded);
                i += fix.len;
                next.next();
            }
            _ => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_seed_marks() {
        assert_eq!(repair("Ready ‚úÖ"), ("Ready ✅".to_string(), true));
        assert_eq!(repair("75% ‚ö†Ô∏è done"), ("75% ⚠️ done".to_string(), true));
        assert_eq!(repair("‚ùå gaps"), ("❌ gaps".to_string(), true));
        assert_eq!(
            repair("## \u{F8FF}üîß Tools"),
            ("## 🔧 Tools".to_string(), true)
        );
    }

    #[test]
    fn leaves_honest_text_alone() {
        for text in [
            "plain",
            "café crème",
            "✅ done",
            "naïve – déjà vu",
            "√ü",
            "‚",
        ] {
            assert_eq!(repair(text), (text.to_string(), false), "{text}");
        }
    }

    #[test]
    fn keeps_what_it_cannot_repair() {
        // A lead byte without its continuation stays as it was; the rest is fixed.
        assert_eq!(repair("‚ x ‚úÖ"), ("‚ x ✅".to_string(), true));
    }
}
