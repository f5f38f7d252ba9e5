//! Reading the lines of a block: checkboxes, list entries, fields, amounts and prose.

use super::*;

/// Keys the exporter writes after an item's title: `— owner: Ana; due: 2026-05-01`.
const ITEM_KEYS: &[&str] = &["owner", "due", "phase", "evidence", "status", "n/a"];

/// Splits `Title (High) — owner: Ana; phase: Phase 1` into the title part and its
/// fields. A value may hold "; " as long as what follows is not a known key.
fn split_suffix(text: &str) -> (String, Vec<(String, String)>) {
    for (pos, sep) in text.rmatch_indices(" — ") {
        let rest = &text[pos + sep.len()..];
        let mut fields: Vec<(String, String)> = Vec::new();
        for segment in rest.split("; ") {
            let known = segment.split_once(':').and_then(|(k, v)| {
                let k = k.trim().to_lowercase();
                ITEM_KEYS
                    .contains(&k.as_str())
                    .then(|| (k, v.trim().to_string()))
            });
            match (known, fields.last_mut()) {
                (Some(kv), _) => fields.push(kv),
                (None, Some(last)) => {
                    last.1.push_str("; ");
                    last.1.push_str(segment);
                }
                (None, None) => break,
            }
        }
        if !fields.is_empty() {
            return (text[..pos].to_string(), fields);
        }
    }
    (text.to_string(), Vec::new())
}

/// Byte index of `needle` (ASCII) in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.char_indices().map(|(i, _)| i).find(|&i| {
        hay.get(i..i + needle.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}

fn has_warning_mark(text: &str) -> bool {
    text.contains('⚠') || text.contains('❌') || text.contains('✗')
}

impl Importer<'_> {
    pub(super) fn lines_in(&mut self, range: Range<usize>, ctx: &Ctx) {
        let lines = self.lines;
        let end = range.end;
        let mut i = range.start;
        while i < end {
            let line = &lines[i];
            i = match &line.shape {
                Shape::Blank | Shape::Rule | Shape::Code | Shape::Table | Shape::Heading { .. } => {
                    i + 1
                }
                Shape::Fence(_) | Shape::Hidden { .. } => {
                    self.skip_hidden(line);
                    i + 1
                }
                Shape::TableStart(t) => self.table(*t, ctx).max(i + 1),
                Shape::Checkbox { .. } => self.checkbox(i, end, ctx),
                Shape::Quote { text, .. } => {
                    self.quote(line, text, ctx);
                    i + 1
                }
                Shape::Bullet { .. } | Shape::Numbered { .. } | Shape::Text { .. } => {
                    self.entry(i, end, ctx)
                }
            };
        }
    }

    /// End (exclusive) of the lines indented under line `i`. A nested checkbox is an
    /// item of its own, so it ends the children.
    pub(super) fn children(&self, i: usize, end: usize) -> usize {
        let base = self.lines[i].indent();
        let mut j = i + 1;
        let mut last = i + 1;
        while j < end {
            let l = &self.lines[j];
            match l.shape {
                Shape::Blank => j += 1,
                Shape::Bullet { .. }
                | Shape::Numbered { .. }
                | Shape::Quote { .. }
                | Shape::Text { .. }
                    if l.indent() > base =>
                {
                    j += 1;
                    last = j;
                }
                _ => break,
            }
        }
        last
    }

    fn quote(&mut self, line: &Line, text: &str, ctx: &Ctx) {
        if ctx.title {
            self.description.push(text.to_string());
            self.recognise(line.no, ImportKind::Description, "description".into());
        } else if let Some(pi) = ctx.phase {
            self.phases[pi].goal.push(text.to_string());
            self.recognise(line.no, ImportKind::PhaseDetail, "phase goal".into());
        } else if !text.trim().is_empty() {
            self.skip(line, "quote, not an item");
        }
    }

    pub(super) fn checkbox(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let lines = self.lines;
        let line = &lines[i];
        let Shape::Checkbox { mark, text, .. } = &line.shape else {
            return i + 1;
        };
        let (head, fields) = split_suffix(text);
        let (title_raw, marker) = split_priority_marker(&head);
        let full = clean_heading(&title_raw);
        if full.is_empty() {
            self.skip(line, "checkbox without a title");
            return i + 1;
        }
        let words_priority = item_priority(&title_raw);
        let mut item = ItemDraft {
            title: clip(&full, v::TITLE_MAX),
            detail: String::new(),
            status: match mark {
                'x' => ItemStatus::Done,
                '~' => ItemStatus::InProgress,
                '-' => ItemStatus::NotApplicable,
                _ => ItemStatus::Todo,
            },
            priority: marker
                .or(words_priority)
                .or(ctx.priority)
                .unwrap_or(Priority::Medium),
            owner: String::new(),
            due_date: None,
            evidence_url: None,
            na_reason: None,
            phase: None,
        };
        let mut phase = ctx.phase.map(PhaseRef::Index);
        for (key, value) in fields {
            match key.as_str() {
                "owner" => item.owner = clip(&value, v::NAME_MAX),
                "due" => item.due_date = iso_dates(&value).first().copied(),
                "phase" if !value.trim().is_empty() => {
                    phase = Some(PhaseRef::Named {
                        number: phase_number(&value),
                        text: clip(&value, v::NAME_MAX),
                    })
                }
                "evidence" => item.evidence_url = v::http_url("evidence_url", &value).ok(),
                "status" => item.status = status_word(&value).unwrap_or(item.status),
                "n/a" => {
                    item.status = ItemStatus::NotApplicable;
                    item.na_reason = Some(clip(&value, v::TEXT_MAX));
                }
                _ => {}
            }
        }
        let j = self.children(i, end);
        let mut detail: Vec<String> = Vec::new();
        if full.chars().count() > v::TITLE_MAX {
            detail.push(full.clone());
        }
        detail.extend(
            lines[i + 1..j]
                .iter()
                .filter(|l| l.shape != Shape::Blank)
                .map(|l| match l.shape {
                    Shape::Quote { .. } => l.text().to_string(),
                    _ => plain(l.text()),
                }),
        );
        item.detail = clip(&detail.join("\n"), v::TEXT_MAX);
        let explicit = marker.is_some() || words_priority.is_some() || ctx.priority.is_some();
        self.push_item(line.no, item, phase, explicit, ctx);
        j
    }

    pub(super) fn push_item(
        &mut self,
        line: usize,
        mut item: ItemDraft,
        phase: Option<PhaseRef>,
        explicit_priority: bool,
        ctx: &Ctx,
    ) {
        if item.status == ItemStatus::NotApplicable
            && item
                .na_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            item.na_reason = Some("Marked not applicable in the imported document".into());
        }
        let si = self.ensure_section(ctx);
        let summary = format!(
            "{} item “{}” ({}) in “{}”",
            item.status.label(),
            item.title,
            item.priority.label(),
            self.sections[si].name
        );
        self.sections[si].items.push(Item {
            draft: item,
            phase,
            explicit_priority,
            claimed: false,
        });
        self.recognise(line, ImportKind::Item, summary);
    }

    /// An item from a list entry (documents without checkboxes) or a heading record.
    pub(super) fn add_item(&mut self, line: usize, raw: &str, detail: Vec<String>, ctx: &Ctx) {
        let (title_raw, marker) = split_priority_marker(&plain(raw));
        let full = clean_heading(&title_raw);
        if full.is_empty() {
            return;
        }
        let words_priority = item_priority(&title_raw);
        let mut lines: Vec<String> = Vec::new();
        if full.chars().count() > v::TITLE_MAX {
            lines.push(full.clone());
        }
        lines.extend(detail.into_iter().filter(|d| !d.trim().is_empty()));
        let status = if has_warning_mark(raw) {
            ItemStatus::Todo
        } else if ctx.done || has_done_mark(raw) {
            ItemStatus::Done
        } else {
            ItemStatus::Todo
        };
        let item = ItemDraft {
            title: clip(&full, v::TITLE_MAX),
            detail: clip(&lines.join("\n"), v::TEXT_MAX),
            status,
            priority: marker
                .or(words_priority)
                .or(ctx.priority)
                .unwrap_or(Priority::Medium),
            owner: String::new(),
            due_date: None,
            evidence_url: None,
            na_reason: None,
            phase: None,
        };
        let explicit = marker.is_some() || words_priority.is_some() || ctx.priority.is_some();
        self.push_item(line, item, ctx.phase.map(PhaseRef::Index), explicit, ctx);
    }

    fn entry(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let lines = self.lines;
        let line = &lines[i];
        let text = line.text();
        if plain(text).is_empty() {
            return i + 1;
        }
        if let Some(m) = money_line(text) {
            self.money(line, m, ctx);
            return i + 1;
        }
        let field = field(text);
        if let Some((key, value, _)) = &field
            && let Some(next) = self.known_field(i, end, key, value, ctx)
        {
            return next;
        }
        let bold_field = field.as_ref().is_some_and(|f| f.2);
        if bold_field && ctx.cost.is_some() && ctx.phase.is_none() {
            // "**Effort**: low" beside a saving describes it; it is not a check.
            self.skip(line, "field not used by the importer");
            return i + 1;
        }
        let is_text = matches!(line.shape, Shape::Text { .. });
        if is_text && ctx.title {
            self.description.push(text.to_string());
            self.recognise(line.no, ImportKind::Description, "description".into());
            return i + 1;
        }
        if let Some(pi) = ctx.phase {
            if is_text {
                self.phases[pi].goal.push(plain(text));
                self.recognise(line.no, ImportKind::PhaseDetail, "phase goal".into());
                return i + 1;
            }
            if self.checklist_mode {
                let title = clean_heading(text);
                self.steps.push(Step {
                    phase: pi,
                    title,
                    line: line.no,
                });
                return i + 1;
            }
        }
        if is_text {
            let reason = if bold_field {
                "field not used by the importer"
            } else {
                "prose, not an item"
            };
            self.skip(line, reason);
            return i + 1;
        }
        if ctx.risk_list.is_some() {
            return self.risk_bullet(i, end, ctx);
        }
        if self.checklist_mode {
            self.skip(
                line,
                "list entry outside the checklist (this document's items are its checkboxes)",
            );
            return i + 1;
        }
        self.list_item(i, end, ctx)
    }

    /// Fields with a meaning in this context; `None` leaves the line to the caller.
    fn known_field(
        &mut self,
        i: usize,
        end: usize,
        key: &str,
        value: &str,
        ctx: &Ctx,
    ) -> Option<usize> {
        let lines = self.lines;
        let line = &lines[i];
        let k = key.to_lowercase();
        if ctx.title {
            match k.as_str() {
                "team" | "owner team" | "owning team" | "owner" => {
                    self.team = clip(value, v::NAME_MAX);
                    self.recognise(line.no, ImportKind::Meta, format!("team “{}”", self.team));
                    return Some(i + 1);
                }
                "target go-live" | "target go live" | "go-live" | "go live" | "launch date"
                | "target date" | "go-live date" => {
                    self.go_live = iso_dates(value).first().copied();
                    if let Some(d) = self.go_live {
                        self.recognise(line.no, ImportKind::Meta, format!("target go-live {d}"));
                    } else {
                        self.skip(line, "go-live date not in YYYY-MM-DD form");
                    }
                    return Some(i + 1);
                }
                "slug" => {
                    match v::slug("slug", value.trim()) {
                        Ok(s) => {
                            self.recognise(line.no, ImportKind::Meta, format!("slug “{s}”"));
                            self.slug = Some(s);
                        }
                        Err(_) => self.skip(line, "not a valid slug"),
                    }
                    return Some(i + 1);
                }
                _ => {}
            }
        }
        if let Some(pi) = ctx.phase {
            let phase = &mut self.phases[pi].draft;
            let summary = match k.as_str() {
                "estimated effort" | "effort" | "effort estimate" => match effort_days(value) {
                    Some((min, max)) => {
                        phase.effort_min_days = min;
                        phase.effort_max_days = max;
                        format!("effort {value}")
                    }
                    None => format!("effort “{value}”: no figure"),
                },
                "cost impact" | "cost" | "monthly cost" | "cost change" | "monthly cost change" => {
                    phase.monthly_cost_change_cents = None;
                    format!("cost impact “{value}”: no figure")
                }
                "planned" | "dates" | "schedule" | "timeline" => {
                    let dates = iso_dates(value);
                    if let [start, end, ..] = dates[..]
                        && end >= start
                    {
                        phase.planned_start = Some(start);
                        phase.planned_end = Some(end);
                    } else if let Some(w) = week_range(value)
                        && let Some((start, end)) = week_dates(self.today, w)
                    {
                        phase.planned_start = Some(start);
                        phase.planned_end = Some(end);
                    }
                    format!("planned {value}")
                }
                "planned start" | "start" => {
                    phase.planned_start = iso_dates(value).first().copied();
                    format!("planned start {value}")
                }
                "planned end" | "end" => {
                    let end = iso_dates(value).first().copied();
                    phase.planned_end = end.filter(|e| phase.planned_start.is_none_or(|s| *e >= s));
                    format!("planned end {value}")
                }
                "goal" | "objective" => {
                    self.phases[pi].goal.push(value.to_string());
                    "phase goal".to_string()
                }
                "items" | "steps" | "tasks" => "phase items follow".to_string(),
                _ => String::new(),
            };
            if !summary.is_empty() {
                self.recognise(line.no, ImportKind::PhaseDetail, summary);
                return Some(i + 1);
            }
        }
        match k.as_str() {
            "before" => {
                self.skip(line, "describes the state before the change; not an item");
                Some(i + 1)
            }
            "after" | "done" | "completed" if !self.checklist_mode => {
                let j = self.children(i, end);
                let mut after = ctx.clone();
                after.done = true;
                self.lines_in(i + 1..j, &after);
                Some(j)
            }
            "status" | "current status" => {
                self.skip(line, "status note, not stored");
                Some(i + 1)
            }
            _ => None,
        }
    }

    fn list_item(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let lines = self.lines;
        let line = &lines[i];
        let text = line.text();
        let j = self.children(i, end);
        let kids = &lines[i + 1..j];
        let bold = field(text).filter(|f| f.2);
        if let Some((label, rest, _)) = &bold
            && rest.is_empty()
            && kids.iter().any(|k| {
                matches!(k.shape, Shape::Bullet { .. } | Shape::Numbered { .. })
                    && field(k.text()).is_some_and(|f| f.2)
            })
        {
            // A label over labelled entries is a group: it becomes a section.
            let mut group = ctx.clone();
            group.section = clean_heading(label);
            group.section_key = format!("{}/{i}", ctx.section_key);
            group.parent = ctx.section.clone();
            group.heading_line = line.no;
            group.priority = heading_priority(label).or(ctx.priority);
            group.done = ctx.done || has_done_mark(label);
            self.lines_in(i + 1..j, &group);
            return j;
        }
        let (title, mut detail) = match bold {
            Some((label, rest, _)) => (label, vec![rest]),
            None => (text.to_string(), Vec::new()),
        };
        detail.extend(
            kids.iter()
                .filter(|k| k.shape != Shape::Blank)
                .map(|k| plain(k.text())),
        );
        self.add_item(line.no, &title, detail, ctx);
        j
    }

    fn risk_bullet(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let lines = self.lines;
        let line = &lines[i];
        let j = self.children(i, end);
        let (title, rest) = match field(line.text()).filter(|f| f.2) {
            Some((label, value, _)) => (label, value),
            None => (plain(line.text()), String::new()),
        };
        let mut text = plain(&rest);
        for k in &lines[i + 1..j] {
            if k.shape != Shape::Blank {
                text.push('\n');
                text.push_str(&plain(k.text()));
            }
        }
        let (description, mitigation) = match find_ci(&text, "mitigation:") {
            Some(pos) => (
                text[..pos].trim().to_string(),
                text[pos + "mitigation:".len()..].trim().to_string(),
            ),
            None => (text.trim().to_string(), String::new()),
        };
        let title = clip(&clean_heading(&title), v::TITLE_MAX);
        if title.is_empty() {
            self.skip(line, "risk without a title");
            return j;
        }
        let (likelihood, impact) = severity(&title).or(ctx.risk_list).unwrap_or((3, 3));
        let summary = format!("risk “{title}” (likelihood {likelihood}, impact {impact})");
        self.risks.push(RiskAcc {
            draft: RiskDraft {
                title,
                description: clip(&description, v::TEXT_MAX),
                likelihood,
                impact,
                mitigation: clip(&mitigation, v::TEXT_MAX),
                owner: String::new(),
                status: RiskStatus::Open,
                review_date: None,
                mitigated_by: Vec::new(),
            },
            explicit_links: false,
        });
        self.recognise(line.no, ImportKind::Risk, summary);
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_fields() {
        let (head, fields) =
            split_suffix("TLS — on (High) — owner: Ana; phase: Phase 1; n/a: a; b; due: x");
        assert_eq!(head, "TLS — on (High)");
        assert_eq!(
            fields,
            vec![
                ("owner".to_string(), "Ana".to_string()),
                ("phase".to_string(), "Phase 1".to_string()),
                ("n/a".to_string(), "a; b".to_string()),
                ("due".to_string(), "x".to_string()),
            ]
        );
        assert_eq!(split_suffix("A — B").1, vec![]);
    }
}
