//! The demo logins of `sledger demo` (issue #7 item 4, UI contract "Demo logins"): one user
//! per role the UI distinguishes, all with the password [`PASSWORD`], granted every demo site,
//! `coordinadora` preferring Spanish. A demo on this machine only: never a production setup.

use sledger_store::{Actor, Role, Store};

/// The password of every demo login.
pub const PASSWORD: &str = "sledger-demo";

/// The sites of the two demo studies (VLD: the index study; HCUV, HURH: the trial).
pub const SITES: [&str; 3] = ["VLD", "HCUV", "HURH"];

/// The administrator, registered first: the demo writes everything as them.
pub const ADMIN: &str = "admin";

/// The other logins: username, role, preferred language.
pub const LOGINS: [(&str, Role, Option<&str>); 5] = [
    ("investigator", Role::Investigator, None),
    ("coordinator", Role::Coordinator, None),
    ("monitor", Role::Monitor, None),
    ("statistician", Role::Statistician, None),
    ("coordinadora", Role::Coordinator, Some("es")),
];

/// Registers the admin (while no user exists anyone may) and returns them as the actor.
pub async fn add_admin(store: &Store) -> anyhow::Result<Actor> {
    let actor = Actor(ADMIN.to_owned());
    store.add_user(&actor, ADMIN, Role::Admin).await?;
    store.set_password(&actor, ADMIN, PASSWORD).await?;
    Ok(actor)
}

/// Registers the other logins, as the admin `actor`.
pub async fn add_logins(store: &Store, actor: &Actor) -> anyhow::Result<()> {
    for (username, role, language) in LOGINS {
        store.add_user(actor, username, role).await?;
        store.set_password(actor, username, PASSWORD).await?;
        for site in SITES {
            store.grant_site(actor, username, site).await?;
        }
        if let Some(language) = language {
            store.set_language(actor, username, language).await?;
        }
    }
    Ok(())
}
