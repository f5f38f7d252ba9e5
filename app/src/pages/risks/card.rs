//! One risk of the register: its scores, linked items, and the forms that edit, close
//! and delete it.

use super::{Register, date_label, level_badge};
use crate::components::confirm::ConfirmDelete;
use crate::components::item_row::error_pair;
use crate::components::risk_editor::{RiskEditor, form_of};
use crate::domain::risk_register::review_overdue;
use crate::error::AppError;
use crate::input::RiskForm;
use crate::model::{ItemStatus, Risk, RiskStatus};
use crate::server_fns::risks::{delete_risk, set_risk_status, update_risk};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RiskCard(risk: RwSignal<Risk>, reg: Register, today: NaiveDate) -> impl IntoView {
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
