//! `/admin/users`: admins create users, change roles, disable and re-enable them and
//! reset passwords. The server keeps at least one enabled admin; its refusal shows here.

use crate::components::item_row::error_pair;
use crate::error::AppError;
use crate::model::{Role, UserSummary};
use crate::pages::tokens::{error_text, when};
use crate::server_fns::accounts::{
    create_user, list_users, reset_password, set_user_disabled, set_user_role,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// One change to one user, so a single action (and its error) serves the whole table.
#[derive(Clone)]
enum Change {
    Role(i64, Role),
    Disabled(i64, bool),
    Password(i64, String),
}

async fn apply(change: Change) -> Result<(), AppError> {
    match change {
        Change::Role(id, role) => set_user_role(id, role).await,
        Change::Disabled(id, disabled) => set_user_disabled(id, disabled).await,
        Change::Password(id, password) => reset_password(id, password).await,
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = Action::new(|input: &(String, Role, String)| {
        let (email, role, password) = input.clone();
        async move { create_user(email, role, password).await }
    });
    let change = Action::new(|c: &Change| apply(c.clone()));
    let users = Resource::new(
        move || (create.version().get(), change.version().get()),
        |_| list_users(),
    );
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let password = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            email.set(String::new());
            password.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch((
            email.get_untracked(),
            role.get_untracked(),
            password.get_untracked(),
        ));
    };
    view! {
        <Title text="Users · Preflight"/>
        <h1>"Users"</h1>
        <form class="user-form" on:submit=submit>
            <h2>"Add a user"</h2>
            <label for="new-user-email">"Email"</label>
            <input id="new-user-email" type="email" required prop:value=move || email.get()
                on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="new-user-role">"Role"</label>
            <RoleSelect id="new-user-role" value=role.get_untracked() on_pick=Callback::new(move |r| role.set(r))/>
            <label for="new-user-password">"Initial password (12 characters or more)"</label>
            <input id="new-user-password" type="password" autocomplete="new-password" required
                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
            {move || create.value().get().map(|r| match r {
                Ok(_) => view! { <p role="status">"User added."</p> }.into_any(),
                Err(e) => {
                    let (field, message) = error_pair(&e);
                    view! { <p class="error" role="alert">{error_text(&field, &message)}</p> }.into_any()
                }
            })}
            <button type="submit" class="primary" disabled=move || create.pending().get()>"Add user"</button>
        </form>
        <h2>"Everyone"</h2>
        {move || change.value().get().and_then(|r| r.err()).map(|e| {
            let (field, message) = error_pair(&e);
            view! { <p class="error" role="alert">{error_text(&field, &message)}</p> }
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserTable list change/> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoleSelect(#[prop(into)] id: String, value: Role, on_pick: Callback<Role>) -> impl IntoView {
    view! {
        <select id=id on:change=move |ev| {
            if let Ok(role) = event_target_value(&ev).parse() {
                on_pick.run(role);
            }
        }>
            {Role::ALL.iter().map(|r| view! {
                <option value=r.as_str() selected=*r == value>{r.label()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    change: Action<Change, Result<(), AppError>>,
) -> impl IntoView {
    view! {
        <table class="users">
            <thead><tr>
                <th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                <th scope="col">"Added"</th><th scope="col">"Password"</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|u| {
                    let id = u.id;
                    let disabled = u.disabled_at.is_some();
                    let resetting = RwSignal::new(false);
                    let new_password = RwSignal::new(String::new());
                    let email = u.email.clone();
                    view! {
                        <tr data-email=u.email.clone()>
                            <th scope="row">{u.email.clone()}</th>
                            <td>
                                <RoleSelect id=format!("role-{id}") value=u.role
                                    on_pick=Callback::new(move |r| { change.dispatch(Change::Role(id, r)); })/>
                            </td>
                            <td>
                                {if disabled { "Disabled" } else { "Active" }} " "
                                <button type="button" on:click=move |_| { change.dispatch(Change::Disabled(id, !disabled)); }>
                                    {if disabled { "Enable" } else { "Disable" }}
                                </button>
                            </td>
                            <td>{when(Some(u.created_at), "")}</td>
                            <td>
                                <Show when=move || resetting.get() fallback=move || view! {
                                    <button type="button" on:click=move |_| resetting.set(true)>"Reset password"</button>
                                }>
                                    <form on:submit=move |ev| {
                                        ev.prevent_default();
                                        change.dispatch(Change::Password(id, new_password.get_untracked()));
                                        resetting.set(false);
                                        new_password.set(String::new());
                                    }>
                                        <label for=format!("password-{id}")>{format!("New password for {email}")}</label>
                                        <input id=format!("password-{id}") type="password" autocomplete="new-password" required
                                            prop:value=move || new_password.get()
                                            on:input=move |ev| new_password.set(event_target_value(&ev))/>
                                        <button type="submit">"Set password"</button>
                                        <button type="button" on:click=move |_| resetting.set(false)>"Cancel"</button>
                                    </form>
                                </Show>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
