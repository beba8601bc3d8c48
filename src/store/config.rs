//! `lsms.yaml`: the store's settings.

use crate::error::{Error, Result};
use crate::model::notify::CdaoRule;
use crate::model::retention::Retention;
use crate::model::team::Leavers;
use crate::model::{Asset, STANDARD_CATEGORIES, STANDARD_FLAGS, Vocab};
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
    cdao: Option<serde_yaml::Value>,
    marking: Option<String>,
    git: Option<Git>,
    retention: Option<RetentionFile>,
    intake: Option<IntakeFile>,
    encryption: Option<EncryptionFile>,
}

/// `retention:`: the standard years, where they run from, and the rules
/// that change them for some records (the longest that matches applies).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionFile {
    years: Option<u32>,
    from: Option<String>,
    rules: Option<Vec<RuleFile>>,
}

/// `intake:`: reports by email (`lsms intake`, `close --tell-reporter`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntakeFile {
    rules: Option<Vec<IntakeRuleFile>>,
    anonymous: Option<Vec<String>>,
    staff_domains: Option<Vec<String>>,
    from: Option<String>,
    send: Option<String>,
    outbox: Option<String>,
    contact: Option<String>,
    acknowledgement: Option<TemplateFile>,
    outcome: Option<TemplateFile>,
    tell_reporter: Option<bool>,
    tell_within_working_days: Option<u32>,
    max_attachment_mb: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    name: Option<String>,
    years: u32,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    harm: Vec<String>,
    #[serde(default)]
    riddor: Vec<String>,
    #[serde(default)]
    flags: Vec<String>,
}

/// `retention:` checked against the store's words; absent, the standard
/// periods (10 years from closing, 20 for serious incidents).
fn retention(f: Option<RetentionFile>, categories: &[String], flags: &[String]) -> Result<Retention, String> {
    use crate::model::retention::{Rule, Start};
    use crate::model::{Harm, RiddorStatus};
    let mut r = Retention::default();
    let Some(f) = f else { return Ok(r) };
    let years = |n: u32, what: &str| {
        if (1..=100).contains(&n) {
            Ok(n)
        } else {
            Err(format!("{what} should be a whole number of years from 1 to 100, not {n}"))
        }
    };
    if let Some(n) = f.years {
        r.years = years(n, "retention.years")?;
    }
    if let Some(from) = &f.from {
        r.from = Start::parse(from).map_err(|m| format!("retention.from: {m}"))?;
    }
    if let Some(rules) = f.rules {
        let word = |what: &str, w: &str, known: &[String]| {
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            known.iter().find(|k| k.eq_ignore_ascii_case(w.trim())).cloned().ok_or_else(|| {
                format!("retention.rules: {}", crate::model::unknown_word(what, w.trim(), &names))
            })
        };
        r.rules = rules
            .into_iter()
            .map(|x| {
                let rule = Rule {
                    name: String::new(),
                    years: years(x.years, "retention.rules: years")?,
                    categories: x.categories.iter().map(|c| word("category", c, categories)).collect::<Result<_, _>>()?,
                    harm: x.harm.iter().map(|h| Harm::parse(h).map_err(|m| format!("retention.rules: {m}"))).collect::<Result<_, _>>()?,
                    riddor: x.riddor.iter().map(|h| RiddorStatus::parse(h).map_err(|m| format!("retention.rules: {m}"))).collect::<Result<_, _>>()?,
                    flags: x.flags.iter().map(|f| word("flag", f, flags)).collect::<Result<_, _>>()?,
                };
                if rule.condition().is_empty() {
                    return Err(format!(
                        "retention.rules: a rule of {} years names no categories, harm, riddor or flags, so it would apply to every record: set retention.years instead",
                        rule.years
                    ));
                }
                let name = x.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                if name.as_deref().is_some_and(|n| !crate::model::text::is_one_line(n)) {
                    return Err("retention.rules: a rule's name should be one line".into());
                }
                Ok(Rule { name: name.unwrap_or_else(|| rule.condition()), ..rule })
            })
            .collect::<Result<_, String>>()?;
    }
    Ok(r)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IntakeRuleFile {
    category: String,
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    subject: Option<String>,
    body: Option<String>,
}

/// How a message goes out: a sendmail-compatible command (given the
/// message on its standard input), or a Maildir to leave it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Send {
    Command(Vec<String>),
    Outbox(std::path::PathBuf),
}

/// A message's template: its subject and its text, `{reference}` and the
/// rest filled in (`model::intake::PLACES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// The settings of reports by email, with their defaults.
#[derive(Debug, Clone)]
pub struct Intake {
    pub rules: Vec<crate::model::intake::Rule>,
    /// Relay addresses (lower case): a message from one is anonymous.
    pub anonymous: Vec<String>,
    /// Domains (lower case) whose senders are staff.
    pub staff_domains: Vec<String>,
    /// The From of what lsms sends: `LSMS <lsms@trust.nhs.uk>`.
    pub from: Option<String>,
    pub send: Option<Send>,
    pub contact: String,
    pub acknowledgement: Template,
    pub outcome: Template,
    /// `close` tells the reporter without being asked.
    pub tell_reporter: bool,
    /// Working days after the closing by which the reporter is told.
    pub tell_within_working_days: u32,
    /// The largest attachment taken, in bytes.
    pub max_attachment: u64,
}

impl Default for Intake {
    fn default() -> Intake {
        use crate::model::intake::*;
        Intake {
            rules: Vec::new(),
            anonymous: Vec::new(),
            staff_domains: Vec::new(),
            from: None,
            send: None,
            contact: "the Local Security Management Specialist".into(),
            acknowledgement: Template { subject: ACK_SUBJECT.into(), body: ACK_BODY.into() },
            outcome: Template { subject: OUTCOME_SUBJECT.into(), body: OUTCOME_BODY.into() },
            tell_reporter: false,
            tell_within_working_days: 5,
            max_attachment: 64 << 20,
        }
    }
}

/// `encryption: { sealed: true, recipients: { NAME: PUBLIC-KEY } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncryptionFile {
    #[serde(default)]
    sealed: bool,
    recipients: Option<serde_yaml::Mapping>,
}

/// Sealing personal data at rest (`encryption:`): whether the store's
/// files are written sealed, and who can open them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Encryption {
    /// Personal values are written sealed (`lsms seal`; `lsms unseal` ends it).
    pub sealed: bool,
    /// The recipients, by name, each with their public key as written.
    pub recipients: Vec<(String, String)>,
}

/// A recipient's name: a word a person can type (letters, digits, `.`, `_`, `-`).
pub fn check_recipient_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !name.starts_with(['-', '.']);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' is not a recipient's name lsms takes: use letters, digits, '.', '_' or '-' (a login such as jfowlis)"
        ))
    }
}

fn encryption(e: Option<EncryptionFile>) -> Result<Encryption, String> {
    let Some(e) = e else { return Ok(Encryption::default()) };
    let mut recipients: Vec<(String, String)> = Vec::new();
    for (k, v) in e.recipients.unwrap_or_default() {
        let (Some(name), Some(key)) = (k.as_str(), v.as_str()) else {
            return Err("encryption: recipients: each entry is NAME: PUBLIC-KEY".into());
        };
        check_recipient_name(name).map_err(|m| format!("encryption: recipients: {m}"))?;
        crate::seal::Recipient::parse(key).map_err(|m| format!("encryption: recipients: {name}: {m}"))?;
        if recipients.iter().any(|(_, k)| k.trim() == key.trim()) {
            return Err(format!("encryption: recipients: {name}'s key is given twice"));
        }
        recipients.push((name.to_string(), key.trim().to_string()));
    }
    if e.sealed && recipients.is_empty() {
        return Err("encryption: the store is sealed but has no recipients: no one could open it".into());
    }
    Ok(Encryption { sealed: e.sealed, recipients })
}

/// A `team:` entry: a name, or `{ name, email, left }` (the email goes on
/// the member's git commits; `left` is the day they left the team).
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
    left: Option<String>,
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
    /// Every member named under `team:`, those who have left too (they
    /// stay names the history may hold); `leavers` says who left when.
    pub team: Option<Vec<String>>,
    /// Team members who have left, from `team: [{ name, left: DATE }]`.
    pub leavers: Leavers,
    /// Team members' emails, by name, from `team: [{ name, email }]`.
    pub emails: Vec<(String, String)>,
    pub categories: Vec<String>,
    /// `STANDARD_FLAGS` and the trust's own from `flags:`.
    pub flags: Vec<String>,
    /// When the CDAO must be told of a theft or loss of drugs (`None`: the
    /// trust turned the rule off with `cdao: false`).
    pub cdao: Option<CdaoRule>,
    /// The Government Security Classification marking printed on the
    /// board pack and spreadsheets: `OFFICIAL` unless `marking:` says
    /// `OFFICIAL-SENSITIVE`.
    pub marking: String,
    pub git_commit: bool,
    /// How long records are kept (`retention:`): what `due` reviews and
    /// `dispose` follows.
    pub retention: Retention,
    /// Reports by email (`intake:`).
    pub intake: Intake,
    pub encryption: Encryption,
}

/// The markings lsms prints: the two of the OFFICIAL tier.
pub const MARKINGS: [&str; 2] = ["OFFICIAL", "OFFICIAL-SENSITIVE"];

/// A marking as given (any case, spaces or dashes), in its printed form.
pub fn parse_marking(s: &str) -> Result<String, String> {
    let t = s.trim().to_ascii_uppercase().replace([' ', '_'], "-");
    MARKINGS.iter().find(|m| **m == t).map(|m| m.to_string()).ok_or_else(|| {
        format!("marking '{}' is not one lsms prints: use OFFICIAL or OFFICIAL-SENSITIVE", s.trim())
    })
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

const CDAO_FORM: &str = "write it like `cdao: { within_working_days: 1, categories: [theft], assets: [drugs, prescription-forms] }`, or `cdao: false` to turn the rule off";

/// `cdao:`: absent or `true` is the standard rule, `false` none; a mapping
/// changes the parts it names.
fn cdao_rule(v: Option<&serde_yaml::Value>, categories: &[String]) -> Result<Option<CdaoRule>, String> {
    use serde_yaml::Value;
    let mut rule = CdaoRule::default();
    let map = match v {
        None | Some(Value::Null | Value::Bool(true)) => return Ok(Some(rule)),
        Some(Value::Bool(false)) => return Ok(None),
        Some(Value::Mapping(m)) => m,
        Some(_) => return Err(format!("cdao: not a rule: {CDAO_FORM}")),
    };
    let words = |key: &str, v: &Value| -> Result<Vec<String>, String> {
        let items = match v {
            Value::Sequence(items) => items.as_slice(),
            _ => return Err(format!("cdao.{key} should be a list, like [theft]")),
        };
        items
            .iter()
            .map(|x| {
                x.as_str().map(|s| s.trim().to_string()).ok_or(format!("cdao.{key}: each should be a word"))
            })
            .collect()
    };
    for (k, v) in map {
        match k.as_str().unwrap_or_default() {
            "within_working_days" => {
                rule.within_working_days =
                    v.as_u64().filter(|n| (1..=20).contains(n)).and_then(|n| u32::try_from(n).ok()).ok_or(
                        "cdao.within_working_days should be a whole number of working days from 1 to 20",
                    )?;
            }
            "categories" => {
                rule.categories = words("categories", v)?
                    .into_iter()
                    .map(|c| {
                        let names: Vec<&str> = categories.iter().map(String::as_str).collect();
                        categories.iter().find(|k| k.eq_ignore_ascii_case(&c)).cloned().ok_or_else(|| {
                            format!("cdao.categories: {}", crate::model::unknown_word("category", &c, &names))
                        })
                    })
                    .collect::<Result<_, _>>()?;
            }
            "assets" => {
                rule.assets = words("assets", v)?
                    .iter()
                    .map(|a| Asset::parse(a).map_err(|e| format!("cdao.assets: {e}")))
                    .collect::<Result<_, _>>()?;
                if rule.assets.is_empty() {
                    return Err("cdao.assets is empty, so the rule would never apply: write `cdao: false` to turn it off".into());
                }
            }
            other => {
                return Err(format!(
                    "cdao: unknown key `{other}`: it takes within_working_days, categories and assets; {CDAO_FORM}"
                ));
            }
        }
    }
    Ok(Some(rule))
}

/// `intake:` checked: each rule's category one the store knows, each
/// template's places known, one way to send at most, and a From to send
/// with. `path` is lsms.yaml's, for a relative outbox.
fn intake(f: Option<IntakeFile>, categories: &[String], path: &str) -> Result<Intake, String> {
    use crate::model::intake::{Rule, check_template};
    let mut out = Intake::default();
    let Some(f) = f else { return Ok(out) };
    for r in f.rules.unwrap_or_default() {
        let names: Vec<&str> = categories.iter().map(String::as_str).collect();
        let category =
            categories.iter().find(|k| k.eq_ignore_ascii_case(r.category.trim())).cloned().ok_or_else(
                || format!("intake.rules: {}", crate::model::unknown_word("category", &r.category, &names)),
            )?;
        let words: Vec<String> =
            r.words.iter().map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Err(format!(
                "intake.rules: the rule for {category} has no words: give words: [punched, hit]"
            ));
        }
        out.rules.push(Rule { category, words });
    }
    let lower = |v: Option<Vec<String>>| -> Vec<String> {
        v.unwrap_or_default().iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect()
    };
    out.anonymous = lower(f.anonymous);
    out.staff_domains =
        lower(f.staff_domains).into_iter().map(|d| d.trim_start_matches('@').to_string()).collect();
    if let Some(from) = f.from.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        if from.contains(['\n', '\r']) || !from.contains('@') {
            return Err(format!(
                "intake.from: '{from}' is not an address: write it like 'Trust LSMS <lsms@trust.nhs.uk>'"
            ));
        }
        out.from = Some(from);
    }
    out.send = match (f.send.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()), f.outbox) {
        (Some(_), Some(_)) => return Err("intake: give send or outbox, not both".into()),
        (Some(cmd), None) => Some(Send::Command(cmd.split_whitespace().map(String::from).collect())),
        (None, Some(dir)) => {
            let dir = std::path::PathBuf::from(dir.trim());
            let base = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new("."));
            Some(Send::Outbox(if dir.is_absolute() { dir } else { base.join(dir) }))
        }
        (None, None) => None,
    };
    if out.send.is_some() && out.from.is_none() {
        return Err(
            "intake: a way to send is given but no `from:`: write from: 'Trust LSMS <lsms@trust.nhs.uk>'"
                .into(),
        );
    }
    if let Some(c) = f.contact {
        out.contact = c.trim().to_string();
    }
    for (key, given, t) in [
        ("acknowledgement", f.acknowledgement, &mut out.acknowledgement),
        ("outcome", f.outcome, &mut out.outcome),
    ] {
        let Some(given) = given else { continue };
        if let Some(s) = given.subject {
            if s.contains(['\n', '\r']) {
                return Err(format!("intake.{key}.subject should be one line"));
            }
            t.subject = s.trim().to_string();
        }
        if let Some(b) = given.body {
            t.body = b;
        }
        check_template(&t.subject)
            .and_then(|()| check_template(&t.body))
            .map_err(|m| format!("intake.{key}: {m}"))?;
    }
    if let Some(b) = f.tell_reporter {
        if b && out.send.is_none() {
            return Err("intake: tell_reporter: true needs a way to send: add send: 'sendmail -t -i' (or outbox: DIR)".into());
        }
        out.tell_reporter = b;
    }
    if let Some(n) = f.tell_within_working_days {
        if !(1..=60).contains(&n) {
            return Err(
                "intake.tell_within_working_days should be a whole number of working days from 1 to 60"
                    .into(),
            );
        }
        out.tell_within_working_days = n;
    }
    if let Some(mb) = f.max_attachment_mb {
        if !(1..=4096).contains(&mb) {
            return Err("intake.max_attachment_mb should be from 1 to 4096 (megabytes)".into());
        }
        out.max_attachment = mb << 20;
    }
    Ok(out)
}

impl Config {
    /// Reads the text of `lsms.yaml`; `path` is for messages.
    pub fn parse(path: &str, src: &str) -> Result<Config> {
        let help = "lsms.yaml takes trust, timezone, sites, team (names, or { name, email, left } entries), categories, flags, cdao, marking (OFFICIAL or OFFICIAL-SENSITIVE), retention ({ years, from, rules }), git: { commit: true|false }, intake (reports by email: rules, anonymous, staff_domains, from, send, outbox, contact, acknowledgement, outcome, tell_reporter, tell_within_working_days, max_attachment_mb) and encryption: { sealed, recipients }";
        // A byte-order mark is read as YAML readers read it, and the
        // nesting is bounded before the parser sees the text.
        let (body, bom) = crate::codec::load::strip_bom(src);
        crate::codec::load::check_depth(body).map_err(|e| {
            Error::in_file(
                path,
                crate::codec::load::excerpt(src, e.offset + bom),
                e.offset + bom,
                format!("lsms.yaml is not valid: {}", e.message),
                Some(help.into()),
            )
        })?;
        let f: File = serde_yaml::from_str(body).map_err(|e| {
            let off = e.location().map_or(0, |l| l.index() + bom);
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
        let cdao = cdao_rule(f.cdao.as_ref(), &categories).map_err(|m| at("cdao", m))?;
        let clean = |xs: Option<Vec<String>>| {
            xs.map(|v| {
                v.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>()
            })
        };
        let mut emails = Vec::new();
        let mut leavers = Vec::new();
        let team = f.team.map(|members| {
            members
                .into_iter()
                .map(|m| match m {
                    Member::Name(n) => Ok(n),
                    Member::Full(FullMember { name, email, left }) => {
                        if let Some(left) = left {
                            let day = crate::model::time::parse_date(&left)
                                .map_err(|m| at("team", format!("team: {}'s `left:` {m}", name.trim())))?;
                            leavers.push((name.trim().to_string(), day));
                        }
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
        let marking = match &f.marking {
            None => MARKINGS[0].to_string(),
            Some(m) => parse_marking(m).map_err(|e| at("marking", e))?,
        };
        let retention = retention(f.retention, &categories, &flags).map_err(|m| at("retention", m))?;

        let intake = intake(f.intake, &categories, path).map_err(|m| at("intake", m))?;
        Ok(Config {
            retention,
            intake,
            trust: f.trust.trim().to_string(),
            tz,
            sites: clean(f.sites),
            team: clean(team),
            emails,
            leavers: Leavers(leavers),
            categories,
            flags,
            cdao,
            marking,
            git_commit: f.git.is_some_and(|g| g.commit),
            encryption: encryption(f.encryption).map_err(|m| at("encryption", m))?,
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
        assert_eq!(c.cdao, Some(CdaoRule::default()));
    }

    #[test]
    fn the_cdao_rule_is_changed_in_part_turned_off_or_named_where_wrong() {
        let c = Config::parse(
            "lsms.yaml",
            "trust: T\ncategories: [drugs-discrepancy]\ncdao: { within_working_days: 2, categories: [Theft, drugs-discrepancy] }\n",
        )
        .unwrap();
        let rule = c.cdao.unwrap();
        assert_eq!(rule.within_working_days, 2);
        assert_eq!(rule.categories, ["theft", "drugs-discrepancy"]);
        assert_eq!(rule.assets, CdaoRule::default().assets);
        assert_eq!(Config::parse("lsms.yaml", "trust: T\ncdao: false\n").unwrap().cdao, None);
        for (text, says) in [
            ("cdao: { within_working_days: 0 }", "from 1 to 20"),
            ("cdao: { categories: [theif] }", "unknown category 'theif' (did you mean 'theft'?)"),
            ("cdao: { assets: [drug] }", "unknown asset 'drug' (did you mean 'drugs'?)"),
            ("cdao: { assets: [] }", "cdao: false"),
            ("cdao: { within: 1 }", "unknown key `within`"),
            ("cdao: soon", "not a rule"),
        ] {
            let e = Config::parse("lsms.yaml", &format!("trust: T\n{text}\n")).unwrap_err().to_string();
            assert!(e.starts_with("lsms.yaml:2:1: cdao"), "{text}: {e}");
            assert!(e.contains(says), "{text}: {says:?} in {e}");
        }
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
    fn a_team_member_marked_left_stays_on_the_team_with_the_day_they_left() {
        let c = Config::parse(
            "lsms.yaml",
            "trust: T\nteam: [jfowlis, { name: asmith, left: 2026-03-31 }, { name: kdunn, email: k@nhs.net, left: 1/4/2026 }]\n",
        )
        .unwrap();
        assert_eq!(c.team.as_deref(), Some(&["jfowlis".to_string(), "asmith".into(), "kdunn".into()][..]));
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(c.leavers.left_on("ASMITH"), Some(day("2026-03-31")));
        assert_eq!(c.leavers.left_on("kdunn"), Some(day("2026-04-01")), "day first, as dates are typed");
        assert_eq!(c.leavers.left_on("jfowlis"), None);
        assert_eq!(c.email_of("kdunn"), Some("k@nhs.net"));
        let e = Config::parse("lsms.yaml", "trust: T\nteam: [{ name: a, left: 3/31/2026 }]\n").unwrap_err();
        assert!(
            e.to_string().starts_with("lsms.yaml:2:1: team: a's `left:` '3/31/2026' has no month 31"),
            "{e}"
        );
    }

    #[test]
    fn retention_periods_are_set_by_years_start_and_rules_or_named_where_wrong() {
        let c = Config::parse("lsms.yaml", "trust: T\n").unwrap();
        assert_eq!(c.retention, Retention::default());
        let c = Config::parse(
            "lsms.yaml",
            "trust: T\nretention:\n  years: 8\n  from: occurred\n  rules:\n    - { name: assault, years: 15, categories: [Physical-Assault] }\n    - { years: 25, flags: [sexual], harm: [severe] }\n",
        )
        .unwrap();
        let r = &c.retention;
        assert_eq!((r.years, r.from.as_str(), r.rules.len()), (8, "occurred", 2));
        assert_eq!(r.rules[0].categories, ["physical-assault"]);
        assert_eq!(
            r.rules[1].name, "harm severe and flag sexual",
            "a rule without a name is named by what it matches"
        );
        for (text, says) in [
            ("retention: { years: 0 }", "from 1 to 100"),
            ("retention: { from: opened }", "closed or occurred"),
            ("retention: { rules: [{ years: 20, harm: [sever] }] }", "did you mean 'severe'"),
            ("retention: { rules: [{ years: 20, categories: [theif] }] }", "did you mean 'theft'"),
            ("retention: { rules: [{ years: 20 }] }", "would apply to every record"),
            ("retention: { rules: [{ years: 20, flag: [weapon] }] }", "unknown field `flag`"),
        ] {
            let e = Config::parse("lsms.yaml", &format!("trust: T\n{text}\n")).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {says:?} in {e}");
        }
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
