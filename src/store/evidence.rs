//! Evidence files in the store, content-addressed by SHA-256:
//! `evidence/ab/<sha256>` (the first two hex digits as the folder), read
//! only. A file is copied in streaming, in fixed-size chunks, hashed as it
//! is copied, so a 2 GB CCTV file needs no more memory than a photo.
//! SHA-256 is RustCrypto's `sha2`: a vetted implementation, since a
//! court may rely on the hash.

use super::fsio::{TMP_MARK, mkdirs};
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The store's folder of evidence files.
pub const DIR: &str = "evidence";

/// How much is read and written at a time: the memory a copy needs.
pub const CHUNK: usize = 256 * 1024;

use super::fsio::{O_NONBLOCK, sync_dir};

/// A file stored as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// 64 lowercase hex digits.
    pub sha256: String,
    pub size: u64,
    /// Was the object new to the store (so a failed command removes it)?
    pub new: bool,
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

fn temp_in(dir: &Path) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    dir.join(format!(".incoming{TMP_MARK}{}-{n}", std::process::id()))
}

/// Copies the file at `src` into the store at `root` as
/// `evidence/ab/<sha256>`: streamed to a temp file in `evidence/` while
/// hashed, fsynced, made read-only (0444 less the umask), then linked into
/// place (never over a file already there) and the folders fsynced. An
/// object already in the store with that hash is kept, once its size is
/// seen to be right. A source that changes size while copied is refused.
pub fn store_file(root: &Path, src: &Path) -> Result<Stored> {
    let (mut file, size_before) = open_source(src)?;
    let top = root.join(DIR);
    mkdirs(&top)?;
    let tmp = temp_in(&top);
    let result = (|| -> Result<Stored> {
        let copied = (|| {
            // Created read-only: the open descriptor can still write, and
            // the umask applies as to any file lsms makes.
            let mut out = OpenOptions::new().write(true).create_new(true).mode(0o444).open(&tmp)?;
            let (sha, n) = copy_hashing(&mut file, &mut out)?;
            out.sync_all()?;
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
        let dir = top.join(&sha256[..2]);
        mkdirs(&dir)?;
        let dest = dir.join(&sha256);
        match fs::hard_link(&tmp, &dest) {
            Ok(()) => {
                sync_dir(&dir).map_err(Error::io("sync", &dir))?;
                Ok(Stored { sha256, size, new: true })
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let meta = fs::symlink_metadata(&dest).map_err(Error::io("read", &dest))?;
                if !meta.is_file() || meta.len() != size {
                    return Err(Error::failed_with(
                        format!(
                            "{} is already in the store but is not this file's {size} bytes: it has been damaged; nothing was added",
                            rel_path(&sha256)
                        ),
                        format!(
                            "`lsms evidence verify` names the incidents that hold it; remove the damaged file \
                             (rm -f {}) and add this file again to restore it",
                            rel_path(&sha256)
                        ),
                    ));
                }
                Ok(Stored { sha256, size, new: false })
            }
            Err(e) => Err(Error::io("store", &dest)(e)),
        }
    })();
    let _ = fs::remove_file(&tmp);
    let _ = sync_dir(&top);
    result
}

/// Removes objects this run stored new, when the command then failed.
pub fn remove_new(root: &Path, stored: &[Stored]) {
    for s in stored.iter().filter(|s| s.new) {
        let p = root.join(rel_path(&s.sha256));
        // The folder goes too if this was its only file.
        if fs::remove_file(&p).is_ok()
            && let Some(dir) = p.parent()
        {
            let _ = fs::remove_dir(dir);
        }
    }
    let _ = fs::remove_dir(root.join(DIR));
}

/// What `check` notes in `evidence/` beside the recorded files: temp
/// files left by a copy that was killed, and files that no incident
/// records (store-relative paths, sorted). A listing only: nothing is read.
pub fn survey(root: &Path, recorded: &std::collections::HashSet<&str>) -> (Vec<String>, Vec<String>) {
    let (mut leftovers, mut unrecorded) = (Vec::new(), Vec::new());
    let Ok(top) = fs::read_dir(root.join(DIR)) else { return (leftovers, unrecorded) };
    for e in top.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.contains(TMP_MARK) {
            leftovers.push(format!("{DIR}/{name}"));
            continue;
        }
        let Ok(inner) = fs::read_dir(e.path()) else {
            unrecorded.push(format!("{DIR}/{name}"));
            continue;
        };
        for f in inner.flatten() {
            let file = f.file_name().to_string_lossy().into_owned();
            if !(is_sha256(&file) && file.starts_with(&name) && recorded.contains(file.as_str())) {
                unrecorded.push(format!("{DIR}/{name}/{file}"));
            }
        }
    }
    leftovers.sort();
    unrecorded.sort();
    (leftovers, unrecorded)
}

/// What is wrong with a stored object, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Missing,
    NotAFile,
    Size(u64),
    Changed(String),
    Unreadable(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Missing => write!(f, "missing"),
            Fault::NotAFile => write!(f, "not a regular file"),
            Fault::Size(n) => write!(f, "changed: it is {n} bytes"),
            Fault::Changed(h) => write!(f, "changed: its SHA-256 is now {h}"),
            Fault::Unreadable(e) => write!(f, "cannot be read: {e}"),
        }
    }
}

/// Is the object present with its recorded size? (a stat, no reading)
pub fn stat(root: &Path, sha256: &str, size: u64) -> Option<Fault> {
    match fs::symlink_metadata(root.join(rel_path(sha256))) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some(Fault::Missing),
        Err(e) => Some(Fault::Unreadable(e.to_string())),
        Ok(m) if !m.is_file() => Some(Fault::NotAFile),
        Ok(m) if m.len() != size => Some(Fault::Size(m.len())),
        Ok(_) => None,
    }
}

/// Opens a stored object for reading (a regular file, never waited on).
pub fn open_object(root: &Path, sha256: &str) -> std::result::Result<File, Fault> {
    let path = root.join(rel_path(sha256));
    let f = match OpenOptions::new().read(true).custom_flags(O_NONBLOCK).open(&path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Fault::Missing),
        Err(e) => return Err(Fault::Unreadable(e.to_string())),
        Ok(f) => f,
    };
    match f.metadata() {
        Ok(m) if m.is_file() => Ok(f),
        Ok(_) => Err(Fault::NotAFile),
        Err(e) => Err(Fault::Unreadable(e.to_string())),
    }
}

/// Re-hashes a stored object: `None` when its content is what its name
/// says, whatever any record says of its size.
pub fn check_content(root: &Path, sha256: &str) -> Option<Fault> {
    let mut f = match open_object(root, sha256) {
        Ok(f) => f,
        Err(fault) => return Some(fault),
    };
    match hash_reader(&mut f) {
        Err(e) => Some(Fault::Unreadable(e.to_string())),
        Ok((h, _)) if h != sha256 => Some(Fault::Changed(h)),
        Ok(_) => None,
    }
}

/// Re-hashes a stored object: `None` when it is as recorded.
pub fn verify(root: &Path, sha256: &str, size: u64) -> Option<Fault> {
    let mut f = match open_object(root, sha256) {
        Ok(f) => f,
        Err(fault) => return Some(fault),
    };
    match hash_reader(&mut f) {
        Err(e) => Some(Fault::Unreadable(e.to_string())),
        Ok((h, _)) if h != sha256 => Some(Fault::Changed(h)),
        Ok((_, n)) if n != size => Some(Fault::Size(n)),
        Ok(_) => None,
    }
}

/// For `check`: each evidence file an incident records that is missing
/// or not its recorded size (a stat each, no reading).
pub fn stat_problems(
    store: &super::Store,
    id: &crate::model::Id,
    evidence: &[(String, String, u64)],
) -> Vec<Error> {
    evidence
        .iter()
        .filter_map(|(sha, name, size)| {
            let bad = if crate::model::incident::is_sha256(sha) { stat(&store.root, sha, *size) } else { None };
            bad.map(|f| {
                Error::failed_with(
                    format!("{id}: evidence file {name} ({}) is {f}", rel_path(sha)),
                    "restore it from a copy of the original (`lsms evidence add` of the original puts it back); \
                     `lsms evidence verify` re-hashes every file",
                )
            })
        })
        .collect()
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

    #[test]
    fn stores_once_read_only_and_keeps_an_existing_object() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("still.jpg");
        fs::write(&src, b"a CCTV still").unwrap();
        let root = d.path().join("store");
        fs::create_dir(&root).unwrap();
        let first = store_file(&root, &src).unwrap();
        assert!(first.new);
        let path = root.join(rel_path(&first.sha256));
        assert_eq!(fs::read(&path).unwrap(), b"a CCTV still");
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only");
        let again = store_file(&root, &src).unwrap();
        assert_eq!(again, Stored { new: false, ..first.clone() });
        let names: Vec<_> = fs::read_dir(root.join(DIR)).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temp file left behind: {names:?}");
        assert_eq!(verify(&root, &first.sha256, first.size), None);
        assert_eq!(stat(&root, &first.sha256, first.size + 1), Some(Fault::Size(first.size)));
    }
}
