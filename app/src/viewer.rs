//! The signed-in user as every page sees them. The server knows them from the request;
//! it writes them into the page's `<meta name="preflight-viewer">`, which the browser
//! reads back when it hydrates, so both render the same controls. Sign-in and
//! sign-out are full page loads, so the value never changes while a page lives.

use crate::domain::access::role_allows;
use crate::model::{Need, Role, Viewer};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct ViewerCtx(pub Option<Viewer>);

impl ViewerCtx {
    pub fn allows(&self, need: Need) -> bool {
        match &self.0 {
            Some(viewer) => role_allows(viewer.role, need),
            None => need == Need::Public,
        }
    }
}

/// Who is signed in for this render.
pub fn current_viewer() -> Option<Viewer> {
    #[cfg(feature = "ssr")]
    {
        crate::auth::current().map(|p| p.viewer())
    }
    #[cfg(not(feature = "ssr"))]
    {
        from_page()
    }
}

#[cfg(not(feature = "ssr"))]
fn from_page() -> Option<Viewer> {
    let meta = document()
        .query_selector("meta[name=preflight-viewer]")
        .ok()??;
    let role: Role = meta.get_attribute("content")?.parse().ok()?;
    let email = meta.get_attribute("data-email")?;
    Some(Viewer { email, role })
}

/// The `<meta>` the browser reads back; rendered by the server's HTML shell.
#[component]
pub fn ViewerMeta() -> impl IntoView {
    current_viewer().map(|viewer| {
        view! { <meta name="preflight-viewer" content=viewer.role.as_str() data-email=viewer.email/> }
    })
}

pub fn provide_viewer() {
    provide_context(ViewerCtx(current_viewer()));
}

pub fn use_viewer() -> ViewerCtx {
    use_context::<ViewerCtx>().unwrap_or(ViewerCtx(None))
}

/// Whether the signed-in user may change services (editors and admins).
pub fn can_edit() -> bool {
    use_viewer().allows(Need::Edit)
}

pub fn is_admin() -> bool {
    use_viewer().0.is_some_and(|v| v.role == Role::Admin)
}
