//! `/services/:slug/reviews/:review_id`: one review as its decision record — what was
//! decided, by whom, when, on which facts — with the named approver's decision form,
//! the follow-ups, and what changed since the snapshot. Prints cleanly (`@media print`
//! in style/main.css) and downloads as Markdown from the JSON API.

use super::outcome_badge;
use crate::components::item_row::error_pair;
use crate::domain::money::format_cents;
use crate::domain::review::{
    CostLineChange, Decision, FollowUpInput, ItemChange, LastEvent, ReviewView, RiskChange,
    SnapshotDiff,
};
use crate::error::AppError;
use crate::pages::not_found::NotFound;
use crate::pages::tokens::{error_text, when};
use crate::server_fns::reviews::{decide_review, get_review};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.format("%-d %b %Y").to_string())
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| {
        let p = params.read();
        (
            p.get("slug").unwrap_or_default(),
            p.get("review_id").and_then(|id| id.parse::<i64>().ok()),
        )
    });
    let reload = RwSignal::new(0_u64);
    let review = Resource::new(
        move || (key.get(), reload.get()),
        |((slug, id), _)| async move {
            match id {
                Some(id) => get_review(slug, id).await,
                None => Err(AppError::NotFound("review".into())),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the review…"</p> }>
            {move || Suspend::new(async move {
                match review.await {
                    Ok(view) => view! { <ReviewRecord view reload/> }.into_any(),
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
fn ReviewRecord(view: ReviewView, reload: RwSignal<u64>) -> impl IntoView {
    let viewer = crate::viewer::use_viewer().0;
    let waiting_role = viewer
        .as_ref()
        .and_then(|v| view.waiting_for(&v.email))
        .map(str::to_string);
    let outcome = view.outcome();
    let record = view.record.clone();
    let snapshot = record.snapshot.clone();
    let service_href = format!("/services/{}", view.service_slug);
    let markdown_href = format!(
        "/api/v1/services/{}/reviews/{}/record",
        view.service_slug, view.id
    );
    let today = chrono::Utc::now().date_naive();
    let ReviewView {
        id,
        service_slug,
        service_name,
        since,
        ..
    } = view;
    let title = record.title.clone();
    let void_reason = record.void_reason.clone();
    // The link's children are a closure that takes what it names.
    let crumb = service_name.clone();
    view! {
        <Title text=format!("{title} · {service_name} · Preflight")/>
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <A href="/">"Portfolio"</A>
            " / "
            <A href=service_href.clone()>{crumb}</A>
            " / "
            <A href=format!("{service_href}/reviews")>"Reviews"</A>
            " / "
            <span aria-current="page">{title.clone()}</span>
        </nav>
        <article class="decision-record">
            <header>
                <h1>{title.clone()}</h1>
                <p class="meta">
                    {format!("{} · opened {} by {}", service_name, when(Some(record.opened_at), ""), record.opened_by)}
                </p>
                <p class="record-outcome">"Outcome: " {outcome_badge(outcome)}</p>
                {void_reason.map(|reason| view! {
                    <p class="void-reason" role="status">
                        {format!("Void since {}: {reason}.", when(record.voided_at, ""))}
                    </p>
                })}
                <p class="export-links no-print">
                    <a href=markdown_href rel="external" download>"Download Markdown"</a>
                    " · "
                    <button type="button" class="link" on:click=move |_| {
                        let _ = window().print();
                    }>"Print"</button>
                </p>
            </header>

            <section aria-labelledby="decisions-heading">
                <h2 id="decisions-heading">"Decisions"</h2>
                <table class="decisions">
                    <thead><tr>
                        <th scope="col">"Role"</th><th scope="col">"Approver"</th>
                        <th scope="col">"Decision"</th><th scope="col">"Comment"</th><th scope="col">"When"</th>
                    </tr></thead>
                    <tbody>
                        {record.approvers.iter().map(|a| {
                            let decided = a.decision.clone();
                            view! {
                                <tr>
                                    <td>{a.role.clone()}</td>
                                    <td>{a.email.clone()}</td>
                                    <td>{decided.as_ref().map_or("Waiting".to_string(), |d| d.decision.label().to_string())}</td>
                                    <td>{decided.as_ref().map(|d| d.comment.clone()).unwrap_or_default()}</td>
                                    <td>{when(decided.as_ref().map(|d| d.decided_at), "")}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {waiting_role.map(|role| view! {
                    <DecisionForm slug=service_slug.clone() review_id=id role reload/>
                })}
            </section>

            {(!record.follow_ups.is_empty()).then(|| view! {
                <section aria-labelledby="follow-ups-heading">
                    <h2 id="follow-ups-heading">"Follow-ups"</h2>
                    <ul class="follow-ups">
                        {record.follow_ups.iter().map(|f| {
                            let overdue = f.is_overdue(today);
                            view! {
                                <li class:overdue=overdue>
                                    <a href=format!("{service_href}#item-{}", f.item_id)>{f.title.clone()}</a>
                                    {format!(" — due {} · {}", date(Some(f.due_date)), f.status.label())}
                                    {overdue.then(|| view! { <strong class="overdue-mark">" overdue"</strong> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}

            <section aria-labelledby="facts-heading">
                <h2 id="facts-heading">{format!("The facts on {}", when(Some(snapshot.taken_at), ""))}</h2>
                <dl class="facts">
                    <dt>"Readiness"</dt>
                    <dd>{format!("{}% ({} of {} applicable items done)", snapshot.readiness.percent, snapshot.readiness.done, snapshot.readiness.applicable)}</dd>
                    <dt>"Launch gate"</dt>
                    <dd>{if snapshot.is_clear() { "clear".to_string() } else {
                        format!("blocked by {}", snapshot.blocker_items().iter().map(|i| i.title.clone()).collect::<Vec<_>>().join(", "))
                    }}</dd>
                    <dt>"Monthly cost now"</dt><dd>{format_cents(snapshot.monthly_cost_now_cents)}</dd>
                    <dt>"Monthly cost at completion"</dt><dd>{format_cents(snapshot.monthly_cost_at_completion_cents)}</dd>
                    <dt>"Forecast ready"</dt><dd>{date(snapshot.forecast_ready)}</dd>
                    <dt>"Target go-live"</dt><dd>{date(snapshot.target_go_live)}</dd>
                </dl>
                <h3>"Open risks"</h3>
                {if snapshot.open_risks.is_empty() {
                    view! { <p class="empty">"No open risk."</p> }.into_any()
                } else {
                    view! {
                        <table class="snapshot-risks">
                            <thead><tr>
                                <th scope="col">"Risk"</th><th scope="col">"Status"</th>
                                <th scope="col">"Inherent"</th><th scope="col">"Residual"</th>
                            </tr></thead>
                            <tbody>
                                {snapshot.open_risks.iter().map(|r| view! {
                                    <tr>
                                        <td>{r.title.clone()}</td>
                                        <td>{r.status.label()}</td>
                                        <td>{r.inherent_score}</td>
                                        <td>{format!("{} ({})", r.residual_score, r.residual_level.label())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            <SinceReview diff=since/>
        </article>
    }
}

/// How one change is attributed: "by ann@example.com, 3 Dec 2026 14:02 UTC".
fn by(last: &Option<LastEvent>) -> String {
    last.as_ref().map_or_else(String::new, |e| {
        format!(" — by {}, {}", e.actor, when(Some(e.at), ""))
    })
}

#[component]
fn SinceReview(diff: SnapshotDiff) -> impl IntoView {
    let readiness = diff.readiness;
    let cost = diff.monthly_cost_now_cents;
    view! {
        <section aria-labelledby="since-heading" class="since-review">
            <h2 id="since-heading">"Since this review"</h2>
            <p>
                {format!("Readiness {}% → {}%; monthly cost {} → {}.",
                    readiness.then.percent, readiness.now.percent,
                    format_cents(cost.then), format_cents(cost.now))}
            </p>
            {if diff.is_empty() {
                view! { <p class="empty">"No item, risk or cost line has changed since."</p> }.into_any()
            } else {
                view! {
                    <ul class="since-list" data-testid="since-review">
                        {diff.items.iter().map(|i| {
                            let what = match i.change {
                                ItemChange::Added { status } => format!("added ({})", status.label()),
                                ItemChange::Removed { .. } => "removed".to_string(),
                                ItemChange::StatusChanged { from, to } => format!("{} → {}", from.label(), to.label()),
                            };
                            view! { <li>{format!("Item \"{}\" ({}): {what}{}", i.title, i.section, by(&i.last_event))}</li> }
                        }).collect_view()}
                        {diff.risks.iter().map(|r| {
                            let what = match r.change {
                                RiskChange::Opened { residual_score, .. } => format!("opened, residual {residual_score}"),
                                RiskChange::Closed { .. } => "closed".to_string(),
                                RiskChange::ResidualChanged { from, to, .. } => format!("residual {from} → {to}"),
                            };
                            view! { <li>{format!("Risk \"{}\": {what}{}", r.title, by(&r.last_event))}</li> }
                        }).collect_view()}
                        {diff.cost_lines.iter().map(|c| {
                            let what = match c.change {
                                CostLineChange::Added { monthly_cents, .. } => format!("added, {}/month", format_cents(monthly_cents)),
                                CostLineChange::Removed { .. } => "removed".to_string(),
                                CostLineChange::Changed { monthly_cents, included } => {
                                    let mut parts = Vec::new();
                                    if monthly_cents.changed() {
                                        parts.push(format!("{} → {}/month", format_cents(monthly_cents.then), format_cents(monthly_cents.now)));
                                    }
                                    if included.changed() {
                                        parts.push(if included.now { "counted again".to_string() } else { "left out".to_string() });
                                    }
                                    parts.join(", ")
                                }
                            };
                            view! { <li>{format!("Cost line \"{}\": {what}{}", c.name, by(&c.last_event))}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DecisionForm(
    slug: String,
    review_id: i64,
    role: String,
    reload: RwSignal<u64>,
) -> impl IntoView {
    let decision = RwSignal::new(Decision::Go);
    let comment = RwSignal::new(String::new());
    let next_key = StoredValue::new(1_usize);
    let follow_ups = RwSignal::new(vec![(
        0_usize,
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    )]);
    let decide = Action::new(move |input: &(Decision, String, Vec<FollowUpInput>)| {
        let (decision, comment, follow_ups) = input.clone();
        let slug = slug.clone();
        async move { decide_review(slug, review_id, decision, comment, follow_ups).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = decide.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let local_error = RwSignal::new(None::<(String, String)>);
    let error = move || {
        local_error.get().or_else(|| {
            decide
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| error_pair(&e))
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let chosen = decision.get_untracked();
        let mut inputs = Vec::new();
        if chosen == Decision::ConditionalGo {
            for (i, (_, title, due)) in follow_ups.get_untracked().iter().enumerate() {
                let (title, due) = (title.get_untracked(), due.get_untracked());
                if title.trim().is_empty() && due.is_empty() {
                    continue;
                }
                let due_date = match due.parse::<chrono::NaiveDate>() {
                    Ok(d) => Some(d),
                    Err(_) if due.is_empty() => None,
                    Err(_) => {
                        local_error.set(Some((
                            format!("follow_ups[{i}].due_date"),
                            "is not a date".into(),
                        )));
                        return;
                    }
                };
                inputs.push(FollowUpInput { title, due_date });
            }
        }
        decide.dispatch((chosen, comment.get_untracked(), inputs));
    };
    let choice = move |value: Decision| {
        view! {
            <label class="decision-choice">
                <input type="radio" name="decision" value=value.as_str()
                    prop:checked=move || decision.get() == value
                    on:change=move |_| decision.set(value)/>
                {value.label()}
            </label>
        }
    };
    view! {
        <form class="decision-form no-print" on:submit=submit aria-labelledby="decide-heading">
            <h3 id="decide-heading">{format!("Your decision as {role}")}</h3>
            <fieldset>
                <legend>"Decision"</legend>
                {Decision::ALL.iter().map(|d| choice(*d)).collect_view()}
            </fieldset>
            <label for="decision-comment">"Comment"</label>
            <textarea id="decision-comment" maxlength="5000" rows="3"
                prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))/>
            <Show when=move || decision.get() == Decision::ConditionalGo>
                <fieldset class="follow-up-rows">
                    <legend>"Follow-ups (added to the checklist, each with a due date)"</legend>
                    <For each=move || follow_ups.get() key=|(key, _, _)| *key let:row>
                        {
                            let (key, title, due) = row;
                            view! {
                                <div class="follow-up-row">
                                    <label>"Follow-up"
                                        <input class="follow-up-title" maxlength="200" prop:value=move || title.get()
                                            on:input=move |ev| title.set(event_target_value(&ev))/>
                                    </label>
                                    <label>"Due"
                                        <input class="follow-up-due" type="date" prop:value=move || due.get()
                                            on:input=move |ev| due.set(event_target_value(&ev))/>
                                    </label>
                                    <button type="button" aria-label="Remove this follow-up"
                                        on:click=move |_| follow_ups.update(|r| r.retain(|(k, _, _)| *k != key))>
                                        "Remove"
                                    </button>
                                </div>
                            }
                        }
                    </For>
                    <button type="button" on:click=move |_| {
                        let key = next_key.get_value();
                        next_key.set_value(key + 1);
                        follow_ups.update(|r| r.push((key, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                    }>"Add a follow-up"</button>
                </fieldset>
            </Show>
            {move || error().map(|(field, message)| view! {
                <p class="error" role="alert">{error_text(&field, &message)}</p>
            })}
            <button type="submit" class="primary" disabled=move || decide.pending().get()>
                "Record my decision"
            </button>
        </form>
    }
}
