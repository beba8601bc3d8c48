//! `lsms board`: the board's security report as one HTML file.

use super::{Ctx, Sink, gather_all, output_with};
use crate::error::{Error, Result};
use crate::render::board::{Print, Show, commentary, html};
use crate::report::Period;
use crate::report::board::{self, Periods};
use crate::report::summary::Known;
use crate::report::suppress::Rule;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::path::PathBuf;

/// The board's security report: one self-contained HTML file to open or print
#[derive(Debug, clap::Args)]
#[command(after_help = "\
One HTML file with its styles and charts inside it (no script, nothing fetched): it opens
offline in any browser and prints to A4, a section a page. It holds the headline figures
with their change on the previous period and on the same period a year earlier, the monthly
trend by category, physical assaults with and without medical factors, sanctions by class,
losses, the open caseload by age, time to close, overdue deadlines (open cases still assigned
to someone who has left the team counted among them) and hotspots (site by
category, day by hour). Counts only: never a name or free text. Its figures are those of
`lsms summary` for the same period.

A file given with --output is written only after a run that read every incident file: else
it is left as it was, and the run names the files it could not read and exits 1. --partial
writes it anyway, its first page saying how many incident files are not counted.

Every printed page carries the marking (OFFICIAL, or OFFICIAL-SENSITIVE with --marking or
`marking:` in lsms.yaml) at its top and bottom, the title and \"Page N of M\" at its foot:
print it from Chromium 131 or later with the browser's own headers and footers off.

Small counts, for a pack that is published: --suppress small shows 1 to 4 as \"<5\" and hides
one more figure, as [c], wherever a total would give a hidden count away; --suppress nhs
shows 1 to 7 as \"*\" and rounds every other count to the nearest 5, as NHS England publishes
hospital statistics. Hidden counts are drawn hatched, never as bars of their own size, and
each page says what it hides and why. At OFFICIAL the hotspot grids (site by category, day
by hour) hide counts from 1 to 4 even without --suppress: one incident at a place or an hour
can point to a member of staff. OFFICIAL-SENSITIVE shows them whole.

Examples:
  lsms board --period last-quarter --output board.html
  lsms board --commentary notes.md --marking OFFICIAL-SENSITIVE -o board.html
  lsms board --period 2026/27 --suppress nhs --output 'board-{period}.html'
  lsms -q -C /srv/security board --period last-month \\
      --output '/srv/board/board-{period}.html'")]
pub struct Args {
    /// The period [default: last-quarter]: 2026/27, 2026/27-Q1, 2026-10, last-month, last-fy, …
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// Write to FILE (atomically) instead of stdout; `{period}` in it becomes the period (2026-27-Q1)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Hide small counts, for a report that is published: `small` shows 1 to 4 as "<5" (and hides one more figure where a total would give one away), `nhs` shows 1 to 7 as "*" and rounds the rest to the nearest 5
    #[arg(long, value_name = "RULE", value_parser = PossibleValuesParser::new(["small", "nhs"]).try_map(|s| Rule::parse(&s)),
          conflicts_with = "suppress_small")]
    pub suppress: Option<Rule>,
    /// The same as --suppress small
    #[arg(long)]
    pub suppress_small: bool,
    /// Write FILE even when some incident files cannot be read: its first page says how many are not counted (the run still exits 1)
    #[arg(long, requires = "output")]
    pub partial: bool,
    /// The marking at the top and bottom of every page: OFFICIAL or OFFICIAL-SENSITIVE [default: lsms.yaml's `marking:`, else OFFICIAL]
    #[arg(long, value_name = "MARKING")]
    pub marking: Option<String>,
    /// The LSMS's commentary, printed after the headline figures: plain text or a little Markdown (paragraphs, `- ` bullets, **bold**, *italic*)
    #[arg(long, value_name = "FILE")]
    pub commentary: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    // Counts and totals only: sealed values are never opened for them.
    store.set_view(crate::store::seal::View::Mask);
    let tz = store.config.tz;
    let period = Period::parse(args.period.as_deref().unwrap_or("last-quarter"), tz, ctx.now)
        .map_err(|m| Error::usage(format!("--period: {m}"), "see `lsms board --help`"))?;
    let marking = match &args.marking {
        Some(m) => crate::store::config::parse_marking(m)
            .map_err(|e| Error::usage(format!("--marking: {e}"), "see `lsms board --help`"))?,
        None => store.config.marking.clone(),
    };
    let words = match &args.commentary {
        None => None,
        Some(f) => Some(commentary(&std::fs::read_to_string(f).map_err(|e| {
            Error::usage(
                format!("--commentary: cannot read {}: {e}", f.display()),
                "give a UTF-8 text file with the commentary",
            )
        })?)),
    };
    let periods = Periods::on(period.clone(), ctx.now.with_timezone(&tz).date_naive());
    // With histories: whether a case awaiting others has had news is read
    // from its history, as `due` reads it.
    // A void record (entered in error) counts nowhere: only how many were
    // left out is kept, to say so.
    let rules = super::deadline_rules(&store);
    let (items, bad) = gather_all(&store, true, |i| {
        if i.void.is_some() {
            return Some(None);
        }
        board::item(&i, &periods, tz, &rules, ctx.now).map(Some)
    })?;
    let voids = items.iter().filter(|i| i.is_none()).count();
    let items: Vec<_> = items.into_iter().flatten().collect();
    super::say_void_left_out(ctx, voids);
    let known = Known {
        categories: store.config.categories.clone(),
        sites: store.config.sites.clone().unwrap_or_default(),
        team: Vec::new(),
        flags: Vec::new(),
        months: period.month_list(),
    };
    let made = ctx.now.with_timezone(&tz).format("%-d %B %Y %H:%M").to_string();
    let span = Some((period.start(tz), period.end(tz)));
    let disposed = crate::store::disposals::disposed_in(&store, span) as u64;
    let b = board::build(&items, periods, &known, &store.config.trust, made, disposed);
    let print = Print { marking: &marking, commentary: words.as_deref() };
    let rule = args.suppress.or(args.suppress_small.then_some(Rule::Small));
    // At OFFICIAL the hotspot grids hide small counts even when the rest
    // is shown whole: one incident at a site or an hour can point to a
    // member of staff. OFFICIAL-SENSITIVE shows them whole.
    let hotspots = rule.or((marking == "OFFICIAL").then_some(Rule::Small));
    let page = html(&b, Show { rule, hotspots }, bad.note().as_deref(), print);
    let file = crate::render::name_for(args.output.as_deref(), Some(&period));
    let sink = Sink { public: true, partial: args.partial, ..Sink::default() };
    output_with(ctx, &store, file.as_deref(), sink, |o| {
        o.write_all(page.as_bytes()).map_err(crate::error::stdout_err)?;
        Ok(bad)
    })
}
