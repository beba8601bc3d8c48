//! `lsms notify`: record that an outside body was told of an incident.

use super::{Ctx, change, refused};
use crate::error::{Error, Result};
use crate::model::Authority;
use crate::model::notify::{NewNotice, parse_notice_date};

/// Record that an outside body was told: the CDAO, police, HSE, NHSBSA, ICO, ...
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Who: cdao (the Controlled Drugs Accountable Officer), police, hse, nhsbsa, ico, safeguarding
or other (say who in --note). DATE is the day they were told: day first (25/11/2026),
2026-11-25, today or yesterday; not in the future, and not before the incident occurred.
A closed case takes a notification too: a late one is still worth recording.

A notification to the HSE is the RIDDOR report: it also records RIDDOR as reported, with
--ref as the HSE's reference and DATE as the day it was reported (a report already recorded
stands). It is refused where RIDDOR is recorded as not-reportable.

`lsms due` asks for the CDAO to be told within one working day of the report of a theft or a loss
of drugs or prescription forms, until `notify --to cdao` is recorded (`cdao:` in lsms.yaml
changes the rule, or turns it off).

Examples:
  lsms notify 7QF3 --to cdao --on today --ref CD/77
  lsms notify 7QF3 --to police --on 25/11/2026 --ref MP-2026-4471 \\
      --note 'Reported by phone to the front desk'")]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    /// Who was told: cdao, police, hse, nhsbsa, ico, safeguarding or other
    #[arg(long, value_name = "WHO")]
    pub to: String,
    /// The day they were told: 25/11/2026 (day first), 2026-11-25, today or yesterday
    #[arg(long, value_name = "DATE")]
    pub on: String,
    /// The reference they gave, e.g. a log or crime number
    #[arg(long = "ref", value_name = "REF", allow_hyphen_values = true)]
    pub reference: Option<String>,
    /// A note kept with the notification, e.g. who took the call
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub note: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let to = Authority::parse(&args.to).map_err(|m| Error::failed(format!("--to: {m}")))?;
    let done = change(ctx, &args.id, "notified", &Default::default(), |inc, act, store| {
        let tz = store.config.tz;
        let today = ctx.now.with_timezone(&tz).date_naive();
        let date = parse_notice_date(&args.on, today).map_err(|m| Error::failed(format!("--on: {m}")))?;
        let n = NewNotice { to, date, reference: args.reference.as_deref(), note: args.note.as_deref() };
        inc.notify(act, n, today, tz).map_err(refused)
    })?;
    let n = done.incident.notified.last();
    let on = n.map(|n| n.date.to_string()).unwrap_or_default();
    let i = &done.incident;
    ctx.say(format!("{}: notification to {to} on {on} recorded.", i.id));
    if let Some(r) = i.riddor.as_ref().filter(|_| to == Authority::Hse) {
        let day = r.reported_on.map(|d| format!(" on {d}")).unwrap_or_default();
        let reference = r.hse_ref.as_deref().map(|h| format!(", HSE ref {h}")).unwrap_or_default();
        ctx.say(format!("{}: RIDDOR report to the HSE recorded as made{day}{reference}.", i.id));
    }
    Ok(())
}
