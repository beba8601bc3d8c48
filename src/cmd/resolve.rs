//! `lsms resolve`: settle an incident that `lsms sync` stopped at, by
//! taking one side's values for the fields both sides changed.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::merge::merge;
use crate::store::git::Repo;
use crate::store::{Mode, fsio::write_atomic};
use serde_yaml::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// This clone's values
    Ours,
    /// The remote's values
    Theirs,
}

/// Resolve an incident's merge conflict by taking one side's values
#[derive(Debug, clap::Args)]
#[command(after_help = "\
After `lsms sync` stopped at a conflict. Only the fields both sides changed take the chosen \
side's value; every other change of both sides, and every history entry, is kept. The choice is \
written in the history. Then `lsms sync --continue`.

Examples:
  lsms resolve 7QF3 --take theirs
  lsms resolve 20261124-7QF3 --take ours && lsms sync --continue")]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    /// Whose values to take where both sides changed a field
    #[arg(long, value_enum, value_name = "SIDE")]
    pub take: Side,
}

/// One stage of a conflicted file in git's index (1 base, 2 ours, 3
/// theirs), parsed; a stage that is not there is an empty mapping.
fn stage(repo: &Repo, n: u8, full: &str) -> Result<Value> {
    let out = repo.run(&["cat-file", "blob", &format!(":{n}:{full}")])?;
    if !out.status.success() {
        return Ok(Value::Mapping(Default::default()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    crate::codec::load::load(&text).map(|d| d.value).map_err(|e| {
        Error::failed_with(
            format!(
                "{full}: {} side is not valid YAML: {}",
                ["", "the base", "our", "their"][n as usize],
                e.message
            ),
            "edit the file by hand, run `lsms check`, then `lsms sync --continue`",
        )
    })
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let id = store.resolve(&args.id)?;
    let repo = Repo::open(&store.root)?;
    let actor = ctx.actor(&store)?;
    let _lock = store.lock()?;
    let rel = id.rel_path();
    let full = repo.full(&rel);
    let staged = repo.text(&["ls-files", "-u", "-z", "--", &rel])?;
    if !repo.merging() || staged.is_empty() {
        let others = repo.text(&["diff", "--name-only", "--diff-filter=U"]).unwrap_or_default();
        let help = if !repo.merging() {
            "resolve is for an incident that `lsms sync` stopped at; there is no stopped sync now".to_string()
        } else if others.is_empty() {
            "no conflict is left: run `lsms sync --continue`".to_string()
        } else {
            format!("the conflicts are in: {}", others.lines().collect::<Vec<_>>().join(", "))
        };
        return Err(Error::failed_with(format!("{id} has no merge conflict to resolve"), help));
    }
    let side = match args.take {
        Side::Ours => "ours",
        Side::Theirs => "theirs",
    };
    // A modify/delete conflict: one side removed the incident, the other
    // changed it. Taking the side that removed it removes it; taking the
    // other keeps that side's record whole.
    let (has_ours, has_theirs) = (repo.staged(2, &full), repo.staged(3, &full));
    if has_ours != has_theirs {
        let keep = match args.take {
            Side::Ours => has_ours,
            Side::Theirs => has_theirs,
        };
        let path = store.path_of(&id);
        let detail = if keep {
            let n = if has_ours { 2 } else { 3 };
            let value = stage(&repo, n, &full)?;
            let mut inc = crate::model::Incident::from_value(&value, &store.config.vocab()).map_err(|ps| {
                let lines: Vec<String> = ps.iter().map(|p| format!("  {}: {}", p.field, p.message)).collect();
                Error::failed_with(
                    format!("{side} side of {id} is not a valid record:\n{}", lines.join("\n")),
                    "nothing was changed: take the other side, or edit the file by hand and run `lsms check`",
                )
            })?;
            let detail = format!("merge conflict resolved: kept {side} (the other side removed it)");
            let act = crate::model::workflow::Act::now(
                &actor,
                crate::model::time::in_zone(ctx.now, store.config.tz),
            );
            inc.history.push(act.entry_with("resolved", detail.clone()));
            write_resolved(&store, &path, &inc)?;
            repo.text(&["add", "--", &rel])?;
            detail
        } else {
            repo.text(&["rm", "--quiet", "--force", "--ignore-unmatch", "--", &rel])?;
            format!("merge conflict resolved: removed, as {side} did")
        };
        ctx.say(format!("{id}: {detail}; {}.", what_is_left(&repo)));
        return Ok(());
    }
    let (base, ours, theirs) = (stage(&repo, 1, &full)?, stage(&repo, 2, &full)?, stage(&repo, 3, &full)?);
    let mut merged = merge(&base, &ours, &theirs);
    let mut keys = Vec::new();
    for (k, _, _) in &merged.conflicts {
        keys.push(k.as_str().unwrap_or_default().to_string());
        if args.take == Side::Theirs
            && let Some(m) = merged.value.as_mapping_mut()
        {
            match theirs.get(k) {
                Some(v) => drop(m.insert(k.clone(), v.clone())),
                None => drop(m.remove(k)),
            }
        }
    }
    let mut inc = crate::model::Incident::from_value(&merged.value, &store.config.vocab()).map_err(|ps| {
        let lines: Vec<String> = ps.iter().map(|p| format!("  {}: {}", p.field, p.message)).collect();
        Error::failed_with(
            format!(
                "taking {side} for {} gives a record that is not valid:\n{}",
                keys.join(", "),
                lines.join("\n")
            ),
            "nothing was changed: take the other side, or edit the file by hand and run `lsms check`",
        )
    })?;
    let detail = if keys.is_empty() {
        "merge conflict resolved".to_string()
    } else {
        format!("merge conflict resolved: took {side} for {}", keys.join(", "))
    };
    let act = crate::model::workflow::Act::now(&actor, crate::model::time::in_zone(ctx.now, store.config.tz));
    inc.history.push(act.entry_with("resolved", detail.clone()));
    let path = store.path_of(&id);
    write_resolved(&store, &path, &inc)?;
    repo.text(&["add", "--", &rel])?;
    ctx.say(format!("{id}: {detail}; {}.", what_is_left(&repo)));
    Ok(())
}

/// The settled record written as every write is: sealed in a sealed
/// store (the entry's detail with the rest), under the size limit.
fn write_resolved(
    store: &crate::store::Store,
    path: &std::path::Path,
    inc: &crate::model::Incident,
) -> Result<()> {
    let text = store.for_writing(inc, None)?.to_yaml();
    store.fits(&inc.id, &text, false)?;
    write_atomic(path, text.as_bytes(), Mode::Replace).map_err(Error::io("write", path))
}

/// What the merge still has in conflict, or the command that finishes it.
fn what_is_left(repo: &crate::store::git::Repo) -> String {
    let left = repo.text(&["diff", "--name-only", "--diff-filter=U"]).unwrap_or_default();
    if left.is_empty() {
        "no conflict is left: run `lsms sync --continue`".to_string()
    } else {
        format!("{} conflict(s) left", left.lines().count())
    }
}
