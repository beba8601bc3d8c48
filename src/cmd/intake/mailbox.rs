//! Where messages come from, and where each goes once taken: a Maildir's
//! `new/` to `cur/` (or `failed/`, with a `.reason`), an mbox's taken
//! messages recorded in the store's `.lsms/intake/`, one message on
//! standard input.

use super::{Fate, Run, Tally};
use crate::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest message read: the attachment limit, encoded (base64 is 4/3
/// of the bytes), and room for the rest.
fn max_message(run: &Run<'_>) -> u64 {
    run.store.config.intake.max_attachment / 3 * 4 + (16 << 20)
}

/// Writes `bytes` to `path` whole (a temp file renamed), owner-only.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::store::fsio::write_atomic(path, bytes, crate::store::fsio::Mode::Replace)
}

/// The Maildir's `cur/` name of a message of `new/`: seen (`:2,S`).
fn seen_name(name: &str) -> String {
    match name.split_once(":2,") {
        Some((base, flags)) if flags.contains('S') => format!("{base}:2,{flags}"),
        Some((base, flags)) => {
            let mut f: Vec<char> = flags.chars().chain(['S']).collect();
            f.sort_unstable();
            format!("{base}:2,{}", f.into_iter().collect::<String>())
        }
        None => format!("{name}:2,S"),
    }
}

/// Moves a message of the Maildir `dir` from `new/` to `failed/`, its
/// reason in `failed/NAME.reason` (the caller syncs the folders).
fn to_failed(dir: &Path, name: &str, why: &str) -> std::io::Result<()> {
    let failed = dir.join("failed");
    std::fs::create_dir_all(&failed)?;
    write_new(&failed.join(format!("{name}.reason")), format!("{why}\n").as_bytes())?;
    std::fs::rename(dir.join("new").join(name), failed.join(name))
}

/// How many messages are taken between two syncs of the file system:
/// each batch's cases are made durable together, then its messages moved.
const BATCH: usize = 256;

/// Each message of the Maildir `dir`'s `new/`, in name order (the order
/// they arrived in, for names a delivery agent makes). The cases of a
/// batch are written without a sync each, then made durable together
/// (`syncfs`), and only then are its messages moved: a message is never
/// marked read before its case is on disk.
pub fn maildir(run: &mut Run<'_>, dir: &Path) -> Result<Tally> {
    crate::store::fsio::defer_sync(true);
    let result = maildir_batched(run, dir);
    crate::store::fsio::defer_sync(false);
    result
}

fn maildir_batched(run: &mut Run<'_>, dir: &Path) -> Result<Tally> {
    let new = dir.join("new");
    let cur = dir.join("cur");
    let meta = std::fs::metadata(&new).map_err(|e| {
        Error::failed_with(
            format!("{}: not a Maildir ({}: {e})", dir.display(), new.display()),
            "give the Maildir's folder, the one holding new/, cur/ and tmp/",
        )
    })?;
    if !meta.is_dir() {
        return Err(Error::failed_with(format!("{}: not a folder", new.display()), "give a Maildir"));
    }
    std::fs::create_dir_all(&cur).map_err(Error::io("create the folder", &cur))?;
    let mut names: Vec<String> = std::fs::read_dir(&new)
        .map_err(Error::io("read", &new))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let limit = max_message(run);
    let mut tally = Tally::default();
    for batch in names.chunks(BATCH) {
        let mut done = Vec::new();
        for name in batch {
            let path = new.join(name);
            let fate = match crate::store::fsio::read_bounded(&path, limit, false) {
                Ok(raw) => run.take(&raw),
                Err(crate::store::fsio::NotRead::TooLarge(n)) => Fate::Failed(format!(
                    "the message is {}, over the {} a message may be (intake: {{ max_attachment_mb }} in lsms.yaml)",
                    crate::store::fsio::size_shown(n),
                    crate::store::fsio::size_shown(limit)
                )),
                // Gone meanwhile (taken by hand): nothing to do.
                Err(crate::store::fsio::NotRead::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    continue;
                }
                Err(crate::store::fsio::NotRead::Io(e)) => Fate::Failed(format!("cannot be read: {e}")),
                Err(crate::store::fsio::NotRead::Special(what)) => {
                    Fate::Failed(format!("{what}, not a message file"))
                }
            };
            done.push((name, fate));
        }
        // The batch's cases on disk, then its messages moved.
        crate::store::fsio::sync_fs(&run.store.root).map_err(Error::io("sync", &run.store.root))?;
        let mut failed_any = false;
        for (name, fate) in done {
            let path = new.join(name);
            let moved = match &fate {
                Fate::New(_) | Fate::Reply(_) | Fate::Already => {
                    std::fs::rename(&path, cur.join(seen_name(name)))
                }
                Fate::Failed(why) => {
                    failed_any = true;
                    to_failed(dir, name, why)
                }
                Fate::Retry(..) => Ok(()),
            };
            let shown = match (&fate, moved) {
                (_, Err(e)) => {
                    tally.failed.push((
                        format!("new/{name}"),
                        format!("taken, but it could not be moved out of new/: {e}"),
                    ));
                    continue;
                }
                (Fate::Failed(_), Ok(())) => format!("failed/{name}"),
                _ => format!("new/{name}"),
            };
            tally.count(run.ctx, &shown, &fate);
        }
        crate::store::fsio::sync_dir(&cur).map_err(Error::io("sync", &cur))?;
        crate::store::fsio::sync_dir(&new).map_err(Error::io("sync", &new))?;
        if failed_any {
            let failed = dir.join("failed");
            crate::store::fsio::sync_dir(&failed).map_err(Error::io("sync", &failed))?;
        }
    }
    Ok(tally)
}

/// The store's own folder for intake's records: `.lsms/intake/`.
fn state_dir(run: &Run<'_>) -> Result<PathBuf> {
    let dir = run.store.own_dir(".lsms/intake")?;
    crate::store::fsio::mkdirs(&dir.join("failed"))?;
    Ok(dir)
}

/// Keeps a copy of a message that failed, with its reason, in
/// `.lsms/intake/failed/`; its name there.
fn keep_failed(run: &Run<'_>, raw: &[u8], why: &str) -> Result<String> {
    let dir = state_dir(run)?.join("failed");
    let sha = super::message::sha256_hex(raw);
    let stem = &sha[..16.min(sha.len())];
    let why = format!("{why}\n");
    // In a sealed store the copy and its reason (which may name an
    // attachment) are sealed too (`age -d` opens them): a message is
    // personal data, and `.lsms/` is no exception.
    let files = if run.store.is_sealed() {
        let to: Vec<crate::seal::Recipient> = run.store.recipients().into_iter().map(|(_, r)| r).collect();
        let seal = |bytes: &[u8]| -> Result<Vec<u8>> {
            let mut out = Vec::with_capacity(bytes.len() + 512);
            let mut w = crate::seal::seal_stream(&to, &mut out).map_err(Error::io("seal", &dir))?;
            std::io::Write::write_all(&mut w, bytes).map_err(Error::io("seal", &dir))?;
            w.finish().map_err(Error::io("seal", &dir))?;
            Ok(out)
        };
        [(format!("{stem}.eml.age"), seal(raw)?), (format!("{stem}.reason.age"), seal(why.as_bytes())?)]
    } else {
        [(format!("{stem}.eml"), raw.to_vec()), (format!("{stem}.eml.reason"), why.into_bytes())]
    };
    for (name, bytes) in &files {
        write_new(&dir.join(name), bytes).map_err(Error::io("write", &dir.join(name)))?;
    }
    Ok(format!(".lsms/intake/failed/{}", files[0].0))
}

/// Each message of an mbox not taken before (by its Message-ID, or the
/// SHA-256 of its bytes, recorded in `.lsms/intake/mbox-taken` once its
/// case is written or it is kept as failed).
pub fn mbox(run: &mut Run<'_>, file: &Path) -> Result<Tally> {
    let f = std::fs::File::open(file).map_err(|e| {
        Error::failed_with(
            format!("{}: cannot be read: {e}", file.display()),
            "give the path of an mbox file",
        )
    })?;
    let state = state_dir(run)?.join("mbox-taken");
    // What earlier runs took: a file of one id a line, read as every
    // file of the store is (never a link, FIFO or runaway size); missing
    // on the first run.
    use crate::store::fsio::{NotRead, read_bounded};
    let known = match read_bounded(&state, 256 << 20, false) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(NotRead::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(NotRead::Io(e)) => return Err(Error::io("read", &state)(e)),
        Err(NotRead::Special(what)) => {
            return Err(Error::failed_with(
                format!("{}: {what} where intake keeps the messages it took", state.display()),
                "remove it (the store's records of Message-IDs still keep each message taken once)",
            ));
        }
        Err(NotRead::TooLarge(n)) => {
            return Err(Error::failed(format!(
                "{}: {n} bytes, too large to be a record of messages",
                state.display()
            )));
        }
    };
    let mut taken: std::collections::HashSet<String> = known.lines().map(str::to_string).collect();
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&state)
        .map_err(Error::io("write", &state))?;
    let limit = max_message(run) as usize;
    let mut tally = Tally::default();
    for (n, m) in mail_parser::mailbox::mbox::MessageIterator::new(std::io::BufReader::new(f)).enumerate() {
        let shown = format!("message {}", n + 1);
        let Ok(m) = m else {
            tally.failed.push((shown, "the mbox could not be read further here".into()));
            break;
        };
        let raw = m.contents();
        let key = super::message::sha256_hex(raw);
        if taken.contains(&key) {
            tally.already += 1;
            continue;
        }
        let fate = if raw.len() > limit {
            Fate::Failed(format!(
                "the message is {}, over the limit",
                crate::store::fsio::size_shown(raw.len() as u64)
            ))
        } else {
            run.take(raw)
        };
        let shown = match &fate {
            Fate::Failed(why) => match keep_failed(run, raw, why) {
                Ok(kept) => format!("{shown} (kept as {kept})"),
                Err(e) => format!("{shown} (not kept: {e})"),
            },
            _ => shown,
        };
        if !matches!(fate, Fate::Retry(..)) {
            writeln!(log, "{key}").and_then(|()| log.sync_data()).map_err(Error::io("write", &state))?;
            taken.insert(key);
        }
        tally.count(run.ctx, &shown, &fate);
    }
    Ok(tally)
}

/// One message on standard input: taken, or kept in
/// `.lsms/intake/failed/` and the run fails (so a mail filter keeps it too).
pub fn stdin(run: &mut Run<'_>) -> Result<Tally> {
    let limit = max_message(run);
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut raw)
        .map_err(|e| Error::failed(format!("standard input could not be read: {e}")))?;
    let mut tally = Tally::default();
    let fate = if raw.len() as u64 > limit {
        Fate::Failed(format!(
            "the message is over the {} a message may be (intake: {{ max_attachment_mb }} in lsms.yaml)",
            crate::store::fsio::size_shown(limit)
        ))
    } else {
        run.take(&raw)
    };
    // Kept when it failed, or when its answer was not sent: no later run
    // sees standard input again, and taking the copy sends the answer.
    let shown = match &fate {
        Fate::Failed(why) | Fate::Retry(_, why) => match keep_failed(run, &raw, why) {
            Ok(kept) => format!("standard input (kept as {kept})"),
            Err(e) => format!("standard input (not kept: {e})"),
        },
        _ => "standard input".to_string(),
    };
    tally.count(run.ctx, &shown, &fate);
    Ok(tally)
}
