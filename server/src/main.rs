#![recursion_limit = "256"]
use app::state::AppState;
use leptos::prelude::get_configuration;
use server::config::Config;
use server::{db, demo, startup};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();

    let config = Config::from_env();
    let mut leptos_options = get_configuration(None)?.leptos_options;
    // cargo-leptos sets LEPTOS_HASH_FILES when it starts the server; started directly
    // (scripts/run.sh, a container), the hash file it wrote beside the binary tells.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        leptos_options.hash_files = server::config::hash_file_beside_binary(&leptos_options);
    }
    let addr = leptos_options.site_addr;

    let pool = db::connect_and_migrate(&config.database_url)
        .await
        .map_err(|e| format!("cannot prepare the database (is PostgreSQL running?): {e}"))?;
    if config.load_demo {
        let loaded = demo::load_if_empty(&pool)
            .await
            .map_err(|e| format!("cannot load the demo services: {e}"))?;
        if loaded > 0 {
            tracing::info!("loaded {loaded} demo services");
        }
    }

    let app = startup::router(AppState::new(leptos_options, pool.clone()));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(startup::shutdown_signal())
        .await?;
    pool.close().await;
    Ok(())
}
