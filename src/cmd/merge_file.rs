//! `lsms merge-file`: the git merge driver for incident files.
//!
//! Besides the merged file and its exit code, the driver tells `lsms sync`
//! what it could not merge in a record, never in words to be read back:
//! when `LSMS_MERGE_RECORDS` names a folder (sync sets it for the merge it
//! runs), each file left in conflict gets `<folder>/<path>.json` (its path
//! as the repository names it), a `store::merge_record::Record` as JSON, for example
//! `{"path":"incidents/2026/11/20261124-7QF3.yaml","conflict":"fields","fields":["outcome","closure_note"]}`.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::merge::merge;
use crate::model::{Incident, STANDARD_CATEGORIES, STANDARD_FLAGS, Vocab};
use crate::store::merge_record::{Conflict, RECORDS_ENV, Record, record_path};
use crate::store::{Mode, fsio::write_atomic};
use serde_yaml::Value;
use std::path::PathBuf;

/// Writes (or, with no conflict, removes) this file's record, when the
/// merge asked for records. The merge is what matters: a record that
/// cannot be written is said, not fatal.
fn record(ctx: &Ctx, args: &Args, conflict: Option<(Conflict, Vec<String>)>) {
    let Some(folder) = std::env::var_os(RECORDS_ENV).filter(|f| !f.is_empty()).map(PathBuf::from) else {
        return;
    };
    let Some((path, file)) = args.path.as_ref().and_then(|p| Some((p, record_path(&folder, p)?))) else {
        return;
    };
    let Some((conflict, fields)) = conflict else {
        let _ = std::fs::remove_file(&file);
        return;
    };
    let rec = Record { path: path.clone(), conflict, fields };
    let written = serde_json::to_vec(&rec).map_err(std::io::Error::other).and_then(|json| {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_atomic(&file, &json, Mode::Disposable)
    });
    if let Err(e) = written {
        ctx.say(format!(
            "lsms merge-file: {path}: cannot write the conflict's record {}: {e}",
            file.display()
        ));
    }
}

/// Merge three versions of an incident file (git's %O %A %B)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Registered by `lsms init --git` for incidents/**/*.yaml. History entries, sanctions, links,
notifications and evidence from both sides are united (history ordered by time); a field
changed on one side only is taken; a field changed on both sides to different values is left
in OURS between conflict markers, and the exit code is 1, for a person to resolve (then
`lsms check`). With LSMS_MERGE_RECORDS set to a folder (`lsms sync` sets it), a file left in
conflict also gets a record there, <path>.json, that names what conflicts, for sync to show.

Example (what `lsms init --git` registers in the repository's config):
  git config merge.lsms.driver \"lsms merge-file %O %A %B %P\"")]
pub struct Args {
    /// The common ancestor (%O)
    pub base: PathBuf,
    /// Our version (%A): the result is written here
    pub ours: PathBuf,
    /// Their version (%B)
    pub theirs: PathBuf,
    /// The file's path in the repository (%P), for messages
    pub path: Option<String>,
}

fn read(p: &std::path::Path) -> Result<(String, Value)> {
    let text = std::fs::read_to_string(p).map_err(Error::io("read", p))?;
    // Bounded and BOM-aware like every read (a deep file would hold the
    // merge for minutes); a plain scalar lsms would write as other
    // characters (`badge: 010` in a person) is kept as written, as a
    // rewrite keeps it.
    let value = crate::codec::load::load(&text)
        .map_err(|e| Error::failed(format!("{} is not valid YAML: {}", p.display(), e.message)))?
        .node
        .kept_value();
    Ok((text, value))
}

/// Lines of a top-level key's block: from `key:` to the next top-level key.
fn key_block(text: &str, key: &str) -> Option<(usize, usize)> {
    crate::model::text::top_level_blocks(text)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, r)| (r.start, r.end))
}

fn render(v: &Value, vocab: &Vocab) -> String {
    Incident::from_value(v, vocab)
        .map(|i| i.to_yaml())
        .unwrap_or_else(|_| serde_yaml::to_string(v).unwrap_or_default())
}

/// Is this parsed file an incident at all (a mapping with a schema and an
/// id)? An empty base (a file both sides added) counts as one.
fn looks_like_incident(v: &Value) -> bool {
    v.as_mapping().is_some_and(|m| m.contains_key("schema") && m.contains_key("id"))
}

/// git's own line merge, for a file that is not an incident: what git
/// would have done without the driver.
fn git_merge_file(ctx: &Ctx, args: &Args, name: &str, why: &str) -> Result<()> {
    ctx.say(format!("lsms merge-file: {name}: {why}: merged line by line as git does"));
    let out = std::process::Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs", "--"])
        .arg(&args.ours)
        .arg(&args.base)
        .arg(&args.theirs)
        .output()
        .map_err(|e| Error::failed(format!("cannot run git merge-file: {e}")))?;
    match out.status.code() {
        Some(0) => {
            record(ctx, args, None);
            Ok(())
        }
        Some(n) if n > 0 => {
            record(ctx, args, Some((Conflict::Lines, Vec::new())));
            Err(Error::Reported(format!("{name}: merge conflict (line by line)")))
        }
        _ => Err(Error::failed(format!(
            "git merge-file failed on {name}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let name = args.path.clone().unwrap_or_else(|| args.ours.display().to_string());
    if !std::fs::symlink_metadata(&args.ours).is_ok_and(|m| m.is_file()) {
        return Err(Error::failed_with(
            format!("{}: not a regular file: nothing was merged", args.ours.display()),
            "merge-file is run by git with the paths of three temporary files (%O %A %B)",
        ));
    }
    let parsed = (read(&args.base), read(&args.ours), read(&args.theirs));
    let (Ok((base_text, base)), Ok((_, ours)), Ok((_, theirs))) = parsed else {
        return git_merge_file(ctx, args, &name, "a side is not valid YAML");
    };
    let base_empty = base_text.trim().is_empty();
    if !(looks_like_incident(&ours)
        && looks_like_incident(&theirs)
        && (base_empty || looks_like_incident(&base)))
    {
        return git_merge_file(ctx, args, &name, "not an incident on every side");
    }
    let mut categories: Vec<String> = STANDARD_CATEGORIES.iter().map(|s| s.to_string()).collect();
    for v in [&base, &ours, &theirs] {
        if let Some(c) = v.get("category").and_then(Value::as_str) {
            categories.push(c.to_string());
        }
    }
    // Whatever flags the sides hold are words this merge may keep.
    let mut flags: Vec<String> = STANDARD_FLAGS.iter().map(|s| s.to_string()).collect();
    for v in [&base, &ours, &theirs] {
        let held = v.get("flags").and_then(Value::as_sequence).into_iter().flatten();
        flags.extend(held.filter_map(Value::as_str).map(str::to_string));
    }
    let vocab = Vocab { categories, sites: None, flags };
    let mut merged = merge(&base, &ours, &theirs);
    let unsettled = settle_sealed(&ours, &theirs, &mut merged.conflicts);
    let mut text = render(&merged.value, &vocab);
    if merged.conflicts.is_empty() && Incident::from_value(&merged.value, &vocab).is_ok() {
        write_atomic(&args.ours, text.as_bytes(), Mode::Replace).map_err(Error::io("write", &args.ours))?;
        record(ctx, args, None);
        return Ok(());
    }
    let mut keys = Vec::new();
    for (k, _, theirs_v) in &merged.conflicts {
        let key = k.as_str().unwrap_or_default().to_string();
        let mut one = serde_yaml::Mapping::new();
        one.insert(k.clone(), theirs_v.clone());
        let mut theirs_value = merged.value.clone();
        if let Some(m) = theirs_value.as_mapping_mut() {
            m.insert(k.clone(), theirs_v.clone());
        }
        let theirs_text = render(&theirs_value, &vocab);
        let theirs_block = key_block(&theirs_text, &key)
            .map(|(s, e)| theirs_text[s..e].to_string())
            .unwrap_or_else(|| serde_yaml::to_string(&one).unwrap_or_default());
        if let Some((s, e)) = key_block(&text, &key) {
            let ours_block = text[s..e].to_string();
            text.replace_range(
                s..e,
                &format!("<<<<<<< ours\n{ours_block}=======\n{theirs_block}>>>>>>> theirs\n"),
            );
        } else {
            text.push_str(&format!("<<<<<<< ours\n=======\n{theirs_block}>>>>>>> theirs\n"));
        }
        keys.push(key);
    }
    write_atomic(&args.ours, text.as_bytes(), Mode::Replace).map_err(Error::io("write", &args.ours))?;
    let what = if keys.is_empty() {
        record(ctx, args, Some((Conflict::Invalid, Vec::new())));
        "the merged record is not valid".to_string()
    } else {
        record(ctx, args, Some((Conflict::Fields, keys.clone())));
        format!("both sides changed {}", keys.join(", "))
    };
    ctx.say(format!("lsms merge-file: {name}: {what}: resolve the conflict markers, then run `lsms check`"));
    if !unsettled.is_empty() {
        ctx.say(format!(
            "lsms merge-file: {name}: {} sealed on both sides, and this clone has {SEALED_UNOPENED}: \
             with one ($LSMS_IDENTITY, or `lsms keys new` and a recipient's `lsms keys add`), a change that \
             is the same on both sides merges by itself",
            unsettled.join(", ")
        ));
    }
    Err(Error::Reported(format!("{name}: merge conflict")))
}

/// What the driver says of sealed values it could not compare (`sync` looks for it).
pub const SEALED_UNOPENED: &str = "no identity to open them";

/// Sealed values both sides changed: where this clone's identity opens
/// both to the same text (each side sealed it under its own nonce), they
/// are no conflict. Gives the fields it could not compare for want of an
/// identity.
fn settle_sealed(ours: &Value, theirs: &Value, conflicts: &mut Vec<(Value, Value, Value)>) -> Vec<String> {
    use crate::seal::{is_sealed, record::open_one};
    let sealed = |v: &Value| v.as_str().is_some_and(is_sealed);
    if !conflicts.iter().any(|(_, o, t)| sealed(o) && sealed(t)) {
        return Vec::new();
    }
    let me = crate::store::seal::identity_path(None).and_then(|p| crate::store::seal::read_identity(&p).ok());
    let block = |v: &Value| -> Vec<(String, String)> {
        v.get("sealed")
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let id = ours.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    let (ob, tb) = (block(ours), block(theirs));
    let mut unsettled = Vec::new();
    conflicts.retain(|(k, o, t)| {
        let (Some(os), Some(ts)) = (o.as_str().filter(|s| is_sealed(s)), t.as_str().filter(|s| is_sealed(s)))
        else {
            return true;
        };
        let key = k.as_str().unwrap_or_default();
        let Some(me) = &me else {
            unsettled.push(key.to_string());
            return true;
        };
        let same = matches!(
            (open_one(&ob, me, &id, key, os), open_one(&tb, me, &id, key, ts)),
            (Some(a), Some(b)) if a == b
        );
        !same
    });
    unsettled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_key_and_its_indented_lines() {
        let t = "a: 1\npeople:\n  - { x: 1 }\n  - { y: 2 }\nb: 2\n";
        let (s, e) = key_block(t, "people").unwrap();
        assert_eq!(&t[s..e], "people:\n  - { x: 1 }\n  - { y: 2 }\n");
        assert_eq!(key_block(t, "b").map(|(s, e)| &t[s..e]), Some("b: 2\n"));
        assert_eq!(key_block(t, "c"), None);
    }
}
