use crate::components::progress_bar::ProgressBar;
use crate::domain::progress::Progress;
use crate::model::ServiceSummary;
use crate::server_fns::list_services;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn PortfolioPage() -> impl IntoView {
    let services = Resource::new(|| (), |_| list_services());
    view! {
        <Title text="Portfolio · Preflight"/>
        <h1>"Portfolio"</h1>
        <p class="lede">"Every service on its way to production, and how ready it is."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading services…"</p> }>
            {move || Suspend::new(async move {
                match services.await {
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty-state">
                            <p>"No services yet."</p>
                        </div>
                    }.into_any(),
                    Ok(list) => view! { <PortfolioTable services=list/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PortfolioTable(services: Vec<ServiceSummary>) -> impl IntoView {
    let total: Progress = services
        .iter()
        .map(|s| Progress {
            done: s.done_items,
            applicable: s.applicable_items,
        })
        .sum();
    let count = services.len();
    view! {
        <table class="portfolio">
            <thead>
                <tr>
                    <th scope="col">"Service"</th>
                    <th scope="col">"Team"</th>
                    <th scope="col" class="col-progress">"Readiness"</th>
                </tr>
            </thead>
            <tbody>
                {services
                    .into_iter()
                    .map(|s| {
                        let progress = Progress { done: s.done_items, applicable: s.applicable_items };
                        let label = format!("Readiness of {}", s.name);
                        view! {
                            <tr>
                                <td>
                                    <A href=format!("/services/{}", s.slug)>{s.name.clone()}</A>
                                </td>
                                <td>{s.team}</td>
                                <td><ProgressBar progress=Signal::stored(progress) label/></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">{format!("{count} services")}</th>
                    <td></td>
                    <td>
                        <ProgressBar progress=Signal::stored(total) label="Readiness of the portfolio"/>
                    </td>
                </tr>
            </tfoot>
        </table>
    }
}
