use leptos::prelude::*;

/// A delete button that asks first, inline: "Delete X? [Delete] [Cancel]".
/// Escape or Cancel backs out; focus moves to the question's buttons.
#[component]
pub fn ConfirmDelete(
    /// What the button deletes, for the accessible name: "section Security".
    #[prop(into)]
    what: String,
    /// The question, e.g. "Delete this section and its 8 items?"
    #[prop(into)]
    question: Signal<String>,
    on_confirm: Callback<()>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let label = format!("Delete {what}");
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    // Move focus to the question's first button as soon as it appears.
    Effect::new(move |_| {
        if let Some(button) = confirm_button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                let label = label.clone();
                view! {
                    <button
                        type="button"
                        class="icon-button danger"
                        title=label.clone()
                        aria-label=label
                        disabled=move || disabled.get()
                        on:click=move |_| asking.set(true)
                    >
                        "✕"
                    </button>
                }
            }
        >
            <span
                class="confirm"
                role="alertdialog"
                aria-label="Confirm deletion"
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        asking.set(false);
                    }
                }
            >
                <span>{move || question.get()}</span>
                <button
                    type="button"
                    class="danger"
                    node_ref=confirm_button
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    "Delete"
                </button>
                <button type="button" on:click=move |_| asking.set(false)>
                    "Cancel"
                </button>
            </span>
        </Show>
    }
}
