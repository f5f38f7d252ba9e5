//! A service as a tree of plain values with no database ids: what the demo data and
//! (later) the Markdown importer produce, and what the data layer saves in one
//! transaction. Phases and items are referred to by name/title, resolved on save.

use crate::domain::validate as v;
use crate::error::AppError;
use crate::model::{CostCategory, CostKind, ItemStatus, Priority, RiskStatus};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceDraft {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub target_go_live: Option<NaiveDate>,
    #[serde(default)]
    pub phases: Vec<PhaseDraft>,
    #[serde(default)]
    pub sections: Vec<SectionDraft>,
    #[serde(default)]
    pub risks: Vec<RiskDraft>,
    #[serde(default)]
    pub cost_lines: Vec<CostLineDraft>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhaseDraft {
    pub name: String,
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub planned_start: Option<NaiveDate>,
    #[serde(default)]
    pub planned_end: Option<NaiveDate>,
    #[serde(default)]
    pub effort_min_days: Option<i32>,
    #[serde(default)]
    pub effort_max_days: Option<i32>,
    #[serde(default)]
    pub monthly_cost_change_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SectionDraft {
    pub name: String,
    #[serde(default)]
    pub items: Vec<ItemDraft>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemDraft {
    pub title: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default = "default_status")]
    pub status: ItemStatus,
    #[serde(default = "default_priority")]
    pub priority: Priority,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    #[serde(default)]
    pub evidence_url: Option<String>,
    #[serde(default)]
    pub na_reason: Option<String>,
    /// Name of a phase of the same draft.
    #[serde(default)]
    pub phase: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskDraft {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub likelihood: i16,
    pub impact: i16,
    #[serde(default)]
    pub mitigation: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default = "default_risk_status")]
    pub status: RiskStatus,
    #[serde(default)]
    pub review_date: Option<NaiveDate>,
    /// Titles of checklist items of the same draft.
    #[serde(default)]
    pub mitigated_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CostLineDraft {
    pub category: CostCategory,
    pub name: String,
    pub kind: CostKind,
    /// Negative for savings.
    pub monthly_cents: i64,
    /// Name of a phase of the same draft; required for additions.
    #[serde(default)]
    pub phase: Option<String>,
    /// First day of the month a saving starts.
    #[serde(default)]
    pub start_month: Option<NaiveDate>,
}

fn default_status() -> ItemStatus {
    ItemStatus::Todo
}
fn default_priority() -> Priority {
    Priority::Medium
}
fn default_risk_status() -> RiskStatus {
    RiskStatus::Open
}

impl ServiceDraft {
    /// Moves every date by `days`. Demo documents are written against a fixed day and
    /// shifted to today on load, so "late", "on time" and forecasts stay meaningful.
    /// Savings' start months stay on the first of a month.
    pub fn shift_dates(&mut self, days: i64) {
        let shift = |d: &mut Option<NaiveDate>| {
            if let Some(date) = d {
                *date += chrono::Duration::days(days);
            }
        };
        shift(&mut self.target_go_live);
        for phase in &mut self.phases {
            shift(&mut phase.planned_start);
            shift(&mut phase.planned_end);
        }
        for item in self.sections.iter_mut().flat_map(|s| s.items.iter_mut()) {
            shift(&mut item.due_date);
        }
        for risk in &mut self.risks {
            shift(&mut risk.review_date);
        }
        for line in &mut self.cost_lines {
            if let Some(month) = &mut line.start_month {
                let moved = *month + chrono::Duration::days(days);
                *month = first_of_month(moved);
            }
        }
    }

    pub fn item_count(&self) -> usize {
        self.sections.iter().map(|s| s.items.len()).sum()
    }
}

pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day0(0).unwrap_or(date)
}

impl ServiceDraft {
    /// Checks the whole draft and returns it cleaned (trimmed texts), or the first
    /// problem with the field named as a path such as `sections[1].items[3].title`.
    pub fn validated(&self) -> Result<ServiceDraft, AppError> {
        let mut out = self.clone();
        out.slug = v::slug("slug", self.slug.trim())?;
        out.name = v::required_text("name", &self.name, v::NAME_MAX)?;
        out.description = v::optional_text("description", &self.description, v::TEXT_MAX)?;
        out.team = v::optional_text("team", &self.team, v::NAME_MAX)?;

        let mut phase_names = HashSet::new();
        for (i, phase) in out.phases.iter_mut().enumerate() {
            let f = |name: &str| format!("phases[{i}].{name}");
            phase.name = v::required_text(&f("name"), &phase.name, v::NAME_MAX)?;
            if !phase_names.insert(phase.name.clone()) {
                return Err(AppError::invalid(
                    &f("name"),
                    format!("duplicate phase {:?}", phase.name),
                ));
            }
            phase.goal = v::optional_text(&f("goal"), &phase.goal, v::TEXT_MAX)?;
            if let (Some(start), Some(end)) = (phase.planned_start, phase.planned_end)
                && end < start
            {
                return Err(AppError::invalid(
                    &f("planned_end"),
                    "must not be before the planned start",
                ));
            }
            for (name, days) in [
                ("effort_min_days", phase.effort_min_days),
                ("effort_max_days", phase.effort_max_days),
            ] {
                if days.is_some_and(|d| d < 0) {
                    return Err(AppError::invalid(&f(name), "must not be negative"));
                }
            }
            if let (Some(min), Some(max)) = (phase.effort_min_days, phase.effort_max_days)
                && min > max
            {
                return Err(AppError::invalid(
                    &f("effort_max_days"),
                    "must not be below the minimum effort",
                ));
            }
        }
        let known_phase = |field: &str, phase: &Option<String>| -> Result<(), AppError> {
            match phase {
                Some(name) if !phase_names.contains(name.trim()) => {
                    Err(AppError::invalid(field, format!("no phase named {name:?}")))
                }
                _ => Ok(()),
            }
        };

        let mut titles: HashMap<String, usize> = HashMap::new();
        for (si, section) in out.sections.iter_mut().enumerate() {
            section.name =
                v::required_text(&format!("sections[{si}].name"), &section.name, v::NAME_MAX)?;
            for (ii, item) in section.items.iter_mut().enumerate() {
                let f = |name: &str| format!("sections[{si}].items[{ii}].{name}");
                item.title = v::required_text(&f("title"), &item.title, v::TITLE_MAX)?;
                item.detail = v::optional_text(&f("detail"), &item.detail, v::TEXT_MAX)?;
                item.owner = v::optional_text(&f("owner"), &item.owner, v::NAME_MAX)?;
                item.evidence_url = match &item.evidence_url {
                    Some(url) if !url.trim().is_empty() => {
                        Some(v::http_url(&f("evidence_url"), url)?)
                    }
                    _ => None,
                };
                item.na_reason = if item.status == ItemStatus::NotApplicable {
                    Some(v::required_text(
                        &f("na_reason"),
                        item.na_reason.as_deref().unwrap_or(""),
                        v::TEXT_MAX,
                    )?)
                } else {
                    None
                };
                known_phase(&f("phase"), &item.phase)?;
                *titles.entry(item.title.clone()).or_default() += 1;
            }
        }

        for (i, risk) in out.risks.iter_mut().enumerate() {
            let f = |name: &str| format!("risks[{i}].{name}");
            risk.title = v::required_text(&f("title"), &risk.title, v::TITLE_MAX)?;
            risk.description = v::optional_text(&f("description"), &risk.description, v::TEXT_MAX)?;
            risk.mitigation = v::optional_text(&f("mitigation"), &risk.mitigation, v::TEXT_MAX)?;
            risk.owner = v::optional_text(&f("owner"), &risk.owner, v::NAME_MAX)?;
            for (name, value) in [("likelihood", risk.likelihood), ("impact", risk.impact)] {
                if !(1..=5).contains(&value) {
                    return Err(AppError::invalid(
                        &f(name),
                        format!("must be from 1 to 5 (got {value})"),
                    ));
                }
            }
            for title in &risk.mitigated_by {
                match titles.get(title.trim()) {
                    Some(1) => {}
                    Some(_) => {
                        return Err(AppError::invalid(
                            &f("mitigated_by"),
                            format!("several items are titled {title:?}"),
                        ));
                    }
                    None => {
                        return Err(AppError::invalid(
                            &f("mitigated_by"),
                            format!("no item titled {title:?}"),
                        ));
                    }
                }
            }
        }

        for (i, line) in out.cost_lines.iter_mut().enumerate() {
            let f = |name: &str| format!("cost_lines[{i}].{name}");
            line.name = v::required_text(&f("name"), &line.name, v::TITLE_MAX)?;
            known_phase(&f("phase"), &line.phase)?;
            match line.kind {
                CostKind::Baseline => {
                    if line.monthly_cents < 0 {
                        return Err(AppError::invalid(
                            &f("monthly_cents"),
                            "a baseline line cannot be negative",
                        ));
                    }
                    if line.phase.is_some() {
                        return Err(AppError::invalid(
                            &f("phase"),
                            "a baseline line belongs to no phase",
                        ));
                    }
                }
                CostKind::Addition => {
                    if line.phase.is_none() {
                        return Err(AppError::invalid(
                            &f("phase"),
                            "an addition must name the phase that brings it",
                        ));
                    }
                }
                CostKind::Saving => {
                    if line.monthly_cents > 0 {
                        return Err(AppError::invalid(
                            &f("monthly_cents"),
                            "a saving is a negative amount",
                        ));
                    }
                    match line.start_month {
                        None => {
                            return Err(AppError::invalid(
                                &f("start_month"),
                                "a saving needs a start month",
                            ));
                        }
                        Some(m) if m.day() != 1 => {
                            return Err(AppError::invalid(
                                &f("start_month"),
                                "must be the first day of a month",
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn minimal() -> ServiceDraft {
        serde_json::from_str(
            r#"{"slug":"svc","name":"Svc",
                "phases":[{"name":"Phase 1"}],
                "sections":[{"name":"Security","items":[{"title":"TLS","phase":"Phase 1"}]}],
                "risks":[{"title":"No TLS","likelihood":4,"impact":5,"mitigated_by":["TLS"]}],
                "cost_lines":[{"category":"networking","name":"NAT","kind":"addition","monthly_cents":3285,"phase":"Phase 1"}]}"#,
        )
        .unwrap()
    }

    fn field_of(draft: &ServiceDraft) -> String {
        match draft.validated().unwrap_err() {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_sound_draft_passes() {
        assert!(minimal().validated().is_ok());
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut d = minimal();
        d.sections[0].items[0].title = " ".into();
        assert_eq!(field_of(&d), "sections[0].items[0].title");

        let mut d = minimal();
        d.sections[0].items[0].phase = Some("Phase 9".into());
        assert_eq!(field_of(&d), "sections[0].items[0].phase");

        let mut d = minimal();
        d.sections[0].items[0].status = ItemStatus::NotApplicable;
        assert_eq!(field_of(&d), "sections[0].items[0].na_reason");

        let mut d = minimal();
        d.risks[0].impact = 6;
        assert_eq!(field_of(&d), "risks[0].impact");

        let mut d = minimal();
        d.risks[0].mitigated_by = vec!["Nothing".into()];
        assert_eq!(field_of(&d), "risks[0].mitigated_by");

        let mut d = minimal();
        d.cost_lines[0].phase = None;
        assert_eq!(field_of(&d), "cost_lines[0].phase");

        let mut d = minimal();
        d.cost_lines[0].kind = CostKind::Saving;
        d.cost_lines[0].phase = None;
        assert_eq!(field_of(&d), "cost_lines[0].monthly_cents");

        let mut d = minimal();
        d.phases[0].effort_min_days = Some(-1);
        assert_eq!(field_of(&d), "phases[0].effort_min_days");

        let mut d = minimal();
        d.phases[0].planned_start = Some(ymd(2026, 5, 2));
        d.phases[0].planned_end = Some(ymd(2026, 5, 1));
        assert_eq!(field_of(&d), "phases[0].planned_end");

        let mut d = minimal();
        d.slug = "Not A Slug".into();
        assert_eq!(field_of(&d), "slug");
    }

    #[test]
    fn shifting_keeps_savings_on_month_starts() {
        let mut draft = ServiceDraft {
            slug: "x".into(),
            name: "X".into(),
            description: String::new(),
            team: String::new(),
            target_go_live: Some(ymd(2026, 11, 22)),
            phases: vec![],
            sections: vec![],
            risks: vec![],
            cost_lines: vec![CostLineDraft {
                category: CostCategory::Compute,
                name: "Reserved instances".into(),
                kind: CostKind::Saving,
                monthly_cents: -5000,
                phase: None,
                start_month: Some(ymd(2027, 1, 1)),
            }],
        };
        draft.shift_dates(40);
        assert_eq!(draft.target_go_live, Some(ymd(2027, 1, 1)));
        assert_eq!(draft.cost_lines[0].start_month, Some(ymd(2027, 2, 1)));
    }
}
