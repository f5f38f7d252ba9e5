#![recursion_limit = "256"]
use app::state::AppState;
use leptos::prelude::get_configuration;
use server::config::Config;
use server::live::{self, LiveHub};
use server::{accounts, cli, db, demo, startup};
use tracing_subscriber::EnvFilter;

/// How long requests in flight may take to finish after SIGTERM.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(4);

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(problem) => {
            eprintln!("configuration: {problem}");
            std::process::exit(2);
        }
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if config.json_logs {
        // One object per line, with the request's span (and so its id) on each.
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

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
    if let Some(addr) = config.listen_addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;

    let pool = db::connect(&config.database_url, config.database)
        .await
        .map_err(|e| format!("cannot connect to the database (is PostgreSQL running?): {e}"))?;
    db::prepare(&pool, config.migrate_on_start).await?;
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
    tokio::spawn(app::schedule::run(pool.clone(), config.scan_every));
    app::data::notifications::set_public_url(
        config
            .public_url
            .as_deref()
            .unwrap_or(&format!("http://{addr}")),
    );
    let deliverer = server::delivery::Deliverer::new(pool.clone(), config.delivery.clone())?;
    if config.delivery.smtp_url.is_none() {
        tracing::info!("PREFLIGHT_SMTP_URL is unset: email waits in the outbox until it is set");
    }
    tokio::spawn(server::delivery::run(deliverer));

    let sessions = startup::SessionSettings {
        secure_cookies: config.secure_cookies(),
    };
    let live = LiveHub::default();
    live.start_relay(pool.clone());
    tokio::spawn(live::run_listener(
        pool.clone(),
        config.listen_url.clone(),
        live.clone(),
        live::HEARTBEAT,
    ));
    let app = startup::router(
        AppState::new(leptos_options, pool.clone()),
        sessions,
        live.clone(),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    tracing::info!("listening on http://{addr}");
    // On SIGTERM: end the event streams at once, let requests in flight finish, and
    // stop within five seconds whatever still hangs.
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let draining = {
        let live = live.clone();
        async move {
            startup::shutdown_signal().await;
            live.close();
            stopping.send_replace(true);
        }
    };
    let serve = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(draining);
    let deadline = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serve => served?,
        _ = deadline => tracing::warn!("requests still open after {SHUTDOWN_GRACE:?}; stopping anyway"),
    }
    pool.close().await;
    Ok(())
}

/// `server migrate`, `server user …` and `server token …`: run the command (the
/// others on a prepared database), print its result alone on the last line of stdout,
/// exit.
async fn run_command(config: &Config, args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let command = match cli::parse(args) {
        Ok(command) => command,
        Err(problem) => {
            eprintln!("{problem}\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let pool = db::connect(&config.database_url, config.database)
        .await
        .map_err(|e| format!("cannot connect to the database (is PostgreSQL running?): {e}"))?;
    if command != cli::Command::Migrate {
        db::prepare(&pool, config.migrate_on_start).await?;
    }
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
