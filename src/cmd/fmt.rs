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
    if args.check {
        for id in ids {
            match store.read(&store.path_of(&id)) {
                Ok(l) if l.canonical => {}
                Ok(_) => {
                    unformed += 1;
                    writeln!(out, "{}", id.rel_path()).map_err(crate::error::stdout_err)?;
                }
                Err(errs) => bad.extend(errs),
            }
        }
    } else {
        let actor = ctx.actor(&store)?;
        let commit = ctx.commits(&store)?;
        let act = Act::now(&actor, crate::model::time::in_zone(ctx.now, store.config.tz));
        // One read of each file, under the lock: one already in form comes
        // back unchanged and is not written.
        for id in ids {
            let done = store.update_with(&id, true, |inc, text| {
                inc.formatted(&act, &dropped_comments(text, &inc.to_yaml()));
                Ok(())
            });
            match done {
                Ok(done) if done.written => {
                    unformed += 1;
                    ctx.say(format!("{id}: rewritten in lsms's form."));
                    if commit {
                        let who = ctx.ident(&store, &actor);
                        crate::store::git::commit(
                            &store.root,
                            &[id.rel_path()],
                            &format!("{id}: formatted"),
                            &who,
                        )?;
                    }
                }
                Ok(_) => {}
                Err(e) => bad.push(e),
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

/// The comments of `before` that `after` does not hold (each counted as
/// often as it stands).
fn dropped_comments<'a>(before: &'a str, after: &str) -> Vec<&'a str> {
    let mut kept: Vec<&str> = comments(after).into_iter().map(|(_, c)| c).collect();
    comments(before)
        .into_iter()
        .map(|(_, c)| c)
        .filter(|c| match kept.iter().position(|k| k == c) {
            Some(i) => {
                kept.remove(i);
                false
            }
            None => true,
        })
        .collect()
}
