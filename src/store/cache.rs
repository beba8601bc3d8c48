//! The read cache in `.lsms/cache/`: one file per month folder holding each
//! incident in binary form beside the size, times and inode its file had
//! when it was read (and, for a file not in lsms's own form, the warnings
//! `check` gives it, so a warm `check` reads no unchanged file). An entry is used only while its file's stat is the
//! same and the file is older than the cache's own scan by a safe margin
//! (a change within the clock's granularity could otherwise hide: git's
//! "racy" problem). A cache that does not check out whole (magic, version,
//! settings, checksum) is ignored and rebuilt, never trusted. It is local
//! and rebuildable: `.lsms/` is git-ignored, and `--no-cache` bypasses it.

use crate::codec::binary::{Decoder, Encoder, VERSION};
use std::path::Path;

const MAGIC: &[u8] = b"LSMSCACHE\n";

/// How far a file must be older than the scan that cached it (ns).
const RACY_MARGIN_NS: i64 = 2_000_000_000;

pub use super::fsio::{MAX_CACHE, Stat};

pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A 64-bit checksum, eight bytes at a time (FNV-style mixing): enough to
/// tell a damaged cache file from a whole one, and quick on megabytes.
fn checksum(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ b.len() as u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        h = (h ^ x).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    }
    for x in words.remainder() {
        h = (h ^ u64::from(*x)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The form of the cache's own files and of an entry's framing around its
/// record: bump it only when that changes. The binary codec's encoding of
/// each kind of value (how a string, a time, a list or keys of one's own
/// are written) has its own number, `codec::binary::VERSION`: bump that
/// only when how a kind is encoded changes. A change to what a record
/// declares (a field added, moved, renamed or of another kind; a word
/// added to a vocabulary) needs neither: the fingerprint of the
/// declarations ([`layout`]) sees it.
const FORMAT: u32 = 2;

/// A fingerprint of how a cached record is laid out: the cache's and the
/// codec's format numbers, then each declaration (`record!`) the record's
/// binary form follows, in order.
fn fingerprint(format: u32, codec: u8, declarations: &[&str]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format.to_le_bytes());
    h.update([codec]);
    for d in declarations {
        h.update((d.len() as u64).to_le_bytes());
        h.update(d.as_bytes());
    }
    h.finalize().into()
}

/// The fingerprint of this program's cache: the incident record's
/// declaration and those of every record and vocabulary it holds, found
/// through its fields' kinds, so a new nested record counts at once; and,
/// since an entry keeps what `check` warns of in a file not in lsms's
/// form, the source of the rules it warns by.
pub fn layout() -> [u8; 32] {
    use crate::model::schema::Record;
    let mut declarations = Vec::new();
    crate::model::Incident::declarations(&mut declarations);
    declarations.extend([include_str!("lint.rs"), include_str!("../model/text.rs")]);
    fingerprint(FORMAT, VERSION, &declarations)
}

/// A key for everything a cached record depends on beside its file: the
/// store's settings (which decide what is valid) and this program (its
/// version and the layout of what it caches).
pub fn settings_key(config_text: &str) -> u64 {
    let mut text = format!("{}\n", env!("CARGO_PKG_VERSION")).into_bytes();
    text.extend_from_slice(&layout());
    text.push(b'\n');
    text.extend_from_slice(config_text.as_bytes());
    checksum(&text)
}

/// One month's cache, as read.
pub struct Month {
    data: Vec<u8>,
    scanned_ns: i64,
    /// (name, stat, record) with ranges into `data`, sorted by name.
    entries: Vec<(std::ops::Range<usize>, Stat, std::ops::Range<usize>)>,
}

impl Month {
    /// Reads a month's cache file; `None` if absent or not whole and right,
    /// and, before anything is read, if it is not a regular file (a FIFO
    /// is never waited on, a link never followed) or is over
    /// [`MAX_CACHE`] (it is rebuilt, never read into memory).
    pub fn load(path: &Path, key: u64) -> Option<Month> {
        let data = super::fsio::read_bounded(path, MAX_CACHE, false).ok()?;
        let body = data.strip_prefix(MAGIC)?;
        let (body, sum) = body.split_at_checked(body.len().checked_sub(8)?)?;
        if checksum(body) != u64::from_le_bytes(sum.try_into().ok()?) {
            return None;
        }
        let start = MAGIC.len();
        let mut r = Decoder { b: &data[..start + body.len()], at: start };
        if r.u64()? != key {
            return None;
        }
        let scanned_ns = r.i64()?;
        let n = r.count()?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            let name_len = r.str()?.len();
            let name = r.at - name_len..r.at;
            let stat = Stat { size: r.u64()?, mtime_ns: r.i64()?, ctime_ns: r.i64()?, ino: r.u64()? };
            let len = r.count()?;
            let range = r.at..r.at.checked_add(len)?;
            r.b.get(range.clone())?;
            r.at = range.end;
            entries.push((name, stat, range));
        }
        let sorted = entries.windows(2).all(|w| data[w[0].0.clone()] < data[w[1].0.clone()]);
        (r.at == r.b.len() && sorted).then_some(Month { data, scanned_ns, entries })
    }

    /// The cached record bytes for a file, if its stat is unchanged and it
    /// is safely older than the scan that cached it.
    #[cfg(test)]
    pub fn get(&self, name: &str, stat: &Stat) -> Option<&[u8]> {
        let i = self.entries.binary_search_by(|e| self.data[e.0.clone()].cmp(name.as_bytes())).ok()?;
        self.get_at(i, stat)
    }

    /// Where the cache holds a file of this name, looking from `*from` on:
    /// a scan asks for its files in name order, as the entries are, so each
    /// look starts where the last one ended.
    pub fn seek(&self, name: &str, from: &mut usize) -> Option<usize> {
        while let Some(e) = self.entries.get(*from) {
            match self.data[e.0.clone()].cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => *from += 1,
                std::cmp::Ordering::Equal => return Some(*from),
                std::cmp::Ordering::Greater => return None,
            }
        }
        None
    }

    /// [`Month::get`] of the entry at `i` (from [`Month::seek`]).
    pub fn get_at(&self, i: usize, stat: &Stat) -> Option<&[u8]> {
        let (_, s, range) = self.entries.get(i)?;
        // Racy by the later of mtime and ctime: a file whose mtime was set
        // back (`touch -d`, a tool keeping times) still had its ctime moved
        // by the change, and on a filesystem with coarse times a change
        // within the same tick leaves the stat as it was.
        let changed = stat.mtime_ns.max(stat.ctime_ns);
        (s == stat && changed < self.scanned_ns - RACY_MARGIN_NS).then(|| &self.data[range.clone()])
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Writes a month's cache atomically. `scanned_ns` is when the scan that
/// produced these entries began (before any file was looked at).
/// The entries must be sorted by name.
pub fn save<N: AsRef<str>, B: AsRef<[u8]>>(
    path: &Path,
    key: u64,
    scanned_ns: i64,
    entries: &[(N, Stat, B)],
) -> std::io::Result<()> {
    let mut w =
        Encoder(Vec::with_capacity(entries.iter().map(|e| e.2.as_ref().len() + 64).sum::<usize>() + 64));
    w.0.extend_from_slice(MAGIC);
    w.u64(key);
    w.i64(scanned_ns);
    w.u64(entries.len() as u64);
    for (name, s, bytes) in entries {
        let bytes = bytes.as_ref();
        w.str(name.as_ref());
        w.u64(s.size);
        w.i64(s.mtime_ns);
        w.i64(s.ctime_ns);
        w.u64(s.ino);
        w.u64(bytes.len() as u64);
        w.0.extend_from_slice(bytes);
    }
    let sum = checksum(&w.0[MAGIC.len()..]);
    w.0.extend_from_slice(&sum.to_le_bytes());
    // The same limit on write as on read: a cache that would not be read
    // back is not written (the month is then read from its files).
    if w.0.len() as u64 > MAX_CACHE {
        return Err(std::io::Error::other("over the cache's size limit"));
    }
    // Something other than a cache file in its place (a FIFO, a link) is
    // left for `check` to name, not replaced.
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(std::io::Error::other("not a cache file in the cache's place"));
    }
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    super::fsio::write_atomic(path, &w.0, super::Mode::Disposable)
}

use std::os::unix::fs::DirBuilderExt;

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    fn stat(mtime_ns: i64) -> Stat {
        Stat { size: 10, mtime_ns, ctime_ns: mtime_ns, ino: 7 }
    }

    #[test]
    fn saves_and_loads_and_trusts_only_old_unchanged_files() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("cache/2026-11.bin");
        let scanned = 100_000_000_000;
        let old = stat(scanned - 10_000_000_000);
        let racy = stat(scanned - 1_000_000_000);
        save(&p, 42, scanned, &[("a.yaml", old, vec![1, 2, 3]), ("b.yaml", racy, vec![4])]).unwrap();
        let m = Month::load(&p, 42).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m.get("a.yaml", &old), Some(&[1u8, 2, 3][..]));
        assert_eq!(m.get("a.yaml", &Stat { size: 11, ..old }), None, "a changed size");
        assert_eq!(m.get("a.yaml", &Stat { ctime_ns: old.ctime_ns + 1, ..old }), None, "a changed ctime");
        assert_eq!(m.get("b.yaml", &racy), None, "changed within the margin of the scan: not trusted");
        let mut at = 0;
        assert_eq!(m.seek("0.yaml", &mut at), None, "not held");
        assert_eq!(m.seek("a.yaml", &mut at), Some(0));
        assert_eq!(m.seek("ab.yaml", &mut at), None, "not held, between two");
        assert_eq!(m.seek("b.yaml", &mut at), Some(1));
        assert_eq!(m.seek("c.yaml", &mut at), None, "past the last");
        let old_mtime_new_ctime = Stat { ctime_ns: scanned - 1_000_000_000, ..old };
        save(&p, 42, scanned, &[("c.yaml", old_mtime_new_ctime, vec![5])]).unwrap();
        let m = Month::load(&p, 42).unwrap();
        assert_eq!(
            m.get("c.yaml", &old_mtime_new_ctime),
            None,
            "an old mtime does not make a recent change trusted: the ctime counts too"
        );
        assert!(Month::load(&p, 43).is_none(), "other settings");
    }

    #[test]
    fn the_layout_changes_with_any_declaration_and_either_format() {
        let decl =
            ["pub struct A { a: String = Req(Line) } extra: Mapping", "pub struct B { b: u64 = Req(Count) }"];
        let base = fingerprint(4, 3, &decl);
        assert_eq!(base, fingerprint(4, 3, &decl), "the same declarations, the same fingerprint");
        let edited = [decl[0], "pub struct B { b: u64 = Dflt(Count) }"];
        assert_ne!(base, fingerprint(4, 3, &edited), "a declaration changed");
        assert_ne!(base, fingerprint(4, 3, &[decl[1], decl[0]]), "declarations reordered");
        assert_ne!(base, fingerprint(4, 3, &decl[..1]), "a record fewer");
        assert_ne!(fingerprint(4, 3, &["ab", "c"]), fingerprint(4, 3, &["a", "bc"]), "each one apart");
        assert_ne!(base, fingerprint(5, 3, &decl), "the cache's format bumped");
        assert_ne!(base, fingerprint(4, 4, &decl), "the codec's format bumped");
        assert_ne!(settings_key("a: 1\n"), settings_key("a: 2\n"), "the store's settings");
    }

    #[test]
    fn the_layout_covers_every_record_an_incident_holds() {
        use crate::model::incident::*;
        use crate::model::schema::Record;
        let mut found = Vec::new();
        Incident::declarations(&mut found);
        let all = [
            Incident::DECLARATION,
            Reporter::DECLARATION,
            Person::DECLARATION,
            Police::DECLARATION,
            Riddor::DECLARATION,
            Losses::DECLARATION,
            Sanction::DECLARATION,
            Link::DECLARATION,
            Notice::DECLARATION,
            Evidence::DECLARATION,
            Entry::DECLARATION,
        ];
        for d in all {
            assert!(found.contains(&d), "not in the fingerprint: {d}");
        }
        // Each record nested in one is found through its kind: every
        // `Nested<X>` a declaration names has a declaration of `X` here.
        for d in &found {
            for (i, _) in d.match_indices("Nested") {
                let Some(rest) = d[i + "Nested".len()..].trim_start().strip_prefix('<') else { continue };
                let rest = rest.trim_start();
                let name = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap();
                assert!(
                    found.iter().any(|x| {
                        let words: Vec<&str> = x.split_whitespace().collect();
                        words.windows(3).any(|w| w == ["pub", "struct", name])
                    }),
                    "{name} is nested but its declaration is not in the fingerprint"
                );
            }
        }
        assert!(found.contains(&"investigating"), "a vocabulary's words count too: {found:?}");
    }

    #[test]
    fn a_cache_file_over_the_limit_or_not_a_file_is_never_read() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.bin");
        save(&p, 1, 5_000_000_000_000, &[("a.yaml", stat(1), vec![9; 40])]).unwrap();
        assert!(Month::load(&p, 1).is_some());
        // Sparse: no disk, and a read of it whole would take seconds.
        std::fs::OpenOptions::new().write(true).open(&p).unwrap().set_len(MAX_CACHE + 1).unwrap();
        assert!(Month::load(&p, 1).is_none(), "over the limit");
        let fifo = d.path().join("f.bin");
        crate::store::fsio::mkfifo(&fifo);
        assert!(Month::load(&fifo, 1).is_none(), "a FIFO, not waited on");
        assert!(save(&fifo, 1, 5, &[("a.yaml", stat(1), vec![1])]).is_err(), "not replaced");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        let link = d.path().join("l.bin");
        save(&p, 1, 5_000_000_000_000, &[("a.yaml", stat(1), vec![9; 40])]).unwrap();
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert!(Month::load(&link, 1).is_none(), "a link is not followed");
    }

    #[test]
    fn a_damaged_cache_is_not_trusted() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.bin");
        save(&p, 1, 5_000_000_000_000, &[("a.yaml", stat(1), vec![9; 40])]).unwrap();
        let whole = std::fs::read(&p).unwrap();
        for cut in 0..whole.len() {
            std::fs::write(&p, &whole[..cut]).unwrap();
            assert!(Month::load(&p, 1).is_none(), "truncated at {cut}");
        }
        let mut flipped = whole.clone();
        flipped[20] ^= 1;
        std::fs::write(&p, &flipped).unwrap();
        assert!(Month::load(&p, 1).is_none());
    }
}
