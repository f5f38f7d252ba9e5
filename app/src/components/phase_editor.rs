use crate::domain::money::format_cents;
use crate::input::PhaseForm;
use crate::model::Phase;
use leptos::prelude::*;

/// The form fields of a phase, pre-filled.
pub fn form_of(phase: &Phase) -> PhaseForm {
    let text = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    PhaseForm {
        name: phase.name.clone(),
        goal: phase.goal.clone(),
        planned_start: phase
            .planned_start
            .map(|d| d.to_string())
            .unwrap_or_default(),
        planned_end: phase.planned_end.map(|d| d.to_string()).unwrap_or_default(),
        effort_min_days: text(phase.effort_min_days),
        effort_max_days: text(phase.effort_max_days),
        monthly_cost_change: phase
            .monthly_cost_change_cents
            .map(|c| format_cents(c).replace(['$', ','], ""))
            .unwrap_or_default(),
    }
}

/// Edits a phase; the server validates, `error` shows its (field, message).
#[component]
pub fn PhaseEditor(
    form: RwSignal<PhaseForm>,
    #[prop(into)] error: Signal<Option<(String, String)>>,
    #[prop(into)] pending: Signal<bool>,
    on_save: Callback<()>,
    on_cancel: Callback<()>,
    #[prop(into)] save_label: String,
    #[prop(into)] id_prefix: String,
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
    let (name, set_name) = text_field!(name);
    let (goal, set_goal) = text_field!(goal);
    let (start, set_start) = text_field!(planned_start);
    let (end, set_end) = text_field!(planned_end);
    let (min, set_min) = text_field!(effort_min_days);
    let (max, set_max) = text_field!(effort_max_days);
    let (cost, set_cost) = text_field!(monthly_cost_change);
    view! {
        <form
            class="phase-editor"
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
                <label for=id("name")>"Name"</label>
                <input id=id("name") required maxlength="120" placeholder="Phase 1: Critical" prop:value=name
                    on:input=set_name aria-invalid=invalid("name")/>
            </div>
            <div class="field wide">
                <label for=id("goal")>"Goal"</label>
                <input id=id("goal") placeholder="Must have for production" prop:value=goal on:input=set_goal/>
            </div>
            <div class="field">
                <label for=id("planned_start")>"Planned start"</label>
                <input id=id("planned_start") type="date" prop:value=start on:input=set_start
                    aria-invalid=invalid("planned_start")/>
            </div>
            <div class="field">
                <label for=id("planned_end")>"Planned end"</label>
                <input id=id("planned_end") type="date" prop:value=end on:input=set_end
                    aria-invalid=invalid("planned_end")/>
            </div>
            <div class="field">
                <label for=id("effort_min_days")>"Effort from (days)"</label>
                <input id=id("effort_min_days") type="number" min="0" step="1" prop:value=min on:input=set_min
                    aria-invalid=invalid("effort_min_days")/>
            </div>
            <div class="field">
                <label for=id("effort_max_days")>"Effort to (days)"</label>
                <input id=id("effort_max_days") type="number" min="0" step="1" prop:value=max on:input=set_max
                    aria-invalid=invalid("effort_max_days")/>
            </div>
            <div class="field">
                <label for=id("monthly_cost_change")>"Monthly cost change ($)"</label>
                <input id=id("monthly_cost_change") inputmode="decimal" placeholder="+15.00, or empty for variable"
                    prop:value=cost on:input=set_cost aria-invalid=invalid("monthly_cost_change")/>
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
