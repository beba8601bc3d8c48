//! `lsms summary`: counts and totals for the board.

use super::{Ctx, finish_scan, gather, output};
use crate::cli::{FilterArgs, Format};
use crate::error::{Error, Result};
use crate::query::DefaultStatus;
use crate::render;
use crate::report::Period;
use crate::report::summary::{self, DIMS, Known};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// The figures of a board's annual security report
    Annual,
}

/// Counts and totals by one dimension, or a cross-tab of two
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Dimensions: category, site, status, month, year, assignee, outcome, reporter-party, asset.
One dimension gives a row per value with: incidents, open, closed, losses estimated and
recovered, and sanctions by class; two give a cross-tab of counts. Every month of --period
has a row, zero or not. All statuses are counted unless a filter says otherwise.

Examples:
  lsms summary --period last-month --by category,site --format csv \\
      --output board.csv
  lsms summary --period 2026-Q3 --by month
  lsms summary --period 2026 --report annual")]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// One dimension, or two for a cross-tab
    #[arg(long, value_delimiter = ',', value_name = "DIM[,DIM]", default_value = "category")]
    pub by: Vec<String>,
    /// 2026, 2026-10, 2026-Q3, this-month, last-month, this-year, last-year (on when it occurred)
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// A preset report instead of --by
    #[arg(long, value_enum, value_name = "NAME")]
    pub report: Option<Preset>,
    /// Output format [default: table on a terminal, csv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson]))]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tz = store.config.tz;
    let mut filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    let by: Vec<String> = args.by.iter().map(|d| d.trim().to_ascii_lowercase()).collect();
    for d in &by {
        if !DIMS.contains(&d.as_str()) {
            return Err(Error::usage(
                format!("--by: {}", crate::model::unknown_word("dimension", d, DIMS)),
                "for example --by category,site",
            ));
        }
    }
    if by.len() > 2 || by.is_empty() {
        return Err(Error::usage(
            "--by takes one dimension, or two for a cross-tab",
            "for example --by category,month",
        ));
    }
    let period = args
        .period
        .as_deref()
        .map(|p| Period::parse(p, tz, ctx.now))
        .transpose()
        .map_err(|m| Error::usage(format!("--period: {m}"), "see `lsms summary --help`"))?;
    if let Some(p) = &period {
        filter.since = Some(filter.since.map_or(p.start(tz), |s| s.max(p.start(tz))));
        filter.before = Some(filter.before.map_or(p.end(tz), |b| b.min(p.end(tz))));
    }
    // Only each incident's values on the dimensions and its figures are
    // kept: a summary of any size of store sums in little memory.
    let (facts, bad) =
        gather(&store, filter.grep.is_some(), |i| filter.matches(&i).then(|| summary::facts(&i, &by, tz)))?;
    let known = Known {
        categories: if filter.categories.is_empty() {
            store.config.categories.clone()
        } else {
            filter.categories.clone()
        },
        sites: store.config.sites.clone().unwrap_or_default(),
        team: store.config.team.clone().unwrap_or_default(),
        months: period.as_ref().map(Period::months).unwrap_or_default(),
    };
    let rows = match (args.report, by.as_slice()) {
        (Some(Preset::Annual), _) => summary::annual(&facts),
        (None, [one]) => summary::by_one(&facts, one, &known),
        (None, [rows, cols]) => summary::cross(&facts, rows, cols, &known),
        _ => unreachable!("--by was checked above"),
    };
    let terminal = args.output.is_none() && ctx.stdout_is_terminal();
    let format = args.format.unwrap_or(if terminal { Format::Table } else { Format::Csv });
    output(ctx, &store, args.output.as_deref(), |o| {
        match format {
            Format::Table => {
                let width = if args.output.is_none() { ctx.width() } else { None };
                let span = crate::report::span_label(filter.since, filter.before, tz);
                let period = match args.period.as_deref() {
                    Some(p) => format!("Period: {} ({span})", p.trim()),
                    None => format!("Period: {span}"),
                };
                writeln!(o, "{}\n{period}\n", store.config.trust)
                    .and_then(|_| render::table(o, &rows, width, ctx.color))
            }
            _ => super::write_rows(o, format, &rows),
        }
        .map_err(crate::error::stdout_err)
    })?;
    finish_scan(ctx, bad)
}
