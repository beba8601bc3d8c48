//! `lsms hold` and `lsms release`: a legal or inquiry hold on a record,
//! which stops its disposal while it stands.

use super::{Ctx, change, refused, text_or_stdin};
use crate::error::Result;
use crate::model::HOLD_ACTIONS;

/// Place a legal or inquiry hold: the record is not disposed of while it stands
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For a record that must be kept past its retention: a claim, an inquiry, a subject access
request or a police investigation still running. The record keeps `hold:` (who, when, why) and
its history a `held` entry; `lsms dispose` refuses it until `lsms release`. `lsms due` says a
held record's retention review waits on the hold, and the board's report counts the records on
hold. One hold stands at a time: a further reason for it goes in a note. The reason is part of
the record: name the matter (a claim or inquiry reference), not the people in it.

Examples:
  lsms hold 7QF3 --reason 'Civil claim CL-2031-044: keep until settled'
  lsms release 7QF3 --reason 'Claim CL-2031-044 settled'")]
pub struct HoldArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// Why it is held: the claim, inquiry or request (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: String,
}

/// Lift a hold placed with `lsms hold`
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The hold leaves the record, and its history gets a `released` entry (with the reason, where
given). From then on `lsms dispose` may remove the record once its retention has ended.

Example:
  lsms release 7QF3 --reason 'Inquiry closed'")]
pub struct ReleaseArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// Why the hold is lifted, for the history (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: Option<String>,
}

pub fn run_hold(ctx: &Ctx, args: &HoldArgs) -> Result<()> {
    let reason = text_or_stdin(&args.reason, "reason")?;
    let done = change(ctx, &args.id, HOLD_ACTIONS[0], &args.on, |inc, act, _| {
        inc.hold(act, &reason).map_err(refused)
    })?;
    ctx.say(format!(
        "{}: held (not to be disposed of until `lsms release {}`).",
        done.incident.id, done.incident.id
    ));
    Ok(())
}

pub fn run_release(ctx: &Ctx, args: &ReleaseArgs) -> Result<()> {
    let reason = args.reason.as_deref().map(|r| text_or_stdin(r, "reason")).transpose()?;
    let done = change(ctx, &args.id, HOLD_ACTIONS[1], &args.on, |inc, act, _| {
        inc.release(act, reason.as_deref()).map_err(refused)
    })?;
    ctx.say(format!("{}: hold released.", done.incident.id));
    Ok(())
}
