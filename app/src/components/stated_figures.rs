//! The imported document's totals that its cost lines do not add up to, on the costs
//! page: listed with their lines in the document, dismissed by an editor once dealt
//! with.

use crate::components::item_row::error_pair;
use crate::domain::stated_figure::describe;
use crate::model::StatedCostFigure;
use crate::server_fns::costs::dismiss_stated_figures;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn StatedFigures(
    slug: String,
    figures: Vec<StatedCostFigure>,
    /// Called once they are gone, so the page reads the service again.
    on_dismissed: Callback<()>,
) -> impl IntoView {
    if figures.is_empty() {
        return ().into_any();
    }
    let count = figures.len();
    let slug = StoredValue::new(slug);
    let asking = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    let dismiss = move |_| {
        asking.set(false);
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match dismiss_stated_figures(slug.get_value()).await {
                Ok(_) => on_dismissed.run(()),
                Err(e) => {
                    error.try_set(Some(format!("Not dismissed: {}", error_pair(&e).1)));
                }
            }
            pending.try_set(false);
        });
    };
    let noun = if count == 1 {
        "this note"
    } else {
        "these notes"
    };

    view! {
        <section class="notice warn stated-figures" aria-labelledby="stated-figures-heading"
            data-testid="stated-figures">
            <h3 id="stated-figures-heading">"Totals in the imported document that its cost lines do not add up to"</h3>
            <ul>
                {figures.iter().map(|f| view! { <li>{describe(f)}</li> }).collect_view()}
            </ul>
            <p class="hint">"The projection counts the cost lines, not these totals."</p>
            {crate::viewer::can_edit().then(|| view! {
                <Show
                    when=move || asking.get()
                    fallback=move || view! {
                        <button type="button" disabled=move || pending.get()
                            on:click=move |_| asking.set(true)>
                            {move || if pending.get() { "Dismissing…" } else { "Dismiss" }}
                        </button>
                    }
                >
                    <span class="confirm" role="alertdialog" aria-label="Confirm dismissal"
                        on:keydown=move |ev| if ev.key() == "Escape" { asking.set(false) }>
                        <span>{format!("Dismiss {noun}? They do not come back.")}</span>
                        <button type="button" class="danger" node_ref=confirm_button
                            on:click=dismiss>"Dismiss"</button>
                        <button type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                    </span>
                </Show>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}
