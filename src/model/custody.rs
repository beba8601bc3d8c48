//! Evidence and its chain of custody: adding files to a case and
//! disclosing them, each a history entry saying who, when and what (by
//! SHA-256). Pure: the files themselves are stored by `store::evidence`.

use super::incident::{Evidence, Incident};
use super::workflow::Act;

/// A size as people read it: 512 bytes, 1.5 KiB, 70.0 MiB.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

impl Incident {
    /// The evidence already held with this hash, if any.
    pub fn evidence_with(&self, sha256: &str) -> Option<&Evidence> {
        self.evidence.iter().find(|e| e.sha256 == sha256)
    }

    /// Adds a file's record, with an `evidence-added` history entry naming
    /// the file and its hash. A closed case takes evidence too (it arrives
    /// late: a court asks, a copy turns up). `false`: a file with this hash
    /// is on the case already, and nothing was added.
    pub fn add_evidence(&mut self, act: &Act<'_>, e: Evidence) -> bool {
        if self.evidence_with(&e.sha256).is_some() {
            return false;
        }
        let mut detail = format!("{} ({} bytes, sha256 {})", e.name, e.size, e.sha256);
        if let Some(s) = &e.source {
            detail.push_str(&format!(" from {s}"));
        }
        self.history.push(act.entry_with("evidence-added", detail));
        self.evidence.push(e);
        true
    }

    /// Records a disclosure: the files given out, each as `(sha256, name
    /// as given out)`, to `recipient`, by the actor, now. The detail is
    /// the recipient on its first line, then the files in the form of the
    /// `SHA256SUMS` that went with them.
    pub fn disclose_evidence(&mut self, act: &Act<'_>, recipient: &str, files: &[(String, String)]) {
        let mut detail = format!("to {recipient}: {} file(s)", files.len());
        for (sha, name) in files {
            detail.push_str(&format!("\n{sha}  {name}"));
        }
        self.history.push(act.entry_with("evidence-disclosed", detail));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bare_file_names() {
        assert!(crate::model::incident::check_file_name("cctv-ae-1430.mp4").is_ok());
        assert!(crate::model::incident::check_file_name("Statement of A. Nurse.pdf").is_ok());
        for bad in ["", ".", "..", "a/b", "a\\b", "a\nb", "a\0b"] {
            assert!(crate::model::incident::check_file_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(73_400_320), "70.0 MiB");
    }
}
