//! Writes that lose nothing: a temp file in the same folder, fsync, then a
//! rename (or a link, to create without replacing), then fsync the folder.
//! Files are made 0600 and folders 0700; a stricter umask wins.

use crate::error::{Error, Result};
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Temp files start with a dot and hold this, so every reader skips them.
/// What a file's stat says, enough to see any change to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

impl Stat {
    pub fn of(m: &std::fs::Metadata) -> Stat {
        use std::os::unix::fs::MetadataExt;
        Stat {
            size: m.size(),
            mtime_ns: m.mtime().saturating_mul(1_000_000_000).saturating_add(m.mtime_nsec()),
            ctime_ns: m.ctime().saturating_mul(1_000_000_000).saturating_add(m.ctime_nsec()),
            ino: m.ino(),
        }
    }
}

/// The largest incident file that is read (a record is a few kilobytes;
/// a larger file is named, not read into memory).
pub const MAX_FILE: u64 = 4 << 20;

/// The largest `lsms.yaml` that is read: settings are a few lines.
pub const MAX_CONFIG: u64 = 1 << 20;

/// The largest cache file that is read, or written: one month's records in
/// binary form. A larger one is ignored (never read into memory) and the
/// month is read from its files.
pub const MAX_CACHE: u64 = 64 << 20;

pub const TMP_MARK: &str = ".tmp-";

/// A size as people read it: `4 MiB`, `5.2 MiB`, `900 KiB`, `12 bytes`.
pub fn size_shown(n: u64) -> String {
    let one = |n: u64, unit: u64, name: &str| {
        if n.is_multiple_of(unit) {
            format!("{} {name}", n / unit)
        } else {
            // One decimal, rounded up: a size just over a limit never
            // shows as the limit itself.
            let tenths = (n * 10).div_ceil(unit);
            format!("{}.{} {name}", tenths / 10, tenths % 10)
        }
    };
    match n {
        n if n >= 1 << 20 => one(n, 1 << 20, "MiB"),
        n if n >= 1 << 10 => one(n, 1 << 10, "KiB"),
        n => format!("{n} bytes"),
    }
}

/// What a path is, in words, when it is not a regular file.
pub fn kind_shown(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a file"
    }
}

/// Why a bounded read gave nothing.
#[derive(Debug)]
pub enum NotRead {
    /// The path could not be opened or read.
    Io(io::Error),
    /// Not a regular file: what it is ([`kind_shown`]). Never waited on.
    Special(&'static str),
    /// Larger than the limit (the size found, by stat or while reading).
    TooLarge(u64),
}

/// Reads the regular file at `path` whole, when it is at most `limit`
/// bytes: the open never waits (`O_NONBLOCK`, so a FIFO does not block);
/// the open file's stat decides whether it is read at all, and the read
/// stops at `limit + 1` bytes should it grow meanwhile. With `follow`
/// false, a symbolic link is not followed (`O_NOFOLLOW`: an error).
pub fn read_bounded(path: &Path, limit: u64, follow: bool) -> Result<Vec<u8>, NotRead> {
    use std::io::Read;
    let mut flags = O_NONBLOCK;
    if !follow {
        flags |= O_NOFOLLOW;
    }
    let f = OpenOptions::new().read(true).custom_flags(flags).open(path).map_err(NotRead::Io)?;
    let meta = f.metadata().map_err(NotRead::Io)?;
    if !meta.is_file() {
        return Err(NotRead::Special(kind_shown(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(NotRead::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(limit + 1).read_to_end(&mut bytes).map_err(NotRead::Io)?;
    if bytes.len() as u64 > limit {
        return Err(NotRead::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

pub fn mkdirs(dir: &Path) -> Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(Error::io("create the folder", dir))
}

fn tmp_path(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}{TMP_MARK}{}-{n}", std::process::id()))
}

/// `O_NONBLOCK` (Linux): opening a FIFO never waits for a writer.
pub const O_NONBLOCK: i32 = 0o4000;

/// `O_NOFOLLOW`: a symbolic link as the last part of a path is not
/// followed (the open fails).
pub const O_NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// A folder held open, so the files in it are opened by name alone (as
/// grep does), not by walking the store's whole path again for each.
pub struct Folder(std::os::fd::OwnedFd);

impl Folder {
    pub fn open(dir: &Path) -> io::Result<Folder> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(Folder(rustix::fs::open(dir, flags, Mode::empty())?))
    }

    /// What an entry of the folder is (a symbolic link not followed) and
    /// what the cache compares of it: a look up by name alone, not a walk
    /// of the store's whole path.
    pub fn stat(&self, name: &std::ffi::OsStr) -> io::Result<(rustix::fs::FileType, Stat)> {
        use rustix::fs::{AtFlags, StatxFlags, StatxTimestamp};
        let s = rustix::fs::statx(&self.0, name, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS)?;
        let ns =
            |t: StatxTimestamp| t.tv_sec.saturating_mul(1_000_000_000).saturating_add(i64::from(t.tv_nsec));
        let stat =
            Stat { size: s.stx_size, mtime_ns: ns(s.stx_mtime), ctime_ns: ns(s.stx_ctime), ino: s.stx_ino };
        Ok((rustix::fs::FileType::from_raw_mode(u32::from(s.stx_mode)), stat))
    }

    /// Makes the file `name` in the folder with `bytes`, never over a file
    /// there (`AlreadyExists`), whole or not at all, without waiting for
    /// the disk (a batch is synced at its end, [`sync_fs`]): written to a
    /// file with no name (`O_TMPFILE`) that is then linked under its name,
    /// so the folder changes once. Where the file system cannot, as
    /// [`write_atomic`] with `Mode::CreateNewBatched` does it.
    pub fn create_new_batched(&self, dir: &Path, name: &std::ffi::OsStr, bytes: &[u8]) -> io::Result<()> {
        use rustix::fs::{AtFlags, CWD, Mode as Perm, OFlags};
        use std::os::fd::AsRawFd;
        let flags = OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC;
        let Ok(fd) = rustix::fs::openat(&self.0, ".", flags, Perm::from_raw_mode(0o600)) else {
            return write_atomic(&dir.join(name), bytes, Mode::CreateNewBatched);
        };
        let mut f = File::from(fd);
        f.write_all(bytes)?;
        let proc = format!("/proc/self/fd/{}", f.as_raw_fd());
        match rustix::fs::linkat(CWD, proc.as_str(), &self.0, name, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => Ok(()),
            Err(e) if e == rustix::io::Errno::EXIST => Err(io::ErrorKind::AlreadyExists.into()),
            // No /proc to link through: the ordinary way.
            Err(e) if e == rustix::io::Errno::NOENT => {
                write_atomic(&dir.join(name), bytes, Mode::CreateNewBatched)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Opens a file in the folder for reading; a FIFO does not wait for a
    /// writer (`O_NONBLOCK`), a symbolic link is followed.
    pub fn open_file(&self, name: &std::ffi::OsStr) -> io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::openat(&self.0, name, flags, Mode::empty())?))
    }
}

pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

static DEFERRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// For a run that writes many files and makes them durable together
/// (`intake`, thousands of messages): each write, and each evidence file
/// placed, skips its own fsyncs, and the run calls [`sync_fs`] before it
/// relies on what it wrote (before a message is marked read). Writes are
/// still whole or absent for every reader (temp file, then rename).
pub fn defer_sync(on: bool) {
    DEFERRED.store(on, Ordering::SeqCst);
}

/// Is [`defer_sync`] on?
pub fn deferred() -> bool {
    DEFERRED.load(Ordering::SeqCst)
}

/// Makes everything written to the file system holding `path` durable
/// at once (`syncfs`).
pub fn sync_fs(path: &Path) -> io::Result<()> {
    let f = File::open(path)?;
    rustix::fs::syncfs(&f).map_err(io::Error::from)
}

/// How a write treats a file already at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Never over an existing file: fails with `AlreadyExists`.
    CreateNew,
    /// Replace it whole, atomically.
    Replace,
    /// Replace it whole, but without waiting for the disk: for a cache,
    /// whose every byte is checked before it is trusted, so a file torn by
    /// a power cut is only rebuilt.
    Disposable,
    /// As `CreateNew`, but the disk is not waited for, file by file: for a
    /// batch of new files synced together at its end ([`sync_fs`]).
    CreateNewBatched,
}

/// Writes `bytes` to `path` all or nothing. With `Mode::CreateNew` an
/// existing file makes it fail with an `io::ErrorKind::AlreadyExists`.
/// The file is owner-only (0600).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Mode) -> io::Result<()> {
    write_atomic_perm(path, bytes, mode, 0o600)
}

/// As `write_atomic`, the file made with the permissions `perm` less the
/// umask: 0o600 for anything with personal data, 0o666 for a report that
/// follows the umask like any other file a person makes.
pub fn write_atomic_perm(path: &Path, bytes: &[u8], mode: Mode, perm: u32) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tmp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).mode(perm).open(&tmp)?;
        f.write_all(bytes)?;
        if !matches!(mode, Mode::Disposable | Mode::CreateNewBatched) && !deferred() {
            f.sync_all()?;
        }
        drop(f);
        // Tests set this to die between the temp file and the rename, as a
        // power cut or a kill would.
        if std::env::var_os("LSMS_TEST_ABORT_BEFORE_RENAME").is_some() {
            std::process::abort();
        }
        match mode {
            Mode::CreateNew => {
                fs::hard_link(&tmp, path)?;
                fs::remove_file(&tmp)?;
            }
            Mode::Replace => fs::rename(&tmp, path)?,
            Mode::Disposable => return fs::rename(&tmp, path),
            Mode::CreateNewBatched => {
                fs::hard_link(&tmp, path)?;
                return fs::remove_file(&tmp);
            }
        }
        if deferred() {
            return Ok(());
        }
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The store's lock, held for a read-modify-write until dropped.
pub struct Lock(#[allow(dead_code)] File);

pub fn lock(dot_dir: &Path) -> Result<Lock> {
    mkdirs(dot_dir)?;
    let path = dot_dir.join("lock");
    // A link in place of the lock file is not followed: the lock is made
    // in the store, never where a link points.
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(O_NOFOLLOW)
        .open(&path)
        .map_err(|e| match fs::symlink_metadata(&path) {
            Ok(m) if !m.is_file() => Error::failed_with(
                format!(
                    "{}: {} where the store's lock file should be: nothing was changed",
                    path.display(),
                    kind_shown(m.file_type())
                ),
                "remove it (lsms makes the lock file again), then run the command again",
            ),
            _ => Error::io("open the lock", &path)(e),
        })?;
    f.lock().map_err(Error::io("take the lock", &path))?;
    Ok(Lock(f))
}

/// Makes a FIFO at `path` (for tests of what is never waited on).
#[cfg(test)]
pub(crate) fn mkfifo(path: &Path) {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn sizes_read_as_people_read_them_and_never_round_down_to_a_limit() {
        assert_eq!(size_shown(4 << 20), "4 MiB");
        assert_eq!(size_shown((4 << 20) + 1), "4.1 MiB");
        assert_eq!(size_shown(5_000_000), "4.8 MiB");
        assert_eq!(size_shown(2048), "2 KiB");
        assert_eq!(size_shown(12), "12 bytes");
    }

    #[test]
    fn a_bounded_read_never_waits_on_a_fifo_nor_reads_past_its_limit() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe");
        mkfifo(&fifo);
        assert!(matches!(read_bounded(&fifo, 10, true), Err(NotRead::Special("a FIFO (named pipe)"))));
        assert!(matches!(read_bounded(d.path(), 10, true), Err(NotRead::Special("a folder"))));
        let big = d.path().join("big");
        File::create(&big).unwrap().set_len(11).unwrap();
        assert!(matches!(read_bounded(&big, 10, true), Err(NotRead::TooLarge(11))));
        assert_eq!(read_bounded(&big, 11, true).unwrap().len(), 11);
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&big, &link).unwrap();
        assert!(matches!(read_bounded(&link, 11, false), Err(NotRead::Io(_))), "not followed");
        assert!(read_bounded(&link, 11, true).is_ok());
    }

    #[test]
    fn creates_new_once_and_replaces_atomically() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.yaml");
        write_atomic(&p, b"one\n", Mode::CreateNew).unwrap();
        let again = write_atomic(&p, b"two\n", Mode::CreateNew).unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&p).unwrap(), b"one\n");
        write_atomic(&p, b"three\n", Mode::Replace).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"three\n");
        assert_eq!(fs::metadata(&p).unwrap().permissions().mode() & 0o077, 0);
        let names: Vec<_> = fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "no temp file left behind: {names:?}");
    }
}
