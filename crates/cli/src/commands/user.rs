//! `sledger user add --username U --role R` and `sledger user list` (DESIGN §6, issue #4): the
//! user registry whose usernames `--actor` names. While no user exists every actor acts as
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
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The username, as `--actor` will name it.
    #[arg(long)]
    username: String,
    /// admin, investigator, coordinator, monitor, statistician or unblinded_statistician.
    #[arg(long)]
    role: String,
}

pub async fn run(db: &DbArgs, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add(args) => {
            let role: Role = accepted!(args.role.parse().map_err(StoreError::from));
            let store = db.open().await?;
            let user = accepted!(store.add_user(&db.actor(), &args.username, role).await);
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
