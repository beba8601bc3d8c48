//! `lsms void`: mark a record entered in error, keeping it.

use super::{Ctx, VOID_ACTIONS, change, refused, text_or_stdin};
use crate::error::Result;

/// Mark a record entered in error as void (kept, left out of every list and figure)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
For a record that should never have been made: a test record, a duplicate typed twice. (A real
incident reported twice is closed with --outcome duplicate and a duplicate-of link instead.)
Nothing is deleted: the file stays, marked void with who, when and why, and its history says so.
A void record is left out of list, export, summary, person, due and the board unless a command
is given --include-void; `check` and `summary` say how many were left out. A void record is
not changed by other commands; --undo takes the mark off (the history keeps both).

Examples:
  lsms void 7QF3 --reason 'Test record made during training'
  lsms void 7QF3 --undo --reason 'Voided the wrong record: this one is real'")]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// Why, for the record and its history (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub reason: String,
    /// Take the void mark off a record voided by mistake
    #[arg(long)]
    pub undo: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let reason = text_or_stdin(&args.reason, "reason")?;
    let action = VOID_ACTIONS[usize::from(args.undo)];
    let done = change(ctx, &args.id, action, &args.on, |inc, act, _| {
        inc.void(act, &reason, args.undo).map_err(refused)
    })?;
    let id = &done.incident.id;
    ctx.say(if args.undo {
        format!("{id}: no longer void; it counts again.")
    } else {
        format!("{id}: void (kept, left out of lists and figures; --include-void shows it).")
    });
    Ok(())
}
