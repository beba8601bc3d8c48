//! `lsms assign`: set who investigates a case.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};

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
    /// Who takes the case (one of `team:` in lsms.yaml, where set)
    #[arg(long, value_name = "NAME")]
    pub to: String,
    /// Why, for the case history
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

/// The team member's name as lsms.yaml spells it, or a refusal.
pub fn team_member(team: Option<&[String]>, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.contains(crate::model::text::LINE_BREAKS) {
        return Err(Error::failed("--to: give a name on one line"));
    }
    let Some(team) = team else { return Ok(name.to_string()) };
    team.iter().find(|m| m.eq_ignore_ascii_case(name)).cloned().ok_or_else(|| {
        let names: Vec<&str> = team.iter().map(String::as_str).collect();
        Error::failed_with(
            format!("--to: {}", crate::model::unknown_word("team member", name, &names)),
            "the team is listed under `team:` in lsms.yaml",
        )
    })
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let done = change(ctx, &args.id, "assigned", &args.on, |inc, act, store| {
        let to = team_member(store.config.team.as_deref(), &args.to)?;
        inc.assign(act, &to, args.note.as_deref()).map(|_| ()).map_err(refused)
    })?;
    if done.written {
        let i = &done.incident;
        ctx.say(format!("{}: assigned to {} ({}).", i.id, i.assignee.as_deref().unwrap_or(""), i.status));
    }
    Ok(())
}
