//! Cost line rows and their form.

use crate::components::confirm::ConfirmDelete;
use crate::components::item_row::error_pair;
use crate::domain::money::format_cents;
use crate::input::CostLineForm;
use crate::model::{CostCategory, CostKind, CostLine, Phase};
use crate::server_fns::costs::{create_cost_line, delete_cost_line, update_cost_line};
use crate::service_state::use_service;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn form_of(line: &CostLine) -> CostLineForm {
    CostLineForm {
        category: line.category.as_str().to_string(),
        name: line.name.clone(),
        kind: line.kind.as_str().to_string(),
        amount: format_cents(line.monthly_cents.abs()).replace(['$', ','], ""),
        phase_id: line.phase_id.map(|p| p.to_string()).unwrap_or_default(),
        start_month: line
            .start_month
            .map(|m| m.format("%Y-%m").to_string())
            .unwrap_or_default(),
    }
}

#[component]
pub fn CostLineRow(line: CostLine, phases: Vec<Phase>) -> impl IntoView {
    let ctx = use_service();
    let editing = RwSignal::new(false);
    let form = RwSignal::new(form_of(&line));
    let error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let (id, version) = (line.id, line.version);
    let where_ = match line.kind {
        CostKind::Addition => line
            .phase_id
            .and_then(|p| phases.iter().find(|ph| ph.id == p))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        CostKind::Saving => line
            .start_month
            .map(|m| format!("from {}", m.format("%b %Y")))
            .unwrap_or_default(),
        CostKind::Baseline => "today".to_string(),
    };
    let save = Callback::new(move |_| {
        pending.set(true);
        let next = form.get_untracked();
        spawn_local(async move {
            match update_cost_line(ctx.slug.get_value(), id, version, next).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                    pending.try_set(false);
                }
            }
        });
    });
    let delete = Callback::new(move |_| {
        spawn_local(async move {
            match delete_cost_line(ctx.slug.get_value(), id).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                }
            }
        });
    });
    let name = line.name.clone();
    let phases = StoredValue::new(phases);
    view! {
        <tr class:excluded=!line.included data-cost-line-id=id>
            <td>
                {line.name.clone()}
                {(!line.included).then(|| view! { <span class="badge">"left out"</span> })}
            </td>
            <td>{line.category.label()}</td>
            <td>{where_}</td>
            <td class="amount">{format_cents(line.monthly_cents)}</td>
            <td class="row-actions">
                {crate::viewer::can_edit().then(|| view! {
                <button type="button" class="icon-button" title="Edit" aria-label=format!("Edit cost line {name}")
                    on:click=move |_| editing.update(|e| *e = !*e)>"✎"</button>
                <ConfirmDelete what=format!("cost line {name}") question=format!("Delete “{name}”?") on_confirm=delete/>
                })}
            </td>
        </tr>
        <Show when=move || editing.get() || (error.get().is_some() && !editing.get())>
            <tr class="editor-row">
                <td colspan="5">
                    <Show when=move || editing.get() fallback=move || view! {
                        <p class="form-error" role="alert">{move || error.get().map(|(_, m)| m)}</p>
                    }>
                        <CostLineFields form phases=phases.get_value() error pending on_save=save
                            on_cancel=Callback::new(move |_| editing.set(false)) save_label="Save line"
                            id_prefix=format!("cost-{id}")/>
                    </Show>
                </td>
            </tr>
        </Show>
    }
}

#[component]
pub fn NewCostLine(phases: Vec<Phase>) -> impl IntoView {
    let ctx = use_service();
    let open = RwSignal::new(false);
    let form = RwSignal::new(CostLineForm {
        category: CostCategory::Compute.as_str().into(),
        kind: CostKind::Baseline.as_str().into(),
        ..Default::default()
    });
    let error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let save = Callback::new(move |_| {
        pending.set(true);
        let next = form.get_untracked();
        spawn_local(async move {
            match create_cost_line(ctx.slug.get_value(), next).await {
                Ok(_) => ctx.refresh(),
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                    pending.try_set(false);
                }
            }
        });
    });
    view! {
        <div class="add-cost-line">
            <Show when=move || open.get() fallback=move || view! {
                <button type="button" class="primary" on:click=move |_| open.set(true)>"Add cost line"</button>
            }>
                <CostLineFields form phases=phases.clone() error pending on_save=save
                    on_cancel=Callback::new(move |_| open.set(false)) save_label="Add cost line" id_prefix="new-cost"/>
            </Show>
        </div>
    }
}

#[component]
fn CostLineFields(
    form: RwSignal<CostLineForm>,
    phases: Vec<Phase>,
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
    let (category, set_category) = text_field!(category);
    let (kind, set_kind) = text_field!(kind);
    let (amount, set_amount) = text_field!(amount);
    let (phase_id, set_phase_id) = text_field!(phase_id);
    let (start_month, set_start_month) = text_field!(start_month);
    let is = move |k: CostKind| move || form.with(|f| f.kind == k.as_str());
    view! {
        <form class="cost-line-editor" on:submit=move |ev| { ev.prevent_default(); on_save.run(()); }
            on:keydown=move |ev| if ev.key() == "Escape" { on_cancel.run(()) }>
            <div class="field wide">
                <label for=id("name")>"Name"</label>
                <input id=id("name") maxlength="200" placeholder="Additional NAT Gateway" prop:value=name
                    on:input=set_name aria-invalid=invalid("name")/>
            </div>
            <div class="field">
                <label for=id("kind")>"Kind"</label>
                <select id=id("kind") prop:value=kind on:change=set_kind>
                    {CostKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("category")>"Category"</label>
                <select id=id("category") prop:value=category on:change=set_category aria-invalid=invalid("category")>
                    {CostCategory::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("amount")>{move || if is(CostKind::Saving)() { "Saved per month ($)" } else { "Per month ($)" }}</label>
                <input id=id("amount") inputmode="decimal" placeholder="32.85" prop:value=amount on:input=set_amount
                    aria-invalid=invalid("amount")/>
            </div>
            <Show when=move || !is(CostKind::Baseline)()>
                <div class="field">
                    <label for=id("phase_id")>{move || if is(CostKind::Addition)() { "Phase" } else { "Phase (optional)" }}</label>
                    <select id=id("phase_id") prop:value=phase_id on:change=set_phase_id aria-invalid=invalid("phase_id")>
                        <option value="">"No phase"</option>
                        {phases.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
            </Show>
            <Show when=is(CostKind::Saving)>
                <div class="field">
                    <label for=id("start_month")>"Starts in"</label>
                    <input id=id("start_month") type="month" placeholder="2027-03" prop:value=start_month
                        on:input=set_start_month aria-invalid=invalid("start_month")/>
                </div>
            </Show>
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
