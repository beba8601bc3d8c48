//! `lsms close`: end a case with an outcome.

use super::{Ctx, change, refused_all, text_or_stdin};
use crate::error::{Error, Result};
use crate::model::Outcome;

/// Close an incident with an outcome and a closing note
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Outcomes: sanction-applied, no-further-action, unsubstantiated, referred, duplicate, withdrawn.\n\nA case does not close while a physical assault's medical factors are unknown, or while\nharm is above none and RIDDOR is undecided, nor as a duplicate without a duplicate-of link\n(`lsms link ID ORIGINAL --kind duplicate-of`), nor as sanction-applied with no sanction recorded\n(`lsms sanction ID --class C --kind K`): the refusal names the command that sets each.\n\nExample:\n  lsms close 7QF3 --outcome sanction-applied --note 'Warning letter sent'"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// How the case ended
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: String,
    /// The closing note (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: String,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let outcome = Outcome::parse(&args.outcome).map_err(|m| Error::failed(format!("--outcome: {m}")))?;
    let note = text_or_stdin(&args.note, "closing note")?;
    let done = change(ctx, &args.id, "closed", &args.on, |inc, act, _| {
        let id = inc.id.clone();
        inc.close(act, outcome, &note).map_err(|rs| refused_all(&format!("{id} cannot be closed yet"), rs))
    })?;
    ctx.say(format!("{}: closed ({outcome}).", done.incident.id));
    Ok(())
}
