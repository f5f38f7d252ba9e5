//! `/import`: paste or upload a Markdown readiness document, see what was recognised
//! and skipped, leave parts out, rename, then create the service in one go.

use crate::components::item_row::error_pair;
use crate::domain::draft_parts::DroppedParts;
use crate::domain::markdown::{Discrepancy, DiscrepancyKind, IMPORT_MAX_BYTES, ImportPreview};
use crate::domain::money::{format_cents, format_cents_change};
use crate::model::ItemStatus;
use crate::server_fns::import::{preview_import, save_import};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

#[component]
pub fn ImportPage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let file_note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let preview = RwSignal::new(None::<ImportPreview>);
    // What the preview was made from: saving re-reads exactly this text on the server.
    let previewed_text = StoredValue::new(String::new());

    let run_preview = Callback::new(move |_: ()| {
        let document = text.get_untracked();
        if document.trim().is_empty() {
            error.set(Some("Paste a document or choose a file first.".into()));
            return;
        }
        if document.len() > IMPORT_MAX_BYTES {
            error.set(Some(too_large_message(document.len())));
            return;
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match preview_import(document.clone()).await {
                Ok(p) => {
                    previewed_text.set_value(document);
                    preview.try_set(Some(p));
                }
                Err(e) => {
                    error.try_set(Some(error_pair(&e).1));
                }
            }
            pending.try_set(false);
        });
    });

    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        read_file(ev, text, file_note, error, run_preview);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, file_note);
    };

    view! {
        <Title text="Import · Preflight"/>
        <h1>"Import a readiness document"</h1>
        <p class="lede">
            "Turn a Markdown readiness document into a service: headings become sections, "
            "checkboxes and bullets become items, “Phase N” sections become the roadmap, "
            "and dollar figures become cost lines. Nothing is saved until you create the service."
        </p>
        <Show
            when=move || preview.with(Option::is_none)
            fallback=move || preview.get_untracked().map(|p| view! {
                <ImportPreviewView
                    preview=p
                    text=previewed_text.get_value()
                    on_back=Callback::new(move |_| preview.set(None))
                />
            })
        >
            <form class="import-form" on:submit=move |ev| { ev.prevent_default(); run_preview.run(()); }>
                <label for="import-file">"Upload a .md or .txt file (at most 1 MiB)"</label>
                <input id="import-file" type="file" accept=".md,.markdown,.txt,text/markdown,text/plain"
                    on:change=on_file/>
                {move || file_note.get().map(|n| view! { <p class="hint">{n}</p> })}
                <label for="import-text">"…or paste the document"</label>
                <textarea id="import-text" rows="16" spellcheck="false"
                    placeholder="# Payments API readiness\n\n## Security\n- [x] TLS everywhere\n- [ ] WAF rules (Critical)"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Reading…" } else { "Preview" }}
                    </button>
                </div>
            </form>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
fn read_file(
    ev: leptos::ev::Event,
    text: RwSignal<String>,
    file_note: RwSignal<Option<String>>,
    error: RwSignal<Option<String>>,
    run_preview: Callback<()>,
) {
    let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return;
    };
    let size = file.size() as usize;
    if size > IMPORT_MAX_BYTES {
        error.set(Some(too_large_message(size)));
        return;
    }
    let name = file.name();
    spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(value) => {
                text.set(value.as_string().unwrap_or_default());
                file_note.set(Some(format!("Read {name} ({}).", human_size(size))));
                run_preview.run(());
            }
            Err(_) => error.set(Some(format!("Could not read {name}."))),
        }
    });
}

fn too_large_message(size: usize) -> String {
    format!(
        "The document is {}; the limit is 1 MiB. Split it, or import its checklist part.",
        human_size(size)
    )
}

fn human_size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn toggle(list: &mut Vec<usize>, index: usize) {
    match list.iter().position(|i| *i == index) {
        Some(at) => {
            list.remove(at);
        }
        None => list.push(index),
    }
}

#[component]
fn ImportPreviewView(preview: ImportPreview, text: String, on_back: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(preview.draft.name.clone());
    let slug = RwSignal::new(preview.draft.slug.clone());
    let dropped = RwSignal::new(DroppedParts::default());
    let error = RwSignal::new(None::<(String, String)>);
    let saving = RwSignal::new(false);
    let text = StoredValue::new(text);
    let navigate = use_navigate();

    let save = move |_| {
        saving.set(true);
        error.set(None);
        let navigate = navigate.clone();
        let (name, slug, parts) = (
            name.get_untracked(),
            slug.get_untracked(),
            dropped.get_untracked(),
        );
        spawn_local(async move {
            match save_import(text.get_value(), name, slug, parts).await {
                Ok(slug) => navigate(&format!("/services/{slug}"), Default::default()),
                Err(e) => {
                    error.try_set(Some(error_pair(&e)));
                    saving.try_set(false);
                }
            }
        });
    };
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .filter(|(f, _)| f == field)
                .map(|(_, m)| view! { <span class="field-error">{m}</span> })
        }
    };

    let draft = preview.draft.clone();
    let items: usize = draft.item_count();
    let done = draft
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| i.status == ItemStatus::Done)
        .count();
    let summary = format!(
        "{} sections, {items} items ({done} done), {} phases, {} risks, {} cost lines",
        draft.sections.len(),
        draft.phases.len(),
        draft.risks.len(),
        draft.cost_lines.len()
    );
    let skipped = preview.skipped.clone();
    let any_skipped = !skipped.is_empty();
    let recognised = preview.recognised.clone();
    let discrepancies = preview.discrepancies.clone();

    view! {
        <section class="import-preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="import-summary" data-testid="import-summary">{summary}</p>
            {preview.repaired_mojibake.then(|| view! {
                <p class="notice">"Text garbled by a wrong encoding (UTF-8 read as Mac Roman, such as “‚úÖ”) was repaired."</p>
            })}
            <div class="form-grid">
                <label for="import-name">"Service name"</label>
                <div>
                    <input id="import-name" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    {field_error("name")}
                </div>
                <label for="import-slug">"Slug (its address)"</label>
                <div>
                    <input id="import-slug" prop:value=move || slug.get()
                        on:input=move |ev| slug.set(event_target_value(&ev))/>
                    {field_error("slug")}
                </div>
            </div>
            <Discrepancies discrepancies/>
            <p class="hint">"Untick what you do not want to keep."</p>

            <PartTable caption="Sections" rows=draft.sections.iter().map(|s| {
                let done = s.items.iter().filter(|i| i.status == ItemStatus::Done).count();
                (s.name.clone(), format!("{} items, {done} done", s.items.len()))
            }).collect() on_toggle=Callback::new(move |i| dropped.update(|d| toggle(&mut d.sections, i)))/>
            <PartTable caption="Phases" rows=draft.phases.iter().map(|p| {
                let effort = match (p.effort_min_days, p.effort_max_days) {
                    (Some(a), Some(b)) if a == b => format!("{a} days"),
                    (Some(a), Some(b)) => format!("{a}–{b} days"),
                    _ => "effort not given".into(),
                };
                let cost = p.monthly_cost_change_cents
                    .map(|c| format!("{}/month", format_cents_change(c)))
                    .unwrap_or_else(|| "cost change not given".into());
                (p.name.clone(), format!("{effort} · {cost}"))
            }).collect() on_toggle=Callback::new(move |i| dropped.update(|d| toggle(&mut d.phases, i)))/>
            <PartTable caption="Risks" rows=draft.risks.iter().map(|r| {
                (r.title.clone(), format!("likelihood {} × impact {}", r.likelihood, r.impact))
            }).collect() on_toggle=Callback::new(move |i| dropped.update(|d| toggle(&mut d.risks, i)))/>
            <PartTable caption="Cost lines" rows=draft.cost_lines.iter().map(|l| {
                let place = l.phase.clone().map(|p| format!(" · {p}")).unwrap_or_default();
                (l.name.clone(), format!("{} · {} · {}/month{place}", l.category.label(), l.kind.as_str(), format_cents(l.monthly_cents)))
            }).collect() on_toggle=Callback::new(move |i| dropped.update(|d| toggle(&mut d.cost_lines, i)))/>

            <details class="import-lines" open=any_skipped>
                <summary>{format!("Skipped lines ({})", skipped.len())}</summary>
                {if skipped.is_empty() {
                    view! { <p class="hint">"Nothing was skipped."</p> }.into_any()
                } else {
                    view! {
                        <ol class="line-list">
                            {skipped.into_iter().map(|s| view! {
                                <li><span class="line-no">{format!("line {}", s.line)}</span>
                                    <code>{s.text}</code><span class="hint">{format!(" — {}", s.reason)}</span></li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </details>
            <details class="import-lines">
                <summary>{format!("Recognised lines ({})", recognised.len())}</summary>
                <ol class="line-list">
                    {recognised.into_iter().map(|r| view! {
                        <li><span class="line-no">{format!("line {}", r.line)}</span>
                            <span class="badge">{format!("{:?}", r.kind)}</span>" "{r.summary}</li>
                    }).collect_view()}
                </ol>
            </details>

            {move || error.get().filter(|(f, _)| f != "name" && f != "slug").map(|(f, m)| {
                let text = if f.is_empty() { m } else { format!("{f}: {m}") };
                view! { <p class="form-error" role="alert">{text}</p> }
            })}
            <div class="form-actions">
                <button type="button" class="primary" disabled=move || saving.get() on:click=save>
                    {move || if saving.get() { "Creating…" } else { "Create service" }}
                </button>
                <button type="button" on:click=move |_| on_back.run(())>"Back to the document"</button>
            </div>
        </section>
    }
}

/// Stated figures the importer checked and found wrong: totals against their lines,
/// risk scores against likelihood × impact.
#[component]
fn Discrepancies(discrepancies: Vec<Discrepancy>) -> impl IntoView {
    if discrepancies.is_empty() {
        return ().into_any();
    }
    let costs = discrepancies
        .iter()
        .any(|d| d.kind == DiscrepancyKind::CostTotal);
    let risks = discrepancies
        .iter()
        .any(|d| d.kind == DiscrepancyKind::RiskScore);
    view! {
        <section class="notice warn import-discrepancies" aria-labelledby="discrepancies-heading"
            data-testid="import-discrepancies">
            <h3 id="discrepancies-heading">
                {format!("Figures that do not add up ({})", discrepancies.len())}
            </h3>
            <ol class="line-list">
                {discrepancies.into_iter().map(|d| view! {
                    <li><span class="line-no">{format!("line {}", d.line)}</span>
                        <strong>{d.subject.clone()}</strong>{format!(": {}", d.message())}</li>
                }).collect_view()}
            </ol>
            {costs.then(|| view! {
                <p class="hint">"Totals are not imported as cost lines. The ones that disagree with their lines are kept as notes on the costs page."</p>
            })}
            {risks.then(|| view! {
                <p class="hint">"Risks keep the score of their likelihood × impact."</p>
            })}
        </section>
    }
    .into_any()
}

/// One kind of part (sections, phases, …) with a keep checkbox per row.
#[component]
fn PartTable(
    caption: &'static str,
    rows: Vec<(String, String)>,
    on_toggle: Callback<usize>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="hint">{format!("{caption}: none recognised.")}</p> }.into_any();
    }
    view! {
        <table class="import-parts">
            <caption>{format!("{caption} ({})", rows.len())}</caption>
            <tbody>
                {rows.into_iter().enumerate().map(|(i, (title, detail))| {
                    let id = format!("keep-{}-{i}", caption.to_lowercase().replace(' ', "-"));
                    view! {
                        <tr>
                            <td class="keep">
                                <input type="checkbox" id=id.clone() checked=true
                                    aria-label=format!("Keep {title}")
                                    on:change=move |_| on_toggle.run(i)/>
                            </td>
                            <td><label for=id>{title.clone()}</label></td>
                            <td class="hint">{detail}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
