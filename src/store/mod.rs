//! The store on disk: finding it, reading incidents (all, or one by id) and
//! writing them safely. Everything here is I/O; the rules live in `model`.

pub mod cache;
pub mod config;
pub mod disposals;
pub mod evidence;
pub mod fsio;
pub mod git;
pub mod lint;
mod locate;
pub mod mail;
pub mod merge_record;
mod scan;
pub mod seal;
pub use locate::field_offset as locate_key;

use crate::error::{Error, Result};
use crate::model::{Id, IdQuery, Incident, Problem};
use config::Config;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

pub use fsio::{Lock, Mode};

pub const CONFIG_FILE: &str = "lsms.yaml";

/// The read cache's folder, in the store.
pub const CACHE_DIR: &str = ".lsms/cache";

pub struct Store {
    pub root: PathBuf,
    /// The root with every symlink resolved: links inside the store are
    /// followed only while they resolve under it.
    pub real_root: PathBuf,
    pub config: Config,
    vocab: crate::model::Vocab,
    /// Read through the cache in `.lsms/cache/` (off with `--no-cache`).
    pub use_cache: bool,
    cache_key: u64,
    /// Collect warnings about hand-edited files while reading (`check`).
    pub lint: bool,
    warnings: std::sync::Mutex<Vec<(String, Error)>>,
    /// How many files the last read with `lint` found not in lsms's form.
    pub unformed: std::sync::atomic::AtomicUsize,
    /// Temp files of killed writes met while reading.
    leftovers: std::sync::Mutex<Vec<PathBuf>>,
    /// `.lsms/cache`, where it is the store's own folder (looked at once).
    cache_place: std::sync::OnceLock<Option<PathBuf>>,
    /// `--identity FILE`, where given.
    pub identity_flag: Option<PathBuf>,
    /// The user's identity, read once where a command needs it.
    identity: std::sync::OnceLock<seal::Found>,
    /// What reads do with sealed values ([`seal::View`], as a number).
    view: std::sync::atomic::AtomicU8,
}

/// A file read by the scan of the whole store.
pub(crate) struct Scanned {
    pub incident: Incident,
    pub stat: cache::Stat,
    /// The text of a file not in lsms's own form (`check` warns of it).
    pub unformed: Option<String>,
}

/// One incident as read from its file, with the text it was read from.
pub struct Loaded {
    pub text: String,
    pub incident: Incident,
    /// Is the file exactly what lsms writes for this record?
    pub canonical: bool,
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
                if std::fs::symlink_metadata(d.join(CONFIG_FILE)).is_err() {
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
                // Whatever stands at `lsms.yaml` marks the store: one that is
                // not a file is named below, not passed over.
                cwd.ancestors()
                    .find(|a| std::fs::symlink_metadata(a.join(CONFIG_FILE)).is_ok())
                    .map(Path::to_path_buf)
                    .ok_or_else(|| {
                        Error::failed_with(
                            format!(
                                "no lsms store here: neither {} nor any folder above it holds {CONFIG_FILE}",
                                cwd.display()
                            ),
                            "make one with `lsms init`, or name one with -C/--store DIR or $LSMS_STORE",
                        )
                    })?
            }
        };
        let cfg_path = root.join(CONFIG_FILE);
        let src = read_config(&cfg_path)?;
        let config = Config::parse(&cfg_path.display().to_string(), &src)?;
        let vocab = config.vocab();
        let cache_key = cache::settings_key(&src);
        let real_root = std::fs::canonicalize(&root).map_err(Error::io("read", &root))?;
        Ok(Store {
            root,
            real_root,
            config,
            vocab,
            use_cache: true,
            cache_key,
            lint: false,
            warnings: Default::default(),
            unformed: Default::default(),
            leftovers: Default::default(),
            cache_place: Default::default(),
            identity_flag: None,
            identity: Default::default(),
            view: Default::default(),
        })
    }

    pub fn path_of(&self, id: &Id) -> PathBuf {
        self.root.join(id.rel_path())
    }

    /// A path as messages show it: relative to the store.
    pub fn show_path(&self, p: &Path) -> String {
        p.strip_prefix(&self.root).unwrap_or(p).display().to_string()
    }

    pub fn lock(&self) -> Result<Lock> {
        fsio::lock(&self.own_dir(".lsms")?)
    }

    /// One of the store's own local folders (`.lsms`, `.lsms/cache`),
    /// where lsms writes its lock and cache: each part a folder, or a link
    /// to a folder inside the store. A link that leads out of the store
    /// (the cache holds names and summaries), or nowhere, or anything but
    /// a folder there, is refused, saying which and how to put it right.
    /// A part not there yet is fine: lsms makes it, as a folder.
    pub fn own_dir(&self, rel: &str) -> Result<PathBuf> {
        let mut at = self.root.clone();
        let mut shown = PathBuf::new();
        for part in Path::new(rel) {
            at.push(part);
            shown.push(part);
            let refuse = |what: String| {
                Error::failed_with(
                    format!(
                        "{}: {what}: lsms keeps its lock and cache only inside the store, so nothing was written there",
                        shown.display()
                    ),
                    format!(
                        "remove it (`rm {}` in the store; lsms makes the folder again when it needs it), then run the command again",
                        shown.display()
                    ),
                )
            };
            match std::fs::symlink_metadata(&at) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => return Err(Error::io("look at", &at)(e)),
                Ok(m) if m.is_dir() => {}
                Ok(m) if m.file_type().is_symlink() => {
                    let target = std::fs::canonicalize(&at)
                        .map_err(|e| refuse(format!("a symbolic link that leads nowhere ({e})")))?;
                    if !target.starts_with(&self.real_root) {
                        return Err(refuse(format!(
                            "a symbolic link that leads out of the store, to {}",
                            target.display()
                        )));
                    }
                    if !target.is_dir() {
                        return Err(refuse(format!("a symbolic link to {}, not a folder", target.display())));
                    }
                }
                Ok(m) => return Err(refuse(format!("{}, not a folder", fsio::kind_shown(m.file_type())))),
            }
        }
        Ok(self.root.join(rel))
    }

    /// The cache's folder, where it is the store's own ([`Store::own_dir`]);
    /// `None` where it is not, and then every read goes to the files.
    pub(crate) fn cache_dir(&self) -> Option<&Path> {
        self.cache_place.get_or_init(|| self.own_dir(CACHE_DIR).ok()).as_deref()
    }

    /// What `check` says of the store's local folders: a problem when
    /// `.lsms` or `.lsms/cache` is not the store's own (every write is
    /// refused), and each entry of the cache folder that is not a regular
    /// file (never read: a FIFO there would make a reader wait).
    pub fn local_problems(&self) -> (Option<Error>, Vec<(PathBuf, &'static str)>) {
        let place = self.own_dir(CACHE_DIR).err();
        let mut odd = Vec::new();
        if place.is_none()
            && let Ok(entries) = std::fs::read_dir(self.root.join(CACHE_DIR))
        {
            for e in entries.flatten() {
                if let Ok(t) = e.file_type()
                    && !t.is_file()
                {
                    odd.push((e.path(), fsio::kind_shown(t)));
                }
            }
        }
        odd.sort();
        (place, odd)
    }

    /// Parses one file's text as an incident, checking that its id matches
    /// its file name and folder.
    pub fn parse(&self, path: &Path, text: String) -> Result<Loaded, Vec<Error>> {
        match self.lex(path, &text) {
            Some(incident) => Ok(Loaded { text, incident, canonical: true }),
            None => self.parse_general(path, text),
        }
    }

    /// A file in lsms's own form, read in one pass: each value from exactly
    /// the text the writer gives it (so, written again, it is the file byte
    /// for byte: what serde_yaml and PyYAML read alike, as the property
    /// tests hold the writer to), in the place its id says.
    fn lex(&self, path: &Path, text: &str) -> Option<Incident> {
        Incident::lex(text, &self.vocab).filter(|i| self.is_home(&i.id, path))
    }

    /// Is `path` the file `id` belongs in (`incidents/YYYY/MM/<id>.yaml`)?
    /// Compared name by name, with no path made for it.
    fn is_home(&self, id: &Id, path: &Path) -> bool {
        let id = id.as_str();
        fn name(p: Option<&Path>) -> Option<&[u8]> {
            p.and_then(Path::file_name).map(std::ffi::OsStr::as_encoded_bytes)
        }
        let file = name(Some(path));
        let month = path.parent();
        let year = month.and_then(Path::parent);
        let top = year.and_then(Path::parent);
        file.and_then(|f| f.strip_suffix(b".yaml")) == Some(id.as_bytes())
            && name(month) == id.as_bytes().get(4..6)
            && name(year) == id.as_bytes().get(..4)
            && name(top) == Some(b"incidents")
            && top.and_then(Path::parent) == Some(self.root.as_path())
    }

    /// A file not in lsms's form, read by serde_yaml, every problem named.
    fn parse_general(&self, path: &Path, text: String) -> Result<Loaded, Vec<Error>> {
        let shown = self.show_path(path);
        if let Some((line, off)) = lint::conflict_marker(&text) {
            return Err(vec![Error::in_file(
                &shown,
                &text,
                off,
                format!("an unresolved merge conflict (a conflict marker at line {line})"),
                Some("keep the right lines, remove the <<<<<<<, ======= and >>>>>>> lines, then run `lsms check`".into()),
            )]);
        }
        let doc = crate::codec::load::load(&text).map_err(|e| {
            let help = if e.message.starts_with("nested") {
                "an incident nests a few levels at most: this file was not written by lsms; restore it from git"
            } else {
                "fix the YAML by hand (a git diff shows what changed), then run `lsms check`"
            };
            let src = crate::codec::load::excerpt(&text, e.offset);
            vec![Error::in_file(&shown, src, e.offset, e.message, Some(help.into()))]
        })?;
        let value = &doc.value;
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
        let problems = match Incident::read(&doc.node, &self.vocab) {
            Ok(_) if misplaced.is_some() => misplaced.into_iter().collect(),
            Ok(mut incident) => {
                incident.keep_raw_extras(&text);
                let canonical = incident.is_written_as(&text);
                return Ok(Loaded { text, incident, canonical });
            }
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

    /// Reads and parses one file: a regular file, inside the store, of a
    /// size worth reading; a FIFO or device is never waited on.
    pub fn read(&self, path: &Path) -> Result<Loaded, Vec<Error>> {
        self.read_text(path, true).map_err(|e| vec![e]).and_then(|text| self.parse(path, text))
    }

    /// [`Store::read`] of a file the scan has just listed and found to be a
    /// regular file (in `folder`, where that is open): it is not looked at
    /// again before it is opened, and it
    /// is read into a buffer each reading thread keeps (a file in lsms's
    /// form needs no text of its own). Gives the record, the stat of the
    /// file read, and the text of a file not in lsms's form.
    pub(crate) fn read_listed(
        &self,
        folder: Option<&fsio::Folder>,
        path: &Path,
    ) -> Result<Scanned, Vec<Error>> {
        thread_local! {
            static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::with_capacity(8192));
        }
        BUF.with_borrow_mut(|buf| {
            let stat = self.read_bytes_in(folder, path, false, buf).map_err(|e| vec![e])?;
            if let Some(incident) = std::str::from_utf8(buf).ok().and_then(|text| self.lex(path, text)) {
                return Ok(Scanned { incident, stat, unformed: None });
            }
            let text = self.utf8(path, buf.clone()).map_err(|e| vec![e])?;
            let l = self.parse_general(path, text)?;
            Ok(Scanned { incident: l.incident, stat, unformed: (!l.canonical).then_some(l.text) })
        })
    }

    fn read_text(&self, path: &Path, look_first: bool) -> Result<String> {
        let mut bytes = Vec::new();
        self.read_bytes(path, look_first, &mut bytes)?;
        self.utf8(path, bytes)
    }

    /// Reads a file's bytes into `bytes` (cleared first); gives its stat,
    /// from the open file.
    fn read_bytes(&self, path: &Path, look_first: bool, bytes: &mut Vec<u8>) -> Result<cache::Stat> {
        self.read_bytes_in(None, path, look_first, bytes)
    }

    /// [`Store::read_bytes`] of a file in `folder`, where it is open.
    fn read_bytes_in(
        &self,
        folder: Option<&fsio::Folder>,
        path: &Path,
        look_first: bool,
        bytes: &mut Vec<u8>,
    ) -> Result<cache::Stat> {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;
        if look_first {
            let meta = std::fs::symlink_metadata(path).map_err(Error::io("read", path))?;
            let kind = if meta.file_type().is_symlink() {
                self.kind_of(path, meta.file_type())?
            } else {
                scan::Kind::from_meta(&meta)
            };
            if let Some(e) = self.unreadable(path, &kind) {
                return Err(e);
            }
        }
        // O_NONBLOCK: should the file have become a FIFO since, opening it
        // does not wait for a writer; the stat of what was opened decides.
        use fsio::O_NONBLOCK;
        let f = match (folder, path.file_name()) {
            (Some(d), Some(name)) => d.open_file(name),
            _ => std::fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(path),
        }
        .map_err(Error::io("read", path))?;
        let meta = f.metadata().map_err(Error::io("read", path))?;
        let kind = scan::Kind::from_meta(&meta);
        if let Some(e) = self.unreadable(path, &kind) {
            return Err(e);
        }
        let scan::Kind::File(stat) = kind else { return Err(Error::failed("not a file")) };
        bytes.clear();
        bytes.reserve(meta.len() as usize + 1);
        f.take(scan::MAX_FILE + 1).read_to_end(bytes).map_err(Error::io("read", path))?;
        if bytes.len() as u64 > scan::MAX_FILE {
            return Err(Error::failed(format!(
                "{}: grew past the size limit while read",
                self.show_path(path)
            )));
        }
        Ok(stat)
    }

    fn utf8(&self, path: &Path, bytes: Vec<u8>) -> Result<String> {
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Error::in_file(
                &self.show_path(path),
                &text,
                at,
                "not UTF-8 text: an incident file is UTF-8".into(),
                Some("save the file as UTF-8 (a git diff shows what changed)".into()),
            )
        })
    }

    /// Where a write to an incident's file goes: the file itself, or, for a
    /// symbolic link inside the store, the file it points to (replacing the
    /// link would leave the real file stale).
    fn write_target(&self, path: &Path) -> Result<PathBuf> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                self.kind_of(path, m.file_type())?;
                std::fs::canonicalize(path).map_err(Error::io("read", path))
            }
            _ => Ok(path.to_path_buf()),
        }
    }

    /// Turns an id argument into the id of an incident that exists.
    pub fn resolve(&self, arg: &str) -> Result<Id> {
        let query = IdQuery::parse(arg).map_err(Error::failed)?;
        match query {
            IdQuery::Full(id) => {
                if std::fs::symlink_metadata(self.path_of(&id)).is_ok() {
                    Ok(id)
                } else if let Some(Ok(c)) = disposals::find(self, &id) {
                    Err(disposed(&c))
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
                    .filter(|stem| {
                        stem.len() == 13 && stem.get(9..).is_some_and(|s| s.eq_ignore_ascii_case(&suffix))
                    })
                    .filter_map(|stem| Id::parse(stem).ok())
                    .collect();
                match found.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(match disposals::of_arg(self, arg) {
                        Some(c) => disposed(&c),
                        None => Error::failed_with(
                            format!("no incident ends in {suffix}"),
                            "`lsms list --all --format ids` lists every id",
                        ),
                    }),
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
}

/// A record's id given after it was disposed of: when, and its certificate.
fn disposed(c: &disposals::Certificate) -> Error {
    let cert = Id::parse(&c.id).map(|id| disposals::rel_path(&id)).unwrap_or_default();
    Error::failed_with(
        format!(
            "{} was disposed of under retention on {} (its certificate: {cert})",
            c.id,
            c.disposed_on().map(|d| d.to_string()).unwrap_or_default()
        ),
        "a disposed record is gone from the register; its certificate says what it was",
    )
}

impl Store {
    /// Loads one incident by id argument. A file that does not parse is an
    /// error naming it.
    pub fn load(&self, arg: &str) -> Result<Loaded> {
        let id = self.resolve(arg)?;
        let mut loaded = self.read(&self.path_of(&id)).map_err(first_of)?;
        self.view_incident(&mut loaded.incident)?;
        Ok(loaded)
    }

    /// Read-modify-write of one incident under the store's lock. A file
    /// that does not parse is never rewritten; a file changed by someone
    /// else between the read and the write is not overwritten; a file that
    /// is not in the form lsms writes (a hand edit with comments or another
    /// layout) is not rewritten either, since that would change lines other
    /// than this change's: `lsms fmt` puts it in form first.
    pub fn update(&self, id: &Id, change: impl FnOnce(&mut Incident) -> Result<()>) -> Result<Updated> {
        self.update_with(id, false, |inc, _| change(inc))
    }

    /// [`Store::update`], with the text the record was read from given to
    /// `change`; `reformat` lets a file not in lsms's form be rewritten.
    pub fn update_with(
        &self,
        id: &Id,
        reformat: bool,
        change: impl FnOnce(&mut Incident, &str) -> Result<()>,
    ) -> Result<Updated> {
        let lock = self.lock()?;
        self.update_held(&lock, id, reformat, change)
    }

    /// [`Store::update_with`] for a caller that holds the store's lock
    /// already (`held`), for work that must happen under the same hold as
    /// the change (evidence files put in place, and taken out again if the
    /// change is refused).
    pub fn update_held(
        &self,
        _held: &Lock,
        id: &Id,
        reformat: bool,
        change: impl FnOnce(&mut Incident, &str) -> Result<()>,
    ) -> Result<Updated> {
        let path = self.path_of(id);
        let loaded = self.read_for_update(id, reformat)?;
        let mut incident = loaded.incident;
        let carry = self.before_change(&mut incident)?;
        change(&mut incident, &loaded.text)?;
        let text = self.for_writing(&incident, carry)?.to_yaml();
        if text == loaded.text {
            return Ok(Updated { incident, written: false });
        }
        self.fits(id, &text, false)?;
        test_hook_pause();
        self.unchanged_since(&path, &loaded.text)?;
        self.write_back(&path, &text)?;
        Ok(Updated { incident, written: true })
    }

    /// Read-modify-write of two incidents under one hold of the lock, for
    /// a change that belongs on both (a link): both files are read and
    /// checked before either is written, and if the second cannot be
    /// written the first is put back, so both change or neither does.
    pub fn update_pair(
        &self,
        a: &Id,
        b: &Id,
        change: impl FnOnce(&mut Incident, &mut Incident) -> Result<()>,
    ) -> Result<(Updated, Updated)> {
        let _lock = self.lock()?;
        let (pa, pb) = (self.path_of(a), self.path_of(b));
        let la = self.read_for_update(a, false)?;
        let lb = self.read_for_update(b, false)?;
        let (mut ia, mut ib) = (la.incident, lb.incident);
        let (ca, cb) = (self.before_change(&mut ia)?, self.before_change(&mut ib)?);
        change(&mut ia, &mut ib)?;
        let (ta, tb) = (self.for_writing(&ia, ca)?.to_yaml(), self.for_writing(&ib, cb)?.to_yaml());
        let (wa, wb) = (ta != la.text, tb != lb.text);
        // Both are checked before either is written.
        if wa {
            self.fits(a, &ta, false)?;
        }
        if wb {
            self.fits(b, &tb, false)?;
        }
        if wa || wb {
            test_hook_pause();
            self.unchanged_since(&pa, &la.text)?;
            self.unchanged_since(&pb, &lb.text)?;
        }
        if wa {
            self.write_back(&pa, &ta)?;
        }
        if wb && let Err(e) = self.write_back(&pb, &tb) {
            if wa {
                // Put the first back: the change is on both or on neither.
                let _ = self.write_back(&pa, &la.text);
            }
            return Err(e);
        }
        Ok((Updated { incident: ia, written: wa }, Updated { incident: ib, written: wb }))
    }

    /// Reads one incident to change it: a file that does not parse, or
    /// (unless `reformat`) is not in lsms's form, is refused with why. (A
    /// command that does work before its change asks this first.)
    pub(crate) fn read_for_update(&self, id: &Id, reformat: bool) -> Result<Loaded> {
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
        // The read already knows whether the file is in lsms's form; the
        // rewrite is made only to say where it first differs.
        if !reformat && !loaded.canonical {
            let canonical = loaded.incident.to_yaml();
            let (line, off) = first_difference(&loaded.text, &canonical);
            return Err(Error::in_file(
                &self.show_path(&path),
                &loaded.text,
                off,
                format!(
                    "{id} was edited by hand into a form lsms does not write (from line {line}): \
                     writing this change would also rewrite lines it does not touch, so nothing was written"
                ),
                Some(format!(
                    "run `lsms fmt {id}` to put it in lsms's form (comments go into its history; \
                     `lsms fmt --check` lists such files), then run the command again"
                )),
            ));
        }
        Ok(loaded)
    }

    /// Refuses to write over a file that changed since it was read.
    fn unchanged_since(&self, path: &Path, read: &str) -> Result<()> {
        // Read no more than could match (a file swapped for a huge one is
        // a change, not a read).
        let now_on_disk = match fsio::read_bounded(path, read.len() as u64, true) {
            Ok(b) => Some(b),
            Err(fsio::NotRead::TooLarge(_) | fsio::NotRead::Special(_)) => None,
            Err(fsio::NotRead::Io(e)) => return Err(Error::io("read", path)(e)),
        };
        if now_on_disk.as_deref() != Some(read.as_bytes()) {
            return Err(Error::failed_with(
                format!("{} changed while lsms was working on it: nothing was written", self.show_path(path)),
                "someone or something else edited it; run the command again",
            ));
        }
        Ok(())
    }

    /// [`Store::write_back`] for a rewrite of many files at once (`lsms
    /// seal`, `unseal`, `rekey`): each file is still replaced whole by a
    /// rename, but the disk is synced once at the end ([`Store::sync_all`])
    /// rather than after every file (10,000 files took over a minute).
    pub(crate) fn write_back_batched(&self, path: &Path, text: &str) -> Result<()> {
        let target = self.write_target(path)?;
        self.inside(&target)?;
        fsio::write_atomic(&target, text.as_bytes(), Mode::Disposable).map_err(Error::io("write", path))
    }

    /// Waits until everything written to the store's file system is on disk.
    pub(crate) fn sync_all(&self) -> Result<()> {
        let dir = std::fs::File::open(&self.root).map_err(Error::io("open", &self.root))?;
        rustix::fs::syncfs(&dir).map_err(|e| Error::io("sync", &self.root)(e.into()))
    }

    pub(crate) fn write_back(&self, path: &Path, text: &str) -> Result<()> {
        let target = self.write_target(path)?;
        self.inside(&target)?;
        fsio::write_atomic(&target, text.as_bytes(), Mode::Replace).map_err(Error::io("write", path))
    }

    /// The one limit on what an incident file may hold, on write as on
    /// read: a record whose file would be over [`fsio::MAX_FILE`] is
    /// refused before anything is written, since no read would take it
    /// back (the incident would drop out of every list and figure).
    pub fn fits(&self, id: &Id, text: &str, new: bool) -> Result<()> {
        let size = text.len() as u64;
        if size <= fsio::MAX_FILE {
            return Ok(());
        }
        let whose = if new { format!("the new incident's file ({id})") } else { format!("{id}'s file") };
        Err(Error::failed_with(
            format!(
                "{whose} would be {}, over the {} an incident file may hold (lsms would not read it back): nothing was written",
                fsio::size_shown(size),
                fsio::size_shown(fsio::MAX_FILE)
            ),
            "put long text in an evidence file (`lsms evidence add ID FILE` keeps it with the case, hashed) \
             and write a short note saying what it holds",
        ))
    }

    /// Refuses a write whose folder is not inside the store (an incident
    /// folder that is a link leading out of it).
    pub(crate) fn inside(&self, file: &Path) -> Result<()> {
        // The nearest folder there is: a folder not made yet would be made
        // where its nearest parent leads.
        let dir = file.ancestors().skip(1).find(|d| d.exists()).unwrap_or(&self.root);
        let real = std::fs::canonicalize(dir).map_err(Error::io("look at", dir))?;
        if real.starts_with(&self.real_root) {
            return Ok(());
        }
        Err(Error::failed_with(
            format!(
                "{}: its folder leads out of the store, to {}: nothing was written",
                self.show_path(file),
                real.display()
            ),
            "incidents are kept inside the store: move the folder back in place of the link",
        ))
    }

    /// Writes a new incident file; fails with `AlreadyExists` on a clash.
    /// Refused: a file over the size limit ([`Store::fits`]), and a folder
    /// that leads out of the store.
    pub fn create(&self, incident: &Incident) -> Result<PathBuf, CreateError> {
        let path = self.path_of(&incident.id);
        let text = self.for_writing(incident, None).map_err(CreateError::Refused)?.to_yaml();
        self.fits(&incident.id, &text, true).map_err(CreateError::Refused)?;
        let io = |e| CreateError::Io(Error::io("write", &path)(e));
        self.inside(&path).map_err(CreateError::Refused)?;
        if let Some(dir) = path.parent() {
            match std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir) {
                Ok(()) => {}
                Err(e) => return Err(io(e)),
            }
        }
        self.inside(&path).map_err(CreateError::Refused)?;
        match fsio::write_atomic(&path, text.as_bytes(), Mode::CreateNew) {
            Ok(()) => Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(CreateError::Taken),
            Err(e) => Err(io(e)),
        }
    }

    /// Writes a new incident under a fresh id: on a clash with a file
    /// already there (another clone's, or a race), the id is drawn again.
    pub fn create_fresh(&self, mut inc: Incident) -> Result<PathBuf> {
        for _ in 0..64 {
            match self.create(&inc) {
                Ok(p) => return Ok(p),
                Err(CreateError::Taken) => {
                    let date = inc.recorded_at.date_naive();
                    inc.id = crate::model::Id::new(date, random4());
                }
                Err(CreateError::Refused(e) | CreateError::Io(e)) => return Err(e),
            }
        }
        Err(Error::failed("could not find a free id for today after 64 draws: the day is nearly full"))
    }
}

/// New incident files written as one batch (an import): each made as
/// [`Store::create`] makes it (a temp file linked under its name, never
/// over a file there, an id drawn again on a clash), but the disk is
/// waited for once, at [`Batch::finish`], not once per file. Until then
/// the batch is undone if dropped: every file it made is removed, so a
/// batch that fails half way leaves the store as it was.
pub struct Batch<'a> {
    store: &'a Store,
    written: Vec<PathBuf>,
    /// Folders checked to lie inside the store (and made), held open.
    folders: std::collections::HashMap<PathBuf, fsio::Folder>,
    /// Folders the batch made, deepest last: taken away again if undone.
    made: Vec<PathBuf>,
    done: bool,
}

impl Store {
    /// Starts a batch of new files (hold the store's lock meanwhile).
    pub fn batch(&self) -> Batch<'_> {
        Batch { store: self, written: Vec::new(), folders: Default::default(), made: Vec::new(), done: false }
    }
}

impl Batch<'_> {
    /// Writes one new incident, under a fresh id where its own is taken;
    /// returns the id it was written under.
    pub fn add(&mut self, mut inc: Incident) -> Result<Id> {
        for _ in 0..64 {
            let path = self.store.path_of(&inc.id);
            let dir = path.parent().unwrap_or(&self.store.root).to_path_buf();
            if !self.folders.contains_key(&dir) {
                self.store.inside(&path)?;
                let mut new: Vec<PathBuf> = dir
                    .ancestors()
                    .take_while(|d| *d != self.store.root && !d.exists())
                    .map(Path::to_path_buf)
                    .collect();
                new.reverse();
                self.made.extend(new);
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .map_err(Error::io("create the folder", &dir))?;
                self.store.inside(&path)?;
                let open = fsio::Folder::open(&dir).map_err(Error::io("open the folder", &dir))?;
                self.folders.insert(dir.clone(), open);
            }
            // Sealed as every other write is, in a sealed store.
            let text = self.store.for_writing(&inc, None)?.to_yaml();
            self.store.fits(&inc.id, &text, true)?;
            let name = path.file_name().unwrap_or_default();
            match self.folders[&dir].create_new_batched(&dir, name, text.as_bytes()) {
                Ok(()) => {
                    self.written.push(path);
                    return Ok(inc.id);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    inc.id = crate::model::Id::new(inc.recorded_at.date_naive(), random4());
                }
                Err(e) => return Err(Error::io("write", &path)(e)),
            }
        }
        Err(Error::failed("could not find a free id for today after 64 draws: the day is nearly full"))
    }

    /// Waits for every file of the batch to be on the disk (one `syncfs`,
    /// then each folder the batch wrote in), and keeps them: the paths.
    pub fn finish(mut self) -> Result<Vec<PathBuf>> {
        fsio::sync_fs(&self.store.root).map_err(Error::io("sync", &self.store.root))?;
        for dir in self.folders.keys() {
            fsio::sync_dir(dir).map_err(Error::io("sync", dir))?;
        }
        self.done = true;
        Ok(std::mem::take(&mut self.written))
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if !self.done {
            for p in &self.written {
                let _ = std::fs::remove_file(p);
            }
            // Deepest first; a folder something else put a file in stays.
            for d in self.made.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

use std::os::unix::fs::DirBuilderExt;

/// The text of `lsms.yaml`: a regular file (a link to one is followed) of
/// at most [`fsio::MAX_CONFIG`]; a FIFO, device, socket or folder there is
/// named, never opened to wait on.
pub(crate) fn read_config(path: &Path) -> Result<String> {
    use fsio::NotRead;
    let bytes = fsio::read_bounded(path, fsio::MAX_CONFIG, true).map_err(|e| match e {
        NotRead::Special(what) => Error::failed_with(
            format!("{}: {what}, not a file: the store's settings are not read from it", path.display()),
            format!("{CONFIG_FILE} is the store's settings file (`trust: NAME` and the rest): put a regular file there"),
        ),
        NotRead::TooLarge(n) => Error::failed_with(
            format!(
                "{}: {}, over the {} the store's settings may hold: not read",
                path.display(),
                fsio::size_shown(n),
                fsio::size_shown(fsio::MAX_CONFIG)
            ),
            "lsms.yaml holds a few lines of settings: look at what made it so large (git log -p lsms.yaml)",
        ),
        NotRead::Io(e) if e.kind() == std::io::ErrorKind::NotFound => Error::failed_with(
            format!("{}: a symbolic link that leads nowhere", path.display()),
            "restore the file it points to, or put the store's lsms.yaml in its place",
        ),
        NotRead::Io(e) => Error::io("read", path)(e),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::failed_with(
            format!("{}: not UTF-8 text (at byte {})", path.display(), e.utf8_error().valid_up_to()),
            "save lsms.yaml as UTF-8",
        )
    })
}

/// Four random bytes for a new id's suffix (the system's randomness,
/// through a v4 uuid).
pub fn random4() -> [u8; 4] {
    let b = uuid::Uuid::new_v4().into_bytes();
    [b[0], b[1], b[2], b[3]]
}

/// Why a new incident file was not made.
pub enum CreateError {
    /// A file is already there: draw another id.
    Taken,
    /// Refused before writing (too large, a folder out of the store).
    Refused(Error),
    Io(Error),
}

/// What an update did.
pub struct Updated {
    pub incident: Incident,
    pub written: bool,
}

/// The 1-based line, and byte offset, where two texts first differ.
fn first_difference(a: &str, b: &str) -> (usize, usize) {
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let start = a[..same].rfind('\n').map_or(0, |p| p + 1);
    (a[..start].matches('\n').count() + 1, start)
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
    use super::*;
    use crate::model::draft::Draft;

    fn store() -> (tempfile::TempDir, Store) {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(CONFIG_FILE), "trust: T\n").unwrap();
        let s = Store::discover(Some(d.path()), d.path()).unwrap();
        (d, s)
    }

    fn incident(random: [u8; 4]) -> Incident {
        Draft::built(
            &[("category", "theft"), ("summary", "Bag taken"), ("occurred", "2026-11-24 10:00")],
            random,
        )
    }

    #[test]
    fn a_batch_dropped_before_it_finishes_leaves_no_file_behind() {
        let (_d, s) = store();
        let mut b = s.batch();
        let one = b.add(incident([1, 2, 3, 4])).unwrap();
        let two = b.add(incident([5, 6, 7, 8])).unwrap();
        assert!(s.path_of(&one).exists() && s.path_of(&two).exists());
        drop(b);
        assert!(!s.path_of(&one).exists() && !s.path_of(&two).exists(), "undone");
        let dir = s.path_of(&one).parent().unwrap().to_path_buf();
        assert!(!dir.exists() && !s.root.join("incidents").exists(), "nor the folders it made");
    }

    #[test]
    fn a_finished_batch_keeps_its_files_and_never_writes_over_one() {
        let (_d, s) = store();
        let mut b = s.batch();
        let one = b.add(incident([1, 2, 3, 4])).unwrap();
        // The same id again: drawn anew, the first file kept as it was.
        let two = b.add(incident([1, 2, 3, 4])).unwrap();
        assert_ne!(one, two);
        let written = b.finish().unwrap();
        assert_eq!(written.len(), 2);
        let text = std::fs::read_to_string(s.path_of(&one)).unwrap();
        assert!(text.starts_with("schema: 1\n") && text.contains("summary: Bag taken\n"), "{text}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.path_of(&two)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner only");
    }
}
