use leptos::prelude::*;
use leptos_router::components::A;

/// Shown for unknown paths, with a 404 status on the server-rendered response.
#[component]
pub fn NotFound(#[prop(optional, into)] what: Option<String>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty-state">
            <h1>"Not found"</h1>
            <p>{what.unwrap_or_else(|| "There is no page at this address.".to_string())}</p>
            <p><A href="/">"Back to the portfolio"</A></p>
        </section>
    }
}
