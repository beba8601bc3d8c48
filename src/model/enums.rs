//! The closed vocabularies of the record: statuses, parties, harms and so on.
//! Each is written in the file as its kebab-case name.

use std::fmt;

/// A closed vocabulary: written as its word, read case-insensitively.
pub trait Word: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn word(self) -> &'static str;
    fn parse_word(s: &str) -> Result<Self, String>;
}

/// Declares a string-backed enum with `ALL`, `as_str`, `parse` and `Display`.
macro_rules! vocab {
    ($(#[$m:meta])* $name:ident, $what:literal { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($var),+ }

        impl $name {
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            /// Parses the file and command-line spelling (case-insensitive).
            pub fn parse(s: &str) -> Result<Self, String> {
                let t = s.trim();
                $(if t.eq_ignore_ascii_case($s) { return Ok($name::$var); })+
                Err(crate::model::unknown_word($what, s, &[$($s),+]))
            }
        }

        /// The first word: only where a record is built field by field.
        impl Default for $name {
            fn default() -> Self {
                $name::ALL[0]
            }
        }

        impl Word for $name {
            const ALL: &'static [$name] = $name::ALL;
            fn word(self) -> &'static str {
                self.as_str()
            }
            fn parse_word(s: &str) -> Result<Self, String> {
                $name::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocab!(
    /// Where a case stands in the workflow.
    Status, "status" {
        Reported = "reported",
        Assigned = "assigned",
        Investigating = "investigating",
        AwaitingExternal = "awaiting-external",
        Closed = "closed",
    }
);

impl Status {
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

vocab!(
    /// Who someone is to the trust.
    Party, "party" {
        Staff = "staff",
        Patient = "patient",
        Visitor = "visitor",
        Contractor = "contractor",
        Volunteer = "volunteer",
        Public = "public",
        Unknown = "unknown",
        Anonymous = "anonymous",
    }
);

vocab!(
    /// What a person was in the incident.
    Role, "role" {
        Victim = "victim",
        AllegedOffender = "alleged-offender",
        Witness = "witness",
        Other = "other",
    }
);

vocab!(
    /// What was put at risk.
    Asset, "asset" {
        People = "people",
        Property = "property",
        Drugs = "drugs",
        PrescriptionForms = "prescription-forms",
        HazardousMaterials = "hazardous-materials",
    }
);

vocab!(
    /// How badly someone was hurt, least first.
    Harm, "harm" {
        None = "none",
        Low = "low",
        Moderate = "moderate",
        Severe = "severe",
        Death = "death",
    }
);

vocab!(
    /// Yes, no or not known (medical factors).
    Tri, "answer" {
        Yes = "yes",
        No = "no",
        Unknown = "unknown",
    }
);

vocab!(
    /// Where a RIDDOR decision stands.
    RiddorStatus, "RIDDOR status" {
        NotReportable = "not-reportable",
        Reportable = "reportable",
        Reported = "reported",
        Undecided = "undecided",
    }
);

vocab!(
    /// The kind of sanction the LSMS applied.
    SanctionClass, "sanction class" {
        Procedural = "procedural",
        Disciplinary = "disciplinary",
        Civil = "civil",
        Criminal = "criminal",
    }
);

vocab!(
    /// How a case was closed.
    Outcome, "outcome" {
        SanctionApplied = "sanction-applied",
        NoFurtherAction = "no-further-action",
        Unsubstantiated = "unsubstantiated",
        Referred = "referred",
        Duplicate = "duplicate",
        Withdrawn = "withdrawn",
    }
);

vocab!(
    /// How one incident relates to another.
    LinkKind, "link" {
        Related = "related",
        DuplicateOf = "duplicate-of",
        SameOffender = "same-offender",
        RepeatVictim = "repeat-victim",
    }
);

vocab!(
    /// Who outside the trust was told.
    Authority, "notified party" {
        Cdao = "cdao",
        Police = "police",
        Hse = "hse",
        Nhsbsa = "nhsbsa",
        Ico = "ico",
        Safeguarding = "safeguarding",
        Other = "other",
    }
);

vocab!(
    /// Who a case was handed to (`lsms casefile --to`, `lsms person --sar`).
    Recipient, "recipient" {
        Police = "police",
        Hearing = "hearing",
        Insurer = "insurer",
        DataSubject = "data-subject",
        Other = "other",
    }
);

vocab!(
    /// What was handed over: a case file, or a subject access bundle.
    DisclosureForm, "form of disclosure" {
        CaseFile = "case-file",
        SubjectAccess = "subject-access",
    }
);

/// The flags every store knows; a trust adds its own in `lsms.yaml`.
pub const STANDARD_FLAGS: &[&str] = &[
    "hate-motivated",
    "weapon",
    "lone-worker",
    "restraint",
    "alcohol",
    "drugs",
    "sexual",
    "triage",
    "occurred-unknown",
];

/// The NHS categories every store knows; a trust adds its own in `lsms.yaml`.
pub const STANDARD_CATEGORIES: &[&str] = &[
    "physical-assault",
    "non-physical-assault",
    "harassment",
    "theft",
    "criminal-damage",
    "antisocial-behaviour",
    "security-concern",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()).unwrap(), *s);
            assert_eq!(Status::parse(&s.as_str().to_uppercase()).unwrap(), *s);
        }
        assert_eq!(Party::parse(" Staff ").unwrap(), Party::Staff);
    }

    #[test]
    fn unknown_word_lists_the_choices_and_suggests() {
        let e = Harm::parse("sever").unwrap_err();
        assert!(e.contains("unknown harm 'sever'"), "{e}");
        assert!(e.contains("did you mean 'severe'"), "{e}");
        assert!(e.contains("none, low, moderate, severe, death"), "{e}");
    }

    #[test]
    fn harm_orders_least_first() {
        assert!(Harm::None < Harm::Low && Harm::Severe < Harm::Death);
    }
}
