//! `sledger serve --db URL --port 8080 [--bind 127.0.0.1] [--secure-cookies]` (issue #7
//! item 1): the JSON API under `/api/v1` and its OpenAPI document at `/api/openapi.json`.
//! TLS is terminated in front (a reverse proxy); `--secure-cookies` says it is, which marks
//! the session cookie `Secure` and sends HSTS. `sledger demo` serves through the same
//! [`ListenArgs`], [`bind`] and [`serve_bound`].

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use sledger_store::Store;
use sledger_web::{AppState, WebConfig};
use tokio::net::TcpListener;

use super::DbArgs;

/// Where and how the server listens (shared by `serve` and `demo`).
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The TCP port (0: any free port; the one chosen is printed).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// The address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The server is reached over HTTPS: Secure cookies and HSTS.
    #[arg(long)]
    pub secure_cookies: bool,
    /// How long a login lasts, in hours.
    #[arg(long, default_value_t = 8)]
    pub session_hours: i64,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    listen: ListenArgs,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    openapi: bool,
}

/// Request logs on standard error (`RUST_LOG` filters; default info).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// Binds the listening socket; its `local_addr` is the actual address (`--port 0`).
pub async fn bind(listen: &ListenArgs) -> anyhow::Result<TcpListener> {
    let address = SocketAddr::new(listen.bind, listen.port);
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}"))
}

/// Serves the API (and the UI) from `store` on `listener` until the process is stopped.
pub async fn serve_bound(
    store: Store,
    listen: &ListenArgs,
    listener: TcpListener,
) -> anyhow::Result<()> {
    let config = WebConfig {
        secure: listen.secure_cookies,
        session_seconds: listen.session_hours.clamp(1, 24 * 30) * 3600,
        ..WebConfig::default()
    };
    sledger_web::serve_on(AppState::new(store, config), listener).await?;
    Ok(())
}

pub async fn run(db: &DbArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    if args.openapi {
        super::emit(&format!("{}\n", sledger_web::openapi_json()));
        return Ok(ExitCode::SUCCESS);
    }
    init_tracing();
    let store = db.open().await?;
    let listener = bind(&args.listen).await?;
    let address = listener.local_addr()?;
    eprintln!("sledger: serving {} on http://{address}/api/v1", db.db);
    serve_bound(store, &args.listen, listener).await?;
    Ok(ExitCode::SUCCESS)
}
