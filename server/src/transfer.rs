//! Import and export over HTTP: `POST /api/v1/import` turns a Markdown document into a
//! service (or only previews it), and `GET /api/v1/services/{slug}/export` downloads a
//! service as Markdown, JSON or CSV.

use crate::api::error_response;
use app::auth::Principal;
use app::data;
use app::domain::markdown::ImportPreview;
use app::domain::markdown::{IMPORT_MAX_BYTES, export_markdown, import_markdown_bytes, items_csv};
use app::draft::ServiceDraft;
use app::error::AppError;
use app::model::ServiceDocument;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router<S: Clone + Send + Sync + 'static>(pool: PgPool) -> OpenApiRouter<S> {
    // Room above the document limit so that an oversized body gets our message, not a
    // bare 413 from the extractor.
    let (schemas, paths, import) = routes!(import);
    let import = import.layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES * 2));
    OpenApiRouter::new()
        .routes((schemas, paths, import))
        .routes(routes!(export))
        .routes(routes!(review_record))
        .layer(axum::middleware::from_fn(crate::api::json_errors))
        .with_state(pool)
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `parse_dry_run`
pub struct ImportOptions {
    /// Only preview: nothing is saved.
    #[param(default = false)]
    dry_run: Option<bool>,
}

/// The import's body: any text, at most 1 MiB. Whether it holds something Preflight
/// recognises is only known by reading it (422 when it does not).
pub struct MarkdownDocument;

impl utoipa::PartialSchema for MarkdownDocument {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let schema = serde_json::json!({
            "type": "string",
            "minLength": 1,
            "description": "Markdown: headings, task lists, tables, phases, risks and cost lines",
            "example": "# Payments API\n\n## Security\n\n- [x] TLS everywhere\n- [ ] Threat model reviewed\n",
        });
        serde_json::from_value(schema).expect("the document schema is valid")
    }
}

impl ToSchema for MarkdownDocument {}

#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// The new service's slug (a taken one gets `-2`, `-3`, …).
    #[schema(example = "payments-api")]
    slug: String,
}

#[derive(Clone, Copy, ToSchema)]
#[allow(dead_code)] // the query's values, read by `parse_format`
#[schema(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Md,
    Json,
    Csv,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by `parse_format`
pub struct ExportOptions {
    /// `markdown` (or `md`, re-importable), `json` (the service document) or `csv`
    /// (its items).
    #[param(inline)]
    format: Option<Format>,
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

/// Turns a Markdown readiness document into a service, or with `dry_run` only shows
/// what it would give: the service, and every recognised and skipped line.
#[utoipa::path(post, path = "/api/v1/import", tag = "import",
    params(ImportOptions),
    request_body(description = "A Markdown readiness document, at most 1 MiB (UTF-8; Latin-1 and Mac Roman mojibake are repaired)",
        content((MarkdownDocument = "text/markdown"), (MarkdownDocument = "text/plain"))),
    responses(
        (status = 200, description = "`dry_run`: the preview; nothing was saved", body = ImportPreview),
        (status = 201, description = "The service was created", body = Imported),
        (status = 422, description = "The document is empty, binary, too large or has nothing Preflight recognises", body = crate::openapi::ErrorBody),
    ))]
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
        Ok(slug) => (StatusCode::CREATED, Json(Imported { slug })).into_response(),
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

/// Downloads a service: as a Markdown document that imports back to the same
/// service, as the JSON service document, or its items as CSV.
#[utoipa::path(get, path = "/api/v1/services/{slug}/export", tag = "import",
    params(("slug" = String, Path, description = "The service's slug"), ExportOptions),
    responses(
        (status = 200, description = "The service in the asked format, as an attachment",
            content((String = "text/markdown"), (ServiceDocument = "application/json"), (String = "text/csv"))),
        (status = 422, description = "`format` is not one of the four", body = crate::openapi::ErrorBody),
    ))]
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

#[utoipa::path(get, path = "/api/v1/services/{slug}/reviews/{id}/record", tag = "import",
    params(("slug" = String, Path, description = "The service's slug"),
           ("id" = i64, Path, description = "The review's id")),
    responses(
        (status = 200, description = "The review's decision record as Markdown, as an attachment",
            content((String = "text/markdown"))),
    ))]
async fn review_record(
    State(pool): State<PgPool>,
    Path((slug, id)): Path<(String, String)>,
) -> Response {
    let Ok(review_id) = id.parse::<i64>() else {
        return error_response(AppError::NotFound(format!("review {id:?}")));
    };
    let view = match data::reviews::view(&pool, &slug, review_id, chrono::Utc::now()).await {
        Ok(view) => view,
        Err(e) => return error_response(e),
    };
    let disposition = format!("attachment; filename=\"{slug}-review-{review_id}.md\"");
    (
        [
            (
                header::CONTENT_TYPE,
                "text/markdown; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        app::domain::review::decision_record_markdown(&view.record),
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
