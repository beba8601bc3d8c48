//! Reading the whole store: walking the month folders, and streaming every
//! incident through the cache to a command, in id order, in parallel.

use super::{Store, cache, fsio};
use crate::error::{Error, Result};
use crate::model::Incident;
use std::path::{Path, PathBuf};

/// A folder's entries but dotfiles (temp files among them), sorted by name,
/// each with whether it is a folder (from the listing: no stat).
pub(super) fn list_dir(d: &Path) -> Result<Vec<(String, PathBuf, bool)>> {
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

pub(super) fn is_id_dir(name: &str, len: usize) -> bool {
    name.len() == len && name.bytes().all(|b| b.is_ascii_digit())
}

impl Store {
    /// The month folders (`incidents/YYYY/MM`) in order, and anything
    /// else found at those levels.
    pub(super) fn month_dirs(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
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
}
