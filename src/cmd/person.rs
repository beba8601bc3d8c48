//! `lsms person`: every incident naming one person, for spotting a repeat
//! offender and for answering a subject access request.

use super::args::{FilterArgs, Format};
use super::{Ctx, emit, finish_scan, gather};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::model::text::fold_name;
use crate::query::DefaultStatus;
use crate::render::{self, Rows};

const AFTER_HELP: &str = "\
NAME matches any part of a recorded name, ignoring case, accents, apostrophes
and extra spaces: `smith` finds 'J. Smith' and 'Anna Smithson', `zoe` finds
'Zoë'. The reporter and everyone under `people` are searched; incidents of
every status by default, oldest first.

Each row is one place the person is named: id, occurred (date), category,
status, role (reporter, victim, alleged-offender, …) and party. A table at a
terminal also shows the name as recorded, so the LSMS who typed it can tell
'J. Smith' from 'Anna Smithson'. TSV, CSV and JSON go to files and other
programs: they leave the name out unless --include-personal, as `export` does.

`--format json --include-personal` prints every record naming the person
whole, each as `lsms show ID --format json` gives it: for the LSMS, not for
release.

A subject access request: `--sar --output DIR` writes a bundle into DIR (new
or empty, owner-only): subject-access.html (to read and print: marked
OFFICIAL-SENSITIVE with its page number on every page) and subject-access.json,
holding every incident whose reporter or people name the person (every word
searched for, in any case, with or without accents), what the register holds
about them, and everyone else replaced by their role and party ([witness 1,
staff]) in the lists and in the text. REVIEW-BEFORE-RELEASE.txt lists for the
LSMS what could not be redacted with certainty (a first name alone, a name the
subject shares, a possible nickname, a person recorded without a name, a record
that may name them under another form): read it, and do not send it. Evidence
is listed; --with-evidence copies it too. Each incident in the bundle gets a
`disclosed` history entry (to data-subject; `lsms disclosures` lists them).

Examples:
  lsms person 'smith'
  lsms person 'Zoe Brown' --since 1/4/2026 --category physical-assault
  lsms person 'Zoë Brown' --sar --output sar-zoe-brown";

/// Every incident naming a person (reporter or in people)
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The name, or part of it (any case, accents optional)
    pub name: String,

    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json]))]
    pub format: Option<Format>,

    /// Add the name as recorded to TSV, CSV and JSON; with --format json, every record whole
    #[arg(long)]
    pub include_personal: bool,

    /// Write a subject access bundle for this person into --output DIR (see below)
    #[arg(long, requires = "output", conflicts_with_all = ["format", "include_personal"])]
    pub sar: bool,

    /// With --sar: the bundle's folder (new, or empty)
    #[arg(long, short, value_name = "DIR", requires = "sar")]
    pub output: Option<std::path::PathBuf>,

    /// With --sar: copy the evidence files too (evidence/ID/ in the bundle, with SHA256SUMS)
    #[arg(long, requires = "sar")]
    pub with_evidence: bool,

    /// With --sar: the lawful basis recorded [default: UK GDPR Art. 15 (right of access)]
    #[arg(long, value_name = "TEXT", requires = "sar", allow_hyphen_values = true)]
    pub basis: Option<String>,

    #[command(flatten)]
    pub filter: FilterArgs,
}

/// One place a person is named in an incident.
struct Hit {
    role: String,
    party: String,
    name: String,
}

/// Where `needle` (already folded) names someone in `inc`.
fn hits(inc: &Incident, needle: &str) -> Vec<Hit> {
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| fold_name(n).contains(needle));
    let mut out = Vec::new();
    if let Some(r) = &inc.reporter
        && named(&r.name)
    {
        out.push(Hit {
            role: "reporter".into(),
            party: r.party.to_string(),
            name: r.name.clone().unwrap_or_default(),
        });
    }
    for p in &inc.people {
        if named(&p.name) {
            out.push(Hit {
                role: p.role.to_string(),
                party: p.party.to_string(),
                name: p.name.clone().unwrap_or_default(),
            });
        }
    }
    out
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let needle = fold_name(&args.name);
    if needle.is_empty() {
        return Err(Error::usage(
            "the name is empty",
            "give a name or part of one, like lsms person 'smith'",
        ));
    }
    let store = ctx.store()?;
    let filter = ctx.filter(&args.filter, DefaultStatus::All, &store)?;
    if let (true, Some(dir)) = (args.sar, &args.output) {
        let req = super::sar::Request {
            name: &args.name,
            dir: &ctx.cwd.join(dir),
            with_evidence: args.with_evidence,
            basis: args.basis.as_deref(),
            filter: &filter,
        };
        return super::sar::run(ctx, &store, &req);
    }
    let tz = store.config.tz;
    let format = args.format.unwrap_or(if ctx.stdout_is_terminal() { Format::Table } else { Format::Tsv });
    let whole = format == Format::Json && args.include_personal;
    let history = whole || filter.grep.is_some();
    let (mut found, bad) = gather(&store, history, |i| {
        if !filter.matches(&i) {
            return None;
        }
        let h = hits(&i, &needle);
        (!h.is_empty()).then_some((i, h))
    })?;
    // A person's record reads as a timeline: oldest first.
    found.sort_by(|(a, _), (b, _)| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
    let mut out = ctx.out();
    if whole {
        let records = found.iter().map(|(i, _)| super::incident_json(i)).collect::<Result<Vec<_>>>()?;
        let text = serde_json::to_string_pretty(&records).map_err(|e| Error::failed(e.to_string()))?;
        emit(&mut out, |o| writeln!(o, "{text}"))?;
    } else {
        let show_name = format == Format::Table || args.include_personal;
        let mut columns: Vec<String> =
            ["id", "occurred", "category", "status", "role", "party"].iter().map(|s| s.to_string()).collect();
        if show_name {
            columns.push("name".into());
        }
        let mut rows = Vec::new();
        for (inc, hs) in &found {
            for h in hs {
                let mut row = vec![
                    inc.id.to_string(),
                    inc.occurred_at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
                    inc.category.clone(),
                    inc.status.to_string(),
                    h.role.clone(),
                    h.party.clone(),
                ];
                if show_name {
                    row.push(h.name.clone());
                }
                rows.push(row);
            }
        }
        let rows = Rows { columns, rows };
        emit(&mut out, |o| match format {
            Format::Table if rows.rows.is_empty() => Ok(()),
            Format::Table => render::table(o, &rows, ctx.width(), ctx.color),
            other => super::write_rows(o, other, &rows),
        })?;
    }
    if found.is_empty() && bad.is_empty() {
        ctx.say(format!("no incident names {}", args.name.trim()));
    }
    finish_scan(ctx, bad)
}
