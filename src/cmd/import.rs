//! `lsms import`: a trust's historical register from CSV, all or nothing.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::draft::{DRAFT_KEYS, Draft, NewRecord};
use crate::model::{Id, Incident};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Each CSV column is mapped to a field of `report`: category, summary, occurred, reported, site,
location, description, reporter, reporter_party, assets, people, harm, medical_factors,
police_ref, loss, flags, weapon (assets, people and flags: several in a cell, split by `;`).
Dates are read day first as people in England write them (24/11/2026 or
24/11/2026 14:30; 11/24/2026 is refused), or as 2026-11-24 14:30; money as 1,250.50 or £1,250.50.
Values of the category column are mapped through --category-map (or `categories:` in the
mapping file) before they are checked. Columns not mapped are ignored, and named.

Nothing is recorded unless every row is good: each refused row is named with why.

Mapping file (YAML):
  columns: { Date of incident: occurred, Type: category, Description: summary, Site: site }
  categories: { Violence and aggression: physical-assault, Theft/loss: theft }

Examples:
  lsms import --csv datix.csv --dry-run \\
      --map 'Date of incident=occurred,Type=category,Description=summary'
  lsms import --csv datix.csv --map-file examples/import-map.yaml";

/// Import incidents from a CSV file (a historical register)
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The CSV file, with a header row (`-`: standard input)
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Column mapping: 'CSV column=field,…'
    #[arg(long, value_name = "COL=FIELD,…", required_unless_present = "map_file")]
    pub map: Option<String>,
    /// A YAML mapping file: `columns:` and `categories:`
    #[arg(long, value_name = "FILE", conflicts_with = "map")]
    pub map_file: Option<PathBuf>,
    /// Category values: 'value=category,…'
    #[arg(long, value_name = "VALUE=CATEGORY,…")]
    pub category_map: Option<String>,
    /// Check every row and say what would be recorded, but record nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    categories: BTreeMap<String, String>,
}

fn pairs(s: &str, what: &str) -> Result<BTreeMap<String, String>> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.split_once('=').map(|(a, b)| (a.trim().to_string(), b.trim().to_string())).ok_or_else(|| {
                Error::usage(
                    format!("{what}: '{p}' should be NAME=VALUE"),
                    "for example 'Date of incident=occurred,Type=category'",
                )
            })
        })
        .collect()
}

fn set(d: &mut Draft, field: &str, v: String) {
    let v = Some(v).filter(|v| !v.trim().is_empty());
    match field {
        "category" => d.category = v,
        "summary" => d.summary = v,
        "occurred" => d.occurred = v,
        "reported" => d.reported = v,
        "site" => d.site = v,
        "location" => d.location = v,
        "description" => d.description = v,
        "reporter" => d.reporter = v,
        "reporter_party" => d.reporter_party = v,
        "assets" => d.assets.extend(v.iter().flat_map(|s| s.split(';').map(|x| x.trim().to_string()))),
        "people" => d.people.extend(v.iter().flat_map(|s| s.split(';').map(|x| x.trim().to_string()))),
        "harm" => d.harm = v,
        "medical_factors" => d.medical_factors = v,
        "police_ref" => d.police_ref = v,
        "loss" => d.loss = v,
        "flags" => d.flags.extend(v.iter().flat_map(|s| s.split(';').map(|x| x.trim().to_string()))),
        "weapon" => d.weapon = v,
        _ => {}
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let (mut columns, mut categories) = match &args.map_file {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(Error::io("read", p))?;
            let m: MapFile = serde_yaml::from_str(&text).map_err(|e| {
                let off = e.location().map_or(0, |l| l.index());
                Error::in_file(
                    &p.display().to_string(),
                    &text,
                    off,
                    format!("not a mapping file: {e}"),
                    Some("a mapping file has `columns:` and `categories:`".into()),
                )
            })?;
            (m.columns, m.categories)
        }
        None => (BTreeMap::new(), BTreeMap::new()),
    };
    if let Some(m) = &args.map {
        columns.extend(pairs(m, "--map")?);
    }
    if let Some(m) = &args.category_map {
        categories.extend(pairs(m, "--category-map")?);
    }
    for (col, field) in &mut columns {
        *field = field.replace('-', "_");
        let f = match field.as_str() {
            "occurred_at" => "occurred",
            "reported_at" => "reported",
            f => f,
        };
        *field = f.to_string();
        if !DRAFT_KEYS.contains(&field.as_str()) {
            return Err(Error::usage(
                format!(
                    "--map: column '{col}' maps to {}",
                    crate::model::unknown_word("field", field, DRAFT_KEYS)
                ),
                "see `lsms import --help`",
            ));
        }
    }
    for need in ["category", "summary"] {
        if !columns.values().any(|f| f == need) {
            return Err(Error::usage(
                format!("no column is mapped to {need}"),
                format!("add 'COLUMN={need}' to --map"),
            ));
        }
    }

    let name = args.csv.display().to_string();
    let text = if args.csv.as_os_str() == "-" {
        super::text_or_stdin("-", "CSV")?
    } else {
        std::fs::read_to_string(&args.csv).map_err(Error::io("read", &args.csv))?
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::failed(format!("{name}: cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    for col in columns.keys() {
        if !headers.contains(col) {
            return Err(Error::failed_with(
                format!("{name} has no column '{col}'"),
                format!("its columns are: {}", headers.join(", ")),
            ));
        }
    }
    let ignored: Vec<&String> = headers.iter().filter(|h| !columns.contains_key(*h)).collect();
    if !ignored.is_empty() {
        ctx.say(format!(
            "Not mapped, so ignored: {}",
            ignored.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let vocab = store.config.vocab();
    let tz = store.config.tz;
    let mut good: Vec<Incident> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                refused.push(format!("{name}:{line}: {e}"));
                continue;
            }
        };
        let mut d = Draft::default();
        for (h, v) in headers.iter().zip(record.iter()) {
            if let Some(field) = columns.get(h) {
                let v = if field == "category" {
                    categories.get(v.trim()).cloned().unwrap_or_else(|| v.to_string())
                } else {
                    v.to_string()
                };
                set(&mut d, field, v);
            }
        }
        let b = uuid::Uuid::new_v4().into_bytes();
        let made = d.build(&NewRecord {
            vocab: &vocab,
            tz,
            now: ctx.now,
            actor: &actor,
            random: [b[0], b[1], b[2], b[3]],
            uuid: super::report::new_uuid(ctx.now),
        });
        match made {
            Ok(mut inc) => {
                inc.history[0].detail = Some(format!(
                    "imported from row {line} of {}",
                    args.csv.file_name().and_then(|f| f.to_str()).unwrap_or("CSV")
                ));
                good.push(inc);
            }
            Err(problems) => {
                let why: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let col = columns
                            .iter()
                            .find(|(_, f)| **f == p.field)
                            .map_or(p.field.clone(), |(c, _)| format!("'{c}'"));
                        format!("{col}: {}", p.message)
                    })
                    .collect();
                refused.push(format!("{name}:{line}: {}", why.join("; ")));
            }
        }
    }
    if !refused.is_empty() {
        for r in &refused {
            eprintln!("refused: {r}");
        }
        return Err(Error::Reported(format!(
            "nothing was imported: {} of {} row(s) refused; fix them (or map their values) and run again",
            refused.len(),
            refused.len() + good.len()
        )));
    }
    if good.is_empty() {
        return Err(Error::failed(format!("{name} has no rows to import")));
    }
    if args.dry_run {
        ctx.say(format!("Dry run: all {} row(s) are good; nothing was recorded.", good.len()));
        return Ok(());
    }
    let commit = ctx.commits(&store)?;
    let mut written: Vec<PathBuf> = Vec::new();
    for inc in good {
        match super::report::create(&store, inc) {
            Ok(p) => written.push(p),
            Err(e) => {
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
                return Err(e);
            }
        }
    }
    let ids: Vec<Id> =
        written.iter().filter_map(|p| p.file_stem()?.to_str().and_then(|s| Id::parse(s).ok())).collect();
    if commit {
        for (p, id) in written.iter().zip(&ids) {
            let who = ctx.ident(&store, &actor);
            crate::store::git::commit(&store.root, &[store.show_path(p)], &format!("{id}: imported"), &who)?;
        }
    }
    super::emit(&mut ctx.out(), |o| ids.iter().try_for_each(|id| writeln!(o, "{id}")))?;
    ctx.say(format!("Imported {} incident(s).", ids.len()));
    Ok(())
}
