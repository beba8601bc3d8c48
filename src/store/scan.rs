//! Reading the whole store: walking the month folders, and streaming every
//! incident through the cache to a command, in id order, in parallel.

use super::lint::{self, Shown};
use super::{Store, cache, fsio};
use crate::error::{Error, Result};
use crate::model::Incident;
use std::path::{Path, PathBuf};

/// What an entry of the store's folders is, symlinks followed where they
/// stay inside the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Dir,
    /// A regular file, with its stat (of the file a link points to).
    File(cache::Stat),
    /// A regular file as its folder lists it, not yet looked at: a cold
    /// read takes its stat from the open file, so one call fewer a file.
    Listed,
    /// A FIFO, device or socket: never opened.
    Special,
}

impl Kind {
    pub(super) fn from_meta(meta: &std::fs::Metadata) -> Kind {
        let t = meta.file_type();
        if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File(cache::Stat::of(meta))
        } else {
            Kind::Special
        }
    }
}

pub use super::fsio::MAX_FILE;

impl Store {
    /// What `path` (an entry of a store folder) is. A symlink is followed
    /// only when it resolves inside the store; one that leads out, or
    /// nowhere, is a problem.
    pub(super) fn kind_of(&self, path: &Path, no_follow: std::fs::FileType) -> Result<Kind> {
        let meta = if no_follow.is_symlink() {
            let target = std::fs::canonicalize(path).map_err(|e| {
                Error::failed_with(
                    format!("{}: a symbolic link that leads nowhere ({e})", self.show_path(path)),
                    "restore what it points to, or remove the link",
                )
            })?;
            if !target.starts_with(&self.real_root) {
                return Err(Error::failed_with(
                    format!(
                        "{}: a symbolic link that leads out of the store, to {}: not read",
                        self.show_path(path),
                        target.display()
                    ),
                    "keep incidents inside the store: move the files in and remove the link",
                ));
            }
            std::fs::metadata(path).map_err(Error::io("read", path))?
        } else {
            std::fs::symlink_metadata(path).map_err(Error::io("read", path))?
        };
        Ok(Kind::from_meta(&meta))
    }

    /// A folder's entries but dotfiles (temp files among them), sorted by
    /// name, each with what it is, or the problem with it.
    pub(super) fn list_dir(&self, d: &Path) -> Result<Vec<(String, PathBuf, Result<Kind>)>> {
        let mut v: Vec<(String, PathBuf, Result<Kind>)> = std::fs::read_dir(d)
            .map_err(Error::io("read the folder", d))?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name();
                let name = name.as_encoded_bytes();
                if !name.starts_with(b".") {
                    return true;
                }
                // A temp file left by a killed write: every reader skips it,
                // `check` names it (noted here, so no second listing).
                if name.windows(fsio::TMP_MARK.len()).any(|w| w == fsio::TMP_MARK.as_bytes())
                    && let Ok(mut l) = self.leftovers.lock()
                {
                    l.push(e.path());
                }
                false
            })
            .map(|e| {
                let path = e.path();
                let kind = match e.file_type() {
                    Ok(t) if t.is_dir() => Ok(Kind::Dir),
                    Ok(t) if t.is_file() => Ok(Kind::Listed),
                    Ok(t) => self.kind_of(&path, t),
                    Err(err) => Err(Error::io("read", &path)(err)),
                };
                (e.file_name().to_string_lossy().into_owned(), path, kind)
            })
            .collect();
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(v)
    }

    /// The problem with an incident file that is not a regular file of a
    /// size worth reading, if any.
    pub(super) fn unreadable(&self, path: &Path, kind: &Kind) -> Option<Error> {
        match kind {
            Kind::File(stat) if stat.size > MAX_FILE => Some(Error::failed_with(
                format!(
                    "{}: {} bytes, over the {} MiB an incident file may hold: not read",
                    self.show_path(path),
                    stat.size,
                    MAX_FILE >> 20
                ),
                "an incident file is a few kilobytes: look at what made it so large (git log -p)",
            )),
            Kind::File(_) | Kind::Listed => None,
            Kind::Dir => Some(Error::failed_with(
                format!("{}: a folder where an incident file should be", self.show_path(path)),
                "incidents/YYYY/MM/ holds only <id>.yaml files: move it out",
            )),
            Kind::Special => Some(Error::failed_with(
                format!("{}: not a regular file (a FIFO, device or socket): not read", self.show_path(path)),
                "remove it: an incident is a regular YAML file",
            )),
        }
    }
}

/// The first byte of a cache entry: its file is in lsms's own form (the
/// record follows), or not (its warnings, their length first, then the
/// record).
const IN_FORM: u8 = 1;
const NOT_IN_FORM: u8 = 0;

/// A cache entry's warnings (`None` for a file in lsms's form; decoded only
/// where `want`ed, else left empty) and its record's bytes; `None` if the
/// entry is not whole.
fn entry_parts(b: &[u8], want: bool) -> Option<(Option<Vec<Shown>>, &[u8])> {
    match *b.first()? {
        IN_FORM => Some((None, &b[1..])),
        NOT_IN_FORM => {
            let mut r = crate::codec::binary::Decoder { b, at: 1 };
            let len = r.count()?;
            let kept = b.get(r.at..r.at.checked_add(len)?)?;
            let record = &b[r.at + len..];
            if !want {
                return Some((Some(Vec::new()), record));
            }
            let mut r = crate::codec::binary::Decoder { b: kept, at: 0 };
            let warnings = Shown::decode(&mut r)?;
            (r.at == kept.len()).then_some((Some(warnings), record))
        }
        _ => None,
    }
}

/// A cache entry being made: bytes of the cache as read, or a record
/// encoded anew into the month's buffer.
enum Held<'c> {
    Kept(&'c [u8]),
    New(std::ops::Range<usize>),
}

/// A month folder's incident files, sorted by name, each with its stat
/// where it was taken (a link's), or the problem that stops it being
/// read, and its strays.
type MonthFiles = (Vec<(String, Result<Option<cache::Stat>>)>, Vec<PathBuf>);

fn month_files(store: &Store, d: &Path) -> Result<MonthFiles> {
    let mut files = Vec::new();
    let mut strays = Vec::new();
    for (name, path, kind) in store.list_dir(d)? {
        if !name.ends_with(".yaml") {
            strays.push(path);
            continue;
        }
        let stat = kind.and_then(|k| match store.unreadable(&path, &k) {
            Some(e) => Err(e),
            None => match k {
                Kind::File(s) => Ok(Some(s)),
                Kind::Listed => Ok(None),
                _ => Err(Error::failed("not a file")),
            },
        });
        files.push((name, stat));
    }
    Ok((files, strays))
}

impl Store {
    /// The stat of a file its folder (`dir`, open as `folder` where it
    /// opened) listed as a regular file.
    fn stat_listed(
        &self,
        folder: Option<&fsio::Folder>,
        dir: &Path,
        name: &str,
    ) -> Result<Option<cache::Stat>> {
        use rustix::fs::FileType;
        let kind = match folder {
            Some(f) => f.stat(name.as_ref()).map(|(t, stat)| match t {
                FileType::RegularFile => Kind::File(stat),
                FileType::Directory => Kind::Dir,
                _ => Kind::Special,
            }),
            None => std::fs::symlink_metadata(dir.join(name)).map(|m| Kind::from_meta(&m)),
        };
        let path = || dir.join(name);
        let kind = match kind {
            Ok(Kind::File(stat)) if stat.size <= MAX_FILE => return Ok(Some(stat)),
            Ok(kind) => kind,
            Err(e) => return Err(Error::io("read", &path())(e)),
        };
        let path = &path();
        match self.unreadable(path, &kind) {
            Some(e) => Err(e),
            None => Ok(match kind {
                Kind::File(s) => Some(s),
                _ => None,
            }),
        }
    }

    /// A file read by the scan: the warnings of one not in lsms's form,
    /// which `check` keeps, and the cache too where `cached`. Gives its
    /// record, stat, and for a file not in lsms's form its warnings (left
    /// empty where neither wants them).
    fn note_unformed(
        &self,
        path: &Path,
        l: super::Scanned,
        cached: bool,
    ) -> (Incident, cache::Stat, Option<Vec<Shown>>) {
        let warnings = l.unformed.map(|text| match self.lint || cached {
            true => lint::lint(&text).into_iter().map(|w| Shown::of(&text, w)).collect(),
            false => Vec::new(),
        });
        if let (true, Some(w)) = (self.lint, &warnings) {
            self.note_warnings(path, w);
        }
        (l.incident, l.stat, warnings)
    }

    /// Keeps `check`'s warnings for a file not in lsms's form.
    fn note_warnings(&self, path: &Path, warnings: &[Shown]) {
        self.unformed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let shown = self.show_path(path);
        let found: Vec<(String, Error)> = warnings
            .iter()
            .map(|w| {
                let (text, offset) = w.text();
                let e = Error::warning_in_file(&shown, &text, offset, w.message.clone(), w.help.clone());
                (shown.clone(), e)
            })
            .collect();
        if let Ok(mut all) = self.warnings.lock() {
            all.extend(found);
        }
    }

    /// The warnings met by the last read, in file order.
    pub fn take_warnings(&self) -> Vec<Error> {
        let mut all = self.warnings.lock().map(|mut w| std::mem::take(&mut *w)).unwrap_or_default();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all.into_iter().map(|(_, e)| e).collect()
    }
}

fn out_of_place(store: &Store, path: &Path, what: &str) -> Error {
    Error::failed_with(
        format!("{}: {what} out of place under incidents/: what it holds is not read", store.show_path(path)),
        "incidents are incidents/YYYY/MM/<id>.yaml: move it there, or out of incidents/",
    )
}

pub(super) fn is_id_dir(name: &str, len: usize) -> bool {
    name.len() == len && name.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// The month folders (`incidents/YYYY/MM`) in order, anything else
    /// found at those levels, and the problems that hide incidents from a
    /// reader (a link out of the store, a folder or YAML file out of place).
    pub(super) fn month_dirs(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>, Vec<Error>)> {
        let top = self.root.join("incidents");
        let (mut months, mut strays, mut problems) = (Vec::new(), Vec::new(), Vec::new());
        match std::fs::symlink_metadata(&top) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((months, strays, problems)),
            Err(e) => return Err(Error::io("read", &top)(e)),
            Ok(m) if m.is_dir() => {}
            Ok(m) => match self.kind_of(&top, m.file_type()) {
                Ok(Kind::Dir) => {}
                Ok(_) => {
                    return Err(Error::failed_with(
                        format!("{}: not a folder", self.show_path(&top)),
                        "incidents/ is the folder that holds the incident files",
                    ));
                }
                Err(e) => return Err(e),
            },
        }
        let mut level = |name: &str, path: PathBuf, kind: Result<Kind>, len: usize| -> Option<PathBuf> {
            match kind {
                Ok(Kind::Dir) if is_id_dir(name, len) => return Some(path),
                Err(e) => problems.push(e),
                Ok(Kind::Dir) => problems.push(out_of_place(self, &path, "a folder")),
                Ok(_) if name.ends_with(".yaml") => problems.push(out_of_place(self, &path, "a YAML file")),
                Ok(_) => {}
            }
            strays.push(path);
            None
        };
        let mut years = Vec::new();
        for (y, ypath, ykind) in self.list_dir(&top)? {
            years.extend(level(&y, ypath, ykind, 4));
        }
        for ypath in years {
            for (m, mpath, mkind) in self.list_dir(&ypath)? {
                months.extend(level(&m, mpath, mkind, 2));
            }
        }
        Ok((months, strays, problems))
    }

    /// Every incident file, in id order, and anything else found there.
    pub fn files(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let (months, mut strays, _) = self.month_dirs()?;
        let mut files = Vec::new();
        for m in months {
            for (f, fpath, _) in self.list_dir(&m)? {
                if f.ends_with(".yaml") { files.push(fpath) } else { strays.push(fpath) }
            }
        }
        Ok((files, strays))
    }

    /// Temp files left in the store's folders by a write that was killed
    /// before its rename, met by the last read. Every reader skips them;
    /// `check` names them.
    pub fn take_leftovers(&self) -> Vec<PathBuf> {
        let mut out = self.leftovers.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
        // Each listing of a folder notes its leftovers: once each.
        out.sort();
        out.dedup();
        out
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
        // Each record as a reader sees it: sealed values opened or masked.
        let map = |r: Result<Incident, Vec<Error>>| {
            map(r.and_then(|mut i| match self.view_incident(&mut i) {
                Ok(()) => Ok(i),
                Err(e) => Err(vec![e]),
            }))
        };
        let (months, mut strays, problems) = self.month_dirs()?;
        for e in problems {
            sink(map(Err(vec![e])))?;
        }
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
        // Files are opened by name in the folder (where it opens; else by path).
        let folder = fsio::Folder::open(dir).ok();
        let (files, strays) = match month_files(self, dir) {
            Ok(x) => x,
            Err(e) => return (vec![map(Err(vec![e]))], Vec::new()),
        };
        // A cache folder that is not the store's own (a link out of it) is
        // neither read nor written: `check` names it.
        let cache_dir = if self.use_cache { self.cache_dir() } else { None };
        let Some(cache_dir) = cache_dir else {
            return (
                files
                    .into_iter()
                    .map(|(n, stat)| match stat {
                        Ok(_) => {
                            let path = dir.join(n);
                            map(self
                                .read_listed(folder.as_ref(), &path)
                                .map(|l| self.note_unformed(&path, l, false).0))
                        }
                        Err(e) => map(Err(vec![e])),
                    })
                    .collect(),
                strays,
            );
        };
        let month =
            dir.strip_prefix(self.root.join("incidents")).map(|m| m.to_string_lossy().replace('/', "-"));
        let cache_path = cache_dir.join(format!("{}.bin", month.unwrap_or_default()));
        let cached = cache::Month::load(&cache_path, self.cache_key);
        // The cache entries: borrowed from the cache read, or records
        // encoded anew into one buffer for the month (a buffer a file was
        // over a kilobyte each, which glibc pays for).
        let mut entries: Vec<(&str, cache::Stat, Held<'_>)> = Vec::with_capacity(files.len());
        let mut fresh = Vec::new();
        let n_files = files.len();
        let mut dirty = cached.as_ref().is_none_or(|c| c.len() != n_files);
        let mut out = Vec::with_capacity(n_files);
        let (names, stats): (Vec<String>, Vec<Result<Option<cache::Stat>>>) = files.into_iter().unzip();
        let mut cursor = 0;
        for (name, stat) in names.iter().zip(stats) {
            // A file the cache holds is looked at (stat) to see whether it
            // changed; one it does not is read at once.
            let held = cached.as_ref().and_then(|c| c.seek(name, &mut cursor));
            let stat = match stat {
                Ok(None) if held.is_some() => self.stat_listed(folder.as_ref(), dir, name),
                other => other,
            };
            let stat = match stat {
                Ok(s) => s,
                Err(e) => {
                    dirty = true;
                    out.push(map(Err(vec![e])));
                    continue;
                }
            };
            // Each cache entry says whether its file is in lsms's own form,
            // with the warnings `check` gives a file that is not; then the
            // record.
            let hit = stat.and_then(|stat| Some((stat, cached.as_ref()?.get_at(held?, &stat)?))).and_then(
                |(stat, b)| {
                    let (warnings, record) = entry_parts(b, self.lint)?;
                    let incident = crate::codec::record::decode_with(record, history)?;
                    Some((incident, stat, b, warnings))
                },
            );
            let result = match hit {
                Some((incident, stat, bytes, warnings)) => {
                    if let (true, Some(w)) = (self.lint, warnings) {
                        self.note_warnings(&dir.join(name), &w);
                    }
                    entries.push((name.as_str(), stat, Held::Kept(bytes)));
                    Ok(incident)
                }
                None => {
                    dirty = true;
                    let path = dir.join(name);
                    self.read_listed(folder.as_ref(), &path).map(|l| {
                        let (incident, stat, warnings) = self.note_unformed(&path, l, true);
                        let start = fresh.len();
                        let mut w = crate::codec::binary::Encoder(std::mem::take(&mut fresh));
                        match warnings {
                            None => w.0.push(IN_FORM),
                            Some(warnings) => {
                                w.0.push(NOT_IN_FORM);
                                let mut kept = crate::codec::binary::Encoder(Vec::new());
                                Shown::encode(&warnings, &mut kept);
                                w.u64(kept.0.len() as u64);
                                w.0.extend_from_slice(&kept.0);
                            }
                        }
                        fresh = w.0;
                        crate::codec::record::encode_into(&incident, &mut fresh);
                        entries.push((name.as_str(), stat, Held::New(start..fresh.len())));
                        incident
                    })
                }
            };
            out.push(map(result));
        }
        if dirty {
            // A cache that cannot be written (a read-only store) only costs speed.
            let entries: Vec<(&str, cache::Stat, &[u8])> = entries
                .into_iter()
                .map(|(name, stat, held)| {
                    let bytes = match held {
                        Held::Kept(b) => b,
                        Held::New(r) => &fresh[r],
                    };
                    (name, stat, bytes)
                })
                .collect();
            let _ = cache::save(&cache_path, self.cache_key, scanned, &entries);
        }
        (out, strays)
    }
}
