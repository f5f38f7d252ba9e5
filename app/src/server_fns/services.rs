//! Creating a service from the "new service" form.

use crate::error::AppError;
use crate::templates::NewServiceForm;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Creates a service from a built-in template in one transaction; returns its slug.
#[server(input = Json)]
pub async fn create_service(form: NewServiceForm) -> Result<String, AppError> {
    let today = chrono::Utc::now().date_naive();
    let draft = crate::templates::new_service_draft(&form, today)?;
    let pool = crate::state::pool()?;
    crate::data::drafts::insert(&pool, &draft, &crate::state::actor()).await
}
