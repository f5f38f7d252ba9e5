//! A form that posts to a server function. Before the WebAssembly has loaded (or
//! without it) it is a plain HTML form post: the server function runs and the server
//! answers with a redirect back to the page, now showing the change. Once the page is
//! hydrated, submitting calls `on_submit` instead, which updates the page in place.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

#[component]
pub fn PostForm(
    /// The server function's URL, `SomeFn::PATH`; field names are its argument names.
    path: &'static str,
    #[prop(into)] class: String,
    on_submit: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            method="post"
            action=path
            class=class
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            {children()}
        </form>
    }
}
