//! `lsms reopen`: take a closed case up again.

use super::{Ctx, change, refused, text_or_stdin};
use crate::error::Result;

/// Reopen a closed incident (closed → investigating)
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  lsms reopen 7QF3 --reason 'New CCTV footage found'")]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// Why, for the case history (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let reason = text_or_stdin(&args.reason, "reason")?;
    let done =
        change(ctx, &args.id, "reopened", &args.on, |inc, act, _| inc.reopen(act, &reason).map_err(refused))?;
    ctx.say(format!("{}: reopened ({}).", done.incident.id, done.incident.status));
    Ok(())
}
