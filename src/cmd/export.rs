//! `lsms export`: every matching incident, for other systems.

use super::args::{FilterArgs, Format};
use super::{Ctx, Sink, Unread, output_with, partial_needs_a_mark};
use crate::error::{Result, stdout_err};
use crate::query::DefaultStatus;
use crate::render;
use crate::report::export::{Cell, Source, columns, json_row, row, sheet, words};
use std::path::PathBuf;

/// Export incidents as CSV, JSON, NDJSON or a spreadsheet (all statuses by default)
#[derive(Debug, clap::Args)]
#[command(after_help = crate::report::export::help())]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// csv (a header, one row per incident), json (one array), ndjson (one object a line) or xlsx (a spreadsheet file)
    #[arg(long, default_value = "csv", value_name = "FORMAT",
          value_parser = Format::only(&[Format::Csv, Format::Json, Format::Ndjson, Format::Xlsx]))]
    pub format: Format,
    /// Add names, summaries, descriptions and notes
    #[arg(long)]
    pub include_personal: bool,
    /// Write to FILE (atomically) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write FILE even when some incident files cannot be read: its first line says how many are not in it (the run still exits 1)
    #[arg(long, requires = "output")]
    pub partial: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    if args.include_personal {
        store.need_personal("--include-personal")?;
    }
    let filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    let personal = args.include_personal;
    let format = args.format;
    partial_needs_a_mark(args.partial, format)?;
    if format == Format::Xlsx {
        return xlsx(ctx, args, &store, &filter);
    }
    let mut bad = Unread::default();
    let sink = Sink { public: false, csv: format == Format::Csv, partial: args.partial, note_line: true };
    output_with(ctx, &store, args.output.as_deref(), sink, |o| {
        if format == Format::Csv {
            o.write_all(render::csv_line(&columns(personal)).as_bytes()).map_err(stdout_err)?;
        }
        let mut array = render::JsonArray::new();
        // Each row is rendered on the reading threads and written here in
        // id order, so the export streams whatever the store's size.
        store.stream(
            personal || filter.grep.is_some(),
            |r| match r {
                // --format takes csv, json and ndjson here (xlsx went above).
                Ok(i) if filter.matches(&i) => Some(Ok(match format {
                    Format::Json | Format::Ndjson => {
                        serde_json::to_string(&json_row(&i, personal)).unwrap_or_default()
                    }
                    _ => {
                        let row = row(&i, personal);
                        render::csv_line(&row.iter().map(Cell::as_csv).collect::<Vec<_>>())
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
                    Some(Err(e)) => bad.add(e),
                    None => {}
                }
                Ok(())
            },
        )?;
        if format == Format::Json {
            array.end(o).map_err(stdout_err)?;
        }
        Ok(std::mem::take(&mut bad))
    })
}

/// `--format xlsx`: the same rows as the CSV and JSON export, typed (dates
/// as dates in the store's zone, money in pounds), under a title that
/// says OFFICIAL-SENSITIVE when it holds personal data.
fn xlsx(ctx: &Ctx, args: &Args, store: &crate::store::Store, filter: &crate::query::Filter) -> Result<()> {
    use crate::render::xlsx::{self, XCell};
    super::need_file_for_xlsx(args.output.as_deref())?;
    let tz = store.config.tz;
    let personal = args.include_personal;
    let columns = columns(personal);
    // The reference first, words as people read them, the uuid last.
    let plan = sheet(personal);
    let headers: Vec<String> = plan.iter().map(|(h, _)| h.clone()).collect();
    let mut period = Vec::new();
    if let Some(s) = &args.filter.since {
        period.push(format!("since {s}"));
    }
    if let Some(u) = &args.filter.until {
        period.push(format!("until {u}"));
    }
    let title = xlsx::Title {
        what: "Security incidents".to_string(),
        trust: store.config.trust.clone(),
        period: if period.is_empty() { "every incident that matches".to_string() } else { period.join(", ") },
        made: ctx.now.with_timezone(&tz).format("%-d %B %Y %H:%M").to_string(),
        marking: if personal { "OFFICIAL-SENSITIVE" } else { "OFFICIAL" },
        note: None,
    };
    let failed = |e: String| crate::error::Error::failed(format!("cannot make the spreadsheet: {e}"));
    // A partial export's note is known only at the end: its sheet is kept
    // whole, so the note can still go under the title.
    let mut sheet = xlsx::Writer::open("Incidents", &title, &headers, args.partial).map_err(failed)?;
    let mut bad = Unread::default();
    // Rows are typed on the reading threads, then written in order of
    // occurrence (as people read a register; the id breaks a tie). A sheet
    // holds at most 1,048,576 rows, so holding them to sort is bounded.
    let mut rows = Vec::new();
    store.stream(
        personal || filter.grep.is_some(),
        |r| match r {
            Ok(i) if filter.matches(&i) => Some(Ok(((i.occurred_at.to_utc(), i.id.to_string()), {
                let typed: Vec<XCell> = row(&i, personal)
                    .iter()
                    .zip(&columns)
                    .map(|(v, k)| match v {
                        Cell::Null => XCell::Empty,
                        Cell::Bool(b) => XCell::Bool(*b),
                        Cell::Count(n) => XCell::Number(*n as f64),
                        Cell::Text(t) if k.ends_with("_at") => {
                            xlsx::local_time(t, tz).map_or_else(|| XCell::Text(t.to_string()), XCell::Time)
                        }
                        Cell::Text(t) if k.starts_with("losses_") => {
                            xlsx::pounds(t).map_or_else(|| XCell::Text(t.to_string()), XCell::Money)
                        }
                        Cell::Text(t) => XCell::Text(t.to_string()),
                    })
                    .collect();
                plan.iter()
                    .map(|(_, src)| match *src {
                        Source::Column(c) => typed[c].clone(),
                        Source::Words(c) => match &typed[c] {
                            XCell::Text(t) => XCell::Text(words(&columns[c], t)),
                            other => other.clone(),
                        },
                    })
                    .collect::<Vec<_>>()
            }))),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        },
        |r| {
            match r {
                Some(Ok(keyed)) => rows.push(keyed),
                Some(Err(e)) => bad.add(e),
                None => {}
            }
            Ok(())
        },
    )?;
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, cells) in rows {
        sheet.row(cells).map_err(failed)?;
    }
    let note = if args.partial { bad.note() } else { None };
    let bytes = sheet.finish_noted(note.as_deref()).map_err(failed)?;
    let sink = Sink { partial: args.partial, ..Sink::default() };
    output_with(ctx, store, args.output.as_deref(), sink, |o| {
        o.write_all(&bytes).map_err(stdout_err)?;
        Ok(bad)
    })
}
