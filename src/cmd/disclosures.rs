//! `lsms disclosures`: the disclosure log, every hand-over across the
//! register (case files, subject access bundles), for the Caldicott
//! Guardian and the ICO.

use super::args::Format;
use super::{Ctx, Sink, gather_all, output_with};
use crate::error::{Error, Result};
use crate::model::Recipient;
use crate::render::Rows;

const AFTER_HELP: &str = "\
One row per disclosure, oldest first: the case id, when, to whom (police,
hearing, insurer, data-subject, other), the form (case-file, subject-access,
or evidence-export for files given out with `lsms evidence export`, whose
recipient is in words only), what went and what was left out by name. Nothing personal
beyond the case id: who made the disclosure, the recipient in words and the
lawful basis (free text) are added only with --include-personal.
Void records are listed too: a disclosure happened whatever became of the case.

--since takes a date or time (24/11/2026, 2026-11-24, today, …) and keeps the
disclosures made then or later; --to keeps those to one body.

Examples:
  lsms disclosures --since 1/4/2026
  lsms disclosures --to police --format csv --output police-disclosures.csv
  lsms disclosures --include-personal --format json";

/// The disclosure log: every case file and subject access bundle handed over
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Only disclosures made on or after WHEN (a date or time)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only disclosures to this body: police, hearing, insurer, data-subject or other
    #[arg(long, value_name = "BODY", value_parser = ["police", "hearing", "insurer", "data-subject", "other"], ignore_case = true)]
    pub to: Option<String>,
    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson, Format::Ids]))]
    pub format: Option<Format>,
    /// Write to FILE (atomically, owner-only) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Add who disclosed, the recipient in words and the lawful basis
    #[arg(long)]
    pub include_personal: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tz = store.config.tz;
    let since = args
        .since
        .as_deref()
        .map(|s| crate::model::time::parse_when(s, tz, ctx.now))
        .transpose()
        .map_err(|e| Error::usage(format!("--since: {e}"), "see `lsms disclosures --help`"))?;
    let to = args
        .to
        .as_deref()
        .map(Recipient::parse)
        .transpose()
        .map_err(|e| Error::usage(format!("--to: {e}"), "see `lsms disclosures --help`"))?;
    let personal = args.include_personal;
    if personal {
        store.need_personal("--include-personal")?;
    }
    let (found, bad) = gather_all(&store, true, |inc| {
        let rows: Vec<_> = inc
            .history
            .iter()
            .filter(|e| since.is_none_or(|s| e.at >= s))
            .filter_map(|e| {
                // A case file or bundle; or evidence given out with `evidence
                // export`, whose recipient is words only (no body to filter on).
                let (body, form, included, omitted, recipient, basis) =
                    match (e.disclosed(), e.evidence_out()) {
                        (Some(d), _) => (
                            Some(d.to),
                            d.form.to_string(),
                            d.included.join("; "),
                            d.omitted.join("; "),
                            d.recipient.clone().unwrap_or_default(),
                            d.basis.clone(),
                        ),
                        (None, Some(x)) => (
                            None,
                            "evidence-export".to_string(),
                            x.files
                                .iter()
                                .map(|f| format!("evidence copy {f}"))
                                .collect::<Vec<_>>()
                                .join("; "),
                            String::new(),
                            x.recipient,
                            String::new(),
                        ),
                        (None, None) => return None,
                    };
                if to.is_some() && body != to {
                    return None;
                }
                let mut row = vec![
                    inc.id.to_string(),
                    e.at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
                    body.map(|b| b.to_string()).unwrap_or_default(),
                    form,
                    included,
                    omitted,
                ];
                if personal {
                    row.extend([e.by.clone(), recipient, basis]);
                }
                Some((e.at, row))
            })
            .collect();
        (!rows.is_empty()).then_some(rows)
    })?;
    let mut rows: Vec<_> = found.into_iter().flatten().collect();
    rows.sort_by(|a, b| (a.0, &a.1[0]).cmp(&(b.0, &b.1[0])));
    let mut columns: Vec<String> =
        ["id", "at", "to", "form", "included", "omitted"].iter().map(|s| s.to_string()).collect();
    if personal {
        columns.extend(["by", "recipient", "basis"].iter().map(|s| s.to_string()));
    }
    let n = rows.len();
    let rows = Rows { columns, rows: rows.into_iter().map(|(_, r)| r).collect() };
    let to_file = args.output.as_ref().is_some_and(|f| f.as_os_str() != "-");
    let format =
        args.format.unwrap_or(if ctx.stdout_is_terminal() && !to_file { Format::Table } else { Format::Tsv });
    let none = n == 0 && bad.is_empty();
    let sink = Sink { csv: format == Format::Csv, ..Sink::default() };
    output_with(ctx, &store, args.output.as_deref(), sink, |o| {
        match format {
            Format::Table if rows.rows.is_empty() => Ok(()),
            Format::Table => crate::render::table(o, &rows, ctx.width(), ctx.color),
            other => super::write_rows(o, other, &rows),
        }
        .map_err(crate::error::stdout_err)?;
        Ok(bad)
    })?;
    if none {
        ctx.say(if args.since.is_some() || args.to.is_some() {
            "no disclosure matches"
        } else {
            "no disclosure is recorded"
        });
    }
    Ok(())
}
