//! The portfolio (`/`): how ready, how risky, how much, for every service. One
//! server read ([`get_portfolio`]); sorting, filtering, totals and both charts are
//! computed from it in the page, on the server for the first render and in the
//! browser after a change, with no further request. Sort and filters live in the URL
//! ([`PortfolioView`]) so a view can be shared and survives a reload.

use crate::charts::portfolio_projection::{
    PortfolioProjectionChart, ServiceCost, portfolio_projection_chart,
};
use crate::charts::{HeatMapChart, heat_map_chart};
use crate::domain::money::format_cents;
use crate::domain::portfolio::{
    CurrentPhase, GateFilter, Portfolio, PortfolioRow, PortfolioView, Ratio, SortKey, heat_counts,
    select, teams, totals,
};
use crate::server_fns::portfolio::get_portfolio;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn PortfolioPage() -> impl IntoView {
    let portfolio = Resource::new(|| (), |_| get_portfolio());
    view! {
        <Title text="Portfolio · Preflight"/>
        <div class="portfolio-page">
            <h1>"Portfolio"</h1>
            <p class="lede">"How ready, how risky and how much: every service on its way to production."</p>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the portfolio…"</p> }>
                {move || Suspend::new(async move {
                    match portfolio.await {
                        Ok(p) if p.rows.is_empty() => view! {
                            <div class="empty-state" data-testid="portfolio-empty">
                                <p>"No services yet. When a service is added or imported, its readiness, risks and costs show up here."</p>
                                <p><a href="/services/new">"Start a new service"</a>" or "<a href="/import">"import a readiness document"</a>"."</p>
                            </div>
                        }.into_any(),
                        Ok(p) => view! { <PortfolioBody portfolio=p/> }.into_any(),
                        Err(e) => view! {
                            <p class="error" role="alert">{format!("The portfolio could not be loaded: {e}")}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn PortfolioBody(portfolio: Portfolio) -> impl IntoView {
    let query = use_query_map();
    let view_state = Memo::new(move |_| PortfolioView::from_query(|k| query.read().get(k)));
    let all_teams = teams(&portfolio.rows);
    let count = portfolio.rows.len();
    let months: Vec<String> = portfolio
        .months
        .iter()
        .map(|m| m.format("%b %y").to_string())
        .collect();
    let rows = StoredValue::new(portfolio.rows);
    let shown = Memo::new(move |_| rows.with_value(|r| select(r, &view_state.get())));
    let sums = Memo::new(move |_| {
        let shown = shown.get();
        rows.with_value(|r| totals(shown.iter().map(|&i| &r[i])))
    });
    let summary = move || {
        let n = shown.read().len();
        if view_state.read().is_filtered() {
            format!("Showing {n} of {count} services")
        } else {
            format!("{count} services")
        }
    };

    view! {
        <Filters teams=all_teams view_state/>
        <p class="filter-summary" aria-live="polite">{summary}</p>
        <Figures sums/>
        <div class="table-scroll">
            <table class="portfolio-table" data-testid="portfolio-table">
                <caption class="visually-hidden">"Services, sortable by any column"</caption>
                <thead>
                    <tr>
                        <SortHeader key=SortKey::Service label="Service" view_state rowspan=2/>
                        <SortHeader key=SortKey::Team label="Team" view_state rowspan=2/>
                        <SortHeader key=SortKey::Readiness label="Readiness" view_state rowspan=2/>
                        <SortHeader key=SortKey::Weighted label="Weighted" view_state rowspan=2/>
                        <SortHeader key=SortKey::Gate label="Launch gate" view_state rowspan=2/>
                        <SortHeader key=SortKey::Phase label="Current phase" view_state rowspan=2/>
                        <th scope="colgroup" colspan="2" class="group">"High & critical risks"</th>
                        <th scope="colgroup" colspan="2" class="group">"Monthly cost"</th>
                    </tr>
                    <tr>
                        <SortHeader key=SortKey::RisksInherent label="Inherent" view_state numeric=true/>
                        <SortHeader key=SortKey::RisksResidual label="Residual" view_state numeric=true/>
                        <SortHeader key=SortKey::CostNow label="Now" view_state numeric=true/>
                        <SortHeader key=SortKey::CostAtCompletion label="At completion" view_state numeric=true/>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || shown.get()
                        key=|i| *i
                        children=move |i| rows.with_value(|r| view! { <ServiceRow row=r[i].clone()/> })
                    />
                    {move || shown.read().is_empty().then(|| view! {
                        <tr><td colspan="10" class="empty-row">
                            "No services match these filters. "
                            <a href=view_state.read().unfiltered().href()>"Show all services"</a>
                        </td></tr>
                    })}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="2">{move || format!("Total of {}", shown.read().len())}</th>
                        <td>{move || ratio_cell(sums.read().readiness, true, "items")}</td>
                        <td></td>
                        <td>{move || { let s = sums.read(); format!("{} clear, {} blocked", s.ready, s.blocked) }}</td>
                        <td></td>
                        <td class="num">{move || sums.read().high_risks_inherent}</td>
                        <td class="num">{move || sums.read().high_risks_residual}</td>
                        <td class="num">{move || format_cents(sums.read().now_cents)}</td>
                        <td class="num">{move || format_cents(sums.read().at_completion_cents)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        <Charts rows shown months/>
    }
}

/// Team and gate filters; a change rewrites the URL query (replacing the entry).
#[component]
fn Filters(teams: Vec<String>, view_state: Memo<PortfolioView>) -> impl IntoView {
    let navigate = use_navigate();
    let go = move |view: PortfolioView| {
        navigate(
            &view.href(),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        )
    };
    let go_team = go.clone();
    let on_team = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        go_team(PortfolioView {
            team: (!value.is_empty()).then_some(value),
            ..view_state.get_untracked()
        })
    };
    let on_gate = move |ev: leptos::ev::Event| {
        go(PortfolioView {
            gate: GateFilter::parse(&event_target_value(&ev)),
            ..view_state.get_untracked()
        })
    };
    view! {
        <form class="filters portfolio-filters" role="search" aria-label="Filter services" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"Team"</span>
                <select prop:value=move || view_state.read().team.clone().unwrap_or_default() on:change=on_team>
                    <option value="">"Every team"</option>
                    {teams.into_iter().map(|t| {
                        let team = t.clone();
                        let selected = move || view_state.read().team.as_deref() == Some(team.as_str());
                        let label = t.clone();
                        view! { <option value=t selected=selected>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Launch gate"</span>
                <select prop:value=move || view_state.read().gate.map(|g| g.as_str()).unwrap_or_default() on:change=on_gate>
                    <option value="">"Blocked or clear"</option>
                    <option value="blocked" selected=move || view_state.read().gate == Some(GateFilter::Blocked)>"Blocked"</option>
                    <option value="clear" selected=move || view_state.read().gate == Some(GateFilter::Clear)>"Clear"</option>
                </select>
            </label>
            {move || view_state.read().is_filtered().then(|| view! {
                <a class="clear-filters" href=view_state.read().unfiltered().href() data-noscroll="" prop:replace=true>"Clear filters"</a>
            })}
        </form>
    }
}

/// A column header that sorts by `key`: a link to the view sorted by it (so it works
/// before hydration too), with `aria-sort` on the sorted column.
#[component]
fn SortHeader(
    key: SortKey,
    label: &'static str,
    view_state: Memo<PortfolioView>,
    #[prop(optional)] rowspan: Option<u32>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let aria = move || view_state.read().aria_sort(key);
    let arrow = move || match aria() {
        Some("ascending") => "▲",
        Some(_) => "▼",
        None => "↕",
    };
    view! {
        <th scope="col" rowspan=rowspan aria-sort=aria class:num=numeric data-sort=key.as_str()>
            <a class="sort" href=move || view_state.read().sorted_by(key).href() data-noscroll="" prop:replace=true>
                {label}
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

/// A percentage with "done / applicable" under it, and a small bar when `bar`.
fn ratio_cell(r: Ratio, bar: bool, unit: &'static str) -> impl IntoView {
    let percent = r.percent();
    view! {
        <div class="mini-progress" title=format!("{} of {} {unit} done", r.done, r.applicable)>
            <span class="mini-value">{format!("{percent}%")}</span>
            {bar.then(|| view! {
                <span class="mini-track" aria-hidden="true">
                    <span class="mini-fill" class:complete=r.progress().is_complete() style:width=format!("{percent}%")></span>
                </span>
            })}
            <span class="mini-note">{format!("{} / {}", r.done, r.applicable)}</span>
        </div>
    }
}

#[component]
fn ServiceRow(row: PortfolioRow) -> impl IntoView {
    let gate = if row.is_clear() {
        view! { <span class="badge gate-badge clear">"Clear"</span> }.into_any()
    } else {
        let n = row.blockers;
        view! {
            <span class="badge gate-badge blocked" title=format!("{n} critical item{} not done", if n == 1 { "" } else { "s" })>
                {format!("Blocked · {n}")}
            </span>
        }
        .into_any()
    };
    let phase = match row.phase.clone() {
        CurrentPhase::NoPhases => view! { <span class="muted">"No phases"</span> }.into_any(),
        CurrentPhase::AllComplete { phases } => {
            view! { <span class="phase-done">{format!("All {phases} complete")}</span> }.into_any()
        }
        CurrentPhase::Open {
            number,
            of,
            name,
            progress,
            late,
        } => view! {
            <div class="current-phase">
                <span class="phase-name" title=name.clone()>{name.clone()}</span>
                <span class="phase-meta">
                    {format!("{number} of {of} · {}%", progress.percent())}
                    {late.then(|| view! { <span class="badge late">"Late"</span> })}
                </span>
            </div>
        }
        .into_any(),
    };
    let risks = |n: u32| view! { <span class="risk-count" class:zero=n == 0>{n}</span> };
    let change = row.cost.change_tenths_percent.filter(|c| *c != 0).map(|t| {
        let sign = if t > 0 { "+" } else { "−" };
        format!("{sign}{}.{}%", t.abs() / 10, t.abs() % 10)
    });
    view! {
        <tr data-slug=row.slug.clone()>
            <th scope="row"><a href=format!("/services/{}", row.slug)>{row.name.clone()}</a></th>
            <td class="team">{row.team.clone()}</td>
            <td data-testid="readiness">{ratio_cell(row.readiness, true, "items")}</td>
            <td>{ratio_cell(row.weighted, false, "weight points")}</td>
            <td data-testid="gate">{gate}</td>
            <td>{phase}</td>
            <td class="num">{risks(row.high_risks(false))}</td>
            <td class="num">{risks(row.high_risks(true))}</td>
            <td class="num">{format_cents(row.cost.now_cents)}</td>
            <td class="num">
                {format_cents(row.cost.at_completion_cents)}
                {change.map(|c| view! { <span class="change">{c}</span> })}
            </td>
        </tr>
    }
}

/// The totals of the rows shown.
#[component]
fn Figures(sums: Memo<crate::domain::portfolio::Totals>) -> impl IntoView {
    let figure = move |label: &'static str, value: Signal<String>, note: Signal<String>| {
        view! {
            <div class="figure">
                <span class="figure-label">{label}</span>
                <strong class="figure-value">{move || value.get()}</strong>
                <span class="figure-note">{move || note.get()}</span>
            </div>
        }
    };
    let s = move |f: fn(&crate::domain::portfolio::Totals) -> String| {
        Signal::derive(move || sums.with(f))
    };
    view! {
        <div class="figures portfolio-figures" data-testid="portfolio-figures">
            {figure("Ready to launch", s(|t| format!("{} of {}", t.ready, t.services)), s(|t| format!("{} blocked by critical items", t.blocked)))}
            {figure("Readiness", s(|t| format!("{}%", t.readiness.percent())), s(|t| format!("{} of {} items done", t.readiness.done, t.readiness.applicable)))}
            {figure("Open high & critical risks", s(|t| t.high_risks_inherent.to_string()), s(|t| format!("{} after mitigation · {} open in all", t.high_risks_residual, t.open_risks)))}
            {figure("Monthly cost now", s(|t| format_cents(t.now_cents)), s(|_| "running today".to_string()))}
            {figure("At plan completion", s(|t| format_cents(t.at_completion_cents)), s(|t| match t.change_tenths_percent {
                Some(c) => format!("{}{}.{}% on now", if c >= 0 { "+" } else { "−" }, c.abs() / 10, c.abs() % 10),
                None => "nothing runs now".to_string(),
            }))}
            {figure("First 12 months", s(|t| format_cents(t.annual_cents)), s(|_| "sum of the projection".to_string()))}
        </div>
    }
}

/// The risk heat map (inherent or residual) and the cost projection by service, of
/// the rows shown.
#[component]
fn Charts(
    rows: StoredValue<Vec<PortfolioRow>>,
    shown: Memo<Vec<usize>>,
    months: Vec<String>,
) -> impl IntoView {
    let residual = RwSignal::new(true);
    let heat = move || {
        let residual = residual.get();
        let counts = rows.with_value(|r| heat_counts(shown.get().iter().map(|&i| &r[i]), residual));
        heat_map_chart(&HeatMapChart {
            width: 360,
            height: 400,
            title: format!(
                "Open risks, {} score",
                if residual { "residual" } else { "inherent" }
            ),
            counts,
        })
    };
    let projection = move || {
        let services = rows.with_value(|r| {
            shown
                .get()
                .iter()
                .map(|&i| ServiceCost {
                    name: r[i].name.clone(),
                    cents: r[i].monthly_cents.clone(),
                })
                .collect()
        });
        portfolio_projection_chart(&PortfolioProjectionChart {
            width: 680,
            height: 360,
            months: months.clone(),
            services,
        })
    };
    let toggle = move |value: bool, label: &'static str| {
        view! {
            <button type="button" class:selected=move || residual.get() == value
                aria-pressed=move || (residual.get() == value).to_string()
                on:click=move |_| residual.set(value)>{label}</button>
        }
    };
    view! {
        <section class="portfolio-charts" aria-label="Charts">
            <figure class="chart">
                <div class="chart-toolbar" role="group" aria-label="Place risks by">
                    {toggle(true, "Residual")}
                    {toggle(false, "Inherent")}
                </div>
                <div inner_html=heat data-testid="portfolio-heat-map"></div>
                <figcaption>"Open risks of the services shown. Residual: after the checklist items that mitigate them."</figcaption>
            </figure>
            <figure class="chart">
                <div inner_html=projection data-testid="portfolio-projection"></div>
                <figcaption>"Net monthly cost of the services shown, stacked by service; the line is the total."</figcaption>
            </figure>
        </section>
    }
}
