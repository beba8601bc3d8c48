//! The incident record (schema 1), declared once: each field with its key,
//! whether it must be there, and its kind (`record!`, in `codec::schema`,
//! makes from this the reader, the writer, the cache codec and the export
//! columns). Adding a field is a line here, its checks in its kind, and
//! the commands that set it.

use super::enums::*;
use super::id::Id;
use super::money::Money;
use super::time::Stamp;
use crate::codec::node::Node;
use crate::codec::schema::*;
use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};
use uuid::Uuid;

crate::record! {
    /// Who reported it (a name is optional; the party may be anonymous).
    pub struct Reporter {
        name: Option<String> = Opt(Line) [personal, search]
            in Input::new("reporter", "NAME", "The reporter's name (leave out for an anonymous report)").hyphen(),
        party: Party = Req(Of<Party>)
            in Input::new("reporter_party", "P", "staff, patient, visitor, contractor, volunteer, public, unknown or anonymous"),
    }
    extra: Mapping,
    blank: party_unknown
}

/// A reporter given by name alone: their party is not known yet.
fn party_unknown() -> Reporter {
    Reporter { party: Party::Unknown, ..Default::default() }
}

crate::record! {
    /// Someone involved, and how.
    pub struct Person {
        role: Role = Req(Of<Role>),
        party: Party = Req(Of<Party>),
        name: Option<String> = Opt(Line) [personal, search],
    }
    extra: Mapping,
    parse: person_from_text,
    text: person_text
}

/// `ROLE:PARTY[:NAME]`, as `--person victim:staff:A. Nurse`.
fn person_from_text(s: &str, _: &InputCx<'_>) -> Result<Person, String> {
    super::draft::parse_person(s)
}

/// A person as `--person` gives them.
fn person_text(p: &Person) -> String {
    match &p.name {
        Some(n) => format!("{}:{}:{n}", p.role, p.party),
        None => format!("{}:{}", p.role, p.party),
    }
}

crate::record! {
    pub struct Police {
        informed: bool = Dflt(Flag)
            in Input::new("police_informed", "Y/N", "Were the police told? yes or no"),
        crime_ref: Option<String> = Opt(Line) [search]
            in Input::new("police_ref", "REF", "The police crime reference (marks the police as informed)").hyphen(),
    }
    extra: Mapping,
    finish: informed_by_crime_ref,
    given: told_by_crime_ref
}

/// A crime reference given says the police were told.
fn told_by_crime_ref(p: &mut Police, key: &str) {
    if key == "crime_ref" && p.crime_ref.is_some() {
        p.informed = true;
    }
}

/// A hand-written `police: { crime_ref: X }` says the police were told.
fn informed_by_crime_ref(p: &mut Police, has: &dyn Fn(&str) -> bool) {
    if !has("informed") {
        p.informed = p.crime_ref.is_some();
    }
}

crate::record! {
    pub struct Riddor {
        status: RiddorStatus = Req(Of<RiddorStatus>)
            in Input::new("riddor", "S", "not-reportable, reportable, reported or undecided"),
        basis: Option<String> = Opt(Line) [personal]
            in Input::new("riddor_basis", "TEXT", "Why RIDDOR applies or not").hyphen(),
        hse_ref: Option<String> = Opt(Line) [search]
            in Input::new("hse_ref", "REF", "The HSE's reference for a RIDDOR report"),
        reported_on: Option<NaiveDate> = Opt(Date)
            in Input::new("riddor_reported_on", "DATE", "When it was reported to the HSE, day first (24/11/2026) or 2026-11-24"),
    }
    extra: Mapping,
    blank: undecided
}

/// RIDDOR before anyone has decided.
fn undecided() -> Riddor {
    Riddor { status: RiddorStatus::Undecided, ..Default::default() }
}

crate::record! {
    /// Pounds lost and got back: exact decimals, never floats.
    pub struct Losses {
        estimated: Money = Dflt(Pounds)
            in Input::new("loss", "AMOUNT", "The estimated loss in pounds, e.g. 120.50, 1,250.50 or £1,250.50").report_only().hyphen(),
        recovered: Money = Dflt(Pounds) by "loss",
    }
    extra: Mapping
}

crate::record! {
    pub struct Sanction {
        class: SanctionClass = Req(Of<SanctionClass>),
        kind: String = Req(Line) [search],
        date: Option<NaiveDate> = Opt(Date),
        review_on: Option<NaiveDate> = Opt(Date),
        note: Option<String> = Opt(Text) [personal, search],
    }
    extra: Mapping
}

crate::record! {
    /// Another incident this one is linked to, and how.
    pub struct Link {
        id: Id = Req(IdCodec),
        kind as "as": LinkKind = Req(Of<LinkKind>),
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping
}

crate::record! {
    /// Someone outside who was told (the CDAO, the police, the HSE…).
    pub struct Notice {
        to: Authority = Req(Of<Authority>),
        date: NaiveDate = Req(Date),
        reference as "ref": Option<String> = Opt(Line),
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping,
    check: date_not_on
}

/// `on:` is what design.md first called the date, and what a person may
/// write: YAML 1.1 readers take a bare `on` for true, so lsms says `date:`.
fn date_not_on(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) {
    if n.get("on").is_some() && n.get("date").is_none() {
        let on = at.key("on");
        cx.bad(&on, format!("`{on}` is not read: the notification's date is `date:`"));
    }
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
        Err(format!("file name {s:?} holds a NUL character"))
    } else {
        Ok(())
    }
}

crate::record! {
    /// A file held as evidence, by the SHA-256 of its content.
    pub struct Evidence {
        sha256: String = Req(Sha256),
        name: String = Req(FileName) [personal],
        size: u64 = Req(Bytes),
        added_at: Stamp = Req(Time),
        added_by: String = Req(Line) [personal],
        source: Option<String> = Opt(Line) [personal],
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping
}

crate::record! {
    /// One line of the case history.
    pub struct Entry {
        at: Stamp = Req(Time),
        by: String = Req(Line),
        action: String = Req(Line),
        field: Option<String> = Opt(Line),
        from: Option<String> = Opt(Text),
        to: Option<String> = Opt(Text),
        detail: Option<String> = Opt(Text),
    }
    extra: Mapping
}

crate::record! {
    /// One incident (schema 1), its fields in the order they are written.
    /// `extra` holds the keys the tool does not know, each with the known
    /// key it followed in the file, so a rewrite keeps them in place.
    pub struct Incident {
        schema: Schema1 = Req(SchemaCodec) by "report",
        id: Id = Req(IdCodec) by "report",
        uuid: Uuid = Req(UuidCodec) by "report",
        status: Status = Req(Of<Status>) by "update --status, assign, close, reopen",
        category: String = Req(Category)
            in Input::new("category", "C", "One of the standard categories, or one lsms.yaml adds"),
        summary: String = Req(Line) [personal, search]
            in Input::new("summary", "TEXT", "One line that says what happened").hyphen(),
        occurred_at: Stamp = Req(Time)
            in Input::new("occurred", "WHEN", "When it happened: 24/11/2026 14:30 (day first), 2026-11-24 14:30, today 14:30, …"),
        reported_at: Stamp = Req(Time)
            in Input::new("reported", "WHEN", "When it was reported"),
        recorded_at: Stamp = Req(Time) by "report",
        recorded_by: String = Req(Line) [personal] by "report",
        reporter: Option<Reporter> = Opt(Nested<Reporter>) [search],
        site: Option<String> = Opt(Site)
            in Input::new("site", "SITE", "The site (one of lsms.yaml's `sites` when it lists them)"),
        location: Option<String> = Opt(Line) [personal, search]
            in Input::new("location", "PLACE", "Where at the site, e.g. A&E reception").hyphen(),
        description: Option<String> = Opt(Text) [personal, search]
            in Input::new("description", "TEXT|-", "What happened, in the reporter's words (`-` reads standard input)").stdin(),
        assets: Vec<Asset> = List(Of<Asset>)
            in Input::new("asset", "A", "What was at risk: people, property, drugs, prescription-forms, hazardous-materials (repeatable)")
                .clear("no_assets"),
        people: Vec<Person> = List(Nested<Person>) [search]
            in Input::new("person", "ROLE:PARTY[:NAME]", "Someone involved, as ROLE:PARTY[:NAME], e.g. victim:staff:A. Nurse (repeatable)")
                .clear("no_people"),
        harm: Option<Harm> = Opt(Of<Harm>)
            in Input::new("harm", "H", "none, low, moderate, severe or death"),
        medical_factors: Option<Tri> = Opt(Answer)
            in Input::new("medical_factors", "Y/N", "yes, no or unknown"),
        flags: Vec<String> = Set(FlagWord)
            in Input::new("flag", "F", "A flag: hate-motivated, weapon, lone-worker, restraint, alcohol, drugs, sexual, or one lsms.yaml adds under `flags:` (repeatable)")
                .remove("unflag"),
        weapon: Option<String> = Opt(Line) [personal]
            in Input::new("weapon", "TEXT", "What was used as a weapon, e.g. 'kitchen knife' (one line; for police information sharing)").hyphen(),
        police: Option<Police> = Opt(Nested<Police>) [search],
        riddor: Option<Riddor> = Opt(Nested<Riddor>) [search],
        losses: Option<Losses> = Opt(Nested<Losses>),
        refs: Vec<(String, String)> = Dflt(Refs) [search] by "update --ref, import",
        assignee: Option<String> = Opt(Line) [personal] by "assign",
        links: Vec<Link> = List(Nested<Link>) by "link",
        notified: Vec<Notice> = List(Nested<Notice>) by "notify",
        evidence: Vec<Evidence> = List(Nested<Evidence>) by "evidence add",
        sanctions: Vec<Sanction> = List(Nested<Sanction>) [search] by "sanction",
        outcome: Option<Outcome> = Opt(Of<Outcome>) by "close",
        closed_at: Option<Stamp> = Opt(Time) by "close",
        closure_note: Option<String> = Opt(Text) [personal, search] by "close",
        history: Vec<Entry> = Log(Nested<Entry>) by "note",
    }
    extra: Vec<Extra>
}

/// The top-level keys in the order they are written.
pub const KEYS: &[&str] = <Incident as Record>::KEYS;

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

/// What a record may say, beside the fixed vocabularies: the store's
/// categories and, where it lists them, its sites.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub categories: Vec<String>,
    pub sites: Option<Vec<String>>,
    /// The standard flags and the store's own (`flags:` in lsms.yaml).
    pub flags: Vec<String>,
}

impl Vocab {
    /// The standard words only: no sites list, no words of the store's own.
    #[cfg(test)]
    pub fn standard() -> Vocab {
        let own = |words: &[&str]| words.iter().map(|s| s.to_string()).collect();
        Vocab { categories: own(STANDARD_CATEGORIES), sites: None, flags: own(STANDARD_FLAGS) }
    }

    pub fn check_flag(&self, f: &str) -> Result<String, String> {
        let t = f.trim();
        self.flags.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.flags.iter().map(String::as_str).collect();
            super::unknown_word("flag", f, &names) + " (a store adds its own under `flags:` in lsms.yaml)"
        })
    }

    pub fn check_category(&self, c: &str) -> Result<String, String> {
        let t = c.trim();
        self.categories.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.categories.iter().map(String::as_str).collect();
            super::unknown_word("category", c, &names)
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
        Incident::read(&Node::of(v), vocab)
    }

    /// Reads a file in lsms's own form in one pass (`codec::lex`): `None`
    /// for any other text, which [`Incident::read`] then reads, naming
    /// every problem. A record given is one that, written again, is the
    /// text byte for byte.
    pub fn lex(text: &str, vocab: &Vocab) -> Option<Incident> {
        let mut cx = Cx { vocab, problems: Vec::new() };
        let inc = Incident::lex_top(text, &mut cx)?;
        (cx.problems.is_empty() && !inc.history.is_empty() && inc.problems_together().is_empty())
            .then_some(inc)
    }

    /// Reads a parsed document as an incident, naming every problem: each
    /// field's own, a misspelt key, and what the fields say together.
    pub fn read(n: &Node<'_>, vocab: &Vocab) -> Result<Incident, Vec<Problem>> {
        if !matches!(n, Node::Map(_)) {
            return Err(vec![Problem {
                field: String::new(),
                message: "an incident file should be a mapping of keys to values".into(),
            }]);
        }
        let mut cx = Cx { vocab, problems: Vec::new() };
        let inc = Incident::read_fields(n, &At::TOP, &mut cx);
        let mut problems = cx.problems;
        for p in &mut problems {
            if p.field == "schema" && p.message.ends_with("is missing") {
                p.message = "`schema` is missing: the first line of an incident file is `schema: 1`".into();
            }
        }
        if n.get("history").is_none_or(Node::is_null) {
            problems.push(Problem {
                field: "history".into(),
                message: "`history` is missing: every incident keeps its case history".into(),
            });
        }
        // A key of one's own is kept; one a letter or two from a key the
        // tool reads is a typo that would silently lose the field.
        for x in <Vec<Extra> as Extras>::read(n, KEYS) {
            let Some(k) = x.key.as_str() else { continue };
            let near = KEYS.iter().find(|known| k.len() >= 4 && strsim::levenshtein(k, known) <= 2);
            if let Some(known) = near {
                problems.retain(|p| p.field != *known);
                problems.push(Problem {
                    field: k.to_string(),
                    message: format!(
                        "unknown key `{k}` (did you mean `{known}`?): a misspelt key is not read; correct it"
                    ),
                });
            }
        }
        match inc {
            Some(inc) if problems.is_empty() => {
                let together = inc.problems_together();
                if together.is_empty() { Ok(inc) } else { Err(together) }
            }
            _ if problems.is_empty() => {
                Err(vec![Problem { field: String::new(), message: "a required field is missing".into() }])
            }
            _ => Err(problems),
        }
    }

    /// What the fields, each valid alone, say wrongly together.
    fn problems_together(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut bad = |field: &str, message: String| out.push(Problem { field: field.into(), message });
        if self.occurred_at > self.reported_at {
            bad("occurred_at", "`occurred_at` is later than `reported_at`".into());
        }
        if self.status != Status::Closed && (self.outcome.is_some() || self.closed_at.is_some()) {
            let key = if self.outcome.is_some() { "outcome" } else { "closed_at" };
            bad(
                key,
                format!(
                    "the incident is {} but has `{key}`: only a closed incident has an outcome and a closing time",
                    self.status
                ),
            );
        }
        if self.status == Status::Closed && self.outcome.is_none() {
            bad("status", "the incident is closed but has no `outcome`".into());
        }
        out
    }
}

/// The record's schema number: a file of another is not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Schema1;
