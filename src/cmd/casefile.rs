//! `lsms casefile`: a printable case file for the police, a hearing or an
//! insurer, with the evidence manifest (and the evidence itself beside it
//! on request), recorded on the case as a `disclosed` history entry.

use super::{Ctx, output_target};
use crate::error::{Error, Result};
use crate::model::disclosure::disclosure;
use crate::model::workflow::Act;
use crate::model::{DisclosureForm, Recipient};
use crate::render::casefile::{CaseFile, Omit, Related, html, omittable};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
The case file is one self-contained HTML page to read on screen or print
(Chromium: --no-pdf-header-footer): the record, the people involved, the
history in the order things happened, related cases (their ids and summaries
only), sanctions, losses and redress, notifications, and the evidence
manifest: each file's SHA-256, size, where it came from and its custody.
Every printed page carries the marking at its top and bottom and \"Page N of
M\" at its foot. Text from the record is escaped: nothing in it can add markup
or run a script.

--omit leaves a field out by name (description, reporter.name, people.name,
sanctions.note, history.detail, …; a field takes the fields inside it); the
file lists what was left out, and so does the history entry.
--with-evidence copies the evidence files into DIR (new or empty) with a
SHA256SUMS file, each copy re-hashed against the record.

The file (and the copies) are written first, owner-only; only then is the
disclosure recorded on the case, under the store's lock, as a `disclosed`
history entry: to whom, when, by whom, the lawful basis, what was included
and what was left out (`lsms disclosures` lists them all). If it cannot be
recorded, what was written is removed: a disclosure not on the record does
not happen.

Examples:
  lsms casefile 7QF3 --to police --recipient 'Merseyside Police' \\
      --basis 'DPA 2018 Sch. 2 para. 2 (crime and taxation)' \\
      --output 7QF3-police.html
  lsms casefile 7QF3 --to hearing --basis 'Staff disciplinary policy 4.2' \\
      --omit reporter.name --output 7QF3-hearing.html
  lsms casefile 7QF3 --to police --basis 'Crime and Disorder Act 1998 s.115' \\
      --output out/7QF3.html --with-evidence out/evidence";

/// Write a printable case file (police, hearing, insurer) and record the disclosure
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    /// Who the case file is for: police, hearing, insurer or other (with --recipient)
    #[arg(long, value_name = "BODY", value_parser = ["police", "hearing", "insurer", "other"], ignore_case = true)]
    pub to: String,
    /// Who exactly, in words (the force, the panel); required with --to other
    #[arg(long, value_name = "WHO", allow_hyphen_values = true)]
    pub recipient: Option<String>,
    /// The lawful basis of the disclosure (free text, e.g. 'DPA 2018 Sch. 2 para. 2')
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub basis: String,
    /// The HTML file to write
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Leave a field out by name (repeatable, or comma-separated)
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub omit: Vec<String>,
    /// Copy the evidence files into DIR (new or empty), with a SHA256SUMS file
    #[arg(long, value_name = "DIR")]
    pub with_evidence: Option<PathBuf>,
    /// The marking on every page: OFFICIAL or OFFICIAL-SENSITIVE [default: OFFICIAL-SENSITIVE]
    #[arg(long, value_name = "MARKING")]
    pub marking: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    // A case file of "(sealed)" helps no court, and must not be recorded
    // as a disclosure.
    store.need_personal("`lsms casefile` (the record as it is, for a hand-over)")?;
    let to = Recipient::parse(&args.to)
        .map_err(|e| Error::usage(format!("--to: {e}"), "see `lsms casefile --help`"))?;
    let mut d = disclosure(DisclosureForm::CaseFile, to, args.recipient.as_deref(), &args.basis).map_err(|e| {
        Error::failed_with(
            e,
            "say on what basis and to whom, e.g. --basis 'DPA 2018 Sch. 2 para. 2 (crime and taxation)'; --to other takes --recipient WHO",
        )
    })?;
    // A case file holds personal data: OFFICIAL-SENSITIVE unless told.
    let marking = match &args.marking {
        Some(m) => crate::store::config::parse_marking(m)
            .map_err(|e| Error::usage(format!("--marking: {e}"), "see `lsms casefile --help`"))?,
        None => "OFFICIAL-SENSITIVE".to_string(),
    };
    let actor = ctx.actor(&store)?;
    let id = store.resolve(&args.id)?;
    // The store's lock is held from the reading to the recording, so the
    // file shows the record as it stood when the disclosure was made; the
    // incident must be one that can be changed before anything is written.
    let lock = store.lock()?;
    let mut inc = store.read_for_update(&id, false)?.incident;
    // Opened (a sealed store): the case file shows what the record says.
    store.view_incident(&mut inc)?;
    super::refuse_void(&inc)?;
    let known = omittable(&inc);
    let mut omit = Vec::new();
    for raw in &args.omit {
        let o = raw.trim();
        if !known.iter().any(|k| k == o) {
            let choices: Vec<&str> = known.iter().map(String::as_str).collect();
            let hint = crate::model::suggest(o, &choices)
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(Error::usage(
                format!("--omit {raw}: the record has no field of that name{hint}: nothing was written"),
                format!("name a field as the file names it: {}", known.join(", ")),
            ));
        }
        if !omit.iter().any(|x: &String| x == o) {
            omit.push(o.to_string());
        }
    }
    let omit = Omit(omit);
    if args.output.as_os_str() == "-" {
        return Err(Error::usage(
            "--output -: a case file is a page to keep and print, written to a file",
            "give a file name, like --output 7QF3-police.html",
        ));
    }
    let path = output_target(&store, &ctx.cwd.join(&args.output))?;
    let evidence_dir = args.with_evidence.as_ref().map(|d| ctx.cwd.join(d));
    if let Some(dir) = &evidence_dir
        && (omit.has("evidence") || inc.evidence.is_empty())
    {
        return Err(Error::usage(
            format!(
                "--with-evidence {}: {id} has no evidence to copy{}",
                dir.display(),
                if inc.evidence.is_empty() { "" } else { " once `evidence` is left out" }
            ),
            "leave out --with-evidence",
        ));
    }

    let related = inc
        .links
        .iter()
        .map(|l| Related {
            id: l.id.clone(),
            kind: l.kind,
            summary: store
                .read(&store.path_of(&l.id))
                .ok()
                .and_then(|mut x| store.view_incident(&mut x.incident).ok().map(|()| x.incident.summary)),
        })
        .collect();
    let tz = store.config.tz;
    let now = crate::model::time::in_zone(ctx.now, tz);

    // The evidence first (re-hashed as copied), then the page that lists the copies.
    // With the names left out, each copy goes out as `item-N` (its
    // extension kept, so that it opens), as the manifest numbers it.
    let renamed: Vec<crate::model::Evidence> = inc
        .evidence
        .iter()
        .enumerate()
        .map(|(n, e)| match omit.has("evidence.name") {
            true => crate::model::Evidence { name: item_name(n + 1, &e.name), ..e.clone() },
            false => e.clone(),
        })
        .collect();
    let chosen: Vec<_> = renamed.iter().collect();
    let copied = match &evidence_dir {
        Some(dir) => Some(super::evidence::copy_all_out(ctx, &store, &chosen, dir, "--with-evidence")?),
        None => None,
    };
    let mut included = vec!["record".to_string()];
    for (part, what) in [
        ("people", "people"),
        ("history", "history"),
        ("links", "related cases"),
        ("sanctions", "sanctions"),
        ("losses", "losses"),
        ("notified", "notifications"),
        ("evidence", "evidence manifest"),
    ] {
        if !omit.has(part) {
            included.push(what.to_string());
        }
    }
    if let Some(c) = &copied {
        included.extend(c.files.iter().map(|(sha, _)| format!("evidence copy {sha}")));
    }
    d.included = included;
    d.omitted = omit.0.clone();
    let page = html(
        &inc,
        &CaseFile {
            trust: &store.config.trust,
            tz,
            marking: &marking,
            disclosure: &d,
            by: &actor,
            made: now.format("%d/%m/%Y %H:%M").to_string(),
            omit: &omit,
            related,
            copies: copied.as_ref().map(|c| c.files.as_slice()),
        },
    );
    let undo = |wrote_page: bool| {
        if wrote_page {
            let _ = std::fs::remove_file(&path);
        }
        if let Some(c) = &copied {
            c.undo();
        }
    };
    if let Err(e) =
        crate::store::fsio::write_atomic_perm(&path, page.as_bytes(), crate::store::Mode::Replace, 0o600)
    {
        undo(false);
        return Err(Error::io("write", &path)(e));
    }
    // Everything is written: now the disclosure is recorded, under the lock.
    let act = Act::now(&actor, now);
    super::record_disclosure(
        ctx,
        &store,
        lock,
        &act,
        &[&id],
        &d,
        &format!("{id}: disclosed"),
        &path,
        || undo(true),
    )?;
    ctx.say(format!("Wrote {}; the disclosure to {} is recorded on {id}.", path.display(), d.to));
    if let (Some(c), Some(dir)) = (&copied, &evidence_dir) {
        ctx.say(format!("{} evidence file(s) and SHA256SUMS are in {}.", c.files.len(), dir.display()));
    }
    Ok(())
}

/// `item-N`, with the extension of `name` where it is a short plain one
/// (`item-2.jpg`): the file opens, and says nothing of what it was called.
fn item_name(n: usize, name: &str) -> String {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|x| x.to_str())
        .filter(|x| x.len() <= 8 && x.chars().all(|c| c.is_ascii_alphanumeric()));
    match ext {
        Some(x) => format!("item-{n}.{x}"),
        None => format!("item-{n}"),
    }
}
