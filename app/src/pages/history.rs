//! The history tab: the service's readiness over time (burn-up) with the forecast of
//! its ready date, then every change, newest first, one page at a time
//! (`?page=2`), each told as a sentence with its before → after values.

use crate::charts::{BurnupChart, BurnupPoint, burnup_chart};
use crate::domain::forecast::{Forecast, forecast};
use crate::domain::money::{format_cents, format_cents_change};
use crate::domain::progress::Progress;
use crate::model::{CostCategory, ItemStatus, Priority};
use crate::pages::service::use_service;
use crate::server_fns::history::{
    Burnup, HistoryEntry, HistoryPage, get_burnup, get_history_page, page_from_query,
};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use serde_json::Value;
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

/// An event told for people: a sentence, who did it when the sentence does not say,
/// the before → after values, and the raw JSON for actions this page does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct EventText {
    pub sentence: String,
    pub by: Option<String>,
    pub changes: Vec<Change>,
    pub raw: Option<(String, String)>,
}

/// One value before → after, already formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub label: String,
    pub before: String,
    pub after: String,
}

fn change(label: &str, before: String, after: String) -> Change {
    Change {
        label: label.to_string(),
        before,
        after,
    }
}

const NOTHING: &str = "—";

/// Describes any event; `phase_names` turns phase ids in item changes into names.
pub fn describe(entry: &HistoryEntry, phase_names: &HashMap<i64, String>) -> EventText {
    let event = &entry.event;
    let actor = event.actor.as_str();
    let null = Value::Null;
    let before = event.before.as_ref().unwrap_or(&null);
    let after = event.after.as_ref().unwrap_or(&null);
    let name = |fallback: &str| {
        entry
            .subject_name
            .as_deref()
            .map(|n| format!("“{n}”"))
            .or_else(|| event.subject_id.map(|id| format!("{fallback} #{id}")))
            .unwrap_or_else(|| fallback.to_string())
    };
    let direction = |v: &Value| match v["moved"].as_str() {
        Some("up") => "up",
        Some("down") => "down",
        _ => "",
    };
    let text = |sentence: String| EventText {
        sentence,
        by: None,
        changes: Vec::new(),
        raw: None,
    };
    match event.action.as_str() {
        "service.created" => {
            let items = after["items"].as_u64();
            let done = after["done_items"].as_u64().unwrap_or(0);
            let mut sentence = match items {
                Some(n) => format!("Service created with {n} item{}", plural(n)),
                None => "Service created".to_string(),
            };
            if done > 0 {
                sentence.push_str(&format!(", {done} already done"));
            }
            EventText {
                by: Some(actor.to_string()),
                ..text(sentence)
            }
        }
        "item.status_changed" => {
            let (from, to) = (
                status_label(&before["status"]),
                status_label(&after["status"]),
            );
            let mut changes = Vec::new();
            let sentence = match (&from, &to) {
                (Some(from), Some(to)) => {
                    changes.push(change("Status", from.clone(), to.clone()));
                    format!("{actor} changed {} from {from} to {to}", name("item"))
                }
                _ => format!("{actor} changed the N/A reason of {}", name("item")),
            };
            let reasons = (&before["na_reason"], &after["na_reason"]);
            if reasons.0 != reasons.1 && (reasons.0.is_string() || reasons.1.is_string()) {
                changes.push(change("N/A reason", plain(reasons.0), plain(reasons.1)));
            }
            EventText {
                changes,
                ..text(sentence)
            }
        }
        "item.created" => text(format!("{actor} added {}", name("item"))),
        "item.updated" => {
            let renamed = before["title"].as_str().zip(after["title"].as_str());
            let sentence = match renamed {
                Some((old, new)) => format!("{actor} renamed “{old}” to “{new}”"),
                None => format!("{actor} edited {}", name("item")),
            };
            EventText {
                changes: diff(before, after, ITEM_FIELDS, phase_names),
                ..text(sentence)
            }
        }
        "item.deleted" => text(format!(
            "{actor} deleted {}",
            before["title"]
                .as_str()
                .map_or_else(|| name("item"), |t| format!("“{t}”"))
        )),
        "item.moved" => text(
            format!("{actor} moved {} {}", name("item"), direction(after))
                .trim_end()
                .to_string(),
        ),
        "items.assigned" => {
            let count = after["item_ids"].as_array().map_or(0, |a| a.len() as u64);
            let items = format!("{count} item{}", plural(count));
            let sentence = match after["phase_id"].as_i64() {
                Some(id) => {
                    let phase = entry
                        .subject_name
                        .clone()
                        .or_else(|| phase_names.get(&id).cloned())
                        .map_or_else(|| format!("phase #{id}"), |n| format!("“{n}”"));
                    format!("{actor} assigned {items} to {phase}")
                }
                None => format!("{actor} took {items} out of their phase"),
            };
            text(sentence)
        }
        "section.created" => text(format!("{actor} added the section {}", name("section"))),
        "section.renamed" => {
            let old = plain(&before["name"]);
            let new = plain(&after["name"]);
            EventText {
                changes: vec![change("Name", old.clone(), new.clone())],
                ..text(format!("{actor} renamed the section “{old}” to “{new}”"))
            }
        }
        "section.deleted" => {
            let section = before["name"]
                .as_str()
                .map_or_else(|| name("section"), |n| format!("“{n}”"));
            let count = before["items"].as_array().map_or(0, |a| a.len() as u64);
            let sentence = if count == 0 {
                format!("{actor} deleted the section {section}")
            } else {
                format!(
                    "{actor} deleted the section {section} and its {count} item{}",
                    plural(count)
                )
            };
            text(sentence)
        }
        "section.moved" => text(
            format!(
                "{actor} moved the section {} {}",
                name("section"),
                direction(after)
            )
            .trim_end()
            .to_string(),
        ),
        "phase.created" => text(format!("{actor} added the phase {}", name("phase"))),
        "phase.updated" => {
            let renamed = before["name"]
                .as_str()
                .zip(after["name"].as_str())
                .filter(|(a, b)| a != b);
            let sentence = match renamed {
                Some((old, new)) => format!("{actor} renamed the phase “{old}” to “{new}”"),
                None => format!("{actor} edited the phase {}", name("phase")),
            };
            EventText {
                changes: diff(before, after, PHASE_FIELDS, phase_names),
                ..text(sentence)
            }
        }
        "phase.deleted" => text(format!(
            "{actor} deleted the phase {}",
            before["name"]
                .as_str()
                .map_or_else(|| name("phase"), |n| format!("“{n}”"))
        )),
        "phase.moved" => text(
            format!(
                "{actor} moved the phase {} {}",
                name("phase"),
                direction(after)
            )
            .trim_end()
            .to_string(),
        ),
        "phase.completed" | "phase.reopened" => {
            let phase = entry.subject_name.clone().unwrap_or_else(|| {
                event
                    .subject_id
                    .map_or("A phase".to_string(), |id| format!("Phase #{id}"))
            });
            let completed = event.action == "phase.completed";
            let (from, to) = if completed {
                ("Open", "Complete")
            } else {
                ("Complete", "Open")
            };
            EventText {
                by: Some(actor.to_string()),
                changes: vec![change("Phase", from.to_string(), to.to_string())],
                ..text(format!(
                    "{phase} {}",
                    if completed { "completed" } else { "reopened" }
                ))
            }
        }
        "risk.created" => text(format!("{actor} added the risk {}", name("risk"))),
        "risk.updated" => EventText {
            changes: diff(before, after, RISK_FIELDS, phase_names),
            ..text(format!("{actor} edited the risk {}", name("risk")))
        },
        "risk.deleted" => text(format!("{actor} deleted the risk {}", name("risk"))),
        "cost_line.created" => text(format!("{actor} added the cost line {}", name("cost line"))),
        "cost_line.updated" => {
            let included = (before["included"].as_bool(), after["included"].as_bool());
            let only_inclusion = after
                .as_object()
                .is_some_and(|a| a.keys().all(|k| k == "name" || k == "included"));
            let sentence = match included {
                (Some(true), Some(false)) if only_inclusion => format!(
                    "{actor} left the cost line {} out of the projection",
                    name("cost line")
                ),
                (Some(false), Some(true)) if only_inclusion => format!(
                    "{actor} put the cost line {} back into the projection",
                    name("cost line")
                ),
                _ => format!("{actor} edited the cost line {}", name("cost line")),
            };
            EventText {
                changes: diff(before, after, COST_LINE_FIELDS, phase_names),
                ..text(sentence)
            }
        }
        "cost_line.deleted" => text(format!(
            "{actor} deleted the cost line {}",
            name("cost line")
        )),
        other => {
            let subject = entry
                .subject_name
                .as_deref()
                .map(|n| format!(" to {} “{n}”", humanise(&event.subject_type)))
                .or_else(|| {
                    event
                        .subject_id
                        .map(|id| format!(" to {} #{id}", humanise(&event.subject_type)))
                })
                .unwrap_or_default();
            EventText {
                raw: Some((json_text(before), json_text(after))),
                ..text(format!("{actor} made a change ({other}){subject}"))
            }
        }
    }
}

const RISK_FIELDS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("description", "Description"),
    ("likelihood", "Likelihood"),
    ("impact", "Impact"),
    ("mitigation", "Mitigation"),
    ("owner", "Owner"),
    ("status", "Status"),
    ("review_date", "Review date"),
    ("item_ids", "Mitigating items"),
];

const COST_LINE_FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("category", "Category"),
    ("kind", "Kind"),
    ("monthly_cents", "Monthly amount"),
    ("phase_id", "Phase"),
    ("start_month", "Starts"),
    ("included", "In the projection"),
];

/// The item fields a person edits, with their labels, in the order shown.
const ITEM_FIELDS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("detail", "Detail"),
    ("status", "Status"),
    ("na_reason", "N/A reason"),
    ("priority", "Priority"),
    ("owner", "Owner"),
    ("due_date", "Due date"),
    ("evidence_url", "Evidence"),
    ("phase_id", "Phase"),
];

const PHASE_FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("goal", "Goal"),
    ("planned_start", "Planned start"),
    ("planned_end", "Planned end"),
    ("effort_min_days", "Effort, fewest days"),
    ("effort_max_days", "Effort, most days"),
    ("monthly_cost_change_cents", "Monthly cost change"),
];

/// The fields that differ between two snapshots, formatted for people.
fn diff(
    before: &Value,
    after: &Value,
    fields: &[(&str, &str)],
    phase_names: &HashMap<i64, String>,
) -> Vec<Change> {
    fields
        .iter()
        .filter(|(key, _)| before.get(key).is_some() || after.get(key).is_some())
        .filter(|(key, _)| before.get(key) != after.get(key))
        .map(|(key, label)| {
            let show = |v: &Value| field_value(key, v, phase_names);
            change(label, show(&before[key]), show(&after[key]))
        })
        .collect()
}

fn field_value(key: &str, value: &Value, phase_names: &HashMap<i64, String>) -> String {
    if value.is_null() {
        return NOTHING.to_string();
    }
    match key {
        "status" => status_label(value).unwrap_or_else(|| plain(value)),
        "priority" => value
            .as_str()
            .and_then(|s| s.parse::<Priority>().ok())
            .map_or_else(|| plain(value), |p| p.label().to_string()),
        "due_date" | "planned_start" | "planned_end" | "review_date" | "start_month" => value
            .as_str()
            .and_then(|s| s.parse::<NaiveDate>().ok())
            .map_or_else(|| plain(value), |d| d.format("%-d %b %Y").to_string()),
        "phase_id" => value.as_i64().map_or_else(
            || plain(value),
            |id| {
                phase_names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("phase #{id}"))
            },
        ),
        "monthly_cost_change_cents" => value.as_i64().map_or_else(
            || plain(value),
            |c| format!("{}/month", format_cents_change(c)),
        ),
        "detail" | "description" | "mitigation" => shorten(&plain(value), 80),
        "monthly_cents" => value
            .as_i64()
            .map_or_else(|| plain(value), |c| format!("{}/month", format_cents(c))),
        "category" => value
            .as_str()
            .and_then(|s| s.parse::<CostCategory>().ok())
            .map_or_else(|| plain(value), |c| c.label().to_string()),
        "included" => match value.as_bool() {
            Some(true) => "Yes".to_string(),
            Some(false) => "No".to_string(),
            None => plain(value),
        },
        "item_ids" => value.as_array().map_or_else(
            || plain(value),
            |ids| format!("{} item{}", ids.len(), plural(ids.len() as u64)),
        ),
        _ => plain(value),
    }
}

fn status_label(value: &Value) -> Option<String> {
    value
        .as_str()
        .and_then(|s| s.parse::<ItemStatus>().ok())
        .map(|s| s.label().to_string())
}

/// A JSON value as text without quotes around strings; `—` for null or empty.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => NOTHING.to_string(),
        Value::String(s) if s.trim().is_empty() => NOTHING.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

fn json_text(value: &Value) -> String {
    if value.is_null() {
        NOTHING.to_string()
    } else {
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    }
}

fn humanise(subject_type: &str) -> String {
    match subject_type {
        "checklist_item" => "item".to_string(),
        "checklist_section" => "section".to_string(),
        other => other.replace('_', " "),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server_fns::history::EventRecord;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn entry(action: &str, subject: Option<&str>, before: Value, after: Value) -> HistoryEntry {
        HistoryEntry {
            event: EventRecord {
                id: 1,
                actor: "alice".to_string(),
                action: action.to_string(),
                subject_type: "checklist_item".to_string(),
                subject_id: Some(7),
                before: (!before.is_null()).then_some(before),
                after: (!after.is_null()).then_some(after),
                created_at: Utc.with_ymd_and_hms(2026, 11, 22, 14, 5, 0).unwrap(),
                readiness_done: Some(10),
                readiness_applicable: Some(20),
            },
            subject_name: subject.map(str::to_string),
        }
    }

    fn sentence(e: &HistoryEntry) -> String {
        describe(e, &HashMap::new()).sentence
    }

    #[test]
    fn risk_and_cost_line_changes_read_as_sentences() {
        let e = entry(
            "risk.updated",
            Some("Data loss"),
            json!({"likelihood": 4, "item_ids": [1]}),
            json!({"likelihood": 2, "item_ids": [1, 2]}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(text.sentence, "alice edited the risk “Data loss”");
        let changes: Vec<_> = text
            .changes
            .iter()
            .map(|c| (c.label.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                ("Likelihood", "4", "2"),
                ("Mitigating items", "1 item", "2 items")
            ]
        );

        let e = entry(
            "cost_line.updated",
            Some("Savings Plan"),
            json!({"name": "Savings Plan", "included": true}),
            json!({"name": "Savings Plan", "included": false}),
        );
        assert_eq!(
            sentence(&e),
            "alice left the cost line “Savings Plan” out of the projection"
        );
        let e = entry(
            "cost_line.updated",
            Some("EKS"),
            json!({"monthly_cents": 7300}),
            json!({"monthly_cents": 14600}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(text.sentence, "alice edited the cost line “EKS”");
        assert_eq!(text.changes[0].after, "$146.00/month");
        assert_eq!(
            sentence(&entry(
                "risk.deleted",
                Some("Outage"),
                json!({}),
                Value::Null
            )),
            "alice deleted the risk “Outage”"
        );
    }

    #[test]
    fn a_status_change_reads_as_a_sentence() {
        let e = entry(
            "item.status_changed",
            Some("TLS everywhere"),
            json!({"status": "todo", "na_reason": null}),
            json!({"status": "done", "na_reason": null}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(
            text.sentence,
            "alice changed “TLS everywhere” from To do to Done"
        );
        assert_eq!(
            text.changes,
            vec![change("Status", "To do".into(), "Done".into())]
        );
        assert_eq!(text.by, None);
        assert_eq!(text.raw, None);
    }

    #[test]
    fn marking_not_applicable_shows_the_reason() {
        let e = entry(
            "item.status_changed",
            Some("Pen test"),
            json!({"status": "todo", "na_reason": null}),
            json!({"status": "not_applicable", "na_reason": "internal only"}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(text.sentence, "alice changed “Pen test” from To do to N/A");
        assert_eq!(
            text.changes[1],
            change("N/A reason", "—".into(), "internal only".into())
        );
    }

    #[test]
    fn service_and_phase_events_name_who_separately() {
        let created = entry(
            "service.created",
            Some("Payments API"),
            Value::Null,
            json!({"slug": "payments-api", "name": "Payments API", "items": 54, "done_items": 0}),
        );
        let text = describe(&created, &HashMap::new());
        assert_eq!(text.sentence, "Service created with 54 items");
        assert_eq!(text.by.as_deref(), Some("alice"));
        let created = entry(
            "service.created",
            None,
            Value::Null,
            json!({"items": 1, "done_items": 1}),
        );
        assert_eq!(
            sentence(&created),
            "Service created with 1 item, 1 already done"
        );

        let completed = entry(
            "phase.completed",
            Some("Phase 1: Critical"),
            json!({"complete": false}),
            json!({"complete": true}),
        );
        let text = describe(&completed, &HashMap::new());
        assert_eq!(text.sentence, "Phase 1: Critical completed");
        assert_eq!(
            text.changes,
            vec![change("Phase", "Open".into(), "Complete".into())]
        );
        let reopened = entry(
            "phase.reopened",
            Some("Phase 1: Critical"),
            Value::Null,
            Value::Null,
        );
        assert_eq!(sentence(&reopened), "Phase 1: Critical reopened");
    }

    #[test]
    fn item_edits_list_the_changed_fields() {
        let phases = HashMap::from([(3, "Phase 2: Hardening".to_string())]);
        let e = entry(
            "item.updated",
            Some("Alerting"),
            json!({"owner": "", "priority": "low", "due_date": null, "phase_id": null}),
            json!({"owner": "bob", "priority": "high", "due_date": "2027-02-14", "phase_id": 3}),
        );
        let text = describe(&e, &phases);
        assert_eq!(text.sentence, "alice edited “Alerting”");
        assert_eq!(
            text.changes,
            vec![
                change("Priority", "Low".into(), "High".into()),
                change("Owner", "—".into(), "bob".into()),
                change("Due date", "—".into(), "14 Feb 2027".into()),
                change("Phase", "—".into(), "Phase 2: Hardening".into()),
            ]
        );
        let renamed = entry(
            "item.updated",
            Some("New"),
            json!({"title": "Old"}),
            json!({"title": "New"}),
        );
        assert_eq!(sentence(&renamed), "alice renamed “Old” to “New”");
    }

    #[test]
    fn structure_changes_read_well() {
        let cases = [
            (
                entry(
                    "item.created",
                    Some("WAF"),
                    Value::Null,
                    json!({"title": "WAF"}),
                ),
                "alice added “WAF”",
            ),
            (
                entry("item.deleted", None, json!({"title": "WAF"}), Value::Null),
                "alice deleted “WAF”",
            ),
            (
                entry(
                    "item.moved",
                    Some("WAF"),
                    json!({"title": "WAF"}),
                    json!({"moved": "up"}),
                ),
                "alice moved “WAF” up",
            ),
            (
                entry(
                    "items.assigned",
                    Some("Phase 1"),
                    Value::Null,
                    json!({"phase_id": 3, "item_ids": [1, 2]}),
                ),
                "alice assigned 2 items to “Phase 1”",
            ),
            (
                entry(
                    "items.assigned",
                    None,
                    Value::Null,
                    json!({"phase_id": null, "item_ids": [1]}),
                ),
                "alice took 1 item out of their phase",
            ),
            (
                entry(
                    "section.created",
                    Some("Security"),
                    Value::Null,
                    json!({"name": "Security"}),
                ),
                "alice added the section “Security”",
            ),
            (
                entry(
                    "section.renamed",
                    Some("Sec"),
                    json!({"name": "Security"}),
                    json!({"name": "Sec"}),
                ),
                "alice renamed the section “Security” to “Sec”",
            ),
            (
                entry(
                    "section.deleted",
                    None,
                    json!({"name": "Cost", "items": [{"id": 1}, {"id": 2}]}),
                    Value::Null,
                ),
                "alice deleted the section “Cost” and its 2 items",
            ),
            (
                entry(
                    "section.moved",
                    Some("Cost"),
                    json!({"name": "Cost"}),
                    json!({"moved": "down"}),
                ),
                "alice moved the section “Cost” down",
            ),
            (
                entry(
                    "phase.created",
                    Some("Phase 5"),
                    Value::Null,
                    json!({"name": "Phase 5"}),
                ),
                "alice added the phase “Phase 5”",
            ),
            (
                entry(
                    "phase.deleted",
                    None,
                    json!({"name": "Phase 5"}),
                    Value::Null,
                ),
                "alice deleted the phase “Phase 5”",
            ),
            (
                entry(
                    "phase.moved",
                    Some("Phase 5"),
                    json!({"name": "Phase 5"}),
                    json!({"moved": "up"}),
                ),
                "alice moved the phase “Phase 5” up",
            ),
        ];
        for (e, expected) in cases {
            assert_eq!(sentence(&e), expected, "{}", e.event.action);
        }
    }

    #[test]
    fn phase_edits_show_money_and_dates() {
        let e = entry(
            "phase.updated",
            Some("Phase 1"),
            json!({"name": "Phase 1", "planned_end": "2026-12-04", "monthly_cost_change_cents": 1500}),
            json!({"name": "Phase 1", "planned_end": "2026-12-11", "monthly_cost_change_cents": 3385}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(text.sentence, "alice edited the phase “Phase 1”");
        assert_eq!(
            text.changes,
            vec![
                change("Planned end", "4 Dec 2026".into(), "11 Dec 2026".into()),
                change(
                    "Monthly cost change",
                    "+$15.00/month".into(),
                    "+$33.85/month".into()
                ),
            ]
        );
    }

    #[test]
    fn unknown_actions_fall_back_to_the_recorded_json() {
        let e = entry(
            "risk.closed",
            None,
            json!({"status": "open"}),
            json!({"status": "closed"}),
        );
        let text = describe(&e, &HashMap::new());
        assert_eq!(
            text.sentence,
            "alice made a change (risk.closed) to item #7"
        );
        let (before, after) = text.raw.expect("raw JSON");
        assert!(before.contains("\"open\"") && after.contains("\"closed\""));
        let e = entry("cost.added", None, Value::Null, json!({"name": "NAT"}));
        assert_eq!(describe(&e, &HashMap::new()).raw.unwrap().0, "—");
    }

    #[test]
    fn a_missing_name_falls_back_to_the_id() {
        let e = entry(
            "item.status_changed",
            None,
            json!({"status": "done"}),
            json!({"status": "todo"}),
        );
        assert_eq!(sentence(&e), "alice changed item #7 from Done to To do");
    }
}
