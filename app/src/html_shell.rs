//! The HTML document around the app, rendered on the server: the stylesheet and the
//! script that hydrates the page, under the names cargo-leptos gave them.
//!
//! leptos's `HydrationScripts` preloads the bundle from the `<head>`, so the browser
//! fetches 700 KB of WebAssembly while it should be painting the server-rendered page,
//! and Lighthouse counts that download towards the largest contentful paint. Here the
//! bundle is requested only after the `load` event, once the browser is idle: the page
//! paints first, and a tick made before hydration is a plain form post (`PostForm`).
//! It also reads the hash file once per process instead of twice per request.

use leptos::prelude::*;
use leptos_meta::MetaTags;
use std::sync::OnceLock;

/// The file names under `/pkg`, with cargo-leptos's content hashes when `hash_files`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetNames {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl AssetNames {
    /// Names from a `hash.txt` of `js: …`, `wasm: …`, `css: …` lines; unhashed where
    /// a line is missing.
    pub fn from_hash_file(output: &str, hashes: Option<&str>) -> AssetNames {
        let hash = |kind: &str| {
            hashes
                .into_iter()
                .flat_map(str::lines)
                .filter_map(|line| line.trim().split_once(':'))
                .find(|(file, _)| file.trim() == kind)
                .map(|(_, h)| format!(".{}", h.trim()))
                .unwrap_or_default()
        };
        AssetNames {
            js: format!("{output}{}.js", hash("js")),
            wasm: format!("{output}{}.wasm", hash("wasm")),
            css: format!("{output}{}.css", hash("css")),
        }
    }
}

/// Read once: the hash file beside the server binary never changes while it runs.
fn asset_names(options: &LeptosOptions) -> &'static AssetNames {
    static NAMES: OnceLock<AssetNames> = OnceLock::new();
    NAMES.get_or_init(|| {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok()
            })
            .flatten();
        if options.hash_files && hashes.is_none() {
            tracing::error!("hash-files is on but the hash file beside the binary is missing");
        }
        AssetNames::from_hash_file(&options.output_name, hashes.as_deref())
    })
}

/// The module script that loads and hydrates the bundle after `load`, when idle.
pub fn hydration_script(pkg: &str, names: &AssetNames) -> String {
    format!(
        r#"const start = () => import("/{pkg}/{js}").then((m) => m.default({{ module_or_path: "/{pkg}/{wasm}" }}).then(() => m.hydrate()));
const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(start, {{ timeout: 1000 }}) : setTimeout(start, 0));
if (document.readyState === "complete") idle(); else addEventListener("load", idle, {{ once: true }});"#,
        js = names.js,
        wasm = names.wasm,
    )
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (and
/// what they load), WebAssembly compiled from our own bundle, no framing. Styles allow
/// inline `style` attributes (the progress bars' widths), which nonces cannot cover.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let names = asset_names(&options);
    let pkg = options.site_pkg_dir.trim_matches('/').to_string();
    let nonce = leptos::nonce::use_nonce();
    if let (Some(nonce), Some(response)) = (&nonce, use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&content_security_policy(nonce))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <link rel="stylesheet" id="leptos" href=format!("/{pkg}/{}", names.css)/>
                <script type="module" nonce=nonce>{hydration_script(&pkg, names)}</script>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <crate::viewer::ViewerMeta/>
                <MetaTags/>
            </head>
            <body>
                <crate::App/>
            </body>
        </html>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_hash_file() {
        let names = AssetNames::from_hash_file("preflight", Some("js: abc\nwasm: def\ncss: ghi\n"));
        assert_eq!(names.js, "preflight.abc.js");
        assert_eq!(names.wasm, "preflight.def.wasm");
        assert_eq!(names.css, "preflight.ghi.css");
        let plain = AssetNames::from_hash_file("preflight", None);
        assert_eq!(plain.wasm, "preflight.wasm");
    }

    #[test]
    fn the_policy_names_the_nonce_and_forbids_framing() {
        let policy = content_security_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-eval'") || policy.contains("wasm-unsafe-eval"));
    }

    #[test]
    fn the_bundle_is_requested_after_load() {
        let script = hydration_script(
            "pkg",
            &AssetNames::from_hash_file("p", Some("js: 1\nwasm: 2")),
        );
        assert!(script.contains(r#"import("/pkg/p.1.js")"#));
        assert!(script.contains(r#"module_or_path: "/pkg/p.2.wasm""#));
        assert!(script.contains(r#"addEventListener("load""#));
    }
}
