//! `lsms show`: one incident, as a case file.

use super::{Ctx, emit};
use crate::error::Result;
use crate::model::schema::Record;
use crate::model::text::for_terminal;
use crate::model::{Incident, LinkKind, Stamp, Status};
use chrono_tz::Tz;
use clap::ValueEnum;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Yaml,
    Json,
}

/// Show one incident with its history
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lsms show 20261124-7QF3\n  lsms show 7qf3              # the last four characters, where unique\n  lsms show 7QF3 --format json | jq .history"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,

    /// text for people; yaml is the file as it is; json for programs
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
}

fn when(t: &Stamp, tz: Tz) -> String {
    t.with_timezone(&tz).format("%a %Y-%m-%d %H:%M").to_string()
}

/// What `show` says of a linked incident, as it stands in the store.
pub enum Linked {
    /// Its status and summary, and whether it is held as a duplicate of
    /// the incident shown (a `duplicate-of` link back).
    Found { status: Status, summary: String, duplicate_of_this: bool },
    /// No such incident in the store (a hand edit, or a file removed).
    Missing,
    /// Its file is there but cannot be read.
    Unreadable,
}

/// Each of the incident's links as the store stands: read here, so that
/// `text` stays pure.
pub fn linked(store: &crate::store::Store, inc: &Incident) -> Vec<Linked> {
    inc.links
        .iter()
        .map(|l| {
            let path = store.path_of(&l.id);
            if std::fs::symlink_metadata(&path).is_err() {
                return Linked::Missing;
            }
            match store.read(&path).map_err(|_| ()).and_then(|mut o| {
                store.view_incident(&mut o.incident).map_err(|_| ())?;
                Ok(o)
            }) {
                Ok(o) => Linked::Found {
                    status: o.incident.status,
                    duplicate_of_this: o
                        .incident
                        .links
                        .iter()
                        .any(|b| b.id == inc.id && b.kind == LinkKind::DuplicateOf),
                    summary: o.incident.summary,
                },
                Err(_) => Linked::Unreadable,
            }
        })
        .collect()
}

/// The fields `text` shows in lines of its own; every other declared field
/// follows them under its key.
const SHOWN_ABOVE: &[&str] = &[
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
    "void",
    "sealed",
    "history",
];

/// The case file as a person reads it; `linked` says how each of its links
/// stands (see [`linked`]).
pub fn text(inc: &Incident, tz: Tz, linked: &[Linked]) -> String {
    let mut s = String::new();
    let mut field = |label: &str, value: String| {
        if !value.is_empty() {
            let _ = writeln!(s, "{label:<16}{value}");
        }
    };
    // A void record says so first, before anything else is read from it.
    match &inc.void {
        Some(v) => {
            field("Incident", format!("{}  {}  VOID (entered in error)", inc.id, inc.status));
            field("Voided", format!("{} by {}", when(&v.at, tz), v.by));
            field("Void reason", v.reason.replace('\n', &format!("\n{:16}", "")));
        }
        None => field("Incident", format!("{}  {}", inc.id, inc.status)),
    }
    field("Summary", inc.summary.clone());
    field("Category", inc.category.clone());
    field("Occurred", when(&inc.occurred_at, tz));
    field("Reported", when(&inc.reported_at, tz));
    field("Recorded", format!("{} by {}", when(&inc.recorded_at, tz), inc.recorded_by));
    if let Some(r) = &inc.reporter {
        field(
            "Reporter",
            match (&r.name, &r.email) {
                (Some(n), Some(e)) => format!("{n} ({}) <{e}>", r.party),
                (Some(n), None) => format!("{n} ({})", r.party),
                (None, Some(e)) => format!("{} <{e}>", r.party),
                (None, None) => r.party.to_string(),
            },
        );
    }
    field(
        "Site",
        [inc.site.as_deref(), inc.location.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", "),
    );
    field("Assets", inc.assets.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", "));
    for p in &inc.people {
        let who = match &p.name {
            Some(n) => format!("{}: {n} ({})", p.role, p.party),
            None => format!("{} ({})", p.role, p.party),
        };
        field("Person", who);
    }
    field("Harm", inc.harm.map(|h| h.to_string()).unwrap_or_default());
    field("Medical factors", inc.medical_factors.map(|h| h.to_string()).unwrap_or_default());
    field("Flags", inc.flags.join(", "));
    field("Weapon", inc.weapon.clone().unwrap_or_default());
    if let Some(p) = &inc.police {
        let informed = if p.informed { "informed" } else { "not informed" };
        field(
            "Police",
            match &p.crime_ref {
                Some(r) => format!("{informed}, crime reference {r}"),
                None => informed.to_string(),
            },
        );
    }
    if let Some(r) = &inc.riddor {
        let mut v = r.status.to_string();
        for (label, x) in [("basis", &r.basis), ("HSE ref", &r.hse_ref)] {
            if let Some(x) = x {
                let _ = write!(v, ", {label} {x}");
            }
        }
        if let Some(d) = r.reported_on {
            let _ = write!(v, ", reported {d}");
        }
        field("RIDDOR", v);
    }
    if let Some(l) = &inc.losses {
        field("Losses", format!("£{} estimated, £{} recovered", l.estimated, l.recovered));
    }
    if !inc.refs.is_empty() {
        field("References", inc.refs.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "));
    }
    for n in &inc.notified {
        let mut v = format!("{} on {}", n.to, n.date);
        if let Some(r) = &n.reference {
            let _ = write!(v, ", ref {r}");
        }
        if let Some(t) = &n.note {
            let _ = write!(v, ": {}", t.trim_end().replace('\n', "\n                "));
        }
        field("Notified", v);
    }
    field("Assignee", inc.assignee.clone().unwrap_or_default());
    for (i, l) in inc.links.iter().enumerate() {
        let mut v = format!("{} {}", l.kind, l.id);
        match linked.get(i) {
            Some(Linked::Found { status, summary, duplicate_of_this }) => {
                if *duplicate_of_this {
                    v.push_str(", a duplicate of this incident");
                }
                let _ = write!(v, " ({status}) {summary}");
            }
            Some(Linked::Missing) => v.push_str(": not in this store (`lsms check` warns of it)"),
            Some(Linked::Unreadable) => v.push_str(": its file cannot be read (`lsms check` says why)"),
            None => {}
        }
        if let Some(n) = &l.note {
            let _ = write!(v, " — {}", n.trim_end().replace('\n', "\n                "));
        }
        field("Link", v);
    }
    for x in &inc.sanctions {
        let mut v = format!("{} {}", x.class, x.kind);
        if let Some(d) = x.date {
            let _ = write!(v, " on {d}");
        }
        if let Some(d) = x.review_on {
            let _ = write!(v, ", review {d}");
        }
        if let Some(n) = &x.note {
            let _ = write!(v, ": {n}");
        }
        field("Sanction", v);
    }
    for e in &inc.evidence {
        let mut v = format!(
            "{}  {}  sha256 {}…",
            e.name,
            crate::model::custody::human_size(e.size),
            e.sha256.get(..12).unwrap_or(&e.sha256)
        );
        if let Some(s) = &e.source {
            let _ = write!(v, "  from {s}");
        }
        let _ = write!(v, "  added by {} {}", e.added_by, when(&e.added_at, tz));
        if let Some(n) = &e.note {
            let _ = write!(v, ": {}", n.trim_end().replace('\n', " "));
        }
        field("Evidence", v);
    }
    field("Outcome", inc.outcome.map(|o| o.to_string()).unwrap_or_default());
    if let Some(t) = &inc.closed_at {
        field("Closed", when(t, tz));
    }
    // Sealed personal data: to whom, never the wrapped keys themselves.
    if !inc.sealed.is_empty() {
        let names: Vec<&str> = inc
            .sealed
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| !n.ends_with(crate::seal::record::PREVIOUS))
            .collect();
        field("Sealed for", names.join(", "));
    }
    // Any other field the record declares, by its key: a field added to the
    // declaration is shown with no edit here.
    for (key, value) in inc.shown_fields() {
        if !SHOWN_ABOVE.contains(&key) {
            let label = key.replace('_', " ");
            let mut chars = label.chars();
            let label: String =
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            field(&label, value.trim_end().replace('\n', "\n                "));
        }
    }
    for (title, body) in [("Description", &inc.description), ("Closure note", &inc.closure_note)] {
        if let Some(b) = body {
            let _ = writeln!(s, "\n{title}");
            for line in b.trim_end().lines() {
                let _ = writeln!(s, "  {line}");
            }
        }
    }
    let _ = writeln!(s, "\nHistory");
    // In the order things happened (work entered after the fact takes its
    // place), each written late marked with when it was written.
    let mut history: Vec<&crate::model::Entry> = inc.history.iter().collect();
    history.sort_by_key(|e| e.at);
    for e in history {
        let mut line =
            format!("  {}  {:<10} {}", e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M"), e.by, e.action);
        if let Some(f) = &e.field {
            let _ = write!(line, " {f}");
        }
        if let Some(c) = crate::model::incident::change_shown(&e.action, e.from.as_deref(), e.to.as_deref()) {
            let _ = write!(line, ": {c}");
        }
        if let Some(d) = &e.detail {
            let _ = write!(line, " — {}", d.trim_end().replace('\n', "\n      "));
        }
        if let Some(w) = &e.recorded_at {
            let _ = write!(line, "  (written {})", w.with_timezone(&tz).format("%Y-%m-%d %H:%M"));
        }
        // A reopen keeps how the case had ended.
        let kept = |k: &str| e.extra.get(k).and_then(|v| v.as_str());
        if let Some(o) = kept("outcome") {
            let _ = write!(line, "\n      was closed");
            if let Some(t) = kept("closed_at").and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
                let _ = write!(line, " {}", when(&t, tz));
            }
            let _ = write!(line, " as {o}");
            if let Some(n) = kept("closure_note") {
                let _ = write!(line, ": {}", n.trim_end().replace('\n', "\n        "));
            }
        }
        let _ = writeln!(s, "{line}");
    }
    s
}

/// Where a continuation of this line of the case file starts: under the
/// value for a labelled line (`Summary         …`), under the action for a
/// history entry, else under the line's own first word.
fn hang(line: &str) -> usize {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let label = line.get(..16).is_some_and(|l| l.ends_with(' ') && !l.starts_with(' '));
    if lead == 0 && label && line[16..].starts_with(|c: char| c != ' ') {
        16
    } else if lead == 2 && line[2..].starts_with(|c: char| c.is_ascii_digit()) {
        6
    } else {
        lead
    }
}

/// The case file with every line wrapped at `width` (see [`hang`]).
fn wrapped(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.lines() {
        for part in crate::render::wrap(line, width, hang(line)) {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    if args.format == Format::Json {
        store.need_personal("show --format json")?;
    }
    let loaded = store.load(&args.id)?;
    let inc = &loaded.incident;
    let json = match args.format {
        Format::Json => Some(super::incident_json(inc)?),
        _ => None,
    };
    let links = if args.format == Format::Text { linked(&store, inc) } else { Vec::new() };
    emit(&mut ctx.out(), |o| match args.format {
        Format::Text => {
            let text = for_terminal(&text(inc, store.config.tz, &links), true).into_owned();
            o.write_all(ctx.width().map_or(text.clone(), |w| wrapped(&text, usize::from(w))).as_bytes())
        }
        Format::Yaml => o.write_all(loaded.text.as_bytes()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *o, &json)?;
            writeln!(o)
        }
    })
}
