//! The register of disposals: one certificate per record disposed of
//! under retention, `disposals/YYYY/MM/<id>.yaml` (the incident's own
//! place, under `disposals/`), so that clones that dispose of different
//! records never touch the same file. A certificate says what was
//! disposed of, under which rule, by whom, when and why, and holds no
//! personal data: no name, summary, description or place.

use super::{Mode, Store, fsio};
use crate::error::{Error, Result};
use crate::model::{Id, IdQuery};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The register's folder, in the store.
pub const DIR: &str = "disposals";

/// One record disposed of. Dates are days in the store's zone; what the
/// file holds beside these keys is kept (never rewritten).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub id: String,
    pub uuid: String,
    pub category: String,
    pub occurred: String,
    pub reported: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// The rule applied: `standard`, `serious`, or a rule of lsms.yaml.
    pub rule: String,
    pub years: u32,
    /// `closed` or `occurred`: where the years ran from.
    pub from: String,
    /// The day the retention ended.
    pub retention_ended: String,
    pub disposed_at: String,
    pub disposed_by: String,
    pub reason: String,
    /// The SHA-256 of each evidence file removed with the record (files
    /// another record also holds stay).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_removed: Vec<String>,
}

impl Certificate {
    /// The day it was disposed of (the date part of `disposed_at`).
    pub fn disposed_on(&self) -> Option<chrono::NaiveDate> {
        crate::model::time::parse_stored(&self.disposed_at).ok().map(|t| t.date_naive())
    }
}

/// `disposals/YYYY/MM/<id>.yaml`, relative to the store.
pub fn rel_path(id: &Id) -> String {
    format!("{DIR}/{}", id.rel_path().trim_start_matches("incidents/"))
}

/// The id a register path names, if it is one in its place.
pub fn id_of(rel: &str) -> Option<Id> {
    let stem = rel.strip_prefix(&format!("{DIR}/"))?.strip_suffix(".yaml")?;
    let id = Id::parse(stem.rsplit('/').next()?).ok()?;
    (rel_path(&id) == rel).then_some(id)
}

/// The certificate as written: a comment saying what it is, then its keys.
pub fn to_yaml(c: &Certificate) -> Result<String> {
    let body =
        serde_yaml::to_string(c).map_err(|e| Error::failed(format!("cannot write the certificate: {e}")))?;
    Ok(format!("# lsms: certificate of disposal under retention (no personal data)\n{body}"))
}

/// Reads one certificate file; `None` when there is none for `id`.
pub fn find(store: &Store, id: &Id) -> Option<Result<Certificate>> {
    let path = store.root.join(rel_path(id));
    std::fs::symlink_metadata(&path).ok()?;
    Some(read(store, &path))
}

fn read(store: &Store, path: &Path) -> Result<Certificate> {
    let shown = store.show_path(path);
    let bytes = fsio::read_bounded(path, fsio::MAX_FILE, false).map_err(|e| match e {
        fsio::NotRead::Io(e) => Error::io("read", path)(e),
        fsio::NotRead::TooLarge(_) | fsio::NotRead::Special(_) => {
            Error::failed(format!("{shown}: not a certificate of disposal (not a small regular file)"))
        }
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let c: Certificate = serde_yaml::from_str(&text).map_err(|e| {
        let off = e.location().map_or(0, |l| l.index());
        Error::in_file(
            &shown,
            &text,
            off,
            format!("not a certificate of disposal: {e}"),
            Some("a certificate is written by `lsms dispose` and never edited: restore it from git".into()),
        )
    })?;
    if rel_path(&Id::parse(&c.id).map_err(Error::failed)?) != shown {
        return Err(Error::failed_with(
            format!("{shown}: the certificate is of {}, which belongs elsewhere", c.id),
            "restore the file from git",
        ));
    }
    Ok(c)
}

/// Every certificate in the register, in id order, and the problems of
/// files that are not certificates.
pub fn all(store: &Store) -> (Vec<Certificate>, Vec<Error>) {
    let mut files = Vec::new();
    walk(&store.root.join(DIR), &mut files);
    files.sort();
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for f in files {
        let rel = store.show_path(&f);
        if id_of(&rel).is_none() {
            bad.push(Error::failed_with(
                format!("{rel}: not a certificate of disposal"),
                "disposals/ holds only disposals/YYYY/MM/<id>.yaml, written by `lsms dispose`: move the file out",
            ));
            continue;
        }
        match read(store, &f) {
            Ok(c) => good.push(c),
            Err(e) => bad.push(e),
        }
    }
    (good, bad)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(_) if p.file_name().is_some_and(|n| n.to_string_lossy().contains(fsio::TMP_MARK)) => {}
            Ok(_) => out.push(p),
            Err(_) => {}
        }
    }
}

/// How many records the register says were disposed of under retention
/// in `[start, end)` (all of them for `None`). A certificate that cannot
/// be read is not counted here; `check` names it.
pub fn disposed_in(store: &Store, span: Option<(DateTime<Utc>, DateTime<Utc>)>) -> usize {
    all(store)
        .0
        .iter()
        .filter_map(|c| crate::model::time::parse_stored(&c.disposed_at).ok())
        .filter(|t| span.is_none_or(|(s, e)| s <= t.to_utc() && t.to_utc() < e))
        .count()
}

/// The certificate of a record an id argument names, where it was
/// disposed of (for "it was disposed of on …" rather than "no incident").
pub fn of_arg(store: &Store, arg: &str) -> Option<Certificate> {
    match IdQuery::parse(arg).ok()? {
        IdQuery::Full(id) => find(store, &id)?.ok(),
        IdQuery::Suffix(s) => {
            let (all, _) = all(store);
            let mut hits =
                all.into_iter().filter(|c| c.id.get(9..).is_some_and(|x| x.eq_ignore_ascii_case(&s)));
            let one = hits.next()?;
            hits.next().is_none().then_some(one)
        }
    }
}

/// Writes a new certificate, never over one already there; gives its
/// store-relative path.
pub fn write(store: &Store, id: &Id, c: &Certificate) -> Result<String> {
    let rel = rel_path(id);
    let path = store.root.join(&rel);
    if let Some(dir) = path.parent() {
        // The register is kept inside the store, where git keeps it: a
        // folder that is a link leading out of it is refused before any
        // folder is made through it, and again once they are made.
        store.inside(&path)?;
        fsio::mkdirs(dir)?;
        store.inside(&path)?;
    }
    match fsio::write_atomic(&path, to_yaml(c)?.as_bytes(), Mode::CreateNew) {
        Ok(()) => Ok(rel),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::failed_with(
            format!("{id} already has a certificate of disposal ({rel}): nothing was disposed of"),
            "a record is disposed of once; `lsms check` says whether its file is still there",
        )),
        Err(e) => Err(Error::io("write", &path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_lives_where_its_id_says_and_only_there() {
        let id = Id::parse("20120110-AB12").unwrap();
        assert_eq!(rel_path(&id), "disposals/2012/01/20120110-AB12.yaml");
        assert_eq!(id_of("disposals/2012/01/20120110-AB12.yaml"), Some(id));
        assert_eq!(id_of("disposals/2012/02/20120110-AB12.yaml"), None);
        assert_eq!(id_of("incidents/2012/01/20120110-AB12.yaml"), None);
    }
}
