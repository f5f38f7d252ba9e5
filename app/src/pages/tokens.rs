//! `/settings/tokens`: the signed-in user's API tokens for CI. A new token's secret is
//! shown once; only its hash is kept. A token can do what its scope and its owner's
//! current role both allow.

use crate::components::item_row::error_pair;
use crate::error::AppError;
use crate::model::{TokenScope, TokenSummary};
use crate::server_fns::accounts::{
    CreatedToken, create_token, list_tokens, revoke_token, sign_out_everywhere,
};
use leptos::prelude::*;
use leptos_meta::Title;

pub fn when(at: Option<chrono::DateTime<chrono::Utc>>, none: &'static str) -> String {
    at.map_or_else(
        || none.to_string(),
        |t| t.format("%-d %b %Y %H:%M UTC").to_string(),
    )
}

/// "expires days: must be …", or the message alone when no field is named.
pub fn error_text(field: &str, message: &str) -> String {
    if field.is_empty() {
        message.to_string()
    } else {
        format!("{}: {message}", field.replace('_', " "))
    }
}

#[component]
pub fn TokensPage() -> impl IntoView {
    let created = RwSignal::new(None::<CreatedToken>);
    let create = Action::new(move |input: &(String, TokenScope, Option<u32>)| {
        let (name, scope, days) = input.clone();
        async move { create_token(name, scope, days).await }
    });
    let revoke = Action::new(move |name: &String| {
        let name = name.clone();
        async move { revoke_token(name).await }
    });
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    Effect::new(move |_| {
        if let Some(Ok(token)) = create.value().get() {
            created.set(Some(token));
        }
    });
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new(TokenScope::Read);
    let days = RwSignal::new(String::new());
    let form_error = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        form_error.set(
            create
                .value()
                .get()
                .and_then(|r| r.err())
                .map(|e| error_pair(&e)),
        );
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days_text = days.get_untracked();
        let days = match days_text.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(d) => Some(d),
                Err(_) => {
                    form_error.set(Some((
                        "expires_days".into(),
                        "must be a whole number of days".into(),
                    )));
                    return;
                }
            },
        };
        created.set(None);
        create.dispatch((name.get_untracked(), scope.get_untracked(), days));
    };
    let everywhere = Action::new(|_: &()| sign_out_everywhere());
    view! {
        <Title text="API tokens · Preflight"/>
        <h1>"API tokens"</h1>
        <p class="muted">
            "Tokens let CI pipelines and scripts call the JSON API ("
            <code>"Authorization: Bearer …"</code>
            "). A token can do what its scope and your current role both allow."
        </p>
        {move || created.get().map(|t| view! {
            <div class="token-secret" role="status">
                <p><strong>{format!("Token {:?} created.", t.token.name)}</strong>
                    " Copy it now: it will not be shown again."</p>
                <code data-testid="token-secret">{t.secret}</code>
            </div>
        })}
        <form class="token-form" on:submit=submit>
            <h2>"New token"</h2>
            <label for="token-name">"Name"</label>
            <input id="token-name" required maxlength="100" placeholder="ci-deploy"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="token-scope">"Scope"</label>
            <select id="token-scope" on:change=move |ev| {
                scope.set(event_target_value(&ev).parse().unwrap_or(TokenScope::Read))
            }>
                <option value="read" selected=move || scope.get() == TokenScope::Read>"Read"</option>
                <option value="write" selected=move || scope.get() == TokenScope::Write>"Write"</option>
            </select>
            <label for="token-days">"Expires after (days, empty for never)"</label>
            <input id="token-days" inputmode="numeric" prop:value=move || days.get()
                on:input=move |ev| days.set(event_target_value(&ev))/>
            {move || form_error.get().map(|(field, message)| view! {
                <p class="error" role="alert">{error_text(&field, &message)}</p>
            })}
            <button type="submit" class="primary" disabled=move || create.pending().get()>
                "Create token"
            </button>
        </form>
        <h2>"Your tokens"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Loading tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No tokens yet."</p>
                    }.into_any(),
                    Ok(list) => view! { <TokenTable list revoke/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        {move || revoke.value().get().and_then(|r| r.err()).map(|e: AppError| view! {
            <p class="error" role="alert">{e.to_string()}</p>
        })}
        <h2>"Sessions"</h2>
        <p>
            <button type="button" on:click=move |_| { everywhere.dispatch(()); }>
                "Sign out everywhere"
            </button>
            {move || everywhere.value().get().map(|r| match r {
                Ok(()) => view! { <span role="status">" Every session has ended; sign in again to go on."</span> }.into_any(),
                Err(e) => view! { <span class="error" role="alert">{e.to_string()}</span> }.into_any(),
            })}
        </p>
    }
}

#[component]
fn TokenTable(
    list: Vec<TokenSummary>,
    revoke: Action<String, Result<(), AppError>>,
) -> impl IntoView {
    view! {
        <table class="tokens">
            <thead><tr>
                <th scope="col">"Name"</th><th scope="col">"Token"</th><th scope="col">"Scope"</th>
                <th scope="col">"Created"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                <th scope="col">"Status"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|t| {
                    let live = t.revoked_at.is_none();
                    let name = t.name.clone();
                    let asking = RwSignal::new(false);
                    view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td><code>{format!("{}…", t.prefix)}</code></td>
                            <td>{t.scope.label()}</td>
                            <td>{when(Some(t.created_at), "")}</td>
                            <td>{when(t.expires_at, "never")}</td>
                            <td>{when(t.last_used_at, "never")}</td>
                            <td>
                                {if live {
                                    view! {
                                        <Show when=move || asking.get() fallback=move || view! {
                                            <button type="button" on:click=move |_| asking.set(true)>"Revoke"</button>
                                        }>
                                            {
                                                let name = name.clone();
                                                view! {
                                                    <span>"Revoke? "</span>
                                                    <button type="button" class="danger"
                                                        on:click=move |_| { revoke.dispatch(name.clone()); }>
                                                        "Revoke"
                                                    </button>
                                                    <button type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                                                }
                                            }
                                        </Show>
                                    }.into_any()
                                } else {
                                    view! { <span class="muted">{format!("Revoked {}", when(t.revoked_at, ""))}</span> }.into_any()
                                }}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
