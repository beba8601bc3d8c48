//! `lsms update`: change an incident's fields, each change in the history.

use super::args::IncidentFields;
use super::{Ctx, change, read_stdin_inputs, refused};
use crate::error::{Error, Result};
use crate::model::schema::{Given, GivenOp, InputCx, Op, Record, declared};
use crate::model::time::rfc3339;
use crate::model::workflow::FieldChange;
use crate::model::*;

const AFTER_HELP: &str = "\
An empty value clears an optional field (--site '', --location '', --police-ref '',
--weapon ''). --person, --asset and --flag add to the lists; --no-people and --no-assets
empty them first; --unflag takes a flag off. --ref SYSTEM=REF sets the case's reference in
another system (Datix, say), replacing the one there; --unref SYSTEM removes it.

Examples:
  lsms update 7QF3 --harm moderate --medical-factors yes
  lsms update 7QF3 --riddor not-reportable --riddor-basis 'No injury to staff'
  lsms update 7QF3 --status awaiting-external
  lsms update 7QF3 --person witness:visitor:J. Smith
  lsms update 7QF3 --flag weapon --weapon 'kitchen knife' --unflag alcohol
  lsms update 7QF3 --ref datix=DX-1001";

/// Change an incident's fields
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    #[command(flatten)]
    pub fields: IncidentFields<true>,
    /// investigating or awaiting-external
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Set the case's reference in another system (repeatable), e.g. datix=DX-1001
    #[arg(long = "ref", value_name = "SYSTEM=REF")]
    pub refs: Vec<String>,
    /// Remove the case's reference in SYSTEM (repeatable)
    #[arg(long, value_name = "SYSTEM")]
    pub unref: Vec<String>,
}

fn fail(flag: &str) -> impl Fn(String) -> Error + '_ {
    move |m| Error::failed(format!("--{flag}: {m}"))
}

/// The history entries of what the inputs changed: each declared field
/// that an input sets, compared before and after (`reporter.name`).
fn changes(before: &Incident, after: &Incident) -> Vec<FieldChange> {
    declared::<Incident>()
        .iter()
        .filter(|d| d.input.is_some() && !d.nested)
        .filter_map(|d| {
            let (from, to) = (before.shown(&d.path).flatten(), after.shown(&d.path).flatten());
            (from != to).then_some(FieldChange { field: d.path.clone(), from, to })
        })
        .collect()
}

/// A value both given and taken off a list (`--flag weapon --unflag
/// Weapon`), as the field spells it; `None` where there is none.
fn both_ways(given: &[Given], cx: &InputCx<'_>) -> Option<(String, String, String)> {
    // Each value as the field keeps it, by putting it alone in a blank record.
    let spelt = |g: &Given, v: &str| {
        let mut probe = Incident::default();
        probe.input(&g.path, Op::Set(v), cx)?.ok()?;
        probe.shown(&g.path).flatten()
    };
    given.iter().find_map(|off| {
        let GivenOp::Remove(x) = &off.op else { return None };
        let word = spelt(off, x)?;
        given
            .iter()
            .filter(|on| on.path == off.path)
            .find(|on| matches!(&on.op, GivenOp::Set(y) if spelt(on, y).as_deref() == Some(word.as_str())))
            .map(|on| (on.flag(), off.flag(), word.clone()))
    })
}

pub fn run(ctx: &Ctx, a: &Args) -> Result<()> {
    let given = read_stdin_inputs(&a.fields.given)?;
    let done = change(ctx, &a.id, "updated", &a.on, |inc, act, store| {
        let tz = store.config.tz;
        let vocab = store.config.vocab();
        let cx = InputCx { vocab: &vocab, tz, now: ctx.now };
        if let Some((on, off, word)) = both_ways(&given, &cx) {
            return Err(Error::failed(format!("{on} and {off} both name '{word}': say which")));
        }
        let before = inc.clone();
        for g in &given {
            match inc.input(&g.path, g.op(), &cx) {
                Some(Ok(())) => {}
                Some(Err(m)) => return Err(Error::failed(format!("{}: {m}", g.flag()))),
                None => {
                    return Err(Error::failed(format!("{}: the record has no field {}", g.flag(), g.path)));
                }
            }
        }
        if inc.occurred_at > inc.reported_at {
            return Err(Error::failed(format!(
                "occurred time {} would be later than reported time {}",
                rfc3339(&inc.occurred_at),
                rfc3339(&inc.reported_at)
            )));
        }
        // Everything dated on the case comes after the occurrence: moving
        // it later than any of them is refused, naming the first.
        if inc.occurred_at != before.occurred_at
            && let Some(entry) = inc.dated_before_occurrence(tz)
        {
            return Err(Error::failed_with(
                format!(
                    "--occurred {} would put the incident after {entry}, which must come after it: nothing was changed",
                    rfc3339(&inc.occurred_at)
                ),
                "an incident happens before anything recorded about it: give the time it happened (`lsms show ID` lists the dated entries)",
            ));
        }
        // A lower estimate may not fall below what was recovered without
        // saying so: that is `lsms loss`'s --allow-excess.
        if let Some(l) = &inc.losses
            && l.recovered > l.estimated
            && inc.losses != before.losses
        {
            return Err(Error::failed_with(
                format!(
                    "--loss: recovered £{} is more than the estimated loss £{}",
                    l.recovered, l.estimated
                ),
                format!("if so, say it with `lsms loss {} --estimated AMOUNT --allow-excess`", inc.id),
            ));
        }
        let now = time::in_zone(ctx.now, tz);
        let moved = inc.occurred_at != before.occurred_at || inc.reported_at != before.reported_at;
        if moved && (inc.occurred_at > now || inc.reported_at > now) {
            return Err(Error::failed("--occurred/--reported: a time in the future"));
        }
        let mut changes = changes(&before, inc);
        for r in &a.unref {
            let i = refs::position(&inc.refs, r).ok_or_else(|| {
                let held: Vec<&str> = inc.refs.iter().map(|(k, _)| k.as_str()).collect();
                Error::failed_with(
                    format!("--unref: {} has no reference in '{}'", inc.id, r.trim()),
                    if held.is_empty() {
                        "it has no references".to_string()
                    } else {
                        format!("it has references in: {}", held.join(", "))
                    },
                )
            })?;
            let (k, v) = inc.refs.remove(i);
            changes.push(FieldChange { field: "refs".into(), from: Some(format!("{k}={v}")), to: None });
        }
        for r in &a.refs {
            let (k, v) = refs::parse_pair(r).map_err(fail("ref"))?;
            // A system already held keeps the spelling it has.
            let k = refs::position(&inc.refs, &k).map_or(k, |i| inc.refs[i].0.clone());
            let shown = |v: &str| format!("{k}={v}");
            let old = refs::set(&mut inc.refs, k.clone(), v.clone());
            if old.as_deref() != Some(v.as_str()) {
                changes.push(FieldChange {
                    field: "refs".into(),
                    from: old.as_deref().map(shown),
                    to: Some(shown(&v)),
                });
            }
        }
        let touched = !changes.is_empty();
        if touched && inc.status == Status::Closed {
            return Err(Error::failed_with(
                format!("{} is closed: its fields cannot be changed", inc.id),
                format!("reopen it first with `lsms reopen {} --reason TEXT`", inc.id),
            ));
        }
        for c in changes {
            inc.changed(act, c);
        }
        if let Some(s) = &a.status {
            let s = Status::parse(s).map_err(fail("status"))?;
            inc.set_workflow_status(act, s).map_err(refused)?;
        }
        Ok(())
    })?;
    if done.written {
        ctx.say(format!("{}: updated.", done.incident.id));
    }
    Ok(())
}
