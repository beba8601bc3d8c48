//! `lsms export`: every matching incident, for other systems.

use super::{Ctx, finish_scan, output};
use crate::cli::FilterArgs;
use crate::error::Result;
use crate::query::DefaultStatus;
use crate::render::{self, Rows};
use crate::report::export::{COLUMNS, PERSONAL, cell, row};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
}

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
  lsms export --since 2026-04-01 --category theft --format ndjson | jq .losses_estimated")]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = Format::Csv, value_name = "FORMAT")]
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
    let scan = store.scan()?;
    let rows: Vec<_> = scan
        .incidents
        .iter()
        .map(|l| &l.incident)
        .filter(|i| filter.matches(i))
        .map(|i| row(i, args.include_personal))
        .collect();
    output(ctx, args.output.as_deref(), |o| match args.format {
        Format::Csv => {
            let mut columns: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
            if args.include_personal {
                columns.extend(PERSONAL.iter().map(|s| s.to_string()));
            }
            let rows = Rows {
                columns,
                rows: rows.iter().map(|r| r.iter().map(|(_, v)| cell(v)).collect()).collect(),
            };
            render::csv(o, &rows)
        }
        Format::Json => {
            let all: Vec<serde_json::Map<String, serde_json::Value>> =
                rows.into_iter().map(|r| r.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).collect();
            serde_json::to_writer_pretty(&mut *o, &all)?;
            writeln!(o)
        }
        Format::Ndjson => rows.into_iter().try_for_each(|r| {
            let obj: serde_json::Map<String, serde_json::Value> =
                r.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            serde_json::to_writer(&mut *o, &obj)?;
            writeln!(o)
        }),
    })?;
    finish_scan(ctx, scan.bad)
}
