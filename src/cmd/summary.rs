//! `lsms summary`: counts and totals for the board.

use super::args::{FilterArgs, Format};
use super::{Ctx, Sink, gather_all, need_file_for_xlsx, output_with, partial_needs_a_mark};
use crate::error::{Error, Result};
use crate::query::DefaultStatus;
use crate::render::{self, xlsx};
use crate::report::Period;
use crate::report::summary::{self, Dimension, Known};
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
Dimensions: category, site, status, month, quarter (financial: 2026/27 Q1), fy (2026/27),
year, assignee, outcome, reporter-party, asset, flag. One dimension gives a row per value with:
incidents, open, closed, losses estimated and recovered, and sanctions by class; two give a
cross-tab of counts. Every month of --period has a row, zero or not. All statuses are counted
unless a filter says otherwise. The NHS year runs 1 April to 31 March: 2026/27-Q1 is April to
June; 2026-Q3 is the calendar quarter July to September. --report annual is of the last
complete financial year unless --period says otherwise. --compare adds the row's figure in the
earlier period and the change. this-fy, this-quarter, this-month and this-year run to date
(2026/27 to 4 Dec 2026), and are compared with the same number of days of the earlier period. CSV written to a file starts with a UTF-8 byte order mark, so
spreadsheets read £ correctly. A file given with --output is written only after a run that read
every incident file: else it is left as it was, and the run names the files it could not read
and exits 1. --partial writes it anyway, its first line (or the spreadsheet's title) saying how
many incident files are not counted.

asset and flag are lists: an incident with two flags counts once in each flag's row (the total
row counts it once; a cross-tab's cells and totals count it in each), and one with none is in
the (none) row. Every flag of the store has a row, zero or not.

Examples:
  lsms summary --period last-month --by category,site --format csv \\
      --output board.csv
  lsms summary --period 2026/27-Q2 --by category --compare last-year
  lsms summary --period this-fy --by quarter
  lsms summary --period this-fy --by flag --format csv
  lsms summary --report annual --format xlsx --output 'annual-{period}.xlsx'")]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// One dimension, or two for a cross-tab
    #[arg(long, value_delimiter = ',', value_name = "DIM[,DIM]", default_value = "category")]
    pub by: Vec<String>,
    /// 2026, 2026-10, 2026-Q3, 2026/27, 2026/27-Q1, this-month, last-month, this-quarter,
    /// last-quarter, this-year, last-year, this-fy, last-fy (on when it occurred)
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// Set beside each row the previous period of the same length, or the same period a year earlier, and the change
    #[arg(long, value_enum, value_name = "WHICH")]
    pub compare: Option<Compare>,
    /// A preset report instead of --by
    #[arg(long, value_enum, value_name = "NAME")]
    pub report: Option<Preset>,
    /// Output format [default: table on a terminal, csv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson, Format::Xlsx]))]
    pub format: Option<Format>,
    /// Write to FILE (atomically) instead of stdout; `{period}` in it becomes the period (2026-27-Q1)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write FILE even when some incident files cannot be read: its first line says how many are not counted (the run still exits 1)
    #[arg(long, requires = "output")]
    pub partial: bool,
}

/// Which earlier period `--compare` sets beside this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Compare {
    /// The period of the same length just before
    Previous,
    /// The same period a year earlier
    LastYear,
}

/// What the summary's rows are of, for a title.
fn what(shape: summary::Shape) -> String {
    let words = |d: Dimension| d.name().replace('-', " ");
    match shape {
        summary::Shape::Annual => "Annual security report figures".to_string(),
        summary::Shape::By(one) => format!("Security incidents by {}", words(one)),
        summary::Shape::Cross(r, c) => format!("Security incidents by {} and {}", words(r), words(c)),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let tz = store.config.tz;
    let mut filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    let by = args
        .by
        .iter()
        .map(|d| Dimension::parse(&d.trim().to_ascii_lowercase()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|m| Error::usage(format!("--by: {m}"), "for example --by category,site"))?;
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
    // The annual report is of the last complete financial year unless told.
    let period = period
        .or_else(|| (args.report == Some(Preset::Annual)).then(|| Period::last_complete_fy(tz, ctx.now)));
    if args.format == Some(Format::Xlsx) {
        need_file_for_xlsx(args.output.as_deref())?;
    }
    let prior = match (args.compare, &period) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(Error::usage(
                "--compare compares one period with another: say which with --period",
                "for example --period 2026/27-Q2 --compare last-year",
            ));
        }
        (Some(_), Some(_)) if args.filter.since.is_some() || args.filter.until.is_some() => {
            return Err(Error::usage(
                "--compare works on whole periods, not on --since or --until",
                "leave out --since and --until, and give --period",
            ));
        }
        (Some(Compare::Previous), Some(p)) => Some((summary::Prior::Previous, p.previous(), p.span.months())),
        (Some(Compare::LastYear), Some(p)) => Some((summary::Prior::LastYear, p.year_earlier(), 12)),
    };
    let mut earlier = filter.clone();
    if let Some(p) = &period {
        filter.since = Some(filter.since.map_or(p.start(tz), |s| s.max(p.start(tz))));
        filter.before = Some(filter.before.map_or(p.end(tz), |b| b.min(p.end(tz))));
    }
    if let Some((_, p, _)) = &prior {
        earlier.since = Some(p.start(tz));
        earlier.before = Some(p.end(tz));
    }
    let shift = prior.as_ref().map_or(0, |(_, _, n)| *n);
    // Only each incident's values on the dimensions and its figures are
    // kept: a summary of any size of store sums in little memory. An
    // earlier period's incidents have their times moved on to line up.
    // A void record the figures would count but for being void is kept as
    // `None`, to say how many were left out.
    let (tagged, bad) = gather_all(&store, filter.grep.is_some(), |i| {
        if filter.matches(&i) {
            Some(Some((false, summary::facts(&i, &by, tz))))
        } else if filter.left_out_as_void(&i) {
            Some(None)
        } else if prior.is_some() && earlier.matches(&i) {
            Some(Some((true, summary::facts_shifted(&i, &by, tz, shift))))
        } else {
            None
        }
    })?;
    let voids = tagged.iter().filter(|t| t.is_none()).count();
    let tagged: Vec<_> = tagged.into_iter().flatten().collect();
    let (before, facts): (Vec<_>, Vec<_>) = tagged.into_iter().partition(|(e, _)| *e);
    let facts: Vec<_> = facts.into_iter().map(|(_, f)| f).collect();
    let known = Known {
        categories: if filter.categories.is_empty() {
            store.config.categories.clone()
        } else {
            filter.categories.clone()
        },
        sites: store.config.sites.clone().unwrap_or_default(),
        // Those who have left are listed where they have cases, not as zeros.
        team: {
            let today = ctx.now.with_timezone(&store.config.tz).date_naive();
            let team = store.config.team.as_deref().unwrap_or_default();
            store.config.leavers.current(team, today).into_iter().map(String::from).collect()
        },
        flags: if filter.flags.is_empty() { store.config.flags.clone() } else { filter.flags.clone() },
        months: period.as_ref().map(Period::month_list).unwrap_or_default(),
    };
    let make = |facts: &[summary::Facts]| match (args.report, by.as_slice()) {
        (Some(Preset::Annual), _) => summary::annual(facts),
        (None, [rows, cols]) => summary::cross(facts, *rows, *cols, &known),
        // --by was checked above: one dimension, or two.
        (None, _) => summary::by_one(facts, by.first().copied().unwrap_or(Dimension::Category), &known),
    };
    let mut figures = make(&facts);
    if let Some((which, _, _)) = &prior {
        let before: Vec<_> = before.into_iter().map(|(_, f)| f).collect();
        figures = summary::compare(figures, &make(&before), *which);
    }
    let terminal = args.output.is_none() && ctx.stdout_is_terminal();
    let format = args.format.unwrap_or(if terminal { Format::Table } else { Format::Csv });
    let file = render::name_for(args.output.as_deref(), period.as_ref());
    partial_needs_a_mark(args.partial, format)?;
    let sink = Sink {
        public: true,
        csv: format == Format::Csv,
        partial: args.partial,
        note_line: matches!(format, Format::Csv | Format::Tsv),
    };
    let note = bad.note();
    super::say_void_left_out(ctx, voids);
    match &period {
        Some(p) => super::dispose::say_disposed(
            ctx,
            &store,
            Some((p.start(tz), p.end(tz))),
            &format!("in {}", p.shown()),
        ),
        None => super::dispose::say_disposed(ctx, &store, None, "in all"),
    }
    // A named period not yet ended, set beside a whole earlier one: said
    // under the table's heading and the spreadsheet's title, and on stderr.
    let unlike = match (&period, &prior) {
        (Some(p), Some((_, e, _))) => p.unlike(&[e], ctx.now.with_timezone(&tz).date_naive()),
        _ => None,
    };
    if let Some(u) = unlike.as_ref().filter(|_| !matches!(format, Format::Table | Format::Xlsx)) {
        ctx.say(u);
    }
    let period_text = match (&period, &prior) {
        (Some(p), Some((_, e, _))) => format!("{} ({}), compared with {}", p.shown(), p.dates(), e.shown()),
        (Some(p), None) => format!("{} ({})", p.shown(), p.dates()),
        (None, _) => "every incident in the register".to_string(),
    };
    output_with(ctx, &store, file.as_deref(), sink, |o| {
        match format {
            Format::Csv => render::summary::csv(o, &figures),
            Format::Table => {
                let width = if args.output.is_none() { ctx.width() } else { None };
                let span = crate::report::span_label(filter.since, filter.before, tz);
                let mut line = match (args.period.as_deref(), &period) {
                    (Some(p), Some(to_date)) if to_date.days.is_some() => {
                        format!("Period: {}, {} ({span})", p.trim(), to_date.shown())
                    }
                    (Some(p), _) => format!("Period: {} ({span})", p.trim()),
                    (None, Some(p)) => format!("Period: {} ({span})", p.shown()),
                    (None, None) => format!("Period: {span}"),
                };
                if let Some((_, e, _)) = &prior {
                    line.push_str(&format!(", compared with {} ({})", e.shown(), e.dates()));
                }
                if let Some(u) = &unlike {
                    line.push_str(&format!("\n{u}"));
                }
                if let Some(n) = &note {
                    line.push_str(&format!("\n{n}"));
                }
                writeln!(o, "{}\n{line}\n", store.config.trust)
                    .and_then(|_| render::table(o, &render::summary::rows(&figures), width, ctx.color))
            }
            Format::Xlsx => {
                let title = xlsx::Title {
                    what: what(figures.shape),
                    trust: store.config.trust.clone(),
                    period: period_text.clone(),
                    made: ctx.now.with_timezone(&tz).format("%-d %B %Y %H:%M").to_string(),
                    marking: "OFFICIAL",
                    note: [unlike.clone(), note.clone()]
                        .into_iter()
                        .flatten()
                        .reduce(|a, b| format!("{a}. {b}")),
                };
                let headers = render::summary::labels(&figures);
                let (rows, total) = render::summary::xlsx_split(&figures);
                let bytes = xlsx::workbook_with_total("Summary", &title, &headers, &rows, total.as_deref())
                    .map_err(|e| Error::failed(format!("cannot make the spreadsheet: {e}")))?;
                o.write_all(&bytes).map_err(crate::error::stdout_err)?;
                return Ok(bad);
            }
            _ => super::write_rows(o, format, &render::summary::rows(&figures)),
        }
        .map_err(crate::error::stdout_err)?;
        Ok(bad)
    })
}
