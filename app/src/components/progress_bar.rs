use crate::domain::progress::Progress;
use leptos::prelude::*;

/// A labelled bar with "done of applicable" and the percentage beside it.
#[component]
pub fn ProgressBar(
    #[prop(into)] progress: Signal<Progress>,
    /// Accessible name, e.g. "Readiness of Security".
    #[prop(into)]
    label: String,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let percent = move || progress.get().percent();
    view! {
        <div class="progress" class:progress-large=large>
            <div
                class="progress-track"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().to_string()
            >
                <div
                    class="progress-fill"
                    class:complete=move || progress.get().is_complete()
                    style:width=move || format!("{}%", percent())
                ></div>
            </div>
            <span class="progress-text">
                <strong>{move || format!("{}%", percent())}</strong>
                <span class="muted">
                    {move || {
                        let p = progress.get();
                        format!(" {} of {} done", p.done, p.applicable)
                    }}
                </span>
            </span>
        </div>
    }
}
