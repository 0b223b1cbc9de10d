//! The page shell every HTML page shares (templates/layout.html): who is logged in, their
//! role and sites, the page language (with the language switch), the study navigation and a
//! one-line flash message. Templates reach the message catalogue through `shell.t(…)`.

use sledger_store::{Permission, Study};

use crate::ui::i18n::{Lang, t};
use crate::ui::viewer::Viewer;

/// The logged-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct ShellUser {
    pub username: String,
    /// The role's localized name.
    pub role: String,
    /// The sites, comma-separated; "all sites" for an admin.
    pub sites: String,
}

/// The study navigation (dashboard, reports, audit).
#[derive(Debug, Clone)]
pub struct StudyNav {
    pub code: String,
    pub title: String,
    /// The audit link is shown only to roles the store lets read the audit trail.
    pub audit: bool,
    /// The protocol randomizes (a trial): the trial report and randomized counts apply.
    pub randomized: bool,
}

/// The layout's context.
#[derive(Debug, Clone)]
pub struct Shell {
    pub lang: Lang,
    pub user: Option<ShellUser>,
    pub study: Option<StudyNav>,
    pub flash: Option<String>,
    /// The page's own path: the language switch returns here.
    pub path: String,
    /// The page title (already localized).
    pub title: String,
}

impl Shell {
    /// The shell of a page nobody is logged in to (login, some error pages).
    pub fn anonymous(lang: Lang, title: String) -> Shell {
        Shell {
            lang,
            user: None,
            study: None,
            flash: None,
            path: "/".to_owned(),
            title,
        }
    }

    /// The shell of a logged-in page.
    pub fn for_viewer(viewer: &Viewer, title: String) -> Shell {
        let lang = viewer.lang;
        let sites = if viewer.sites.is_empty() {
            t(lang, "sites-all", &[])
        } else {
            viewer.sites.join(", ")
        };
        Shell {
            lang,
            user: Some(ShellUser {
                username: viewer.username().to_owned(),
                role: t(lang, &format!("role-{}", viewer.role.code()), &[]),
                sites,
            }),
            study: None,
            flash: None,
            path: viewer.path.clone(),
            title,
        }
    }

    /// Adds the navigation of `study`.
    pub fn with_study(mut self, viewer: &Viewer, study: &Study) -> Shell {
        self.study = Some(StudyNav {
            code: study.code.clone(),
            title: study.title.clone(),
            audit: viewer.may(Permission::ReadAudit),
            randomized: study.protocol.randomization().is_some(),
        });
        self
    }

    /// The message `id` in the page language.
    pub fn t(&self, id: &str) -> String {
        t(self.lang, id, &[])
    }

    /// The message `id` with one argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        t(self.lang, id, &[(name, value)])
    }

    /// The `?v=` of asset URLs.
    pub fn asset_version(&self) -> &'static str {
        crate::ui::assets::VERSION
    }

    /// The `<html lang>` code.
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}
