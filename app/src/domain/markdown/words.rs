//! Small text rules the importer applies to single phrases: priority and severity
//! words, cost categories, effort and week ranges, amounts, dates, and title matching.

use crate::domain::money::parse_cents;
use crate::model::{CostCategory, Priority};
use chrono::NaiveDate;

/// Trims, then cuts to at most `max` characters (on a character boundary) and trims
/// again, so the result always passes the validator's length rule.
pub fn clip(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        return t.to_string();
    }
    let cut: String = t.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Removes Markdown emphasis and code marks (`**`, `__`, `*`, `` ` ``) but keeps
/// underscores inside words such as `flask_http_request_total`.
pub fn plain(text: &str) -> String {
    let t = text.replace("**", "").replace("__", "").replace('`', "");
    let chars: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '*' {
            let prev = i.checked_sub(1).and_then(|p| chars.get(p));
            let next = chars.get(i + 1);
            // A lone `*` between spaces or digits ("2 * 3") is not emphasis.
            let between_spaces =
                prev.is_none_or(|p| p.is_whitespace()) && next.is_none_or(|n| n.is_whitespace());
            if !between_spaces {
                continue;
            }
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// Status and decoration symbols that start headings and list entries.
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '✅' | '✔'
            | '☑'
            | '⚠'
            | '❌'
            | '✗'
            | '✘'
            | '🔧'
            | '🚀'
            | '📋'
            | '💰'
            | '🔒'
            | '📊'
            | '⭐'
            | '🎯'
            | '🛡'
            | '\u{FE0F}'
            | '\u{200D}'
    )
}

pub fn has_done_mark(text: &str) -> bool {
    text.contains('✅') || text.contains('✔') || text.contains('☑')
}

/// Strips leading status symbols, leading numbering ("1.", "2)") and emphasis.
pub fn clean_heading(text: &str) -> String {
    let t = plain(text);
    let t = t.trim_start_matches(|c: char| is_mark(c) || c.is_whitespace());
    let t = strip_numbering(t);
    let t = t.trim_start_matches(|c: char| is_mark(c) || c.is_whitespace());
    // Runs of spaces collapse, as they do when Markdown is shown (and exported).
    t.trim_end_matches(|c: char| is_mark(c) || c.is_whitespace())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_numbering(t: &str) -> &str {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = &t[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r.trim_start();
        }
    }
    t
}

/// Lowercase words (letters and digits), for keyword matching.
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn has_phrase(words: &[String], phrase: &str) -> bool {
    let p: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(p.len())
        .any(|w| w.iter().zip(&p).all(|(a, b)| a == b))
}

/// A trailing "(Critical)"-style marker: exactly a priority level, optionally followed
/// by "priority". Returns the title without it. These are stripped because they are
/// markers, not part of the name (the exporter writes them the same way).
pub fn split_priority_marker(title: &str) -> (String, Option<Priority>) {
    let t = title.trim_end();
    if let Some(open) = t.rfind('(')
        && t.ends_with(')')
    {
        let inner = t[open + 1..t.len() - 1].trim().to_lowercase();
        let inner = inner.strip_suffix(" priority").unwrap_or(&inner);
        let p = match inner {
            "critical" => Some(Priority::Critical),
            "high" => Some(Priority::High),
            "medium" => Some(Priority::Medium),
            "low" => Some(Priority::Low),
            _ => None,
        };
        if let Some(p) = p {
            let rest = t[..open].trim_end();
            if !rest.is_empty() {
                return (rest.to_string(), Some(p));
            }
        }
    }
    (t.to_string(), None)
}

/// Priority words in a heading. Plain "high"/"low" alone are not enough ("High
/// Availability"); they need "priority", or must be the whole parenthetical.
pub fn heading_priority(text: &str) -> Option<Priority> {
    let w = words(&text.replace('-', " "));
    let any = |ps: &[&str]| ps.iter().any(|p| has_phrase(&w, p));
    if any(&["critical", "must fix", "must have", "blocker", "blocking"]) {
        Some(Priority::Critical)
    } else if any(&["high priority", "important"]) {
        Some(Priority::High)
    } else if any(&["medium priority", "should have"]) {
        Some(Priority::Medium)
    } else if any(&[
        "low priority",
        "nice to have",
        "nice to haves",
        "optional",
        "could have",
    ]) {
        Some(Priority::Low)
    } else {
        split_priority_marker(text).1
    }
}

/// Priority words in an item. "critical" counts only as a marker ("(Critical)",
/// "Critical:"), so "Multi-region setup (for critical apps)" stays medium; "optional"
/// and "nice to have" anywhere make it low.
pub fn item_priority(text: &str) -> Option<Priority> {
    if let (_, Some(p)) = split_priority_marker(text) {
        return Some(p);
    }
    let lower = text.to_lowercase();
    for (prefix, p) in [
        ("critical:", Priority::Critical),
        ("[critical]", Priority::Critical),
        ("high priority:", Priority::High),
        ("high:", Priority::High),
        ("low:", Priority::Low),
    ] {
        if lower.trim_start().starts_with(prefix) {
            return Some(p);
        }
    }
    let w = words(&lower.replace('-', " "));
    let any = |ps: &[&str]| ps.iter().any(|p| has_phrase(&w, p));
    if any(&["must fix", "must have", "blocker"]) {
        Some(Priority::Critical)
    } else if any(&["high priority"]) {
        Some(Priority::High)
    } else if any(&["low priority", "nice to have", "optional"]) {
        Some(Priority::Low)
    } else {
        None
    }
}

/// Risk likelihood and impact (1–5) from a severity word; the documented rule:
/// critical → 4×5, high → 4×4, medium → 3×3, low → 2×2.
pub fn severity(text: &str) -> Option<(i16, i16)> {
    let w = words(text);
    w.iter().find_map(|word| match word.as_str() {
        "critical" | "severe" | "blocker" => Some((4, 5)),
        "high" | "major" => Some((4, 4)),
        "medium" | "moderate" => Some((3, 3)),
        "low" | "minor" => Some((2, 2)),
        _ => None,
    })
}

/// A 1–5 score written as a digit or a severity word. Words give the impact half of
/// [`severity`] for impacts and the likelihood half for likelihoods.
pub fn score(text: &str, impact: bool) -> Option<i16> {
    let t = text.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if let Ok(n) = digits.parse::<i16>() {
        return (1..=5).contains(&n).then_some(n);
    }
    severity(t).map(|(l, i)| if impact { i } else { l })
}

/// Category keywords; the earliest keyword in the name wins (ties: table order).
const CATEGORY_WORDS: &[(CostCategory, &[&str])] = &[
    (
        CostCategory::SecurityCompliance,
        &[
            "waf",
            "kms",
            "secrets",
            "secret",
            "guardduty",
            "security hub",
            "shield",
            "acm",
            "certificate",
            "cognito",
            "config",
            "cloudtrail",
            "inspector",
            "macie",
            "iam",
            "compliance",
            "security",
        ],
    ),
    (
        CostCategory::MonitoringLogging,
        &[
            "cloudwatch",
            "x ray",
            "xray",
            "logs",
            "log",
            "logging",
            "monitoring",
            "synthetics",
            "canary",
            "insights",
            "prometheus",
            "grafana",
            "datadog",
            "metrics",
            "alarms",
            "alarm",
            "tracing",
            "rum",
            "observability",
        ],
    ),
    (
        CostCategory::Database,
        &[
            "rds",
            "aurora",
            "dynamodb",
            "database",
            "elasticache",
            "redis",
            "opensearch",
            "documentdb",
            "postgresql",
            "postgres",
            "mysql",
            "db",
        ],
    ),
    (
        CostCategory::StorageBackup,
        &[
            "s3",
            "backup",
            "backups",
            "ebs",
            "efs",
            "glacier",
            "snapshot",
            "snapshots",
            "storage",
        ],
    ),
    (
        CostCategory::Networking,
        &[
            "nat",
            "alb",
            "nlb",
            "elb",
            "load balancer",
            "route53",
            "route 53",
            "cloudfront",
            "data transfer",
            "vpc",
            "api gateway",
            "global accelerator",
            "dns",
            "health checks",
            "health check",
            "hosted zone",
            "endpoints",
            "cdn",
        ],
    ),
    (
        CostCategory::Compute,
        &[
            "eks",
            "ec2",
            "fargate",
            "lambda",
            "ecs",
            "compute",
            "instances",
            "instance",
            "node",
            "nodes",
            "reserved",
            "savings plan",
            "spot",
            "kubernetes",
            "vcpu",
        ],
    ),
];

pub fn guess_category(name: &str) -> CostCategory {
    let w = words(&name.replace('-', " "));
    let mut best: Option<(usize, usize, CostCategory)> = None;
    for (rank, (category, keys)) in CATEGORY_WORDS.iter().enumerate() {
        for key in *keys {
            let p: Vec<&str> = key.split(' ').collect();
            if let Some(pos) = w
                .windows(p.len())
                .position(|win| win.iter().zip(&p).all(|(a, b)| a == b))
                && best.is_none_or(|(bp, br, _)| (pos, rank) < (bp, br))
            {
                best = Some((pos, rank, *category));
            }
        }
    }
    best.map_or(CostCategory::Other, |(_, _, c)| c)
}

/// A category written out by the exporter ("Monitoring & Logging") or as its wire
/// name ("monitoring_logging").
pub fn category_label(text: &str) -> Option<CostCategory> {
    let t = text.trim();
    CostCategory::ALL
        .iter()
        .copied()
        .find(|c| c.label().eq_ignore_ascii_case(t) || c.as_str().eq_ignore_ascii_case(t))
}

/// Effort in working days: "2-3 days" → (2, 3), "1 week" → (5, 5) (a week is 5
/// working days, a month 20, an hour 1/8 day rounded up), "up to 3 days" → (None, 3),
/// "at least 2 days" → (2, None). None when no number is found.
pub fn effort_days(text: &str) -> Option<(Option<i32>, Option<i32>)> {
    let lower = text.to_lowercase();
    let (a, b, rest) = number_range(&lower)?;
    let unit = rest.trim_start();
    let factor = |n: i64| -> Option<i32> {
        let days = if unit.starts_with("week") || unit.starts_with("wk") {
            n.checked_mul(5)?
        } else if unit.starts_with("month") {
            n.checked_mul(20)?
        } else if unit.starts_with("hour") || unit.starts_with("hr") {
            (n + 7) / 8
        } else {
            n
        };
        i32::try_from(days).ok().filter(|d| *d <= 100_000)
    };
    let lo = factor(a)?;
    let hi = factor(b)?;
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if lower.contains("up to") || lower.contains("at most") {
        Some((None, Some(hi)))
    } else if lower.contains("at least") {
        Some((Some(lo), None))
    } else {
        Some((Some(lo), Some(hi)))
    }
}

/// The first "N" or "N-M" (also "N–M", "N to M") in the text, and what follows it.
fn number_range(text: &str) -> Option<(i64, i64, &str)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let s = &text[start..];
    let n1_len = s.bytes().take_while(u8::is_ascii_digit).count();
    let a: i64 = s[..n1_len].parse().ok()?;
    let after = &s[n1_len..];
    let trimmed = after.trim_start();
    for sep in ["-", "–", "—", "to "] {
        if let Some(r) = trimmed.strip_prefix(sep) {
            let r = r.trim_start();
            let n2_len = r.bytes().take_while(u8::is_ascii_digit).count();
            if n2_len > 0 {
                let b: i64 = r[..n2_len].parse().ok()?;
                return Some((a, b, &r[n2_len..]));
            }
        }
    }
    Some((a, a, after))
}

/// Week range of a phase heading: "(Week 1-2)", "Weeks 3-4", "Month 2" (= weeks 5-8),
/// "Month 3+" (= weeks 9-12). Weeks beyond ten years are ignored.
pub fn week_range(text: &str) -> Option<(i64, i64)> {
    let lower = text.to_lowercase();
    for (word, per) in [("week", 1), ("month", 4)] {
        if let Some(pos) = lower.find(word) {
            let rest = &lower[pos..];
            let rest = rest
                .trim_start_matches(|c: char| c.is_alphabetic())
                .trim_start();
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let (a, b, _) = number_range(rest)?;
            let (a, b) = (a.min(b), a.max(b));
            if a < 1 || b > 520 {
                return None;
            }
            return Some(((a - 1) * per + 1, b * per));
        }
    }
    None
}

/// Planned dates for weeks counted from `today` (week 1 starts today).
pub fn week_dates(today: NaiveDate, (a, b): (i64, i64)) -> Option<(NaiveDate, NaiveDate)> {
    let start = today.checked_add_signed(chrono::Duration::days((a - 1) * 7))?;
    let end = today.checked_add_signed(chrono::Duration::days(b * 7 - 1))?;
    Some((start, end))
}

/// Every ISO date (YYYY-MM-DD) in the text, in order.
pub fn iso_dates(text: &str) -> Vec<NaiveDate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let w = &b[i..i + 10];
        let shape = w.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        let bounded = i == 0 || !b[i - 1].is_ascii_digit();
        if shape && bounded {
            // All ten bytes are ASCII, so this slice is on character boundaries.
            if let Ok(d) = NaiveDate::parse_from_str(&text[i..i + 10], "%Y-%m-%d") {
                out.push(d);
                i += 10;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// An amount at the start of `text`: "$15", "+$15/month", "~$300", "-$42.10", "Free".
/// Returns the cents and the text after the amount.
pub fn leading_amount(text: &str) -> Option<(i64, &str)> {
    let mut t = text.trim_start();
    let starts = |t: &str, p: &str| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    if starts(t, "free") {
        return Some((0, &t[4..]));
    }
    for prefix in ["~", "≈", "approximately", "approx.", "about", "ca."] {
        if starts(t, prefix) {
            t = t[prefix.len()..].trim_start();
            break;
        }
    }
    let mut negative = false;
    if let Some(r) = t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        negative = true;
        t = r;
    } else if let Some(r) = t.strip_prefix('+') {
        t = r;
    }
    t = t.trim_start_matches('~');
    let r = t.strip_prefix('$')?;
    let len = r
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == ',' || *c == '.')
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    let number = r[..len].trim_end_matches(['.', ',']);
    let cents = parse_cents(number).ok()?;
    let rest = &r[number.len()..];
    Some((if negative { -cents } else { cents }, rest))
}

/// Words of a title for matching, without filler words and parentheticals.
fn match_words(title: &str) -> Vec<String> {
    const FILLER: &[&str] = &[
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "to",
        "in",
        "on",
        "with",
        "add",
        "adding",
        "implement",
        "enable",
        "enabled",
        "configure",
        "configured",
        "set",
        "up",
        "setup",
        "deployment",
        "aws",
        "no",
        "missing",
        "new",
    ];
    let mut t = String::new();
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => t.push(c),
            _ => {}
        }
    }
    words(&t)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect()
}

fn same_word(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    a == b || (short.chars().count() >= 4 && long.starts_with(short))
}

/// Similarity of two titles, 0.0–1.0 (Dice coefficient over words; a word matches
/// another it is a prefix of, such as "gateway"/"gateways", "multi"/"multiple").
pub fn title_similarity(a: &str, b: &str) -> f64 {
    if a.trim().eq_ignore_ascii_case(b.trim()) {
        return 1.0;
    }
    let (wa, wb) = (match_words(a), match_words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let common = wa
        .iter()
        .filter(|x| wb.iter().any(|y| same_word(x, y)))
        .count();
    2.0 * common as f64 / (wa.len() + wb.len()) as f64
}

/// A valid slug from a name (the one slug rule, [`crate::domain::validate::slugify`]),
/// at most `max` characters; a fixed one when the name gives none or a reserved one.
pub fn slugify(name: &str, max: usize) -> String {
    use crate::domain::validate::{RESERVED_SLUGS, slugify};
    let mut slug = slugify(name);
    slug.truncate(max);
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() || RESERVED_SLUGS.contains(&slug) {
        "imported-service".to_string()
    } else {
        slug.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities() {
        assert_eq!(
            heading_priority("Phase 1: Critical (Week 1-2)"),
            Some(Priority::Critical)
        );
        assert_eq!(
            heading_priority("Phase 2: High Priority"),
            Some(Priority::High)
        );
        assert_eq!(heading_priority("High Availability (HA)"), None);
        assert_eq!(
            heading_priority("\"Nice to Haves\" (Constraints)"),
            Some(Priority::Low)
        );
        assert_eq!(
            item_priority("Multi-region setup (for critical apps)"),
            None
        );
        assert_eq!(
            item_priority("Caching layer (optional)"),
            Some(Priority::Low)
        );
        assert_eq!(
            item_priority("HTTPS / TLS (Critical)"),
            Some(Priority::Critical)
        );
        assert_eq!(
            split_priority_marker("TLS (optional) (High)"),
            ("TLS (optional)".to_string(), Some(Priority::High))
        );
    }

    #[test]
    fn categories() {
        use CostCategory::*;
        for (name, c) in [
            ("EKS Control Plane", Compute),
            ("Route53 Hosted Zone", Networking),
            ("Additional NAT Gateway", Networking),
            ("GuardDuty", SecurityCompliance),
            ("AWS Backup", StorageBackup),
            ("X-Ray", MonitoringLogging),
            ("S3 assets and logs", StorageBackup),
            ("RDS PostgreSQL", Database),
            ("Coffee", Other),
            ("International calls", Other),
        ] {
            assert_eq!(guess_category(name), c, "{name}");
        }
    }

    #[test]
    fn efforts_and_weeks() {
        assert_eq!(effort_days("2-3 days"), Some((Some(2), Some(3))));
        assert_eq!(effort_days("1 week"), Some((Some(5), Some(5))));
        assert_eq!(effort_days("1-2 weeks"), Some((Some(5), Some(10))));
        assert_eq!(effort_days("up to 3 days"), Some((None, Some(3))));
        assert_eq!(effort_days("unknown"), None);
        assert_eq!(week_range("Phase 1: Critical (Week 1-2)"), Some((1, 2)));
        assert_eq!(week_range("(Weeks 3–4)"), Some((3, 4)));
        assert_eq!(week_range("(Month 2)"), Some((5, 8)));
        assert_eq!(week_range("(Month 3+)"), Some((9, 12)));
        assert_eq!(week_range("Long-term"), None);
    }

    #[test]
    fn amounts() {
        assert_eq!(leading_amount("$0.50").map(|a| a.0), Some(50));
        assert_eq!(leading_amount("+$15/month"), Some((1500, "/month")));
        assert_eq!(leading_amount("~$300/month").map(|a| a.0), Some(30000));
        assert_eq!(leading_amount("$4,546").map(|a| a.0), Some(454600));
        assert_eq!(leading_amount("-$42.10.").map(|a| a.0), Some(-4210));
        assert_eq!(leading_amount("Free").map(|a| a.0), Some(0));
        assert_eq!(leading_amount("Variable"), None);
        assert_eq!(leading_amount("$1.234"), None);
    }

    #[test]
    fn matching_titles() {
        assert!(title_similarity("Add SSL/TLS certificates (ACM)", "SSL/TLS certificates") > 0.6);
        assert!(
            title_similarity("Multi-AZ NAT Gateways", "Multiple NAT Gateways")
                > title_similarity("Multi-AZ NAT Gateways", "Multi-AZ deployment")
        );
        assert!(title_similarity("Enhanced monitoring", "Synthetic monitoring") <= 0.5);
    }

    #[test]
    fn slugs_and_clips() {
        assert_eq!(
            slugify("Production Readiness & Strategy Guide", 60),
            "production-readiness-strategy-guide"
        );
        assert_eq!(slugify("✅ ---", 60), "imported-service");
        assert!(slugify(&"ab ".repeat(50), 60).len() <= 60);
        assert_eq!(clip("  abcdef ", 4), "abc…");
        assert_eq!(
            plain("**Bold**: `code` and flask_http_total"),
            "Bold: code and flask_http_total"
        );
    }
}
