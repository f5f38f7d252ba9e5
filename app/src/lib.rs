#![recursion_limit = "256"]
//! Preflight: the Leptos application shared by the server (SSR) and the browser
//! (hydration), with the domain rules both sides use.

pub mod charts;
pub mod components;
pub mod domain;
pub mod draft;
pub mod error;
pub mod input;
pub mod model;
pub mod pages;
pub mod server_fns;
pub mod service_state;
pub mod templates;
pub mod viewer;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod html_shell;
#[cfg(feature = "ssr")]
pub use html_shell::shell;
#[cfg(feature = "ssr")]
pub mod schedule;
#[cfg(feature = "ssr")]
pub mod state;

use components::editors_only::EditorsOnly;
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use pages::audit::AuditPage;
use pages::import::ImportPage;
use pages::login::LoginPage;
use pages::new_service::NewServicePage;
use pages::not_found::NotFound;
use pages::portfolio::PortfolioPage;
use pages::reviews::record::ReviewPage;
use pages::service::ServicePage;
use pages::tokens::TokensPage;
use pages::users::UsersPage;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    viewer::provide_viewer();
    let editor = viewer::can_edit();
    // Effects run only in the browser, after hydration: the mark lets end-to-end
    // tests (and curious users) know the page is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Preflight"/>
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"Preflight"</A>
                <nav aria-label="Main">
                    <A href="/">"Portfolio"</A>
                    {editor.then(|| view! {
                        <A href="/services/new">"New service"</A>
                        <A href="/import">"Import"</A>
                    })}
                </nav>
                <UserMenu/>
            </header>
            <main>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=PortfolioPage/>
                    // Before the service route: the router takes the first route that matches.
                    <Route path=path!("/services/new") view=|| view! {
                        <EditorsOnly what="create services"><NewServicePage/></EditorsOnly>
                    }/>
                    <Route path=path!("/import") view=|| view! {
                        <EditorsOnly what="import documents"><ImportPage/></EditorsOnly>
                    }/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/settings/tokens") view=TokensPage/>
                    <Route path=path!("/admin/users") view=UsersPage/>
                    <Route path=path!("/admin/audit") view=AuditPage/>
                    // Async: the response waits for the service, so an unknown slug answers 404
                    // (a streamed response would already have sent 200).
                    <Route path=path!("/services/:slug/reviews/:review_id") view=ReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/services/:slug/:tab?") view=ServicePage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

/// "Signed in as …" with the user's pages and sign-out, or a sign-in link. Sign-out
/// is a plain form post, so the next page is a fresh load without the user.
#[component]
fn UserMenu() -> impl IntoView {
    let admin = viewer::is_admin();
    match viewer::use_viewer().0 {
        None => {
            view! { <a class="user-menu" href="/login" rel="external">"Sign in"</a> }.into_any()
        }
        Some(v) => view! {
            <details class="user-menu">
                <summary>
                    "Signed in as " <span data-testid="signed-in-as">{v.email}</span>
                    <span class="role-badge">{v.role.label()}</span>
                </summary>
                <ul>
                    <li><a href="/settings/tokens">"API tokens"</a></li>
                    {admin.then(|| view! {
                        <li><a href="/admin/users">"Users"</a></li>
                        <li><a href="/admin/audit">"Audit log"</a></li>
                    })}
                    <li>
                        <form method="post" action="/logout">
                            <button type="submit">"Sign out"</button>
                        </form>
                    </li>
                </ul>
            </details>
        }
        .into_any(),
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
