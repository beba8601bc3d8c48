//! The incident record (schema 1), declared once: each field with its key,
//! whether it must be there, and its kind (`record!`, in `model::schema`,
//! makes from this the reader, the writer, the cache codec and the export
//! columns). Adding a field is a line here, its checks in its kind, and
//! the commands that set it.

use super::enums::*;
use super::id::Id;
use super::money::Money;
use super::schema::*;
use super::time::Stamp;
pub use super::vocab::Vocab;
use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};
use uuid::Uuid;

record! {
    /// Who reported it (a name is optional; the party may be anonymous).
    pub struct Reporter {
        name: Option<String> = Opt(Line) [personal, search]
            in Input::new("reporter", "NAME", "The reporter's name (leave out for an anonymous report)").hyphen(),
        party: Party = Req(Of<Party>)
            in Input::new("reporter_party", "P", "staff, patient, visitor, contractor, volunteer, public, unknown or anonymous"),
        email: Option<String> = Opt(Email) [personal, search]
            in Input::new("reporter_email", "ADDRESS", "The reporter's email address, where `lsms close --tell-reporter` sends the outcome"),
    }
    extra: Mapping,
    blank: party_unknown
}

/// A reporter given by name alone: their party is not known yet.
fn party_unknown() -> Reporter {
    Reporter { party: Party::Unknown, ..Default::default() }
}

record! {
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
    parse_person(s)
}

/// `ROLE:PARTY[:NAME]`, as `--person victim:staff:A. Nurse`.
pub fn parse_person(s: &str) -> Result<Person, String> {
    let mut parts = s.splitn(3, ':');
    let role = parts.next().unwrap_or("");
    let Some(party) = parts.next() else {
        return Err(format!(
            "person '{s}' should be ROLE:PARTY or ROLE:PARTY:NAME, like victim:staff:A. Nurse"
        ));
    };
    let name = parts.next().map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    if let Some(n) = &name {
        super::text::one_line("a person's name", n)?;
    }
    Ok(Person { role: Role::parse(role)?, party: Party::parse(party)?, name, extra: Default::default() })
}

/// A person as `--person` gives them.
fn person_text(p: &Person) -> String {
    match &p.name {
        Some(n) => format!("{}:{}:{n}", p.role, p.party),
        None => format!("{}:{}", p.role, p.party),
    }
}

record! {
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

record! {
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

record! {
    /// Pounds lost and got back: exact decimals, never floats.
    pub struct Losses {
        estimated: Money = Dflt(Pounds)
            in Input::new("loss", "AMOUNT", "The estimated loss in pounds, e.g. 120.50, 1,250.50 or £1,250.50").hyphen(),
        recovered: Money = Dflt(Pounds) by "loss",
    }
    extra: Mapping
}

record! {
    pub struct Sanction {
        class: SanctionClass = Req(Of<SanctionClass>),
        kind: String = Req(Line) [search],
        date: Option<NaiveDate> = Opt(Date),
        review_on: Option<NaiveDate> = Opt(Date),
        note: Option<String> = Opt(Text) [personal, search],
    }
    extra: Mapping
}

record! {
    /// Another incident this one is linked to, and how.
    pub struct Link {
        id: Id = Req(IdKind),
        kind as "as": LinkKind = Req(Of<LinkKind>),
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping
}

record! {
    /// Someone outside who was told (the CDAO, the police, the HSE…).
    pub struct Notice {
        to: Authority = Req(Of<Authority>),
        date: NaiveDate = Req(Date),
        reference as "ref": Option<String> = Opt(Line),
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping,
    slips: date_not_on
}

/// `on:` is what design.md first called the date, and what a person may
/// write: YAML 1.1 readers take a bare `on` for true, so lsms says `date:`.
fn date_not_on(has: &dyn Fn(&str) -> bool) -> Vec<(&'static str, String)> {
    if has("on") && !has("date") {
        vec![("on", "is not read: the notification's date is `date:`".into())]
    } else {
        Vec::new()
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

record! {
    /// A file held as evidence, by the SHA-256 of its content.
    pub struct Evidence {
        sha256: String = Req(Sha256),
        name: String = Req(FileName) [personal],
        size: u64 = Req(Bytes),
        added_at: Stamp = Req(Time),
        added_by: String = Req(Line) [personal, staff],
        source: Option<String> = Opt(Line) [personal],
        note: Option<String> = Opt(Text) [personal],
    }
    extra: Mapping
}

record! {
    /// A record entered in error (a test record, a duplicate typed twice),
    /// marked so and kept: who said so, when, and why (`lsms void`). A void
    /// record is left out of every figure, list and deadline unless asked.
    pub struct Void {
        at: Stamp = Req(Time),
        by: String = Req(Line) [personal, staff],
        reason: String = Req(Text) [personal],
    }
    extra: Mapping
}

record! {
    /// A legal or inquiry hold (`lsms hold`): while it stands the record is
    /// not disposed of, whatever its retention. Who placed it, when, why.
    pub struct Hold {
        at: Stamp = Req(Time),
        by: String = Req(Line) [personal, staff],
        reason: String = Req(Text) [personal],
    }
    extra: Mapping
}

record! {
    /// A hand-over of the case, kept on its `disclosed` history entry (the
    /// entry says when and by whom): to whom, on what lawful basis, in what
    /// form, and what went and what was left out (`lsms casefile`, `lsms
    /// person --sar`; listed by `lsms disclosures`).
    pub struct Disclosure {
        form: DisclosureForm = Req(Of<DisclosureForm>),
        to: Recipient = Req(Of<Recipient>),
        /// Who exactly, in words (the force, the panel; required for `other`).
        recipient: Option<String> = Opt(Line) [personal],
        /// The lawful basis, as the LSMS gives it (DPA 2018 Sch. 2 para. 2, …).
        basis: String = Req(Text) [personal],
        /// The parts of the record that went (fields, sections, files by hash).
        included: Vec<String> = List(Line),
        /// The fields left out by name (`--omit`).
        omitted: Vec<String> = List(Line),
    }
    extra: Mapping
}

/// The change a history entry records, as people read it: `a → b`; a
/// value set, `b`; a value cleared, `a → (none)`; what was withdrawn, as
/// it was. `None` where it records no value.
pub fn change_shown(action: &str, from: Option<&str>, to: Option<&str>) -> Option<String> {
    match (from, to) {
        (Some(a), Some(b)) => Some(format!("{a} → {b}")),
        (None, Some(b)) => Some(b.to_string()),
        (Some(a), None) if action == "withdrawn" => Some(a.to_string()),
        (Some(a), None) => Some(format!("{a} → (none)")),
        (None, None) => None,
    }
}

/// The history entries of `lsms hold` and `lsms release`.
pub const HOLD_ACTIONS: [&str; 2] = ["held", "released"];

record! {
    /// One line of the case history.
    pub struct Entry {
        at: Stamp = Req(Time),
        /// When it was written, where that is later than when it happened
        /// (work entered after the fact: `--on`).
        recorded_at: Option<Stamp> = Opt(Time),
        by: String = Req(Line),
        action: String = Req(Line),
        field: Option<String> = Opt(Line),
        from: Option<String> = Opt(Text),
        to: Option<String> = Opt(Text),
        detail: Option<String> = Opt(Text),
        /// On a `disclosed` entry: the hand-over it records.
        disclosure: Option<Disclosure> = Opt(Nested<Disclosure>),
    }
    extra: Mapping,
    seal_if: entry_sealed
}

/// What a sealed store seals of a history entry: its detail (free text:
/// a note, a reason), and the values it records unless they are of a field
/// that is itself written plain (a status, a category, a figure), so that
/// `git log -p` and `show` still say what happened to a case and when.
fn entry_sealed(e: &Entry, key: &str) -> Option<bool> {
    Some(match key {
        "detail" => true,
        "from" | "to" => e.field.as_deref().is_none_or(|f| !is_plain_field(f)),
        _ => false,
    })
}

/// Is `path` a field of the incident written plain in a sealed store
/// (declared, neither sealed nor holding records of its own)?
pub fn is_plain_field(path: &str) -> bool {
    <Incident as Record>::fields().iter().any(|d| d.path == path && !d.sealed && !d.nested && !d.list)
}

record! {
    /// One incident (schema 1), its fields in the order they are written.
    /// `extra` holds the keys the tool does not know, each with the known
    /// key it followed in the file, so a rewrite keeps them in place.
    pub struct Incident {
        schema: Schema1 = Req(SchemaKind) by "report",
        id: Id = Req(IdKind) by "report",
        uuid: Uuid = Req(UuidKind) by "report",
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
        recorded_by: String = Req(Line) [personal, staff] by "report",
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
            in Input::new("flag", "F", "A flag: hate-motivated, weapon, lone-worker, restraint, alcohol, drugs, sexual, triage, occurred-unknown, or one lsms.yaml adds under `flags:` (repeatable)")
                .remove("unflag"),
        weapon: Option<String> = Opt(Line) [personal]
            in Input::new("weapon", "TEXT", "What was used as a weapon, e.g. 'kitchen knife' (one line; for police information sharing)").hyphen(),
        police: Option<Police> = Opt(Nested<Police>) [search],
        riddor: Option<Riddor> = Opt(Nested<Riddor>) [search],
        losses: Option<Losses> = Opt(Nested<Losses>),
        refs: Vec<(String, String)> = Dflt(Refs) [search] by "update --ref, import",
        assignee: Option<String> = Opt(Line) [personal, staff] by "assign",
        links: Vec<Link> = List(Nested<Link>) by "link",
        notified: Vec<Notice> = List(Nested<Notice>) by "notify",
        evidence: Vec<Evidence> = List(Nested<Evidence>) by "evidence add",
        sanctions: Vec<Sanction> = List(Nested<Sanction>) [search] by "sanction",
        outcome: Option<Outcome> = Opt(Of<Outcome>) by "close",
        closed_at: Option<Stamp> = Opt(Time) by "close",
        closure_note: Option<String> = Opt(Text) [personal, search] by "close",
        void: Option<Void> = Opt(Nested<Void>) by "void",
        hold: Option<Hold> = Opt(Nested<Hold>) by "hold, release",
        /// In a sealed store, the incident's data key wrapped to each
        /// recipient, by name. Marked personal only to keep it among the
        /// columns an export leaves out unless asked: it is not text to seal.
        sealed: Vec<(String, String)> = Dflt(Refs) [personal] by "seal, rekey",
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

/// One thing wrong with a record: the field (`people[1].party`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Incident {
    /// Is this a duplicate that says of what? (`close --outcome duplicate`.)
    pub fn duplicate_of(&self) -> Option<&Id> {
        self.links.iter().find(|l| l.kind == LinkKind::DuplicateOf).map(|l| &l.id)
    }

    /// Whole days from the report to the closing, as they happened (an
    /// imported case keeps its register's dates; a close entered later is
    /// dated when it happened). `None` while open, or where the record
    /// cannot say (a closing before the report, as a hand edit may give):
    /// never a negative figure.
    pub fn days_to_close(&self) -> Option<i64> {
        let days = (self.closed_at? - self.reported_at).num_days();
        (days >= 0).then_some(days)
    }

    /// Whole days an open case has been open on `now`, from its report.
    /// `None` when closed, or reported after `now`.
    pub fn days_open(&self, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
        if self.status == Status::Closed {
            return None;
        }
        let days = (now - self.reported_at.to_utc()).num_days();
        (days >= 0).then_some(days)
    }

    /// The first entry, dated, that comes before the occurrence though
    /// it must follow it (an incident is reported, recorded, told of,
    /// sanctioned and worked on after it happens): what it is and when, in
    /// words. Entries kept as days (a notification, a sanction, the RIDDOR
    /// report) may be on the day it occurred, in `tz`. `None`: all follow.
    pub fn dated_before_occurrence(&self, tz: chrono_tz::Tz) -> Option<String> {
        let at = self.occurred_at;
        let day = at.with_timezone(&tz).date_naive();
        let time =
            |what: String, t: &Stamp| (*t < at).then(|| format!("{what} ({})", super::time::rfc3339(t)));
        let date = |what: String, d: NaiveDate| (d < day).then(|| format!("{what} ({d})"));
        time("the report".into(), &self.reported_at)
            .or_else(|| time("the recording".into(), &self.recorded_at))
            .or_else(|| {
                self.notified.iter().find_map(|n| date(format!("the notification of {}", n.to), n.date))
            })
            .or_else(|| self.sanctions.iter().find_map(|s| date(format!("the sanction {}", s.kind), s.date?)))
            .or_else(|| date("the RIDDOR report".into(), self.riddor.as_ref()?.reported_on?))
            .or_else(|| {
                self.evidence.iter().find_map(|e| time(format!("the evidence {}", e.name), &e.added_at))
            })
            .or_else(|| self.closed_at.as_ref().and_then(|c| time("the closing".into(), c)))
            .or_else(|| {
                self.history.iter().find_map(|e| time(format!("the history entry '{}'", e.action), &e.at))
            })
    }

    /// What the fields, each valid alone, say wrongly together.
    pub fn problems_together(&self) -> Vec<Problem> {
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

#[cfg(test)]
mod tests {
    use super::change_shown;

    #[test]
    fn a_change_reads_as_set_changed_cleared_or_withdrawn() {
        assert_eq!(change_shown("updated", Some("a"), Some("b")).as_deref(), Some("a → b"));
        assert_eq!(change_shown("updated", None, Some("b")).as_deref(), Some("b"));
        assert_eq!(change_shown("updated", Some("a"), None).as_deref(), Some("a → (none)"));
        assert_eq!(change_shown("withdrawn", Some("a"), None).as_deref(), Some("a"));
        assert_eq!(change_shown("note", None, None), None);
    }
}
