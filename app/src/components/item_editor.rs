use crate::input::ItemForm;
use crate::model::{ChecklistItem, ItemStatus, Phase, Priority};
use leptos::prelude::*;

/// The form fields of an item, pre-filled from `item`.
pub fn form_of(item: &ChecklistItem) -> ItemForm {
    ItemForm {
        title: item.title.clone(),
        detail: item.detail.clone(),
        status: item.status.as_str().to_string(),
        na_reason: item.na_reason.clone().unwrap_or_default(),
        priority: item.priority.as_str().to_string(),
        owner: item.owner.clone(),
        due_date: item.due_date.map(|d| d.to_string()).unwrap_or_default(),
        evidence_url: item.evidence_url.clone().unwrap_or_default(),
        phase_id: item.phase_id.map(|p| p.to_string()).unwrap_or_default(),
    }
}

/// Edits every field of an item. Validation happens on the server; `error` shows
/// its message, and the field it names is marked.
#[component]
pub fn ItemEditor(
    form: RwSignal<ItemForm>,
    phases: Vec<Phase>,
    #[prop(into)] error: Signal<Option<(String, String)>>,
    #[prop(into)] pending: Signal<bool>,
    on_save: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] save_label: String,
    /// Prefix for element ids, unique on the page.
    #[prop(into)]
    id_prefix: String,
) -> impl IntoView {
    let id_prefix = StoredValue::new(id_prefix);
    let id = move |name: &str| format!("{}-{name}", id_prefix.get_value());
    let invalid = move |field: &'static str| move || error.get().is_some_and(|(f, _)| f == field);
    macro_rules! text_field {
        ($field:ident) => {
            (
                move || form.with(|f| f.$field.clone()),
                move |ev| form.update(|f| f.$field = event_target_value(&ev)),
            )
        };
    }
    let (title, set_title) = text_field!(title);
    let (detail, set_detail) = text_field!(detail);
    let (status, set_status) = text_field!(status);
    let (na_reason, set_na_reason) = text_field!(na_reason);
    let (priority, set_priority) = text_field!(priority);
    let (owner, set_owner) = text_field!(owner);
    let (due_date, set_due_date) = text_field!(due_date);
    let (evidence_url, set_evidence_url) = text_field!(evidence_url);
    let (phase_id, set_phase_id) = text_field!(phase_id);
    let is_na = move || form.with(|f| f.status == ItemStatus::NotApplicable.as_str());

    view! {
        <form
            class="item-editor"
            on:submit=move |ev| {
                ev.prevent_default();
                on_save.run(());
            }
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel.run(());
                }
            }
        >
            <div class="field wide">
                <label for=id("title")>"Title"</label>
                <input id=id("title") required maxlength="200" prop:value=title on:input=set_title
                    aria-invalid=move || invalid("title")().to_string()/>
            </div>
            <div class="field wide">
                <label for=id("detail")>"Detail"</label>
                <textarea id=id("detail") rows="2" prop:value=detail on:input=set_detail></textarea>
            </div>
            <div class="field">
                <label for=id("status")>"Status"</label>
                <select id=id("status") prop:value=status on:change=set_status>
                    {ItemStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("priority")>"Priority"</label>
                <select id=id("priority") prop:value=priority on:change=set_priority>
                    {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                </select>
            </div>
            <Show when=is_na>
                <div class="field wide">
                    <label for=id("na_reason")>"Why is it not applicable?"</label>
                    <input id=id("na_reason") prop:value=na_reason on:input=set_na_reason
                        aria-invalid=move || invalid("na_reason")().to_string()/>
                </div>
            </Show>
            <div class="field">
                <label for=id("owner")>"Owner"</label>
                <input id=id("owner") maxlength="120" prop:value=owner on:input=set_owner/>
            </div>
            <div class="field">
                <label for=id("due_date")>"Due date"</label>
                <input id=id("due_date") type="date" prop:value=due_date on:input=set_due_date
                    aria-invalid=move || invalid("due_date")().to_string()/>
            </div>
            <div class="field">
                <label for=id("phase_id")>"Phase"</label>
                <select id=id("phase_id") prop:value=phase_id on:change=set_phase_id>
                    <option value="">"No phase"</option>
                    {phases.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
            </div>
            <div class="field wide">
                <label for=id("evidence_url")>"Evidence link"</label>
                <input id=id("evidence_url") type="url" placeholder="https://…" prop:value=evidence_url
                    on:input=set_evidence_url aria-invalid=move || invalid("evidence_url")().to_string()/>
            </div>
            {move || error.get().map(|(field, message)| view! {
                <p class="form-error" role="alert">
                    {if field.is_empty() { message } else { format!("{}: {message}", field.replace('_', " ")) }}
                </p>
            })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…".to_string() } else { save_label.clone() }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
