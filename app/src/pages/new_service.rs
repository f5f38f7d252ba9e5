//! `/services/new`: a new service, empty or from a built-in template. The server
//! checks everything again and creates the service in one transaction; the page then
//! opens it.

use crate::components::item_row::error_pair;
use crate::domain::validate as v;
use crate::server_fns::services::create_service;
use crate::templates::{
    DEFAULT_TEMPLATE, NewServiceForm, TemplateSummary, builtin_templates, slugify,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The form fields the server may name in an error; other errors show at the end.
const FIELDS: [&str; 6] = [
    "name",
    "slug",
    "team",
    "description",
    "target_go_live",
    "template",
];

#[component]
pub fn NewServicePage() -> impl IntoView {
    let templates: Vec<TemplateSummary> = builtin_templates().iter().map(|t| t.summary()).collect();
    let form = RwSignal::new(NewServiceForm {
        template: DEFAULT_TEMPLATE.to_string(),
        ..Default::default()
    });
    // The slug follows the name until the user edits it.
    let slug_edited = RwSignal::new(false);
    let error = RwSignal::new(None::<(String, String)>);
    let pending = RwSignal::new(false);
    let navigate = use_navigate();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let next = form.get_untracked();
        pending.set(true);
        error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            match create_service(next).await {
                Ok(slug) => navigate(&format!("/services/{slug}"), Default::default()),
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                    pending.try_set(false);
                }
            }
        });
    };

    let set_name = move |ev| {
        let name = event_target_value(&ev);
        form.update(|f| {
            if !slug_edited.get_untracked() {
                f.slug = slugify(&name);
            }
            f.name = name;
        });
    };
    let set_slug = move |ev| {
        let slug = event_target_value(&ev);
        slug_edited.set(!slug.is_empty());
        form.update(|f| f.slug = slug);
    };
    macro_rules! text_field {
        ($field:ident) => {
            (
                move || form.with(|f| f.$field.clone()),
                move |ev| form.update(|f| f.$field = event_target_value(&ev)),
            )
        };
    }
    let (team, set_team) = text_field!(team);
    let (description, set_description) = text_field!(description);
    let (go_live, set_go_live) = text_field!(target_go_live);

    let invalid = move |field: &'static str| {
        move || {
            error
                .with(|e| e.as_ref().is_some_and(|(f, _)| f == field))
                .to_string()
        }
    };
    // The server's message for this field, shown under it.
    let field_error = move |field: &'static str| {
        move || {
            error.get().filter(|(f, _)| f == field).map(|(f, message)| {
                view! {
                    <span class="field-error" id=format!("{field}-error") role="alert">
                        {format!("{}: {message}", f.replace('_', " "))}
                    </span>
                }
            })
        }
    };
    let described_by = move |field: &'static str, hint: &'static str| {
        move || {
            let has_error = error.with(|e| e.as_ref().is_some_and(|(f, _)| f == field));
            let ids = if has_error {
                format!("{hint} {field}-error")
            } else {
                hint.to_string()
            };
            let ids = ids.trim().to_string();
            (!ids.is_empty()).then_some(ids)
        }
    };
    // Early feedback on the slug with the server's own rule.
    let slug_hint = move || {
        form.with(|f| {
            let slug = f.slug.trim();
            if slug.is_empty() {
                "Used in the address: /services/…".to_string()
            } else if let Err(e) = v::slug("slug", slug) {
                match e {
                    crate::error::AppError::Invalid { message, .. } => message,
                    other => other.to_string(),
                }
            } else {
                format!("Used in the address: /services/{slug}")
            }
        })
    };
    let slug_hint_bad =
        move || form.with(|f| !f.slug.trim().is_empty() && v::slug("slug", f.slug.trim()).is_err());
    let other_error = move || {
        error
            .get()
            .filter(|(f, _)| !FIELDS.contains(&f.as_str()))
            .map(|(field, message)| {
                view! {
                    <p class="form-error" role="alert">
                        {if field.is_empty() { message } else { format!("{}: {message}", field.replace('_', " ")) }}
                    </p>
                }
            })
    };

    view! {
        <Title text="New service · Preflight"/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <A href="/">"Portfolio"</A>
            " / "
            <span aria-current="page">"New service"</span>
        </nav>
        <h1>"New service"</h1>
        <p class="lede">"Start empty or from a template; every item, phase and risk can be changed afterwards."</p>
        <form class="new-service" on:submit=on_submit>
            <div class="new-service-fields">
                <div class="field">
                    <label for="new-service-name" class="required">"Name"</label>
                    <input id="new-service-name" name="name" required maxlength="120" autocomplete="off"
                        placeholder="Payments API"
                        prop:value=move || form.with(|f| f.name.clone()) on:input=set_name
                        aria-invalid=invalid("name") aria-describedby=described_by("name", "")/>
                    {field_error("name")}
                </div>
                <div class="field">
                    <label for="new-service-slug" class="required">"Slug"</label>
                    <input id="new-service-slug" name="slug" required maxlength="60" autocomplete="off"
                        spellcheck="false" placeholder="payments-api"
                        prop:value=move || form.with(|f| f.slug.clone()) on:input=set_slug
                        aria-invalid=move || (invalid("slug")() == "true" || slug_hint_bad()).to_string()
                        aria-describedby=described_by("slug", "new-service-slug-hint")/>
                    <span id="new-service-slug-hint" class="hint" class:bad=slug_hint_bad aria-live="polite">
                        {slug_hint}
                    </span>
                    {field_error("slug")}
                </div>
                <div class="field">
                    <label for="new-service-team">"Team"</label>
                    <input id="new-service-team" name="team" maxlength="120" placeholder="Payments Platform"
                        prop:value=team on:input=set_team
                        aria-invalid=invalid("team") aria-describedby=described_by("team", "")/>
                    {field_error("team")}
                </div>
                <div class="field">
                    <label for="new-service-go-live">"Target go-live"</label>
                    <input id="new-service-go-live" name="target_go_live" type="date"
                        prop:value=go_live on:input=set_go_live
                        aria-invalid=invalid("target_go_live") aria-describedby=described_by("target_go_live", "")/>
                    {field_error("target_go_live")}
                </div>
                <div class="field wide">
                    <label for="new-service-description">"Description"</label>
                    <textarea id="new-service-description" name="description" rows="3" maxlength="5000"
                        placeholder="What the service does, where it runs, who depends on it."
                        prop:value=description on:input=set_description
                        aria-invalid=invalid("description") aria-describedby=described_by("description", "")></textarea>
                    {field_error("description")}
                </div>
            </div>
            <fieldset class="template-choice" aria-describedby=described_by("template", "")>
                <legend>"Start from"</legend>
                <div class="template-cards">
                    {templates
                        .into_iter()
                        .map(|t| view! { <TemplateCard template=t form/> })
                        .collect_view()}
                </div>
                {field_error("template")}
            </fieldset>
            {other_error}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create service" }}
                </button>
                <A href="/">"Cancel"</A>
            </div>
        </form>
    }
}

/// One template as a radio card with what it brings.
#[component]
fn TemplateCard(template: TemplateSummary, form: RwSignal<NewServiceForm>) -> impl IntoView {
    let key = StoredValue::new(template.key.clone());
    let selected = move || form.with(|f| key.with_value(|k| &f.template == k));
    let initially = form.with_untracked(|f| f.template == template.key);
    let input_id = format!("template-{}", template.key);
    let counts = if template.items == 0 {
        "Nothing yet".to_string()
    } else {
        format!(
            "{} sections · {} items · {} phases · {} risks",
            template.sections.len(),
            template.items,
            template.phases,
            template.risks
        )
    };
    let sections = template.sections.join(", ");
    view! {
        <label class="template-card" class:selected=selected data-template=template.key.clone()>
            <input type="radio" id=input_id name="template" value=template.key.clone()
                checked=initially prop:checked=selected
                on:change=move |_| form.update(|f| f.template = key.get_value())/>
            <span class="template-name">{template.name}</span>
            <span class="template-counts">{counts}</span>
            <span class="template-description">{template.description}</span>
            {(!sections.is_empty()).then(|| view! { <span class="template-sections">{sections}</span> })}
        </label>
    }
}
