//! Dropping parts of a draft before it is saved (the import preview lets the user
//! leave out sections, phases, risks and cost lines), keeping what remains
//! consistent: nothing may refer to a part that is gone.

use crate::draft::ServiceDraft;
use crate::model::CostKind;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Indexes (into the draft's lists) of the parts to leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedParts {
    #[serde(default)]
    pub sections: Vec<usize>,
    #[serde(default)]
    pub phases: Vec<usize>,
    #[serde(default)]
    pub risks: Vec<usize>,
    #[serde(default)]
    pub cost_lines: Vec<usize>,
}

impl DroppedParts {
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
            && self.phases.is_empty()
            && self.risks.is_empty()
            && self.cost_lines.is_empty()
    }
}

/// The draft without the dropped parts. Items of a dropped phase stay, without a
/// phase; an addition of a dropped phase goes with it (an addition needs its phase);
/// risks keep only links to items that remain.
pub fn without_parts(draft: &ServiceDraft, dropped: &DroppedParts) -> ServiceDraft {
    let mut out = draft.clone();

    let dropped_phase_names: HashSet<String> = draft
        .phases
        .iter()
        .enumerate()
        .filter(|(i, _)| dropped.phases.contains(i))
        .map(|(_, p)| p.name.clone())
        .collect();
    out.phases = keep_indexes(&draft.phases, &dropped.phases);

    out.sections = keep_indexes(&draft.sections, &dropped.sections);
    for item in out.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
        if item
            .phase
            .as_ref()
            .is_some_and(|p| dropped_phase_names.contains(p))
        {
            item.phase = None;
        }
    }
    let item_titles: HashSet<&str> = out
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.title.as_str()))
        .collect();

    out.risks = keep_indexes(&draft.risks, &dropped.risks);
    for risk in &mut out.risks {
        risk.mitigated_by
            .retain(|title| item_titles.contains(title.as_str()));
    }

    out.cost_lines = keep_indexes(&draft.cost_lines, &dropped.cost_lines)
        .into_iter()
        .filter_map(|mut line| {
            let phase_gone = line
                .phase
                .as_ref()
                .is_some_and(|p| dropped_phase_names.contains(p));
            if !phase_gone {
                return Some(line);
            }
            if line.kind == CostKind::Addition {
                return None;
            }
            line.phase = None;
            Some(line)
        })
        .collect();
    out
}

fn keep_indexes<T: Clone>(list: &[T], dropped: &[usize]) -> Vec<T> {
    list.iter()
        .enumerate()
        .filter(|(i, _)| !dropped.contains(i))
        .map(|(_, x)| x.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{CostLineDraft, ItemDraft, PhaseDraft, RiskDraft, SectionDraft};
    use crate::model::{CostCategory, ItemStatus, Priority, RiskStatus};

    fn item(title: &str, phase: Option<&str>) -> ItemDraft {
        ItemDraft {
            title: title.into(),
            detail: String::new(),
            status: ItemStatus::Todo,
            priority: Priority::High,
            owner: String::new(),
            due_date: None,
            evidence_url: None,
            na_reason: None,
            phase: phase.map(Into::into),
        }
    }

    fn phase(name: &str) -> PhaseDraft {
        PhaseDraft {
            name: name.into(),
            goal: String::new(),
            planned_start: None,
            planned_end: None,
            effort_min_days: Some(1),
            effort_max_days: Some(2),
            monthly_cost_change_cents: Some(1500),
        }
    }

    fn line(name: &str, kind: CostKind, phase: Option<&str>) -> CostLineDraft {
        CostLineDraft {
            category: CostCategory::Compute,
            name: name.into(),
            kind,
            monthly_cents: if kind == CostKind::Saving { -500 } else { 500 },
            phase: phase.map(Into::into),
            start_month: None,
        }
    }

    fn draft() -> ServiceDraft {
        ServiceDraft {
            slug: "svc".into(),
            name: "Svc".into(),
            description: String::new(),
            team: String::new(),
            target_go_live: None,
            phases: vec![phase("Phase 1"), phase("Phase 2")],
            sections: vec![
                SectionDraft {
                    name: "Security".into(),
                    items: vec![item("WAF", Some("Phase 1")), item("TLS", Some("Phase 2"))],
                },
                SectionDraft {
                    name: "Backups".into(),
                    items: vec![item("Restore test", Some("Phase 2"))],
                },
            ],
            risks: vec![RiskDraft {
                title: "Data loss".into(),
                description: String::new(),
                likelihood: 4,
                impact: 5,
                mitigation: String::new(),
                owner: String::new(),
                status: RiskStatus::Open,
                review_date: None,
                mitigated_by: vec!["Restore test".into(), "WAF".into()],
            }],
            cost_lines: vec![
                line("EKS", CostKind::Baseline, None),
                line("WAF rules", CostKind::Addition, Some("Phase 1")),
                line("Backups", CostKind::Addition, Some("Phase 2")),
            ],
        }
    }

    #[test]
    fn nothing_dropped_changes_nothing() {
        let d = draft();
        assert_eq!(without_parts(&d, &DroppedParts::default()), d);
    }

    #[test]
    fn dropping_a_phase_unassigns_its_items_and_drops_its_additions() {
        let dropped = DroppedParts {
            phases: vec![0],
            ..Default::default()
        };
        let out = without_parts(&draft(), &dropped);
        assert_eq!(out.phases.len(), 1);
        assert_eq!(out.sections[0].items[0].phase, None);
        assert_eq!(out.sections[0].items[1].phase.as_deref(), Some("Phase 2"));
        let names: Vec<_> = out.cost_lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["EKS", "Backups"]);
        assert!(out.validated().is_ok());
    }

    #[test]
    fn dropping_a_section_removes_links_to_its_items() {
        let dropped = DroppedParts {
            sections: vec![1],
            ..Default::default()
        };
        let out = without_parts(&draft(), &dropped);
        assert_eq!(out.sections.len(), 1);
        assert_eq!(out.risks[0].mitigated_by, ["WAF"]);
        assert!(out.validated().is_ok());
    }

    #[test]
    fn dropping_risks_and_lines_by_index() {
        let dropped = DroppedParts {
            risks: vec![0],
            cost_lines: vec![0, 2],
            ..Default::default()
        };
        let out = without_parts(&draft(), &dropped);
        assert!(out.risks.is_empty());
        assert_eq!(out.cost_lines.len(), 1);
        assert_eq!(out.cost_lines[0].name, "WAF rules");
        assert!(!dropped.is_empty());
    }
}
