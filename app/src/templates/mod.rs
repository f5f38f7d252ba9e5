//! Built-in templates a new service starts from, and the "new service" form turned
//! into a [`ServiceDraft`]. The checklists are written for Preflight from what the
//! seed documents recommend (`../shared/seeds/`): one general production readiness
//! template and one for Kubernetes services, plus an empty one.
//!
//! The template documents are JSON [`ServiceDraft`]s (`general.json`,
//! `kubernetes.json`) compiled into the binary. Their phase dates are written
//! relative to [`DAY_ZERO`]: instantiating a template moves them so that day zero is
//! the creation day. Their slug and name are placeholders replaced by the form's.

use crate::domain::validate as v;
use crate::draft::ServiceDraft;
use crate::error::AppError;
use crate::input::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The day the template documents' phase dates count from (a Monday).
pub const DAY_ZERO: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 3) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The template chosen when the form does not say.
pub const DEFAULT_TEMPLATE: &str = "general";

const GENERAL: &str = include_str!("general.json");
const KUBERNETES: &str = include_str!("kubernetes.json");

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub draft: ServiceDraft,
}

/// Every built-in template, in the order the form shows them.
pub fn builtin_templates() -> Vec<Template> {
    vec![
        Template {
            key: "empty",
            name: "Empty",
            description: "No sections, phases or risks: build the plan yourself or import it later.",
            draft: empty_draft(),
        },
        Template {
            key: "general",
            name: "General production readiness",
            description: "Security, reliability, observability, operations and cost, in four phases from critical to long-term, with typical risks and cost additions of a small AWS setup.",
            draft: parse("general", GENERAL),
        },
        Template {
            key: "kubernetes",
            name: "Kubernetes service",
            description: "Workloads, cluster, security, networking, observability, backup and cost for a service on managed Kubernetes: requests and limits, probes, PDBs, HPA, network policies, RBAC, external secrets, Velero.",
            draft: parse("kubernetes", KUBERNETES),
        },
    ]
}

/// The built-in template with this key.
pub fn find(key: &str) -> Option<Template> {
    builtin_templates().into_iter().find(|t| t.key == key)
}

fn empty_draft() -> ServiceDraft {
    ServiceDraft {
        slug: "empty".into(),
        name: "Empty".into(),
        description: String::new(),
        team: String::new(),
        target_go_live: None,
        phases: vec![],
        sections: vec![],
        risks: vec![],
        cost_lines: vec![],
    }
}

fn parse(key: &str, json: &str) -> ServiceDraft {
    // The documents are part of the source and checked by the unit tests below.
    serde_json::from_str(json)
        .unwrap_or_else(|e| panic!("template {key} is not a ServiceDraft: {e}"))
}

/// What the form shows about a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    pub key: String,
    pub name: String,
    pub description: String,
    pub sections: Vec<String>,
    pub items: usize,
    pub phases: usize,
    pub risks: usize,
}

impl Template {
    pub fn summary(&self) -> TemplateSummary {
        TemplateSummary {
            key: self.key.to_string(),
            name: self.name.to_string(),
            description: self.description.to_string(),
            sections: self.draft.sections.iter().map(|s| s.name.clone()).collect(),
            items: self.draft.item_count(),
            phases: self.draft.phases.len(),
            risks: self.draft.risks.len(),
        }
    }

    /// The template's draft with its dates moved so that [`DAY_ZERO`] is `today`.
    pub fn instantiate(&self, today: NaiveDate) -> ServiceDraft {
        let mut draft = self.draft.clone();
        draft.shift_dates((today - DAY_ZERO).num_days());
        draft
    }
}

/// The "new service" form as it is posted. Empty strings mean "not set".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewServiceForm {
    pub name: String,
    pub slug: String,
    pub team: String,
    pub description: String,
    /// `YYYY-MM-DD` or empty.
    pub target_go_live: String,
    /// Key of a built-in template.
    pub template: String,
}

/// The service the form asks for: the chosen template instantiated on `today` with
/// the form's name, slug, team, description and go-live date, checked as a whole.
/// Each failure names the form field (or the template's path) to fix.
pub fn new_service_draft(
    form: &NewServiceForm,
    today: NaiveDate,
) -> Result<ServiceDraft, AppError> {
    let name = v::required_text("name", &form.name, v::NAME_MAX)?;
    let slug = v::slug("slug", form.slug.trim())?;
    let target_go_live = parse_date("target_go_live", &form.target_go_live)?;
    let key = match form.template.trim() {
        "" => DEFAULT_TEMPLATE,
        key => key,
    };
    let template =
        find(key).ok_or_else(|| AppError::invalid("template", format!("no template {key:?}")))?;
    let mut draft = template.instantiate(today);
    draft.name = name;
    draft.slug = slug;
    draft.team = form.team.clone();
    draft.description = form.description.clone();
    draft.target_go_live = target_go_live;
    draft.validated()
}

pub use crate::domain::validate::slugify;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CostKind, Priority};
    use std::collections::HashSet;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn form(template: &str) -> NewServiceForm {
        NewServiceForm {
            name: "Orders API".into(),
            slug: "orders-api".into(),
            team: "Checkout".into(),
            description: "Takes orders.".into(),
            target_go_live: "2027-03-01".into(),
            template: template.into(),
        }
    }

    #[test]
    fn every_template_is_a_valid_draft() {
        let templates = builtin_templates();
        let keys: Vec<_> = templates.iter().map(|t| t.key).collect();
        assert_eq!(keys, ["empty", "general", "kubernetes"]);
        for t in &templates {
            let checked = t
                .draft
                .validated()
                .unwrap_or_else(|e| panic!("{}: {e}", t.key));
            assert_eq!(checked, t.draft, "{} has untrimmed text", t.key);
            assert!(t.draft.target_go_live.is_none());
            for (i, line) in t.draft.cost_lines.iter().enumerate() {
                assert_ne!(
                    line.kind,
                    CostKind::Saving,
                    "{} line {i}: savings need dates",
                    t.key
                );
            }
        }
    }

    #[test]
    fn the_general_template_has_the_five_areas() {
        let general = find("general").unwrap().draft;
        let names: Vec<_> = general.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Security",
                "Reliability",
                "Observability",
                "Operations",
                "Cost"
            ]
        );
        assert_eq!(general.item_count(), 46);
        assert_eq!(general.phases.len(), 4);
        assert_eq!(general.risks.len(), 8);
    }

    #[test]
    fn the_kubernetes_template_covers_the_cluster_essentials() {
        let k8s = find("kubernetes").unwrap().draft;
        let titles: Vec<String> = k8s
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .map(|i| i.title.to_lowercase())
            .collect();
        for needle in [
            "requests and limits",
            "poddisruptionbudget",
            "liveness and readiness",
            "horizontalpodautoscaler",
            "networkpolicies",
            "rbac",
            "scanned",
            "external secrets",
            "tls at the ingress",
            "node autoscaling",
            "velero",
            "prometheus",
        ] {
            assert!(titles.iter().any(|t| t.contains(needle)), "{needle}");
        }
        assert_eq!(k8s.item_count(), 40);
        assert_eq!(k8s.sections.len(), 7);
    }

    #[test]
    fn items_are_unique_and_risks_link_to_them() {
        for t in builtin_templates() {
            let mut all = HashSet::new();
            for section in &t.draft.sections {
                let mut seen = HashSet::new();
                for item in &section.items {
                    assert!(
                        seen.insert(&item.title),
                        "{}: {:?} twice",
                        t.key,
                        item.title
                    );
                    // Unique across the template too, so risks link unambiguously.
                    assert!(all.insert(&item.title), "{}: {:?} twice", t.key, item.title);
                    assert!(
                        item.phase.is_some(),
                        "{}: {:?} has no phase",
                        t.key,
                        item.title
                    );
                }
            }
            for risk in &t.draft.risks {
                assert!(!risk.mitigated_by.is_empty(), "{}: {:?}", t.key, risk.title);
                for title in &risk.mitigated_by {
                    assert!(
                        all.contains(title),
                        "{}: {:?} links {title:?}",
                        t.key,
                        risk.title
                    );
                }
            }
        }
    }

    #[test]
    fn templates_gate_on_critical_items_and_keep_phase_costs_consistent() {
        for t in builtin_templates().into_iter().filter(|t| t.key != "empty") {
            let items: Vec<_> = t.draft.sections.iter().flat_map(|s| &s.items).collect();
            assert!(
                items.iter().any(|i| i.priority == Priority::Critical),
                "{}",
                t.key
            );
            // Critical work belongs to the first phase.
            for item in items.iter().filter(|i| i.priority == Priority::Critical) {
                assert_eq!(item.phase.as_deref(), Some(t.draft.phases[0].name.as_str()));
            }
            // A stated phase cost change equals its additions (no mismatch warning).
            for phase in &t.draft.phases {
                if let Some(stated) = phase.monthly_cost_change_cents {
                    let sum: i64 = t
                        .draft
                        .cost_lines
                        .iter()
                        .filter(|l| l.kind == CostKind::Addition)
                        .filter(|l| l.phase.as_deref() == Some(phase.name.as_str()))
                        .map(|l| l.monthly_cents)
                        .sum();
                    assert_eq!(stated, sum, "{}: {}", t.key, phase.name);
                }
            }
        }
    }

    #[test]
    fn instantiating_schedules_phases_from_today() {
        let today = ymd(2026, 11, 25);
        let draft = find("general").unwrap().instantiate(today);
        assert_eq!(draft.phases[0].planned_start, Some(today));
        assert_eq!(draft.phases[0].planned_end, Some(ymd(2026, 12, 6)));
        for pair in draft.phases.windows(2) {
            assert!(pair[0].planned_end < pair[1].planned_start);
        }
    }

    #[test]
    fn the_form_becomes_a_draft() {
        let today = ymd(2026, 11, 25);
        let draft = new_service_draft(&form("kubernetes"), today).unwrap();
        assert_eq!(draft.slug, "orders-api");
        assert_eq!(draft.name, "Orders API");
        assert_eq!(draft.team, "Checkout");
        assert_eq!(draft.target_go_live, Some(ymd(2027, 3, 1)));
        assert_eq!(draft.item_count(), 40);

        let empty = new_service_draft(&form("empty"), today).unwrap();
        assert_eq!(empty.item_count(), 0);
        let mut no_choice = form("");
        no_choice.target_go_live = " ".into();
        let general = new_service_draft(&no_choice, today).unwrap();
        assert_eq!(general.sections.len(), 5);
        assert_eq!(general.target_go_live, None);
    }

    #[test]
    fn form_errors_name_the_field() {
        let today = ymd(2026, 11, 25);
        let field = |f: NewServiceForm| match new_service_draft(&f, today).unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        };
        let mut f = form("general");
        f.name = "  ".into();
        assert_eq!(field(f), "name");
        let mut f = form("general");
        f.name = "x".repeat(121);
        assert_eq!(field(f), "name");
        let mut f = form("general");
        f.slug = "Orders API".into();
        assert_eq!(field(f), "slug");
        let mut f = form("general");
        f.slug = "new".into();
        assert_eq!(field(f), "slug");
        let mut f = form("general");
        f.target_go_live = "next week".into();
        assert_eq!(field(f), "target_go_live");
        let mut f = form("general");
        f.template = "serverless".into();
        assert_eq!(field(f), "template");
        let mut f = form("general");
        f.team = "t".repeat(121);
        assert_eq!(field(f), "team");
    }

    #[test]
    fn slugs_from_names() {
        assert_eq!(slugify("Payments API"), "payments-api");
        assert_eq!(slugify("  Customer's  Portal v2! "), "customers-portal-v2");
        assert_eq!(slugify("Zahlungs-Dienst Ü"), "zahlungs-dienst");
        assert_eq!(slugify("---"), "");
        assert_eq!(slugify(&"ab ".repeat(40)).len(), 59);
        for name in ["Payments API", "a  b", "Ä x", &"word ".repeat(30)] {
            let s = slugify(name);
            assert!(
                s.is_empty() || v::slug("slug", &s).is_ok(),
                "{name:?} -> {s:?}"
            );
        }
    }
}
