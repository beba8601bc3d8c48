//! `lsms sanction`: record a sanction applied.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};
use crate::model::time::parse_date;
use crate::model::{Sanction, SanctionClass};

/// Record a sanction: procedural, disciplinary, civil or criminal
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Kinds include verbal-warning, warning-letter, acceptable-behaviour-agreement, exclusion,\nalternative-provider, civil-injunction, caution, conditional-caution, fixed-penalty, fine,\ncommunity-order, conditional-discharge, custody, restorative-justice, staff-disciplinary,\nprocess-change; other text is allowed.\n\n--date is the day it was applied: not before the incident occurred, nor after today.\n--review-on is on or after it (a review is usually ahead).\n\nExample:\n  lsms sanction 7QF3 --class civil --kind warning-letter \\
      --date 2026-12-01 --review-on 2027-06-01"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// procedural, disciplinary, civil or criminal
    #[arg(long, value_name = "CLASS")]
    pub class: String,
    /// What was applied, e.g. warning-letter
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// When it was applied, day first (24/11/2026) or 2026-11-24 [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// When it is due for review (an acceptable behaviour agreement, say), e.g. 1/6/2027
    #[arg(long, value_name = "DATE")]
    pub review_on: Option<String>,
    /// A note kept with the sanction, e.g. its terms
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let class = SanctionClass::parse(&args.class).map_err(|m| Error::failed(format!("--class: {m}")))?;
    let date = |flag: &str, v: &Option<String>| {
        v.as_deref().map(parse_date).transpose().map_err(|m| Error::failed(format!("{flag}: {m}")))
    };
    let on = date("--date", &args.date)?;
    let review_on = date("--review-on", &args.review_on)?;
    let kind = args.kind.trim().to_string();
    let note = args.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    let done = change(ctx, &args.id, "sanction", &args.on, |inc, act, store| {
        let tz = store.config.tz;
        let today = ctx.now.with_timezone(&tz).date_naive();
        let s = Sanction {
            class,
            kind,
            date: Some(on.unwrap_or(act.at.date_naive())),
            review_on,
            note,
            extra: Default::default(),
        };
        inc.sanction(act, s, today, tz).map_err(refused)
    })?;
    ctx.say(format!("{}: {class} sanction recorded.", done.incident.id));
    Ok(())
}
