//! The incident record (schema 1): reading it from YAML with every problem
//! named by field, and writing it back in the design's key order.

use super::enums::*;
use super::id::Id;
use super::money::Money;
use super::time::{Stamp, parse_stored, parse_stored_date};
use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};
use uuid::Uuid;

pub const SCHEMA: u64 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Reporter {
    pub name: Option<String>,
    pub party: Party,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub role: Role,
    pub party: Party,
    pub name: Option<String>,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Police {
    pub informed: bool,
    pub crime_ref: Option<String>,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Riddor {
    pub status: RiddorStatus,
    pub basis: Option<String>,
    pub hse_ref: Option<String>,
    pub reported_on: Option<NaiveDate>,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Losses {
    pub estimated: Money,
    pub recovered: Money,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sanction {
    pub class: SanctionClass,
    pub kind: String,
    pub date: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub extra: Mapping,
}

/// A link to another incident (`links:`); `kind` is the key `as`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: Id,
    pub kind: LinkKind,
    pub note: Option<String>,
    pub extra: Mapping,
}

/// A notification made to an outside body (`notified:`); `reference` is
/// the key `ref`. The date's key is `date`, not `on`: a YAML 1.1 reader
/// (PyYAML) reads a bare `on` key as the boolean true.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub to: Authority,
    pub date: NaiveDate,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub extra: Mapping,
}

/// A file held as evidence (`evidence:`), by its content's SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// 64 lower-case hex digits.
    pub sha256: String,
    /// A bare file name: one line, no `/` or `\`, not `.` or `..`, no NUL.
    pub name: String,
    pub size: u64,
    pub added_at: Stamp,
    pub added_by: String,
    pub source: Option<String>,
    pub note: Option<String>,
    pub extra: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: Stamp,
    pub by: String,
    pub action: String,
    pub field: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub detail: Option<String>,
    pub extra: Mapping,
}

/// One incident. `extra` holds the keys the tool does not know, each with
/// the known key it followed in the file, so a rewrite keeps them in place.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: Id,
    pub uuid: Uuid,
    pub status: Status,
    pub category: String,
    pub summary: String,
    pub occurred_at: Stamp,
    pub reported_at: Stamp,
    pub recorded_at: Stamp,
    pub recorded_by: String,
    pub reporter: Option<Reporter>,
    pub site: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub assets: Vec<Asset>,
    pub people: Vec<Person>,
    pub harm: Option<Harm>,
    pub medical_factors: Option<Tri>,
    /// Each one of the store's flags, as the vocabulary spells it.
    pub flags: Vec<String>,
    pub weapon: Option<String>,
    pub police: Option<Police>,
    pub riddor: Option<Riddor>,
    pub losses: Option<Losses>,
    /// References in other systems: (system, reference), in file order.
    pub refs: Vec<(String, String)>,
    pub assignee: Option<String>,
    pub links: Vec<Link>,
    pub notified: Vec<Notice>,
    pub evidence: Vec<Evidence>,
    pub sanctions: Vec<Sanction>,
    pub outcome: Option<Outcome>,
    pub closed_at: Option<Stamp>,
    pub closure_note: Option<String>,
    pub history: Vec<Entry>,
    pub extra: Vec<Extra>,
}

/// A top-level key the tool does not know, kept as it is: after the known
/// key it followed in the file (`None`: at the top), and, where the file
/// held it in a form that reads back as the same value, its lines as
/// written (so a rewrite keeps the person's layout and comments there).
#[derive(Debug, Clone, PartialEq)]
pub struct Extra {
    pub after: Option<&'static str>,
    pub key: Value,
    pub value: Value,
    pub raw: Option<String>,
}

/// The top-level keys in the order they are written.
pub const KEYS: &[&str] = &[
    "schema",
    "id",
    "uuid",
    "status",
    "category",
    "summary",
    "occurred_at",
    "reported_at",
    "recorded_at",
    "recorded_by",
    "reporter",
    "site",
    "location",
    "description",
    "assets",
    "people",
    "harm",
    "medical_factors",
    "flags",
    "weapon",
    "police",
    "riddor",
    "losses",
    "refs",
    "assignee",
    "links",
    "notified",
    "evidence",
    "sanctions",
    "outcome",
    "closed_at",
    "closure_note",
    "history",
];

/// What a record may say, beside the fixed vocabularies: the store's
/// categories and flags and, where it lists them, its sites.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub categories: Vec<String>,
    pub sites: Option<Vec<String>>,
    /// `STANDARD_FLAGS` and lsms.yaml's `flags:`.
    pub flags: Vec<String>,
}

impl Vocab {
    pub fn check_category(&self, c: &str) -> Result<String, String> {
        let t = c.trim();
        self.categories.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.categories.iter().map(String::as_str).collect();
            super::unknown_word("category", c, &names)
        })
    }

    pub fn check_flag(&self, f: &str) -> Result<String, String> {
        let t = f.trim();
        self.flags.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.flags.iter().map(String::as_str).collect();
            super::unknown_word("flag", f, &names) + " (a trust adds its own under `flags:` in lsms.yaml)"
        })
    }

    pub fn check_site(&self, s: &str) -> Result<String, String> {
        let t = s.trim();
        match &self.sites {
            // No list: the site is as given (input trims it before).
            None => super::text::one_line("the site", s).map(|_| s.to_string()),
            Some(sites) => sites.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
                let names: Vec<&str> = sites.iter().map(String::as_str).collect();
                super::unknown_word("site", s, &names) + " (the sites are listed under `sites:` in lsms.yaml)"
            }),
        }
    }
}

/// One thing wrong with a record: the field (`people[1].party`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

/// Reads the fields of one mapping, gathering every problem rather than
/// stopping at the first, and remembering which keys it knew.
struct Fields<'m, 'p> {
    map: &'m Mapping,
    prefix: String,
    problems: &'p mut Vec<Problem>,
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl<'m> Fields<'m, '_> {
    fn at(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn bad(&mut self, key: &str, message: impl Into<String>) {
        let field = self.at(key);
        self.problems.push(Problem { field, message: message.into() });
    }

    fn get(&self, key: &str) -> Option<&'m Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn text(&mut self, key: &str, required: bool) -> Option<String> {
        match self.get(key) {
            None => {
                if required {
                    self.bad(key, format!("`{}` is missing", self.at(key)));
                }
                None
            }
            Some(v) => match scalar_text(v) {
                Some(s) if required && s.trim().is_empty() => {
                    self.bad(key, format!("`{}` is empty", self.at(key)));
                    None
                }
                Some(s) => Some(s),
                None => {
                    self.bad(key, format!("`{}` should be text", self.at(key)));
                    None
                }
            },
        }
    }

    fn line(&mut self, key: &str, required: bool) -> Option<String> {
        let s = self.text(key, required)?;
        if s.contains(super::text::LINE_BREAKS) {
            self.bad(key, format!("`{}` should be one line", self.at(key)));
            return None;
        }
        Some(s)
    }

    fn parsed<T>(&mut self, key: &str, required: bool, f: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let s = self.text(key, required)?;
        match f(&s) {
            Ok(v) => Some(v),
            Err(e) => {
                self.bad(key, e);
                None
            }
        }
    }

    fn stamp(&mut self, key: &str, required: bool) -> Option<Stamp> {
        self.parsed(key, required, parse_stored)
    }

    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        self.parsed(key, false, parse_stored_date)
    }

    fn money(&mut self, key: &str) -> Option<Money> {
        self.parsed(key, false, Money::parse_stored)
    }

    /// A count of bytes: a whole number, not negative.
    fn size(&mut self, key: &str) -> Option<u64> {
        match self.get(key) {
            Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64(),
            None => {
                self.bad(key, format!("`{}` is missing", self.at(key)));
                None
            }
            Some(_) => {
                self.bad(key, format!("`{}` should be a whole number of bytes", self.at(key)));
                None
            }
        }
    }

    fn bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if matches!(s.as_str(), "true" | "yes") => Some(true),
            Value::String(s) if matches!(s.as_str(), "false" | "no") => Some(false),
            _ => {
                self.bad(key, format!("`{}` should be true or false", self.at(key)));
                None
            }
        }
    }

    fn tri(&mut self, key: &str) -> Option<Tri> {
        match self.get(key)? {
            Value::Bool(true) => Some(Tri::Yes),
            Value::Bool(false) => Some(Tri::No),
            _ => self.parsed(key, false, Tri::parse),
        }
    }

    fn seq(&mut self, key: &str) -> &'m [Value] {
        match self.get(key) {
            None => &[],
            Some(Value::Sequence(s)) => s,
            Some(_) => {
                self.bad(key, format!("`{}` should be a list", self.at(key)));
                &[]
            }
        }
    }

    fn extra(&self, known: &[&str]) -> Mapping {
        self.map
            .iter()
            .filter(|(k, _)| !k.as_str().is_some_and(|k| known.contains(&k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Reads a nested mapping at `field`, or records that it is not one.
fn nested<'m, T>(
    v: &'m Value,
    field: String,
    problems: &mut Vec<Problem>,
    read: impl FnOnce(&mut Fields<'m, '_>) -> Option<T>,
) -> Option<T> {
    match v {
        Value::Mapping(map) => {
            let before = problems.len();
            let out = read(&mut Fields { map, prefix: format!("{field}."), problems: &mut *problems });
            if problems.len() > before { None } else { out }
        }
        _ => {
            problems
                .push(Problem { message: format!("`{field}` should be a mapping of keys to values"), field });
            None
        }
    }
}

fn read_reporter(f: &mut Fields<'_, '_>) -> Option<Reporter> {
    let name = f.line("name", false);
    let party = f.parsed("party", true, Party::parse)?;
    Some(Reporter { name, party, extra: f.extra(&["name", "party"]) })
}

fn read_person(f: &mut Fields<'_, '_>) -> Option<Person> {
    let role = f.parsed("role", true, Role::parse);
    let party = f.parsed("party", true, Party::parse);
    let name = f.line("name", false);
    Some(Person { role: role?, party: party?, name, extra: f.extra(&["role", "party", "name"]) })
}

fn read_police(f: &mut Fields<'_, '_>) -> Option<Police> {
    let informed = f.bool("informed");
    let crime_ref = f.line("crime_ref", false);
    let informed = informed.unwrap_or(crime_ref.is_some());
    Some(Police { informed, crime_ref, extra: f.extra(&["informed", "crime_ref"]) })
}

fn read_riddor(f: &mut Fields<'_, '_>) -> Option<Riddor> {
    let status = f.parsed("status", true, RiddorStatus::parse);
    let basis = f.line("basis", false);
    let hse_ref = f.line("hse_ref", false);
    let reported_on = f.date("reported_on");
    Some(Riddor {
        status: status?,
        basis,
        hse_ref,
        reported_on,
        extra: f.extra(&["status", "basis", "hse_ref", "reported_on"]),
    })
}

fn read_losses(f: &mut Fields<'_, '_>) -> Option<Losses> {
    let estimated = f.money("estimated").unwrap_or_default();
    let recovered = f.money("recovered").unwrap_or_default();
    Some(Losses { estimated, recovered, extra: f.extra(&["estimated", "recovered"]) })
}

fn read_sanction(f: &mut Fields<'_, '_>) -> Option<Sanction> {
    let class = f.parsed("class", true, SanctionClass::parse);
    let kind = f.line("kind", true);
    let date = f.date("date");
    let review_on = f.date("review_on");
    let note = f.text("note", false);
    Some(Sanction {
        class: class?,
        kind: kind?,
        date,
        review_on,
        note,
        extra: f.extra(&["class", "kind", "date", "review_on", "note"]),
    })
}

fn read_link(f: &mut Fields<'_, '_>) -> Option<Link> {
    let id = f.parsed("id", true, Id::parse);
    let kind = f.parsed("as", true, LinkKind::parse);
    let note = f.text("note", false);
    Some(Link { id: id?, kind: kind?, note, extra: f.extra(&["id", "as", "note"]) })
}

fn read_notice(f: &mut Fields<'_, '_>) -> Option<Notice> {
    let to = f.parsed("to", true, Authority::parse);
    let date = f.parsed("date", true, parse_stored_date);
    if f.get("on").is_some() && f.get("date").is_none() {
        f.bad("on", format!("`{}` is not read: the notification's date is `date:`", f.at("on")));
    }
    let reference = f.line("ref", false);
    let note = f.text("note", false);
    Some(Notice { to: to?, date: date?, reference, note, extra: f.extra(&["to", "date", "ref", "note"]) })
}

/// Is `s` a SHA-256 as the store writes it: 64 lower-case hex digits?
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Is `s` a bare file name (what evidence is known by): one line, no
/// directory, not `.` or `..`, no NUL? The reason where it is not.
pub fn check_file_name(s: &str) -> Result<(), String> {
    if s.is_empty() {
        Err("a file name is empty".into())
    } else if s.contains(super::text::LINE_BREAKS) {
        Err(format!("file name {s:?} should be one line"))
    } else if s.contains(['/', '\\']) {
        Err(format!("file name {s:?} should be a bare name, without a directory (`/` or `\\`)"))
    } else if s == "." || s == ".." {
        Err(format!("'{s}' is not a file name"))
    } else if s.contains('\0') {
        Err(format!("file name {s:?} should not hold a NUL character"))
    } else {
        Ok(())
    }
}

fn read_evidence(f: &mut Fields<'_, '_>) -> Option<Evidence> {
    let sha256 = f.parsed("sha256", true, |s| {
        if is_sha256(s) {
            Ok(s.to_string())
        } else {
            Err(format!("'{s}' is not a SHA-256: 64 lower-case hex digits (0-9, a-f)"))
        }
    });
    let name = f.text("name", true).and_then(|s| match check_file_name(&s) {
        Ok(()) => Some(s),
        Err(e) => {
            f.bad("name", e);
            None
        }
    });
    let size = f.size("size");
    let added_at = f.stamp("added_at", true);
    let added_by = f.line("added_by", true);
    let source = f.line("source", false);
    let note = f.text("note", false);
    Some(Evidence {
        sha256: sha256?,
        name: name?,
        size: size?,
        added_at: added_at?,
        added_by: added_by?,
        source,
        note,
        extra: f.extra(&["sha256", "name", "size", "added_at", "added_by", "source", "note"]),
    })
}

/// `refs:`, a mapping of system to reference, both one line and not
/// blank, in file order.
fn read_refs(f: &mut Fields<'_, '_>) -> Vec<(String, String)> {
    let Some(v) = f.get("refs") else { return Vec::new() };
    let Value::Mapping(map) = v else {
        f.bad("refs", "`refs` should be a mapping of system to reference, like { datix: DX-1001 }");
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let Some(system) =
            scalar_text(k).filter(|s| !s.trim().is_empty() && !s.contains(super::text::LINE_BREAKS))
        else {
            f.bad("refs", "a system name in `refs` should be one line of text, like datix");
            continue;
        };
        let field = format!("refs.{system}");
        match scalar_text(v) {
            None if v.is_null() => {
                f.bad(&field, format!("`{}` is empty: give the reference or remove it", f.at(&field)))
            }
            None => f.bad(&field, format!("`{}` should be text", f.at(&field))),
            Some(r) if r.trim().is_empty() => {
                f.bad(&field, format!("`{}` is empty: give the reference or remove it", f.at(&field)))
            }
            Some(r) if r.contains(super::text::LINE_BREAKS) => {
                f.bad(&field, format!("`{}` should be one line", f.at(&field)))
            }
            Some(r) => out.push((system, r)),
        }
    }
    out
}

fn read_entry(f: &mut Fields<'_, '_>) -> Option<Entry> {
    let at = f.stamp("at", true);
    let by = f.line("by", true);
    let action = f.line("action", true);
    let field = f.line("field", false);
    let from = f.text("from", false);
    let to = f.text("to", false);
    let detail = f.text("detail", false);
    Some(Entry {
        at: at?,
        by: by?,
        action: action?,
        field,
        from,
        to,
        detail,
        extra: f.extra(&["at", "by", "action", "field", "from", "to", "detail"]),
    })
}

fn list<'m, T>(f: &mut Fields<'m, '_>, key: &str, read: impl Fn(&mut Fields<'m, '_>) -> Option<T>) -> Vec<T> {
    let items = f.seq(key);
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        if let Some(x) = nested(v, format!("{key}[{i}]"), f.problems, &read) {
            out.push(x);
        }
    }
    out
}

fn one<'m, T>(
    f: &mut Fields<'m, '_>,
    key: &str,
    read: impl FnOnce(&mut Fields<'m, '_>) -> Option<T>,
) -> Option<T> {
    let v = f.get(key)?;
    let field = f.at(key);
    nested(v, field, f.problems, read)
}

impl Incident {
    /// Takes the text of each unknown top-level key from the file it was
    /// read from, where that text alone reads back as the same key and
    /// value: a rewrite then keeps it exactly as the person wrote it.
    pub fn keep_raw_extras(&mut self, text: &str) {
        if self.extra.is_empty() {
            return;
        }
        let blocks = super::text::top_level_blocks(text);
        for x in &mut self.extra {
            let Some(key) = x.key.as_str() else { continue };
            let Some((_, range)) = blocks.iter().find(|(k, _)| *k == key) else { continue };
            let raw = &text[range.clone()];
            let raw = if raw.ends_with('\n') { raw.to_string() } else { format!("{raw}\n") };
            let same = serde_yaml::from_str::<Mapping>(&raw)
                .is_ok_and(|m| m.len() == 1 && m.get(key) == Some(&x.value));
            if same {
                x.raw = Some(raw);
            }
        }
    }

    /// Reads a parsed YAML document as an incident, naming every problem.
    pub fn from_value(v: &Value, vocab: &Vocab) -> Result<Incident, Vec<Problem>> {
        let Value::Mapping(map) = v else {
            return Err(vec![Problem {
                field: String::new(),
                message: "an incident file should be a mapping of keys to values".into(),
            }]);
        };
        let mut problems = Vec::new();
        let mut f = Fields { map, prefix: String::new(), problems: &mut problems };

        match f.get("schema") {
            Some(Value::Number(n)) if n.as_u64() == Some(SCHEMA) => {}
            Some(other) => {
                let shown = scalar_text(other).unwrap_or_else(|| "that".into());
                f.bad(
                    "schema",
                    format!("schema {shown} is not one this lsms reads (it reads schema 1): upgrade lsms"),
                );
            }
            None => f.bad("schema", "`schema` is missing: the first line of an incident file is `schema: 1`"),
        }
        let id = f.parsed("id", true, Id::parse);
        let uuid =
            f.parsed("uuid", true, |s| Uuid::parse_str(s.trim()).map_err(|_| format!("'{s}' is not a UUID")));
        let status = f.parsed("status", true, Status::parse);
        let category = f.parsed("category", true, |s| vocab.check_category(s));
        let summary = f.line("summary", true);
        let occurred_at = f.stamp("occurred_at", true);
        let reported_at = f.stamp("reported_at", true);
        let recorded_at = f.stamp("recorded_at", true);
        let recorded_by = f.line("recorded_by", true);
        let reporter = one(&mut f, "reporter", read_reporter);
        let site = f.parsed("site", false, |s| vocab.check_site(s));
        let location = f.line("location", false);
        let description = f.text("description", false);
        let assets: Vec<Asset> = f
            .seq("assets")
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let r = scalar_text(a)
                    .ok_or_else(|| "an asset should be a word".to_string())
                    .and_then(|s| Asset::parse(&s));
                r.map_err(|e| f.bad(&format!("assets[{i}]"), e)).ok()
            })
            .collect();
        let people = list(&mut f, "people", read_person);
        let harm = f.parsed("harm", false, Harm::parse);
        let medical_factors = f.tri("medical_factors");
        let mut flags: Vec<String> = Vec::new();
        for (i, x) in f.seq("flags").iter().enumerate() {
            let r = scalar_text(x)
                .ok_or_else(|| "a flag should be a word".to_string())
                .and_then(|s| vocab.check_flag(&s));
            match r {
                Ok(flag) if flags.contains(&flag) => f.bad(
                    &format!("flags[{i}]"),
                    format!("flag '{flag}' is given twice: list each flag once"),
                ),
                Ok(flag) => flags.push(flag),
                Err(e) => f.bad(&format!("flags[{i}]"), e),
            }
        }
        let weapon = f.line("weapon", false);
        let police = one(&mut f, "police", read_police);
        let riddor = one(&mut f, "riddor", read_riddor);
        let losses = one(&mut f, "losses", read_losses);
        let refs = read_refs(&mut f);
        let assignee = f.line("assignee", false);
        let links = list(&mut f, "links", read_link);
        let notified = list(&mut f, "notified", read_notice);
        let evidence = list(&mut f, "evidence", read_evidence);
        let sanctions = list(&mut f, "sanctions", read_sanction);
        let outcome = f.parsed("outcome", false, Outcome::parse);
        let closed_at = f.stamp("closed_at", false);
        let closure_note = f.text("closure_note", false);
        let history = list(&mut f, "history", read_entry);
        if f.get("history").is_none() {
            f.bad("history", "`history` is missing: every incident keeps its case history");
        }

        let mut extra = Vec::new();
        let mut anchor: Option<&'static str> = None;
        for (k, v) in map {
            match k.as_str().and_then(|k| KEYS.iter().find(|x| **x == k)) {
                Some(known) => anchor = Some(known),
                None => extra.push(Extra { after: anchor, key: k.clone(), value: v.clone(), raw: None }),
            }
        }
        // A key of one's own is kept; one a letter or two from a key the
        // tool reads is a typo that would silently lose the field.
        for x in &extra {
            let Some(k) = x.key.as_str() else { continue };
            let near = KEYS.iter().find(|known| k.len() >= 4 && strsim::levenshtein(k, known) <= 2);
            if let Some(known) = near {
                f.problems.retain(|p| p.field != *known);
                f.bad(
                    k,
                    format!(
                        "unknown key `{k}` (did you mean `{known}`?): a misspelt key is not read; correct it"
                    ),
                );
            }
        }

        if let (Some(o), Some(r)) = (&occurred_at, &reported_at)
            && o > r
        {
            f.bad("occurred_at", "`occurred_at` is later than `reported_at`");
        }
        if let (Some(s), true) = (status, outcome.is_some() || closed_at.is_some())
            && s != Status::Closed
        {
            let key = if outcome.is_some() { "outcome" } else { "closed_at" };
            f.bad(key, format!("the incident is {s} but has `{key}`: only a closed incident has an outcome and a closing time"));
        }
        if status == Some(Status::Closed) && outcome.is_none() {
            f.bad("status", "the incident is closed but has no `outcome`");
        }

        if !problems.is_empty() {
            return Err(problems);
        }
        // Every required field is Some here: a None would have left a problem.
        let (
            Some(id),
            Some(uuid),
            Some(status),
            Some(category),
            Some(summary),
            Some(occurred_at),
            Some(reported_at),
            Some(recorded_at),
            Some(recorded_by),
        ) = (id, uuid, status, category, summary, occurred_at, reported_at, recorded_at, recorded_by)
        else {
            return Err(vec![Problem {
                field: String::new(),
                message: "a required field is missing".into(),
            }]);
        };
        Ok(Incident {
            id,
            uuid,
            status,
            category,
            summary,
            occurred_at,
            reported_at,
            recorded_at,
            recorded_by,
            reporter,
            site,
            location,
            description,
            assets,
            people,
            harm,
            medical_factors,
            flags,
            weapon,
            police,
            riddor,
            losses,
            refs,
            assignee,
            links,
            notified,
            evidence,
            sanctions,
            outcome,
            closed_at,
            closure_note,
            history,
            extra,
        })
    }
}
