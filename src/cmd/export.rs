//! `lsms export`: every matching incident, for other systems.

use super::{Ctx, finish_scan, output};
use crate::cli::{FilterArgs, Format};
use crate::error::{Result, stdout_err};
use crate::query::DefaultStatus;
use crate::render;
use crate::report::export::{COLUMNS, PERSONAL, json_row, row};
use std::path::PathBuf;

/// Export incidents as CSV, JSON or NDJSON (all statuses by default)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
One row per incident, in id order, columns in this order:
  id uuid status category occurred_at reported_at recorded_at late_report site reporter_party
  assets people_count people_roles harm medical_factors police_informed crime_ref riddor_status
  losses_estimated losses_recovered sanctions_count sanction_classes sanction_kinds outcome closed_at
Lists are joined with ';'. Times are RFC 3339, money is exact pounds ('120.00').
--include-personal adds: summary location description reporter_name people_names recorded_by
  assignee closure_note notes
CSV cells that begin with = + - @, tab or CR get a leading ' so a spreadsheet cannot run them.

Examples:
  lsms export --format csv --output incidents.csv
  lsms export --since 2026-04-01 --category theft --format ndjson \\
      | jq .losses_estimated")]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// csv (a header, one row per incident), json (one array) or ndjson (one object a line)
    #[arg(long, default_value = "csv", value_name = "FORMAT",
          value_parser = Format::only(&[Format::Csv, Format::Json, Format::Ndjson]))]
    pub format: Format,
    /// Add names, summaries, descriptions and notes
    #[arg(long)]
    pub include_personal: bool,
    /// Write to FILE (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    let personal = args.include_personal;
    let format = args.format;
    let mut bad = Vec::new();
    output(ctx, &store, args.output.as_deref(), |o| {
        if format == Format::Csv {
            let mut columns: Vec<&str> = COLUMNS.to_vec();
            if personal {
                columns.extend(PERSONAL);
            }
            o.write_all(render::csv_line(&columns).as_bytes()).map_err(stdout_err)?;
        }
        let mut array = render::JsonArray::new();
        // Each row is rendered on the reading threads and written here in
        // id order, so the export streams whatever the store's size.
        store.stream(
            personal || filter.grep.is_some(),
            |r| match r {
                // --format takes csv, json and ndjson only.
                Ok(i) if filter.matches(&i) => Some(Ok(match format {
                    Format::Json | Format::Ndjson => {
                        serde_json::to_string(&json_row(&i, personal)).unwrap_or_default()
                    }
                    _ => {
                        let row = row(&i, personal);
                        render::csv_line(&row.iter().map(|(_, v)| v.as_csv()).collect::<Vec<_>>())
                    }
                })),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            },
            |r| {
                match r {
                    Some(Ok(text)) => match format {
                        Format::Json => array.item(o, &text),
                        Format::Ndjson => o.write_all(text.as_bytes()).and_then(|_| o.write_all(b"\n")),
                        _ => o.write_all(text.as_bytes()),
                    }
                    .map_err(stdout_err)?,
                    Some(Err(e)) => bad.extend(e),
                    None => {}
                }
                Ok(())
            },
        )?;
        if format == Format::Json {
            array.end(o).map_err(stdout_err)?;
        }
        Ok(())
    })?;
    finish_scan(ctx, bad)
}
