//! After every line is read: phases resolved by name or number, phase steps matched
//! to checklist items, risks linked to the items that mitigate them, names made
//! unique, and the draft checked.

use super::*;
use crate::draft::{SectionDraft, ServiceDraft};

/// Above this similarity a phase step or a risk names a checklist item.
const STEP_MATCH: f64 = 0.5;
const RISK_MATCH: f64 = 0.6;

impl Importer<'_> {
    fn resolve(&mut self, r: &PhaseRef) -> usize {
        match r {
            PhaseRef::Index(i) => *i,
            PhaseRef::Named { text, number } => {
                let t = text.trim();
                let bare = match t.rfind('(') {
                    Some(open) if t.ends_with(')') && open > 0 => t[..open].trim(),
                    _ => t,
                };
                let found = self
                    .phases
                    .iter()
                    .position(|p| p.draft.name == t)
                    .or_else(|| {
                        self.phases
                            .iter()
                            .position(|p| p.draft.name.eq_ignore_ascii_case(t))
                    })
                    .or_else(|| {
                        self.phases
                            .iter()
                            .position(|p| p.draft.name.eq_ignore_ascii_case(bare))
                    })
                    .or_else(|| {
                        number.and_then(|n| self.phases.iter().position(|p| p.number == Some(n)))
                    });
                match found {
                    Some(i) => i,
                    None => self.add_phase(bare, *number),
                }
            }
        }
    }

    fn match_steps(&mut self) {
        let steps = std::mem::take(&mut self.steps);
        let mut results: Vec<Option<(usize, usize)>> = vec![None; steps.len()];
        // Exact titles first, so a fuzzy match cannot take an item another step names.
        for exact in [true, false] {
            for (s, step) in steps.iter().enumerate() {
                if results[s].is_some() {
                    continue;
                }
                let mut best: Option<(f64, usize, usize)> = None;
                for (si, section) in self.sections.iter().enumerate() {
                    for (ii, item) in section.items.iter().enumerate() {
                        let free = match &item.phase {
                            None => true,
                            Some(PhaseRef::Index(p)) => *p == step.phase,
                            Some(_) => false,
                        };
                        if item.claimed || !free {
                            continue;
                        }
                        let score = if exact {
                            if item.draft.title.eq_ignore_ascii_case(step.title.trim()) {
                                1.0
                            } else {
                                0.0
                            }
                        } else {
                            title_similarity(&step.title, &item.draft.title)
                        };
                        if score > STEP_MATCH && best.is_none_or(|b| score > b.0) {
                            best = Some((score, si, ii));
                        }
                    }
                }
                if let Some((_, si, ii)) = best {
                    let item = &mut self.sections[si].items[ii];
                    item.claimed = true;
                    item.phase = Some(PhaseRef::Index(step.phase));
                    if !item.explicit_priority
                        && let Some(p) = self.phases[step.phase].priority
                    {
                        item.draft.priority = p;
                    }
                    results[s] = Some((si, ii));
                }
            }
        }
        for (step, result) in steps.iter().zip(results) {
            let phase = self.phases[step.phase].draft.name.clone();
            let summary = match result {
                Some((si, ii)) => format!(
                    "assigns “{}” to {phase}",
                    self.sections[si].items[ii].draft.title
                ),
                None => {
                    self.phases[step.phase].unmatched.push(step.title.clone());
                    format!(
                        "“{}”: no checklist item matches; kept in the goal of {phase}",
                        step.title
                    )
                }
            };
            self.recognised.push(RecognisedLine {
                line: step.line,
                kind: ImportKind::PhaseStep,
                summary,
            });
        }
    }

    /// Risks name the items that mitigate them: as written ("Mitigated by"), or else
    /// the one item whose title is most like the risk's ("No Secrets Rotation" →
    /// "Secrets rotation"). Only titles that occur once can be named.
    fn link_risks(&mut self) {
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for item in self.sections.iter().flat_map(|s| &s.items) {
            *counts
                .entry(item.draft.title.trim().to_string())
                .or_default() += 1;
        }
        let unique = |t: &str| counts.get(t.trim()) == Some(&1);
        for risk in &mut self.risks {
            if risk.explicit_links {
                risk.draft.mitigated_by.retain(|t| unique(t));
                continue;
            }
            let best = self
                .sections
                .iter()
                .flat_map(|s| &s.items)
                .filter(|i| unique(&i.draft.title))
                .map(|i| {
                    (
                        title_similarity(&risk.draft.title, &i.draft.title),
                        &i.draft.title,
                    )
                })
                .filter(|(s, _)| *s > RISK_MATCH)
                .fold(None::<(f64, &String)>, |acc, x| match acc {
                    Some(a) if a.0 >= x.0 => Some(a),
                    _ => Some(x),
                });
            risk.draft.mitigated_by = best.map(|(_, t)| vec![t.clone()]).unwrap_or_default();
        }
    }

    /// Sections that share a name under different parents ("Logging" under Service
    /// Code and under Scripts) are told apart by their parent.
    fn rename_duplicate_sections(&mut self) {
        use std::collections::{HashMap, HashSet};
        let mut parents: HashMap<String, HashSet<String>> = HashMap::new();
        for s in &self.sections {
            parents
                .entry(s.name.clone())
                .or_default()
                .insert(s.parent.clone());
        }
        for section in &mut self.sections {
            let differ = parents.get(&section.name).is_some_and(|p| p.len() > 1);
            if differ && !section.parent.trim().is_empty() {
                section.name = clip(
                    &format!("{} ({})", section.name, section.parent),
                    v::NAME_MAX,
                );
            }
        }
    }

    pub(super) fn finish(mut self, repaired: bool) -> Result<ImportPreview, ImportError> {
        for c in 0..self.costs.len() {
            if let Some(r) = self.costs[c].phase.clone() {
                let p = self.resolve(&r);
                self.costs[c].phase = Some(PhaseRef::Index(p));
            }
        }
        for s in 0..self.sections.len() {
            for i in 0..self.sections[s].items.len() {
                if let Some(r) = self.sections[s].items[i].phase.clone() {
                    let p = self.resolve(&r);
                    self.sections[s].items[i].phase = Some(PhaseRef::Index(p));
                }
            }
        }
        self.check_stated();
        self.match_steps();
        self.link_risks();
        self.rename_duplicate_sections();
        for phase in &mut self.phases {
            let mut goal = phase.goal.join("\n");
            if !phase.unmatched.is_empty() {
                let also = format!(
                    "Also planned (no matching checklist item): {}",
                    phase.unmatched.join("; ")
                );
                goal = if goal.is_empty() {
                    also
                } else {
                    format!("{goal}\n{also}")
                };
            }
            phase.draft.goal = clip(&goal, v::TEXT_MAX);
        }
        if self.sections.is_empty()
            && self.phases.is_empty()
            && self.risks.is_empty()
            && self.costs.is_empty()
        {
            return Err(ImportError::NothingRecognised);
        }
        let phase_name = |r: &Option<PhaseRef>, phases: &[Phase]| match r {
            Some(PhaseRef::Index(i)) => phases.get(*i).map(|p| p.draft.name.clone()),
            _ => None,
        };
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| "Imported service".to_string());
        let draft = ServiceDraft {
            slug: self
                .slug
                .clone()
                .unwrap_or_else(|| slugify(&name, v::SLUG_MAX)),
            name,
            description: clip(&self.description.join("\n"), v::TEXT_MAX),
            team: self.team.clone(),
            target_go_live: self.go_live,
            sections: self
                .sections
                .iter()
                .map(|s| SectionDraft {
                    name: s.name.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|i| ItemDraft {
                            phase: phase_name(&i.phase, &self.phases),
                            ..i.draft.clone()
                        })
                        .collect(),
                })
                .collect(),
            risks: self.risks.iter().map(|r| r.draft.clone()).collect(),
            cost_lines: self
                .costs
                .iter()
                .map(|c| CostLineDraft {
                    phase: phase_name(&c.phase, &self.phases),
                    ..c.draft.clone()
                })
                .collect(),
            phases: self.phases.iter().map(|p| p.draft.clone()).collect(),
        };
        let draft = draft
            .validated()
            .map_err(|e| ImportError::Unreadable(e.to_string()))?;
        self.recognised.sort_by_key(|r| r.line);
        self.skipped.sort_by_key(|s| s.line);
        Ok(ImportPreview {
            draft,
            recognised: self.recognised,
            skipped: self.skipped,
            repaired_mojibake: repaired,
            discrepancies: self.discrepancies,
        })
    }
}
