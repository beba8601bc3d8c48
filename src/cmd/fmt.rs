//! `lsms fmt`: put hand-edited incident files back in the form lsms writes.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::text::comments;
use crate::model::{Id, workflow::Act};
use std::io::Write;

/// Rewrite incident files in the form lsms writes (after hand edits)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
lsms refuses to change a file that was edited by hand into another layout (comments, other
quoting or indentation), since its rewrite would touch lines the change does not. `fmt` puts
such a file in lsms's form: every value stays as YAML reads it, keys lsms does not know keep
their own lines, and each comment that the rewrite drops is kept in the case history, in a
`formatted` entry.

Examples:
  lsms fmt --check    # list the files not in lsms's form (exit 1 if any)
  lsms fmt 7QF3       # rewrite one incident
  lsms fmt            # rewrite every incident that needs it")]
pub struct Args {
    /// Incident ids (or their last four characters) [default: every incident]
    pub ids: Vec<String>,
    /// Only list the files that are not in lsms's form, on stdout; exit 1 if any
    #[arg(long)]
    pub check: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let ids: Vec<Id> = if args.ids.is_empty() {
        let (files, _) = store.files()?;
        files.iter().filter_map(|p| p.file_stem()?.to_str()).filter_map(|s| Id::parse(s).ok()).collect()
    } else {
        args.ids.iter().map(|a| store.resolve(a)).collect::<Result<_>>()?
    };
    let mut out = ctx.out();
    let (mut unformed, mut bad) = (0usize, Vec::new());
    let actor = if args.check { String::new() } else { ctx.actor(&store)? };
    for id in ids {
        let path = store.path_of(&id);
        let loaded = match store.read(&path) {
            Ok(l) => l,
            Err(errs) => {
                bad.extend(errs);
                continue;
            }
        };
        if loaded.incident.to_yaml() == loaded.text {
            continue;
        }
        unformed += 1;
        if args.check {
            writeln!(out, "{}", id.rel_path()).map_err(crate::error::stdout_err)?;
            continue;
        }
        let act = Act { by: &actor, at: crate::model::time::in_zone(ctx.now, store.config.tz) };
        let done = store.update_with(&id, true, |inc, text| {
            let before: Vec<&str> = comments(text).into_iter().map(|(_, c)| c).collect();
            let kept = inc.to_yaml();
            let mut after: Vec<&str> = comments(&kept).into_iter().map(|(_, c)| c).collect();
            let dropped: Vec<&str> = before
                .into_iter()
                .filter(|c| match after.iter().position(|a| a == c) {
                    Some(i) => {
                        after.remove(i);
                        false
                    }
                    None => true,
                })
                .collect();
            inc.formatted(&act, &dropped);
            Ok(())
        })?;
        if done.written {
            ctx.say(format!("{id}: rewritten in lsms's form."));
            if ctx.commits(&store)? {
                crate::store::git::commit(&store.root, &id.rel_path(), &format!("{id}: formatted"), &actor)?;
            }
        }
    }
    out.flush().map_err(crate::error::stdout_err)?;
    let n = bad.len();
    for e in bad {
        ctx.show_error(e);
    }
    if n > 0 {
        return Err(Error::Reported(format!(
            "{n} problem(s) in incident files: those files were not changed"
        )));
    }
    if args.check && unformed > 0 {
        return Err(Error::Reported(format!(
            "{unformed} file(s) not in lsms's form: `lsms fmt` rewrites them"
        )));
    }
    if unformed == 0 {
        ctx.say("Every file is in lsms's form.");
    }
    Ok(())
}
