//! Tables: a table of checks becomes items, a table with a money column becomes cost
//! lines (and its total rows stated figures), a table of risks with likelihood and
//! impact columns becomes risks. Any other table is listed as skipped, with its lines.
//!
//! Columns are recognised by their header first and by their cells second:
//! - the check (title) column is the one headed Check, Item, Task, Requirement,
//!   Control, Title, Name, Description, Criteria…, else the column of longest text
//!   that plays no other part;
//! - a level column (Priority, Level, Severity, Tier, MoSCoW…) or a level emoji in
//!   the row sets the priority; the mapping is [`cell_priority`];
//! - a status column (Status, Done, State, Complete…) sets the state; the mapping is
//!   [`cell_status`];
//! - an Area/Category/Section/Group column splits the items into sections;
//! - other columns (scope, notes, owner…) go into the item's detail.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Title,
    Level,
    Status,
    Money,
    Group,
    Owner,
    Likelihood,
    Impact,
    Other,
}

const TITLE_WORDS: &[&str] = &[
    "check",
    "checks",
    "item",
    "items",
    "task",
    "tasks",
    "requirement",
    "requirements",
    "control",
    "controls",
    "title",
    "name",
    "criteria",
    "criterion",
    "practice",
    "recommendation",
    "action",
    "activity",
    "capability",
    "feature",
    "service",
    "component",
    "resource",
    "risk",
    "line",
    "description",
];
const LEVEL_WORDS: &[&str] = &[
    "priority",
    "level",
    "severity",
    "importance",
    "tier",
    "criticality",
    "moscow",
];
const STATUS_WORDS: &[&str] = &[
    "status",
    "done",
    "state",
    "complete",
    "completed",
    "ready",
    "implemented",
    "passed",
];
const GROUP_WORDS: &[&str] = &[
    "area", "category", "section", "group", "domain", "pillar", "topic",
];
const OWNER_WORDS: &[&str] = &["owner", "responsible", "assignee"];
const MONEY_WORDS: &[&str] = &[
    "cost", "costs", "price", "pricing", "monthly", "amount", "usd",
];

/// The priority a level cell states. The documented mapping:
/// - words: critical / blocker / must / mandatory / required / P0 → critical;
///   high / should / important / P1 → high; medium / moderate / normal /
///   recommended / P2 → medium; low / could / nice to have / optional / minor / P3+
///   → low; digits in a level column 1 → critical, 2 → high, 3 → medium, 4+ → low;
/// - emoji: 🔴 → critical, 🟠 → high, 🟡 → medium, 🟢 🔵 ⚪ → low;
/// - letter levels: C → critical, B → high, A → medium, read as readiness tiers
///   where C is the entry level every service must reach and A the most advanced.
pub(super) fn cell_priority(cell: &str, level_column: bool) -> Option<Priority> {
    if let Some(p) = emoji_priority(cell) {
        return Some(p);
    }
    let t = plain(cell);
    let lower = t.trim().to_lowercase();
    if level_column {
        match lower.as_str() {
            "c" => return Some(Priority::Critical),
            "b" => return Some(Priority::High),
            "a" => return Some(Priority::Medium),
            "1" => return Some(Priority::Critical),
            "2" => return Some(Priority::High),
            "3" => return Some(Priority::Medium),
            "4" | "5" => return Some(Priority::Low),
            _ => {}
        }
    }
    let w = words(&lower.replace('-', " "));
    let has = |ks: &[&str]| w.iter().any(|x| ks.contains(&x.as_str()));
    if has(&["critical", "blocker", "must", "mandatory", "required", "p0"]) {
        Some(Priority::Critical)
    } else if has(&["high", "should", "important", "p1"]) {
        Some(Priority::High)
    } else if has(&["medium", "moderate", "normal", "recommended", "p2", "med"]) {
        Some(Priority::Medium)
    } else if has(&[
        "low", "could", "nice", "optional", "minor", "p3", "p4", "won",
    ]) {
        Some(Priority::Low)
    } else {
        None
    }
}

fn emoji_priority(cell: &str) -> Option<Priority> {
    cell.chars().find_map(|c| match c {
        '🔴' => Some(Priority::Critical),
        '🟠' => Some(Priority::High),
        '🟡' => Some(Priority::Medium),
        '🟢' | '🔵' | '⚪' => Some(Priority::Low),
        _ => None,
    })
}

fn strip_level_emoji(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '🔴' | '🟠' | '🟡' | '🟢' | '🔵' | '⚪'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// The state a status cell states: ✅ ✓ ✔ ☑ [x] Done / Yes / Complete / Implemented /
/// Passed → done; In progress / WIP / Partial / 🚧 ⏳ → in progress; N/A → not
/// applicable; anything else (❌, [ ], No, Todo, empty) → to do.
pub(super) fn cell_status(cell: &str) -> Option<ItemStatus> {
    let t = plain(cell);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if t.contains(['✅', '✓', '✔', '☑']) || t.eq_ignore_ascii_case("[x]") {
        return Some(ItemStatus::Done);
    }
    if t.contains(['❌', '✗', '✘', '⬜']) || t == "[ ]" || t == "[]" {
        return Some(ItemStatus::Todo);
    }
    if t.contains(['🚧', '⏳']) {
        return Some(ItemStatus::InProgress);
    }
    let lower = t.to_lowercase();
    let w = words(&lower);
    let first = w.first().map(String::as_str).unwrap_or("");
    if lower == "n/a" || lower == "na" || lower.starts_with("not applicable") {
        return Some(ItemStatus::NotApplicable);
    }
    match first {
        "done" | "yes" | "y" | "complete" | "completed" | "implemented" | "passed" | "pass"
        | "true" | "ready" => Some(ItemStatus::Done),
        "wip" | "partial" | "partially" | "ongoing" | "started" | "doing" => {
            Some(ItemStatus::InProgress)
        }
        "in" if w.get(1).is_some_and(|x| x == "progress") => Some(ItemStatus::InProgress),
        "no" | "n" | "todo" | "to" | "open" | "pending" | "missing" | "false" | "planned" => {
            Some(ItemStatus::Todo)
        }
        _ => None,
    }
}

fn cell_amount(cell: &str) -> Option<i64> {
    let t = plain(cell);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    leading_amount(t).map(|(c, _)| c)
}

fn header_has(header: &str, keys: &[&str]) -> bool {
    words(header).iter().any(|w| keys.contains(&w.as_str()))
}

fn roles(table: &Table) -> Vec<Role> {
    let n = table
        .rows
        .iter()
        .map(|r| r.1.len())
        .chain(std::iter::once(table.header.len()))
        .max()
        .unwrap_or(0);
    let cells = |c: usize| -> Vec<&str> {
        table
            .rows
            .iter()
            .filter_map(|r| r.1.get(c).map(String::as_str))
            .filter(|s| !s.trim().is_empty())
            .collect()
    };
    let mut roles = vec![Role::Other; n];
    for (c, role) in roles.iter_mut().enumerate() {
        let h = table.header.get(c).map(String::as_str).unwrap_or("");
        let body = cells(c);
        let all = |f: &dyn Fn(&str) -> bool| !body.is_empty() && body.iter().all(|s| f(s));
        *role = if header_has(h, &["likelihood", "probability"]) {
            Role::Likelihood
        } else if header_has(h, &["impact"]) {
            Role::Impact
        } else if header_has(h, LEVEL_WORDS) {
            Role::Level
        } else if header_has(h, STATUS_WORDS) || h.contains(['✅', '✓', '✔']) {
            Role::Status
        } else if header_has(h, MONEY_WORDS) || h.contains('$') {
            Role::Money
        } else if header_has(h, GROUP_WORDS) {
            Role::Group
        } else if header_has(h, OWNER_WORDS) {
            Role::Owner
        } else if header_has(h, TITLE_WORDS) {
            Role::Title
        } else if all(&|s| cell_amount(s).is_some()) && body.iter().any(|s| s.contains('$')) {
            Role::Money
        } else if all(&|s| cell_status(s).is_some()) {
            Role::Status
        } else if all(&|s| emoji_priority(s).is_some()) {
            Role::Level
        } else {
            Role::Other
        };
    }
    // Of several money columns the monthly one counts; the others are notes.
    let money: Vec<usize> = (0..n).filter(|c| roles[*c] == Role::Money).collect();
    if money.len() > 1 {
        let monthly = money
            .iter()
            .copied()
            .find(|c| {
                header_has(
                    table.header.get(*c).map_or("", String::as_str),
                    &["monthly", "month", "mo"],
                )
            })
            .unwrap_or(money[0]);
        for c in money {
            if c != monthly {
                roles[c] = Role::Other;
            }
        }
    }
    // One title column: the first headed as one, else the longest text.
    let titles: Vec<usize> = (0..n).filter(|c| roles[*c] == Role::Title).collect();
    if let Some(first) = titles.first() {
        for c in &titles[1..] {
            roles[*c] = Role::Other;
        }
        let _ = first;
    } else {
        let avg = |c: usize| {
            let b = cells(c);
            let letters = b
                .iter()
                .filter(|s| s.chars().any(char::is_alphabetic))
                .count();
            if b.is_empty() || letters * 2 < b.len() {
                0
            } else {
                b.iter().map(|s| s.chars().count()).sum::<usize>() / b.len()
            }
        };
        if let Some(best) = (0..n)
            .filter(|c| roles[*c] == Role::Other)
            .max_by_key(|c| (avg(*c), std::cmp::Reverse(*c)))
            .filter(|c| avg(*c) >= 2)
        {
            roles[best] = Role::Title;
        }
    }
    roles
}

fn col(roles: &[Role], role: Role) -> Option<usize> {
    roles.iter().position(|r| *r == role)
}

fn cell(row: &[String], c: Option<usize>) -> &str {
    c.and_then(|c| row.get(c)).map_or("", String::as_str)
}

impl Importer<'_> {
    /// Reads table `ti`; returns the index of the line after it.
    pub(super) fn table(&mut self, ti: usize, ctx: &Ctx) -> usize {
        let tables = self.tables;
        let Some(table) = tables.get(ti) else {
            return 0;
        };
        let roles = roles(table);
        let has = |r: Role| col(&roles, r).is_some();
        if table.rows.is_empty() {
            self.skip_table(ti, "table without rows, not imported");
        } else if !has(Role::Title) {
            self.skip_table(
                ti,
                "table without a column of names or checks, not imported",
            );
        } else if (has(Role::Likelihood) && has(Role::Impact))
            || (ctx.risk_list.is_some() && !has(Role::Money))
        {
            self.risk_table(table, &roles, ctx);
        } else if has(Role::Money) && !has(Role::Status) {
            self.cost_table(table, &roles, ctx);
        } else if has(Role::Status)
            || has(Role::Level)
            || table
                .rows
                .iter()
                .any(|r| emoji_priority(&r.1.join(" ")).is_some())
            || self.checks_by_header(table, &roles)
        {
            self.check_table(ti, table, &roles, ctx);
        } else {
            self.skip_table(
                ti,
                "table with no status, level or amount column, not imported",
            );
        }
        table.end
    }

    fn checks_by_header(&self, table: &Table, roles: &[Role]) -> bool {
        let h = cell(&table.header, col(roles, Role::Title));
        header_has(
            h,
            &[
                "check",
                "checks",
                "item",
                "items",
                "task",
                "tasks",
                "requirement",
                "requirements",
                "control",
                "controls",
                "criteria",
                "criterion",
            ],
        )
    }

    pub(super) fn skip_table(&mut self, ti: usize, reason: &str) {
        let Some(t) = self.tables.get(ti) else {
            return;
        };
        let text = format!(
            "lines {}–{}: | {} |",
            t.first_line,
            t.last_line,
            t.header.join(" | ")
        );
        self.skipped.push(SkippedLine {
            line: t.first_line,
            text: clip(&text, 300),
            reason: format!("{reason} ({} rows)", t.rows.len()),
        });
    }

    fn check_table(&mut self, ti: usize, table: &Table, roles: &[Role], ctx: &Ctx) {
        let title_c = col(roles, Role::Title);
        let level_c = col(roles, Role::Level);
        let status_c = col(roles, Role::Status);
        let group_c = col(roles, Role::Group);
        let owner_c = col(roles, Role::Owner);
        for (no, row) in &table.rows {
            let raw_title = cell(row, title_c);
            let (title_raw, marker) = split_priority_marker(&strip_level_emoji(raw_title));
            let full = clean_heading(&title_raw);
            if full.is_empty() {
                self.skipped.push(SkippedLine {
                    line: *no,
                    text: clip(&row.join(" | "), 300),
                    reason: "table row without a check, not imported".into(),
                });
                continue;
            }
            let level = level_c
                .and_then(|c| row.get(c))
                .and_then(|s| cell_priority(s, true))
                .or_else(|| emoji_priority(&row.join(" ")))
                .or(marker)
                .or_else(|| item_priority(&title_raw));
            let status = status_c
                .and_then(|c| row.get(c))
                .and_then(|s| cell_status(s))
                .unwrap_or(ItemStatus::Todo);
            let mut detail: Vec<String> = Vec::new();
            if full.chars().count() > v::TITLE_MAX {
                detail.push(full.clone());
            }
            for (c, role) in roles.iter().enumerate() {
                let value = cell(row, Some(c)).trim();
                if *role == Role::Other && !value.is_empty() {
                    let head = cell(&table.header, Some(c)).trim();
                    detail.push(if head.is_empty() {
                        value.to_string()
                    } else {
                        format!("{head}: {value}")
                    });
                }
            }
            let item = ItemDraft {
                title: clip(&full, v::TITLE_MAX),
                detail: clip(&detail.join("\n"), v::TEXT_MAX),
                status,
                priority: level.or(ctx.priority).unwrap_or(Priority::Medium),
                owner: clip(cell(row, owner_c), v::NAME_MAX),
                due_date: None,
                evidence_url: None,
                na_reason: None,
                phase: None,
            };
            let group = clean_heading(cell(row, group_c));
            let mut here = ctx.clone();
            if !group.is_empty() {
                here.section = clip(&group, v::NAME_MAX);
                here.section_key =
                    format!("{}/table{ti}/{}", ctx.section_key, group.to_lowercase());
                here.parent = ctx.section.clone();
                here.heading_line = *no;
            }
            let explicit = level.is_some() || ctx.priority.is_some();
            self.push_item(*no, item, ctx.phase.map(PhaseRef::Index), explicit, &here);
        }
    }

    fn cost_table(&mut self, table: &Table, roles: &[Role], ctx: &Ctx) {
        let name_c = col(roles, Role::Title);
        let money_c = col(roles, Role::Money);
        let group_c = col(roles, Role::Group);
        for (no, row) in &table.rows {
            let name = clean_heading(cell(row, name_c));
            let amount_text = plain(cell(row, money_c));
            let line = Line {
                no: *no,
                raw: format!("| {} |", row.join(" | ")),
                shape: Shape::Text {
                    indent: 0,
                    text: String::new(),
                },
            };
            let Some((cents, rest)) = leading_amount(&amount_text) else {
                self.skip(&line, "table row without an amount, not imported");
                continue;
            };
            if name.is_empty() {
                self.skip(&line, "table row without a name, not imported");
                continue;
            }
            let mut rest = rest.to_string();
            let group = cell(row, group_c);
            if !group.is_empty() {
                rest.push_str(&format!(" ({group})"));
            }
            let m = Money {
                label: name,
                cents,
                rest,
                approx: amount_text.trim_start().starts_with(['~', '≈']),
                change: amount_text.trim_start().starts_with('+'),
            };
            self.money(&line, m, ctx);
        }
    }

    /// Likelihood and impact from their columns, else from a level column's word
    /// (the rule of [`severity`]), else from the heading's.
    fn risk_table(&mut self, table: &Table, roles: &[Role], ctx: &Ctx) {
        let title_c = col(roles, Role::Title);
        let level_c = col(roles, Role::Level);
        let like_c = col(roles, Role::Likelihood);
        let impact_c = col(roles, Role::Impact);
        let owner_c = col(roles, Role::Owner);
        let status_c = col(roles, Role::Status);
        for (no, row) in &table.rows {
            let title = clip(&clean_heading(cell(row, title_c)), v::TITLE_MAX);
            if title.is_empty() {
                continue;
            }
            let fallback = severity(cell(row, level_c))
                .or(ctx.risk_list)
                .unwrap_or((3, 3));
            let likelihood = score(&plain(cell(row, like_c)), false).unwrap_or(fallback.0);
            let impact = score(&plain(cell(row, impact_c)), true).unwrap_or(fallback.1);
            let mut mitigation: Vec<String> = Vec::new();
            let mut description: Vec<String> = Vec::new();
            for (c, role) in roles.iter().enumerate() {
                let value = cell(row, Some(c)).trim();
                if *role != Role::Other || value.is_empty() {
                    continue;
                }
                let head = cell(&table.header, Some(c)).trim();
                if header_has(
                    head,
                    &["mitigation", "mitigations", "response", "contingency"],
                ) {
                    mitigation.push(value.to_string());
                } else {
                    description.push(format!("{head}: {value}"));
                }
            }
            let status = risk_status(cell(row, status_c)).unwrap_or(RiskStatus::Open);
            let summary = format!("risk “{title}” (likelihood {likelihood}, impact {impact})");
            self.risks.push(RiskAcc {
                draft: RiskDraft {
                    title,
                    description: clip(&description.join("\n"), v::TEXT_MAX),
                    likelihood,
                    impact,
                    mitigation: clip(&mitigation.join("\n"), v::TEXT_MAX),
                    owner: clip(cell(row, owner_c), v::NAME_MAX),
                    status,
                    review_date: None,
                    mitigated_by: Vec::new(),
                },
                explicit_links: false,
            });
            self.recognise(*no, ImportKind::Risk, summary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_and_status_cells() {
        assert_eq!(cell_priority("🔴 Must", true), Some(Priority::Critical));
        assert_eq!(cell_priority("C", true), Some(Priority::Critical));
        assert_eq!(cell_priority("B", true), Some(Priority::High));
        assert_eq!(cell_priority("A", true), Some(Priority::Medium));
        assert_eq!(cell_priority("A", false), None);
        assert_eq!(cell_priority("Nice-to-have", true), Some(Priority::Low));
        assert_eq!(cell_priority("P1", true), Some(Priority::High));
        for done in ["✅", "✓", "[x]", "Done", "Yes", "**Done**"] {
            assert_eq!(cell_status(done), Some(ItemStatus::Done), "{done}");
        }
        assert_eq!(cell_status("❌"), Some(ItemStatus::Todo));
        assert_eq!(cell_status("In progress"), Some(ItemStatus::InProgress));
        assert_eq!(cell_status("N/A"), Some(ItemStatus::NotApplicable));
        assert_eq!(cell_status("Kubernetes"), None);
    }
}
