//! `lsms.yaml`: the store's settings.

use crate::error::{Error, Result};
use crate::model::{STANDARD_CATEGORIES, Vocab};
use chrono_tz::Tz;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    trust: String,
    timezone: Option<String>,
    sites: Option<Vec<String>>,
    team: Option<Vec<String>>,
    categories: Option<Vec<String>>,
    git: Option<Git>,
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
    pub categories: Vec<String>,
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
        let help = "lsms.yaml takes trust, timezone, sites, team, categories and git: { commit: true|false }";
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
        let mut categories: Vec<String> = STANDARD_CATEGORIES.iter().map(|s| s.to_string()).collect();
        for c in f.categories.iter().flatten() {
            let c = c.trim();
            let ok =
                !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(at(
                    "categories",
                    format!(
                        "category '{c}' should be lower-case words joined by dashes, like lone-worker-alarm"
                    ),
                ));
            }
            if !categories.iter().any(|k| k == c) {
                categories.push(c.to_string());
            }
        }
        let clean = |xs: Option<Vec<String>>| {
            xs.map(|v| {
                v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>()
            })
        };
        Ok(Config {
            trust: f.trust.trim().to_string(),
            tz,
            sites: clean(f.sites),
            team: clean(f.team),
            categories,
            git_commit: f.git.is_some_and(|g| g.commit),
        })
    }

    pub fn vocab(&self) -> Vocab {
        Vocab { categories: self.categories.clone(), sites: self.sites.clone() }
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
