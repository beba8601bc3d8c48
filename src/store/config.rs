//! `lsms.yaml`: the store's settings.

use crate::error::{Error, Result};
use crate::model::{STANDARD_CATEGORIES, STANDARD_FLAGS, Vocab};
use chrono_tz::Tz;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    trust: String,
    timezone: Option<String>,
    sites: Option<Vec<String>>,
    team: Option<Vec<Member>>,
    categories: Option<Vec<String>>,
    flags: Option<Vec<String>>,
    git: Option<Git>,
}

/// A `team:` entry: a name, or `{ name, email }` (the email goes on the
/// member's git commits).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Member {
    Name(String),
    Full(FullMember),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FullMember {
    name: String,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Git {
    #[serde(default)]
    commit: bool,
}

/// The settings, checked and with defaults filled in.
#[derive(Debug, Clone)]
pub struct Config {
    pub trust: String,
    pub tz: Tz,
    pub sites: Option<Vec<String>>,
    pub team: Option<Vec<String>>,
    /// Team members' emails, by name, from `team: [{ name, email }]`.
    pub emails: Vec<(String, String)>,
    pub categories: Vec<String>,
    /// `STANDARD_FLAGS` and the trust's own from `flags:`.
    pub flags: Vec<String>,
    pub git_commit: bool,
}

pub const DEFAULT_TZ: Tz = chrono_tz::Europe::London;

/// Finds the byte offset of a top-level `key:` in `src`, for messages.
fn key_offset(src: &str, key: &str) -> usize {
    let mut off = 0;
    for line in src.split_inclusive('\n') {
        if line.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')) {
            return off;
        }
        off += line.len();
    }
    0
}

pub fn parse_tz(name: &str) -> Result<Tz, String> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| format!("unknown time zone '{name}': use an IANA name such as Europe/London"))
}

impl Config {
    /// Reads the text of `lsms.yaml`; `path` is for messages.
    pub fn parse(path: &str, src: &str) -> Result<Config> {
        let help = "lsms.yaml takes trust, timezone, sites, team (names, or { name, email } entries), categories, flags and git: { commit: true|false }";
        let f: File = serde_yaml::from_str(src).map_err(|e| {
            let off = e.location().map_or(0, |l| l.index());
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Error::in_file(path, src, off, format!("lsms.yaml is not valid: {msg}"), Some(help.into()))
        })?;
        let at = |key: &str, msg: String| Error::in_file(path, src, key_offset(src, key), msg, None);
        if f.trust.trim().is_empty() {
            return Err(at("trust", "`trust` is empty: name the trust".into()));
        }
        let tz = match &f.timezone {
            None => DEFAULT_TZ,
            Some(name) => parse_tz(name).map_err(|m| at("timezone", m))?,
        };
        // The standard words, then the trust's own: each lower-case words
        // joined by dashes.
        let words = |key: &str, what: &str, like: &str, standard: &[&str], own: &Option<Vec<String>>| {
            let mut out: Vec<String> = standard.iter().map(|s| s.to_string()).collect();
            for c in own.iter().flatten() {
                let c = c.trim();
                let ok = !c.is_empty()
                    && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(at(
                        key,
                        format!("{what} '{c}' should be lower-case words joined by dashes, like {like}"),
                    ));
                }
                if !out.iter().any(|k| k == c) {
                    out.push(c.to_string());
                }
            }
            Ok(out)
        };
        let categories =
            words("categories", "category", "lone-worker-alarm", STANDARD_CATEGORIES, &f.categories)?;
        let flags = words("flags", "flag", "spitting", STANDARD_FLAGS, &f.flags)?;
        let clean = |xs: Option<Vec<String>>| {
            xs.map(|v| {
                v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>()
            })
        };
        let mut emails = Vec::new();
        let team = f.team.map(|members| {
            members
                .into_iter()
                .map(|m| match m {
                    Member::Name(n) => Ok(n),
                    Member::Full(FullMember { name, email }) => {
                        if let Some(e) = email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty()) {
                            if e.contains(['<', '>', '\n', '\r']) || !e.contains('@') {
                                return Err(at(
                                    "team",
                                    format!(
                                        "team: '{e}' is not an email address: write it like a.smith@nhs.net"
                                    ),
                                ));
                            }
                            emails.push((name.trim().to_string(), e));
                        }
                        Ok(name)
                    }
                })
                .collect::<Result<Vec<String>>>()
        });
        let team = team.transpose()?;
        Ok(Config {
            trust: f.trust.trim().to_string(),
            tz,
            sites: clean(f.sites),
            team: clean(team),
            emails,
            categories,
            flags,
            git_commit: f.git.is_some_and(|g| g.commit),
        })
    }

    /// The email lsms.yaml gives for a team member (any case of the name).
    pub fn email_of(&self, name: &str) -> Option<&str> {
        self.emails.iter().find(|(n, _)| n.eq_ignore_ascii_case(name.trim())).map(|(_, e)| e.as_str())
    }

    pub fn vocab(&self) -> Vocab {
        Vocab { categories: self.categories.clone(), sites: self.sites.clone(), flags: self.flags.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_with_defaults() {
        let c = Config::parse("lsms.yaml", "trust: T\ncategories: [lone-worker-alarm]\n").unwrap();
        assert_eq!(c.tz, DEFAULT_TZ);
        assert!(c.categories.contains(&"theft".to_string()));
        assert!(c.categories.contains(&"lone-worker-alarm".to_string()));
        assert!(!c.git_commit);
        assert_eq!(c.flags, STANDARD_FLAGS);
    }

    #[test]
    fn a_trust_adds_flags_of_its_own() {
        let c = Config::parse("lsms.yaml", "trust: T\nflags: [spitting, weapon, ' dog ']\n").unwrap();
        assert!(c.flags.starts_with(&STANDARD_FLAGS.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
        assert_eq!(c.flags.iter().filter(|f| *f == "weapon").count(), 1);
        assert!(c.vocab().check_flag("Spitting").is_ok_and(|f| f == "spitting"));
        assert!(c.vocab().check_flag("dog").is_ok());
        let e = Config::parse("lsms.yaml", "trust: T\nflags: [Lone Worker]\n").unwrap_err();
        assert!(
            e.to_string().starts_with("lsms.yaml:2:1: flag 'Lone Worker' should be lower-case words"),
            "{e}"
        );
    }

    #[test]
    fn team_members_are_names_or_name_and_email() {
        let c = Config::parse(
            "lsms.yaml",
            "trust: T\nteam: [jfowlis, { name: asmith, email: a.smith@nhs.net }, { name: kdunn }]\n",
        )
        .unwrap();
        assert_eq!(c.team.as_deref(), Some(&["jfowlis".to_string(), "asmith".into(), "kdunn".into()][..]));
        assert_eq!(c.email_of("ASmith"), Some("a.smith@nhs.net"));
        assert_eq!(c.email_of("jfowlis"), None);
        let e = Config::parse("lsms.yaml", "trust: T\nteam: [{ name: a, email: nope }]\n").unwrap_err();
        assert!(e.to_string().starts_with("lsms.yaml:2:1: team: 'nope' is not an email"), "{e}");
    }

    #[test]
    fn names_the_place_of_a_bad_setting() {
        let e = Config::parse("lsms.yaml", "trust: T\ntimezone: Mars/Olympus\n").unwrap_err();
        assert!(e.to_string().starts_with("lsms.yaml:2:1: unknown time zone"), "{e}");
        let e = Config::parse("lsms.yaml", "trust: T\nsite: [A]\n").unwrap_err();
        assert!(e.to_string().contains("unknown field `site`"), "{e}");
        let e = Config::parse("lsms.yaml", "timezone: UTC\n").unwrap_err();
        assert!(e.to_string().contains("missing field `trust`"), "{e}");
    }
}
