//! Server functions for importing a Markdown readiness document: a preview first,
//! nothing stored; then the (possibly trimmed and renamed) draft in one transaction.

use crate::domain::draft_parts::DroppedParts;
use crate::domain::markdown::ImportPreview;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The importer's reading of `text` today, its refusal naming the document.
#[cfg(feature = "ssr")]
fn read(text: &str) -> Result<ImportPreview, AppError> {
    let today = chrono::Utc::now().date_naive();
    crate::domain::markdown::import_markdown(text, today)
        .map_err(|e| AppError::invalid("document", e.to_string()))
}

#[server(input = Json)]
pub async fn preview_import(text: String) -> Result<ImportPreview, AppError> {
    read(&text)
}

/// Re-reads the document on the server rather than trusting a draft sent back by the
/// browser: what gets saved is exactly what the importer recognised, minus the parts
/// the user dropped, under the name and slug the user chose.
#[server(input = Json)]
pub async fn save_import(
    text: String,
    name: String,
    slug: String,
    dropped: DroppedParts,
) -> Result<String, AppError> {
    let preview = read(&text)?;
    let mut draft = crate::domain::draft_parts::without_parts(&preview.draft, &dropped);
    draft.name = name;
    draft.slug = slug;
    let stated = crate::domain::stated_figure::from_preview(&preview, draft.cost_lines.len());
    let pool = crate::state::pool()?;
    crate::data::drafts::insert_imported(&pool, &draft, &stated, &crate::state::actor()).await
}
