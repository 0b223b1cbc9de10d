//! `sledger serve --db URL --port 8080 [--bind 127.0.0.1] [--secure-cookies]` (issue #7
//! item 1): the JSON API under `/api/v1` and its OpenAPI document at `/api/openapi.json`.
//! TLS is terminated in front (a reverse proxy); `--secure-cookies` says it is, which marks
//! the session cookie `Secure` and sends HSTS.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use clap::Args;
use sledger_web::{AppState, WebConfig};

use super::DbArgs;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The TCP port.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// The server is reached over HTTPS: Secure cookies and HSTS.
    #[arg(long)]
    secure_cookies: bool,
    /// How long a login lasts, in hours.
    #[arg(long, default_value_t = 8)]
    session_hours: i64,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    openapi: bool,
}

pub async fn run(db: &DbArgs, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    if args.openapi {
        super::emit(&format!("{}\n", sledger_web::openapi_json()));
        return Ok(ExitCode::SUCCESS);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let store = db.open().await?;
    let config = WebConfig {
        secure: args.secure_cookies,
        session_seconds: args.session_hours.clamp(1, 24 * 30) * 3600,
        ..WebConfig::default()
    };
    let address = SocketAddr::new(args.bind, args.port);
    eprintln!("sledger: serving {} on http://{address}/api/v1", db.db);
    sledger_web::serve(AppState::new(store, config), address).await?;
    Ok(ExitCode::SUCCESS)
}
