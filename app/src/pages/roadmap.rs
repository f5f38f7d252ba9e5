//! The roadmap tab: phases in order with their progress, schedule and items, and the
//! forms that add, edit, reorder and delete phases and assign items to them.

use crate::charts::{TimelineChart, TimelinePhase, timeline_chart};
use crate::components::confirm::ConfirmDelete;
use crate::components::item_row::error_pair;
use crate::components::phase_editor::{PhaseEditor, form_of};
use crate::components::progress_bar::ProgressBar;
use crate::domain::money::format_cents_change;
use crate::domain::progress::readiness;
use crate::domain::roadmap::{effort_label, schedule};
use crate::error::AppError;
use crate::input::PhaseForm;
use crate::model::{ChecklistItem, ItemStatus, Phase};
use crate::server_fns::roadmap::{
    assign_items, create_phase, delete_phase, move_phase, update_phase,
};
use crate::service_state::use_service;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn RoadmapTab() -> impl IntoView {
    let ctx = use_service();
    let phases = ctx.doc.with_value(|d| d.phases.clone());
    let today = Utc::now().date_naive();
    let count = phases.len();
    let timeline = {
        let phases = phases.clone();
        let items = ctx.all_items();
        move || {
            let chart = TimelineChart {
                width: 960,
                height: TimelineChart::suggested_height(phases.len()),
                today,
                phases: phases
                    .iter()
                    .map(|phase| {
                        let progress = readiness(items.iter().filter_map(|i| {
                            i.with(|i| (i.phase_id == Some(phase.id)).then_some(i.status))
                        }));
                        TimelinePhase {
                            name: phase.name.clone(),
                            start: phase.planned_start,
                            end: phase.planned_end,
                            progress: progress.percent(),
                            complete: progress.is_complete(),
                        }
                    })
                    .collect(),
            };
            timeline_chart(&chart)
        }
    };
    view! {
        <section class="roadmap" aria-label="Roadmap">
            {(!phases.is_empty()).then(|| view! {
                <figure class="chart timeline">
                    <div inner_html=timeline></div>
                    <figcaption>"Planned phases with their progress; the line marks today."</figcaption>
                </figure>
            })}
            {if phases.is_empty() {
                view! { <p class="empty-state">"No phases yet. Plan the first one below."</p> }.into_any()
            } else {
                view! {
                    <ol class="phases">
                        {phases
                            .into_iter()
                            .enumerate()
                            .map(|(index, phase)| view! {
                                <PhaseCard phase today is_first=index == 0 is_last=index + 1 == count/>
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            {crate::viewer::can_edit().then(|| view! { <AddPhase/> })}
        </section>
    }
}

fn dates_label(start: Option<NaiveDate>, end: Option<NaiveDate>) -> String {
    let fmt = |d: NaiveDate| d.format("%-d %b %Y").to_string();
    match (start, end) {
        (Some(s), Some(e)) => format!("{} – {}", fmt(s), fmt(e)),
        (Some(s), None) => format!("from {}", fmt(s)),
        (None, Some(e)) => format!("until {}", fmt(e)),
        (None, None) => "No planned dates".to_string(),
    }
}

#[component]
fn PhaseCard(phase: Phase, today: NaiveDate, is_first: bool, is_last: bool) -> impl IntoView {
    let ctx = use_service();
    let phase_id = phase.id;
    let all_items = ctx.all_items();
    let phase_items = {
        let all = all_items.clone();
        Memo::new(move |_| {
            all.iter()
                .copied()
                .filter(|i| i.with(|i| i.phase_id == Some(phase_id)))
                .collect::<Vec<RwSignal<ChecklistItem>>>()
        })
    };
    let progress =
        Signal::derive(move || readiness(phase_items.get().iter().map(|i| i.read().status)));
    let completed_at = phase.completed_at;
    let planned_end = phase.planned_end;
    let status = Signal::derive(move || schedule(progress.get(), completed_at, planned_end, today));

    let editing = RwSignal::new(false);
    let form = RwSignal::new(PhaseForm::default());
    let form_error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let version = phase.version;
    let stored_phase = StoredValue::new(phase.clone());

    let save = Callback::new(move |_| {
        let next = form.get_untracked();
        pending.set(true);
        spawn_local(async move {
            match update_phase(ctx.slug.get_value(), phase_id, version, next).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    form_error.try_set(Some(error_pair(&e)));
                    pending.try_set(false);
                }
            }
        });
    });
    let move_by = move |delta: i32| {
        spawn_local(async move {
            match move_phase(ctx.slug.get_value(), phase_id, delta).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not moved: {e}")));
                }
            }
        });
    };
    let delete = Callback::new(move |_| {
        spawn_local(async move {
            match delete_phase(ctx.slug.get_value(), phase_id).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not deleted: {}", error_pair(&e).1)));
                }
            }
        });
    });
    let assign = move |item_ids: Vec<i64>, target: Option<i64>| {
        spawn_local(async move {
            match assign_items(ctx.slug.get_value(), target, item_ids).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(error_pair(&e).1));
                }
            }
        });
    };

    let heading_id = format!("phase-{phase_id}");
    let labelled_by = heading_id.clone();
    let name = phase.name.clone();
    let cost = phase
        .monthly_cost_change_cents
        .map(|c| format!("{}/month", format_cents_change(c)))
        .unwrap_or_else(|| "Variable".to_string());
    let effort = effort_label(phase.effort_min_days, phase.effort_max_days);
    let candidates = {
        let all = all_items.clone();
        move || {
            all.iter()
                .filter(|i| i.with(|i| i.phase_id != Some(phase_id)))
                .map(|i| i.with(|i| (i.id, i.title.clone(), i.phase_id.is_some())))
                .collect::<Vec<_>>()
        }
    };
    let chosen = RwSignal::new(Vec::<i64>::new());
    let select_id = format!("assign-{phase_id}");

    view! {
        <li class="phase-card" aria-labelledby=labelled_by data-phase-id=phase_id>
            <header class="phase-header">
                <div>
                    <h3 id=heading_id>{name.clone()}</h3>
                    <p class="phase-meta">
                        <span>{dates_label(phase.planned_start, phase.planned_end)}</span>
                        {effort.map(|e| view! { <span>"Effort " {e}</span> })}
                        <span>"Cost " {cost}</span>
                    </p>
                </div>
                <span class=move || format!("badge schedule {}", status.get().css_class()) data-testid="phase-schedule">
                    {move || status.get().label()}
                </span>
                {crate::viewer::can_edit().then(|| view! {
                <div class="section-controls">
                    <button type="button" class="icon-button" title="Edit" aria-label=format!("Edit phase {name}")
                        on:click=move |_| {
                            form.set(form_of(&stored_phase.get_value()));
                            form_error.set(None);
                            editing.set(true);
                        }>"✎"</button>
                    <button type="button" class="icon-button" title="Move up" aria-label=format!("Move phase {name} up")
                        disabled=is_first on:click=move |_| move_by(-1)>"↑"</button>
                    <button type="button" class="icon-button" title="Move down" aria-label=format!("Move phase {name} down")
                        disabled=is_last on:click=move |_| move_by(1)>"↓"</button>
                    <ConfirmDelete
                        what=format!("phase {name}")
                        question=Signal::derive(move || format!(
                            "Delete this phase? Its {} items stay in the checklist, in no phase.",
                            phase_items.get().len()
                        ))
                        on_confirm=delete
                    />
                </div>
                })}
            </header>
            {(!phase.goal.is_empty()).then(|| view! { <p class="phase-goal">{phase.goal.clone()}</p> })}
            <ProgressBar progress label=format!("Progress of {name}")/>
            {move || {
                completed_at.filter(|_| progress.get().is_complete()).map(|t| view! {
                    <p class="muted completed-at">"Completed " {t.format("%-d %b %Y").to_string()}</p>
                })
            }}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <Show when=move || editing.get()>
                <PhaseEditor
                    form
                    error=form_error
                    pending
                    on_save=save
                    on_cancel=Callback::new(move |_| editing.set(false))
                    save_label="Save phase"
                    id_prefix=format!("phase-{phase_id}-edit")
                />
            </Show>
            <ul class="phase-items">
                {move || {
                    let list = phase_items.get();
                    if list.is_empty() {
                        view! { <li class="muted">"No items in this phase yet."</li> }.into_any()
                    } else {
                        list.into_iter()
                            .map(|item| {
                                let (id, title, status) = item.with(|i| (i.id, i.title.clone(), i.status));
                                let base = format!("/services/{}", ctx.slug.get_value());
                                view! {
                                    <li class:done=status == ItemStatus::Done>
                                        <span class=format!("badge status-{}", status.as_str())>{status.label()}</span>
                                        <a href=format!("{base}#item-{id}")>{title.clone()}</a>
                                        {crate::viewer::can_edit().then(|| view! {
                                        <button type="button" class="icon-button" aria-label=format!("Remove {title} from this phase")
                                            title="Remove from phase" on:click=move |_| assign(vec![id], None)>"✕"</button>
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }
                }}
            </ul>
            {crate::viewer::can_edit().then(|| view! {
            <details class="assign">
                <summary>"Assign items to this phase"</summary>
                <form on:submit=move |ev| {
                    ev.prevent_default();
                    let ids = chosen.get_untracked();
                    if !ids.is_empty() {
                        assign(ids, Some(phase_id));
                    }
                }>
                    <label for=select_id.clone()>"Items (Ctrl/Shift to choose several; items already in another phase move here)"</label>
                    <select id=select_id multiple size="8" on:change=move |ev| {
                        use leptos::wasm_bindgen::JsCast;
                        let ids = ev
                            .target()
                            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlSelectElement>().ok())
                            .map(|select| {
                                let options = select.selected_options();
                                (0..options.length())
                                    .filter_map(|i| options.item(i))
                                    .filter_map(|o| o.get_attribute("value"))
                                    .filter_map(|v| v.parse::<i64>().ok())
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default();
                        chosen.set(ids);
                    }>
                        {move || candidates().into_iter().map(|(id, title, elsewhere)| view! {
                            <option value=id.to_string()>{if elsewhere { format!("{title} (in another phase)") } else { title }}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="primary" disabled=move || chosen.get().is_empty()>"Assign selected"</button>
                </form>
            </details>
            })}
        </li>
    }
}

#[component]
fn AddPhase() -> impl IntoView {
    let ctx = use_service();
    let open = RwSignal::new(false);
    let form = RwSignal::new(PhaseForm::default());
    let error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let save = Callback::new(move |_| {
        let next = form.get_untracked();
        pending.set(true);
        spawn_local(async move {
            match create_phase(ctx.slug.get_value(), next).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    let pair = match &e {
                        AppError::Invalid { .. } => error_pair(&e),
                        other => (String::new(), other.to_string()),
                    };
                    error.try_set(Some(pair));
                    pending.try_set(false);
                }
            }
        });
    });
    view! {
        <div class="add-phase">
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="primary" on:click=move |_| open.set(true)>"Add phase"</button>
                }
            >
                <h3>"New phase"</h3>
                <PhaseEditor
                    form
                    error
                    pending
                    on_save=save
                    on_cancel=Callback::new(move |_| open.set(false))
                    save_label="Add phase"
                    id_prefix="new-phase"
                />
            </Show>
        </div>
    }
}
