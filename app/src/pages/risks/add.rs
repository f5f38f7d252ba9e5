//! The form that adds a risk to the register.

use super::Register;
use crate::components::item_row::error_pair;
use crate::components::risk_editor::RiskEditor;
use crate::input::RiskForm;
use crate::model::RiskStatus;
use crate::server_fns::risks::create_risk;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AddRisk(reg: Register) -> impl IntoView {
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
