//! Hand-overs of a case: every case file and subject access bundle is a
//! `disclosed` history entry saying to whom, when, by whom, on what lawful
//! basis, and what went and what was left out. Pure: the actor and "now"
//! are given.

use super::enums::{DisclosureForm, Recipient};
use super::incident::{Disclosure, Entry, Incident};
use super::workflow::Act;

/// The action of a hand-over's history entry.
pub const DISCLOSED: &str = "disclosed";

/// A hand-over as the LSMS gives it, checked: the lawful basis is free text
/// but not empty; `other` says who in words. The reason where it is not.
pub fn disclosure(
    form: DisclosureForm,
    to: Recipient,
    recipient: Option<&str>,
    basis: &str,
) -> Result<Disclosure, String> {
    let basis = basis.trim();
    if basis.is_empty() {
        return Err("the lawful basis is empty: every disclosure says on what basis it is made".into());
    }
    let recipient = recipient.map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = recipient {
        super::text::one_line("the recipient", r)?;
    }
    if to == Recipient::Other && recipient.is_none() {
        return Err("a disclosure to `other` says to whom".into());
    }
    Ok(Disclosure {
        form,
        to,
        recipient: recipient.map(String::from),
        basis: basis.to_string(),
        ..Default::default()
    })
}

impl Disclosure {
    /// The recipient as a person reads it: `police (Merseyside Police)`.
    pub fn to_shown(&self) -> String {
        match &self.recipient {
            Some(r) => format!("{} ({r})", self.to),
            None => self.to.to_string(),
        }
    }

    /// The entry's detail, for `show` and `git log -p`: the form, to whom,
    /// the basis, and what was left out.
    pub fn summary(&self) -> String {
        let form = match self.form {
            DisclosureForm::CaseFile => "case file",
            DisclosureForm::SubjectAccess => "subject access bundle",
        };
        let mut s = format!("{form} to {}; basis: {}", self.to_shown(), self.basis);
        if !self.omitted.is_empty() {
            s.push_str(&format!("; left out: {}", self.omitted.join(", ")));
        }
        s
    }
}

/// An `evidence export` as the log lists it: the recipient in words and
/// the files by hash, read back from the entry's detail (`to WHO: N
/// file(s)`, then a `SHA256SUMS` line for each file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceOut {
    pub recipient: String,
    pub files: Vec<String>,
}

impl Entry {
    /// The hand-over this entry records, if it is one.
    pub fn disclosed(&self) -> Option<&Disclosure> {
        (self.action == DISCLOSED).then_some(self.disclosure.as_ref()).flatten()
    }

    /// The evidence given out, where this is an `evidence-disclosed` entry.
    pub fn evidence_out(&self) -> Option<EvidenceOut> {
        if self.action != "evidence-disclosed" {
            return None;
        }
        let detail = self.detail.as_deref()?;
        let mut lines = detail.lines();
        let head = lines.next()?.strip_prefix("to ")?;
        let recipient = head.rsplit_once(": ").map_or(head, |(r, _)| r).to_string();
        let files = lines.filter_map(|l| l.split_once("  ").map(|(sha, _)| sha.to_string())).collect();
        Some(EvidenceOut { recipient, files })
    }
}

impl Incident {
    /// Records a hand-over of the case: a `disclosed` entry by the actor,
    /// now, carrying the disclosure.
    pub fn record_disclosure(&mut self, act: &Act<'_>, d: Disclosure) {
        let detail = d.summary();
        self.history.push(Entry { disclosure: Some(d), ..act.entry_with(DISCLOSED, detail) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_basis_is_free_text_but_never_empty() {
        assert!(disclosure(DisclosureForm::CaseFile, Recipient::Police, None, "  ").is_err());
        let d = disclosure(DisclosureForm::CaseFile, Recipient::Police, None, " DPA 2018 Sch. 2 para. 2 ")
            .unwrap();
        assert_eq!(d.basis, "DPA 2018 Sch. 2 para. 2");
    }

    #[test]
    fn an_evidence_export_is_read_back_from_its_entry() {
        use crate::model::workflow::Act;
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00+00:00").unwrap();
        let mut inc = Incident::default();
        let files = [("a".repeat(64), "still.jpg".to_string()), ("b".repeat(64), "cctv.mp4".to_string())];
        inc.disclose_evidence(&Act::now("t", now), "Police: CID", &files);
        let out = inc.history[0].evidence_out().unwrap();
        assert_eq!(
            out,
            EvidenceOut { recipient: "Police: CID".into(), files: vec!["a".repeat(64), "b".repeat(64)] }
        );
    }

    #[test]
    fn other_says_to_whom() {
        assert!(disclosure(DisclosureForm::CaseFile, Recipient::Other, None, "x").is_err());
        assert!(disclosure(DisclosureForm::CaseFile, Recipient::Other, Some("a\nb"), "x").is_err());
        let d = disclosure(DisclosureForm::CaseFile, Recipient::Other, Some("HM Coroner"), "x").unwrap();
        assert_eq!(d.to_shown(), "other (HM Coroner)");
    }
}
