//! A new incident as a person gives it (flags, or one YAML document of
//! `report --from`), checked and turned into a record.

use super::enums::*;
use super::id::Id;
use super::incident::*;
use super::money::Money;
use super::time::{Stamp, in_zone, parse_when};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_yaml::Value;
use uuid::Uuid;

/// The fields of `report`, as text, before any checking.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub category: Option<String>,
    pub summary: Option<String>,
    pub occurred: Option<String>,
    pub reported: Option<String>,
    pub site: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    pub reporter: Option<String>,
    pub reporter_party: Option<String>,
    pub assets: Vec<String>,
    pub people: Vec<String>,
    pub harm: Option<String>,
    pub medical_factors: Option<String>,
    pub police_ref: Option<String>,
    pub loss: Option<String>,
    pub flags: Vec<String>,
    pub weapon: Option<String>,
}

/// The keys a `report --from` document may use.
pub const DRAFT_KEYS: &[&str] = &[
    "category",
    "summary",
    "occurred",
    "reported",
    "site",
    "location",
    "description",
    "reporter",
    "reporter_party",
    "assets",
    "people",
    "harm",
    "medical_factors",
    "police_ref",
    "loss",
    "flags",
    "weapon",
];

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

/// The value, or a problem noted against `field`.
fn ok<T>(problems: &mut Vec<Problem>, field: &str, r: Result<T, String>) -> Option<T> {
    r.map_err(|e| problems.push(bad(field, e))).ok()
}

/// A trimmed one-line text; empty is absent.
fn one_line(problems: &mut Vec<Problem>, field: &str, s: &Option<String>) -> Option<String> {
    let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if s.contains(super::text::LINE_BREAKS) {
        return ok(problems, field, Err(format!("the {} should be one line", field.replace('_', " "))));
    }
    Some(s.to_string())
}

impl Draft {
    /// Reads one YAML document of `report --from`. Unknown keys are refused
    /// (a typo would otherwise drop a field without a word).
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
            let one = |problems: &mut Vec<Problem>| {
                let t = text_of(v);
                if t.is_none() {
                    problems.push(bad(&key, format!("`{key}` should be text")));
                }
                t
            };
            let many = |problems: &mut Vec<Problem>| -> Vec<String> {
                match v {
                    Value::Sequence(items) => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, item)| match item {
                            Value::Mapping(m) => {
                                let part = |n: &str| m.get(n).and_then(text_of).unwrap_or_default();
                                let mut s = format!("{}:{}", part("role"), part("party"));
                                if let Some(name) = m.get("name").and_then(text_of) {
                                    s = format!("{s}:{name}");
                                }
                                Some(s)
                            }
                            other => text_of(other).or_else(|| {
                                problems.push(bad(&format!("{key}[{i}]"), "should be text"));
                                None
                            }),
                        })
                        .collect(),
                    other => text_of(other).into_iter().collect(),
                }
            };
            match key.as_str() {
                "category" => d.category = one(&mut problems),
                "summary" => d.summary = one(&mut problems),
                "occurred" | "occurred_at" => d.occurred = one(&mut problems),
                "reported" | "reported_at" => d.reported = one(&mut problems),
                "site" => d.site = one(&mut problems),
                "location" => d.location = one(&mut problems),
                "description" => d.description = one(&mut problems),
                "reporter" => match v {
                    Value::Mapping(m) => {
                        d.reporter = m.get("name").and_then(text_of);
                        d.reporter_party = m.get("party").and_then(text_of);
                    }
                    _ => d.reporter = one(&mut problems),
                },
                "reporter_party" => d.reporter_party = one(&mut problems),
                "assets" | "asset" => d.assets = many(&mut problems),
                "people" | "person" => d.people = many(&mut problems),
                "harm" => d.harm = one(&mut problems),
                "medical_factors" => d.medical_factors = one(&mut problems),
                "police_ref" => d.police_ref = one(&mut problems),
                "loss" => d.loss = one(&mut problems),
                "flags" | "flag" => d.flags = many(&mut problems),
                "weapon" => d.weapon = one(&mut problems),
                other => {
                    let hint = super::suggest(other, DRAFT_KEYS)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    problems.push(bad(
                        other,
                        format!("unknown key `{other}`{hint}: the keys are {}", DRAFT_KEYS.join(", ")),
                    ));
                }
            }
        }
        if problems.is_empty() { Ok(d) } else { Err(problems) }
    }

    /// Checks every field and makes the record, or names every problem.
    pub fn build(self, n: &NewRecord<'_>) -> Result<Incident, Vec<Problem>> {
        let mut problems = Vec::new();
        let p = &mut problems;

        let category = match &self.category {
            None => ok(
                p,
                "category",
                Err(format!("a category is needed: one of {}", n.vocab.categories.join(", "))),
            ),
            Some(c) => ok(p, "category", n.vocab.check_category(c)),
        };
        let summary = match self.summary.as_deref().map(str::trim) {
            None | Some("") => {
                ok(p, "summary", Err("a summary is needed: one line that says what happened".into()))
            }
            Some(s) if s.contains(super::text::LINE_BREAKS) => ok(
                p,
                "summary",
                Err("the summary should be one line; put the rest in the description".into()),
            ),
            Some(s) => Some(s.to_string()),
        };
        let now = in_zone(n.now, n.tz);
        let when = |s: &Option<String>| s.as_deref().map(|s| parse_when(s, n.tz, n.now)).transpose();
        let reported: Option<Stamp> = ok(p, "reported", when(&self.reported)).map(|r| r.unwrap_or(now));
        let occurred: Option<Stamp> =
            ok(p, "occurred", when(&self.occurred)).map(|o| o.or(reported).unwrap_or(now));
        if let Some(r) = reported
            && r > now
        {
            p.push(bad("reported", format!("reported time {} is in the future", super::time::rfc3339(&r))));
        }
        if let Some(o) = occurred
            && o > now
        {
            p.push(bad("occurred", format!("occurred time {} is in the future", super::time::rfc3339(&o))));
        }
        if let (Some(o), Some(r)) = (occurred, reported)
            && o > r
        {
            p.push(bad("occurred", format!(
                "occurred time {} is later than reported time {}: an incident is reported after it happens",
                super::time::rfc3339(&o),
                super::time::rfc3339(&r)
            )));
        }
        let site = self.site.as_deref().and_then(|s| ok(p, "site", n.vocab.check_site(s.trim())));
        let location = one_line(p, "location", &self.location);
        let reporter_name = one_line(p, "reporter", &self.reporter);
        let description = self.description.filter(|d| !d.trim().is_empty());
        let reporter_party =
            self.reporter_party.as_deref().and_then(|x| ok(p, "reporter_party", Party::parse(x)));
        let reporter = match (reporter_name, reporter_party) {
            (None, None) => None,
            (name, party) => {
                Some(Reporter { name, party: party.unwrap_or(Party::Unknown), extra: Default::default() })
            }
        };
        let mut assets = Vec::new();
        for a in &self.assets {
            if let Some(a) = ok(p, "assets", Asset::parse(a))
                && !assets.contains(&a)
            {
                assets.push(a);
            }
        }
        let mut people = Vec::new();
        for who in &self.people {
            if let Some(person) = ok(p, "people", parse_person(who)) {
                people.push(person);
            }
        }
        let harm = self.harm.as_deref().and_then(|h| ok(p, "harm", Harm::parse(h)));
        let medical_factors =
            self.medical_factors.as_deref().and_then(|m| ok(p, "medical_factors", Tri::parse(m)));
        let police = one_line(p, "police_ref", &self.police_ref).map(|r| Police {
            informed: true,
            crime_ref: Some(r),
            extra: Default::default(),
        });
        let mut flags: Vec<String> = Vec::new();
        for f in &self.flags {
            if let Some(f) = ok(p, "flags", n.vocab.check_flag(f))
                && !flags.contains(&f)
            {
                flags.push(f);
            }
        }
        let weapon = one_line(p, "weapon", &self.weapon);
        let losses = self
            .loss
            .as_deref()
            .and_then(|l| ok(p, "loss", Money::parse(l)))
            .map(|estimated| Losses { estimated, recovered: Money::ZERO, extra: Default::default() });

        if !problems.is_empty() {
            return Err(problems);
        }
        let (Some(category), Some(summary), Some(occurred_at), Some(reported_at)) =
            (category, summary, occurred, reported)
        else {
            return Err(vec![bad("", "a required field is missing")]);
        };
        let id = Id::new(now.date_naive(), n.random);
        // What a new report does not set stays at its default (absent).
        Ok(Incident {
            id,
            uuid: n.uuid,
            status: Status::Reported,
            category,
            summary,
            occurred_at,
            reported_at,
            recorded_at: now,
            recorded_by: n.actor.to_string(),
            reporter,
            site,
            location,
            description,
            assets,
            people,
            harm,
            medical_factors,
            flags,
            weapon,
            police,
            losses,
            history: vec![Entry {
                at: now,
                by: n.actor.to_string(),
                action: "reported".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
    }
}

/// `ROLE:PARTY[:NAME]`, as `--person victim:staff:A. Nurse`.
pub fn parse_person(s: &str) -> Result<Person, String> {
    let mut parts = s.splitn(3, ':');
    let role = parts.next().unwrap_or("");
    let Some(party) = parts.next() else {
        return Err(format!(
            "person '{s}' should be ROLE:PARTY or ROLE:PARTY:NAME, like victim:staff:A. Nurse"
        ));
    };
    let name = parts.next().map(str::trim).filter(|n| !n.is_empty()).map(String::from);
    if let Some(n) = &name {
        super::text::one_line("a person's name", n)?;
    }
    Ok(Person { role: Role::parse(role)?, party: Party::parse(party)?, name, extra: Default::default() })
}

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

    fn vocab() -> Vocab {
        Vocab { sites: Some(vec!["Hollins Park".into()]), ..Vocab::standard() }
    }

    #[test]
    fn builds_a_reported_record_with_its_first_history_entry() {
        let d = Draft {
            category: Some("Theft".into()),
            summary: Some(" Laptop taken ".into()),
            occurred: Some("yesterday 22:00".into()),
            site: Some("hollins park".into()),
            people: vec!["victim:staff:A. Nurse".into(), "alleged-offender:unknown".into()],
            loss: Some("850".into()),
            ..Draft::default()
        };
        let v = vocab();
        let i = d.build(&ctx(&v)).unwrap();
        assert_eq!(i.id.as_str(), "20261125-1234");
        assert_eq!(i.category, "theft");
        assert_eq!(i.summary, "Laptop taken");
        assert_eq!(i.site.as_deref(), Some("Hollins Park"));
        assert_eq!(i.people[0].name.as_deref(), Some("A. Nurse"));
        assert_eq!(i.losses.unwrap().estimated, Money(85000));
        assert_eq!(i.history.len(), 1);
        assert_eq!(i.history[0].action, "reported");
        assert_eq!(i.reported_at, i.recorded_at);
    }

    #[test]
    fn names_every_problem() {
        let d = Draft {
            category: Some("theif".into()),
            summary: Some("".into()),
            occurred: Some("2026-11-26 10:00".into()),
            site: Some("Elsewhere".into()),
            loss: Some("12.345".into()),
            people: vec!["victim".into()],
            ..Draft::default()
        };
        let v = vocab();
        let p = d.build(&ctx(&v)).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        for f in ["category", "summary", "occurred", "site", "loss", "people"] {
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
        assert_eq!(d.loss.as_deref(), Some("12.5"));
        assert_eq!(d.reporter_party.as_deref(), Some("staff"));
        assert_eq!(d.people, vec!["victim:staff".to_string()]);
    }
}
