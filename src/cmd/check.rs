//! `lsms check`: validate the whole store.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::links::inverse;
use crate::model::{Id, LinkKind};
use std::collections::{HashMap, HashSet};

/// Validate every incident file: YAML, schema, vocabularies, id against file name
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Prints each problem on stderr as path:line:column with the line shown, and exits 1 if\nthere is any; prints nothing on stdout. Warns (exit 0) where YAML reads a hand edit otherwise\nthan meant: a comment, a ` #` that ends a value, a text value read as a number, date,\ntrue/false or null; of a link to an incident not in the store, or not held on both incidents;\nand counts the files not in lsms's form (`lsms fmt` rewrites them).\nEach evidence file an incident records must be in evidence/ with its size\n(a look, no reading: `lsms evidence verify` re-hashes them).\n\nExample:\n  lsms check && git commit -am 'Incidents updated'"
)]
pub struct Args {}

/// A link to an incident not in the store, and one the other incident does
/// not hold back: each a warning naming both and the fix.
fn link_warnings(
    store: &crate::store::Store,
    links: &HashMap<Id, Vec<(Id, LinkKind)>>,
    by_uuid: &HashMap<uuid::Uuid, Vec<String>>,
) -> Vec<Error> {
    if links.is_empty() {
        return Vec::new();
    }
    // The good files, by path: one that holds no link holds none back.
    let good: HashSet<&str> = by_uuid.values().flatten().map(String::as_str).collect();
    let mut ids: Vec<&Id> = links.keys().collect();
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        for (other, kind) in &links[id] {
            let path = id.rel_path();
            let back = links.get(other).map_or(&[][..], Vec::as_slice);
            match good.contains(other.rel_path().as_str()) {
                // `duplicate-of` is held back as `related`, and `related` may be
                // the original's side of a `duplicate-of`.
                true if back.iter().any(|(b, k)| b == id && (*k == inverse(*kind) || inverse(*k) == *kind)) => {}
                true => out.push(Error::failed_with(
                    format!(
                        "warning: {path}: links to {other} as {kind}, but {other} does not link back (as {})",
                        inverse(*kind)
                    ),
                    format!("`lsms unlink {id} {other}` then `lsms link {id} {other} --kind {kind}` puts it on both"),
                )),
                // A file that is there but could not be read is named above.
                false if std::fs::symlink_metadata(store.path_of(other)).is_ok() => {}
                false if crate::store::disposals::find(store, other).is_some() => out.push(Error::failed_with(
                    format!("warning: {path}: links to {other} as {kind}, which was disposed of under retention"),
                    format!("the link keeps only its id; `lsms unlink {id} {other}` removes it"),
                )),
                false => out.push(Error::failed_with(
                    format!("warning: {path}: links to {other} as {kind}, which is not in this store"),
                    format!("if {other} is gone for good, `lsms unlink {id} {other}` removes the link"),
                )),
            }
        }
    }
    out
}

/// Each loop of duplicate-of links (a hand edit can make one: A a
/// duplicate of B, and B of A), named once with how to break it.
fn duplicate_loops(links: &HashMap<Id, Vec<(Id, LinkKind)>>) -> Vec<Error> {
    let dups: std::collections::BTreeMap<Id, Vec<Id>> = links
        .iter()
        .map(|(id, held)| {
            let to = held.iter().filter(|(_, k)| *k == LinkKind::DuplicateOf).map(|(o, _)| o.clone());
            (id.clone(), to.collect::<Vec<_>>())
        })
        .filter(|(_, to)| !to.is_empty())
        .collect();
    crate::model::links::duplicate_loops(&dups)
        .into_iter()
        .map(|chain| {
            Error::failed_with(
                format!(
                    "{}: a loop of duplicates: {} (a duplicate points to the original it repeats)",
                    chain[0].rel_path(),
                    crate::model::links::loop_shown(&chain)
                ),
                format!(
                    "remove the link that is the wrong way round, e.g. `lsms unlink {} {} --kind duplicate-of`",
                    chain[0],
                    chain[1 % chain.len()]
                ),
            )
        })
        .collect()
}

/// Shows each error as [`Ctx::show_error`] does, through one buffer:
/// stderr is unbuffered, and a report with its lines shown is a hundred
/// small writes (a store of hand-edited files can have thousands).
fn show_all(errors: Vec<Error>) {
    use std::io::Write;
    let mut err = std::io::BufWriter::with_capacity(64 << 10, std::io::stderr().lock());
    for e in errors {
        let _ = writeln!(err, "{:?}", miette::Report::new(e.for_terminal()));
    }
    let _ = err.flush();
}

pub fn run(ctx: &Ctx, _args: &Args) -> Result<()> {
    let mut store = ctx.store()?;
    store.lint = true;
    // Problems are printed as they are found, in file order; only each
    // good file's uuid is kept, to find duplicates at the end.
    let mut count = 0usize;
    let mut good = 0usize;
    // Records marked void (entered in error): checked like any, and counted
    // to say that figures leave them out.
    let mut voids = 0usize;
    let mut by_uuid: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
    // Each incident's evidence files, checked by a stat each at the end.
    let mut evidence = Vec::new();
    // The links of each good file that has any (few do), to find those
    // that lead nowhere or are held one way.
    let mut links: HashMap<Id, Vec<(Id, LinkKind)>> = HashMap::new();
    let strays = store.stream(
        false,
        |r| {
            r.map(|i| {
                let files: Vec<(String, String, u64)> =
                    i.evidence.iter().map(|e| (e.sha256.clone(), e.name.clone(), e.size)).collect();
                let held = (!i.links.is_empty())
                    .then(|| (i.id.clone(), i.links.iter().map(|l| (l.id.clone(), l.kind)).collect()));
                (i.uuid, i.id.rel_path(), i.id, files, held, i.void.is_some())
            })
        },
        |r| {
            match r {
                Ok((uuid, path, id, files, held, void)) => {
                    good += 1;
                    voids += usize::from(void);
                    by_uuid.entry(uuid).or_default().push(path);
                    if let Some((id, held)) = held {
                        links.insert(id, held);
                    }
                    if !files.is_empty() {
                        evidence.push((id, files));
                    }
                }
                Err(errs) => {
                    count += errs.len();
                    errs.into_iter().for_each(|e| ctx.show_error(e));
                }
            }
            Ok(())
        },
    )?;
    let link_warnings = link_warnings(&store, &links, &by_uuid);
    let mut problems = duplicate_loops(&links);
    for p in &strays {
        problems.push(Error::failed_with(
            format!("{}: not an incident file", store.show_path(p)),
            "incidents/ holds only incidents/YYYY/MM/<id>.yaml: move or remove it",
        ));
    }
    let mut evidence_warnings = Vec::new();
    for (id, files) in &evidence {
        let (bad, warned) = crate::store::evidence::stat_problems(&store, id, files);
        problems.extend(bad);
        evidence_warnings.extend(warned);
    }
    let recorded = evidence.iter().flat_map(|(_, f)| f.iter().map(|(sha, _, _)| sha.as_str())).collect();
    let crate::store::evidence::Survey { leftovers, mut unrecorded, misplaced } =
        crate::store::evidence::survey(&store.root, &recorded);
    // A link (or a file) where an evidence folder should be: evidence
    // there is outside the store, where git does not keep it.
    for m in misplaced {
        problems.push(Error::failed_with(
            format!(
                "{} is {}, not a folder of the store: the evidence files in it are outside the store",
                m.rel, m.what
            ),
            crate::store::evidence::Fault::Folder(m).help(""),
        ));
    }
    if !unrecorded.is_empty() && count == 0 {
        // A file withdrawn from a case stays in evidence/ with its custody
        // in that case's history: it is accounted for. (The histories are
        // read only when there is a file to account for.)
        let withdrawn = withdrawn_evidence(ctx)?;
        unrecorded.retain(|p| p.rsplit('/').next().is_none_or(|sha| !withdrawn.contains(sha)));
    }
    for p in leftovers {
        ctx.say(format!(
            "note: {p} was left by an `evidence add` that was interrupted (nothing recorded it); delete it"
        ));
    }
    // A file whose record could not be read above holds its evidence too:
    // only a store without such problems can say a file is unrecorded.
    if !unrecorded.is_empty() && count == 0 {
        ctx.say(format!(
            "note: {} file(s) in evidence/ that no incident records (a record edited by hand, or a removed case?): {}",
            unrecorded.len(),
            unrecorded.join(", ")
        ));
    }
    // The register of disposals: each certificate whole, and no record
    // still here that a certificate says was disposed of.
    let (certs, bad_certs) = crate::store::disposals::all(&store);
    problems.extend(bad_certs);
    for c in &certs {
        let Ok(id) = Id::parse(&c.id) else { continue };
        if std::fs::symlink_metadata(store.path_of(&id)).is_ok() {
            problems.push(Error::failed_with(
                format!(
                    "{}: a certificate says {id} was disposed of, but its file {} is still here",
                    crate::store::disposals::rel_path(&id),
                    id.rel_path()
                ),
                "a disposal was interrupted, or the file came back from another clone: if it was disposed of, \
                 remove the file (`git rm` it); if not, restore the register from git",
            ));
        }
    }
    if !certs.is_empty() {
        ctx.say(format!(
            "{} record(s) disposed of under retention, each with its certificate in disposals/",
            certs.len()
        ));
    }
    let mut dups: Vec<(uuid::Uuid, Vec<String>)> = by_uuid.into_iter().filter(|(_, v)| v.len() > 1).collect();
    dups.sort();
    for (uuid, paths) in dups {
        problems.push(Error::failed_with(
            format!("uuid {uuid} is in {} files: {}", paths.len(), paths.join(", ")),
            "each incident has its own uuid: a copied file is a duplicate; remove it or give it a new uuid",
        ));
    }
    // The store's local folders: a cache or lock folder that leads out of
    // the store is a problem (every write is refused until it is put
    // right); anything in the cache folder but cache files is never read.
    let (place, odd) = store.local_problems();
    problems.extend(place);
    for (p, what) in odd {
        ctx.say(format!(
            "note: {} is {what}, not a cache file: lsms never reads it; delete it",
            store.show_path(&p)
        ));
    }
    for p in store.take_leftovers() {
        ctx.say(format!(
            "note: {} was left by a write that was interrupted (the incident itself is whole); delete it",
            store.show_path(&p)
        ));
    }
    let unformed = store.unformed.load(std::sync::atomic::Ordering::Relaxed);
    if unformed > 0 {
        ctx.say(format!(
            "note: {unformed} file(s) are not in the form lsms writes (hand edits, or an older lsms): \
             lsms changes them only after `lsms fmt` (`lsms fmt --check` lists them)"
        ));
    }
    if voids > 0 {
        ctx.say(format!(
            "{voids} void record(s) left out of figures (entered in error; `lsms list --all --include-void` lists them)"
        ));
    }
    let mut warnings = store.take_warnings();
    warnings.extend(link_warnings);
    warnings.extend(evidence_warnings);
    let warned = warnings.len();
    show_all(warnings);
    count += problems.len();
    show_all(problems);
    if count == 0 && warned > 0 {
        ctx.say(format!(
            "Checked {good} incident(s): no problems; {warned} warning(s) above, each with how to put it right."
        ));
        return Ok(());
    }
    if count == 0 {
        ctx.say(format!("Checked {good} incident(s): no problems."));
        return Ok(());
    }
    Err(Error::Reported(format!("{count} problem(s) found; {good} incident file(s) are good")))
}

/// The SHA-256 of every evidence file withdrawn from a case, as the
/// cases' histories keep them.
fn withdrawn_evidence(ctx: &Ctx) -> Result<HashSet<String>> {
    let store = ctx.store()?;
    let (found, _) = super::gather(&store, true, |i| {
        let w = i.withdrawn_evidence();
        (!w.is_empty()).then_some(w)
    })?;
    Ok(found.into_iter().flatten().map(|(sha, _)| sha).collect())
}
