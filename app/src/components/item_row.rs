//! One checklist item: tick, inline status/priority/owner, full editor, reorder, delete.
//! Every write carries the version the user saw; a conflict shows the stored item and
//! says who changed it.

use crate::components::confirm::ConfirmDelete;
use crate::components::item_editor::{ItemEditor, form_of};
use crate::components::post_form::PostForm;
use crate::domain::filter::is_overdue;
use crate::domain::progress::blocks_launch;
use crate::error::AppError;
use crate::input::ItemForm;
use crate::model::{ChecklistItem, ItemStatus, Phase, Priority};
use crate::server_fns::checklist::{MoveItem, delete_item, move_item, update_item};
use crate::server_fns::{SetItemStatus, set_item_status};
use crate::service_state::use_service;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

/// (field, message) for an error; field is empty when the error names none.
pub fn error_pair(err: &AppError) -> (String, String) {
    match err {
        AppError::Invalid { field, message } => (field.clone(), message.clone()),
        other => (String::new(), other.to_string()),
    }
}

#[component]
pub fn ItemRow(
    item: RwSignal<ChecklistItem>,
    phases: Vec<Phase>,
    today: NaiveDate,
    #[prop(into)] visible: Signal<bool>,
    is_first: bool,
    is_last: bool,
) -> impl IntoView {
    let ctx = use_service();
    let editor = crate::viewer::can_edit();
    let pending = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    // Typing in the inline owner field is editing too: a live update must not replace
    // what is typed before it is saved.
    let typing_owner = RwSignal::new(false);
    // Live updates leave an item alone while it is being edited (pages/service_live.rs).
    let id_for_live = item.with_untracked(|i| i.id);
    Effect::new(move |_| {
        let open = editing.get() || typing_owner.get();
        ctx.editing.update(|ids| {
            if open {
                ids.insert(id_for_live);
            } else {
                ids.remove(&id_for_live);
            }
        });
        if !open {
            ctx.changed_by.update(|m| {
                m.remove(&id_for_live);
            });
        }
    });
    let form = RwSignal::new(ItemForm::default());
    let form_error = RwSignal::new(None::<(String, String)>);
    let phase_names = StoredValue::new(
        phases
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect::<Vec<_>>(),
    );
    let id = item.with_untracked(|i| i.id);

    // Applies a write's answer: the stored item, or the current one on a conflict.
    let settle = move |before: ChecklistItem, result: Result<ChecklistItem, AppError>| match result
    {
        Ok(stored) => {
            item.try_set(stored);
            message.try_set(None);
            true
        }
        Err(AppError::Conflict {
            message: text,
            current,
        }) => {
            item.try_set(current.map(|c| *c).unwrap_or(before));
            message.try_set(Some(text));
            false
        }
        Err(e) => {
            item.try_set(before);
            message.try_set(Some(format!("Not saved: {e}")));
            false
        }
    };

    // Optimistic: the row changes at once, the server's answer settles it.
    let save_inline = move |change: Box<dyn FnOnce(&mut ItemForm) + Send>| {
        let before = item.get_untracked();
        let mut next = form_of(&before);
        change(&mut next);
        if let Ok(parsed) = next.parse() {
            item.update(|i| {
                i.status = parsed.status;
                i.priority = parsed.priority;
                i.owner = parsed.owner.clone();
            });
        }
        pending.set(true);
        spawn_local(async move {
            let result = update_item(ctx.slug.get_value(), before.id, before.version, next).await;
            settle(before, result);
            pending.try_set(false);
        });
    };

    // What a tick asks for: done, or back to to-do.
    let ticked_status = move || {
        if item.read().status == ItemStatus::Done {
            ItemStatus::Todo
        } else {
            ItemStatus::Done
        }
    };
    let toggle = move || {
        let before = item.get_untracked();
        let status = ticked_status();
        item.update(|i| i.status = status);
        pending.set(true);
        message.set(None);
        spawn_local(async move {
            let result = set_item_status(
                ctx.slug.get_value(),
                before.id,
                status,
                None,
                before.version,
            )
            .await;
            settle(before, result);
            pending.try_set(false);
        });
    };

    let open_editor = move || {
        form.set(form_of(&item.get_untracked()));
        form_error.set(None);
        editing.set(true);
    };
    let save_editor = Callback::new(move |_| {
        let before = item.get_untracked();
        let next = form.get_untracked();
        pending.set(true);
        spawn_local(async move {
            let result = update_item(ctx.slug.get_value(), before.id, before.version, next).await;
            match result {
                Err(AppError::Invalid {
                    field,
                    message: text,
                }) => {
                    form_error.try_set(Some((field, text)));
                }
                other => {
                    if settle(before, other) {
                        editing.try_set(false);
                    } else {
                        // A conflict or failure: show the stored item in the editor.
                        form.try_set(form_of(&item.get_untracked()));
                        form_error.try_set(message.get_untracked().map(|m| (String::new(), m)));
                    }
                }
            }
            pending.try_set(false);
        });
    });

    let move_by = move |delta: i32| {
        spawn_local(async move {
            match move_item(ctx.slug.get_value(), id, delta).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not moved: {e}")));
                }
            }
        });
    };
    let delete = Callback::new(move |_| {
        let version = item.get_untracked().version;
        spawn_local(async move {
            match delete_item(ctx.slug.get_value(), id, version).await {
                Ok(()) => ctx.refresh(),
                Err(AppError::Conflict {
                    message: text,
                    current,
                }) => {
                    if let Some(c) = current {
                        item.try_set(*c);
                    }
                    message.try_set(Some(format!("Not deleted: {text}")));
                }
                Err(e) => {
                    message.try_set(Some(format!("Not deleted: {e}")));
                }
            }
        });
    });

    let status = move || item.read().status;
    let priority = move || item.read().priority;
    let title = move || item.read().title.clone();
    let checkbox_id = format!("check-{id}");
    let tick_id = checkbox_id.clone();
    let phases_for_editor = phases.clone();

    view! {
        <li
            class="item"
            id=format!("item-{id}")
            class:done=move || status() == ItemStatus::Done
            class:na=move || status() == ItemStatus::NotApplicable
            class:overdue=move || item.with(|i| is_overdue(i, today))
            class:hidden=move || !visible.get()
            data-item-id=id
        >
            <div class="item-main">
                // A form post before (or without) the WebAssembly, a fetch after it, so a
                // tick on a slow link is never lost.
                <PostForm path=SetItemStatus::PATH class="tick-form" on_submit=Callback::new(move |_| toggle())>
                    <input type="hidden" name="slug" value=ctx.slug.get_value()/>
                    <input type="hidden" name="item_id" value=id/>
                    <input type="hidden" name="status" value=move || ticked_status().as_str()/>
                    <input type="hidden" name="version" value=move || item.read().version/>
                    <button
                        type="submit"
                        role="checkbox"
                        class="tick"
                        id=tick_id
                        aria-checked=move || (status() == ItemStatus::Done).to_string()
                        disabled=move || !editor || pending.get() || status() == ItemStatus::NotApplicable
                    ></button>
                </PostForm>
                <div class="item-text">
                    <label for=checkbox_id class="item-title">{title}</label>
                    {move || {
                        let detail = item.read().detail.clone();
                        (!detail.is_empty()).then(|| view! { <span class="item-detail">{detail}</span> })
                    }}
                    <span class="item-facts">
                        {move || blocks_launch(status(), priority())
                            .then(|| view! { <span class="badge blocker" title="Critical items block launch">"Blocks launch"</span> })}
                        {move || item.with(|i| is_overdue(i, today)).then(|| {
                            let due = item.read().due_date.map(|d| d.format("%-d %b").to_string()).unwrap_or_default();
                            view! { <span class="badge overdue-badge">"Overdue since " {due}</span> }
                        })}
                        {move || {
                            let i = item.read();
                            (!is_overdue(&i, today)).then(|| i.due_date.map(|d| view! {
                                <span class="due">"Due " {d.format("%-d %b %Y").to_string()}</span>
                            })).flatten()
                        }}
                        {move || item.read().phase_id.and_then(|p| phase_names.with_value(|names| {
                            names.iter().find(|(id, _)| *id == p).map(|(_, n)| view! { <span class="badge phase-badge">{n.clone()}</span> })
                        }))}
                        {move || (status() == ItemStatus::NotApplicable).then(|| {
                            let reason = item.read().na_reason.clone().unwrap_or_default();
                            view! { <span class="na-reason">"N/A: " {reason}</span> }
                        })}
                        {move || item.read().evidence_url.clone().map(|url| view! {
                            <a class="evidence" href=url target="_blank" rel="noopener noreferrer">"Evidence"</a>
                        })}
                    </span>
                </div>
                <div class="item-controls">
                    <select
                        class="inline-select"
                        aria-label=move || format!("Status of {}", title())
                        prop:value=move || status().as_str()
                        disabled=move || !editor || pending.get()
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if value == ItemStatus::NotApplicable.as_str() {
                                // N/A needs a reason: open the editor with N/A chosen.
                                open_editor();
                                form.update(|f| f.status = value);
                                // Put the select back to the stored status until saved.
                                item.update(|_| {});
                            } else {
                                save_inline(Box::new(move |f| f.status = value));
                            }
                        }
                    >
                        {ItemStatus::ALL.iter().map(|&s| view! { <option value=s.as_str() selected=move || status() == s>{s.label()}</option> }).collect_view()}
                    </select>
                    <select
                        class=move || format!("inline-select priority-{}", priority().as_str())
                        aria-label=move || format!("Priority of {}", title())
                        prop:value=move || priority().as_str()
                        disabled=move || !editor || pending.get()
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            save_inline(Box::new(move |f| f.priority = value));
                        }
                    >
                        {Priority::ALL.iter().map(|&p| view! { <option value=p.as_str() selected=move || priority() == p>{p.label()}</option> }).collect_view()}
                    </select>
                    <input
                        class="inline-owner"
                        placeholder="Owner"
                        aria-label=move || format!("Owner of {}", title())
                        value=move || item.read().owner.clone()
                        prop:value=move || item.read().owner.clone()
                        disabled=move || !editor || pending.get()
                        on:focus=move |_| typing_owner.set(true)
                        on:blur=move |_| typing_owner.set(false)
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            save_inline(Box::new(move |f| f.owner = value));
                        }
                    />
                    // Viewers see the controls' values but not the ways to change them.
                    {editor.then(|| view! {
                    <button type="button" class="icon-button" title="Edit" aria-label=move || format!("Edit {}", title())
                        on:click=move |_| open_editor()>"✎"</button>
                    {[(-1, "up", "↑", is_first), (1, "down", "↓", is_last)].into_iter().map(|(delta, word, arrow, at_end)| view! {
                        <PostForm path=MoveItem::PATH class="move-form" on_submit=Callback::new(move |_| move_by(delta))>
                            <input type="hidden" name="slug" value=ctx.slug.get_value()/>
                            <input type="hidden" name="item_id" value=id/>
                            <input type="hidden" name="delta" value=delta/>
                            <button type="submit" class="icon-button" title=format!("Move {word}")
                                aria-label=move || format!("Move {} {word}", title()) disabled=at_end>{arrow}</button>
                        </PostForm>
                    }).collect_view()}
                    <ConfirmDelete
                        what=format!("item {}", item.with_untracked(|i| i.title.clone()))
                        question=Signal::derive(move || format!("Delete “{}”?", title()))
                        on_confirm=delete
                    />
                    })}
                </div>
            </div>
            {move || message.get().map(|m| view! { <p class="item-error" role="alert">{m}</p> })}
            {move || ctx.changed_by.with(|m| m.get(&id_for_live).cloned()).map(|who| view! {
                <p class="item-note" role="status" data-testid="changed-by">
                    {format!("{who} changed this item while you were editing; your edit is kept, and saving will say if the two conflict.")}
                </p>
            })}
            <Show when=move || editing.get()>
                <ItemEditor
                    form
                    phases=phases_for_editor.clone()
                    error=form_error
                    pending
                    on_save=save_editor
                    on_cancel=Callback::new(move |_| editing.set(false))
                    save_label="Save item"
                    id_prefix=format!("edit-{id}")
                />
            </Show>
        </li>
    }
}
