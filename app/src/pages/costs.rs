//! The cost tab: today's monthly cost, the cost at plan completion, the projection
//! chart, and a what-if (toggle savings, move phases' planned ends) that recomputes
//! in the browser with no request, and offers to save the change.

use crate::charts::{ProjectionChart, ProjectionSeries, projection_chart};
use crate::components::cost_line_editor::CostLineRow;
use crate::components::cost_line_editor::NewCostLine;
use crate::components::item_row::error_pair;
use crate::components::stated_figures::StatedFigures;
use crate::domain::cost::{
    MAX_HORIZON_MONTHS, MonthCost, phase_cost_mismatches, project, summarize, unscheduled_phases,
};
use crate::domain::money::{format_cents, format_cents_change};
use crate::model::{CostCategory, CostKind, CostLine, Phase, Scenario};
use crate::server_fns::costs::apply_scenario;
use crate::service_state::use_service;
use chrono::{NaiveDate, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;

/// The lines and phases with the what-if's changes applied, leaving out lines that
/// are not counted.
fn scenario_inputs(
    lines: &[CostLine],
    phases: &[Phase],
    included: &BTreeMap<i64, bool>,
    ends: &BTreeMap<i64, NaiveDate>,
) -> (Vec<CostLine>, Vec<Phase>) {
    let lines = lines
        .iter()
        .filter(|l| included.get(&l.id).copied().unwrap_or(l.included))
        .cloned()
        .collect();
    let phases = phases
        .iter()
        .map(|p| Phase {
            planned_end: ends.get(&p.id).copied().or(p.planned_end),
            ..p.clone()
        })
        .collect();
    (lines, phases)
}

/// The chart's input: one series per category, in the categories' order.
pub fn chart_input(months: &[MonthCost], width: u32, height: u32) -> ProjectionChart {
    let categories: Vec<CostCategory> = CostCategory::ALL
        .iter()
        .copied()
        .filter(|c| months.iter().any(|m| m.by_category.contains_key(c)))
        .collect();
    ProjectionChart {
        width,
        height,
        months: months
            .iter()
            .map(|m| m.month.format("%b %y").to_string())
            .collect(),
        series: categories
            .iter()
            .map(|c| ProjectionSeries {
                label: c.label().to_string(),
                cents: months
                    .iter()
                    .map(|m| m.by_category.get(c).copied().unwrap_or(0))
                    .collect(),
            })
            .collect(),
        total: months.iter().map(|m| m.total_cents).collect(),
    }
}

fn percent_label(tenths: Option<i64>) -> String {
    match tenths {
        None => "—".to_string(),
        Some(t) => {
            let sign = if t > 0 {
                "+"
            } else if t < 0 {
                "-"
            } else {
                ""
            };
            format!("{sign}{}.{}%", t.abs() / 10, t.abs() % 10)
        }
    }
}

#[component]
pub fn CostsTab() -> impl IntoView {
    let ctx = use_service();
    let (lines, phases, stated) = ctx.doc.with_value(|d| {
        (
            d.cost_lines.clone(),
            d.phases.clone(),
            d.stated_cost_figures.clone(),
        )
    });
    let lines = StoredValue::new(lines);
    let phases = StoredValue::new(phases);
    let today = Utc::now().date_naive();
    let horizon = RwSignal::new(12_u32);
    let included = RwSignal::new(BTreeMap::<i64, bool>::new());
    let ends = RwSignal::new(BTreeMap::<i64, NaiveDate>::new());
    let scenario = Memo::new(move |_| {
        included.with(|inc| {
            ends.with(|e| scenario_inputs(&lines.read_value(), &phases.read_value(), inc, e))
        })
    });
    let plan = Memo::new(move |_| {
        scenario_inputs(
            &lines.read_value(),
            &phases.read_value(),
            &BTreeMap::new(),
            &BTreeMap::new(),
        )
    });
    let projection =
        Memo::new(move |_| scenario.with(|(l, p)| project(l, p, today, horizon.get())));
    let summary = Memo::new(move |_| scenario.with(|(l, p)| summarize(l, p, today, horizon.get())));
    let planned = Memo::new(move |_| plan.with(|(l, p)| summarize(l, p, today, horizon.get())));
    let changed = Memo::new(move |_| !included.read().is_empty() || !ends.read().is_empty());
    let chart = move || projection.with(|months| projection_chart(&chart_input(months, 960, 340)));

    let mismatches = phase_cost_mismatches(&lines.read_value(), &phases.read_value());
    let unscheduled = unscheduled_phases(&lines.read_value(), &phases.read_value());
    let savings: Vec<CostLine> = lines
        .read_value()
        .iter()
        .filter(|l| l.kind == CostKind::Saving)
        .cloned()
        .collect();
    let open_phases: Vec<Phase> = phases
        .read_value()
        .iter()
        .filter(|p| p.completed_at.is_none())
        .cloned()
        .collect();

    let saving = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let save = move |_| {
        let lines_now = lines.get_value();
        let phases_now = phases.get_value();
        let change = Scenario {
            included: included
                .get_untracked()
                .into_iter()
                .filter_map(|(id, on)| {
                    lines_now
                        .iter()
                        .find(|l| l.id == id)
                        .map(|l| (id, l.version, on))
                })
                .collect(),
            planned_ends: ends
                .get_untracked()
                .into_iter()
                .filter_map(|(id, end)| {
                    phases_now
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| (id, p.version, end))
                })
                .collect(),
        };
        saving.set(true);
        spawn_local(async move {
            match apply_scenario(ctx.slug.get_value(), change).await {
                Ok(()) => ctx.refresh(),
                Err(e) => {
                    message.try_set(Some(format!("Not saved: {}", error_pair(&e).1)));
                    saving.try_set(false);
                }
            }
        });
    };

    let figure = move |label: &'static str, value: Signal<String>, note: Signal<Option<String>>| {
        view! {
            <div class="figure">
                <span class="figure-label">{label}</span>
                <strong class="figure-value">{move || value.get()}</strong>
                {move || note.get().map(|n| view! { <span class="figure-note">{n}</span> })}
            </div>
        }
    };
    let differs = move |pick: fn(&crate::domain::cost::CostSummary) -> i64| {
        Signal::derive(move || {
            let (now, plan) = (pick(&summary.get()), pick(&planned.get()));
            (changed.get() && now != plan).then(|| format!("plan: {}", format_cents(plan)))
        })
    };

    view! {
        <section class="costs" aria-label="Costs">
            <div class="figures" data-testid="cost-figures">
                {figure("Monthly cost now", Signal::derive(move || format_cents(summary.get().now_cents)), Signal::derive(|| None))}
                {figure("At plan completion", Signal::derive(move || format_cents(summary.get().at_completion_cents)), differs(|s| s.at_completion_cents))}
                {figure("First 12 months", Signal::derive(move || format_cents(summary.get().annual_cents)), differs(|s| s.annual_cents))}
                {figure("Change at completion", Signal::derive(move || percent_label(summary.get().change_tenths_percent)), Signal::derive(|| None))}
            </div>
            {mismatches.into_iter().map(|m| view! {
                <p class="notice warn" role="note">
                    <strong>{m.phase_name.clone()}</strong>
                    {format!(
                        " states {}/month, but its cost lines add up to {}/month ({} apart).",
                        format_cents_change(m.stated_cents),
                        format_cents_change(m.lines_cents),
                        format_cents(m.lines_cents - m.stated_cents).trim_start_matches('-'),
                    )}
                </p>
            }).collect_view()}
            <StatedFigures slug=ctx.slug.get_value() figures=stated
                on_dismissed=Callback::new(move |_| ctx.refresh())/>
            {unscheduled.into_iter().map(|u| view! {
                <p class="notice" role="note">
                    <strong>{u.phase_name.clone()}</strong>
                    {format!(" has no planned end, so its additions ({}/month) are not in the projection.", format_cents_change(u.additions_cents))}
                </p>
            }).collect_view()}
            <figure class="chart projection">
                <div class="chart-toolbar">
                    <span>"Horizon"</span>
                    {[12_u32, 24, MAX_HORIZON_MONTHS].into_iter().map(|months| view! {
                        <button type="button" class:selected=move || horizon.get() == months
                            aria-pressed=move || (horizon.get() == months).to_string()
                            on:click=move |_| horizon.set(months)>{format!("{months} months")}</button>
                    }).collect_view()}
                </div>
                <div inner_html=chart data-testid="projection-chart"></div>
                <figcaption>
                    "Monthly cost by category; the line is the total. A phase's additions count from the month it completes, or from its planned end while open; savings from their start month."
                </figcaption>
            </figure>
            <section class="what-if" aria-labelledby="what-if-heading">
                <h3 id="what-if-heading">"What if…"</h3>
                <p class="muted">"Changes here recompute the figures and the chart at once, in your browser. Nothing is saved until you say so."</p>
                <div class="what-if-grid">
                    <div>
                        <h4>"Savings"</h4>
                        {if savings.is_empty() {
                            view! { <p class="muted">"No savings planned."</p> }.into_any()
                        } else {
                            savings.into_iter().map(|line| {
                                let id = line.id;
                                let stored = line.included;
                                let start = line.start_month.map(|m| m.format("%b %Y").to_string()).unwrap_or_default();
                                view! {
                                    <label class="toggle">
                                        <input type="checkbox"
                                            checked=move || included.with(|i| i.get(&id).copied().unwrap_or(stored))
                                            prop:checked=move || included.with(|i| i.get(&id).copied().unwrap_or(stored))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                included.update(|i| { if on == stored { i.remove(&id); } else { i.insert(id, on); } });
                                            }/>
                                        <span>{format!("{} ({}/month from {start})", line.name, format_cents(line.monthly_cents))}</span>
                                    </label>
                                }
                            }).collect_view().into_any()
                        }}
                    </div>
                    <div>
                        <h4>"Open phases' planned ends"</h4>
                        {if open_phases.is_empty() {
                            view! { <p class="muted">"Every phase is complete."</p> }.into_any()
                        } else {
                            open_phases.into_iter().map(|phase| {
                                let id = phase.id;
                                let stored = phase.planned_end;
                                let input_id = format!("what-if-end-{id}");
                                view! {
                                    <div class="what-if-phase">
                                        <label for=input_id.clone()>{phase.name.clone()}</label>
                                        <input id=input_id type="date"
                                            value=move || ends.with(|e| e.get(&id).copied().or(stored)).map(|d| d.to_string()).unwrap_or_default()
                                            prop:value=move || ends.with(|e| e.get(&id).copied().or(stored)).map(|d| d.to_string()).unwrap_or_default()
                                            on:change=move |ev| {
                                                let value = event_target_value(&ev);
                                                match NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
                                                    Ok(d) if Some(d) != stored => ends.update(|e| { e.insert(id, d); }),
                                                    _ => ends.update(|e| { e.remove(&id); }),
                                                }
                                            }/>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }}
                    </div>
                </div>
                <div class="actions">
                    // Viewers may explore the what-if; saving it is an editor's change.
                    {crate::viewer::can_edit().then(|| view! {
                    <button type="button" class="primary" disabled=move || !changed.get() || saving.get() on:click=save>
                        "Save these changes"
                    </button>
                    })}
                    <button type="button" disabled=move || !changed.get() on:click=move |_| {
                        included.set(BTreeMap::new());
                        ends.set(BTreeMap::new());
                        message.set(None);
                    }>"Reset"</button>
                    {move || changed.get().then(|| view! { <span class="muted" role="status">"Showing the what-if, not the saved plan."</span> })}
                </div>
                {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            </section>
            <CostLines/>
        </section>
    }
}

/// The stored lines by kind, each editable, and a form for a new one.
#[component]
fn CostLines() -> impl IntoView {
    let ctx = use_service();
    let (lines, phases) = ctx
        .doc
        .with_value(|d| (d.cost_lines.clone(), d.phases.clone()));
    let group = |kind: CostKind, title: &'static str| {
        let rows: Vec<CostLine> = lines.iter().filter(|l| l.kind == kind).cloned().collect();
        let total: i64 = rows
            .iter()
            .filter(|l| l.included)
            .map(|l| l.monthly_cents)
            .sum();
        let phases = phases.clone();
        view! {
            <tbody>
                <tr class="group-row">
                    <th scope="rowgroup" colspan="3">{title}</th>
                    <td class="amount">{format_cents(total)}</td>
                    <td></td>
                </tr>
                {if rows.is_empty() {
                    view! { <tr><td colspan="5" class="muted">"None."</td></tr> }.into_any()
                } else {
                    rows.into_iter().map(|line| view! { <CostLineRow line phases=phases.clone()/> }).collect_view().into_any()
                }}
            </tbody>
        }
    };
    view! {
        <section class="cost-lines" aria-labelledby="cost-lines-heading">
            <h3 id="cost-lines-heading">"Cost lines"</h3>
            <table class="lines">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Phase or start"</th>
                        <th scope="col" class="amount">"Per month"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                {group(CostKind::Baseline, "Baseline (running today)")}
                {group(CostKind::Addition, "Additions (as phases complete)")}
                {group(CostKind::Saving, "Savings")}
            </table>
            {crate::viewer::can_edit().then(|| view! { <NewCostLine phases/> })}
        </section>
    }
}
