//! Events told for people: each stored event of a service's history as a sentence
//! with its before → after values, as the history tab shows them. Plain functions
//! over [`HistoryEntry`], so the wording is tested without a page.

use crate::domain::money::{format_cents, format_cents_change};
use crate::model::{CostCategory, HistoryEntry, ItemStatus, Priority};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;

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
        "stated_figures.dismissed" => {
            let count = before["figures"].as_array().map_or(0, |a| a.len() as u64);
            text(format!(
                "{actor} dismissed {count} total{} of the imported document that its cost lines did not add up to",
                plural(count)
            ))
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
mod tests;
