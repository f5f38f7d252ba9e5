//! Headings that are one thing with fields under them: a risk ("Current:", "Risk:",
//! "Impact:", "Fix Required:") or a checklist item ("Action:", "Implementation:").

use super::*;

/// Likelihood and impact when the risk states neither: from the priority words of its
/// headings (critical → 4×5, high → 4×4, medium → 3×3, low → 2×2), else 3×3.
fn fallback_scores(priority: Option<Priority>) -> (i16, i16) {
    match priority {
        Some(Priority::Critical) => (4, 5),
        Some(Priority::High) => (4, 4),
        Some(Priority::Low) => (2, 2),
        _ => (3, 3),
    }
}

/// "R3: Vendor lock-in", "RISK-003 — Vendor lock-in", "Risk 3: …", "Risk: …" →
/// "Vendor lock-in": the register's numbering is not part of the risk's name.
fn strip_risk_id(title: &str) -> String {
    let t = title.trim();
    let letters = t.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    let prefix = &t[..letters];
    let known = prefix.eq_ignore_ascii_case("r") || prefix.eq_ignore_ascii_case("risk");
    if !known {
        return t.to_string();
    }
    let rest = t[letters..].trim_start_matches([' ', '-', '#', '_']);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 && letters == 1 {
        return t.to_string();
    }
    let rest = rest[digits..].trim_start();
    match rest.strip_prefix([':', '.', ')', '-', '–', '—']) {
        Some(name) if !name.trim().is_empty() => name.trim().to_string(),
        _ => t.to_string(),
    }
}

impl Importer<'_> {
    pub(super) fn risk_record(&mut self, bi: usize, h: usize, ctx: &Ctx) {
        let lines = self.lines;
        let (_, raw) = heading_of(&lines[h]);
        let clean = strip_risk_id(&clean_heading(raw));
        let title = clip(&clean, v::TITLE_MAX);
        let title = if title.is_empty() {
            "Untitled risk".to_string()
        } else {
            title
        };
        let mut description: Vec<String> = Vec::new();
        let mut mitigation: Vec<String> = Vec::new();
        let (mut likelihood, mut impact): (Option<i16>, Option<i16>) = (None, None);
        let mut impact_text = String::new();
        let mut status = RiskStatus::Open;
        let mut owner = String::new();
        let mut review = None;
        let mut links: Option<Vec<String>> = None;
        let mut into_mitigation = false;
        let mut stated: Vec<(usize, String, String)> = Vec::new();
        for line in &lines[self.blocks[bi].body.clone()] {
            match line.shape {
                Shape::Blank | Shape::Rule | Shape::Code | Shape::Table | Shape::Heading { .. } => {
                    continue;
                }
                Shape::Fence(_) | Shape::Hidden { .. } => {
                    self.skip_hidden(line);
                    continue;
                }
                Shape::TableStart(t) => {
                    self.skip_table(t, "a table inside a risk, not imported");
                    continue;
                }
                _ => {}
            }
            let text = line.text();
            let is_quote = matches!(line.shape, Shape::Quote { .. });
            if let Some((key, value, _)) = field(text).filter(|_| !is_quote) {
                let k = key.to_lowercase();
                match k.as_str() {
                    "current" | "current state" => {
                        description.push(format!("Current: {value}"));
                        into_mitigation = false;
                    }
                    "risk" => {
                        description.push(format!("Risk: {value}"));
                        into_mitigation = false;
                    }
                    "description" => {
                        description.push(value.clone());
                        into_mitigation = false;
                    }
                    "impact" => {
                        impact = score(&value, true);
                        impact_text = value.clone();
                        into_mitigation = false;
                    }
                    "likelihood" | "probability" => {
                        likelihood = score(&value, false);
                        into_mitigation = false;
                    }
                    "severity" | "level" | "risk level" | "risk score" | "score" | "rating"
                    | "risk rating" | "overall risk" | "inherent risk" | "priority" => {
                        stated.push((line.no, key.clone(), value.clone()));
                        into_mitigation = false;
                        // Checked (and recognised) once every field is read.
                        continue;
                    }
                    "contingency" | "contingency plan" | "fallback" | "response" => {
                        mitigation.push(if value.is_empty() {
                            "Contingency:".to_string()
                        } else {
                            format!("Contingency: {value}")
                        });
                        into_mitigation = true;
                    }
                    "mitigation" | "fix" | "fix required" | "remediation" | "mitigation plan" => {
                        if !value.is_empty() {
                            mitigation.push(value.clone());
                        }
                        into_mitigation = true;
                    }
                    "status" => status = risk_status(&value).unwrap_or(status),
                    "owner" => owner = clip(&value, v::NAME_MAX),
                    "review" | "review date" => review = iso_dates(&value).first().copied(),
                    "mitigated by" => {
                        links = Some(
                            value
                                .split("; ")
                                .map(|t| t.trim().to_string())
                                .filter(|t| !t.is_empty())
                                .collect(),
                        )
                    }
                    _ => {
                        self.skip(line, "field not used by the importer");
                        continue;
                    }
                }
                self.recognise(
                    line.no,
                    ImportKind::RiskDetail,
                    clip(&format!("{key}: {value}"), 120),
                );
                continue;
            }
            let piece = match line.shape {
                Shape::Quote { .. } => text.to_string(),
                _ => plain(text),
            };
            if into_mitigation {
                mitigation.push(piece);
                self.recognise(line.no, ImportKind::RiskDetail, "mitigation step".into());
            } else {
                description.push(piece);
                self.recognise(line.no, ImportKind::RiskDetail, "risk description".into());
            }
        }
        // Likelihood and impact as the risk's own fields give them; a stated score or
        // level fills in only what they leave out, and is checked when both are given.
        let given = likelihood.is_some() && impact.is_some();
        for (_, _, value) in &stated {
            if let Some((l, i)) = severity(value) {
                likelihood.get_or_insert(l);
                impact.get_or_insert(i);
            }
        }
        let fallback = fallback_scores(ctx.priority);
        let impact = impact.unwrap_or(fallback.1);
        let likelihood = likelihood
            .or_else(|| severity(&impact_text).map(|s| s.0))
            .unwrap_or(fallback.0);
        for (line, key, value) in &stated {
            if given {
                self.check_risk_score(*line, &title, key, value, likelihood, impact);
            } else {
                let summary = clip(&format!("{key}: {value}"), 120);
                self.recognise(*line, ImportKind::RiskDetail, summary);
            }
        }
        let summary = format!("risk “{title}” (likelihood {likelihood}, impact {impact})");
        self.risks.push(RiskAcc {
            draft: RiskDraft {
                title,
                description: clip(&description.join("\n"), v::TEXT_MAX),
                likelihood,
                impact,
                mitigation: clip(&mitigation.join("\n"), v::TEXT_MAX),
                owner,
                status,
                review_date: review,
                mitigated_by: links.clone().unwrap_or_default(),
            },
            explicit_links: links.is_some(),
        });
        self.recognise(lines[h].no, ImportKind::Risk, summary);
        self.last_risk = Some((bi, self.risks.len() - 1));
    }

    /// A stated score ("12 (HIGH)") against likelihood × impact and the level matrix.
    fn check_risk_score(
        &mut self,
        line: usize,
        title: &str,
        key: &str,
        value: &str,
        likelihood: i16,
        impact: i16,
    ) {
        use crate::domain::risk;
        let computed = risk::score(likelihood, impact);
        let level = risk::level(computed);
        let digits: String = value
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let number = digits.parse::<i32>().ok();
        let word = value.split(|c: char| !c.is_alphabetic()).find_map(|w| {
            risk::RiskLevel::ALL
                .iter()
                .copied()
                .find(|l| l.as_str().eq_ignore_ascii_case(w))
        });
        let wrong_number = number.is_some_and(|n| n != computed);
        let wrong_level = word.is_some_and(|w| w != level);
        let found = format!("{likelihood} × {impact} = {computed} ({})", level.as_str());
        let summary = if wrong_number || wrong_level {
            let d = Discrepancy {
                line,
                kind: DiscrepancyKind::RiskScore,
                subject: title.to_string(),
                stated: clip(&format!("{} {value}", key.to_lowercase()), 80),
                found,
                stated_cents: None,
                summed_cents: None,
                is_change: false,
            };
            let text = d.message();
            self.discrepancies.push(d);
            text
        } else {
            format!("{key}: {value} — agrees with {found}")
        };
        self.recognise(line, ImportKind::RiskDetail, clip(&summary, 200));
    }

    /// "#### Mitigation" or "#### Contingency" under a risk's heading: its lines are
    /// the risk's mitigation (or description), not a checklist section.
    pub(super) fn risk_part(&mut self, bi: usize, ri: usize, heading: &str) {
        let lines = self.lines;
        let contingency = words(heading)
            .iter()
            .any(|w| matches!(w.as_str(), "contingency" | "fallback" | "response"));
        let describes = words(heading)
            .iter()
            .any(|w| matches!(w.as_str(), "description" | "impact" | "details" | "context"));
        let mut parts: Vec<String> = Vec::new();
        if contingency {
            parts.push("Contingency:".into());
        }
        for line in &lines[self.blocks[bi].body.clone()] {
            match line.shape {
                Shape::Blank | Shape::Rule | Shape::Code | Shape::Table | Shape::Heading { .. } => {
                }
                Shape::Fence(_) | Shape::Hidden { .. } => self.skip_hidden(line),
                Shape::TableStart(t) => self.skip_table(t, "a table inside a risk, not imported"),
                _ => {
                    parts.push(plain(line.text()));
                    let what = if describes {
                        "risk description"
                    } else {
                        "mitigation step"
                    };
                    self.recognise(line.no, ImportKind::RiskDetail, what.into());
                }
            }
        }
        let Some(risk) = self.risks.get_mut(ri) else {
            return;
        };
        let target = if describes {
            &mut risk.draft.description
        } else {
            &mut risk.draft.mitigation
        };
        let mut all: Vec<String> = Vec::new();
        if !target.trim().is_empty() {
            all.push(target.clone());
        }
        all.extend(parts);
        *target = clip(&all.join("\n"), v::TEXT_MAX);
    }

    /// A heading that is one item ("### HTTPS / TLS (Critical)" with Action and
    /// Implementation under it): the item joins its parent heading's section, and its
    /// body becomes the item's detail.
    pub(super) fn item_record(&mut self, bi: usize, h: usize, ctx: &Ctx, parent: Option<usize>) {
        let lines = self.lines;
        let (_, raw) = heading_of(&lines[h]);
        let mut section = ctx.clone();
        match parent.filter(|p| self.blocks[*p].level >= 2) {
            Some(p) => {
                let ph = self.blocks[p].heading.unwrap_or(h);
                section.section = clean_heading(self.heading_text(p));
                section.section_key = format!("{p}");
                section.heading_line = lines[ph].no;
                section.parent = self.blocks[p]
                    .ancestors
                    .last()
                    .map(|a| clean_heading(self.heading_text(*a)))
                    .unwrap_or_default();
            }
            None => {
                section.section = "General".into();
                section.section_key = "general".into();
            }
        }
        let mut detail: Vec<String> = Vec::new();
        for line in &lines[self.blocks[bi].body.clone()] {
            match line.shape {
                Shape::Blank | Shape::Rule | Shape::Code | Shape::Table | Shape::Heading { .. } => {
                }
                Shape::Fence(_) | Shape::Hidden { .. } => self.skip_hidden(line),
                Shape::TableStart(t) => {
                    self.skip_table(t, "a table inside an item's description, not imported")
                }
                _ => detail.push(plain(line.text())),
            }
        }
        self.add_item(lines[h].no, raw, detail, &section);
    }
}
