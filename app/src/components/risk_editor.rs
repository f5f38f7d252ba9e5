//! The form of a risk: its fields as text and the checklist items that mitigate it.
//! The server validates; the field its error names is marked.

use crate::domain::risk::{SCALE_MAX, inherent};
use crate::input::RiskForm;
use crate::model::{Risk, RiskStatus};
use leptos::prelude::*;

/// The form fields of a risk, pre-filled.
pub fn form_of(risk: &Risk) -> RiskForm {
    RiskForm {
        title: risk.title.clone(),
        description: risk.description.clone(),
        likelihood: risk.likelihood.to_string(),
        impact: risk.impact.to_string(),
        mitigation: risk.mitigation.clone(),
        owner: risk.owner.clone(),
        status: risk.status.as_str().to_string(),
        review_date: risk.review_date.map(|d| d.to_string()).unwrap_or_default(),
        item_ids: risk.mitigating_item_ids.clone(),
    }
}

/// A checklist section's items, as the editor offers them for linking.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkGroup {
    pub section: String,
    pub items: Vec<(i64, String)>,
}

#[component]
pub fn RiskEditor(
    form: RwSignal<RiskForm>,
    /// The service's checklist, section by section.
    groups: Vec<LinkGroup>,
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
    let invalid =
        move |field: &'static str| move || error.get().is_some_and(|(f, _)| f == field).to_string();
    macro_rules! text_field {
        ($field:ident) => {
            (
                move || form.with(|f| f.$field.clone()),
                move |ev| form.update(|f| f.$field = event_target_value(&ev)),
            )
        };
    }
    let (title, set_title) = text_field!(title);
    let (description, set_description) = text_field!(description);
    let (likelihood, set_likelihood) = text_field!(likelihood);
    let (impact, set_impact) = text_field!(impact);
    let (mitigation, set_mitigation) = text_field!(mitigation);
    let (owner, set_owner) = text_field!(owner);
    let (status, set_status) = text_field!(status);
    let (review_date, set_review_date) = text_field!(review_date);
    // The score as typed, before saving; the server decides.
    let preview = move || {
        form.with(|f| {
            let scale = |t: &str| {
                t.trim()
                    .parse::<i16>()
                    .ok()
                    .filter(|n| (1..=SCALE_MAX).contains(n))
            };
            match (scale(&f.likelihood), scale(&f.impact)) {
                (Some(l), Some(i)) => {
                    let a = inherent(l, i);
                    format!("Score {} × {} = {} ({})", l, i, a.score, a.level.label())
                }
                _ => format!("Likelihood and impact each run from 1 to {SCALE_MAX}"),
            }
        })
    };
    let linked_count = move || form.with(|f| f.item_ids.len());

    view! {
        <form
            class="risk-editor"
            novalidate
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
                <input id=id("title") maxlength="200" placeholder="Database credentials leak"
                    prop:value=title on:input=set_title aria-invalid=invalid("title")/>
            </div>
            <div class="field wide">
                <label for=id("description")>"Description"</label>
                <textarea id=id("description") rows="2" prop:value=description on:input=set_description
                    aria-invalid=invalid("description")></textarea>
            </div>
            <div class="field">
                <label for=id("likelihood")>"Likelihood (1–5)"</label>
                <input id=id("likelihood") type="number" min="1" max="5" step="1" inputmode="numeric"
                    prop:value=likelihood on:input=set_likelihood aria-invalid=invalid("likelihood")/>
            </div>
            <div class="field">
                <label for=id("impact")>"Impact (1–5)"</label>
                <input id=id("impact") type="number" min="1" max="5" step="1" inputmode="numeric"
                    prop:value=impact on:input=set_impact aria-invalid=invalid("impact")/>
            </div>
            <p class="score-preview two" aria-live="polite">{preview}</p>
            <div class="field">
                <label for=id("status")>"Status"</label>
                <select id=id("status") prop:value=status on:change=set_status aria-invalid=invalid("status")>
                    {RiskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("review_date")>"Review date"</label>
                <input id=id("review_date") type="date" prop:value=review_date on:input=set_review_date
                    aria-invalid=invalid("review_date")/>
            </div>
            <div class="field two">
                <label for=id("owner")>"Owner"</label>
                <input id=id("owner") maxlength="120" prop:value=owner on:input=set_owner
                    aria-invalid=invalid("owner")/>
            </div>
            <div class="field wide">
                <label for=id("mitigation")>"Mitigation plan"</label>
                <textarea id=id("mitigation") rows="2" prop:value=mitigation on:input=set_mitigation
                    aria-invalid=invalid("mitigation")></textarea>
            </div>
            <fieldset class="risk-links wide" aria-invalid=invalid("item_ids")>
                <legend>
                    "Mitigated by these checklist items "
                    <span class="muted">{move || format!("({} chosen)", linked_count())}</span>
                </legend>
                {if groups.iter().all(|g| g.items.is_empty()) {
                    view! { <p class="muted">"This service has no checklist items yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="link-list">
                            {groups
                                .into_iter()
                                .filter(|g| !g.items.is_empty())
                                .map(|group| view! {
                                    <div class="link-group">
                                        <p class="link-section">{group.section}</p>
                                        {group.items.into_iter().map(|(item_id, item_title)| {
                                            let checkbox = id(&format!("item-{item_id}"));
                                            let label_for = checkbox.clone();
                                            view! {
                                                <label class="link-item" for=label_for>
                                                    <input
                                                        type="checkbox"
                                                        id=checkbox
                                                        prop:checked=move || form.with(|f| f.item_ids.contains(&item_id))
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            form.update(|f| {
                                                                f.item_ids.retain(|i| *i != item_id);
                                                                if on {
                                                                    f.item_ids.push(item_id);
                                                                    f.item_ids.sort_unstable();
                                                                }
                                                            });
                                                        }
                                                    />
                                                    {item_title}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </div>
                                })
                                .collect_view()}
                        </div>
                    }
                        .into_any()
                }}
            </fieldset>
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
