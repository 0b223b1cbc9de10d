//! The UI's languages (issue #7 item 2, DESIGN §8): English and Spanish, every user-visible
//! string looked up by message id in `locales/{en,es}/*.ftl`, embedded in the binary at build
//! time (fluent-templates' `static_loader!`). The page language is the user's stored choice,
//! else the browser's `Accept-Language`, else English.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Plain text in HTML: no Unicode isolation marks around arguments.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static ES: LanguageIdentifier = langid!("es");

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Every language the UI speaks.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The code in `<html lang>`, the language form and the store (`en`, `es`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language of a code (`en`, `es`, or a tag such as `es-ES`); `None` for others.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim();
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else {
            None
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Es => &ES,
        }
    }
}

/// The message `id` in `lang`. A missing id shows as the id itself (and the unit test
/// `every_message_exists_in_both_languages` keeps that from shipping).
pub fn t(lang: Lang, id: &str, args: &[(&str, &str)]) -> String {
    let found = if args.is_empty() {
        LOCALES.lookup_single_language::<&str>(lang.id(), id, None)
    } else {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                (
                    Cow::Owned((*k).to_owned()),
                    FluentValue::from(v.to_string()),
                )
            })
            .collect();
        LOCALES.lookup_single_language(lang.id(), id, Some(&map))
    };
    found.unwrap_or_else(|_| {
        tracing::warn!(id, lang = lang.code(), "missing UI message");
        id.to_owned()
    })
}

/// The message `id` in `lang` when there is one, else `fallback` — for names that only
/// sometimes have a message (the inputs a live score still needs).
pub fn t_or(lang: Lang, id: &str, fallback: &str) -> String {
    LOCALES
        .lookup_single_language::<&str>(lang.id(), id, None)
        .unwrap_or_else(|_| fallback.to_owned())
}

/// The best of our languages for an `Accept-Language` header (RFC 9110 §12.5.4): the
/// acceptable tag with the highest q-value that we speak (ties: the earlier in the header;
/// `q=0` means "not this one"); `None` when none is ours or the header is unreadable.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for entry in header.split(',') {
        let mut parts = entry.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let mut q = 1.0_f32;
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                q = value.trim().parse().unwrap_or(0.0);
            }
        }
        if !(q > 0.0 && q <= 1.0) {
            continue;
        }
        let Some(lang) = Lang::from_tag(tag) else {
            continue;
        };
        if best.is_none_or(|(_, best_q)| q > best_q) {
            best = Some((lang, q));
        }
    }
    best.map(|(lang, _)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The messages of one language's .ftl files (lines `id = …`; terms `-x` and attributes
    /// `.x` are not messages) with the variables (`$name`) each one uses.
    fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut messages = BTreeMap::new();
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for line in text.lines() {
                let Some((id, value)) = line.split_once('=') else {
                    continue;
                };
                let id = id.trim_end();
                let is_id = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if is_id && !line.starts_with(char::is_whitespace) {
                    let variables = value
                        .split('$')
                        .skip(1)
                        .map(|rest| {
                            rest.chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect::<String>()
                        })
                        .collect();
                    messages.insert(id.to_owned(), variables);
                }
            }
        }
        messages
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let en = messages("en");
        let es = messages("es");
        assert!(en.len() > 20, "English messages found: {}", en.len());
        let only_en: Vec<_> = en.keys().filter(|id| !es.contains_key(*id)).collect();
        let only_es: Vec<_> = es.keys().filter(|id| !en.contains_key(*id)).collect();
        assert!(only_en.is_empty(), "missing in Spanish: {only_en:?}");
        assert!(only_es.is_empty(), "missing in English: {only_es:?}");
        for (id, variables) in &en {
            assert_eq!(Some(variables), es.get(id), "{id}: the same variables");
            // The embedded bundle resolves it in each language itself (no fallback).
            let args: HashMap<&str, FluentValue> = variables
                .iter()
                .map(|v| (v.as_str(), FluentValue::from("x")))
                .collect();
            for lang in Lang::ALL {
                let found = LOCALES.lookup_single_language(lang.id(), id, Some(&args));
                assert!(found.is_ok(), "{id} in {}: {found:?}", lang.code());
            }
        }
    }

    #[test]
    fn looks_up_in_the_page_language_with_arguments() {
        assert_eq!(t(Lang::En, "nav-reports", &[]), "Reports");
        assert_eq!(t(Lang::Es, "nav-reports", &[]), "Informes");
        let en = t(Lang::En, "login-locked", &[("seconds", "42")]);
        assert!(en.contains("42"), "{en}");
        assert_eq!(t(Lang::Es, "no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn accept_language_takes_the_highest_q_value_we_speak() {
        assert_eq!(from_accept_language("es"), Some(Lang::Es));
        assert_eq!(from_accept_language("es-ES,es;q=0.9"), Some(Lang::Es));
        assert_eq!(
            from_accept_language("fr-FR, en;q=0.5, es;q=0.8"),
            Some(Lang::Es)
        );
        assert_eq!(
            from_accept_language("en-GB;q=0.9, es;q=0.9"),
            Some(Lang::En)
        );
        assert_eq!(from_accept_language("es;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(from_accept_language("fr, de;q=0.8"), None);
        assert_eq!(from_accept_language("es;q=abc"), None);
        assert_eq!(from_accept_language("es;q=1.5"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language("ES_es"), Some(Lang::Es));
    }
}
