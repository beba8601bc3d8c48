//! `lsms note`: add to a case's history.

use super::{Ctx, change, refused, text_or_stdin};
use crate::error::Result;

/// Add a note to an incident's history
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lsms note 7QF3 'Spoke to the witness; statement taken'\n  lsms note 7QF3 - < statement-summary.txt\n\nNotes may be added to a closed case too: its history goes on."
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// The note, or `-` to read it from standard input
    #[arg(allow_hyphen_values = true)]
    pub text: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let text = text_or_stdin(&args.text, "note")?;
    let done = change(ctx, &args.id, "note", &args.on, |inc, act, _| inc.note(act, &text).map_err(refused))?;
    ctx.say(format!("{}: note added.", done.incident.id));
    Ok(())
}
