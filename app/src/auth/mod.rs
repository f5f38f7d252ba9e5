//! Accounts at the server boundary: who is asking (a signed-in user or an API token),
//! and the one permission check every request passes (`check`). The server's gate
//! middleware calls it with what the route needs (`server_fns::needs`, the API's
//! route table); server functions read who asked through [`current`]. Server-only.

pub mod backend;
pub mod passwords;
pub mod tokens;

use crate::data::tokens::LiveToken;
use crate::data::users::Account;
use crate::domain::access::{role_allows, token_allows};
use crate::error::AppError;
use crate::model::{Need, Viewer};

/// Who a request comes from, once the gate has checked it.
#[derive(Debug, Clone)]
pub enum Principal {
    User(Account),
    Token(LiveToken),
}

impl Principal {
    /// The user the request acts for (a token's owner).
    pub fn account(&self) -> &Account {
        match self {
            Principal::User(account) => account,
            Principal::Token(token) => &token.owner,
        }
    }

    pub fn allows(&self, need: Need) -> bool {
        match self {
            Principal::User(account) => role_allows(account.role, need),
            Principal::Token(token) => token_allows(token.scope, token.owner.role, need),
        }
    }

    /// How the event log names them.
    pub fn actor(&self) -> String {
        match self {
            Principal::User(account) => account.email.clone(),
            Principal::Token(token) => format!("token {} ({})", token.name, token.owner.email),
        }
    }

    pub fn viewer(&self) -> Viewer {
        let account = self.account();
        Viewer {
            email: account.email.clone(),
            role: account.role,
        }
    }
}

/// The permission check. `need` is `None` when no rule covers the request: refused,
/// so a new route or server function without a rule fails closed.
pub fn check(principal: Option<&Principal>, need: Option<Need>) -> Result<(), AppError> {
    let Some(need) = need else {
        return Err(AppError::Forbidden(
            "No permission rule covers this request.".to_string(),
        ));
    };
    if need == Need::Public {
        return Ok(());
    }
    let Some(principal) = principal else {
        return Err(AppError::Unauthorized);
    };
    if principal.allows(need) {
        return Ok(());
    }
    let message = match (principal, need) {
        (Principal::Token(_), Need::SignedIn | Need::Admin) => {
            "API tokens cannot do this; sign in instead."
        }
        (Principal::Token(token), Need::Edit) if token.owner.role != crate::model::Role::Viewer => {
            "This token has read scope; changes need a token with write scope."
        }
        (_, Need::Admin) => "This needs the admin role.",
        _ => "Your role can read but not change anything; ask an admin for the editor role.",
    };
    Err(AppError::Forbidden(message.to_string()))
}

/// Who made the request being served, inside a server function or a page render.
pub fn current() -> Option<Principal> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<Principal>()
        .cloned()
}

/// Who made the request, or Unauthorized (the gate lets no anonymous request reach a
/// server function that needs one; this keeps the function honest on its own).
pub fn require() -> Result<Principal, AppError> {
    current().ok_or(AppError::Unauthorized)
}
