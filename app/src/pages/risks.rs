//! The risk register tab: a 5×5 heat map (inherent or residual), the risks ordered by
//! residual score with their linked checklist items, and the forms that add, edit,
//! close and delete risks.
//!
//! Scores come from [`crate::domain::risk`]. The residual reads the item signals of
//! the service page, so ticking a linked item on the checklist tab moves it here
//! without a reload. The heat map counts every risk that is not closed: an
//! *accepted* risk is still exposure the team chose to carry, so it stays on the map.

use crate::charts::{HeatMapChart, heat_map_chart};
use crate::components::confirm::ConfirmDelete;
use crate::components::item_row::error_pair;
use crate::components::risk_editor::{LinkGroup, RiskEditor, form_of};
use crate::domain::risk::{self, Assessment, LEVEL_MATRIX};
use crate::error::AppError;
use crate::input::RiskForm;
use crate::model::{ChecklistItem, ItemStatus, Risk, RiskStatus};
use crate::pages::service::{ServiceCtx, use_service};
use crate::server_fns::risks::{create_risk, delete_risk, set_risk_status, update_risk};
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cmp::Reverse;
use std::collections::HashMap;

/// Which score the heat map places risks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeatMode {
    Inherent,
    Residual,
}

impl HeatMode {
    fn label(self) -> &'static str {
        match self {
            HeatMode::Inherent => "Inherent",
            HeatMode::Residual => "Residual",
        }
    }
}

pub use crate::domain::risk::on_heat_map;

/// A risk's inherent and residual assessment, given the status of each checklist item
/// (`None` for an item that is not, or no longer, in the service).
pub fn assess(
    risk: &Risk,
    status_of: impl Fn(i64) -> Option<ItemStatus>,
) -> (Assessment, Assessment) {
    let linked = risk
        .mitigating_item_ids
        .iter()
        .filter_map(|id| status_of(*id));
    (
        risk::inherent(risk.likelihood, risk.impact),
        risk::residual(risk.likelihood, risk.impact, linked),
    )
}

/// Heat-map counts of the risks on the map, by inherent or residual position.
pub fn heat_counts(
    rows: impl IntoIterator<Item = (RiskStatus, Assessment, Assessment)>,
    mode: HeatMode,
) -> [[u32; 5]; 5] {
    risk::heat_map(
        rows.into_iter()
            .filter(|(status, _, _)| on_heat_map(*status))
            .map(|(_, inherent, residual)| match mode {
                HeatMode::Inherent => (inherent.likelihood, inherent.impact),
                HeatMode::Residual => (residual.likelihood, residual.impact),
            }),
    )
}

/// The register's order: residual score descending, then inherent descending; closed
/// risks after all others; oldest first among equals.
pub fn order_key(
    id: i64,
    status: RiskStatus,
    inherent: &Assessment,
    residual: &Assessment,
) -> (bool, Reverse<i32>, Reverse<i32>, i64) {
    (
        status == RiskStatus::Closed,
        Reverse(residual.score),
        Reverse(inherent.score),
        id,
    )
}

/// A review date in the past, on a risk that is not closed.
pub fn review_overdue(risk: &Risk, today: NaiveDate) -> bool {
    risk.status != RiskStatus::Closed && risk.review_date.is_some_and(|d| d < today)
}

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

#[component]
fn RiskCard(risk: RwSignal<Risk>, reg: Register, today: NaiveDate) -> impl IntoView {
    let ctx = reg.ctx;
    let id = risk.with_untracked(|r| r.id);
    let assessment = Memo::new(move |_| risk.with(|r| reg.assess(r)));
    let editing = RwSignal::new(false);
    let form = RwSignal::new(RiskForm::default());
    let form_error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let message = RwSignal::new(None::<(String, bool)>);

    let title = move || risk.with(|r| r.title.clone());
    let status = move || risk.with(|r| r.status);

    let fail = move |e: AppError, doing: &str| {
        let conflict = matches!(e, AppError::Conflict { .. });
        let text = match &e {
            AppError::Conflict { message, .. } => message.clone(),
            other => error_pair(other).1,
        };
        message.try_set(Some((format!("Not {doing}: {text}"), conflict)));
    };
    let save = Callback::new(move |_| {
        let next = form.get_untracked();
        let version = risk.with_untracked(|r| r.version);
        pending.set(true);
        spawn_local(async move {
            match update_risk(ctx.slug.get_value(), id, version, next).await {
                Ok(stored) => {
                    reg.put(stored);
                    editing.try_set(false);
                    message.try_set(None);
                }
                Err(e @ AppError::Invalid { .. }) => {
                    form_error.try_set(Some(error_pair(&e)));
                }
                Err(e) => {
                    form_error.try_set(Some((String::new(), e.to_string())));
                }
            }
            pending.try_set(false);
        });
    });
    let quick_status = move |next: RiskStatus| {
        let version = risk.with_untracked(|r| r.version);
        pending.set(true);
        spawn_local(async move {
            match set_risk_status(ctx.slug.get_value(), id, version, next.as_str().to_string())
                .await
            {
                Ok(stored) => {
                    reg.put(stored);
                    message.try_set(None);
                }
                Err(e) => fail(e, "saved"),
            }
            pending.try_set(false);
        });
    };
    let delete = Callback::new(move |_| {
        let version = risk.with_untracked(|r| r.version);
        spawn_local(async move {
            match delete_risk(ctx.slug.get_value(), id, version).await {
                Ok(()) => reg.remove(id),
                Err(e) => fail(e, "deleted"),
            }
        });
    });

    let heading_id = format!("risk-{id}-title");
    let labelled_by = heading_id.clone();
    let base = format!("/services/{}", ctx.slug.get_value());
    let linked = move || {
        risk.with(|r| r.mitigating_item_ids.clone())
            .into_iter()
            .filter_map(|item_id| reg.item(item_id))
            .collect::<Vec<_>>()
    };
    let done_line = move || {
        let statuses: Vec<ItemStatus> = linked().iter().map(|i| i.read().status).collect();
        let applicable = statuses
            .iter()
            .filter(|s| **s != ItemStatus::NotApplicable)
            .count();
        let done = statuses.iter().filter(|s| **s == ItemStatus::Done).count();
        let na = statuses.len() - applicable;
        let plural = if applicable == 1 { "" } else { "s" };
        if na == 0 {
            format!("{done} of {applicable} mitigating item{plural} done")
        } else {
            format!("{done} of {applicable} mitigating item{plural} done ({na} N/A, not counted)")
        }
    };

    view! {
        <li
            class="risk-card"
            id=format!("risk-{id}")
            aria-labelledby=labelled_by
            data-risk-id=id
            class:closed=move || status() == RiskStatus::Closed
            class:overdue=move || risk.with(|r| review_overdue(r, today))
        >
            <header class="risk-header">
                <div class="risk-heading">
                    <h3 id=heading_id>{title}</h3>
                    <p class="risk-scores" data-testid="risk-scores">
                        <span class="visually-hidden">"Inherent "</span>
                        {move || level_badge("inherent", assessment.get().0)}
                        <span class="arrow" aria-hidden="true">" → "</span>
                        <span class="visually-hidden">" residual "</span>
                        {move || level_badge("residual", assessment.get().1)}
                        <span class="muted factors">
                            {move || {
                                let (i, r) = assessment.get();
                                if r.likelihood < i.likelihood {
                                    format!("likelihood {} → {}, impact {}", i.likelihood, r.likelihood, i.impact)
                                } else {
                                    format!("likelihood {}, impact {}", i.likelihood, i.impact)
                                }
                            }}
                        </span>
                    </p>
                </div>
                <span class=move || format!("badge risk-status risk-status-{}", status().as_str()) data-testid="risk-status">
                    {move || status().label()}
                </span>
                {crate::viewer::can_edit().then(|| view! {
                <div class="section-controls">
                    <button type="button" class="icon-button" title="Edit" aria-label=move || format!("Edit risk {}", title())
                        on:click=move |_| {
                            form.set(form_of(&risk.get_untracked()));
                            form_error.set(None);
                            editing.set(true);
                        }>"✎"</button>
                    {move || {
                        let (label, next) = if status() == RiskStatus::Closed {
                            ("Reopen", RiskStatus::Open)
                        } else {
                            ("Close", RiskStatus::Closed)
                        };
                        view! {
                            <button type="button" class="quick-status" aria-label=format!("{label} risk {}", title())
                                disabled=move || pending.get() on:click=move |_| quick_status(next)>{label}</button>
                        }
                    }}
                    <ConfirmDelete
                        what=format!("risk {}", risk.with_untracked(|r| r.title.clone()))
                        question=Signal::derive(move || format!("Delete the risk “{}”?", title()))
                        on_confirm=delete
                    />
                </div>
                })}
            </header>
            <p class="risk-meta">
                {move || {
                    let owner = risk.with(|r| r.owner.clone());
                    if owner.is_empty() {
                        view! { <span class="muted">"No owner"</span> }.into_any()
                    } else {
                        view! { <span>"Owner " <strong>{owner}</strong></span> }.into_any()
                    }
                }}
                {move || risk.with(|r| match r.review_date {
                    Some(d) if review_overdue(r, today) => view! {
                        <span class="badge overdue-badge" data-testid="review-date">"Review overdue since " {date_label(d)}</span>
                    }.into_any(),
                    Some(d) => view! { <span data-testid="review-date">"Review " {date_label(d)}</span> }.into_any(),
                    None => view! { <span class="muted">"No review date"</span> }.into_any(),
                })}
            </p>
            {move || {
                let description = risk.with(|r| r.description.clone());
                (!description.is_empty()).then(|| view! { <p class="risk-description">{description}</p> })
            }}
            {move || {
                let mitigation = risk.with(|r| r.mitigation.clone());
                (!mitigation.is_empty()).then(|| view! {
                    <p class="risk-mitigation"><strong>"Mitigation: "</strong>{mitigation}</p>
                })
            }}
            <div class="risk-items">
                {move || {
                    let list = linked();
                    if list.is_empty() {
                        view! { <p class="muted">"No checklist items linked: the residual equals the inherent."</p> }.into_any()
                    } else {
                        let base = base.clone();
                        view! {
                            <p class="muted linked-summary">{done_line}</p>
                            <ul>
                                {list.into_iter().map(|item| {
                                    let (item_id, item_title) = item.with_untracked(|i| (i.id, i.title.clone()));
                                    let item_status = move || item.read().status;
                                    view! {
                                        <li class:done=move || item_status() == ItemStatus::Done>
                                            <span class=move || format!("badge status-{}", item_status().as_str())>
                                                {move || item_status().label()}
                                            </span>
                                            <a href=format!("{base}#item-{item_id}")>{item_title}</a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }}
            </div>
            {move || message.get().map(|(text, conflict)| view! {
                <p class="form-error" role="alert">
                    {text}
                    {conflict.then(|| view! {
                        " " <button type="button" on:click=move |_| ctx.refresh()>"Reload"</button>
                    })}
                </p>
            })}
            <Show when=move || editing.get()>
                <RiskEditor
                    form
                    groups=reg.link_groups()
                    error=form_error
                    pending
                    on_save=save
                    on_cancel=Callback::new(move |_| editing.set(false))
                    save_label="Save risk"
                    id_prefix=format!("risk-{id}-edit")
                />
            </Show>
        </li>
    }
}

#[component]
fn AddRisk(reg: Register) -> impl IntoView {
    let ctx = reg.ctx;
    let open = RwSignal::new(false);
    let blank = || RiskForm {
        status: RiskStatus::Open.as_str().to_string(),
        ..RiskForm::default()
    };
    let form = RwSignal::new(blank());
    let error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let save = Callback::new(move |_| {
        let next = form.get_untracked();
        pending.set(true);
        spawn_local(async move {
            match create_risk(ctx.slug.get_value(), next).await {
                Ok(stored) => {
                    reg.put(stored);
                    form.try_set(blank());
                    error.try_set(None);
                    open.try_set(false);
                }
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                }
            }
            pending.try_set(false);
        });
    });
    view! {
        <div class="add-risk">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="primary" on:click=move |_| {
                        error.set(None);
                        open.set(true);
                    }>"Add risk"</button>
                }
            >
                <h3>"New risk"</h3>
                <RiskEditor
                    form
                    groups=reg.link_groups()
                    error
                    pending
                    on_save=save
                    on_cancel=Callback::new(move |_| open.set(false))
                    save_label="Add risk"
                    id_prefix="new-risk"
                />
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ItemStatus::*;

    fn risk(id: i64, likelihood: i16, impact: i16, items: &[i64], status: RiskStatus) -> Risk {
        Risk {
            id,
            title: format!("Risk {id}"),
            description: String::new(),
            likelihood,
            impact,
            mitigation: String::new(),
            owner: String::new(),
            status,
            review_date: None,
            mitigating_item_ids: items.to_vec(),
            version: 1,
        }
    }

    fn statuses(id: i64) -> Option<ItemStatus> {
        match id {
            1 => Some(Done),
            2 => Some(Todo),
            3 => Some(NotApplicable),
            _ => None,
        }
    }

    #[test]
    fn residual_reads_the_linked_items_and_ignores_unknown_ones() {
        let r = risk(1, 4, 5, &[1, 2, 3, 99], RiskStatus::Open);
        let (inherent, residual) = assess(&r, statuses);
        assert_eq!(
            (inherent.score, inherent.level),
            (20, risk::RiskLevel::Critical)
        );
        // 1 of 2 applicable done: ⌈4 × 1 / 2⌉ = 2.
        assert_eq!((residual.likelihood, residual.score), (2, 10));
        let none = risk(2, 4, 5, &[], RiskStatus::Open);
        assert_eq!(assess(&none, statuses).1, assess(&none, statuses).0);
    }

    #[test]
    fn heat_map_leaves_out_closed_risks_and_moves_with_the_mode() {
        let risks = [
            risk(1, 4, 5, &[1, 2], RiskStatus::Open),
            risk(2, 3, 3, &[], RiskStatus::Accepted),
            risk(3, 5, 5, &[], RiskStatus::Closed),
            risk(4, 2, 2, &[1], RiskStatus::Mitigating),
        ];
        let rows = || {
            risks.iter().map(|r| {
                let (i, res) = assess(r, statuses);
                (r.status, i, res)
            })
        };
        let inherent = heat_counts(rows(), HeatMode::Inherent);
        assert_eq!(inherent[3][4], 1);
        assert_eq!(inherent[2][2], 1);
        assert_eq!(inherent[1][1], 1);
        assert_eq!(inherent[4][4], 0, "closed risks are not on the map");
        assert_eq!(inherent.iter().flatten().sum::<u32>(), 3);
        let residual = heat_counts(rows(), HeatMode::Residual);
        assert_eq!(
            residual[1][4], 1,
            "4 × 5 with half its items done moves to 2 × 5"
        );
        assert_eq!(
            residual[0][1], 1,
            "2 × 2 with its only item done moves to 1 × 2"
        );
        assert_eq!(residual[2][2], 1);
        assert_eq!(residual.iter().flatten().sum::<u32>(), 3);
        assert!(on_heat_map(RiskStatus::Accepted) && !on_heat_map(RiskStatus::Closed));
    }

    #[test]
    fn register_order_is_residual_then_inherent_with_closed_last() {
        let risks = [
            risk(1, 4, 5, &[1, 2], RiskStatus::Open), // 20 → 10
            risk(2, 2, 5, &[], RiskStatus::Open),     // 10 → 10
            risk(3, 5, 5, &[], RiskStatus::Closed),   // 25 → 25, closed
            risk(4, 3, 4, &[], RiskStatus::Accepted), // 12 → 12
            risk(5, 5, 2, &[], RiskStatus::Open),     // 10 → 10, newer than 2
        ];
        let mut rows: Vec<_> = risks
            .iter()
            .map(|r| {
                let (i, res) = assess(r, statuses);
                (r.id, r.status, i, res)
            })
            .collect();
        rows.sort_by_key(|(id, status, i, r)| order_key(*id, *status, i, r));
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ids, [4, 1, 2, 5, 3]);
    }

    #[test]
    fn reviews_in_the_past_are_overdue_unless_closed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut r = risk(1, 3, 3, &[], RiskStatus::Open);
        assert!(!review_overdue(&r, today));
        r.review_date = NaiveDate::from_ymd_opt(2026, 11, 21);
        assert!(review_overdue(&r, today));
        r.review_date = Some(today);
        assert!(!review_overdue(&r, today));
        r.review_date = NaiveDate::from_ymd_opt(2026, 1, 1);
        r.status = RiskStatus::Closed;
        assert!(!review_overdue(&r, today));
    }
}
