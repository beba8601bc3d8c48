//! What the merge driver (`lsms merge-file`) leaves for `lsms sync` about
//! a file it could not merge: a record, never words to be read back. When
//! [`RECORDS_ENV`] names a folder (sync sets it for the merge it runs),
//! each file left in conflict gets `<folder>/<path>.json`, a [`Record`].

use std::path::{Path, PathBuf};

/// The environment variable that asks the driver for a [`Record`] of each
/// file it leaves in conflict: the folder to write them in.
pub const RECORDS_ENV: &str = "LSMS_MERGE_RECORDS";

/// What the driver could not merge in one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// The file's path in the repository (git's %P).
    pub path: String,
    pub conflict: Conflict,
    /// The fields both sides changed to different values (for `fields`).
    #[serde(default)]
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conflict {
    /// Both sides changed `fields`, each to a different value.
    Fields,
    /// Every field merged, but the merged record is not a valid incident.
    Invalid,
    /// Not an incident on every side: git's line merge left conflicts.
    Lines,
}

/// Where the record of the file at `path` (as the repository names it)
/// is kept in `folder`; none for a path that could lead out of it.
pub fn record_path(folder: &Path, path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path.split('/').collect();
    if parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        return None;
    }
    Some(folder.join(format!("{path}.json")))
}

/// The record of the file at `path` in `folder`, if the driver left one.
pub fn read_record(folder: &Path, path: &str) -> Option<Record> {
    let text = std::fs::read(record_path(folder, path)?).ok()?;
    serde_json::from_slice::<Record>(&text).ok().filter(|r| r.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_json_under_its_path_and_never_outside_the_folder() {
        let rec = Record {
            path: "incidents/2026/11/20261124-7QF3.yaml".into(),
            conflict: Conflict::Fields,
            fields: vec!["outcome".into(), "closure_note".into()],
        };
        assert_eq!(
            serde_json::to_string(&rec).unwrap(),
            r#"{"path":"incidents/2026/11/20261124-7QF3.yaml","conflict":"fields","fields":["outcome","closure_note"]}"#
        );
        let dir = Path::new("/g/lsms-merge");
        assert_eq!(
            record_path(dir, &rec.path),
            Some(PathBuf::from("/g/lsms-merge/incidents/2026/11/20261124-7QF3.yaml.json"))
        );
        for bad in ["../x.yaml", "a/../../x", "/etc/x", "a//b", "./a", ""] {
            assert_eq!(record_path(dir, bad), None, "{bad}");
        }
    }
}
