//! The service page: header with readiness, weighted score and launch gate, then one
//! tab per concern. Tabs share one route (`/services/:slug/:tab?`) so switching tabs
//! keeps the loaded service and its item signals.

use crate::components::progress_bar::ProgressBar;
use crate::domain::progress::{blocks_launch, readiness, weighted_score};
use crate::error::AppError;
use crate::model::ServiceDocument;
use crate::pages::checklist::ChecklistTab;
use crate::pages::costs::CostsTab;
use crate::pages::history::HistoryTab;
use crate::pages::not_found::NotFound;
use crate::pages::reviews::ReviewsTab;
use crate::pages::risks::RisksTab;
use crate::pages::roadmap::RoadmapTab;
use crate::server_fns::get_service;
use crate::service_state::{SectionState, ServiceCtx};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Checklist,
    Roadmap,
    Risks,
    Costs,
    History,
    Reviews,
}

impl Tab {
    fn from_param(param: Option<String>) -> Option<Tab> {
        match param.as_deref() {
            None | Some("") | Some("checklist") => Some(Tab::Checklist),
            Some("roadmap") => Some(Tab::Roadmap),
            Some("risks") => Some(Tab::Risks),
            Some("costs") => Some(Tab::Costs),
            Some("history") => Some(Tab::History),
            Some("reviews") => Some(Tab::Reviews),
            Some(_) => None,
        }
    }
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let tab = Memo::new(move |_| Tab::from_param(params.read().get("tab")));
    let reload = RwSignal::new(0_u64);
    let service = Resource::new(
        move || (slug.get(), reload.get()),
        |(slug, _)| get_service(slug),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading service…"</p> }>
            {move || Suspend::new(async move {
                match service.await {
                    Ok(doc) => view! { <ServiceView doc reload tab/> }.into_any(),
                    Err(AppError::NotFound(what)) => {
                        view! { <NotFound what=format!("There is no {what}.")/> }.into_any()
                    }
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServiceView(
    doc: ServiceDocument,
    reload: RwSignal<u64>,
    tab: Memo<Option<Tab>>,
) -> impl IntoView {
    let sections: Vec<SectionState> = doc
        .sections
        .iter()
        .cloned()
        .map(SectionState::new)
        .collect();
    let ctx = ServiceCtx {
        slug: StoredValue::new(doc.slug.clone()),
        reload,
        sections: StoredValue::new(sections),
        doc: StoredValue::new(doc.clone()),
        editing: RwSignal::new(BTreeSet::new()),
        changed_by: RwSignal::new(BTreeMap::new()),
        stale: RwSignal::new(None),
    };
    provide_context(ctx);
    // Teammates' changes arrive as they happen (pages/service_live.rs).
    #[cfg(feature = "hydrate")]
    crate::pages::service_live::follow(ctx, crate::viewer::use_viewer().0.map(|v| v.email));

    let all_items = ctx.all_items();
    let overall = {
        let items = all_items.clone();
        Signal::derive(move || readiness(items.iter().map(|i| i.read().status)))
    };
    let weighted = {
        let items = all_items.clone();
        Signal::derive(move || {
            weighted_score(items.iter().map(|i| (i.read().status, i.read().priority)))
        })
    };
    let blockers = Signal::derive(move || {
        all_items
            .iter()
            .filter(|i| i.with(|i| blocks_launch(i.status, i.priority)))
            .map(|i| i.with(|i| (i.id, i.title.clone())))
            .collect::<Vec<_>>()
    });
    let base = format!("/services/{}", doc.slug);
    let go_live = doc
        .target_go_live
        .map(|d| d.format("%-d %b %Y").to_string());

    view! {
        <Title text=format!("{} · Preflight", doc.name)/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <A href="/">"Portfolio"</A>
            " / "
            <span aria-current="page">{doc.name.clone()}</span>
        </nav>
        <header class="service-header">
            <div>
                <h1>{doc.name.clone()}</h1>
                <p class="meta">
                    {(!doc.team.is_empty()).then(|| view! { <span class="team">{doc.team.clone()}</span> })}
                    {go_live.map(|d| view! { <span class="go-live">"Target go-live " {d}</span> })}
                </p>
                {(!doc.description.is_empty())
                    .then(|| view! { <p class="description">{doc.description.clone()}</p> })}
                <ExportLinks slug=doc.slug.clone()/>
            </div>
            <div class="service-scores">
                <h2 class="visually-hidden">"Readiness"</h2>
                <ProgressBar progress=overall label="Service readiness" large=true/>
                <div class="score-line">
                    <span>"Weighted score"</span>
                    <ProgressBar progress=weighted label="Weighted score"/>
                </div>
                <LaunchGate blockers/>
            </div>
        </header>
        {move || ctx.stale.get().map(|who| view! {
            <p class="live-notice" role="status">
                {format!("{who} changed this service while you were editing. ")}
                <button type="button" on:click=move |_| ctx.refresh()>"Show the latest"</button>
            </p>
        })}
        <nav class="tabs" aria-label="Service sections">
            <A href=base.clone() exact=true>"Checklist"</A>
            <A href=format!("{base}/roadmap") exact=true>"Roadmap"</A>
            <A href=format!("{base}/risks") exact=true>"Risks"</A>
            <A href=format!("{base}/costs") exact=true>"Costs"</A>
            <A href=format!("{base}/history") exact=true>"History"</A>
            <A href=format!("{base}/reviews") exact=true>"Reviews"</A>
        </nav>
        {move || match tab.get() {
            Some(Tab::Checklist) => view! { <ChecklistTab/> }.into_any(),
            Some(Tab::Roadmap) => view! { <RoadmapTab/> }.into_any(),
            Some(Tab::Risks) => view! { <RisksTab/> }.into_any(),
            Some(Tab::Costs) => view! { <CostsTab/> }.into_any(),
            Some(Tab::History) => view! { <HistoryTab/> }.into_any(),
            Some(Tab::Reviews) => view! { <ReviewsTab/> }.into_any(),
            None => view! { <NotFound what="There is no such tab.".to_string()/> }.into_any(),
        }}
    }
}

/// Downloads served by the JSON API; `rel="external"` keeps the router out of it.
#[component]
fn ExportLinks(slug: String) -> impl IntoView {
    let href = move |format: &str| format!("/api/v1/services/{slug}/export?format={format}");
    view! {
        <p class="export-links">
            "Download: "
            <a href=href("markdown") rel="external" download>"Markdown"</a>
            " · "
            <a href=href("json") rel="external" download>"JSON"</a>
            " · "
            <a href=href("csv") rel="external" download>"CSV (items)"</a>
        </p>
    }
}

/// Blocked while any critical item is neither done nor N/A; lists those items.
#[component]
fn LaunchGate(blockers: Signal<Vec<(i64, String)>>) -> impl IntoView {
    view! {
        {move || {
            let list = blockers.get();
            if list.is_empty() {
                view! {
                    <div class="gate gate-clear" data-testid="launch-gate">
                        <strong>"Launch gate: clear"</strong>
                        <span class="muted">" every critical item is done or N/A"</span>
                    </div>
                }
                    .into_any()
            } else {
                let count = list.len();
                view! {
                    <details class="gate gate-blocked" data-testid="launch-gate">
                        <summary>
                            <strong>"Launch gate: blocked"</strong>
                            {format!(
                                " by {count} critical item{}",
                                if count == 1 { "" } else { "s" },
                            )}
                        </summary>
                        <ul>
                            {list
                                .into_iter()
                                .map(|(id, title)| view! { <li><a href=format!("#item-{id}")>{title}</a></li> })
                                .collect_view()}
                        </ul>
                    </details>
                }
                    .into_any()
            }
        }}
    }
}
