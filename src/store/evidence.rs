//! Evidence files in the store, content-addressed by SHA-256:
//! `evidence/ab/<sha256>` (the first two hex digits as the folder), read
//! only. A file is copied in streaming, in fixed-size chunks, hashed as it
//! is copied, so a 2 GB CCTV file needs no more memory than a photo.
//! SHA-256 is RustCrypto's `sha2`: a vetted implementation, since a
//! court may rely on the hash.

use super::fsio::TMP_MARK;
use crate::error::{Error, Result};
use rustix::fs::{AtFlags, Mode, OFlags};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The store's folder of evidence files.
pub const DIR: &str = "evidence";

/// How much is read and written at a time: the memory a copy needs.
pub const CHUNK: usize = 256 * 1024;

use super::fsio::O_NONBLOCK;

/// The keys evidence files are written and read with. In a sealed store
/// (`to` not empty) every file is written as an age stream to the store's
/// recipients, under the SHA-256 of its original bytes; a sealed file is
/// read with the user's identity, when there is one.
#[derive(Default)]
pub struct Keys<'a> {
    pub to: Vec<crate::seal::Recipient>,
    pub id: Option<&'a crate::seal::Identity>,
    /// The store's files are sealed: one that is an age file is a sealed
    /// copy, to be opened. In a plain store an age file is evidence that
    /// is itself an age file (sent sealed), read as it is.
    pub sealed: bool,
}

impl Keys<'_> {
    /// Plain files, no identity.
    #[cfg(test)]
    pub fn plain() -> Keys<'static> {
        Keys::default()
    }
    fn sealing(&self) -> bool {
        !self.to.is_empty()
    }
}

/// Where a copy goes: the file itself, or an age stream into it.
enum Sink {
    Plain(File),
    Age(age::stream::StreamWriter<File>),
}

impl Sink {
    fn new(f: File, keys: &Keys) -> io::Result<Sink> {
        if keys.sealing() { crate::seal::seal_stream(&keys.to, f).map(Sink::Age) } else { Ok(Sink::Plain(f)) }
    }
    /// The file, once everything is written (age's last chunk too).
    fn finish(self) -> io::Result<File> {
        match self {
            Sink::Plain(f) => Ok(f),
            Sink::Age(w) => w.finish(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(f) => f.write(b),
            Sink::Age(w) => w.write(b),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(f) => f.flush(),
            Sink::Age(w) => w.flush(),
        }
    }
}

/// Does the file begin as an age file does? (read from its start; the
/// file is left at its start)
fn is_age_file(f: &mut File) -> bool {
    use std::io::Seek;
    let mut head = [0u8; crate::seal::AGE_MAGIC.len()];
    let _ = f.rewind();
    let ok = f.read_exact(&mut head).is_ok() && head == crate::seal::AGE_MAGIC;
    let _ = f.rewind();
    ok
}

/// What object `sha256` holds, as a stream: the file itself, or, when it
/// is sealed, its original bytes opened with the identity (without one,
/// [`Fault::NoKey`]). A file that begins as an age file but does not open
/// may be evidence that is itself an age file, kept plain: it is read
/// plain when its own bytes are the file its name says.
pub fn source(mut f: File, sha256: &str, keys: &Keys) -> std::result::Result<Box<dyn Read>, Fault> {
    if !keys.sealed || !is_age_file(&mut f) {
        return Ok(Box::new(f));
    }
    let opened = match keys.id {
        None => Err(Fault::NoKey),
        Some(id) => {
            let copy = f.try_clone().map_err(|e| Fault::Unreadable(e.to_string()))?;
            match crate::seal::open_stream(id, copy) {
                Ok(r) => Ok(r),
                Err(crate::seal::NotOpened::NotForYou) => Err(Fault::NotForYou),
                Err(crate::seal::NotOpened::Broken) => {
                    Err(Fault::Broken("its age header does not parse".into()))
                }
            }
        }
    };
    match opened {
        Ok(r) => Ok(Box::new(Broken(r))),
        Err(_) if plain_is(&mut f, sha256) => Ok(Box::new(f)),
        Err(fault) => Err(fault),
    }
}

/// Are the file's own bytes the file `sha256` names? (read whole; the
/// file is left at its start)
fn plain_is(f: &mut File, sha256: &str) -> bool {
    use std::io::Seek;
    let _ = f.rewind();
    let same = hash_reader(f).is_ok_and(|(h, _)| h == sha256);
    let _ = f.rewind();
    same
}

/// A sealed stream whose reading fails is damaged (age checks each
/// chunk): its errors are marked so, to be told from a disk's.
struct Broken<R>(R);

impl<R: Read> Read for Broken<R> {
    fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
        self.0.read(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, BrokenSeal(e.to_string())))
    }
}

#[derive(Debug)]
struct BrokenSeal(String);
impl std::fmt::Display for BrokenSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BrokenSeal {}

/// A read error as a fault: a sealed stream that does not open is damage.
fn read_fault(e: io::Error) -> Fault {
    match e.get_ref().and_then(|i| i.downcast_ref::<BrokenSeal>()) {
        Some(b) => Fault::Broken(b.0.clone()),
        None => Fault::Unreadable(e.to_string()),
    }
}

/// Hashes what an object holds (opened when sealed).
fn hash_object(f: File, sha256: &str, keys: &Keys) -> std::result::Result<(String, u64), Fault> {
    let mut plain = f.try_clone().map_err(|e| Fault::Unreadable(e.to_string()))?;
    let mut r = source(f, sha256, keys)?;
    let hashed = hash_reader(&mut r).map_err(read_fault);
    let wrong = match &hashed {
        Ok((h, _)) => h != sha256,
        Err(Fault::Broken(_)) => true,
        Err(_) => false,
    };
    // Sealed to this identity, but not this file: evidence that is itself
    // an age file, kept plain, is its own bytes.
    if wrong && is_age_file(&mut plain) && plain_is(&mut plain, sha256) {
        return hash_reader(&mut plain).map_err(read_fault);
    }
    hashed
}

/// `evidence/ab/<sha256>`, relative to the store.
pub fn rel_path(sha256: &str) -> String {
    format!("{DIR}/{}/{sha256}", &sha256[..2.min(sha256.len())])
}

pub use crate::model::incident::is_sha256;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What kind of thing a path is, for a message: "a folder", "a FIFO", ….
fn not_regular(t: fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a folder")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_socket() {
        Some("a socket")
    } else if t.is_block_device() || t.is_char_device() {
        Some("a device")
    } else {
        Some("not a regular file")
    }
}

/// Opens a file given as evidence for reading: a regular file (a link to
/// one is followed), never waited on. A missing or unreadable file, a
/// folder, FIFO, device or socket is refused with what to do instead.
pub fn open_source(path: &Path) -> Result<(File, u64)> {
    let meta = fs::metadata(path).map_err(|e| source_err(path, &e))?;
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(refuse_kind(path, what));
    }
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
        .map_err(|e| source_err(path, &e))?;
    // What was opened decides: the path may have changed since the look.
    let meta = f.metadata().map_err(Error::io("read", path))?;
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(refuse_kind(path, what));
    }
    Ok((f, meta.len()))
}

fn refuse_kind(path: &Path, what: &str) -> Error {
    let help = if what == "a folder" {
        format!("give the files in it, for example `{}/*`", path.display())
    } else {
        "evidence is a regular file: copy what it holds into a file first".to_string()
    };
    Error::failed_with(format!("{} is {what}, not a regular file: nothing was added", path.display()), help)
}

fn source_err(path: &Path, e: &io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::NotFound => Error::failed_with(
            format!("{}: no such file: nothing was added", path.display()),
            "check the path (`ls` it); a name with spaces needs quotes",
        ),
        io::ErrorKind::PermissionDenied => Error::failed_with(
            format!("{}: cannot be read (permission denied): nothing was added", path.display()),
            "ask its owner for read access, or copy it somewhere you can read it",
        ),
        _ => Error::failed_with(
            format!("{}: cannot be read ({e}): nothing was added", path.display()),
            "check the file and try again",
        ),
    }
}

/// Copies `from` to `to` in fixed-size chunks, hashing what passes;
/// returns the hash and the number of bytes.
pub fn copy_hashing(from: &mut dyn Read, to: &mut dyn Write) -> io::Result<(String, u64)> {
    let mut buf = vec![0u8; CHUNK];
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

/// The SHA-256 and size of what `r` holds, read in fixed-size chunks.
pub fn hash_reader(r: &mut dyn Read) -> io::Result<(String, u64)> {
    copy_hashing(r, &mut io::sink())
}

// ---- The store's own folders, never through a link ----
//
// Every read and write below `evidence/` goes through folders opened with
// `O_NOFOLLOW`: a symbolic link (or a file) where `evidence/` or one of its
// `ab/` folders should be is named, never followed, so evidence is never
// written outside the store, and `verify` reads what the store holds.

fn errno_io(e: rustix::io::Errno) -> io::Error {
    io::Error::from(e)
}

/// What is at `name` in `dir`, a link not followed (std metadata, through
/// an `O_PATH` descriptor: nothing is opened for reading).
fn look(dir: &OwnedFd, name: &str) -> io::Result<fs::Metadata> {
    let flags = OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    File::from(rustix::fs::openat(dir, name, flags, Mode::empty()).map_err(errno_io)?).metadata()
}

/// What a thing that is not what it should be is, for a message: "a
/// symbolic link (to /mnt/x)", "a FIFO (named pipe)", "a file".
fn describe(dir: &OwnedFd, name: &str) -> String {
    match look(dir, name) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = rustix::fs::readlinkat(dir, name, Vec::new())
                .map(|t| t.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "?".into());
            format!("a symbolic link (to {to})")
        }
        Ok(m) if m.is_file() => "a file".into(),
        Ok(m) => not_regular(m.file_type()).unwrap_or("not a folder").into(),
        Err(e) => format!("unreadable ({e})"),
    }
}

/// A place under `evidence/` that is not one of the store's own folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    /// Store-relative, e.g. `evidence/ab`.
    pub rel: String,
    /// "a symbolic link (to /mnt/usb/evidence)".
    pub what: String,
}

impl Misplaced {
    /// The refusal of a write (`evidence add`).
    pub fn refusal(&self) -> Error {
        Error::failed_with(
            format!(
                "{} is {}, not a folder of the store: lsms writes evidence only into the store's own folders; \
                 nothing was added",
                self.rel, self.what
            ),
            format!(
                "put a real folder there with the files it should hold (for a link: `rm {0}`, then move or copy \
                 what it pointed to into a new folder {0}), then run the command again; `lsms check` names every such place",
                self.rel
            ),
        )
    }
}

fn open_root(root: &Path) -> io::Result<OwnedFd> {
    rustix::fs::open(root, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
        .map_err(errno_io)
}

/// Opens folder `name` in `dir` (made if `create`), never through a link.
/// `Ok(None)`: it is not there (and was not to be made).
fn open_folder(
    dir: &OwnedFd,
    name: &str,
    rel: &str,
    create: bool,
) -> std::result::Result<Option<OwnedFd>, FolderErr> {
    if create {
        match rustix::fs::mkdirat(dir, name, Mode::from_raw_mode(0o700)) {
            Ok(()) => {
                let _ = rustix::fs::fsync(dir);
            }
            Err(rustix::io::Errno::EXIST) => {}
            Err(e) => return Err(FolderErr::Io(rel.to_string(), errno_io(e))),
        }
    }
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    match rustix::fs::openat(dir, name, flags, Mode::empty()) {
        Ok(fd) => Ok(Some(fd)),
        Err(rustix::io::Errno::NOENT) if !create => Ok(None),
        Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR) => {
            Err(FolderErr::Misplaced(Misplaced { rel: rel.to_string(), what: describe(dir, name) }))
        }
        Err(e) => Err(FolderErr::Io(rel.to_string(), errno_io(e))),
    }
}

enum FolderErr {
    Misplaced(Misplaced),
    Io(String, io::Error),
}

impl FolderErr {
    fn into_error(self) -> Error {
        match self {
            FolderErr::Misplaced(m) => m.refusal(),
            FolderErr::Io(rel, e) => Error::failed_with(
                format!("{rel}: {e}: nothing was added"),
                "check the store's folders and the space left on its disk, then try again",
            ),
        }
    }
    fn into_fault(self) -> Fault {
        match self {
            FolderErr::Misplaced(m) => Fault::Folder(m),
            FolderErr::Io(rel, e) => Fault::Unreadable(format!("{rel}: {e}")),
        }
    }
}

/// The names in the folder open as `dir`, listed from the descriptor (not
/// its path again, which a link swapped in since could redirect), sorted.
fn names(dir: &OwnedFd) -> Vec<String> {
    let Ok(entries) = rustix::fs::Dir::read_from(dir) else { return Vec::new() };
    let mut out: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "." && n != "..")
        .collect();
    out.sort();
    out
}

/// `evidence/` and, given a hash, its `ab/` folder, both real folders of
/// the store. `Ok(None)`: one is not there (and was not to be made).
fn open_folders(
    root: &Path,
    sha256: Option<&str>,
    create: bool,
) -> std::result::Result<Option<(OwnedFd, Option<OwnedFd>)>, FolderErr> {
    let rootfd = open_root(root).map_err(|e| FolderErr::Io(root.display().to_string(), e))?;
    let Some(top) = open_folder(&rootfd, DIR, DIR, create)? else { return Ok(None) };
    let Some(sha) = sha256 else { return Ok(Some((top, None))) };
    let ab = &sha[..2.min(sha.len())];
    match open_folder(&top, ab, &format!("{DIR}/{ab}"), create)? {
        Some(sub) => Ok(Some((top, Some(sub)))),
        None => Ok(None),
    }
}

/// Refuses, before anything is copied, a store whose `evidence/` (or an
/// `ab/` folder in it) is a link or not a folder.
pub fn check_folders(root: &Path) -> Result<()> {
    match open_folders(root, None, false) {
        Ok(Some((top, _))) => {
            for name in names(&top) {
                if name.len() == 2 && look(&top, &name).is_ok_and(|m| !m.is_dir()) {
                    let m = Misplaced { rel: format!("{DIR}/{name}"), what: describe(&top, &name) };
                    return Err(m.refusal());
                }
            }
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e.into_error()),
    }
}

// ---- Adding: staged outside the lock, placed under it ----

/// A file copied into `evidence/` under a temp name, hashed, fsynced and
/// read-only: the long part of an add, done without the store's lock.
#[derive(Debug)]
pub struct Staged {
    pub sha256: String,
    pub size: u64,
    tmp: String,
    /// The copy already in the store with this hash, seen whole and right
    /// before the lock was taken (its stat, so that under the lock it is
    /// not read again unless it changed).
    known_good: Option<Sig>,
}

/// What a file's stat says, enough to see any change to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sig(u64, u64, i64, i64, i64, i64);

fn sig(m: &fs::Metadata) -> Sig {
    use std::os::unix::fs::MetadataExt;
    Sig(m.ino(), m.size(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec())
}

fn temp_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(".incoming{TMP_MARK}{}-{n}", std::process::id())
}

/// A new temp file in `evidence/` (made if need be), created read-only:
/// the open descriptor can still write, and the umask applies as to any
/// file lsms makes. An empty evidence/ can be taken away by another run's
/// clean-up between its making and the temp file's: it is made again,
/// once. The folder, the temp name and the file; `fail` words an error.
fn make_temp(root: &Path, fail: impl Fn(io::Error) -> Error) -> Result<(OwnedFd, String, File)> {
    let tmp = temp_name();
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut attempt = 0;
    loop {
        let (top, _) = open_folders(root, None, true).map_err(FolderErr::into_error)?.expect("made");
        match rustix::fs::openat(&top, tmp.as_str(), flags, Mode::from_raw_mode(0o444)) {
            Ok(fd) => return Ok((top, tmp, File::from(fd))),
            Err(rustix::io::Errno::NOENT) if attempt == 0 => attempt += 1,
            Err(e) => return Err(fail(errno_io(e))),
        }
    }
}

/// `result`, the temp file `tmp` in `top` removed where it failed.
fn removed_unless_ok<T>(top: &OwnedFd, tmp: &str, result: Result<T>) -> Result<T> {
    if result.is_err() {
        let _ = rustix::fs::unlinkat(top, tmp, AtFlags::empty());
    }
    result
}

/// Copies the file at `src` into the store's `evidence/` under a temp
/// name, in fixed-size chunks, hashing it as it goes; fsynced and made
/// read-only (0444 less the umask). Nothing is recorded and no object is
/// named yet: [`place`] does that under the store's lock. A source that
/// changes size while copied is refused.
pub fn stage(root: &Path, src: &Path, keys: &Keys) -> Result<Staged> {
    let (mut file, size_before) = open_source(src)?;
    let (top, tmp, out) = make_temp(root, |e| {
        Error::failed_with(
            format!("cannot copy {} into the store: {e}: nothing was added", src.display()),
            "check the store's evidence/ folder and the space left on its disk, then try again",
        )
    })?;
    let mut out = Some(out);
    let result = (|| -> Result<Staged> {
        let copied = (|| {
            let mut sink = Sink::new(out.take().expect("opened once"), keys)?;
            let (sha, n) = copy_hashing(&mut file, &mut sink)?;
            sink.finish()?.sync_all()?;
            Ok((sha, n))
        })();
        let (sha256, size) = copied.map_err(|e: io::Error| {
            if e.kind() == io::ErrorKind::WouldBlock {
                refuse_kind(src, "not a regular file")
            } else {
                Error::failed_with(
                    format!("cannot copy {} into the store: {e}: nothing was added", src.display()),
                    "check the file and the space left on the store's disk, then try again",
                )
            }
        })?;
        let size_after = file.metadata().map(|m| m.len()).unwrap_or(size);
        if size != size_before || size_after != size {
            return Err(Error::failed_with(
                format!(
                    "{} changed while it was copied (was {size_before} bytes, read {size}): nothing was added",
                    src.display()
                ),
                "wait until whatever writes it has finished (a recording still running?), then add it",
            ));
        }
        // A copy already in the store is read here, before the lock, so
        // that the lock is not held while a large file is hashed.
        let known_good = known_good(root, &sha256, size, keys);
        Ok(Staged { sha256, size, tmp: tmp.clone(), known_good })
    })();
    removed_unless_ok(&top, &tmp, result)
}

/// [`stage`] for content held in memory (an email's attachment, decoded
/// as the message was read): written under a temp name in `evidence/`,
/// hashed as it is written, fsynced and read-only; `what` names it in a
/// message.
pub fn stage_bytes(root: &Path, bytes: &[u8], what: &str, keys: &Keys) -> Result<Staged> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::failed_with(
            format!("cannot copy {what} into the store: {e}: nothing was added"),
            "check the store's evidence/ folder and the space left on its disk, then try again",
        )
    };
    let (top, tmp, out) = make_temp(root, |e| fail(&e))?;
    let result = (|| -> Result<Staged> {
        let mut sink = Sink::new(out, keys).map_err(|e| fail(&e))?;
        let (sha256, size) = copy_hashing(&mut &bytes[..], &mut sink).map_err(|e| fail(&e))?;
        let out = sink.finish().map_err(|e| fail(&e))?;
        if !super::fsio::deferred() {
            out.sync_all().map_err(|e| fail(&e))?;
        }
        let known_good = known_good(root, &sha256, size, keys);
        Ok(Staged { sha256, size, tmp: tmp.clone(), known_good })
    })();
    removed_unless_ok(&top, &tmp, result)
}

/// The stat of the copy already in the store with this hash, when it is
/// whole and in the form this store writes (sealed in a sealed store).
fn known_good(root: &Path, sha256: &str, size: u64, keys: &Keys) -> Option<Sig> {
    let Ok(Some((_, Some(sub)))) = open_folders(root, Some(sha256), false) else { return None };
    let m = look(&sub, sha256).ok().filter(|m| m.is_file())?;
    inspect(&sub, sha256, size, &m, keys).is_none().then(|| sig(&m))
}

// ---- Seal, unseal, rekey: every object written in the store's new form ----

/// Every evidence object in the store (`evidence/ab/<sha256>`, a regular
/// file, never through a link) and whether it is sealed (an age file).
pub fn objects(root: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let Ok(Some((top, _))) = open_folders(root, None, false) else { return out };
    for ab in names(&top) {
        if ab.len() != 2 {
            continue;
        }
        let Ok(Some(sub)) = open_folder(&top, &ab, &format!("{DIR}/{ab}"), false) else { continue };
        for name in names(&sub) {
            if !(is_sha256(&name) && name.starts_with(&ab)) {
                continue;
            }
            if let Ok(mut file) = open_in(&sub, &name) {
                out.push((name, is_age_file(&mut file)));
            }
        }
    }
    out.sort();
    out
}

/// Writes object `sha256` anew in the form `keys` says (sealed to
/// `keys.to`, or plain when it is empty), opened with `keys.id` when it
/// is sealed: streaming, hashed as it passes (it must still be the file
/// its name says), fsynced and read-only, under a temp name that
/// [`replace`] puts in place. Nothing in the store changes yet.
pub fn rewrite(root: &Path, sha256: &str, keys: &Keys) -> Result<Staged> {
    let rel = rel_path(sha256);
    let refuse = |f: Fault| Error::failed_with(format!("{rel} is {f}: nothing was changed"), f.help(&rel));
    let mut src = read_object(root, sha256, keys).map_err(refuse)?;
    let (top, tmp, out) = make_temp(root, |e| Error::io("write", &root.join(DIR))(e))?;
    let result = (|| -> Result<Staged> {
        let written = (|| -> io::Result<(String, u64)> {
            let mut sink = Sink::new(out, keys)?;
            let (h, n) = copy_hashing(&mut src, &mut sink)?;
            sink.finish()?.sync_all()?;
            Ok((h, n))
        })();
        let (h, n) = written.map_err(|e| refuse(read_fault(e)))?;
        if h != sha256 {
            return Err(refuse(mismatch(root, sha256, h, n)));
        }
        Ok(Staged { sha256: h, size: n, tmp: tmp.clone(), known_good: None })
    })();
    removed_unless_ok(&top, &tmp, result)
}

/// Puts a [`rewrite`] in place of the object, in one rename.
pub fn replace(root: &Path, staged: &Staged) -> Result<()> {
    let sha = staged.sha256.as_str();
    let rel = rel_path(sha);
    let (top, sub) = open_folders(root, Some(sha), false)
        .map_err(FolderErr::into_error)?
        .ok_or_else(|| Error::failed(format!("{rel}: its folder went while it was rewritten")))?;
    let sub = sub.expect("asked for");
    rustix::fs::renameat(&top, staged.tmp.as_str(), &sub, sha)
        .map_err(|e| Error::io("write", &root.join(&rel))(errno_io(e)))?;
    if !super::fsio::deferred() {
        rustix::fs::fsync(&sub).map_err(|e| Error::io("sync", &root.join(&rel))(errno_io(e)))?;
    }
    Ok(())
}

/// Removes the temp copies of files that were not placed.
pub fn discard(root: &Path, staged: &[Staged]) {
    if let Ok(Some((top, _))) = open_folders(root, None, false) {
        for s in staged {
            let _ = rustix::fs::unlinkat(&top, s.tmp.as_str(), AtFlags::empty());
        }
        let _ = rustix::fs::fsync(&top);
    }
    let _ = fs::remove_dir(root.join(DIR));
}

/// A file stored as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// 64 lowercase hex digits.
    pub sha256: String,
    pub size: u64,
    /// Did this run put the file at its place (new to the store, or a
    /// restored copy)? Only such a file may be removed again when the
    /// command fails, and only when no record names it.
    pub new: bool,
    /// What was wrong with the copy in the store that this run replaced.
    pub restored: Option<Fault>,
}

/// Puts a staged file at `evidence/ab/<sha256>`, to be called under the
/// store's lock. A file there already that is whole is kept (the staged
/// copy dropped); one that is not (other bytes of any size, a link, a
/// FIFO, a Git LFS pointer) is replaced by the staged copy, atomically (a
/// rename), read-only like any evidence file; a folder there is refused.
pub fn place(root: &Path, staged: &Staged, keys: &Keys) -> Result<Stored> {
    let sha = staged.sha256.as_str();
    let (top, sub) = open_folders(root, Some(sha), true).map_err(FolderErr::into_error)?.expect("made");
    let sub = sub.expect("asked for");
    let rel = rel_path(sha);
    let stored = |new, restored| Stored { sha256: sha.to_string(), size: staged.size, new, restored };
    match rustix::fs::linkat(&top, staged.tmp.as_str(), &sub, sha, AtFlags::empty()) {
        Ok(()) => {
            let _ = rustix::fs::unlinkat(&top, staged.tmp.as_str(), AtFlags::empty());
            if !super::fsio::deferred() {
                rustix::fs::fsync(&sub).map_err(|e| Error::io("sync", &root.join(&rel))(errno_io(e)))?;
                let _ = rustix::fs::fsync(&top);
            }
            return Ok(stored(true, None));
        }
        Err(rustix::io::Errno::EXIST) => {}
        Err(e) => return Err(Error::io("store", &root.join(&rel))(errno_io(e))),
    }
    let meta = look(&sub, sha).map_err(Error::io("read", &root.join(&rel)))?;
    let fault = if meta.is_dir() {
        return Err(Error::failed_with(
            format!("{rel} is a folder where this file's copy belongs: nothing was added"),
            format!(
                "look at what it holds, move it out of the store (`mv {rel} …`), then add the file again"
            ),
        ));
    } else if staged.known_good == Some(sig(&meta)) {
        None
    } else {
        inspect(&sub, sha, staged.size, &meta, keys)
    };
    let Some(fault) = fault else {
        let _ = rustix::fs::unlinkat(&top, staged.tmp.as_str(), AtFlags::empty());
        return Ok(stored(false, None));
    };
    // The copy in the store is not this file: the staged copy replaces it
    // in one rename (a reader sees the old or the new, never half).
    rustix::fs::renameat(&top, staged.tmp.as_str(), &sub, sha)
        .map_err(|e| Error::io("restore", &root.join(&rel))(errno_io(e)))?;
    rustix::fs::fsync(&sub).map_err(|e| Error::io("sync", &root.join(&rel))(errno_io(e)))?;
    let _ = rustix::fs::fsync(&top);
    Ok(stored(true, Some(fault)))
}

/// Removes the files this run put in place, when the command then failed,
/// but only those that no record names (`named`: every SHA-256 any
/// incident records or keeps in its history, read under the lock, which
/// the caller still holds). A copy this run restored, or one another
/// incident recorded meanwhile, stays.
pub fn remove_unnamed(root: &Path, stored: &[Stored], named: &std::collections::HashSet<String>) {
    for s in stored.iter().filter(|s| s.new && !named.contains(&s.sha256)) {
        let Ok(Some((top, Some(sub)))) = open_folders(root, Some(&s.sha256), false) else { continue };
        if rustix::fs::unlinkat(&sub, s.sha256.as_str(), AtFlags::empty()).is_ok() {
            let _ = rustix::fs::fsync(&sub);
            // The folder goes too if this was its only file.
            let _ = rustix::fs::unlinkat(&top, &s.sha256[..2], AtFlags::REMOVEDIR);
        }
    }
    let _ = fs::remove_dir(root.join(DIR));
}

/// What `check` notes in `evidence/` beside the recorded files: temp
/// files left by a copy that was killed, files that no incident records
/// (store-relative paths, sorted), and places that are not the store's own
/// folders (a link, a file where a folder should be). A listing only:
/// nothing is read.
#[derive(Debug, Default)]
pub struct Survey {
    pub leftovers: Vec<String>,
    pub unrecorded: Vec<String>,
    pub misplaced: Vec<Misplaced>,
}

pub fn survey(root: &Path, recorded: &std::collections::HashSet<&str>) -> Survey {
    let mut out = Survey::default();
    let top = match open_folders(root, None, false) {
        Ok(Some((top, _))) => top,
        Ok(None) => return out,
        Err(FolderErr::Misplaced(m)) => {
            out.misplaced.push(m);
            return out;
        }
        Err(FolderErr::Io(..)) => return out,
    };
    for name in names(&top) {
        if name.contains(TMP_MARK) {
            out.leftovers.push(format!("{DIR}/{name}"));
            continue;
        }
        let rel = format!("{DIR}/{name}");
        let sub = match open_folder(&top, &name, &rel, false) {
            Ok(Some(sub)) => sub,
            Ok(None) => continue,
            Err(FolderErr::Misplaced(m)) if name.len() == 2 => {
                out.misplaced.push(m);
                continue;
            }
            Err(_) => {
                out.unrecorded.push(rel);
                continue;
            }
        };
        for file in names(&sub) {
            if !(is_sha256(&file) && file.starts_with(&name) && recorded.contains(file.as_str())) {
                out.unrecorded.push(format!("{rel}/{file}"));
            }
        }
    }
    out.leftovers.sort();
    out.unrecorded.sort();
    out.misplaced.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

// ---- Reading and checking what the store holds ----

/// What is wrong with a stored object, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Missing,
    /// A FIFO, a device, a socket, a folder: what it is.
    NotAFile(&'static str),
    /// A symbolic link, with where it points: not the store's own copy.
    Link(String),
    /// Its folder is not one of the store's own (a link, a file).
    Folder(Misplaced),
    Size(u64),
    Changed(String),
    /// A Git LFS pointer to this very file: a clone whose Git LFS objects
    /// are not fetched yet. A warning, not damage.
    NotFetched,
    /// A Git LFS pointer to another file (its oid).
    Pointer(String),
    Unreadable(String),
    /// Sealed, and this user has no identity: the contents were not
    /// checked. A warning.
    NoKey,
    /// Sealed to other recipients: not checked. A warning.
    NotForYou,
    /// Sealed, and it does not open: changed or cut short.
    Broken(String),
    /// Plain in a sealed store (never written so by lsms): re-adding the
    /// original seals it.
    Plain,
}

impl Fault {
    /// Only a warning: the file is not here yet, but nothing is wrong.
    pub fn is_warning(&self) -> bool {
        matches!(self, Fault::NotFetched | Fault::NoKey | Fault::NotForYou)
    }

    /// What to do about it.
    pub fn help(&self, rel: &str) -> String {
        match self {
            Fault::NotFetched => "run `git lfs pull` in the store to fetch the evidence files \
                                  (install Git LFS first if `git lfs` is not found)"
                .to_string(),
            Fault::NoKey => "give your identity (--identity FILE, $LSMS_IDENTITY) to open and check it; \
                             without one, make it with `lsms keys new` and ask a recipient to add you and `lsms rekey`"
                .to_string(),
            Fault::NotForYou => "ask one of the store's recipients to add your public key (`lsms keys add`) \
                                 and run `lsms rekey`"
                .to_string(),
            Fault::Folder(m) => format!(
                "{} should be a folder of the store: put the files it should hold in a real folder there \
                 (for a link: `rm {}`, then copy what it pointed to into a new folder of that name)",
                m.rel, m.rel
            ),
            Fault::Link(_) | Fault::NotAFile(_) => format!(
                "remove it (`rm {rel}`) and add the original again with `lsms evidence add`, which puts the file itself back"
            ),
            _ => "restore it from a copy of the original (`lsms evidence add` of the original puts it back)"
                .to_string(),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Missing => write!(f, "missing"),
            Fault::NotAFile(what) => write!(f, "{what}, not a regular file"),
            Fault::Link(to) => write!(f, "a symbolic link (to {to}), not the file itself"),
            Fault::Folder(m) => write!(f, "not in the store's own folders: {} is {}", m.rel, m.what),
            Fault::Size(n) => write!(f, "changed: it is {n} bytes"),
            Fault::Changed(h) => write!(f, "changed: its SHA-256 is now {h}"),
            Fault::NotFetched => write!(f, "not fetched yet (a Git LFS pointer): run `git lfs pull`"),
            Fault::Pointer(oid) => {
                write!(f, "changed: it is a Git LFS pointer to another file (sha256 {oid})")
            }
            Fault::Unreadable(e) => write!(f, "cannot be read: {e}"),
            Fault::NoKey => write!(f, "sealed: its contents were not verified, for want of a key"),
            Fault::NotForYou => {
                write!(f, "sealed to other recipients: its contents were not verified, for want of a key")
            }
            Fault::Broken(e) => write!(f, "changed: sealed, it does not open ({e})"),
            Fault::Plain => write!(f, "plain text in a sealed store"),
        }
    }
}

/// The largest Git LFS pointer file (the specification's limit).
const POINTER_MAX: u64 = 1024;

/// A Git LFS pointer file's oid (SHA-256) and size, if `bytes` is one:
/// `version https://git-lfs.github.com/spec/v1`, `oid sha256:<hex>`,
/// `size N`, one key a line.
pub fn lfs_pointer(bytes: &[u8]) -> Option<(String, u64)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.lines();
    if lines.next()? != "version https://git-lfs.github.com/spec/v1" {
        return None;
    }
    let (mut oid, mut size) = (None, None);
    for line in lines {
        if let Some(h) = line.strip_prefix("oid sha256:") {
            oid = Some(h.to_string()).filter(|h| is_sha256(h));
        } else if let Some(n) = line.strip_prefix("size ") {
            size = n.parse::<u64>().ok();
        }
    }
    Some((oid?, size?))
}

/// A stored object that is not its file's bytes may be a Git LFS pointer:
/// to this file (not fetched yet), or to another (changed).
fn pointer_fault(sub: &OwnedFd, sha256: &str, len: u64) -> Option<Fault> {
    if len > POINTER_MAX {
        return None;
    }
    let mut bytes = Vec::new();
    open_in(sub, sha256).ok()?.take(POINTER_MAX + 1).read_to_end(&mut bytes).ok()?;
    let (oid, _) = lfs_pointer(&bytes)?;
    Some(if oid == sha256 { Fault::NotFetched } else { Fault::Pointer(oid) })
}

/// Opens a regular file in a folder for reading: never through a link,
/// never waited on.
fn open_in(sub: &OwnedFd, name: &str) -> std::result::Result<File, Fault> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let f = match rustix::fs::openat(sub, name, flags, Mode::empty()) {
        Ok(fd) => File::from(fd),
        Err(rustix::io::Errno::NOENT) => return Err(Fault::Missing),
        Err(rustix::io::Errno::LOOP) => return Err(Fault::Link(link_target(sub, name))),
        Err(e) => return Err(Fault::Unreadable(errno_io(e).to_string())),
    };
    match f.metadata() {
        Ok(m) if m.is_file() => Ok(f),
        Ok(m) => Err(Fault::NotAFile(not_regular(m.file_type()).unwrap_or("not a regular file"))),
        Err(e) => Err(Fault::Unreadable(e.to_string())),
    }
}

fn link_target(dir: &OwnedFd, name: &str) -> String {
    rustix::fs::readlinkat(dir, name, Vec::new())
        .map(|t| t.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What is wrong with the thing at `name` (looked at as `meta`), against
/// the file whose hash is `sha256` and size `size`; it is read and hashed
/// when it is a regular file of that size.
///
/// In a sealed store a plain copy is not in the form the store writes
/// ([`Fault::Plain`]: replaced by the sealed one), and a sealed copy that
/// this user cannot open is kept as it is (it cannot be checked, and a
/// sealed file never changes but by `seal`, `unseal` and `rekey`).
fn inspect(sub: &OwnedFd, sha256: &str, size: u64, meta: &fs::Metadata, keys: &Keys) -> Option<Fault> {
    if meta.file_type().is_symlink() {
        return Some(Fault::Link(link_target(sub, sha256)));
    }
    if let Some(what) = not_regular(meta.file_type()) {
        return Some(Fault::NotAFile(what));
    }
    let sealed = keys.sealed && open_in(sub, sha256).is_ok_and(|mut f| is_age_file(&mut f));
    if !sealed && meta.len() != size {
        return Some(pointer_fault(sub, sha256, meta.len()).unwrap_or(Fault::Size(meta.len())));
    }
    match content_fault(sub, sha256, size, keys) {
        Some(Fault::NoKey | Fault::NotForYou) => None,
        None if !sealed && keys.sealing() => Some(Fault::Plain),
        f => f,
    }
}

/// Re-hashes a regular file in `sub`: `None` when it is the file named.
fn content_fault(sub: &OwnedFd, sha256: &str, size: u64, keys: &Keys) -> Option<Fault> {
    let f = match open_in(sub, sha256) {
        Ok(f) => f,
        Err(fault) => return Some(fault),
    };
    match hash_object(f, sha256, keys) {
        Err(fault) => Some(fault),
        Ok((h, n)) if h != sha256 => Some(pointer_fault(sub, sha256, n).unwrap_or(Fault::Changed(h))),
        Ok((_, n)) if n != size => Some(Fault::Size(n)),
        Ok(_) => None,
    }
}

/// The `ab/` folder of an object, for reading.
fn folder_of(root: &Path, sha256: &str) -> std::result::Result<OwnedFd, Fault> {
    match open_folders(root, Some(sha256), false) {
        Ok(Some((_, Some(sub)))) => Ok(sub),
        Ok(_) => Err(Fault::Missing),
        Err(e) => Err(e.into_fault()),
    }
}

/// Is the object present, itself, with its recorded size? (a stat, no
/// reading, but of a small file that may be a Git LFS pointer, or, in a
/// `sealed` store, an age file)
pub fn stat(root: &Path, sha256: &str, size: u64, sealed: bool) -> Option<Fault> {
    let sub = match folder_of(root, sha256) {
        Ok(sub) => sub,
        Err(f) => return Some(f),
    };
    match look(&sub, sha256) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some(Fault::Missing),
        Err(e) => Some(Fault::Unreadable(e.to_string())),
        Ok(m) if m.file_type().is_symlink() => Some(Fault::Link(link_target(&sub, sha256))),
        Ok(m) if !m.is_file() => {
            Some(Fault::NotAFile(not_regular(m.file_type()).unwrap_or("not a regular file")))
        }
        // A sealed file is longer than the original: that it is an age
        // file is what a look can tell; `evidence verify` opens it. In a
        // plain store an age file is evidence as it was given (sent
        // encrypted), of its recorded size.
        Ok(m) if m.len() != size => {
            if sealed && open_in(&sub, sha256).is_ok_and(|mut f| is_age_file(&mut f)) {
                None
            } else {
                Some(pointer_fault(&sub, sha256, m.len()).unwrap_or(Fault::Size(m.len())))
            }
        }
        Ok(_) => None,
    }
}

/// What a stored object holds, as a stream: opened with the identity when
/// it is sealed.
pub fn read_object(root: &Path, sha256: &str, keys: &Keys) -> std::result::Result<Box<dyn Read>, Fault> {
    source(open_object(root, sha256)?, sha256, keys)
}

/// Opens a stored object for reading: the store's own regular file, never
/// through a link, never waited on.
pub fn open_object(root: &Path, sha256: &str) -> std::result::Result<File, Fault> {
    let sub = folder_of(root, sha256)?;
    // A device is not opened at all: what it is is looked at first.
    match look(&sub, sha256) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Fault::Missing),
        Err(e) => return Err(Fault::Unreadable(e.to_string())),
        Ok(m) if m.file_type().is_symlink() => return Err(Fault::Link(link_target(&sub, sha256))),
        Ok(m) if !m.is_file() => {
            return Err(Fault::NotAFile(not_regular(m.file_type()).unwrap_or("not a regular file")));
        }
        Ok(_) => {}
    }
    open_in(&sub, sha256)
}

/// What a stored object that was read is, once its hash is not the one
/// wanted: a Git LFS pointer (to it, or to another file), or changed.
pub fn mismatch(root: &Path, sha256: &str, hashed: String, len: u64) -> Fault {
    folder_of(root, sha256)
        .ok()
        .and_then(|sub| pointer_fault(&sub, sha256, len))
        .unwrap_or(Fault::Changed(hashed))
}

/// Re-hashes a stored object: `None` when its content is what its name
/// says, whatever any record says of its size.
pub fn check_content(root: &Path, sha256: &str, keys: &Keys) -> Option<Fault> {
    let f = match open_object(root, sha256) {
        Ok(f) => f,
        Err(fault) => return Some(fault),
    };
    match hash_object(f, sha256, keys) {
        Err(fault) => Some(fault),
        Ok((h, n)) if h != sha256 => Some(mismatch(root, sha256, h, n)),
        Ok(_) => None,
    }
}

/// Re-hashes a stored object: `None` when it is as recorded.
pub fn verify(root: &Path, sha256: &str, size: u64, keys: &Keys) -> Option<Fault> {
    let f = match open_object(root, sha256) {
        Ok(f) => f,
        Err(fault) => return Some(fault),
    };
    match hash_object(f, sha256, keys) {
        Err(fault) => Some(fault),
        Ok((h, n)) if h != sha256 => Some(mismatch(root, sha256, h, n)),
        Ok((_, n)) if n != size => Some(Fault::Size(n)),
        Ok(_) => None,
    }
}

/// For `check`: each evidence file an incident records that is missing,
/// not the store's own regular file, or not its recorded size (a stat
/// each, no reading); a Git LFS pointer to the file, not fetched yet, as a
/// warning. A file in a folder that is not the store's own is left to the
/// survey, which names the folder once.
pub fn stat_problems(
    store: &super::Store,
    id: &crate::model::Id,
    evidence: &[(String, String, u64)],
) -> (Vec<Error>, Vec<Error>) {
    let (mut problems, mut warnings) = (Vec::new(), Vec::new());
    for (sha, name, size) in evidence {
        if !crate::model::incident::is_sha256(sha) {
            continue;
        }
        let Some(f) = stat(&store.root, sha, *size, store.is_sealed()) else { continue };
        let rel = rel_path(sha);
        let name = crate::model::text::for_terminal(name, false);
        match f {
            Fault::Folder(_) => {}
            f if f.is_warning() => warnings.push(Error::failed_with(
                format!("warning: {id}: evidence file {name} ({rel}) is {f}"),
                f.help(&rel),
            )),
            f => problems.push(Error::failed_with(
                format!("{id}: evidence file {name} ({rel}) is {f}"),
                format!("{}; `lsms evidence verify` re-hashes every file", f.help(&rel)),
            )),
        }
    }
    (problems, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn hashes_as_sha256_does() {
        let (h, n) = hash_reader(&mut &b"abc"[..]).unwrap();
        assert_eq!(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(n, 3);
        let (h, _) = hash_reader(&mut &b""[..]).unwrap();
        assert_eq!(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // Across chunk boundaries, the same as in one piece.
        let big = vec![7u8; CHUNK * 2 + 5];
        let (h1, n1) = hash_reader(&mut &big[..]).unwrap();
        assert_eq!(n1, big.len() as u64);
        assert_eq!(h1, hex(&Sha256::digest(&big)));
        assert!(is_sha256(&h1));
        assert!(!is_sha256(&h1.to_uppercase()));
    }

    fn store_file(root: &Path, src: &Path) -> Stored {
        let staged = stage(root, src, &Keys::plain()).unwrap();
        place(root, &staged, &Keys::plain()).unwrap()
    }

    #[test]
    fn stores_once_read_only_and_keeps_an_existing_object() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("still.jpg");
        fs::write(&src, b"a CCTV still").unwrap();
        let root = d.path().join("store");
        fs::create_dir(&root).unwrap();
        let first = store_file(&root, &src);
        assert!(first.new);
        let path = root.join(rel_path(&first.sha256));
        assert_eq!(fs::read(&path).unwrap(), b"a CCTV still");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only");
        let again = store_file(&root, &src);
        assert_eq!(again, Stored { new: false, ..first.clone() });
        let names: Vec<_> = fs::read_dir(root.join(DIR)).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temp file left behind: {names:?}");
        assert_eq!(verify(&root, &first.sha256, first.size, &Keys::plain()), None);
        assert_eq!(stat(&root, &first.sha256, first.size + 1, false), Some(Fault::Size(first.size)));
    }

    #[test]
    fn a_copy_with_other_bytes_of_the_same_size_is_replaced_read_only() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("still.jpg");
        fs::write(&src, b"a CCTV still").unwrap();
        let root = d.path().join("store");
        fs::create_dir(&root).unwrap();
        let first = store_file(&root, &src);
        let path = root.join(rel_path(&first.sha256));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(&path, b"a CCTV STILL").unwrap();
        let again = store_file(&root, &src);
        assert!(again.new);
        assert!(matches!(again.restored, Some(Fault::Changed(_))), "{again:?}");
        assert_eq!(fs::read(&path).unwrap(), b"a CCTV still");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only again");
    }

    #[test]
    fn a_sealed_copy_keeps_the_originals_hash_and_opens_only_with_the_key() {
        let (text, public) = crate::seal::new_identity("test");
        let me = crate::seal::Identity::parse(&text).unwrap();
        let sealing =
            || Keys { to: vec![crate::seal::Recipient::parse(&public).unwrap()], id: None, sealed: true };
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("still.jpg");
        let original = vec![9u8; CHUNK * 2 + 7];
        fs::write(&src, &original).unwrap();
        let root = d.path().join("store");
        fs::create_dir(&root).unwrap();
        let stored = place(&root, &stage(&root, &src, &sealing()).unwrap(), &sealing()).unwrap();
        assert_eq!(stored.sha256, hex(&Sha256::digest(&original)));
        assert_eq!(stored.size, original.len() as u64);
        let on_disk = fs::read(root.join(rel_path(&stored.sha256))).unwrap();
        assert!(on_disk.starts_with(crate::seal::AGE_MAGIC));
        assert_eq!(stat(&root, &stored.sha256, stored.size, true), None, "an age file, looked at");
        assert_eq!(verify(&root, &stored.sha256, stored.size, &sealing()), Some(Fault::NoKey));
        let opening = Keys { to: Vec::new(), id: Some(&me), sealed: true };
        assert_eq!(verify(&root, &stored.sha256, stored.size, &opening), None);
        let mut back = Vec::new();
        read_object(&root, &stored.sha256, &opening).unwrap().read_to_end(&mut back).unwrap();
        assert_eq!(back, original);
        let (other, _) = crate::seal::new_identity("other");
        let other = crate::seal::Identity::parse(&other).unwrap();
        let theirs = Keys { to: Vec::new(), id: Some(&other), sealed: true };
        assert_eq!(verify(&root, &stored.sha256, stored.size, &theirs), Some(Fault::NotForYou));
    }

    #[test]
    fn evidence_that_is_itself_an_age_file_is_read_plain_in_a_plain_store() {
        let (text, public) = crate::seal::new_identity("test");
        let me = crate::seal::Identity::parse(&text).unwrap();
        let mut sent = Vec::new();
        let mut w =
            crate::seal::seal_stream(&[crate::seal::Recipient::parse(&public).unwrap()], &mut sent).unwrap();
        w.write_all(b"a file the police sent sealed").unwrap();
        w.finish().unwrap();
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("sent.age");
        fs::write(&src, &sent).unwrap();
        let root = d.path().join("store");
        fs::create_dir(&root).unwrap();
        let stored = store_file(&root, &src);
        for keys in [Keys::plain(), Keys { to: Vec::new(), id: Some(&me), sealed: false }] {
            assert_eq!(verify(&root, &stored.sha256, stored.size, &keys), None);
            let mut back = Vec::new();
            read_object(&root, &stored.sha256, &keys).unwrap().read_to_end(&mut back).unwrap();
            assert_eq!(back, sent);
        }
        // Cut short, it is named by a look, as a plain file would be.
        let path = root.join(rel_path(&stored.sha256));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        fs::write(&path, &sent[..30]).unwrap();
        assert_eq!(stat(&root, &stored.sha256, stored.size, false), Some(Fault::Size(30)));
    }

    #[test]
    fn reads_a_git_lfs_pointer() {
        let oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393";
        let p = format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 12345\n");
        assert_eq!(lfs_pointer(p.as_bytes()), Some((oid.to_string(), 12345)));
        assert_eq!(lfs_pointer(b"version https://git-lfs.github.com/spec/v1\nsize 3\n"), None);
        assert_eq!(lfs_pointer(b"a CCTV still"), None);
        assert_eq!(lfs_pointer(p.replace("sha256:4d", "sha256:zz").as_bytes()), None);
    }
}
