//! A stored service (the API's [`ServiceDocument`], with ids) as a [`ServiceDraft`]
//! (names and titles instead of ids), so the server can export it.

use crate::draft::{CostLineDraft, ItemDraft, PhaseDraft, RiskDraft, SectionDraft, ServiceDraft};
use crate::model::ServiceDocument;
use std::collections::HashMap;

impl ServiceDraft {
    /// Ids become names: an item's phase, a cost line's phase, a risk's mitigating
    /// items (by title). References to ids the document does not hold are dropped.
    pub fn from_document(doc: &ServiceDocument) -> ServiceDraft {
        let phase_names: HashMap<i64, &str> =
            doc.phases.iter().map(|p| (p.id, p.name.as_str())).collect();
        let item_titles: HashMap<i64, &str> = doc
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| (i.id, i.title.as_str()))
            .collect();
        let phase_of = |id: Option<i64>| {
            id.and_then(|id| phase_names.get(&id))
                .map(|n| n.to_string())
        };
        ServiceDraft {
            slug: doc.slug.clone(),
            name: doc.name.clone(),
            description: doc.description.clone(),
            team: doc.team.clone(),
            target_go_live: doc.target_go_live,
            phases: doc
                .phases
                .iter()
                .map(|p| PhaseDraft {
                    name: p.name.clone(),
                    goal: p.goal.clone(),
                    planned_start: p.planned_start,
                    planned_end: p.planned_end,
                    effort_min_days: p.effort_min_days,
                    effort_max_days: p.effort_max_days,
                    monthly_cost_change_cents: p.monthly_cost_change_cents,
                })
                .collect(),
            sections: doc
                .sections
                .iter()
                .map(|s| SectionDraft {
                    name: s.name.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|i| ItemDraft {
                            title: i.title.clone(),
                            detail: i.detail.clone(),
                            status: i.status,
                            priority: i.priority,
                            owner: i.owner.clone(),
                            due_date: i.due_date,
                            evidence_url: i.evidence_url.clone(),
                            na_reason: i.na_reason.clone(),
                            phase: phase_of(i.phase_id),
                        })
                        .collect(),
                })
                .collect(),
            risks: doc
                .risks
                .iter()
                .map(|r| RiskDraft {
                    title: r.title.clone(),
                    description: r.description.clone(),
                    likelihood: r.likelihood,
                    impact: r.impact,
                    mitigation: r.mitigation.clone(),
                    owner: r.owner.clone(),
                    status: r.status,
                    review_date: r.review_date,
                    mitigated_by: r
                        .mitigating_item_ids
                        .iter()
                        .filter_map(|id| item_titles.get(id).map(|t| t.to_string()))
                        .collect(),
                })
                .collect(),
            cost_lines: doc
                .cost_lines
                .iter()
                .map(|c| CostLineDraft {
                    category: c.category,
                    name: c.name.clone(),
                    kind: c.kind,
                    monthly_cents: c.monthly_cents,
                    phase: phase_of(c.phase_id),
                    start_month: c.start_month,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::draft::ServiceDraft;
    use crate::model::*;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn ids_become_names() {
        let at = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
        let item = |id: i64, title: &str, phase_id: Option<i64>| ChecklistItem {
            id,
            section_id: 1,
            title: title.into(),
            detail: String::new(),
            status: ItemStatus::Done,
            priority: Priority::Critical,
            owner: "Ana".into(),
            due_date: NaiveDate::from_ymd_opt(2026, 12, 1),
            evidence_url: Some("https://ci.example.com/1".into()),
            phase_id,
            na_reason: None,
            version: 3,
            updated_at: at,
            updated_by: "ana".into(),
        };
        let doc = ServiceDocument {
            slug: "svc".into(),
            name: "Svc".into(),
            description: "D".into(),
            team: "T".into(),
            target_go_live: None,
            readiness_percent: 50,
            sections: vec![ChecklistSection {
                id: 1,
                name: "Security".into(),
                items: vec![item(10, "TLS", Some(7)), item(11, "WAF", Some(99))],
            }],
            phases: vec![Phase {
                id: 7,
                name: "Phase 1".into(),
                goal: String::new(),
                planned_start: None,
                planned_end: None,
                effort_min_days: Some(2),
                effort_max_days: Some(3),
                monthly_cost_change_cents: Some(1500),
                completed_at: None,
                version: 1,
            }],
            risks: vec![Risk {
                id: 5,
                title: "No TLS".into(),
                description: String::new(),
                likelihood: 4,
                impact: 5,
                mitigation: String::new(),
                owner: String::new(),
                status: RiskStatus::Open,
                review_date: None,
                mitigating_item_ids: vec![10, 12],
                version: 1,
            }],
            cost_lines: vec![CostLine {
                id: 3,
                category: CostCategory::Networking,
                name: "NAT".into(),
                kind: CostKind::Addition,
                monthly_cents: 3285,
                phase_id: Some(7),
                start_month: None,
                included: true,
                version: 1,
            }],
            stated_cost_figures: Vec::new(),
        };
        let draft = ServiceDraft::from_document(&doc);
        assert_eq!(draft.sections[0].items[0].phase.as_deref(), Some("Phase 1"));
        assert_eq!(draft.sections[0].items[1].phase, None);
        assert_eq!(draft.sections[0].items[0].owner, "Ana");
        assert_eq!(draft.risks[0].mitigated_by, vec!["TLS".to_string()]);
        assert_eq!(draft.cost_lines[0].phase.as_deref(), Some("Phase 1"));
        assert_eq!(draft.phases[0].monthly_cost_change_cents, Some(1500));
        assert!(draft.validated().is_ok());
    }
}
