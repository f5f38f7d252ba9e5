//! The risk register tab: a 5×5 heat map (inherent or residual), the risks ordered by
//! residual score with their linked checklist items, and the forms that add, edit,
//! close and delete risks.
//!
//! Scores come from [`crate::domain::risk`], the register's rules from
//! [`crate::domain::risk_register`]. The residual reads the item signals of
//! the service page, so ticking a linked item on the checklist tab moves it here
//! without a reload. The heat map counts every risk that is not closed: an
//! *accepted* risk is still exposure the team chose to carry, so it stays on the map.

mod add;
mod card;

use crate::charts::{HeatMapChart, heat_map_chart};
use crate::components::risk_editor::LinkGroup;
use crate::domain::risk::{self, Assessment, LEVEL_MATRIX, on_heat_map};
use crate::domain::risk_register::{HeatMode, assess, heat_counts, order_key};
use crate::model::{ChecklistItem, ItemStatus, Risk, RiskStatus};
use crate::service_state::{ServiceCtx, use_service};
use add::AddRisk;
use card::RiskCard;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use std::collections::HashMap;

fn date_label(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The tab's state: the risks (one signal each) and the service's item signals.
#[derive(Clone, Copy)]
struct Register {
    risks: RwSignal<Vec<RwSignal<Risk>>>,
    items: StoredValue<HashMap<i64, RwSignal<ChecklistItem>>>,
    ctx: ServiceCtx,
}

impl Register {
    /// Tracked: the residual follows the item's signal.
    fn status_of(&self, item_id: i64) -> Option<ItemStatus> {
        self.items
            .with_value(|m| m.get(&item_id).map(|i| i.read().status))
    }

    fn assess(&self, risk: &Risk) -> (Assessment, Assessment) {
        assess(risk, |id| self.status_of(id))
    }

    fn item(&self, item_id: i64) -> Option<RwSignal<ChecklistItem>> {
        self.items.with_value(|m| m.get(&item_id).copied())
    }

    /// Shows a stored risk: replaces the one with its id, or adds it.
    fn put(&self, stored: Risk) {
        let existing = self.risks.try_with_untracked(|list| {
            list.iter()
                .copied()
                .find(|r| r.try_with_untracked(|r| r.id == stored.id) == Some(true))
        });
        match existing {
            Some(Some(signal)) => {
                signal.try_set(stored);
            }
            Some(None) => {
                self.risks
                    .try_update(|list| list.push(RwSignal::new(stored)));
            }
            None => return,
        }
        self.sync();
    }

    fn remove(&self, risk_id: i64) {
        self.risks.try_update(|list| {
            list.retain(|r| r.try_with_untracked(|r| r.id != risk_id).unwrap_or(false))
        });
        self.sync();
    }

    /// Keeps the page's document in step, so coming back to this tab shows the same.
    fn sync(&self) {
        let list = self.risks.try_with_untracked(|list| {
            list.iter()
                .filter_map(|r| r.try_get_untracked())
                .collect::<Vec<_>>()
        });
        if let Some(list) = list {
            self.ctx.doc.try_update_value(|d| d.risks = list);
        }
    }

    /// The checklist as the editor offers it for linking.
    fn link_groups(&self) -> Vec<LinkGroup> {
        self.ctx.sections.with_value(|sections| {
            sections
                .iter()
                .map(|s| LinkGroup {
                    section: s.name.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|i| i.with_untracked(|i| (i.id, i.title.clone())))
                        .collect(),
                })
                .collect()
        })
    }
}

#[component]
pub fn RisksTab() -> impl IntoView {
    let ctx = use_service();
    let items: HashMap<i64, RwSignal<ChecklistItem>> = ctx
        .all_items()
        .into_iter()
        .map(|i| (i.with_untracked(|i| i.id), i))
        .collect();
    let reg = Register {
        risks: RwSignal::new(
            ctx.doc
                .with_value(|d| d.risks.iter().cloned().map(RwSignal::new).collect()),
        ),
        items: StoredValue::new(items),
        ctx,
    };
    let today = Utc::now().date_naive();

    // Every risk with its assessments; recomputed when a risk or a linked item changes.
    let assessed = Memo::new(move |_| {
        reg.risks.with(|list| {
            list.iter()
                .map(|signal| {
                    signal.with(|r| {
                        let (inherent, residual) = reg.assess(r);
                        (r.id, r.status, inherent, residual, *signal)
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let order = Memo::new(move |_| {
        let mut rows = assessed.get();
        rows.sort_by_key(|(id, status, inherent, residual, _)| {
            order_key(*id, *status, inherent, residual)
        });
        rows.into_iter()
            .map(|(id, _, _, _, signal)| (id, signal))
            .collect::<Vec<_>>()
    });
    let total = move || assessed.with(Vec::len);

    view! {
        <section class="risks" aria-label="Risks">
            <HeatMap assessed/>
            <div class="risk-list-header">
                <h2>"Risk register " <span class="muted">{move || format!("({})", total())}</span></h2>
                <p class="muted">"Highest residual score first, then inherent; closed risks last."</p>
            </div>
            <Show
                when=move || total() != 0
                fallback=|| view! {
                    <p class="empty-state">"No risks recorded for this service yet. Add the first one below."</p>
                }
            >
                <ol class="risk-list">
                    <For
                        each=move || order.get()
                        key=|(id, _)| *id
                        children=move |(_, risk)| view! { <RiskCard risk reg today/> }
                    />
                </ol>
            </Show>
            {crate::viewer::can_edit().then(|| view! { <AddRisk reg/> })}
        </section>
    }
}

type Assessed = Vec<(i64, RiskStatus, Assessment, Assessment, RwSignal<Risk>)>;

/// The heat map with its inherent / residual toggle, and the counts per level.
#[component]
fn HeatMap(assessed: Memo<Assessed>) -> impl IntoView {
    let mode = RwSignal::new(HeatMode::Residual);
    let rows = move || {
        assessed.with(|rows| {
            rows.iter()
                .map(|(_, status, i, r, _)| (*status, *i, *r))
                .collect::<Vec<_>>()
        })
    };
    let svg = move || {
        let mode = mode.get();
        heat_map_chart(&HeatMapChart {
            width: 360,
            height: 400,
            title: format!("Open risks, {} score", mode.label().to_lowercase()),
            counts: heat_counts(rows(), mode),
        })
    };
    // Per level: how many risks on the map sit there, inherent and residual.
    let per_level = move || {
        let rows = rows();
        risk::RiskLevel::ALL
            .iter()
            .rev()
            .map(|level| {
                let count = |pick: fn(&(RiskStatus, Assessment, Assessment)) -> risk::RiskLevel| {
                    rows.iter()
                        .filter(|row| on_heat_map(row.0) && pick(row) == *level)
                        .count()
                };
                (*level, count(|r| r.1.level), count(|r| r.2.level))
            })
            .collect::<Vec<_>>()
    };
    let on_map = move || rows().iter().filter(|r| on_heat_map(r.0)).count();
    let bands = LEVEL_MATRIX
        .iter()
        .map(|(level, low, high)| format!("{} {low}–{high}", level.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let toggle = move |m: HeatMode| {
        view! {
            <button
                type="button"
                aria-pressed=move || (mode.get() == m).to_string()
                on:click=move |_| mode.set(m)
            >
                {m.label()}
            </button>
        }
    };

    view! {
        <div class="risk-overview">
            <figure class="chart heat-map">
                <div class="heat-toggle" role="group" aria-label="Heat map scores">
                    {toggle(HeatMode::Inherent)}
                    {toggle(HeatMode::Residual)}
                </div>
                <div inner_html=svg></div>
                <figcaption>
                    {move || format!(
                        "{} risks by likelihood and impact, {} score. Counts open, mitigating and accepted risks; closed risks are left out.",
                        on_map(),
                        mode.get().label().to_lowercase(),
                    )}
                </figcaption>
            </figure>
            <div class="risk-summary">
                <h2>"Exposure"</h2>
                <table class="level-counts">
                    <caption class="visually-hidden">"Risks on the heat map per level"</caption>
                    <thead>
                        <tr><th scope="col">"Level"</th><th scope="col">"Inherent"</th><th scope="col">"Residual"</th></tr>
                    </thead>
                    <tbody>
                        {move || per_level().into_iter().map(|(level, inherent, residual)| view! {
                            <tr>
                                <th scope="row"><span class=format!("badge level level-{}", level.as_str())>{level.label()}</span></th>
                                <td>{inherent}</td>
                                <td>{residual}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="rules">
                    <strong>"On the map: "</strong>
                    "open, mitigating and accepted risks. An accepted risk is still exposure the team chose to carry, so it counts; a closed one does not."
                </p>
                <p class="rules">
                    <strong>"Score"</strong>" = likelihood × impact, each 1–5. Levels: " {bands} "."
                </p>
                <p class="rules">
                    <strong>"Residual: "</strong>
                    "the linked checklist items lower the likelihood in proportion to the share of them done (N/A items do not count), rounded up and never below 1. Impact stays the same."
                </p>
            </div>
        </div>
    }
}

fn level_badge(kind: &'static str, a: Assessment) -> impl IntoView {
    view! {
        <span
            class=format!("badge level level-{}", a.level.as_str())
            data-testid=format!("{kind}-score")
            title=format!("Likelihood {} × impact {}", a.likelihood, a.impact)
        >
            {format!("{} {}", a.level.label(), a.score)}
        </span>
    }
}
