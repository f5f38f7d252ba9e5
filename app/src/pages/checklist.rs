//! The checklist tab: filters kept in the URL, sections with their items, and the
//! forms that add sections and items.

use crate::components::confirm::ConfirmDelete;
use crate::components::item_row::{ItemRow, error_pair};
use crate::components::post_form::PostForm;
use crate::components::progress_bar::ProgressBar;
use crate::domain::filter::{FILTER_KEYS, ItemFilter, encode_query};
use crate::domain::progress::readiness;
use crate::error::AppError;
use crate::input::ItemForm;
use crate::model::{ItemStatus, Phase, Priority};
use crate::server_fns::SetItemStatus;
use crate::server_fns::checklist::{
    MoveItem, MoveSection, create_item, create_section, delete_section, move_section,
    rename_section,
};
use crate::service_state::{SectionState, use_service};
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

#[component]
pub fn ChecklistTab() -> impl IntoView {
    let ctx = use_service();
    let query = use_query_map();
    let filter = Memo::new(move |_| ItemFilter::from_query(|k| query.read().get(k)));
    let today = Utc::now().date_naive();
    let phases = ctx.doc.with_value(|d| d.phases.clone());
    let sections = ctx.sections.get_value();
    let section_count = sections.len();
    let all_items = ctx.all_items();
    let total = all_items.len();
    let shown = {
        let items = all_items.clone();
        move || {
            items
                .iter()
                .filter(|i| i.with(|i| filter.get().matches(i, today)))
                .count()
        }
    };

    view! {
        <section class="checklist" aria-label="Checklist">
            <NoScriptError/>
            <Filters phases=phases.clone() owners=owners(&all_items)/>
            <p class="filter-summary" aria-live="polite">
                {move || {
                    if filter.get().is_active() {
                        format!("Showing {} of {total} items", shown())
                    } else {
                        format!("{total} items")
                    }
                }}
            </p>
            {if sections.is_empty() {
                view! { <p class="empty-state">"This checklist has no sections yet. Add the first one below."</p> }.into_any()
            } else {
                sections
                    .into_iter()
                    .enumerate()
                    .map(|(index, section)| {
                        view! {
                            <SectionBlock
                                section
                                phases=phases.clone()
                                filter
                                today
                                is_first=index == 0
                                is_last=index + 1 == section_count
                            />
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            {crate::viewer::can_edit().then(|| view! { <AddSection/> })}
        </section>
    }
}

/// A one-click write posted without WebAssembly that the server refused comes back as
/// `__path`/`__err` in the URL of the redirect (leptos's form redirects); say why here.
#[component]
fn NoScriptError() -> impl IntoView {
    let paths = [SetItemStatus::PATH, MoveItem::PATH, MoveSection::PATH];
    use_context::<ServerActionError>()
        .filter(|e| paths.contains(&e.path()))
        .map(|e| {
            let error: AppError = ServerFnUrlError::<AppError>::decode_err(e.err());
            view! { <p class="form-error" role="alert">{format!("Not saved: {error}")}</p> }
        })
}

fn owners(items: &[RwSignal<crate::model::ChecklistItem>]) -> Vec<String> {
    let mut owners: Vec<String> = items
        .iter()
        .map(|i| i.with_untracked(|i| i.owner.clone()))
        .filter(|o| !o.is_empty())
        .collect();
    owners.sort_by_key(|o| o.to_lowercase());
    owners.dedup();
    owners
}

/// Filter controls; every change rewrites the URL query (replacing the history entry).
#[component]
fn Filters(phases: Vec<Phase>, owners: Vec<String>) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let value = move |key: &'static str| move || query.read().get(key).unwrap_or_default();
    // `selected` for the server-rendered page; `prop:value` keeps the select in step after.
    let chosen = move |key: &'static str, option: &str| {
        let option = option.to_string();
        move || query.read().get(key).is_some_and(|v| v == option)
    };
    let set = move |key: &'static str, new_value: String| {
        let pairs: Vec<(&str, String)> = FILTER_KEYS
            .iter()
            .map(|k| {
                let v = if *k == key {
                    new_value.clone()
                } else {
                    query.read_untracked().get(k).unwrap_or_default()
                };
                (*k, v)
            })
            .collect();
        let qs = encode_query(&pairs);
        let path = location.pathname.get_untracked();
        let url = if qs.is_empty() {
            path
        } else {
            format!("{path}?{qs}")
        };
        navigate(
            &url,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let set_overdue = set.clone();
    let on = move |key: &'static str| {
        let set = set.clone();
        move |ev: leptos::ev::Event| set(key, event_target_value(&ev))
    };
    let clear = {
        let navigate = use_navigate();
        move |_| {
            let path = location.pathname.get_untracked();
            navigate(
                &path,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    view! {
        <form class="filters" role="search" aria-label="Filter items" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"Search"</span>
                <input type="search" placeholder="Title, detail or owner" value=value("q") prop:value=value("q") on:input=on("q")/>
            </label>
            <label>
                <span>"Status"</span>
                <select prop:value=value("status") on:change=on("status")>
                    <option value="">"Any status"</option>
                    {ItemStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=chosen("status", s.as_str())>{s.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Priority"</span>
                <select prop:value=value("priority") on:change=on("priority")>
                    <option value="">"Any priority"</option>
                    {Priority::ALL.iter().map(|p| view! { <option value=p.as_str() selected=chosen("priority", p.as_str())>{p.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Owner"</span>
                <select prop:value=value("owner") on:change=on("owner")>
                    <option value="">"Anyone"</option>
                    {owners.into_iter().map(|o| view! { <option value=o.clone() selected=chosen("owner", &o)>{o.clone()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Phase"</span>
                <select prop:value=value("phase") on:change=on("phase")>
                    <option value="">"Any phase"</option>
                    <option value="none" selected=chosen("phase", "none")>"No phase"</option>
                    {phases.into_iter().map(|p| view! { <option value=p.id.to_string() selected=chosen("phase", &p.id.to_string())>{p.name}</option> }).collect_view()}
                </select>
            </label>
            <label class="checkbox-label">
                <input
                    type="checkbox"
                    checked=move || !value("overdue")().is_empty()
                    prop:checked=move || !value("overdue")().is_empty()
                    on:change=move |ev| set_overdue("overdue", if event_target_checked(&ev) { "1".into() } else { String::new() })
                />
                <span>"Overdue only"</span>
            </label>
            <button type="button" on:click=clear disabled=move || query.read().get("status").is_none()
                && FILTER_KEYS.iter().all(|k| query.read().get(k).is_none_or(|v| v.is_empty()))>
                "Clear filters"
            </button>
        </form>
    }
}

#[component]
fn SectionBlock(
    section: SectionState,
    phases: Vec<Phase>,
    filter: Memo<ItemFilter>,
    today: NaiveDate,
    is_first: bool,
    is_last: bool,
) -> impl IntoView {
    let ctx = use_service();
    let SectionState { id, name, items } = section;
    let progress = {
        let items = items.clone();
        Signal::derive(move || readiness(items.iter().map(|i| i.read().status)))
    };
    let any_visible = {
        let items = items.clone();
        move || {
            items
                .iter()
                .any(|i| i.with(|i| filter.get().matches(i, today)))
        }
    };
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(name.clone());
    let message = RwSignal::new(None::<String>);
    let count = items.len();
    let heading_id = format!("section-{id}");
    let labelled_by = heading_id.clone();

    let save_name = move || {
        let name = new_name.get_untracked();
        spawn_local(async move {
            match rename_section(ctx.slug.get_value(), id, name).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let move_by = move |delta: i32| {
        spawn_local(async move {
            match move_section(ctx.slug.get_value(), id, delta).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not moved: {e}")));
                }
            }
        });
    };
    let delete = Callback::new(move |_| {
        spawn_local(async move {
            match delete_section(ctx.slug.get_value(), id).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not deleted: {e}")));
                }
            }
        });
    });
    let section_label = name.clone();
    let item_count = items.len();

    view! {
        <section class="checklist-section" aria-labelledby=labelled_by class:filtered-out=move || filter.get().is_active() && !any_visible()>
            <header class="section-header">
                <Show
                    when=move || renaming.get()
                    fallback={
                        let name = name.clone();
                        move || view! { <h3 id=heading_id.clone()>{name.clone()}</h3> }
                    }
                >
                    <form class="rename" on:submit=move |ev| { ev.prevent_default(); save_name(); }>
                        <input aria-label="Section name" maxlength="120" value=move || new_name.get() prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev))/>
                        <button type="submit" class="primary">"Save"</button>
                        <button type="button" on:click=move |_| renaming.set(false)>"Cancel"</button>
                    </form>
                </Show>
                <ProgressBar progress label=format!("Readiness of {section_label}")/>
                {crate::viewer::can_edit().then(|| view! {
                <div class="section-controls">
                    <button type="button" class="icon-button" title="Rename" aria-label=format!("Rename section {section_label}")
                        on:click=move |_| renaming.set(true)>"✎"</button>
                    {[(-1, "up", "↑", is_first), (1, "down", "↓", is_last)].into_iter().map(|(delta, word, arrow, at_end)| {
                        let label = format!("Move section {section_label} {word}");
                        view! {
                        <PostForm path=MoveSection::PATH class="move-form" on_submit=Callback::new(move |_| move_by(delta))>
                            <input type="hidden" name="slug" value=ctx.slug.get_value()/>
                            <input type="hidden" name="section_id" value=id/>
                            <input type="hidden" name="delta" value=delta/>
                            <button type="submit" class="icon-button" title=format!("Move {word}")
                                aria-label=label disabled=at_end>{arrow}</button>
                        </PostForm>
                    }}).collect_view()}
                    <ConfirmDelete
                        what=format!("section {section_label}")
                        question=format!(
                            "Delete this section and its {item_count} item{}?",
                            if item_count == 1 { "" } else { "s" },
                        )
                        on_confirm=delete
                    />
                </div>
                })}
            </header>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            {if items.is_empty() {
                view! { <p class="muted section-empty">"No items in this section yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="items">
                        {items
                            .into_iter()
                            .enumerate()
                            .map(|(index, item)| {
                                let visible = Signal::derive(move || item.with(|i| filter.get().matches(i, today)));
                                view! {
                                    <ItemRow item phases=phases.clone() today visible is_first=index == 0 is_last=index + 1 == count/>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {crate::viewer::can_edit().then(|| view! { <AddItem section_id=id/> })}
        </section>
    }
}

/// Adds an item with a title and priority; the rest is set by editing it.
#[component]
fn AddItem(section_id: i64) -> impl IntoView {
    let ctx = use_service();
    let title = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Medium.as_str().to_string());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let input_id = format!("new-item-{section_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = ItemForm {
            title: title.get_untracked(),
            priority: priority.get_untracked(),
            status: ItemStatus::Todo.as_str().into(),
            ..Default::default()
        };
        pending.set(true);
        spawn_local(async move {
            match create_item(ctx.slug.get_value(), section_id, form).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    error.try_set(Some(error_pair(&e).1));
                    pending.try_set(false);
                }
            }
        });
    };
    view! {
        <form class="add-item" on:submit=submit>
            <label for=input_id.clone() class="visually-hidden">"New item title"</label>
            <input id=input_id placeholder="Add an item…" maxlength="200" value=move || title.get() prop:value=move || title.get()
                on:input=move |ev| { title.set(event_target_value(&ev)); error.set(None); }/>
            <select aria-label="Priority of the new item" prop:value=move || priority.get()
                on:change=move |ev| priority.set(event_target_value(&ev))>
                {Priority::ALL.iter().map(|p| {
                    let value = p.as_str();
                    view! { <option value=value selected=move || priority.read().as_str() == value>{p.label()}</option> }
                }).collect_view()}
            </select>
            <button type="submit" disabled=move || pending.get()>"Add item"</button>
            {move || error.get().map(|m| view! { <span class="form-error" role="alert">{m}</span> })}
        </form>
    }
}

#[component]
fn AddSection() -> impl IntoView {
    let ctx = use_service();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = name.get_untracked();
        pending.set(true);
        spawn_local(async move {
            match create_section(ctx.slug.get_value(), value).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    error.try_set(Some(error_pair(&e).1));
                    pending.try_set(false);
                }
            }
        });
    };
    view! {
        <form class="add-section" on:submit=submit>
            <label for="new-section">"New section"</label>
            <input id="new-section" placeholder="e.g. Backup & DR" maxlength="120" value=move || name.get() prop:value=move || name.get()
                on:input=move |ev| { name.set(event_target_value(&ev)); error.set(None); }/>
            <button type="submit" class="primary" disabled=move || pending.get()>"Add section"</button>
            {move || error.get().map(|m| view! { <span class="form-error" role="alert">{m}</span> })}
        </form>
    }
}
