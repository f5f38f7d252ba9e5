//! `/login`: a plain form posted to `POST /login` (server/src/sign_in.rs), so it
//! works before the WebAssembly arrives and the page after it is a fresh load.

use crate::viewer::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let problem = move || {
        query.read().get("error").map(|code| match code.as_str() {
            "unavailable" => "Sign-in is not available right now; please try again shortly.",
            _ => "That email and password do not match an active account.",
        })
    };
    let signed_in = use_viewer().0;
    view! {
        <Title text="Sign in · Preflight"/>
        <section class="login">
            <h1>"Sign in to Preflight"</h1>
            {signed_in.map(|v| view! {
                <p class="muted">"You are signed in as " <strong>{v.email}</strong> ". "
                    <a href="/">"Go to the portfolio"</a></p>
            })}
            {move || problem().map(|text| view! { <p class="error" role="alert">{text}</p> })}
            <form method="post" action="/login" class="login-form">
                <input type="hidden" name="next" prop:value=next/>
                <label for="login-email">"Email"</label>
                <input id="login-email" name="email" type="email" autocomplete="username" required/>
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                />
                <button type="submit" class="primary">"Sign in"</button>
            </form>
        </section>
    }
}
