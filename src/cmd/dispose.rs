//! `lsms dispose`: remove records whose retention has ended, with their
//! evidence, each leaving a certificate in the register of disposals;
//! `--due` lists what may go.

use super::args::Format;
use super::{Ctx, emit, finish_scan, gather, text_or_stdin};
use crate::error::{Error, Result};
use crate::model::retention::Applied;
use crate::model::workflow::{Refusal, refuse};
use crate::model::{Id, Incident, Status};
use crate::render::{self, Rows};
use crate::store::disposals::{self, Certificate};
use crate::store::{Store, evidence};
use std::collections::{BTreeSet, HashSet};

/// Dispose of records whose retention has ended, leaving a certificate of each
#[derive(Debug, clap::Args)]
#[command(after_help = "\
A record may be disposed of once it is closed (or void: its retention then runs from its voiding), its retention has ended and no hold stands
(`lsms hold`). Retention runs 10 years from closing, 20 for a serious incident (harm severe or
death, or RIDDOR reportable or reported), unless `retention:` in lsms.yaml says otherwise. The
record's file goes, with each of its evidence files that no other record holds, and a
certificate goes into the register of disposals (disposals/YYYY/MM/<id>.yaml): the id, uuid,
category, the days it occurred, was reported and closed, the rule applied, who disposed of it,
when and why. No name, summary, description or place: the reason is kept as given, so say
why (the review that decided it), not who was involved.

All or nothing: if any id given may not be disposed of (open, held, retention not ended,
unknown, disposed of already), each is named and nothing is removed. In a store that commits
(`git: { commit: true }` or --commit) the disposal is one commit; otherwise `lsms sync` commits
it, knowing it by its certificates. Earlier versions of the record stay in git's history: the
README's \"Holds and disposal\" says how to remove them too.

Examples:
  lsms dispose --due
  lsms dispose --due --format ids | xargs -r lsms dispose --reason 'Review 2036'
  lsms dispose 7QF3 AB12 --reason 'Retention ended; reviewed 1/4/2036'")]
pub struct Args {
    /// The incidents' ids, or their last four characters
    #[arg(value_name = "ID", required_unless_present = "due")]
    pub ids: Vec<String>,
    /// Why they are disposed of, for the certificates: the review that decided it (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true, required_unless_present = "due")]
    pub reason: Option<String>,
    /// List the records that may be disposed of now, and dispose of nothing
    #[arg(long, conflicts_with_all = ["ids", "reason"])]
    pub due: bool,
    /// Output format of --due [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT", requires = "due",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson, Format::Ids]))]
    pub format: Option<Format>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    if args.due { list_due(ctx, args) } else { dispose(ctx, args) }
}

/// A day as certificates and listings give it.
fn day(t: &crate::model::Stamp, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).date_naive().to_string()
}

/// Why a record may not be disposed of today, or the retention it is
/// disposed of under.
fn may_go(inc: &Incident, store: &Store, today: chrono::NaiveDate) -> Result<Applied, Refusal> {
    let id = &inc.id;
    if inc.status != Status::Closed && inc.void.is_none() {
        return Err(refuse(
            format!("{id} is open ({}): only a closed case is disposed of", inc.status),
            format!("its retention starts when it is closed (`lsms close {id} …`)"),
        ));
    }
    if let Some(h) = &inc.hold {
        return Err(refuse(
            format!(
                "{id} is on hold (since {} by {}): a held record is kept",
                day(&h.at, store.config.tz),
                h.by
            ),
            format!("once the matter is over, `lsms release {id} --reason TEXT`, then dispose of it"),
        ));
    }
    let Some(a) = store.config.retention.applied(inc, store.config.tz) else {
        return Err(refuse(format!("{id} has no retention period yet"), "close it first"));
    };
    if a.ends > today {
        return Err(refuse(
            format!("{id} is kept until {} ({})", a.ends, a.shown()),
            format!(
                "it may be disposed of from {}; `lsms dispose --due` lists what may go now (`retention:` in lsms.yaml sets the periods)",
                a.ends
            ),
        ));
    }
    Ok(a)
}

fn list_due(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tz = store.config.tz;
    let today = ctx.now.with_timezone(&tz).date_naive();
    let (found, bad) = gather(&store, false, |i| {
        let applied = store.config.retention.applied(&i, tz)?;
        (applied.ends <= today).then(|| {
            let held = i.hold.is_some();
            let closed = i.closed_at.as_ref().map(|c| day(c, tz)).unwrap_or_default();
            (
                held,
                vec![i.id.to_string(), i.category.clone(), closed, applied.ends.to_string(), applied.shown()],
            )
        })
    })?;
    let held = found.iter().filter(|(h, _)| *h).count();
    let rows = Rows {
        columns: ["id", "category", "closed", "retention_ended", "rule"].map(String::from).to_vec(),
        rows: found.into_iter().filter(|(h, _)| !h).map(|(_, r)| r).collect(),
    };
    let terminal = ctx.stdout_is_terminal();
    let format = args.format.unwrap_or(if terminal { Format::Table } else { Format::Tsv });
    emit(&mut ctx.out(), |o| match format {
        Format::Table if rows.rows.is_empty() => Ok(()),
        Format::Table => render::table_look(
            o,
            &rows,
            &render::Look {
                width: ctx.width(),
                color: ctx.color,
                alert: None,
                keep: Some(&["id", "retention_ended", "category", "closed", "rule"]),
            },
        ),
        _ => super::write_rows(o, format, &rows),
    })?;
    if format == Format::Table && rows.rows.is_empty() {
        ctx.say("Nothing may be disposed of today.");
    }
    if held > 0 {
        ctx.say(format!(
            "note: {held} more record(s) past retention are on hold and kept (`lsms due` names them)"
        ));
    }
    finish_scan(ctx, bad)
}

fn dispose(ctx: &Ctx, args: &Args) -> Result<()> {
    let reason = text_or_stdin(args.reason.as_deref().unwrap_or_default(), "reason")?;
    let reason = reason.trim_end().to_string();
    if reason.trim().is_empty() {
        return Err(Error::failed_with(
            "the reason is empty: a certificate of disposal says why",
            "say why with --reason TEXT, e.g. --reason 'Annual retention review 2036'",
        ));
    }
    let store = ctx.store()?;
    let tz = store.config.tz;
    let actor = ctx.actor(&store)?;
    let commits = ctx.commits(&store)?;
    let _lock = store.lock()?;
    let today = ctx.now.with_timezone(&tz).date_naive();
    let mut refusals = Vec::new();
    let mut going: Vec<(Incident, Applied)> = Vec::new();
    let mut seen = HashSet::new();
    for arg in &args.ids {
        let id = match store.resolve(arg) {
            Ok(id) => id,
            Err(e) => {
                let message = match disposals::of_arg(&store, arg) {
                    Some(c) => format!(
                        "{} was disposed of already, on {} by {} ({})",
                        c.id,
                        c.disposed_on().map(|d| d.to_string()).unwrap_or_default(),
                        c.disposed_by,
                        disposals::rel_path(&Id::parse(&c.id).map_err(Error::failed)?)
                    ),
                    None => e.to_string(),
                };
                refusals.push(Refusal { message, help: Some("leave it out".into()) });
                continue;
            }
        };
        if !seen.insert(id.clone()) {
            continue;
        }
        let inc = match store.read(&store.path_of(&id)) {
            Ok(l) => l.incident,
            Err(errs) => {
                let first = crate::store::first_of(errs);
                refusals.push(Refusal {
                    message: format!("{id}: its file cannot be read: {first}"),
                    help: Some("put it right first (`lsms check` says what is wrong)".into()),
                });
                continue;
            }
        };
        if disposals::find(&store, &id).is_some() {
            refusals.push(Refusal {
                message: format!(
                    "{id} has a certificate of disposal ({}) but its file is still here",
                    disposals::rel_path(&id)
                ),
                help: Some("an earlier disposal was interrupted: `lsms check` says more".into()),
            });
            continue;
        }
        match may_go(&inc, &store, today) {
            Ok(a) => going.push((inc, a)),
            Err(r) => refusals.push(r),
        }
    }
    if !refusals.is_empty() {
        return Err(super::refusal_list(
            "nothing was disposed of",
            refusals,
            "",
            "the store is as it was; dispose of the others by leaving these out",
        ));
    }
    // Evidence files that go with them: those no other record holds, nor
    // keeps in its history as withdrawn.
    let ids: HashSet<Id> = going.iter().map(|(i, _)| i.id.clone()).collect();
    let (kept, bad) = gather(&store, true, |i| (!ids.contains(&i.id)).then(|| i.evidence_held()))?;
    super::refuse_unread(
        ctx,
        bad,
        "so lsms cannot tell which evidence files they hold: nothing was disposed of",
    )?;
    let kept: HashSet<String> = kept.into_iter().flatten().collect();
    let disposed_at = crate::model::time::rfc3339(&crate::model::time::in_zone(ctx.now, tz));
    let mut certs = Vec::new();
    for (inc, a) in &going {
        let evidence_removed: BTreeSet<String> = inc
            .evidence_held()
            .into_iter()
            .filter(|sha| evidence::is_sha256(sha) && !kept.contains(sha))
            .filter(|sha| std::fs::symlink_metadata(store.root.join(evidence::rel_path(sha))).is_ok())
            .collect();
        certs.push(Certificate {
            id: inc.id.to_string(),
            uuid: inc.uuid.to_string(),
            category: inc.category.clone(),
            occurred: day(&inc.occurred_at, tz),
            reported: day(&inc.reported_at, tz),
            closed: inc.closed_at.as_ref().map(|c| day(c, tz)),
            rule: a.rule.clone(),
            years: a.years,
            from: a.from.as_str().to_string(),
            retention_ended: a.ends.to_string(),
            disposed_at: disposed_at.clone(),
            disposed_by: actor.clone(),
            reason: reason.clone(),
            evidence_removed: evidence_removed.into_iter().collect(),
        });
    }
    // The certificates first: a run cut short leaves a certificate beside
    // a record (which `check` names), never a record gone unrecorded.
    let mut written: Vec<String> = Vec::new();
    for ((inc, _), c) in going.iter().zip(&certs) {
        match disposals::write(&store, &inc.id, c) {
            Ok(rel) => written.push(rel),
            Err(e) => {
                for rel in &written {
                    let _ = std::fs::remove_file(store.root.join(rel));
                }
                return Err(e);
            }
        }
    }
    let mut removed = Vec::new();
    for ((inc, _), c) in going.iter().zip(&certs) {
        let mut rels = vec![inc.id.rel_path()];
        rels.extend(c.evidence_removed.iter().map(|sha| evidence::rel_path(sha)));
        for rel in rels {
            let path = store.root.join(&rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", &path)(e)),
            }
            if let Some(dir) = path.parent() {
                let _ = crate::store::fsio::sync_dir(dir);
                // An emptied month's (or hash's) folder goes too.
                let _ = std::fs::remove_dir(dir);
            }
            removed.push(rel);
        }
    }
    let evidence_n: usize = certs.iter().map(|c| c.evidence_removed.len()).sum();
    if commits {
        let who = ctx.ident(&store, &actor);
        let message = match going.as_slice() {
            [(one, _)] => format!("{}: disposed", one.id),
            many => format!(
                "dispose: {} records under retention\n\n{}",
                many.len(),
                many.iter().map(|(i, _)| i.id.to_string()).collect::<Vec<_>>().join("\n")
            ),
        };
        crate::store::git::commit_disposal(&store.root, &written, &removed, &message, &who)?;
    }
    for ((inc, a), rel) in going.iter().zip(&written) {
        ctx.say(format!("{}: disposed of ({}); certificate {rel}.", inc.id, a.shown()));
    }
    if evidence_n > 0 {
        ctx.say(format!("{evidence_n} evidence file(s) no other record holds were removed with them."));
    }
    if crate::store::git::in_work_tree(&store.root) {
        ctx.say("Earlier versions stay in git's history until it is rewritten: see \"Holds and disposal\" in the README.");
    }
    Ok(())
}

/// Says on stderr how many records were disposed of under retention in
/// the span (`period` in words): talk, never a row of the figures.
pub fn say_disposed(
    ctx: &Ctx,
    store: &Store,
    span: Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    period: &str,
) {
    let n = disposals::disposed_in(store, span);
    if n > 0 {
        ctx.say(format!(
            "note: {n} record(s) disposed of under retention {period} (the register of disposals; not in these figures)"
        ));
    }
}
