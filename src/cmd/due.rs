//! `lsms due`: deadlines, overdue first.

use super::args::{FilterArgs, Format};
use super::{Ctx, emit, finish_scan, gather};
use crate::error::{Error, Result};
use crate::query::DefaultStatus;
use crate::render::{self, Rows};
use crate::report::due::{all_deadlines, parse_within};

/// Deadlines that are overdue or fall due soon
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Deadlines: an incident not assigned one working day after its report (weekends and England and
Wales bank holidays skipped); RIDDOR: reportable within 15 days of the incident, 10 for a
severe injury or death, and a decision due by day 10 for a staff injury; awaiting-external
with no history entry for 7 days; a sanction's review date; a closed incident's retention
review when its retention ends (10 years from closing, 20 for harm severe or death or RIDDOR
reportable or reported, unless `retention:` in lsms.yaml says otherwise; a held record says
so, and stays until `lsms release`); the Controlled Drugs
Accountable Officer told within one working day of the report of a theft, or a loss, of drugs or
prescription forms, until `lsms notify ID --to cdao` is recorded, open case or closed
(`cdao:` in lsms.yaml changes the rule: within_working_days, categories, assets; or
`cdao: false` turns it off); an open case still assigned to someone marked `left: DATE`
under `team:` in lsms.yaml (kind assignee-left), from that day, until it is reassigned; a report
taken in by email (`lsms intake`) to triage one working day after it was sent, until its category
and summary are set (kind triage); a closed case whose reporter gave an email address and has
not been told the outcome (`lsms close ID --tell-reporter`) within 5 working days of the closing
(`intake: { tell_within_working_days: N }`; kind reporter-told).

Examples:
  lsms due
  lsms due --within 7d --assignee asmith
  lsms due --within 52w --format csv")]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How far ahead to look: 7d, 2w, 12h (overdue ones are always shown)
    #[arg(long, value_name = "DURATION", default_value = "30d")]
    pub within: String,
    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson, Format::Ids]))]
    pub format: Option<Format>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tz = store.config.tz;
    let within = parse_within(&args.within)
        .map_err(|m| Error::usage(format!("--within: {m}"), "for example --within 7d"))?;
    let filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    let horizon = ctx.now + within;
    let rules = super::deadline_rules(&store);
    let (items, bad) = gather(&store, true, |i| {
        filter.matches(&i).then(|| {
            let ds: Vec<_> = all_deadlines(&i, tz, &rules).into_iter().filter(|d| d.due <= horizon).collect();
            // Kept past retention: held, with its retention review among the rows.
            let held = i.hold.is_some() && ds.iter().any(|d| d.kind == "retention");
            (held, ds.into_iter().map(|d| (d, i.id.clone(), i.assignee.clone())).collect::<Vec<_>>())
        })
    })?;
    let held = items.iter().filter(|(h, _)| *h).count();
    let mut items: Vec<_> = items.into_iter().flat_map(|(_, ds)| ds).collect();
    items.sort_by(|a, b| a.0.due.cmp(&b.0.due).then_with(|| a.1.cmp(&b.1)));
    let terminal = ctx.stdout_is_terminal();
    let format = args.format.unwrap_or(if terminal { Format::Table } else { Format::Tsv });
    let rows = Rows {
        columns: ["due", "state", "kind", "id", "assignee", "detail"].map(String::from).to_vec(),
        rows: items
            .iter()
            .map(|(d, id, assignee)| {
                let when = d.due.with_timezone(&tz);
                let when = if format == Format::Table {
                    when.format("%Y-%m-%d %H:%M").to_string()
                } else {
                    crate::model::time::rfc3339(&when.fixed_offset())
                };
                let state = if d.due < ctx.now { "overdue" } else { "due" };
                vec![
                    when,
                    state.into(),
                    d.kind.into(),
                    id.to_string(),
                    assignee.clone().unwrap_or_default(),
                    d.detail.clone(),
                ]
            })
            .collect(),
    };
    emit(&mut ctx.out(), |o| match format {
        Format::Table if rows.rows.is_empty() => Ok(()),
        Format::Table => {
            let overdue = |row: &[String], _: usize| row[1] == "overdue";
            render::table_look(
                o,
                &rows,
                &render::Look {
                    width: ctx.width(),
                    color: ctx.color,
                    alert: Some(&overdue),
                    keep: Some(&["due", "id", "detail", "state", "kind", "assignee"]),
                },
            )
        }
        _ => super::write_rows(o, format, &rows),
    })?;
    if format == Format::Table && rows.rows.is_empty() {
        ctx.say("Nothing due.");
    }
    if held > 0 {
        ctx.say(format!(
            "note: {held} record(s) on legal or inquiry hold: kept past retention until `lsms release ID`"
        ));
    }
    finish_scan(ctx, bad)
}
