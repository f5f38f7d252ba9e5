//! The JSON API's contract: an OpenAPI 3.1 document built from the handlers'
//! `#[utoipa::path]` annotations by the same `routes!` calls that route them
//! (utoipa-axum), so a route and its documentation cannot drift apart. Served at
//! `/api/v1/openapi.json`, with a reference page rendered here at `/api/docs`.

mod reference;

use app::model::ChecklistItem;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::sync::Arc;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi as _, PartialSchema, ToSchema};

/// Every error the API answers, whatever the status.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words a user can act on.
    #[schema(
        example = "status: unknown status \"finished\"; expected one of: todo, in_progress, done, not_applicable"
    )]
    pub error: String,
    /// The field or parameter at fault (422).
    pub field: Option<String>,
    /// The item as it is stored now (409).
    pub current: Option<ChecklistItem>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Preflight API",
        description = "Production readiness: services, their checklists, risks and costs. \
            Every route but `/health` needs a bearer token (`pf_…`, made on the Tokens page \
            or with `server token add`) or a signed-in session. Reads take any token; writes \
            need a write token of an editor or admin.",
    ),
    modifiers(&BearerAuth, &SharedErrors),
    security(("bearer" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "services", description = "Services and their readiness"),
        (name = "checklist", description = "Checklist items"),
        (name = "costs", description = "The cost projection"),
        (name = "history", description = "What changed, who changed it and when"),
        (name = "import", description = "Markdown documents in and out"),
        (name = "live", description = "Changes as they happen (Server-Sent Events)"),
        (name = "operations", description = "Health of the server"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token: `authorization: Bearer pf_…`. A read token reads; \
                         a write token of an editor or admin also writes.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The answers every operation can give, added once here rather than on each handler:
/// refusals of the gate, an unknown service, and a busy or failing database.
struct SharedErrors;

impl Modify for SharedErrors {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                add_shared_errors(path, operation);
            }
        }
    }
}

fn add_shared_errors(path: &str, operation: &mut Operation) {
    let open = operation
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| r == &Default::default()));
    let writes = operation.request_body.is_some();
    let mut add = |status: &str, description: &str, retry_after: bool| {
        let mut response = ResponseBuilder::new().description(description).content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        );
        if retry_after {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(Some(u32::schema()))
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            );
        }
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| response.build().into());
    };
    if !open {
        add("401", "No valid token or session", false);
        if writes {
            add(
                "403",
                "The token is read-only, or its owner may not edit",
                false,
            );
        }
    }
    if path.contains("{slug}") {
        add("404", "No such service (or item)", false);
    }
    add(
        "500",
        "Something failed on the server; the cause is logged",
        false,
    );
    add(
        "503",
        "The database is busy or out of reach (no free connection in time, a row that \
         stayed locked, a lost connection): try again after `Retry-After` seconds",
        true,
    );
    add("504", "The request ran past the statement timeout", false);
    add(
        "default",
        "Any other refusal (a path that does not parse, a method the route does not take, \
         a body far over the limit), in the same shape",
        false,
    );
}

/// The document of the routes `api` registers through `routes!`, with the shared parts.
pub fn document(api: OpenApi) -> OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(api);
    // Modifiers ran on the empty document; run them again now that the paths are here.
    SharedErrors.modify(&mut doc);
    doc
}

/// `/api/v1/openapi.json` and `/api/docs`, both from `doc`.
pub fn router<S: Clone + Send + Sync + 'static>(doc: OpenApi) -> Router<S> {
    let json = Arc::new(doc.to_pretty_json().unwrap_or_default());
    let page = Arc::new(reference::page(&doc));
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        json.as_str().to_owned(),
                    )
                        .into_response()
                }
            }),
        )
        .route(
            "/api/docs",
            get(move || {
                let page = page.clone();
                async move { reference_response(page.as_str().to_owned()) }
            }),
        )
}

fn reference_response(html: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // No script at all; the one inline stylesheet is the page's own.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ],
        html,
    )
        .into_response()
}

/// The document as JSON, for tests and the reference page.
pub fn to_value(doc: &OpenApi) -> serde_json::Value {
    serde_json::to_value(doc).unwrap_or_default()
}
