#![recursion_limit = "256"]
use app::state::AppState;
use leptos::prelude::get_configuration;
use server::config::Config;
use server::{accounts, cli, db, demo, startup};
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        return run_command(&config, &args).await;
    }
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
    // Demo users come with the demo: into a database that just got the demo services,
    // or that has the demo on and no user at all (one made before accounts existed).
    let had_no_users = app::data::users::count(&pool)
        .await
        .map_err(|e| e.to_string())?
        == 0;
    accounts::ensure_first_admin(&pool, &config)
        .await
        .map_err(|e| format!("cannot create the first admin: {e}"))?;
    if config.load_demo {
        let loaded = demo::load_if_empty(&pool)
            .await
            .map_err(|e| format!("cannot load the demo services: {e}"))?;
        if loaded > 0 {
            tracing::info!("loaded {loaded} demo services");
        }
        if loaded > 0 || had_no_users {
            accounts::create_demo_users(&pool)
                .await
                .map_err(|e| format!("cannot create the demo users: {e}"))?;
            tracing::info!("demo users: viewer@, editor@ and admin@preflight.demo (README)");
        }
    }
    tokio::spawn(startup::delete_expired_sessions(pool.clone()));

    let sessions = startup::SessionSettings {
        secure_cookies: config.secure_cookies(),
    };
    let app = startup::router(AppState::new(leptos_options, pool.clone()), sessions);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(startup::shutdown_signal())
    .await?;
    pool.close().await;
    Ok(())
}

/// `server user …` and `server token …`: migrate, run the command, print its result
/// alone on the last line of stdout, exit.
async fn run_command(config: &Config, args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let command = match cli::parse(args) {
        Ok(command) => command,
        Err(problem) => {
            eprintln!("{problem}\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let pool = db::connect_and_migrate(&config.database_url)
        .await
        .map_err(|e| format!("cannot prepare the database (is PostgreSQL running?): {e}"))?;
    match cli::run(&pool, command).await {
        Ok(result) => {
            println!("{result}");
            Ok(())
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
