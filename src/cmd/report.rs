//! `lsms report`: record an incident (from flags, or many from YAML).

use super::Ctx;
use super::args::{FIELDS_GROUP, IncidentFields};
use crate::error::{Error, Result};
use crate::model::Problem;
use crate::model::draft::{Draft, NewRecord};
use crate::model::schema::input_named;
use crate::store::Store;
use serde_yaml::Value;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  lsms report --category physical-assault \\
      --summary 'Visitor struck a nurse at A&E reception' \\
      --occurred 'today 14:30' --site 'Hollins Park' \\
      --location 'A&E reception' --harm low --asset people \\
      --person victim:staff --person alleged-offender:visitor
  echo 'Bag taken from the staff room' \\
      | lsms report --category theft --summary 'Bag taken' --description -
  lsms report --category theft --summary 'Purse taken from locker' \\
      --occurred '24/11/2026 14:30' --loss '£1,250.50'
  lsms report --category physical-assault \\
      --summary 'Knife drawn on a home visit' --weapon 'kitchen knife' \\
      --flag weapon --flag lone-worker
  # one incident per YAML document, all or nothing:
  lsms report --from incidents.yaml

Times are read day first, as people in England write them: 24/11/2026 14:30,
24/11/2026 (midnight), 1/2/2026 is 1 February (11/24/2026 is refused); also
2026-11-24 14:30, RFC 3339, now, today 14:30, yesterday 09:00, in the store's
zone. Money: 120, 1250.50, 1,250.50, £1,250.50 or £60. The same forms hold in
--from documents.

Prints the new incident's id alone on stdout.";

/// Record an incident
#[derive(Debug, clap::Args)]
#[command(
    after_help = AFTER_HELP,
    mut_arg("category", |a| a.required_unless_present("from")),
    mut_arg("summary", |a| a.required_unless_present("from")),
    mut_arg("occurred", |a| a.help("When it happened [default: when reported]")),
    mut_arg("reported", |a| a.help("When it was reported [default: now]")),
)]
pub struct Args {
    #[command(flatten)]
    pub fields: IncidentFields<false>,
    /// Record one incident per YAML document of FILE (`-`: standard input)
    #[arg(long, value_name = "FILE|-", conflicts_with = FIELDS_GROUP)]
    pub from: Option<PathBuf>,
}

/// The option that sets a draft field, for messages.
fn flag_of(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// Checks a draft and writes it under a fresh id (drawing again on a clash).
fn build(
    ctx: &Ctx,
    store: &Store,
    actor: &str,
    draft: Draft,
) -> Result<crate::model::Incident, Vec<Problem>> {
    let vocab = store.config.vocab();
    draft.build(&NewRecord {
        vocab: &vocab,
        tz: store.config.tz,
        now: ctx.now,
        actor,
        random: crate::store::random4(),
        uuid: crate::model::id::new_uuid(ctx.now),
    })
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let commit = ctx.commits(&store)?;
    if let Some(from) = &args.from {
        return run_from(ctx, &store, &actor, from, commit);
    }
    let draft = Draft { given: super::read_stdin_inputs(&args.fields.given)? };
    let inc = build(ctx, &store, &actor, draft).map_err(|problems| {
        let lines: Vec<String> =
            problems.iter().map(|p| format!("{}: {}", flag_of(&p.field), p.message)).collect();
        Error::failed_with(
            format!("the incident was not recorded:\n  {}", lines.join("\n  ")),
            "correct the options above and run the command again; `lsms report --help` lists them",
        )
    })?;
    let path = store.create_fresh(inc)?;
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    if commit {
        let who = ctx.ident(&store, &actor);
        crate::store::git::commit(&store.root, &[store.show_path(&path)], &format!("{id}: reported"), &who)?;
    }
    super::emit(&mut ctx.out(), |o| writeln!(o, "{id}"))
}

/// Where in a `--from` document the key of a problem's input is: by the
/// input's name (`flag`), or by its field's path (`flags`, `reporter`).
fn key_offset(doc: &str, name: &str) -> usize {
    if name.is_empty() {
        return 0;
    }
    let path = input_named::<crate::model::Incident>(name).map(|d| d.path.clone()).unwrap_or_default();
    let top = path.split('.').next().unwrap_or_default().to_string();
    [name.to_string(), path, top]
        .iter()
        .filter(|k| !k.is_empty())
        .map(|k| crate::store::locate_key(doc, k))
        .find(|&off| off > 0)
        .unwrap_or(0)
}

/// Byte offsets where each YAML document of `src` starts.
fn doc_starts(src: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let mut off = 0;
    for line in src.split_inclusive('\n') {
        if line.starts_with("---") && off > 0 {
            starts.push(off);
        }
        off += line.len();
    }
    starts
}

fn run_from(ctx: &Ctx, store: &Store, actor: &str, from: &std::path::Path, commit: bool) -> Result<()> {
    let name =
        if from.as_os_str() == "-" { "standard input".to_string() } else { from.display().to_string() };
    let src = super::read_input_text(from, "incidents", super::MAX_BULK_INPUT)?;
    // Each document as written: an amount or a word is read from its
    // characters by lsms's own rules, never through a YAML number.
    let docs = crate::codec::load::load_all(&src).map_err(|e| {
        Error::in_file(
            &name,
            crate::codec::load::excerpt(&src, e.offset),
            e.offset,
            e.message,
            Some("nothing was recorded; fix the file and run again".into()),
        )
    })?;
    let values: Vec<Value> =
        docs.iter().filter(|d| !d.value.is_null()).map(|d| d.node.words_value()).collect();
    if values.is_empty() {
        return Err(Error::failed_with(
            format!("{name} holds no incidents"),
            "write one YAML document per incident, separated by ---",
        ));
    }
    let starts = doc_starts(&src);
    let mut incidents = Vec::new();
    let mut errors = Vec::new();
    for (n, v) in values.iter().enumerate() {
        let result = Draft::from_value(v).and_then(|d| build(ctx, store, actor, d));
        match result {
            Ok(i) => incidents.push(i),
            Err(problems) => {
                let base = if starts.len() == values.len() { starts[n] } else { 0 };
                let doc = &src[base..];
                for p in problems {
                    let off = key_offset(doc, &p.field);
                    errors.push(Error::in_file(
                        &name,
                        &src,
                        base + off,
                        format!("incident {}: {}", n + 1, p.message),
                        None,
                    ));
                }
            }
        }
    }
    if !errors.is_empty() {
        let n = errors.len();
        for e in errors {
            ctx.show_error(e);
        }
        return Err(Error::Reported(format!("nothing was recorded: {n} problem(s) in {name}")));
    }
    // Every file is checked against the size limit before any is written.
    for inc in &incidents {
        store.fits(&inc.id, &inc.to_yaml(), true)?;
    }
    let mut written: Vec<PathBuf> = Vec::new();
    for inc in incidents {
        match store.create_fresh(inc) {
            Ok(p) => written.push(p),
            Err(e) => {
                for p in &written {
                    let _ = std::fs::remove_file(p);
                }
                return Err(e);
            }
        }
    }
    if commit {
        for p in &written {
            let id = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let who = ctx.ident(store, actor);
            crate::store::git::commit(&store.root, &[store.show_path(p)], &format!("{id}: reported"), &who)?;
        }
    }
    super::emit(&mut ctx.out(), |o| {
        for p in &written {
            let id = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            writeln!(o, "{id}")?;
        }
        Ok(())
    })
}
