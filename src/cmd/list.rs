//! `lsms list`: the incidents that match, as a table, TSV, CSV, JSON or ids.

use super::args::{FilterArgs, Format};
use super::{Ctx, emit, finish_scan, gather};
use crate::error::{Error, Result};
use crate::model::schema::{Record, declared};
use crate::model::{Incident, time::rfc3339};
use crate::query::{self, DefaultStatus};
use crate::render::{self, Rows};
use crate::report::due::{is_late, is_overdue};
use chrono_tz::Tz;

const AFTER_HELP: &str = "\
Open incidents by default, sorted by when they occurred. A table on a terminal;
TSV (no header, one incident a line) when piped.

Columns: id, status, category, occurred, reported, recorded, recorded-by, site,
location, assignee, harm, outcome, summary, overdue (a deadline has passed: see
`lsms due`), late (reported over 24 hours after it occurred). The table adds the
overdue column.

Examples:
  lsms list
  lsms list --all --category theft --site 'Hollins Park' --since 2026-01-01
  lsms list --unassigned --sort reported --reverse --limit 10
  lsms list --format ids | xargs -r -n1 lsms show
  lsms list --all --format csv --columns id,category,occurred,site \\
      > incidents.csv";

/// List incidents
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json, Format::Ndjson, Format::Ids]))]
    pub format: Option<Format>,

    /// Sort by: occurred, reported, recorded, id, status, category, site, assignee, harm, summary
    #[arg(long, value_name = "KEY")]
    pub sort: Option<String>,

    /// Reverse the order (newest first)
    #[arg(long)]
    pub reverse: bool,

    /// The columns to show, comma-separated: the defaults, recorded-by, reported, recorded, location, harm, outcome, overdue, late, or any field of the record by its key (weapon, medical-factors, police.crime-ref)
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub columns: Vec<String>,

    /// Show at most N incidents
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

pub const COLUMNS: &[&str] = &[
    "id",
    "status",
    "category",
    "occurred",
    "reported",
    "recorded",
    "recorded-by",
    "site",
    "location",
    "assignee",
    "harm",
    "outcome",
    "summary",
    "overdue",
    "late",
];
/// The columns a narrow terminal keeps longest, most needed first (see
/// `render::Look::keep`); columns asked for by `--columns` and not named
/// here go first.
const KEEP: &[&str] = &["id", "status", "summary", "overdue", "category", "occurred", "site", "assignee"];

const DEFAULT_COLUMNS: &[&str] = &["id", "status", "category", "occurred", "site", "assignee", "summary"];

/// One cell. Times are RFC 3339 for programs, minutes for people.
fn cell(
    inc: &Incident,
    column: &str,
    tz: Tz,
    rules: &crate::report::due::Rules<'_>,
    human: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let when = |t: &crate::model::Stamp| {
        let t = t.with_timezone(&tz);
        if human { t.format("%Y-%m-%d %H:%M").to_string() } else { rfc3339(&t.fixed_offset()) }
    };
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    match column {
        "id" => inc.id.to_string(),
        "status" => inc.status.to_string(),
        "category" => inc.category.clone(),
        "occurred" => when(&inc.occurred_at),
        "reported" => when(&inc.reported_at),
        "recorded" => when(&inc.recorded_at),
        "recorded-by" => inc.recorded_by.clone(),
        "site" => opt(&inc.site),
        "location" => opt(&inc.location),
        "assignee" => opt(&inc.assignee),
        "harm" => inc.harm.map(|h| h.to_string()).unwrap_or_default(),
        "outcome" => inc.outcome.map(|h| h.to_string()).unwrap_or_default(),
        "summary" => inc.summary.clone(),
        "overdue" if is_overdue(inc, tz, rules, now) => "overdue".into(),
        "late" if is_late(inc) => "late".into(),
        "overdue" | "late" => String::new(),
        // Any other field the record declares, by its path (`weapon`,
        // `police.crime-ref`): a field added there is a column with no edit here.
        other => inc.shown(&other.replace('-', "_")).flatten().unwrap_or_default(),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let filter = ctx.filter(&args.filter, DefaultStatus::Open, &store)?;
    let terminal = ctx.stdout_is_terminal();
    let format = args.format.unwrap_or(if terminal { Format::Table } else { Format::Tsv });
    let columns: Vec<String> = if args.columns.is_empty() {
        let mut c: Vec<String> = DEFAULT_COLUMNS.iter().map(|s| s.to_string()).collect();
        if format == Format::Table {
            c.push("overdue".into());
        }
        c
    } else {
        let mut cols = Vec::new();
        for c in &args.columns {
            let c = c.trim().to_ascii_lowercase();
            let declared: Vec<String> = declared::<Incident>()
                .iter()
                .filter(|d| !d.nested && d.path != "history")
                .map(|d| d.path.replace('_', "-"))
                .collect();
            if !COLUMNS.contains(&c.as_str()) && !declared.contains(&c) {
                let all: Vec<&str> = COLUMNS
                    .iter()
                    .copied()
                    .chain(declared.iter().map(String::as_str))
                    .filter(|x| !x.contains('.'))
                    .collect();
                return Err(Error::usage(
                    format!("--columns: {}", crate::model::unknown_word("column", &c, &all)),
                    "for example --columns id,status,summary",
                ));
            }
            cols.push(c);
        }
        cols
    };
    let sort = query::sort_key_name(args.sort.as_deref())
        .map_err(|m| Error::usage(format!("--sort: {m}"), "for example --sort reported"))?;
    let tz = store.config.tz;
    let human = format == Format::Table;
    // Each match is kept as its sort key, id and cells joined by \x1f:
    // small, so a store of 100,000 incidents lists in little memory.
    let history = filter.grep.is_some() || columns.iter().any(|c| c == "overdue");
    let rules = super::deadline_rules(&store);
    let (mut hits, bad) = gather(&store, history, |i| {
        filter.matches(&i).then(|| {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| cell(&i, c, tz, &rules, human, ctx.now).replace('\x1f', " "))
                .collect();
            (query::sort_key(&i, sort), i.id, cells.join("\x1f"))
        })
    })?;
    hits.sort_unstable_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    if args.reverse {
        hits.reverse();
    }
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    let cells = |row: &str| row.split('\x1f').map(String::from).collect::<Vec<String>>();
    let mut out = ctx.out();
    emit(&mut out, |o| match format {
        Format::Ids => hits.iter().try_for_each(|(_, id, _)| writeln!(o, "{id}")),
        Format::Tsv => {
            hits.iter().try_for_each(|(_, _, row)| render::tsv_row(o, &row.split('\x1f').collect::<Vec<_>>()))
        }
        Format::Csv => {
            o.write_all(render::csv_line(&columns).as_bytes())?;
            hits.iter().try_for_each(|(_, _, row)| {
                o.write_all(render::csv_line(&row.split('\x1f').collect::<Vec<_>>()).as_bytes())
            })
        }
        Format::Json => {
            let mut a = render::JsonArray::new();
            for (_, _, row) in &hits {
                a.item(o, &render::json_object(&columns, &row.split('\x1f').collect::<Vec<_>>()))?;
            }
            a.end(o)
        }
        Format::Ndjson => hits.iter().try_for_each(|(_, _, row)| {
            writeln!(o, "{}", render::json_object(&columns, &row.split('\x1f').collect::<Vec<_>>()))
        }),
        // --format does not take xlsx here.
        Format::Table | Format::Xlsx if hits.is_empty() => Ok(()),
        Format::Table | Format::Xlsx => {
            let rows =
                Rows { columns: columns.clone(), rows: hits.iter().map(|(_, _, r)| cells(r)).collect() };
            let overdue = columns.iter().position(|c| c == "overdue");
            let alert = |row: &[String], i: usize| Some(i) == overdue && !row[i].is_empty();
            render::table_look(
                o,
                &rows,
                &render::Look { width: ctx.width(), color: ctx.color, alert: Some(&alert), keep: Some(KEEP) },
            )
        }
    })?;
    if format == Format::Table && hits.is_empty() && bad.is_empty() {
        ctx.say("No incidents match.");
    }
    finish_scan(ctx, bad)
}
