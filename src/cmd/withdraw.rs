//! `lsms withdraw`: take back a sanction, a person, a link, a notification,
//! a loss figure or an evidence file recorded by mistake, saying why. The
//! case keeps a `withdrawn` history entry holding what it was.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};
use crate::model::withdraw::{self, Figure};
use crate::model::{Id, LinkKind};

const AFTER_HELP: &str = "\
Nothing is deleted: the thing leaves the record, and the case history gets a
`withdrawn` entry with what it was (`from`) and the reason (`detail`), so
`lsms show ID` still tells what had been recorded and why it went.

WHAT and WHICH:
  sanction N|KIND       N counts from 1 in the order `lsms show` lists them
  person N|ROLE:PARTY[:NAME]
                        as --person gave them, e.g. 'victim:staff:A. Nurse'
  link OTHER[:KIND]     the other incident's id (or its last four); it goes
                        from both; :KIND when the two are linked two ways
  notice N|WHO          who was told: cdao, police, hse, nhsbsa, ico, ...
  loss estimated|recovered
                        the figure goes back to nothing (the losses go when
                        neither is left)
  evidence SHA|NAME     its SHA-256 (or its first 8 or more digits) or name

Where a word fits more than one entry, nothing is withdrawn and each is named
with its number: give the number. Withdrawn evidence leaves the case's list
with its whole custody record (hash, name, size, who added it and when) kept
in the entry; its file stays in evidence/, where `lsms check` counts it as
withdrawn and `lsms evidence verify` still re-hashes it.

Refused, with nothing changed: a closed case (`lsms reopen` it first), an
entry that is not there, a choice that fits more than one, an empty --reason,
and --on in the future.

Examples:
  lsms withdraw 7QF3 sanction 2 --reason 'Recorded twice'
  lsms withdraw 7QF3 person 'victim:staff:A. Nurse' --reason 'Wrong incident'
  lsms withdraw 7QF3 link AB12 --reason 'Not the same man after all'
  lsms withdraw 7QF3 notice cdao --reason 'No drugs were taken'
  lsms withdraw 7QF3 loss estimated --reason 'The bike was found unharmed'
  lsms withdraw 7QF3 evidence 9f86d0a1 --reason 'CCTV of another day'";

/// What kind of entry is withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Sanction,
    Person,
    Link,
    #[value(alias = "notification")]
    Notice,
    Loss,
    Evidence,
}

/// Withdraw a wrong sanction, person, link, notice, loss or evidence file
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    /// What kind of entry: sanction, person, link, notice, loss or evidence
    #[arg(value_enum, value_name = "WHAT")]
    pub what: What,
    /// Which one (see below): a number, a kind, a person, an id, who was told, a figure, a hash or a name
    #[arg(value_name = "WHICH", allow_hyphen_values = true)]
    pub which: String,
    /// Why it is withdrawn, kept in the case history
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    // An empty reason is refused before anything is looked up.
    if args.reason.trim().is_empty() {
        return Err(Error::failed_with(
            "the reason is empty: a withdrawal says why",
            "say why with --reason TEXT, e.g. --reason 'Recorded twice'",
        ));
    }
    if args.what == What::Link {
        return run_link(ctx, args);
    }
    let figure = match args.what {
        What::Loss => Some(Figure::parse(&args.which).map_err(|m| {
            Error::failed_with(m, "say which: `lsms withdraw ID loss estimated` or `... loss recovered`")
        })?),
        _ => None,
    };
    let (mut said, mut after) = (String::new(), "");
    let done = change(ctx, &args.id, withdraw::ACTION, &args.on, |inc, act, _| {
        let (which, reason) = (args.which.as_str(), args.reason.as_str());
        said = match (args.what, figure) {
            (What::Sanction, _) => {
                format!("sanction {}", inc.withdraw_sanction(act, which, reason).map_err(refused)?)
            }
            (What::Person, _) => {
                format!("person {}", inc.withdraw_person(act, which, reason).map_err(refused)?)
            }
            (What::Notice, _) => {
                format!("notification to {}", inc.withdraw_notice(act, which, reason).map_err(refused)?)
            }
            (What::Loss, Some(f)) => format!("loss {}", inc.withdraw_loss(act, f, reason).map_err(refused)?),
            (What::Evidence, _) => {
                let e = inc.withdraw_evidence(act, which, reason).map_err(refused)?;
                after = "; its file stays in evidence/, its custody in the history";
                format!("evidence {} (sha256 {}…)", e.name, &e.sha256[..12.min(e.sha256.len())])
            }
            (What::Loss, None) | (What::Link, _) => {
                return Err(Error::failed("nothing to withdraw"));
            }
        };
        Ok(())
    })?;
    ctx.say(format!("{}: {said} withdrawn{after}.", done.incident.id));
    Ok(())
}

/// A link is withdrawn from both incidents under one hold of the lock; a
/// link to an incident no longer in the store, from this one alone.
fn run_link(ctx: &Ctx, args: &Args) -> Result<()> {
    let (other, kind) = match args.which.trim().split_once(':') {
        Some((o, k)) => {
            let k = LinkKind::parse(k).map_err(|m| {
                Error::failed_with(
                    format!("link {}: {m}", args.which.trim()),
                    "write it as OTHER:KIND, e.g. AB12:same-offender",
                )
            })?;
            (o.trim().to_string(), Some(k))
        }
        None => (args.which.trim().to_string(), None),
    };
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let a = store.resolve(&args.id)?;
    let act = ctx.act(&store, &actor, args.on.on.as_deref())?;
    let commits = ctx.commits(&store)?;
    let reason = args.reason.as_str();
    let (said, ids) = match store.resolve(&other) {
        Ok(b) => {
            let mut said = String::new();
            store.update_pair(&a, &b, |x, y| {
                x.accepts(&act).and_then(|()| y.accepts(&act)).map_err(refused)?;
                said = withdraw::withdraw_link(&act, x, Some(y), &b, kind, reason).map_err(refused)?;
                Ok(())
            })?;
            (said, vec![a.clone(), b])
        }
        Err(e) => {
            // The other incident may be gone (a dangling link): its whole
            // id names the link, and only this incident changes.
            let Ok(gone) = Id::parse(&other) else { return Err(e) };
            let mut said = String::new();
            store.update(&a, |x| {
                if !x.links.iter().any(|l| l.id == gone) {
                    return Err(e);
                }
                x.accepts(&act).map_err(refused)?;
                said = withdraw::withdraw_link(&act, x, None, &gone, kind, reason).map_err(refused)?;
                Ok(())
            })?;
            (said, vec![a.clone()])
        }
    };
    if commits {
        let who = ctx.ident(&store, &actor);
        let rels: Vec<String> = ids.iter().map(|i| i.rel_path()).collect();
        crate::store::git::commit(&store.root, &rels, &format!("{a}: {}", withdraw::ACTION), &who)?;
    }
    let both = if ids.len() == 2 { " (from both incidents)" } else { "" };
    ctx.say(format!("{a}: link {said} withdrawn{both}."));
    Ok(())
}
