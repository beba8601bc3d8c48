//! Writes an incident as YAML in the design's key order: LF endings, a
//! final newline, one line per history entry, so that `git diff` shows the
//! lines that changed and nothing else.

use crate::model::incident::*;
use crate::model::time::rfc3339;
use serde_yaml::{Mapping, Value};
use std::fmt::Write;

/// A string as a one-line YAML scalar: plain where every reader reads it
/// back as the same string, else double-quoted.
pub fn scalar(s: &str) -> String {
    crate::model::text::scalar(s).into_owned()
}

/// A text that may run over lines: a literal block where it reads well,
/// else a quoted scalar.
fn text(out: &mut String, key: &str, s: &str) {
    if !crate::model::text::can_be_literal(s) {
        let _ = writeln!(out, "{key}: {}", scalar(s));
        return;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let _ = writeln!(out, "{key}: |{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// Any YAML value in flow style, on one line: for keys the tool does not
/// know. Strings go through the same quoting as every other string.
fn flow_value(v: &Value) -> String {
    match v {
        Value::String(s) => scalar(s),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(m) => {
            let pairs: Vec<String> =
                m.iter().map(|(k, v)| format!("{}: {}", flow_value(k), flow_value(v))).collect();
            if pairs.is_empty() { "{}".into() } else { format!("{{ {} }}", pairs.join(", ")) }
        }
        Value::Tagged(t) => format!("{} {}", t.tag, flow_value(&t.value)),
    }
}

/// `{ a: b, c: d }` from (key, value) pairs, leaving out absent values.
struct Flow(String);

impl Flow {
    fn new() -> Flow {
        Flow(String::new())
    }
    fn put(mut self, key: &str, value: Option<String>) -> Flow {
        if let Some(v) = value {
            if !self.0.is_empty() {
                self.0.push_str(", ");
            }
            let _ = write!(self.0, "{key}: {v}");
        }
        self
    }
    fn text(self, key: &str, value: &Option<String>) -> Flow {
        self.put(key, value.as_deref().map(scalar))
    }
    fn extra(mut self, extra: &Mapping) -> Flow {
        for (k, v) in extra {
            self = self.put(&flow_value(k), Some(flow_value(v)));
        }
        self
    }
    fn done(self) -> String {
        format!("{{ {} }}", self.0)
    }
}

/// A date as the file writes it: `2026-12-01`, plain (a YAML 1.1 reader
/// such as PyYAML reads it as the date it is).
fn some<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|x| x.to_string())
}

fn reporter(r: &Reporter) -> String {
    Flow::new().text("name", &r.name).put("party", Some(r.party.to_string())).extra(&r.extra).done()
}

fn person(p: &Person) -> String {
    Flow::new()
        .put("role", Some(p.role.to_string()))
        .put("party", Some(p.party.to_string()))
        .text("name", &p.name)
        .extra(&p.extra)
        .done()
}

fn police(p: &Police) -> String {
    Flow::new()
        .put("informed", Some(p.informed.to_string()))
        .text("crime_ref", &p.crime_ref)
        .extra(&p.extra)
        .done()
}

fn riddor(r: &Riddor) -> String {
    Flow::new()
        .put("status", Some(r.status.to_string()))
        .text("basis", &r.basis)
        .text("hse_ref", &r.hse_ref)
        .put("reported_on", some(&r.reported_on))
        .extra(&r.extra)
        .done()
}

fn losses(l: &Losses) -> String {
    Flow::new()
        .put("estimated", Some(scalar(&l.estimated.to_string())))
        .put("recovered", Some(scalar(&l.recovered.to_string())))
        .extra(&l.extra)
        .done()
}

fn sanction(s: &Sanction) -> String {
    Flow::new()
        .put("class", Some(s.class.to_string()))
        .put("kind", Some(scalar(&s.kind)))
        .put("date", some(&s.date))
        .put("review_on", some(&s.review_on))
        .text("note", &s.note)
        .extra(&s.extra)
        .done()
}

fn link(l: &Link) -> String {
    Flow::new()
        .put("id", Some(l.id.to_string()))
        .put("as", Some(l.kind.to_string()))
        .text("note", &l.note)
        .extra(&l.extra)
        .done()
}

fn notice(n: &Notice) -> String {
    Flow::new()
        .put("to", Some(n.to.to_string()))
        .put("date", Some(n.date.to_string()))
        .text("ref", &n.reference)
        .text("note", &n.note)
        .extra(&n.extra)
        .done()
}

fn evidence(e: &Evidence) -> String {
    Flow::new()
        .put("sha256", Some(scalar(&e.sha256)))
        .put("name", Some(scalar(&e.name)))
        .put("size", Some(e.size.to_string()))
        .put("added_at", Some(rfc3339(&e.added_at)))
        .put("added_by", Some(scalar(&e.added_by)))
        .text("source", &e.source)
        .text("note", &e.note)
        .extra(&e.extra)
        .done()
}

fn refs(rs: &[(String, String)]) -> String {
    rs.iter().fold(Flow::new(), |f, (system, r)| f.put(&scalar(system), Some(scalar(r)))).done()
}

fn entry(e: &Entry) -> String {
    Flow::new()
        .put("at", Some(rfc3339(&e.at)))
        .put("by", Some(scalar(&e.by)))
        .put("action", Some(scalar(&e.action)))
        .text("field", &e.field)
        .text("from", &e.from)
        .text("to", &e.to)
        .text("detail", &e.detail)
        .extra(&e.extra)
        .done()
}

fn items<T>(out: &mut String, key: &str, xs: &[T], f: impl Fn(&T) -> String) {
    if xs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for x in xs {
        let _ = writeln!(out, "  - {}", f(x));
    }
}

fn top_extra(out: &mut String, inc: &Incident, anchor: Option<&str>) {
    for x in &inc.extra {
        if x.after == anchor {
            match &x.raw {
                Some(raw) => out.push_str(raw),
                None => {
                    let _ = writeln!(out, "{}: {}", flow_value(&x.key), flow_value(&x.value));
                }
            }
        }
    }
}

impl Incident {
    /// The file's text.
    pub fn to_yaml(&self) -> String {
        let mut out = String::with_capacity(1024);
        top_extra(&mut out, self, None);
        for key in KEYS {
            let o = &mut out;
            let line = |o: &mut String, v: String| {
                let _ = writeln!(o, "{key}: {v}");
            };
            match *key {
                "schema" => line(o, SCHEMA.to_string()),
                "id" => line(o, self.id.to_string()),
                "uuid" => line(o, self.uuid.to_string()),
                "status" => line(o, self.status.to_string()),
                "category" => line(o, scalar(&self.category)),
                "summary" => line(o, scalar(&self.summary)),
                "occurred_at" => line(o, rfc3339(&self.occurred_at)),
                "reported_at" => line(o, rfc3339(&self.reported_at)),
                "recorded_at" => line(o, rfc3339(&self.recorded_at)),
                "recorded_by" => line(o, scalar(&self.recorded_by)),
                "reporter" => self.reporter.iter().for_each(|r| line(o, reporter(r))),
                "site" => self.site.iter().for_each(|s| line(o, scalar(s))),
                "location" => self.location.iter().for_each(|s| line(o, scalar(s))),
                "description" => self.description.iter().for_each(|s| text(o, key, s)),
                "assets" if !self.assets.is_empty() => {
                    let names: Vec<&str> = self.assets.iter().map(|a| a.as_str()).collect();
                    line(o, format!("[{}]", names.join(", ")));
                }
                "people" => items(o, key, &self.people, person),
                "harm" => self.harm.iter().for_each(|h| line(o, h.to_string())),
                "medical_factors" => self.medical_factors.iter().for_each(|m| line(o, scalar(m.as_str()))),
                "flags" if !self.flags.is_empty() => {
                    let names: Vec<String> = self.flags.iter().map(|f| scalar(f)).collect();
                    line(o, format!("[{}]", names.join(", ")));
                }
                "weapon" => self.weapon.iter().for_each(|s| line(o, scalar(s))),
                "police" => self.police.iter().for_each(|p| line(o, police(p))),
                "riddor" => self.riddor.iter().for_each(|r| line(o, riddor(r))),
                "losses" => self.losses.iter().for_each(|l| line(o, losses(l))),
                "refs" if !self.refs.is_empty() => line(o, refs(&self.refs)),
                "assignee" => self.assignee.iter().for_each(|s| line(o, scalar(s))),
                "links" => items(o, key, &self.links, link),
                "notified" => items(o, key, &self.notified, notice),
                "evidence" => items(o, key, &self.evidence, evidence),
                "sanctions" => items(o, key, &self.sanctions, sanction),
                "outcome" => self.outcome.iter().for_each(|x| line(o, x.to_string())),
                "closed_at" => self.closed_at.iter().for_each(|t| line(o, rfc3339(t))),
                "closure_note" => self.closure_note.iter().for_each(|s| text(o, key, s)),
                "history" => {
                    let _ = writeln!(o, "history:");
                    for e in &self.history {
                        let _ = writeln!(o, "  - {}", entry(e));
                    }
                }
                _ => {}
            }
            top_extra(&mut out, self, Some(key));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_where_safe_quoted_where_not() {
        assert_eq!(scalar("A&E reception"), "A&E reception");
        assert_eq!(
            scalar("2026-11-24T14:30:00+00:00"),
            "\"2026-11-24T14:30:00+00:00\"",
            "PyYAML would read a time"
        );
        assert_eq!(scalar("5 Boroughs Partnership NHS Trust"), "5 Boroughs Partnership NHS Trust");
        assert_eq!(scalar("Siân O'Neill"), "Siân O'Neill");
        for quoted in [
            "120.00",
            "no",
            "Yes",
            "null",
            "",
            " x",
            "a: b",
            "x #y",
            "- dash",
            "[x]",
            "a,b",
            "12",
            "1e3",
            "0x1F",
            "tab\there",
            "line\nbreak",
            "@home",
            "{x}",
        ] {
            let s = scalar(quoted);
            assert!(s.starts_with('"'), "{quoted:?} should be quoted, got {s}");
            let back: String = serde_yaml::from_str(&s).unwrap();
            assert_eq!(back, quoted);
        }
    }

    #[test]
    fn every_scalar_reads_back_as_the_same_string() {
        for s in [
            "plain",
            "2026-12-01",
            "20261124-7QF3",
            "Café ☕",
            "it's",
            "a:b",
            "100%",
            "x!",
            "~x",
            "ends with colon:",
            "-",
            "?",
            "0",
            ".5",
            "1_000",
            "3:30",
        ] {
            let text = format!("k: {}\n", scalar(s));
            let v: Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(v["k"].as_str(), Some(s), "{text}");
            let flow = format!("k: {{ a: {}, b: c }}\n", scalar(s));
            let v: Value = serde_yaml::from_str(&flow).unwrap();
            assert_eq!(v["k"]["a"].as_str(), Some(s), "{flow}");
        }
    }

    #[test]
    fn multi_line_text_is_a_literal_block_that_reads_back() {
        for s in ["one\ntwo\n", "one\ntwo", "one\n\ntwo\n\n", " leading\nspace", "tab\there\nx\n"] {
            let mut out = String::new();
            text(&mut out, "description", s);
            let v: Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(v["description"].as_str(), Some(s), "{out}");
        }
    }
}
