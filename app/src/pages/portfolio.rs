//! The portfolio (`/`): how ready, how risky, how much, for every service. One
//! server read per view ([`get_portfolio`]): sort, filters and page live in the URL
//! ([`PortfolioView`]) so a view can be shared and survives a reload; a change of
//! view navigates, and the read answers with that page of the table, the totals of
//! every matching service and the charts drawn on the server.

use crate::domain::money::format_cents;
use crate::domain::portfolio::{
    CurrentPhase, GateFilter, PortfolioPage as TablePage, PortfolioRow, PortfolioView, Ratio,
    SortKey, Totals,
};
use crate::server_fns::portfolio::{PortfolioScreen, get_portfolio};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn PortfolioPage() -> impl IntoView {
    let query = use_query_map();
    let view_state = Memo::new(move |_| PortfolioView::from_query(|k| query.read().get(k)));
    let portfolio = Resource::new(move || view_state.get(), get_portfolio);
    view! {
        <Title text="Portfolio · Preflight"/>
        <div class="portfolio-page">
            <h1>"Portfolio"</h1>
            <p class="lede">"How ready, how risky and how much: every service on its way to production."</p>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the portfolio…"</p> }>
                {move || Suspend::new(async move {
                    match portfolio.await {
                        Ok(p) if p.page.services == 0 => view! {
                            <div class="empty-state" data-testid="portfolio-empty">
                                <p>"No services yet. When a service is added or imported, its readiness, risks and costs show up here."</p>
                                <p><a href="/services/new">"Start a new service"</a>" or "<a href="/import">"import a readiness document"</a>"."</p>
                            </div>
                        }.into_any(),
                        Ok(p) => view! { <PortfolioBody screen=p view_state/> }.into_any(),
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
fn PortfolioBody(screen: PortfolioScreen, view_state: Memo<PortfolioView>) -> impl IntoView {
    let PortfolioScreen {
        page,
        heat_residual_svg,
        heat_inherent_svg,
        projection_svg,
    } = screen;
    let TablePage {
        teams,
        services,
        matching,
        page: page_number,
        pages,
        rows,
        totals: sums,
        ..
    } = page;
    let summary = if view_state.read_untracked().is_filtered() {
        format!("Showing {matching} of {services} services")
    } else {
        format!("{services} services")
    };
    let empty = rows.is_empty();
    let shown = rows.len();

    view! {
        <Filters teams view_state/>
        <p class="filter-summary" aria-live="polite">{summary}</p>
        <Figures sums=sums.clone()/>
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
                    {rows.into_iter().map(|row| view! { <ServiceRow row/> }).collect_view()}
                    {empty.then(|| view! {
                        <tr><td colspan="10" class="empty-row">
                            "No services match these filters. "
                            <a href=view_state.read_untracked().unfiltered().href()>"Show all services"</a>
                        </td></tr>
                    })}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="2">{format!("Total of {matching}")}</th>
                        <td>{ratio_cell(sums.readiness, true, "items")}</td>
                        <td></td>
                        <td>{format!("{} clear, {} blocked", sums.ready, sums.blocked)}</td>
                        <td></td>
                        <td class="num">{sums.high_risks_inherent}</td>
                        <td class="num">{sums.high_risks_residual}</td>
                        <td class="num">{format_cents(sums.now_cents)}</td>
                        <td class="num">{format_cents(sums.at_completion_cents)}</td>
                    </tr>
                </tfoot>
            </table>
        </div>
        <Pager page=page_number pages shown matching view_state/>
        <Charts heat_residual_svg heat_inherent_svg projection_svg/>
    }
}

/// "Services 51–100 of 240", with links to the pages around this one.
#[component]
fn Pager(
    page: u32,
    pages: u32,
    shown: usize,
    matching: u32,
    view_state: Memo<PortfolioView>,
) -> impl IntoView {
    let first = (page - 1) as usize * crate::domain::portfolio::PAGE_SIZE + 1;
    let link = move |to: u32, label: &'static str, rel: &'static str| {
        let href = view_state.read_untracked().on_page(to).href();
        view! { <a href=href rel=rel>{label}</a> }
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages of the table">
                <span>{format!("Services {first}–{} of {matching} · page {page} of {pages}", first + shown - 1)}</span>
                {(page > 1).then(|| link(page - 1, "← Previous", "prev"))}
                {(page < pages).then(|| link(page + 1, "Next →", "next"))}
            </nav>
        }
    })
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
            page: 1,
            ..view_state.get_untracked()
        })
    };
    let on_gate = move |ev: leptos::ev::Event| {
        go(PortfolioView {
            gate: GateFilter::parse(&event_target_value(&ev)),
            page: 1,
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

/// The totals of every matching service.
#[component]
fn Figures(sums: Totals) -> impl IntoView {
    let figure = |label: &'static str, value: String, note: String| {
        view! {
            <div class="figure">
                <span class="figure-label">{label}</span>
                <strong class="figure-value">{value}</strong>
                <span class="figure-note">{note}</span>
            </div>
        }
    };
    let t = sums;
    let change = match t.change_tenths_percent {
        Some(c) => format!(
            "{}{}.{}% on now",
            if c >= 0 { "+" } else { "−" },
            c.abs() / 10,
            c.abs() % 10
        ),
        None => "nothing runs now".to_string(),
    };
    view! {
        <div class="figures portfolio-figures" data-testid="portfolio-figures">
            {figure("Ready to launch", format!("{} of {}", t.ready, t.services), format!("{} blocked by critical items", t.blocked))}
            {figure("Readiness", format!("{}%", t.readiness.percent()), format!("{} of {} items done", t.readiness.done, t.readiness.applicable))}
            {figure("Open high & critical risks", t.high_risks_inherent.to_string(), format!("{} after mitigation · {} open in all", t.high_risks_residual, t.open_risks))}
            {figure("Monthly cost now", format_cents(t.now_cents), "running today".to_string())}
            {figure("At plan completion", format_cents(t.at_completion_cents), change)}
            {figure("First 12 months", format_cents(t.annual_cents), "sum of the projection".to_string())}
        </div>
    }
}

/// The risk heat map (residual or inherent, both drawn on the server) and the cost
/// projection by service, of every matching service.
#[component]
fn Charts(
    heat_residual_svg: String,
    heat_inherent_svg: String,
    projection_svg: String,
) -> impl IntoView {
    let residual = RwSignal::new(true);
    let heat = move || {
        if residual.get() {
            heat_residual_svg.clone()
        } else {
            heat_inherent_svg.clone()
        }
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
                <div inner_html=projection_svg data-testid="portfolio-projection"></div>
                <figcaption>"Net monthly cost of the services shown, stacked by service; the line is the total."</figcaption>
            </figure>
        </section>
    }
}
