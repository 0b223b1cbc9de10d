//! `sledger user add --username U --role R [--site S …] [--password-stdin]`, `user list`,
//! `user password`, `user site`, `user token`, `user revoke-token` (DESIGN §6, issues #4 and #7): the user registry
//! whose usernames `--actor` names, their passwords, sites and bearer tokens. While no user exists every actor acts as
//! admin, so the first user registered must be an admin (docs/randomization.md "Roles").

use std::process::ExitCode;

use clap::{Args, Subcommand};
use sledger_store::audit::Verification;
use sledger_store::{Role, StoreError};

use super::DbArgs;
use super::refusal::accepted;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Register a user with a role (admin only, once users exist).
    Add(AddArgs),
    /// List the registered users and their roles.
    List,
    /// Recompute the registry's audit chain: "intact: N entries" or exit 1, "broken at …".
    Verify,
    /// Set a user's password, read from standard input (one line; admin, or the user).
    Password(PasswordArgs),
    /// Grant a user the patients of a site (admin only).
    Site(SiteArgs),
    /// Print a new bearer token for a user, once (only its SHA-256 is stored).
    Token(TokenArgs),
    /// Revoke a user's bearer tokens of that name (admin, or the user).
    RevokeToken(TokenArgs),
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The user whose password is set.
    username: String,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The user granted the site.
    username: String,
    /// The site code.
    site: String,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The user the token acts as.
    username: String,
    /// A name to recognise the token by (e.g. the script using it).
    #[arg(long, default_value = "script")]
    name: String,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The username, as `--actor` will name it.
    #[arg(long)]
    username: String,
    /// admin, investigator, coordinator, monitor, statistician or unblinded_statistician.
    #[arg(long)]
    role: String,
    /// A site whose patients the user sees and writes (repeatable; admins see every site).
    #[arg(long = "site")]
    sites: Vec<String>,
    /// Read the user's password from standard input (one line).
    #[arg(long)]
    password_stdin: bool,
    /// The preferred UI language: en or es.
    #[arg(long)]
    language: Option<String>,
}

/// The first line of standard input, without its line end.
fn read_password() -> anyhow::Result<String> {
    use anyhow::Context as _;
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

pub async fn run(db: &DbArgs, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add(args) => {
            let role: Role = accepted!(args.role.parse().map_err(StoreError::from));
            let store = db.open().await?;
            let password = if args.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let actor = db.actor();
            let user = accepted!(store.add_user(&actor, &args.username, role).await);
            // The first user is the admin the next steps need: act as them from here on.
            let actor = if actor.0 == user.username || store.users().await?.len() == 1 {
                sledger_store::Actor(user.username.clone())
            } else {
                actor
            };
            for site in &args.sites {
                accepted!(store.grant_site(&actor, &user.username, site).await);
            }
            if let Some(password) = password {
                accepted!(store.set_password(&actor, &user.username, &password).await);
            }
            if let Some(language) = &args.language {
                accepted!(store.set_language(&actor, &user.username, language).await);
            }
            outln!("registered {} as {}", user.username, user.role);
            store.close().await;
        }
        UserCommand::List => {
            let store = db.open().await?;
            for user in store.users().await? {
                outln!("{}\t{}\t{}", user.username, user.role, user.created_at);
            }
            store.close().await;
        }
        UserCommand::Password(args) => {
            let password = read_password()?;
            let store = db.open().await?;
            accepted!(
                store
                    .set_password(&db.actor(), &args.username, &password)
                    .await
            );
            outln!("password set for {}", args.username);
            store.close().await;
        }
        UserCommand::Site(args) => {
            let store = db.open().await?;
            accepted!(
                store
                    .grant_site(&db.actor(), &args.username, &args.site)
                    .await
            );
            outln!(
                "{} may see and write the patients of site {}",
                args.username,
                args.site
            );
            store.close().await;
        }
        UserCommand::Token(args) => {
            let store = db.open().await?;
            let token = accepted!(
                store
                    .create_api_token(&db.actor(), &args.username, &args.name)
                    .await
            );
            outln!("{token}");
            store.close().await;
        }
        UserCommand::RevokeToken(args) => {
            let store = db.open().await?;
            let revoked = accepted!(
                store
                    .revoke_api_tokens(&db.actor(), &args.username, &args.name)
                    .await
            );
            outln!(
                "revoked {revoked} token(s) named {} of {}",
                args.name,
                args.username
            );
            store.close().await;
        }
        UserCommand::Verify => {
            let store = db.open().await?;
            let verification = store.verify_users().await?;
            store.close().await;
            return Ok(match verification {
                Verification::Intact { entries } => {
                    outln!("intact: {entries} entries");
                    ExitCode::SUCCESS
                }
                Verification::Broken { seq, problem } => {
                    outln!("broken at entry {seq}: {problem}");
                    ExitCode::from(1)
                }
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
