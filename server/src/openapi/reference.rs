//! `/api/docs`: the OpenAPI document as one readable HTML page, rendered on the server
//! with no script and nothing fetched from elsewhere. It walks the document's JSON, so
//! what it shows is exactly what clients generate from.

use serde_json::Value;
use std::fmt::Write;
use utoipa::openapi::OpenApi;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1f2933}\
h1{margin-bottom:.2rem}code,pre{font-family:ui-monospace,monospace;font-size:.9em}\
section.op{border:1px solid #d2d6dc;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}\
.method{display:inline-block;min-width:4.2rem;font-weight:700;text-transform:uppercase}\
.get{color:#0b6e4f}.post{color:#1d4ed8}.patch{color:#a16207}.delete{color:#b91c1c}\
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;padding:.2rem .5rem;border-bottom:1px solid #e4e7eb;vertical-align:top}\
nav a{margin-right:.8rem}";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// Escaped text with its `code spans` (the descriptions' only Markdown) as `<code>`.
fn prose(text: &str) -> String {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A schema in one line: `ServiceSummary[]`, `string`, `integer (int64)`, `any`.
fn schema_name(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{0}\">{0}</a>", escape(name));
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = options.iter().map(schema_name).collect();
        return names.join(" or ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(v.as_str().unwrap_or("?"))))
            .collect();
        return format!("one of {}", names.join(", "));
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_string(),
    };
    if kind.starts_with("array") {
        let items = schema.get("items").map(schema_name).unwrap_or_default();
        return format!("{items}[]");
    }
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{} ({})", escape(&kind), escape(format)),
        None => escape(&kind),
    }
}

fn parameters(out: &mut String, operation: &Value) {
    let Some(list) = operation.get("parameters").and_then(Value::as_array) else {
        return;
    };
    out.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>");
    for p in list {
        let required = if p.get("required") == Some(&Value::Bool(true)) {
            " (required)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code>{required}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(text(p, "name")),
            escape(text(p, "in")),
            p.get("schema").map(schema_name).unwrap_or_default(),
            prose(text(p, "description")),
        );
    }
    out.push_str("</table>");
}

fn content_list(content: Option<&Value>) -> String {
    let Some(Value::Object(types)) = content else {
        return String::new();
    };
    types
        .iter()
        .map(|(media, body)| {
            let schema = body.get("schema").map(schema_name).unwrap_or_default();
            format!("<code>{}</code> {schema}", escape(media))
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

fn operation(out: &mut String, path: &str, method: &str, op: &Value) {
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{}\"><h3><span class=\"method {method}\">{method}</span> <code>{}</code></h3>",
        escape(text(op, "operationId")),
        escape(path),
    );
    for paragraph in [text(op, "summary"), text(op, "description")] {
        if !paragraph.is_empty() {
            let _ = write!(out, "<p>{}</p>", prose(paragraph));
        }
    }
    let open = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
        });
    out.push_str(if open {
        "<p>No token needed.</p>"
    } else {
        "<p>Needs a bearer token.</p>"
    });
    parameters(out, op);
    if let Some(body) = op.get("requestBody") {
        let _ = write!(
            out,
            "<p><strong>Body</strong>: {}<br>{}</p>",
            prose(text(body, "description")),
            content_list(body.get("content")),
        );
    }
    out.push_str("<table><tr><th>status</th><th>meaning</th><th>body</th></tr>");
    if let Some(Value::Object(responses)) = op.get("responses") {
        for (status, response) in responses {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(status),
                prose(text(response, "description")),
                content_list(response.get("content")),
            );
        }
    }
    out.push_str("</table></section>");
}

fn schemas(out: &mut String, doc: &Value) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    for (name, schema) in schemas {
        let _ = write!(
            out,
            "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>",
            escape(name)
        );
        if !text(schema, "description").is_empty() {
            let _ = write!(out, "<p>{}</p>", prose(text(schema, "description")));
        }
        match schema.get("properties") {
            Some(Value::Object(properties)) => {
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                out.push_str("<table><tr><th>field</th><th>type</th><th>about</th></tr>");
                for (field, property) in properties {
                    let mark = if required.contains(&field.as_str()) {
                        ""
                    } else {
                        " (optional)"
                    };
                    let _ = write!(
                        out,
                        "<tr><td><code>{}</code>{mark}</td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        schema_name(property),
                        prose(text(property, "description")),
                    );
                }
                out.push_str("</table>");
            }
            _ => {
                let _ = write!(out, "<p>{}</p>", schema_name(schema));
            }
        }
        out.push_str("</section>");
    }
}

/// The whole page.
pub fn page(doc: &OpenApi) -> String {
    let doc = super::to_value(doc);
    let info = doc.get("info").cloned().unwrap_or_default();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} reference</title><style>{STYLE}</style></head><body>\
         <h1>{title}</h1><p>Version {version} · OpenAPI {openapi} · \
         <a href=\"/api/v1/openapi.json\">the document as JSON</a></p><p>{description}</p>\
         <nav><a href=\"#operations\">Operations</a><a href=\"#schemas\">Schemas</a></nav>\
         <h2 id=\"operations\">Operations</h2>",
        title = escape(text(&info, "title")),
        version = escape(text(&info, "version")),
        openapi = escape(text(&doc, "openapi")),
        description = prose(text(&info, "description")),
    );
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    operation(&mut out, path, method, op);
                }
            }
        }
    }
    schemas(&mut out, &doc);
    out.push_str("</body></html>");
    out
}
