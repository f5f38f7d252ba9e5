//! Import and export over HTTP: `POST /api/v1/import` turns a Markdown document into a
//! service (or only previews it), and `GET /api/v1/services/{slug}/export` downloads a
//! service as Markdown, JSON or CSV.

use crate::api::error_response;
use app::auth::Principal;
use app::data;
use app::domain::markdown::{IMPORT_MAX_BYTES, export_markdown, import_markdown_bytes, items_csv};
use app::draft::ServiceDraft;
use app::error::AppError;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::json;
use sqlx::PgPool;

pub fn router<S>(pool: PgPool) -> Router<S> {
    Router::new()
        .route(
            "/api/v1/import",
            // Room above the document limit so that an oversized body gets our message,
            // not a bare 413 from the extractor.
            post(import).layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES * 2)),
        )
        .route("/api/v1/services/{slug}/export", get(export))
        .layer(axum::middleware::from_fn(crate::api::json_errors))
        .with_state(pool)
}

/// The query string's value for `key`, if present.
fn query_value<'q>(query: Option<&'q str>, key: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

pub fn parse_dry_run(query: Option<&str>) -> Result<bool, AppError> {
    match query_value(query, "dry_run") {
        None | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") | Some("") => Ok(true),
        Some(other) => Err(AppError::invalid(
            "dry_run",
            format!("must be true or false (got {other:?})"),
        )),
    }
}

/// Refuses an oversized body before reading it. Whether the bytes are text (UTF-8,
/// else Latin-1) or binary is the importer's decision.
pub fn check_size(body: &[u8]) -> Result<(), AppError> {
    if body.len() > IMPORT_MAX_BYTES {
        return Err(AppError::invalid(
            "body",
            format!(
                "the document is {} bytes; the limit is {IMPORT_MAX_BYTES} bytes (1 MiB)",
                body.len()
            ),
        ));
    }
    Ok(())
}

async fn import(
    State(pool): State<PgPool>,
    Extension(principal): Extension<Principal>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let dry_run = match parse_dry_run(query.as_deref()) {
        Ok(d) => d,
        Err(e) => return error_response(e),
    };
    if let Err(e) = check_size(&body) {
        return error_response(e);
    }
    let today = chrono::Utc::now().date_naive();
    let preview = match import_markdown_bytes(&body, today) {
        Ok(p) => p,
        Err(e) => return error_response(AppError::invalid("body", e.to_string())),
    };
    if dry_run {
        return Json(preview).into_response();
    }
    let stated = app::domain::stated_figure::from_preview(&preview, preview.draft.cost_lines.len());
    let mut draft = preview.draft;
    draft.slug = match data::drafts::free_slug(&pool, &draft.slug).await {
        Ok(slug) => slug,
        Err(e) => return error_response(e),
    };
    match data::drafts::insert_imported(&pool, &draft, &stated, &principal.actor()).await {
        Ok(slug) => (StatusCode::CREATED, Json(json!({ "slug": slug }))).into_response(),
        Err(e) => error_response(e),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
    Csv,
}

pub fn parse_format(query: Option<&str>) -> Result<ExportFormat, AppError> {
    match query_value(query, "format") {
        None | Some("markdown") | Some("md") => Ok(ExportFormat::Markdown),
        Some("json") => Ok(ExportFormat::Json),
        Some("csv") => Ok(ExportFormat::Csv),
        Some(other) => Err(AppError::invalid(
            "format",
            format!("must be markdown, json or csv (got {other:?})"),
        )),
    }
}

async fn export(
    State(pool): State<PgPool>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let format = match parse_format(query.as_deref()) {
        Ok(f) => f,
        Err(e) => return error_response(e),
    };
    let doc = match data::services::document(&pool, &slug).await {
        Ok(doc) => doc,
        Err(e) => return error_response(e),
    };
    let (body, content_type, extension) = match format {
        ExportFormat::Json => match serde_json::to_string_pretty(&doc) {
            Ok(text) => (text, "application/json", "json"),
            Err(e) => return error_response(AppError::internal("exporting a service as JSON", e)),
        },
        ExportFormat::Markdown => (
            export_markdown(&ServiceDraft::from_document(&doc)),
            "text/markdown; charset=utf-8",
            "md",
        ),
        ExportFormat::Csv => (
            items_csv(&ServiceDraft::from_document(&doc)),
            "text/csv; charset=utf-8",
            "csv",
        ),
    };
    let disposition = format!("attachment; filename=\"{}.{extension}\"", doc.slug);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_run_and_format_are_read_from_the_query() {
        assert!(!parse_dry_run(None).unwrap());
        assert!(parse_dry_run(Some("dry_run=true")).unwrap());
        assert!(parse_dry_run(Some("x=1&dry_run")).unwrap());
        assert!(parse_dry_run(Some("dry_run=maybe")).is_err());
        assert_eq!(parse_format(None).unwrap(), ExportFormat::Markdown);
        assert_eq!(parse_format(Some("format=csv")).unwrap(), ExportFormat::Csv);
        assert_eq!(
            parse_format(Some("format=json")).unwrap(),
            ExportFormat::Json
        );
        assert!(parse_format(Some("format=pdf")).is_err());
    }

    #[test]
    fn oversized_bodies_are_refused() {
        assert!(check_size(b"# ok").is_ok());
        assert!(check_size(&vec![b'a'; IMPORT_MAX_BYTES]).is_ok());
        assert!(check_size(&vec![b'a'; IMPORT_MAX_BYTES + 1]).is_err());
    }
}
