//! The history tab: the service's readiness over time (burn-up) with the forecast of
//! its ready date, then every change, newest first, one page at a time
//! (`?page=2`), each told as a sentence with its before → after values
//! (`domain/event_text.rs`).

use crate::charts::{BurnupChart, BurnupPoint, burnup_chart};
use crate::domain::event_text::describe;
use crate::domain::forecast::{Forecast, forecast};
use crate::domain::progress::Progress;
use crate::model::{HistoryEntry, HistoryPage};
use crate::server_fns::history::{Burnup, get_burnup, get_history_page, page_from_query};
use crate::service_state::use_service;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::collections::HashMap;

#[component]
pub fn HistoryTab() -> impl IntoView {
    let ctx = use_service();
    let slug = ctx.slug.get_value();
    let reload = ctx.reload;
    let query = use_query_map();
    let page = Memo::new(move |_| page_from_query(query.read().get("page").as_deref()));
    let events = {
        let slug = slug.clone();
        Resource::new(
            move || (page.get(), reload.get()),
            move |(page, _)| get_history_page(slug.clone(), page),
        )
    };
    let burnup = {
        let slug = slug.clone();
        Resource::new(move || reload.get(), move |_| get_burnup(slug.clone()))
    };
    let phase_names: HashMap<i64, String> = ctx
        .doc
        .with_value(|d| d.phases.iter().map(|p| (p.id, p.name.clone())).collect());
    let phase_names = StoredValue::new(phase_names);
    let base = StoredValue::new(format!("/services/{slug}/history"));
    let target = ctx.doc.with_value(|d| d.target_go_live);

    view! {
        <section class="history" aria-labelledby="history-heading">
            <h2 id="history-heading" class="visually-hidden">"History"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading the burn-up…"</p> }>
                {move || Suspend::new(async move {
                    match burnup.await {
                        Ok(data) => view! { <BurnupFigure data target/> }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not load the burn-up: " {e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
            <h3 class="history-heading">"Changes" <span class="muted">" (newest first, times in UTC)"</span></h3>
            <Transition fallback=|| view! { <p class="loading">"Loading the history…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(found) => view! {
                            <EventList found phase_names=phase_names.get_value() base=base.get_value()/>
                        }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">"Could not load the history: " {e.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The burn-up chart with the forecast sentence.
#[component]
fn BurnupFigure(data: Burnup, target: Option<NaiveDate>) -> impl IntoView {
    if data.points.is_empty() {
        return view! {
            <p class="empty-state burnup-empty">"No readiness recorded yet: the burn-up starts with the first change."</p>
        }
        .into_any();
    }
    let outlook = forecast(&data.points, data.as_of);
    let sentence = outlook.sentence();
    let svg = burnup_svg(&data, &outlook, target);
    view! {
        <figure class="burnup" data-testid="burnup">
            <div class="burnup-chart" inner_html=svg></div>
            <figcaption>
                <span class="burnup-title">"Readiness over time"</span>
                " (share of applicable items done after each change). "
                <span class="forecast" data-testid="forecast">{sentence}</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// The chart as SVG, from the same values on the server and in the browser (the
/// server function's answer, including its `as_of`), so hydration finds the same
/// document.
fn burnup_svg(data: &Burnup, outlook: &Forecast, target: Option<NaiveDate>) -> String {
    burnup_chart(&BurnupChart {
        width: 720,
        height: 280,
        points: data
            .points
            .iter()
            .map(|p| BurnupPoint {
                at: p.at,
                percent: p.percent(),
            })
            .collect(),
        forecast: match outlook {
            Forecast::Projected { date, .. } => Some(*date),
            _ => None,
        },
        target,
    })
}

#[component]
fn EventList(found: HistoryPage, phase_names: HashMap<i64, String>, base: String) -> impl IntoView {
    let link = move |page: u32| {
        if page <= 1 {
            base.clone()
        } else {
            format!("{base}?page={page}")
        }
    };
    let pager = (found.has_newer() || found.has_older()).then(|| {
        let newer = found.has_newer().then(|| link(found.page - 1));
        let older = found.has_older().then(|| link(found.page + 1));
        view! {
            <nav class="history-pager" aria-label="History pages">
                {newer.map(|href| view! { <A href=href attr:rel="prev">"← Newer"</A> })}
                <span class="muted">
                    {format!("Page {} of {} · {} changes", found.page, found.page_count(), found.total)}
                </span>
                {older.map(|href| view! { <A href=href attr:rel="next">"Older →"</A> })}
            </nav>
        }
    });
    if found.entries.is_empty() {
        let body = if found.total == 0 {
            view! { <p class="empty-state">"No changes recorded yet."</p> }.into_any()
        } else {
            let first = link(1);
            view! {
                <p class="empty-state">
                    "No changes on this page. " <A href=first>"See the newest changes"</A>
                </p>
            }
            .into_any()
        };
        return view! { {body} {pager} }.into_any();
    }
    view! {
        <ol class="history-list" data-testid="history-list">
            {found
                .entries
                .iter()
                .map(|entry| view! { <EventRow entry=entry.clone() phase_names=phase_names.clone()/> })
                .collect_view()}
        </ol>
        {pager}
    }
    .into_any()
}

#[component]
fn EventRow(entry: HistoryEntry, phase_names: HashMap<i64, String>) -> impl IntoView {
    let text = describe(&entry, &phase_names);
    let event = &entry.event;
    let when = event.created_at.format("%-d %b %Y %H:%M").to_string();
    let datetime = event.created_at.to_rfc3339();
    let readiness = match (event.readiness_done, event.readiness_applicable) {
        (Some(done), Some(applicable)) => {
            let progress = Progress {
                done: u32::try_from(done).unwrap_or(0),
                applicable: u32::try_from(applicable).unwrap_or(0),
            };
            Some(view! {
                <span
                    class="event-readiness"
                    title=format!("Readiness after this change: {done} of {applicable} items done")
                >
                    {format!("{}%", progress.percent())}
                </span>
            })
        }
        _ => None,
    };
    let changes = (!text.changes.is_empty()).then(|| {
        view! {
            <ul class="event-changes">
                {text
                    .changes
                    .into_iter()
                    .map(|c| view! {
                        <li>
                            <span class="change-label">{c.label} ": "</span>
                            <span class="change-before">{c.before}</span>
                            <span class="change-arrow" aria-label="changed to">" → "</span>
                            <span class="change-after">{c.after}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    });
    let raw = text.raw.map(|(before, after)| {
        view! {
            <details class="event-raw">
                <summary>"Before → after (as recorded)"</summary>
                <div class="raw-pair">
                    <pre>{before}</pre>
                    <span aria-hidden="true">"→"</span>
                    <pre>{after}</pre>
                </div>
            </details>
        }
    });
    view! {
        <li class="history-event" data-action=event.action.clone() data-event-id=event.id>
            <time datetime=datetime>{when}</time>
            <div class="event-body">
                <p class="event-sentence">{text.sentence}</p>
                {text.by.map(|by| view! { <p class="event-by muted">"by " {by}</p> })}
                {changes}
                {raw}
            </div>
            {readiness}
        </li>
    }
}
