//! The service page's Reviews tab: the service's readiness reviews with their outcome,
//! and, for editors, the form that opens one (a title and one approver per role).
//! A review itself is its own page (`record.rs`).

pub mod record;

use crate::components::item_row::error_pair;
use crate::domain::review::{ApproverSlot, ReviewOutcome, ReviewSummary};
use crate::pages::tokens::{error_text, when};
use crate::server_fns::reviews::{list_reviews, open_review, review_candidates};
use crate::service_state::use_service;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The badge of an outcome; the class names its colour.
pub fn outcome_badge(outcome: ReviewOutcome) -> impl IntoView {
    view! {
        <span class=format!("outcome outcome-{}", outcome.as_str()) data-testid="review-outcome">
            {outcome.label()}
        </span>
    }
}

#[component]
pub fn ReviewsTab() -> impl IntoView {
    let ctx = use_service();
    let slug = ctx.slug.get_value();
    let reviews = Resource::new(move || (), {
        let slug = slug.clone();
        move |_| list_reviews(slug.clone())
    });
    let editor = crate::viewer::can_edit();
    view! {
        <section class="reviews" aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">"Readiness reviews"</h2>
            <p class="muted">
                "A review freezes the service as it is now: items, open risks, costs and the forecast. "
                "Each named approver then records go, conditional go or no-go; a conditional go adds "
                "dated follow-ups to the checklist, and an overdue follow-up voids the decision."
            </p>
            <Suspense fallback=|| view! { <p class="loading">"Loading reviews…"</p> }>
                {move || Suspend::new(async move {
                    match reviews.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">"No review of this service yet."</p>
                        }.into_any(),
                        Ok(list) => view! { <ReviewList list/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            {editor.then(|| view! { <OpenReviewForm slug=slug.clone()/> })}
        </section>
    }
}

#[component]
fn ReviewList(list: Vec<ReviewSummary>) -> impl IntoView {
    let ctx = use_service();
    let base = format!("/services/{}/reviews", ctx.slug.get_value());
    let latest = list
        .first()
        .map(|r| format!("{base}/{}#since-heading", r.id));
    view! {
        {latest.map(|href| view! {
            <p><a href=href>"What changed since the last review"</a></p>
        })}
        <table class="review-list">
            <thead><tr>
                <th scope="col">"Review"</th><th scope="col">"Opened"</th>
                <th scope="col">"Decisions"</th><th scope="col">"Outcome"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|r| view! {
                    <tr>
                        <td><a href=format!("{base}/{}", r.id)>{r.title}</a></td>
                        <td>{format!("{} by {}", when(Some(r.opened_at), ""), r.opened_by)}</td>
                        <td>{format!("{} of {}", r.decided, r.approvers)}</td>
                        <td>{outcome_badge(r.outcome)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The roles a launch review usually asks, as a start; each can be changed or removed.
const DEFAULT_ROLES: &[&str] = &["Engineering", "SRE", "Security"];

#[component]
fn OpenReviewForm(slug: String) -> impl IntoView {
    let candidates = Resource::new(|| (), |_| review_candidates());
    let title = RwSignal::new("Launch readiness review".to_string());
    let next_key = StoredValue::new(DEFAULT_ROLES.len());
    // (key, role, email): the key keeps rows apart when one is removed.
    let rows = RwSignal::new(
        DEFAULT_ROLES
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    i,
                    RwSignal::new(r.to_string()),
                    RwSignal::new(String::new()),
                )
            })
            .collect::<Vec<_>>(),
    );
    let open = Action::new(move |input: &(String, String, Vec<ApproverSlot>)| {
        let (slug, title, approvers) = input.clone();
        async move { open_review(slug, title, approvers).await }
    });
    let navigate = use_navigate();
    let base = format!("/services/{slug}/reviews");
    Effect::new(move |_| {
        if let Some(Ok(id)) = open.value().get() {
            navigate(&format!("{base}/{id}"), Default::default());
        }
    });
    let error = move || {
        open.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_pair(&e))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let approvers = rows
            .get_untracked()
            .iter()
            .map(|(_, role, email)| ApproverSlot {
                role: role.get_untracked(),
                email: email.get_untracked(),
            })
            .collect();
        open.dispatch((slug.clone(), title.get_untracked(), approvers));
    };
    view! {
        <form class="open-review" on:submit=submit aria-labelledby="open-review-heading">
            <h3 id="open-review-heading">"Open a review"</h3>
            <label for="review-title">"Title"</label>
            <input id="review-title" required maxlength="200" prop:value=move || title.get()
                on:input=move |ev| title.set(event_target_value(&ev))/>
            <fieldset>
                <legend>"Approvers, one per role"</legend>
                <datalist id="approver-candidates">
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            candidates.await.unwrap_or_default().into_iter()
                                .map(|email| view! { <option value=email/> })
                                .collect_view()
                        })}
                    </Suspense>
                </datalist>
                <For each=move || rows.get() key=|(key, _, _)| *key let:row>
                    {
                        let (key, role, email) = row;
                        view! {
                            <div class="approver-row">
                                <label>
                                    "Role"
                                    <input class="approver-role" maxlength="120" prop:value=move || role.get()
                                        on:input=move |ev| role.set(event_target_value(&ev))/>
                                </label>
                                <label>
                                    "Approver"
                                    <input class="approver-email" type="email" list="approver-candidates"
                                        placeholder="name@example.com" prop:value=move || email.get()
                                        on:input=move |ev| email.set(event_target_value(&ev))/>
                                </label>
                                <button type="button" aria-label=move || format!("Remove the {} approver", role.get())
                                    on:click=move |_| rows.update(|r| r.retain(|(k, _, _)| *k != key))>
                                    "Remove"
                                </button>
                            </div>
                        }
                    }
                </For>
                <button type="button" on:click=move |_| {
                    let key = next_key.get_value();
                    next_key.set_value(key + 1);
                    rows.update(|r| r.push((key, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                }>"Add an approver"</button>
            </fieldset>
            {move || error().map(|(field, message)| view! {
                <p class="error" role="alert">{error_text(&field, &message)}</p>
            })}
            <button type="submit" class="primary" disabled=move || open.pending().get()>
                "Open the review"
            </button>
        </form>
    }
}
