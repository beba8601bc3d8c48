//! The store on disk: finding it, reading incidents (all, or one by id) and
//! writing them safely. Everything here is I/O; the rules live in `model`.

pub mod cache;
pub mod config;
pub mod fsio;
pub mod git;
mod locate;
pub use locate::field_offset as locate_key;

use crate::error::{Error, Result};
use crate::model::{Id, IdQuery, Incident, Problem};
use config::Config;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

pub use fsio::{Lock, Mode};

pub const CONFIG_FILE: &str = "lsms.yaml";

pub struct Store {
    pub root: PathBuf,
    pub config: Config,
    vocab: crate::model::Vocab,
    /// Read through the cache in `.lsms/cache/` (off with `--no-cache`).
    pub use_cache: bool,
    cache_key: u64,
}

/// One incident as read from its file, with the text it was read from.
pub struct Loaded {
    pub text: String,
    pub incident: Incident,
}

/// A folder's entries but dotfiles (temp files among them), sorted by name,
/// each with whether it is a folder (from the listing: no stat).
fn list_dir(d: &Path) -> Result<Vec<(String, PathBuf, bool)>> {
    let mut v: Vec<(String, PathBuf, bool)> = std::fs::read_dir(d)
        .map_err(Error::io("read the folder", d))?
        .filter_map(|e| e.ok())
        .map(|e| {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.file_name().to_string_lossy().into_owned(), e.path(), is_dir)
        })
        .filter(|(n, _, _)| !n.starts_with('.'))
        .collect();
    v.sort_unstable();
    Ok(v)
}

/// A month folder's incident files, sorted, each with its stat (taken
/// through the folder, not by walking its path again), and its strays.
/// A month folder's incident file names with their stats, and its strays.
type MonthFiles = (Vec<(String, std::io::Result<cache::Stat>)>, Vec<PathBuf>);

/// A month folder's incident files, sorted by name, each with its stat
/// (taken through the folder, not by walking its path again), and its strays.
fn month_files(d: &Path) -> std::io::Result<MonthFiles> {
    let mut files = Vec::new();
    let mut strays = Vec::new();
    for e in std::fs::read_dir(d)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if name.ends_with(".yaml") && !is_dir {
            files.push((name, e.metadata().map(|m| cache::Stat::of(&m))));
        } else {
            strays.push(e.path());
        }
    }
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    strays.sort_unstable();
    Ok((files, strays))
}

fn is_id_dir(name: &str, len: usize) -> bool {
    name.len() == len && name.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// Finds the store: `dir` if given (from `-C` or `$LSMS_STORE`), else the
    /// nearest ancestor of `cwd` holding `lsms.yaml`.
    pub fn discover(dir: Option<&Path>, cwd: &Path) -> Result<Store> {
        let root = match dir {
            Some(d) => {
                if d.is_file() {
                    return Err(Error::failed_with(
                        format!("{} is a file, not a store folder", d.display()),
                        "give the folder that holds lsms.yaml with -C/--store or $LSMS_STORE",
                    ));
                }
                if !d.join(CONFIG_FILE).is_file() {
                    return Err(Error::failed_with(
                        format!("{} is not an lsms store: it has no {CONFIG_FILE}", d.display()),
                        format!(
                            "make one with `lsms init {}`, or point -C/--store at an existing store",
                            d.display()
                        ),
                    ));
                }
                d.to_path_buf()
            }
            None => {
                cwd.ancestors().find(|a| a.join(CONFIG_FILE).is_file()).map(Path::to_path_buf).ok_or_else(
                    || {
                        Error::failed_with(
                            format!(
                                "no lsms store here: neither {} nor any folder above it holds {CONFIG_FILE}",
                                cwd.display()
                            ),
                            "make one with `lsms init`, or name one with -C/--store DIR or $LSMS_STORE",
                        )
                    },
                )?
            }
        };
        let cfg_path = root.join(CONFIG_FILE);
        let src = std::fs::read_to_string(&cfg_path).map_err(Error::io("read", &cfg_path))?;
        let config = Config::parse(&cfg_path.display().to_string(), &src)?;
        let vocab = config.vocab();
        let cache_key = cache::settings_key(&src);
        Ok(Store { root, config, vocab, use_cache: true, cache_key })
    }

    pub fn path_of(&self, id: &Id) -> PathBuf {
        self.root.join(id.rel_path())
    }

    /// A path as messages show it: relative to the store.
    pub fn show_path(&self, p: &Path) -> String {
        p.strip_prefix(&self.root).unwrap_or(p).display().to_string()
    }

    pub fn lock(&self) -> Result<Lock> {
        fsio::lock(&self.root.join(".lsms"))
    }

    /// The month folders (`incidents/YYYY/MM`) in order, and anything
    /// else found at those levels.
    fn month_dirs(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let top = self.root.join("incidents");
        let (mut months, mut strays) = (Vec::new(), Vec::new());
        if !top.exists() {
            return Ok((months, strays));
        }
        for (y, ypath, ydir) in list_dir(&top)? {
            if !(is_id_dir(&y, 4) && ydir) {
                strays.push(ypath);
                continue;
            }
            for (m, mpath, mdir) in list_dir(&ypath)? {
                if is_id_dir(&m, 2) && mdir { months.push(mpath) } else { strays.push(mpath) }
            }
        }
        Ok((months, strays))
    }

    /// Every incident file, in id order, and anything else found there.
    pub fn files(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let (months, mut strays) = self.month_dirs()?;
        let mut files = Vec::new();
        for m in months {
            for (f, fpath, fdir) in list_dir(&m)? {
                if f.ends_with(".yaml") && !fdir { files.push(fpath) } else { strays.push(fpath) }
            }
        }
        Ok((files, strays))
    }

    /// Temp files left in month folders by a write that was killed before
    /// its rename. Every reader skips them; `check` names them.
    pub fn leftovers(&self) -> Result<Vec<PathBuf>> {
        let (months, _) = self.month_dirs()?;
        let mut out = Vec::new();
        for m in months {
            for e in std::fs::read_dir(&m).map_err(Error::io("read the folder", &m))?.flatten() {
                if e.file_name().to_string_lossy().contains(fsio::TMP_MARK) {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// Parses one file's text as an incident, checking that its id matches
    /// its file name and folder.
    pub fn parse(&self, path: &Path, text: String) -> Result<Loaded, Vec<Error>> {
        let shown = self.show_path(path);
        let fast = crate::model::fastyaml::parse(&text).map(Ok);
        let value: Value = fast.unwrap_or_else(|| serde_yaml::from_str(&text)).map_err(|e| {
            let off = e.location().map_or(0, |l| l.index());
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            vec![Error::in_file(
                &shown,
                &text,
                off,
                format!("not valid YAML: {msg}"),
                Some("fix the YAML by hand (a git diff shows what changed), then run `lsms check`".into()),
            )]
        })?;
        // The id is checked against the file's place even when other
        // fields are wrong, so a moved or copied file is named at once.
        let misplaced = value
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Id::parse(s).ok())
            .filter(|id| self.root.join(id.rel_path()) != path)
            .map(|id| Problem {
                field: "id".into(),
                message: format!("the id {id} belongs at {}, but the file is {shown}", id.rel_path()),
            });
        let problems = match Incident::from_value(&value, &self.vocab) {
            Ok(_) if misplaced.is_some() => misplaced.into_iter().collect(),
            Ok(incident) => return Ok(Loaded { text, incident }),
            Err(mut p) => {
                p.extend(misplaced);
                p
            }
        };
        Err(problems
            .into_iter()
            .map(|p| {
                let off = locate::field_offset(&text, &p.field);
                let help = (p.field == "id")
                    .then(|| "move the file back to where its id says, or correct the id".to_string());
                Error::in_file(&shown, &text, off, p.message, help)
            })
            .collect())
    }

    /// Reads and parses one file.
    pub fn read(&self, path: &Path) -> Result<Loaded, Vec<Error>> {
        let text = std::fs::read_to_string(path).map_err(|e| vec![Error::io("read", path)(e)])?;
        self.parse(path, text)
    }

    /// Reads every incident file, in id order, without holding them all:
    /// `map` runs on the reading threads and turns each file (a record, or
    /// its problems) into what the command needs; `sink` gets those in
    /// file order on this thread. A sink error stops the reading. Returns
    /// the files under `incidents/` that are not incident files. Without
    /// `history`, records read from the cache come with an empty history:
    /// ask for it wherever notes or deadlines are looked at.
    pub fn stream<T: Send>(
        &self,
        history: bool,
        map: impl Fn(Result<Incident, Vec<Error>>) -> T + Sync,
        mut sink: impl FnMut(T) -> Result<()>,
    ) -> Result<Vec<PathBuf>> {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let (months, mut strays) = self.month_dirs()?;
        let chunks = months.len();
        let threads =
            std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(chunks.max(1));
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let mut failed = None;
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, (Vec<T>, Vec<PathBuf>))>(threads * 2);
            for _ in 0..threads {
                let tx = tx.clone();
                let (months, next, stop, map) = (&months, &next, &stop, &map);
                s.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= chunks || stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let out = self.read_month(&months[i], history, map);
                        if tx.send((i, out)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut pending = std::collections::BTreeMap::new();
            let mut want = 0;
            for (i, out) in rx {
                pending.insert(i, out);
                while let Some((out, month_strays)) = pending.remove(&want) {
                    want += 1;
                    strays.extend(month_strays);
                    for t in out {
                        if failed.is_none()
                            && let Err(e) = sink(t)
                        {
                            failed = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                if failed.is_some() {
                    break;
                }
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(strays),
        }
    }

    /// Reads one month folder's files, through its cache where the cache
    /// holds an unchanged file, and brings the cache up to date. Returns
    /// what `map` made of each file, and the folder's strays.
    fn read_month<T>(
        &self,
        dir: &Path,
        history: bool,
        map: &impl Fn(Result<Incident, Vec<Error>>) -> T,
    ) -> (Vec<T>, Vec<PathBuf>) {
        let scanned = cache::now_ns();
        let (files, strays) = match month_files(dir) {
            Ok(x) => x,
            Err(e) => return (vec![map(Err(vec![Error::io("read the folder", dir)(e)]))], Vec::new()),
        };
        if !self.use_cache {
            return (
                files.iter().map(|(n, _)| map(self.read(&dir.join(n)).map(|l| l.incident))).collect(),
                strays,
            );
        }
        let month =
            dir.strip_prefix(self.root.join("incidents")).map(|m| m.to_string_lossy().replace('/', "-"));
        let cache_path = self.root.join(".lsms/cache").join(format!("{}.bin", month.unwrap_or_default()));
        let cached = cache::Month::load(&cache_path, self.cache_key);
        let mut entries = Vec::with_capacity(files.len());
        let mut dirty = cached.as_ref().is_none_or(|c| c.len() != files.len());
        let mut out = Vec::with_capacity(files.len());
        for (name, stat) in &files {
            let stat = match stat {
                Ok(s) => *s,
                Err(e) => {
                    dirty = true;
                    let p = dir.join(name);
                    out.push(map(Err(vec![Error::io("read", &p)(std::io::Error::new(
                        e.kind(),
                        e.to_string(),
                    ))])));
                    continue;
                }
            };
            let hit = cached
                .as_ref()
                .and_then(|c| c.get(name, &stat))
                .and_then(|b| crate::model::binary::decode_with(b, history).map(|i| (i, b)));
            let result = match hit {
                Some((incident, bytes)) => {
                    entries.push((name.as_str(), stat, std::borrow::Cow::Borrowed(bytes)));
                    Ok(incident)
                }
                None => {
                    dirty = true;
                    let r = self.read(&dir.join(name)).map(|l| l.incident);
                    if let Ok(i) = &r {
                        entries.push((
                            name.as_str(),
                            stat,
                            std::borrow::Cow::Owned(crate::model::binary::encode(i)),
                        ));
                    }
                    r
                }
            };
            out.push(map(result));
        }
        if dirty {
            // A cache that cannot be written (a read-only store) only costs speed.
            let _ = cache::save(&cache_path, self.cache_key, scanned, &entries);
        }
        (out, strays)
    }

    /// Turns an id argument into the id of an incident that exists.
    pub fn resolve(&self, arg: &str) -> Result<Id> {
        let query = IdQuery::parse(arg).map_err(Error::failed)?;
        match query {
            IdQuery::Full(id) => {
                if self.path_of(&id).is_file() {
                    Ok(id)
                } else {
                    Err(Error::failed_with(
                        format!("no incident {id} in this store"),
                        "`lsms list --all --format ids` lists every id",
                    ))
                }
            }
            IdQuery::Suffix(suffix) => {
                let (files, _) = self.files()?;
                let found: Vec<Id> = files
                    .iter()
                    .filter_map(|p| p.file_stem()?.to_str())
                    .filter(|stem| stem.len() == 13 && stem[9..].eq_ignore_ascii_case(&suffix))
                    .filter_map(|stem| Id::parse(stem).ok())
                    .collect();
                match found.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(Error::failed_with(
                        format!("no incident ends in {suffix}"),
                        "`lsms list --all --format ids` lists every id",
                    )),
                    many => Err(Error::failed_with(
                        format!(
                            "{suffix} is ambiguous: it ends {} incidents: {}",
                            many.len(),
                            many.iter().map(Id::as_str).collect::<Vec<_>>().join(", ")
                        ),
                        "give the whole id",
                    )),
                }
            }
        }
    }

    /// Loads one incident by id argument. A file that does not parse is an
    /// error naming it.
    pub fn load(&self, arg: &str) -> Result<Loaded> {
        let id = self.resolve(arg)?;
        self.read(&self.path_of(&id)).map_err(first_of)
    }

    /// Read-modify-write of one incident under the store's lock. A file
    /// that does not parse is never rewritten; a file changed by someone
    /// else between the read and the write is not overwritten.
    pub fn update(&self, id: &Id, change: impl FnOnce(&mut Incident) -> Result<()>) -> Result<Updated> {
        let _lock = self.lock()?;
        let path = self.path_of(id);
        let loaded = self.read(&path).map_err(|errs| {
            let e = first_of(errs);
            match e {
                Error::File(mut f) => {
                    let h = "the file was not changed: fix it by hand, then run the command again";
                    f.help = Some(f.help.take().map_or(h.to_string(), |x| format!("{x}\n{h}")));
                    Error::File(f)
                }
                other => other,
            }
        })?;
        let mut incident = loaded.incident;
        change(&mut incident)?;
        let text = incident.to_yaml();
        if text == loaded.text {
            return Ok(Updated { incident, written: false, dropped_comments: false });
        }
        test_hook_pause();
        let now_on_disk = std::fs::read(&path).map_err(Error::io("read", &path))?;
        if now_on_disk != loaded.text.as_bytes() {
            return Err(Error::failed_with(
                format!(
                    "{} changed while lsms was working on it: nothing was written",
                    self.show_path(&path)
                ),
                "someone or something else edited it; run the command again",
            ));
        }
        fsio::write_atomic(&path, text.as_bytes(), Mode::Replace).map_err(Error::io("write", &path))?;
        Ok(Updated { incident, written: true, dropped_comments: has_comments(&loaded.text) })
    }

    /// Writes a new incident file; fails with `AlreadyExists` on a clash.
    pub fn create(&self, incident: &Incident) -> std::io::Result<PathBuf> {
        let path = self.path_of(&incident.id);
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        fsio::write_atomic(&path, incident.to_yaml().as_bytes(), Mode::CreateNew)?;
        Ok(path)
    }
}

use std::os::unix::fs::DirBuilderExt;

/// What an update did.
pub struct Updated {
    pub incident: Incident,
    pub written: bool,
    /// The file had YAML comments, which a rewrite does not keep.
    pub dropped_comments: bool,
}

/// Does YAML text hold a comment? (`#` at a line's start, or after a space
/// outside quotes.)
pub fn has_comments(text: &str) -> bool {
    text.lines().any(|line| {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in line.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => return true,
                None => {}
            }
            prev = c;
        }
        false
    })
}

/// Tests set `LSMS_TEST_PAUSE_MS` to widen the window between the read and
/// the write of an update, to prove a hand edit there is not overwritten.
fn test_hook_pause() {
    if let Some(ms) = std::env::var("LSMS_TEST_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Several problems in one file, as one error: the first is shown in full,
/// the count of the rest said (check shows them all).
pub fn first_of(mut errs: Vec<Error>) -> Error {
    let more = errs.len().saturating_sub(1);
    let first = if errs.is_empty() { Error::failed("unreadable file") } else { errs.swap_remove(0) };
    if more == 0 {
        return first;
    }
    match first {
        Error::File(mut f) => {
            let extra = format!("{more} more problem(s) in this file: `lsms check` lists them all");
            f.help = Some(match f.help.take() {
                Some(h) => format!("{h}\n{extra}"),
                None => extra,
            });
            Error::File(f)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::has_comments;

    #[test]
    fn finds_comments_but_not_hashes_in_values() {
        assert!(has_comments("# top\nschema: 1\n"));
        assert!(has_comments("harm: low  # was moderate\n"));
        assert!(!has_comments("summary: \"bed #4\"\nlocation: ward#4\n"));
        assert!(!has_comments("summary: 'a # b'\n"));
    }
}
