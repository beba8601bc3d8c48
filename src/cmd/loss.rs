//! `lsms loss`: record what was lost and what was recovered.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};
use crate::model::Money;

/// Record the estimated loss and the amount recovered (redress)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Amounts are pounds and pence as people write them: 120, 120.5, 1250.50, 1,250.50, £1,250.50, £60\n(commas only between thousands; never negative).\n\nExamples:\n  lsms loss 7QF3 --estimated '£1,250.50'\n  lsms loss 7QF3 --recovered 200 --note 'Compensation order paid'"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// The estimated loss, in pounds
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true, required_unless_present = "recovered")]
    pub estimated: Option<String>,
    /// The amount recovered so far, in pounds
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub recovered: Option<String>,
    /// Allow recovering more than the estimate (costs awarded, say)
    #[arg(long)]
    pub allow_excess: bool,
    /// A line for the case history about the loss or its recovery
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let money = |flag: &str, v: &Option<String>| {
        v.as_deref().map(Money::parse).transpose().map_err(|m| Error::failed(format!("{flag}: {m}")))
    };
    let estimated = money("--estimated", &args.estimated)?;
    let recovered = money("--recovered", &args.recovered)?;
    let done = change(ctx, &args.id, "loss", &args.on, |inc, act, _| {
        inc.set_losses(act, estimated, recovered, args.note.as_deref(), args.allow_excess)
            .map(|_| ())
            .map_err(refused)
    })?;
    if let (true, Some(l)) = (done.written, &done.incident.losses) {
        ctx.say(format!("{}: £{} lost, £{} recovered.", done.incident.id, l.estimated, l.recovered));
    }
    Ok(())
}
