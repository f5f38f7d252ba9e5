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

impl Importer<'_> {
    pub(super) fn risk_record(&mut self, bi: usize, h: usize, ctx: &Ctx) {
        let lines = self.lines;
        let (_, raw) = heading_of(&lines[h]);
        let clean = clean_heading(raw);
        let clean = match clean.get(..5) {
            Some(p) if p.eq_ignore_ascii_case("risk:") => clean[5..].trim().to_string(),
            _ => clean,
        };
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
                    "severity" | "level" => {
                        if let Some((l, i)) = severity(&value) {
                            likelihood.get_or_insert(l);
                            impact.get_or_insert(i);
                        }
                        into_mitigation = false;
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
        let fallback = fallback_scores(ctx.priority);
        let impact = impact.unwrap_or(fallback.1);
        let likelihood = likelihood
            .or_else(|| severity(&impact_text).map(|s| s.0))
            .unwrap_or(fallback.0);
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
