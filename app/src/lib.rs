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
pub mod templates;

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod html_shell;
#[cfg(feature = "ssr")]
pub use html_shell::shell;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use pages::import::ImportPage;
use pages::new_service::NewServicePage;
use pages::not_found::NotFound;
use pages::portfolio::PortfolioPage;
use pages::service::ServicePage;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
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
                    <A href="/services/new">"New service"</A>
                    <A href="/import">"Import"</A>
                </nav>
            </header>
            <main>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=PortfolioPage/>
                    // Before the service route: the router takes the first route that matches.
                    <Route path=path!("/services/new") view=NewServicePage/>
                    <Route path=path!("/import") view=ImportPage/>
                    // Async: the response waits for the service, so an unknown slug answers 404
                    // (a streamed response would already have sent 200).
                    <Route path=path!("/services/:slug/:tab?") view=ServicePage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
