//! Pages that only change things (import, new service): viewers get a note saying who
//! can, instead of a form the server would refuse.

use leptos::prelude::*;

#[component]
pub fn EditorsOnly(
    /// What the page does, for the note: "import documents".
    what: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    if crate::viewer::can_edit() {
        children().into_any()
    } else {
        view! {
            <section class="notice" role="status">
                <h1>"Editors only"</h1>
                <p>{format!("Your role can read every service but not {what}. Ask an admin for the editor role.")}</p>
                <p><a href="/">"Back to the portfolio"</a></p>
            </section>
        }
        .into_any()
    }
}
