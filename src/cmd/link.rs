//! `lsms link` and `lsms unlink`: cases that belong together, held on both.

use super::{Ctx, refuse_void, refused};
use crate::error::{Error, Result};
use crate::model::links;
use crate::model::{Id, Incident, LinkKind};
use crate::store::Store;

const KINDS: &str = "\
Kinds: related, duplicate-of, same-offender, repeat-victim. A link is written
on both incidents at once, each naming the other. Each kind reads the same
from either side but duplicate-of: `lsms link NEW ORIGINAL --kind
duplicate-of` says NEW is a duplicate of ORIGINAL; ORIGINAL holds it as
`related`, and `lsms show ORIGINAL` says NEW is a duplicate of it. (The kind
is --kind, not --as: --as is who acts, as in every command.)";

/// Link two incidents: related, duplicate-of, same-offender or repeat-victim
#[derive(Debug, clap::Args)]
#[command(after_help = format!("{KINDS}

A closed case can be linked (a repeat offender found later). Refused, with
nothing changed: a link to itself, to an id not in the store, or one already
there.

Examples:
  lsms link 7QF3 AB12 --kind same-offender --note 'Same man on CCTV'
  lsms link 9XK2 7QF3 --kind duplicate-of
  lsms close 9XK2 --outcome duplicate --note 'Reported twice'"))]
pub struct LinkArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    /// The other incident's id, or its last four characters
    pub other: String,
    /// How they are linked: related, duplicate-of, same-offender, repeat-victim
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// A note kept with the link on both incidents (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
    #[command(flatten)]
    pub on: super::args::OnArg,
}

/// Remove a link between two incidents, from both
#[derive(Debug, clap::Args)]
#[command(after_help = format!("{KINDS}

Without --kind every link between the two goes; with it, only that kind. A
link to an incident no longer in the store (a hand edit) is removed from
this incident alone. Refused, with nothing changed, when there is no such
link.

Examples:
  lsms unlink 7QF3 AB12
  lsms unlink 7QF3 AB12 --kind same-offender"))]
pub struct UnlinkArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    /// The other incident's id (the whole id, for one no longer in the store)
    pub other: String,
    /// Only links of this kind
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    #[command(flatten)]
    pub on: super::args::OnArg,
}

fn kind(arg: Option<&str>) -> Result<Option<LinkKind>> {
    arg.map(|k| LinkKind::parse(k).map_err(|m| Error::failed(format!("--kind: {m}")))).transpose()
}

/// The kind is `--kind`; someone who wrote `--as same-offender` (as the
/// YAML key says) set the actor instead, and is told so.
fn need_kind(ctx: &Ctx, arg: Option<&str>) -> Result<LinkKind> {
    if let Some(k) = kind(arg)? {
        return Ok(k);
    }
    let actor_is_kind = ctx.actor.as_deref().is_some_and(|a| LinkKind::parse(a).is_ok());
    let help = if actor_is_kind {
        "--as names who acts; say the link's kind with --kind, like --kind same-offender"
    } else {
        "say how they are linked, like --kind same-offender"
    };
    Err(Error::usage(
        "the link's kind is needed: --kind related|duplicate-of|same-offender|repeat-victim",
        help,
    ))
}

/// Commits the changed files where `--commit` asked (`ctx.commits`, asked
/// once before anything is written, so a store outside git is refused first).
fn commit(ctx: &Ctx, commits: bool, store: &Store, actor: &str, ids: &[&Id], action: &str) -> Result<()> {
    if commits {
        let who = ctx.ident(store, actor);
        let rels: Vec<String> = ids.iter().map(|i| i.rel_path()).collect();
        crate::store::git::commit(&store.root, &rels, &format!("{}: {action}", ids[0]), &who)?;
    }
    Ok(())
}

pub fn run_link(ctx: &Ctx, args: &LinkArgs) -> Result<()> {
    let kind = need_kind(ctx, args.kind.as_deref())?;
    let note = args.note.as_deref().map(|n| super::text_or_stdin(n, "link's note")).transpose()?;
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let a = store.resolve(&args.id)?;
    let b = store.resolve(&args.other)?;
    if a == b {
        return Err(Error::failed_with(
            format!("{a} cannot be linked to itself"),
            "give the id of the other incident: `lsms link ID OTHER --kind KIND`",
        ));
    }
    let commits = ctx.commits(&store)?;
    let act = ctx.act(&store, &actor, args.on.on.as_deref())?;
    store.update_pair(&a, &b, |x, y| {
        refuse_void(x).and_then(|()| refuse_void(y))?;
        x.accepts(&act).and_then(|()| y.accepts(&act)).map_err(refused)?;
        if kind == LinkKind::DuplicateOf {
            refuse_duplicate_loop(&store, x, y)?;
        }
        links::link(&act, x, y, kind, note.as_deref()).map_err(refused)
    })?;
    commit(ctx, commits, &store, &actor, &[&a, &b], "linked")?;
    ctx.say(match kind {
        LinkKind::DuplicateOf => format!("{a}: linked as a duplicate of {b}."),
        k => format!("{a}: linked to {b} ({k})."),
    });
    Ok(())
}

/// `x` a duplicate of `y` is refused where `y` already leads back to
/// `x` through duplicate-of links (`y` a duplicate of `x`, or of one that
/// is): a duplicate points to an original, never round in a loop. Run
/// under the lock; the other incidents of the chain are read from the store.
fn refuse_duplicate_loop(store: &Store, x: &Incident, y: &Incident) -> Result<()> {
    let dups_of = |i: &Incident| -> Vec<Id> {
        i.links.iter().filter(|l| l.kind == LinkKind::DuplicateOf).map(|l| l.id.clone()).collect()
    };
    let chain = links::duplicate_loop(&x.id, &y.id, |id| {
        if *id == y.id {
            dups_of(y)
        } else {
            store.read(&store.path_of(id)).map(|l| dups_of(&l.incident)).unwrap_or_default()
        }
    });
    let Some(mut chain) = chain else { return Ok(()) };
    chain.pop();
    chain.insert(0, x.id.clone());
    let (a, b) = (&x.id, &y.id);
    let through = if chain.len() == 2 {
        format!("{b} is already a duplicate of {a}")
    } else {
        let rest: Vec<String> = chain[1..].iter().map(Id::to_string).collect();
        format!("{b} already leads back to it through duplicate-of links ({} → {a})", rest.join(" → "))
    };
    Err(Error::failed_with(
        format!(
            "{a} cannot be a duplicate of {b}: {through}, so the duplicates would go round in a loop: nothing was changed"
        ),
        format!(
            "a duplicate points to the original it repeats: if the link already held is the wrong way round, \
             `lsms unlink {} {} --kind duplicate-of` first",
            chain[1],
            chain.get(2).unwrap_or(a)
        ),
    ))
}

pub fn run_unlink(ctx: &Ctx, args: &UnlinkArgs) -> Result<()> {
    let kind = kind(args.kind.as_deref())?;
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let a = store.resolve(&args.id)?;
    let act = ctx.act(&store, &actor, args.on.on.as_deref())?;
    let commits = ctx.commits(&store)?;
    // The other incident may be gone (a dangling link): then its whole id
    // names the link, and only this incident changes.
    let b = match store.resolve(&args.other) {
        Ok(b) => b,
        Err(e) => {
            let Ok(gone) = Id::parse(&args.other) else { return Err(e) };
            let held = store.load(a.as_str())?.incident.links.iter().any(|l| l.id == gone);
            if !held {
                return Err(e);
            }
            store.update(&a, |x| {
                refuse_void(x)?;
                x.accepts(&act).map_err(refused)?;
                links::unlink(&act, x, None, &gone, kind).map(|_| ()).map_err(refused)
            })?;
            commit(ctx, commits, &store, &actor, &[&a], "unlinked")?;
            ctx.say(format!("{a}: unlinked from {gone} (not in this store)."));
            return Ok(());
        }
    };
    store.update_pair(&a, &b, |x, y| {
        refuse_void(x).and_then(|()| refuse_void(y))?;
        x.accepts(&act).and_then(|()| y.accepts(&act)).map_err(refused)?;
        links::unlink(&act, x, Some(y), &b, kind).map(|_| ()).map_err(refused)
    })?;
    commit(ctx, commits, &store, &actor, &[&a, &b], "unlinked")?;
    ctx.say(format!("{a}: unlinked from {b}."));
    Ok(())
}
