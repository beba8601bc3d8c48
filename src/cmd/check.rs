//! `lsms check`: validate the whole store.

use super::Ctx;
use crate::error::{Error, Result};
use std::collections::HashMap;

/// Validate every incident file: YAML, schema, vocabularies, id against file name
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Prints each problem on stderr as path:line:column with the line shown, and exits 1 if\nthere is any; prints nothing on stdout.\n\nExample:\n  lsms check && git commit -am 'Incidents updated'"
)]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let scan = store.scan()?;
    let mut problems = scan.bad;
    for p in &scan.strays {
        problems.push(Error::failed_with(
            format!("{}: not an incident file", store.show_path(p)),
            "incidents/ holds only incidents/YYYY/MM/<id>.yaml: move or remove it",
        ));
    }
    let mut by_uuid: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
    for l in &scan.incidents {
        by_uuid.entry(l.incident.uuid).or_default().push(store.show_path(&l.path));
    }
    let mut dups: Vec<(uuid::Uuid, Vec<String>)> = by_uuid.into_iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort();
    for (uuid, paths) in dups {
        problems.push(Error::failed_with(
            format!("uuid {uuid} is in {} files: {}", paths.len(), paths.join(", ")),
            "each incident has its own uuid: a copied file is a duplicate; remove it or give it a new uuid",
        ));
    }
    let n = scan.incidents.len();
    if problems.is_empty() {
        ctx.say(format!("Checked {n} incident(s): no problems."));
        return Ok(());
    }
    let count = problems.len();
    for p in problems {
        ctx.show_error(p);
    }
    Err(Error::Reported(format!("{count} problem(s) found; {n} incident file(s) are good")))
}
