//! A new incident as a person gives it (flags, or one YAML document of
//! `report --from`), checked and turned into a record.

use super::enums::*;
use super::id::Id;
use super::incident::*;
use super::schema::{Given, GivenOp, Input, InputCx, Record, declared, input_named, inputs};
use super::time::in_zone;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_yaml::Value;
use uuid::Uuid;

/// The fields of a new incident as a person gave them, before any
/// checking: each an input the record declares (`model::incident`), so a
/// field declared there is taken from options, `--from` documents and
/// imports alike.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub given: Vec<Given>,
}

/// What a new record is made with beside the draft: the store's words and
/// zone, the clock, the actor, and the randomness for id and uuid.
pub struct NewRecord<'a> {
    pub vocab: &'a Vocab,
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub actor: &'a str,
    pub random: [u8; 4],
    pub uuid: Uuid,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn bad(field: &str, message: impl Into<String>) -> Problem {
    Problem { field: field.to_string(), message: message.into() }
}

impl Draft {
    /// Adds one value given for the input named `name` (an option's name or
    /// a field's path); false when the record declares no such input.
    pub fn give(&mut self, name: &str, value: String) -> bool {
        match input_named::<Incident>(name) {
            Some(d) => {
                let input = d.input.unwrap_or(&NO_INPUT);
                self.given.push(Given { path: d.path.clone(), input, op: GivenOp::Set(value) });
                true
            }
            None => false,
        }
    }

    /// A draft of inputs given by name (tests).
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> Draft {
        let mut d = Draft::default();
        for (k, v) in pairs {
            assert!(d.give(k, v.to_string()), "no input {k}");
        }
        d
    }

    /// A new record made from these inputs (tests): the standard words,
    /// London, recorded 2026-11-25 10:00 UTC by `a`, with `random` for its id.
    #[cfg(test)]
    pub fn built(pairs: &[(&str, &str)], random: [u8; 4]) -> Incident {
        let vocab = Vocab::standard();
        Draft::of(pairs)
            .build(&NewRecord {
                vocab: &vocab,
                tz: chrono_tz::Europe::London,
                now: chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
                    .unwrap_or_default()
                    .to_utc(),
                actor: "a",
                random,
                uuid: Uuid::nil(),
            })
            .unwrap_or_else(|p| panic!("a test's draft is refused: {p:?}"))
    }

    /// Whether a field was given a value that is not blank.
    fn has(&self, path: &str) -> bool {
        self.given.iter().any(|g| g.path == path && matches!(&g.op, GivenOp::Set(v) if !v.trim().is_empty()))
    }

    /// Reads one YAML document of `report --from`: its keys are the inputs
    /// the record declares (`police_ref`, `people`). Unknown keys are
    /// refused (a typo would otherwise drop a field without a word).
    pub fn from_value(v: &Value) -> Result<Draft, Vec<Problem>> {
        let Value::Mapping(map) = v else {
            return Err(vec![bad(
                "",
                "each document should be a mapping of keys to values, like `category: theft`",
            )]);
        };
        let mut d = Draft::default();
        let mut problems = Vec::new();
        for (k, v) in map {
            let Some(key) = k.as_str() else {
                problems.push(bad("", "keys should be words like `summary`"));
                continue;
            };
            let key = key.replace('-', "_");
            if matches!(v, Value::Null) {
                continue;
            }
            // A record given as a mapping of its own fields (`reporter:
            // { name: Jo, party: staff }`).
            let nested = declared::<Incident>().iter().find(|d| d.path == key && d.nested && !d.list);
            if let (Value::Mapping(m), Some(n)) = (v, &nested) {
                for (sub, x) in m {
                    let sub = sub.as_str().unwrap_or_default();
                    match text_of(x) {
                        Some(t) if d.give(&format!("{}.{sub}", n.path), t.clone()) => {}
                        Some(_) => problems.push(bad(&key, format!("`{key}` has no field `{sub}` to give"))),
                        None if x.is_null() => {}
                        None => problems.push(bad(&key, format!("`{key}.{sub}` should be text"))),
                    }
                }
                continue;
            }
            let Some(field) = input_named::<Incident>(&key) else {
                let names = draft_keys();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = super::suggest(&key, &names)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                problems
                    .push(bad(&key, format!("unknown key `{key}`{hint}: the keys are {}", names.join(", "))));
                continue;
            };
            match v {
                Value::Sequence(items) if field.list => {
                    for (i, item) in items.iter().enumerate() {
                        match item {
                            // A person as a mapping: role, party, name.
                            Value::Mapping(m) => {
                                let part = |n: &str| m.get(n).and_then(text_of).unwrap_or_default();
                                let mut s = format!("{}:{}", part("role"), part("party"));
                                if let Some(name) = m.get("name").and_then(text_of) {
                                    s = format!("{s}:{name}");
                                }
                                d.give(&key, s);
                            }
                            other => match text_of(other) {
                                Some(t) => {
                                    d.give(&key, t);
                                }
                                None => problems.push(bad(&format!("{key}[{i}]"), "should be text")),
                            },
                        }
                    }
                }
                other => match text_of(other) {
                    Some(t) => {
                        d.give(&key, t);
                    }
                    None => problems.push(bad(&key, format!("`{key}` should be text"))),
                },
            }
        }
        if problems.is_empty() { Ok(d) } else { Err(problems) }
    }

    /// Checks every field and makes the record, or names every problem
    /// (each against the input's name: `police_ref`).
    pub fn build(self, n: &NewRecord<'_>) -> Result<Incident, Vec<Problem>> {
        let mut problems = Vec::new();
        if !self.has("category") {
            problems.push(bad(
                "category",
                format!("a category is needed: one of {}", n.vocab.categories.join(", ")),
            ));
        }
        if !self.has("summary") {
            problems.push(bad("summary", "a summary is needed: one line that says what happened"));
        }
        let now = in_zone(n.now, n.tz);
        let cx = InputCx { vocab: n.vocab, tz: n.tz, now: n.now };
        // What a new report does not set stays at its default (absent).
        let mut inc = Incident::default();
        for g in &self.given {
            let blank_required = matches!(g.path.as_str(), "category" | "summary")
                && matches!(&g.op, GivenOp::Set(v) if v.trim().is_empty());
            if blank_required {
                continue;
            }
            match inc.input(&g.path, g.op(), &cx) {
                Some(Ok(())) => {}
                Some(Err(e)) if g.path == "summary" && e == "give one line" => problems
                    .push(bad("summary", "the summary should be one line; put the rest in the description")),
                Some(Err(e)) => problems.push(bad(g.input.name, e)),
                None => problems.push(bad(g.input.name, "the record has no such field")),
            }
        }
        let reported = if self.has("reported_at") { inc.reported_at } else { now };
        let occurred = if self.has("occurred_at") { inc.occurred_at } else { reported };
        if reported > now {
            problems.push(bad(
                "reported",
                format!("reported time {} is in the future", super::time::rfc3339(&reported)),
            ));
        }
        if occurred > now {
            problems.push(bad(
                "occurred",
                format!("occurred time {} is in the future", super::time::rfc3339(&occurred)),
            ));
        }
        if occurred > reported {
            problems.push(bad("occurred", format!(
                "occurred time {} is later than reported time {}: an incident is reported after it happens",
                super::time::rfc3339(&occurred),
                super::time::rfc3339(&reported)
            )));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Incident {
            id: Id::new(now.date_naive(), n.random),
            uuid: n.uuid,
            status: Status::Reported,
            occurred_at: occurred,
            reported_at: reported,
            recorded_at: now,
            recorded_by: n.actor.to_string(),
            // The report happened when it was reported; where that was
            // before now, the entry says when it was written too.
            history: vec![Entry {
                at: reported,
                recorded_at: (now > reported).then_some(now),
                by: n.actor.to_string(),
                action: "reported".into(),
                ..Default::default()
            }],
            ..inc
        })
    }
}

/// The keys a `report --from` document may use: each declared input of
/// `report`, by its name.
pub fn draft_keys() -> Vec<String> {
    inputs::<Incident>(false).into_iter().map(|(_, i)| i.name.to_string()).collect()
}

/// For a value given by a field's path where the field has no input of its own.
const NO_INPUT: Input = Input::new("", "", "");

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(vocab: &Vocab) -> NewRecord<'_> {
        NewRecord {
            vocab,
            tz: chrono_tz::Europe::London,
            now: DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z").unwrap().to_utc(),
            actor: "jfowlis",
            random: [1, 2, 3, 4],
            uuid: Uuid::nil(),
        }
    }

    fn draft(pairs: &[(&str, &str)]) -> Draft {
        Draft::of(pairs)
    }

    fn set(d: &Draft, name: &str) -> Vec<String> {
        d.given
            .iter()
            .filter(|g| g.input.name == name)
            .filter_map(|g| match &g.op {
                GivenOp::Set(v) => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    fn vocab() -> Vocab {
        Vocab { sites: Some(vec!["Hollins Park".into()]), ..Vocab::standard() }
    }

    #[test]
    fn builds_a_reported_record_with_its_first_history_entry() {
        let d = draft(&[
            ("category", "Theft"),
            ("summary", " Laptop taken "),
            ("occurred", "yesterday 22:00"),
            ("site", "hollins park"),
            ("person", "victim:staff:A. Nurse"),
            ("person", "alleged-offender:unknown"),
            ("loss", "850"),
        ]);
        let v = vocab();
        let i = d.build(&ctx(&v)).unwrap();
        assert_eq!(i.id.as_str(), "20261125-1234");
        assert_eq!(i.category, "theft");
        assert_eq!(i.summary, "Laptop taken");
        assert_eq!(i.site.as_deref(), Some("Hollins Park"));
        assert_eq!(i.people[0].name.as_deref(), Some("A. Nurse"));
        assert_eq!(i.losses.unwrap().estimated, crate::model::Money(85000));
        assert_eq!(i.history.len(), 1);
        assert_eq!(i.history[0].action, "reported");
        assert_eq!(i.reported_at, i.recorded_at);
    }

    #[test]
    fn names_every_problem() {
        let d = draft(&[
            ("category", "theif"),
            ("summary", ""),
            ("occurred", "2026-11-26 10:00"),
            ("site", "Elsewhere"),
            ("loss", "12.345"),
            ("person", "victim"),
        ]);
        let v = vocab();
        let p = d.build(&ctx(&v)).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        for f in ["category", "summary", "occurred", "site", "loss", "person"] {
            assert!(fields.contains(&f), "{f} missing from {p:?}");
        }
        assert!(p.iter().any(|p| p.message.contains("did you mean 'theft'")));
    }

    #[test]
    fn reads_documents_and_refuses_unknown_keys() {
        let v: Value = serde_yaml::from_str("category: theft\nsumary: x\nloss: 12.5\n").unwrap();
        let p = Draft::from_value(&v).unwrap_err();
        assert!(p[0].message.contains("did you mean `summary`"), "{p:?}");
        let v: Value = serde_yaml::from_str("category: theft\nsummary: x\nloss: 12.5\nreporter: { name: Jo, party: staff }\npeople: [{ role: victim, party: staff }]\n").unwrap();
        let d = Draft::from_value(&v).unwrap();
        assert_eq!(set(&d, "loss"), ["12.5"]);
        assert_eq!(set(&d, "reporter_party"), ["staff"]);
        assert_eq!(set(&d, "person"), ["victim:staff"]);
    }
}
