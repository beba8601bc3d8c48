//! `lsms assign`: set who investigates a case.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};
use crate::model::team::assignee;

/// Assign an incident to an LSMS (reported → assigned)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lsms assign 7QF3 --to asmith\n  lsms assign 20261124-7QF3 --to jfowlis --note 'Covering for leave'"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// Who takes the case (one of `team:` in lsms.yaml, where set, who has not left)
    #[arg(long, value_name = "NAME")]
    pub to: String,
    /// Why, for the case history
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let done = change(ctx, &args.id, "assigned", &args.on, |inc, act, store| {
        let to = args.to.trim();
        if to.is_empty() || to.contains(crate::model::text::LINE_BREAKS) {
            return Err(Error::failed("--to: give a name on one line"));
        }
        // On the day the assignment happened (`--on`): a case entered after
        // the fact may go to someone who has left since.
        let day = act.at.date_naive();
        let c = &store.config;
        let to = assignee(c.team.as_deref(), &c.leavers, to, day)
            .map_err(|r| Error::Failed { message: format!("--to: {}", r.message), help: r.help })?;
        inc.assign(act, &to, args.note.as_deref()).map(|_| ()).map_err(refused)
    })?;
    if done.written {
        let i = &done.incident;
        ctx.say(format!("{}: assigned to {} ({}).", i.id, i.assignee.as_deref().unwrap_or(""), i.status));
    }
    Ok(())
}
