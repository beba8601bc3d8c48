//! `lsms evidence`: files kept with a case, content-addressed by SHA-256,
//! with their chain of custody: `add`, `list`, `export` (a disclosure,
//! recorded) and `verify`.

use super::args::Format;
use super::{Ctx, emit, finish_scan, gather};
use crate::error::{Error, Result};
use crate::model::custody::human_size;
use crate::model::incident::check_file_name;
use crate::model::text::for_terminal;
use crate::model::workflow::Act;
use crate::model::{Evidence, Incident};
use crate::render::{self, Rows};
use crate::store::Store;
use crate::store::evidence::{self as objects, Fault, Staged, Stored};
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Evidence files (CCTV, photos, statements) are copied into the store as
evidence/ab/<sha256>, read-only, named by their SHA-256, and recorded on the
incident with their name, size, who added them and when. Every addition and
every disclosure is a history entry. `lsms check` confirms each file is there
with its size; `lsms evidence verify` re-hashes them all.

Examples:
  lsms evidence add 7QF3 cctv-ae-1430.mp4 still-1.jpg --source 'Estates CCTV'
  lsms evidence list 7QF3
  lsms evidence export 7QF3 --to /media/usb/for-police \\
      --recipient 'Merseyside Police'
  lsms evidence verify";

/// Evidence files with their chain of custody: add, list, export, verify
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP, subcommand_required = true, arg_required_else_help = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    Add(AddArgs),
    List(ListArgs),
    Export(ExportArgs),
    Verify(VerifyArgs),
}

/// Copy files into the store and record them on an incident
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each file is hashed (SHA-256) while it is copied into evidence/ab/<sha256>, in
chunks, so a 2 GB recording needs little memory. The incident then records,
for each file, its hash, name, size, who added it and when, with an
`evidence-added` history entry; stdout has `<sha256>  <name>` for each file.
All files are stored first, then the incident is changed once: if anything is
refused, nothing is recorded. A file whose hash is on the incident already is
skipped with a message; a copy in the store that is missing or not this file
any more (other bytes, a link, a FIFO) is restored from it, and the message
says so. Closed incidents take evidence too: it can arrive late.

Examples:
  lsms evidence add 7QF3 cctv-ae-1430.mp4 --source 'Estates CCTV' \\
      --note 'Camera 4, 14:25-14:40'
  lsms evidence add 7QF3 statements/*.pdf")]
pub struct AddArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    /// The files to add (regular files; a link to one is followed)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Where the files came from, e.g. 'Estates CCTV'
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub source: Option<String>,
    /// A note kept with each file
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub note: Option<String>,
}

/// List an incident's evidence files
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Columns: sha256, name, size (bytes), added_at, added_by, source, note. A
table shows the first 12 digits of the hash and the size for people.

Examples:
  lsms evidence list 7QF3
  lsms evidence list 7QF3 --format csv > evidence.csv")]
pub struct ListArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    /// Output format [default: table on a terminal, tsv when piped]
    #[arg(long, value_name = "FORMAT",
          value_parser = Format::only(&[Format::Table, Format::Tsv, Format::Csv, Format::Json]))]
    pub format: Option<Format>,
}

/// Copy an incident's evidence out for disclosure, and record it
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The files are copied into DIR under their recorded names (two with one name
become `name (2).ext`), each re-hashed as it is copied: a file in the store
that no longer matches its hash stops the export. DIR then holds a SHA256SUMS
manifest that `sha256sum -c SHA256SUMS` checks. DIR is made if need be, and
must be empty. Only once every file is out is the disclosure recorded in the
history (`evidence-disclosed`: who, when, to whom, which files by hash).

Examples:
  lsms evidence export 7QF3 --to /media/usb/for-police \\
      --recipient 'Merseyside Police'
  lsms evidence export 7QF3 --to out --recipient Insurer --only 9f86d0a1")]
pub struct ExportArgs {
    /// The incident's id, or its last four characters
    pub id: String,
    /// The folder to copy the files into (new, or empty)
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Who the files are disclosed to, as the history records it
    #[arg(long, value_name = "WHO", allow_hyphen_values = true)]
    pub recipient: String,
    /// Only the files with this SHA-256 (or its first 8 or more digits); repeatable
    #[arg(long, value_name = "SHA")]
    pub only: Vec<String>,
}

/// Re-hash every evidence file and say whether any changed
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Reads every evidence file an incident records (every incident's without ID)
and compares its SHA-256 and size with the record; a file withdrawn from a
case (`lsms withdraw ID evidence ...`) is still read, against the custody its
history entry keeps. Only the store's own files count: a symbolic link, FIFO
or device in place of one is named, never followed or opened. Exits 1 naming
each file that is missing or changed, 0 with a count when all are as
recorded. In a clone whose Git LFS objects are not fetched, a pointer to the
recorded file is a warning naming `git lfs pull`, not a change.

Examples:
  lsms evidence verify
  lsms evidence verify 7QF3")]
pub struct VerifyArgs {
    /// Only this incident (its id, or its last four characters)
    pub id: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.action {
        Action::Add(a) => add(ctx, a),
        Action::List(a) => list(ctx, a),
        Action::Export(a) => export(ctx, a),
        Action::Verify(a) => verify(ctx, a),
    }
}

/// An optional one-line text option, trimmed; empty means none.
fn one_line_opt(flag: &str, v: &Option<String>) -> Result<Option<String>> {
    let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    crate::model::text::one_line(flag, v)
        .map_err(|m| Error::failed_with(m, format!("give {flag} as one line")))?;
    Ok(Some(v.to_string()))
}

/// A file's name as it will be recorded: its base name, checked.
fn base_name(path: &Path) -> Result<String> {
    let name = path.file_name().ok_or_else(|| {
        Error::failed_with(
            format!("{}: not a file name: nothing was added", path.display()),
            "give the path of a file",
        )
    })?;
    let name = name.to_str().ok_or_else(|| {
        Error::failed_with(
            format!("{}: the file name is not UTF-8: nothing was added", path.display()),
            "rename the file (a copy) to a name in UTF-8, then add that",
        )
    })?;
    check_file_name(name).map_err(|m| {
        Error::failed_with(
            format!("{}: {m}: nothing was added", path.display()),
            "rename the file (a copy) to a plain name, then add that",
        )
    })?;
    Ok(name.to_string())
}

fn add(ctx: &Ctx, args: &AddArgs) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let id = store.resolve(&args.id)?;
    let source = one_line_opt("--source", &args.source)?;
    let note = args.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    let commit = ctx.commits(&store)?;
    // Everything that can be refused is looked at before anything is
    // copied: the incident can be changed, the store's evidence folders
    // are its own, and every file can be opened.
    super::refuse_void(&store.read_for_update(&id, false)?.incident)?;
    objects::check_folders(&store.root)?;
    let mut given = Vec::new();
    for f in &args.files {
        let path = ctx.cwd.join(f);
        let name = base_name(&path)?;
        objects::open_source(&path)?;
        given.push((path, name));
    }
    // Then the files are copied in under temp names, one by one, without
    // the lock: a large recording does not hold up the rest of the team.
    let keys = store.evidence_keys();
    let mut staged: Vec<Staged> = Vec::new();
    for (path, _) in &given {
        match objects::stage(&store.root, path, &keys) {
            Ok(s) => staged.push(s),
            Err(e) => {
                objects::discard(&store.root, &staged);
                return Err(e);
            }
        }
    }
    // Then, under the lock, the files are put in place and the incident
    // changed once. If that fails, the files this run put in place are
    // taken out again, but only those no record names, as read under the
    // same hold of the lock: another incident's evidence always stays.
    // Custody is what the store saw, when it saw it: never dated back (no --on).
    let act = Act::now(&actor, crate::model::time::in_zone(ctx.now, store.config.tz));
    let mut skipped = Vec::new();
    let lock = store.lock()?;
    let mut stored: Vec<Stored> = Vec::new();
    let placed = staged.iter().try_for_each(|s| {
        stored.push(objects::place(&store.root, s, &keys)?);
        Ok(())
    });
    let updated = placed.and_then(|()| {
        store.update_held(&lock, &id, false, |inc, _| {
            super::refuse_void(inc)?;
            for ((_, name), s) in given.iter().zip(&stored) {
                let e = Evidence {
                    sha256: s.sha256.clone(),
                    name: name.clone(),
                    size: s.size,
                    added_at: act.at,
                    added_by: actor.clone(),
                    source: source.clone(),
                    note: note.clone(),
                    extra: Default::default(),
                };
                if !inc.add_evidence(&act, e) {
                    let held = inc.evidence_with(&s.sha256).map_or(name.as_str(), |h| h.name.as_str());
                    // Without a key the name on the record is still sealed.
                    let held = if crate::seal::is_sealed(held) { crate::seal::SHOWN } else { held };
                    skipped.push(format!(
                        "{}: already on {id} as {} (sha256 {}…): skipped{}",
                        for_terminal(name, false),
                        for_terminal(held, false),
                        &s.sha256[..12],
                        if s.new && s.restored.is_none() {
                            "; its missing copy in the store is restored"
                        } else {
                            ""
                        }
                    ));
                }
            }
            Ok(())
        })
    });
    let updated = match updated {
        Ok(u) => u,
        Err(e) => {
            let named = named_objects(&store);
            if let Some(named) = &named {
                objects::remove_unnamed(&store.root, &stored, named);
            }
            objects::discard(&store.root, &staged);
            drop(lock);
            return Err(e);
        }
    };
    drop(lock);
    let terminal = ctx.stdout_is_terminal();
    emit(&mut ctx.out(), |o| {
        given.iter().zip(&stored).try_for_each(|((_, name), s)| {
            // Raw into a pipe (it is data); escaped on a terminal.
            let name = if terminal { for_terminal(name, false) } else { name.into() };
            writeln!(o, "{}  {name}", s.sha256)
        })
    })?;
    for ((_, name), s) in given.iter().zip(&stored) {
        if let Some(fault) = &s.restored {
            ctx.say(format!(
                "{}: the store's copy {} was {fault}: restored from this file",
                for_terminal(name, false),
                objects::rel_path(&s.sha256)
            ));
        }
    }
    for s in &skipped {
        ctx.say(s);
    }
    let added = given.len() - skipped.len();
    if updated.written && commit {
        let who = ctx.ident(&store, &actor);
        let mut objs: Vec<String> = stored.iter().map(|s| objects::rel_path(&s.sha256)).collect();
        objs.sort();
        objs.dedup();
        crate::store::git::Repo::open(&store.root)?
            .commit_files_with(&[id.rel_path()], &objs, &format!("{id}: evidence-added"), &who)
            .map_err(|e| {
                Error::failed_with(
                    format!("{id}: evidence recorded but not committed: {e}"),
                    "commit with `lsms sync`, or by hand with git",
                )
            })?;
    }
    if added > 0 {
        ctx.say(format!("{id}: {added} evidence file(s) added."));
    } else {
        ctx.say(format!("{id}: nothing to add."));
    }
    Ok(())
}

/// Every SHA-256 that any incident records, or keeps in its history as
/// withdrawn: the files no clean-up may remove. `None` when an incident
/// file cannot be read (what it names is not known, so nothing goes).
fn named_objects(store: &Store) -> Option<std::collections::HashSet<String>> {
    let (found, bad) = gather(store, true, |i| Some(i.evidence_held())).ok()?;
    bad.is_empty().then(|| found.into_iter().flatten().collect())
}

fn list(ctx: &Ctx, args: &ListArgs) -> Result<()> {
    let store = ctx.store()?;
    let inc = store.load(&args.id)?.incident;
    let tz = store.config.tz;
    let format = args.format.unwrap_or(if ctx.stdout_is_terminal() { Format::Table } else { Format::Tsv });
    let table = format == Format::Table;
    let columns = ["sha256", "name", "size", "added_at", "added_by", "source", "note"];
    let rows: Vec<Vec<String>> = inc
        .evidence
        .iter()
        .map(|e| {
            let at = e.added_at.with_timezone(&tz);
            vec![
                if table { e.sha256[..12.min(e.sha256.len())].to_string() } else { e.sha256.clone() },
                e.name.clone(),
                if table { human_size(e.size) } else { e.size.to_string() },
                if table { at.format("%Y-%m-%d %H:%M").to_string() } else { at.to_rfc3339() },
                e.added_by.clone(),
                e.source.clone().unwrap_or_default(),
                e.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    // On a terminal every format shows a control or bidi character of a
    // name or note escaped; into a pipe or a file the data goes as it is.
    let rows: Vec<Vec<String>> = if ctx.stdout_is_terminal() && !table {
        rows.into_iter()
            .map(|r: Vec<String>| r.into_iter().map(|c| for_terminal(&c, false).into_owned()).collect())
            .collect()
    } else {
        rows
    };
    let rows = Rows { columns: columns.iter().map(|c| c.to_string()).collect(), rows };
    emit(&mut ctx.out(), |o| match format {
        Format::Table if rows.rows.is_empty() => Ok(()),
        Format::Table => render::table(o, &rows, ctx.width(), ctx.color),
        other => super::write_rows(o, other, &rows),
    })?;
    if inc.evidence.is_empty() {
        ctx.say(format!("{}: no evidence recorded.", inc.id));
    }
    Ok(())
}

/// The evidence `--only` picks (all without it), in the incident's order;
/// a hash that is not on the incident, or a prefix that is ambiguous, is
/// refused.
fn pick<'a>(inc: &'a Incident, only: &[String]) -> Result<Vec<&'a Evidence>> {
    if only.is_empty() {
        return Ok(inc.evidence.iter().collect());
    }
    let mut wanted = Vec::new();
    for raw in only {
        let p = raw.trim().to_ascii_lowercase();
        let ok_form = p.len() >= 8 && p.len() <= 64 && p.bytes().all(|b| b.is_ascii_hexdigit());
        if !ok_form {
            return Err(Error::failed_with(
                format!(
                    "--only {raw}: not a SHA-256 or its first 8 or more hex digits: nothing was exported"
                ),
                format!("`lsms evidence list {}` shows each file's sha256", inc.id),
            ));
        }
        let found: Vec<&Evidence> = inc.evidence.iter().filter(|e| e.sha256.starts_with(&p)).collect();
        match found.as_slice() {
            [one] => wanted.push(one.sha256.clone()),
            [] => {
                return Err(Error::failed_with(
                    format!(
                        "--only {raw}: no evidence file on {} has that SHA-256: nothing was exported",
                        inc.id
                    ),
                    format!("`lsms evidence list {}` shows each file's sha256", inc.id),
                ));
            }
            _ => {
                return Err(Error::failed_with(
                    format!(
                        "--only {raw}: more than one file on {} starts with it: nothing was exported",
                        inc.id
                    ),
                    "give more of the hash",
                ));
            }
        }
    }
    Ok(inc.evidence.iter().filter(|e| wanted.contains(&e.sha256)).collect())
}

/// The longest file name most file systems take, in bytes (NAME_MAX).
const NAME_MAX: usize = 255;

/// `stem` + `tag` + `ext` in at most [`NAME_MAX`] bytes: the stem is cut
/// on a character boundary; the extension is kept.
fn fit(stem: &str, tag: &str, ext: &str) -> String {
    let room = NAME_MAX.saturating_sub(tag.len() + ext.len());
    let mut cut = room.min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{tag}{ext}", &stem[..cut])
}

/// `name`, or `name (2).ext`, `name (3).ext`, … the first not in `taken`,
/// each cut to what a file system takes (255 bytes, the extension kept).
fn distinct_name(name: &str, taken: &std::collections::HashSet<String>) -> String {
    let (stem, ext) = match name.rfind('.') {
        // An "extension" longer than a short suffix is part of the name.
        Some(i) if i > 0 && name.len() - i <= 16 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    let first = fit(stem, "", ext);
    if !taken.contains(&first) {
        return first;
    }
    (2..).map(|n| fit(stem, &format!(" ({n})"), ext)).find(|c| !taken.contains(c)).unwrap_or_default()
}

/// A name any file system takes, for a file whose recorded name the
/// export folder refused: `evidence-<first 12 hex digits of its hash>`
/// with its extension where that is plain.
fn plain_name(e: &Evidence) -> String {
    let ext = e
        .name
        .rfind('.')
        .map(|i| &e.name[i..])
        .filter(|x| x.len() <= 16 && x[1..].bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or("");
    format!("evidence-{}{ext}", &e.sha256[..12.min(e.sha256.len())])
}

fn export(ctx: &Ctx, args: &ExportArgs) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let id = store.resolve(&args.id)?;
    let recipient = one_line_opt("--recipient", &Some(args.recipient.clone()))?.ok_or_else(|| {
        Error::failed_with(
            "--recipient is empty",
            "say who the files go to, e.g. --recipient 'Merseyside Police'",
        )
    })?;
    let commit = ctx.commits(&store)?;
    // The disclosure is recorded after the copy: the incident must be one
    // that can be changed before anything is copied out.
    // The files are copied out under their names: opened where sealed.
    store.need_personal("`lsms evidence export` (the files go out under their recorded names)")?;
    let mut inc = store.read_for_update(&id, false)?.incident;
    store.view_incident(&mut inc)?;
    if inc.evidence.is_empty() {
        return Err(Error::failed_with(
            format!("{id} has no evidence to export"),
            format!("add some first with `lsms evidence add {id} FILE…`"),
        ));
    }
    let chosen = pick(&inc, &args.only)?;
    let dir = ctx.cwd.join(&args.to);
    let copied = copy_all_out(ctx, &store, &chosen, &dir, "--to")?;
    let out = copied.files.clone();
    // Every file is out: now the disclosure is recorded.
    // Custody is what the store saw, when it saw it: never dated back (no --on).
    let act = Act::now(&actor, crate::model::time::in_zone(ctx.now, store.config.tz));
    let recorded = store.update(&id, |inc| {
        inc.disclose_evidence(&act, &recipient, &out);
        Ok(())
    });
    if let Err(e) = recorded {
        // A disclosure that is not recorded does not happen.
        copied.undo();
        return Err(e);
    }
    if commit {
        let who = ctx.ident(&store, &actor);
        crate::store::git::commit(&store.root, &[id.rel_path()], &format!("{id}: evidence-disclosed"), &who)?;
    }
    ctx.say(format!(
        "{id}: {} file(s) and SHA256SUMS written to {}; the disclosure to {recipient} is recorded.",
        out.len(),
        dir.display()
    ));
    Ok(())
}

/// Evidence copied out into a folder with its `SHA256SUMS`: what went, as
/// (SHA-256, name given out), and how to take it back.
pub(crate) struct CopiedOut {
    pub files: Vec<(String, String)>,
    written: Vec<PathBuf>,
    made: bool,
    dir: PathBuf,
}

impl CopiedOut {
    /// Removes what was copied (and the folder, where it was made): a
    /// disclosure that is not recorded does not happen.
    pub(crate) fn undo(&self) {
        for p in &self.written {
            let _ = std::fs::remove_file(p);
        }
        if self.made {
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

/// Copies `chosen` into `dir` (new, or empty, outside the store), each
/// re-hashed as it is copied, and writes `SHA256SUMS` beside them; on any
/// failure what was copied is removed again and nothing is left.
pub(crate) fn copy_all_out(
    ctx: &Ctx,
    store: &Store,
    chosen: &[&Evidence],
    dir: &Path,
    option: &str,
) -> Result<CopiedOut> {
    let made = prepare_dir(store, dir, option)?;
    let mut taken = std::collections::HashSet::new();
    taken.insert("SHA256SUMS".to_string());
    let mut written: Vec<PathBuf> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    let keys = store.evidence_keys();
    let copied = (|| -> Result<()> {
        for e in chosen {
            // One name the folder's file system will not take (too long
            // for it, a character it refuses, the same name in another
            // case) never stops the export: the file goes out under
            // another name, said here and kept in SHA256SUMS and the
            // history.
            let mut name = distinct_name(&e.name, &taken);
            let mut plain = false;
            loop {
                taken.insert(name.clone());
                match copy_out(store, &keys, e, &dir.join(&name), &mut written) {
                    Ok(()) => break,
                    Err(NameErr::Taken) => name = distinct_name(&name, &taken),
                    Err(NameErr::Refused(_)) if !plain => {
                        plain = true;
                        name = distinct_name(&plain_name(e), &taken);
                    }
                    Err(NameErr::Refused(err) | NameErr::Other(err)) => return Err(err),
                }
            }
            if name != e.name {
                ctx.say(format!(
                    "{}: written as {} (the name as recorded {})",
                    for_terminal(&e.name, false),
                    for_terminal(&name, false),
                    if plain { "is not one the folder's file system takes" } else { "was cut or taken" }
                ));
            }
            out.push((e.sha256.clone(), name));
        }
        let sums: String = out.iter().map(|(sha, name)| format!("{sha}  {name}\n")).collect();
        let path = dir.join("SHA256SUMS");
        crate::store::fsio::write_atomic(&path, sums.as_bytes(), crate::store::Mode::CreateNew)
            .map_err(Error::io("write", &path))?;
        written.push(path);
        Ok(())
    })();
    let done = CopiedOut { files: out, written, made, dir: dir.to_path_buf() };
    if let Err(e) = copied {
        done.undo();
        return Err(e);
    }
    Ok(done)
}

/// Makes the folder `option` names (owner-only), or checks that it is an
/// empty folder outside the store's own files (its permissions kept: a
/// USB stick's mount point may not take a change). Whether it was made.
pub(crate) fn prepare_dir(store: &Store, dir: &Path, option: &str) -> Result<bool> {
    let refuse = |why: String| {
        Error::failed_with(
            format!("{option} {}: {why}: nothing was written", dir.display()),
            "give a new folder, or an empty one, outside the store",
        )
    };
    let made = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(refuse(format!("its folder {} does not exist", parent.display())));
            }
            std::fs::DirBuilder::new()
                .mode(0o700)
                .create(dir)
                .map_err(|e| refuse(format!("cannot make it ({e})")))?;
            true
        }
        Err(e) => return Err(refuse(e.to_string())),
        Ok(_) => {
            let meta = std::fs::metadata(dir).map_err(|e| refuse(e.to_string()))?;
            if !meta.is_dir() {
                return Err(refuse("not a folder".into()));
            }
            let mut entries = std::fs::read_dir(dir).map_err(|e| refuse(format!("cannot read it ({e})")))?;
            if entries.next().is_some() {
                return Err(refuse("it holds files already".into()));
            }
            false
        }
    };
    let real = std::fs::canonicalize(dir).map_err(|e| refuse(e.to_string()))?;
    if real.starts_with(&store.real_root) {
        if made {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(refuse("it is inside the store".into()));
    }
    if super::is_gits_own(&real) {
        if made {
            let _ = std::fs::remove_dir(dir);
        }
        return Err(refuse("it is inside git's own folder (.git/)".into()));
    }
    Ok(made)
}

use std::os::unix::fs::DirBuilderExt;

/// Why a file could not be copied out under a name.
enum NameErr {
    /// A file of that name is there (a file system that ignores case).
    Taken,
    /// The file system refuses the name (too long, a character it does
    /// not take).
    Refused(Error),
    Other(Error),
}

/// Copies one object out to `dest` (a new file), re-hashing it: a copy
/// that does not match its recorded hash and size is removed and refused.
fn copy_out(
    store: &Store,
    keys: &objects::Keys<'_>,
    e: &Evidence,
    dest: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), NameErr> {
    use std::os::unix::fs::OpenOptionsExt;
    let fault = |f: Fault| {
        let rel = objects::rel_path(&e.sha256);
        NameErr::Other(Error::failed_with(
            format!("{rel} ({}) is {f}: nothing was exported", for_terminal(&e.name, false)),
            format!("{}; `lsms evidence verify` lists every file that is not as recorded", f.help(&rel)),
        ))
    };
    let mut src = match objects::read_object(&store.root, &e.sha256, keys) {
        Ok(r) => r,
        Err(Fault::NoKey) => return Err(NameErr::Other(store.no_identity("copying sealed evidence out"))),
        Err(f) => return Err(fault(f)),
    };
    let mut f = match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(dest) {
        Ok(f) => f,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Err(NameErr::Taken),
        Err(err)
            if err.kind() == std::io::ErrorKind::InvalidFilename
                || err.kind() == std::io::ErrorKind::InvalidInput
                || err.raw_os_error() == Some(84) =>
        {
            return Err(NameErr::Refused(Error::io("write", dest)(err)));
        }
        Err(err) => return Err(NameErr::Other(Error::io("write", dest)(err))),
    };
    written.push(dest.to_path_buf());
    let (sha, size) = objects::copy_hashing(&mut src, &mut f)
        .map_err(|err| NameErr::Other(Error::io("copy to", dest)(err)))?;
    f.sync_all().map_err(|err| NameErr::Other(Error::io("write", dest)(err)))?;
    if sha != e.sha256 {
        return Err(fault(objects::mismatch(&store.root, &e.sha256, sha, size)));
    }
    if size != e.size {
        return Err(fault(Fault::Size(size)));
    }
    Ok(())
}

fn verify(ctx: &Ctx, args: &VerifyArgs) -> Result<()> {
    let store = ctx.store()?;
    // The histories too: a file withdrawn from a case is still verified.
    let (incidents, bad) = match &args.id {
        Some(arg) => (vec![store.load(arg)?.incident], Vec::new()),
        None => gather(&store, true, |i| {
            (!i.evidence.is_empty() || !i.withdrawn_evidence().is_empty()).then_some(i)
        })?,
    };
    // One object may be held by several incidents: it is read once.
    let mut seen: std::collections::HashMap<(String, u64), Option<Fault>> = Default::default();
    let keys = store.evidence_keys();
    let mut check = |sha: &str, size: u64| {
        seen.entry((sha.to_string(), size))
            .or_insert_with(|| objects::verify(&store.root, sha, size, &keys))
            .clone()
    };
    let mut problems: Vec<Error> = Vec::new();
    let mut unfetched = Vec::new();
    let mut unopened = Vec::new();
    let (mut files, mut withdrawn) = (0usize, 0usize);
    for inc in &incidents {
        let held = inc.evidence.iter().map(|e| (e.sha256.clone(), e.size, Some(e.name.as_str())));
        let gone = inc.withdrawn_evidence().into_iter().map(|(sha, size)| (sha, size, None));
        for (sha, size, name) in held.chain(gone).collect::<Vec<_>>() {
            match name {
                Some(_) => files += 1,
                None => withdrawn += 1,
            }
            let Some(f) = check(&sha, size) else { continue };
            let rel = objects::rel_path(&sha);
            let what = match name {
                Some(n) => format!("{} ({rel})", for_terminal(n, false)),
                None => format!("withdrawn evidence {rel}"),
            };
            if matches!(f, Fault::NoKey | Fault::NotForYou) {
                unopened
                    .push(Error::failed_with(format!("warning: {}: {what} is {f}", inc.id), f.help(&rel)));
            } else if f.is_warning() {
                unfetched
                    .push(Error::failed_with(format!("warning: {}: {what} is {f}", inc.id), f.help(&rel)));
            } else {
                problems.push(Error::failed_with(format!("{}: {what} is {f}", inc.id), f.help(&rel)));
            }
        }
    }
    let not_fetched = unfetched.len();
    let not_opened = unopened.len();
    let shown = problems;
    for w in unfetched.into_iter().chain(unopened) {
        ctx.show_error(w);
    }
    let problems = shown.len();
    for p in shown {
        ctx.show_error(p);
    }
    let with_evidence = match &args.id {
        Some(_) => incidents.len(),
        None => incidents.iter().filter(|i| !i.evidence.is_empty()).count(),
    };
    if problems > 0 {
        let _ = finish_scan(ctx, bad);
        return Err(Error::Reported(format!(
            "{problems} of {} evidence file(s) missing or changed",
            files + withdrawn
        )));
    }
    if not_opened > 0 {
        ctx.say(format!(
            "Checked {} evidence file(s) of {with_evidence} incident(s): {not_opened} sealed and not opened for want \
             of a key (each there, a regular file, an age file; contents not verified), {not_fetched} not fetched \
             yet, the rest as recorded.",
            files + withdrawn
        ));
        return finish_scan(ctx, bad);
    }
    if not_fetched > 0 {
        ctx.say(format!(
            "Checked {} evidence file(s) of {with_evidence} incident(s): {not_fetched} not fetched yet (Git LFS \
             pointers to the recorded files, not changed), the rest as recorded; run `git lfs pull`, then verify again.",
            files + withdrawn
        ));
        return finish_scan(ctx, bad);
    }
    ctx.say(format!("Verified {files} evidence file(s) of {with_evidence} incident(s): all as recorded."));
    if withdrawn > 0 {
        ctx.say(format!(
            "Verified {withdrawn} withdrawn evidence file(s), kept with their custody in the history: all as recorded."
        ));
    }
    finish_scan(ctx, bad)
}
