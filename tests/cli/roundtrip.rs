//! Every string a person gives comes back exactly as given, as lsms reads
//! the file and as PyYAML reads it too: arbitrary Unicode through the real
//! commands, then every file read by Python's yaml.safe_load. Fields that
//! are one line refuse line breaks of every kind and leave the store as it
//! was. LSMS_ROUNDTRIP_CASES runs more by hand.

use crate::harness::*;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRunner};

const BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{0B}', '\u{0C}'];

const TRICKY: &[char] = &[
    '\t', '\u{FEFF}', '\u{7F}', '\u{1B}', '\u{9B}', '\u{A0}', '\u{3000}', '\u{FFFE}', '#', ':', ' ', '"',
    '\'', '\\', '-', '?', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '~', '=', '<',
    '0', '1', '.', '+', 'ŵ', '😀', '\u{202E}', '\n', '\u{2028}', '\u{85}', '\r',
];

/// Arbitrary text, as argv can carry it (no NUL).
fn text() -> impl Strategy<Value = String> {
    use proptest::prelude::*;
    proptest::collection::vec(prop_oneof![3 => any::<char>(), 2 => proptest::sample::select(TRICKY)], 1..20)
        .prop_map(|cs| cs.into_iter().filter(|c| *c != '\0').collect())
}

/// One line that is not blank once trimmed, as one-line fields take it.
fn line(s: &str) -> String {
    let s: String = s.chars().filter(|c| !BREAKS.contains(c)).collect();
    if s.trim().is_empty() { format!("x{s}") } else { s }
}

struct Case {
    summary: String,
    location: String,
    description: String,
    reporter: String,
    person: String,
    crime_ref: String,
    note: String,
    kind: String,
    sanction_note: String,
    assignee: String,
    weapon: String,
    notice_ref: String,
    notice_note: String,
}

fn cases(n: usize) -> Vec<Case> {
    let mut runner =
        TestRunner::new(Config { rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..Config::default() });
    let strat = proptest::collection::vec(text(), 13);
    (0..n)
        .map(|_| {
            let v = strat.new_tree(&mut runner).expect("a case").current();
            let note = if v[6].trim_end().trim().is_empty() || v[6] == "-" {
                format!("x{}", v[6])
            } else {
                v[6].clone()
            };
            let description = if v[2].trim().is_empty() { format!("x{}", v[2]) } else { v[2].clone() };
            let sanction_note = if v[8].trim().is_empty() { format!("x{}", v[8]) } else { v[8].clone() };
            Case {
                summary: line(&v[0]),
                location: line(&v[1]),
                description,
                reporter: line(&v[3]),
                person: line(&v[4]),
                crime_ref: line(&v[5]),
                note,
                kind: line(&v[7]),
                sanction_note,
                assignee: line(&v[9]),
                weapon: line(&v[10]),
                notice_ref: line(&v[11]),
                notice_note: if v[12].trim().is_empty() { format!("x{}", v[12]) } else { v[12].clone() },
            }
        })
        .collect()
}

const READ_WITH_PYYAML: &str = r#"
import json, sys, yaml
out = []
for path in sys.argv[1:]:
    with open(path, encoding='utf-8') as f:
        r = yaml.safe_load(f)
    out.append({
        'summary': r['summary'], 'location': r['location'], 'description': r['description'],
        'reporter': r['reporter']['name'], 'person': r['people'][0]['name'],
        'crime_ref': r['police']['crime_ref'], 'kind': r['sanctions'][0]['kind'],
        'sanction_note': r['sanctions'][0]['note'], 'assignee': r['assignee'],
        'note': [e['detail'] for e in r['history'] if e['action'] == 'note'][0],
        'weapon': r['weapon'], 'notice_ref': r['notified'][0]['ref'],
        'notice_note': r['notified'][0]['note'], 'notice_date': str(r['notified'][0]['date']),
    })
print(json.dumps(out))
"#;

#[test]
fn every_string_comes_back_exactly_as_given_as_lsms_and_pyyaml_read_it() {
    if !pyyaml() {
        return;
    }
    let n = std::env::var("LSMS_ROUNDTRIP_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let s = Store::with_config("");
    let cases = cases(n);
    let mut paths = Vec::new();
    for c in &cases {
        let id = s.report(&[
            "--category=theft",
            &format!("--summary={}", c.summary),
            &format!("--location={}", c.location),
            &format!("--description={}", c.description),
            &format!("--reporter={}", c.reporter),
            &format!("--person=victim:staff:{}", c.person),
            &format!("--police-ref={}", c.crime_ref),
            &format!("--weapon={}", c.weapon),
            "--flag=weapon",
        ]);
        s.run(&[
            "notify",
            &id,
            "--to=police",
            "--on=today",
            &format!("--ref={}", c.notice_ref),
            &format!("--note={}", c.notice_note),
        ])
        .ok();
        s.run(&["note", &id, "--", &c.note]).ok();
        s.run(&[
            "sanction",
            &id,
            "--class=civil",
            &format!("--kind={}", c.kind),
            &format!("--note={}", c.sanction_note),
        ])
        .ok();
        s.run(&["assign", &id, &format!("--to={}", c.assignee)]).ok();
        paths.push(s.path_of(&id).to_str().unwrap().to_string());
    }
    s.run(&["check"]).ok();
    s.run(&["fmt", "--check"]).ok();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(READ_WITH_PYYAML)
        .args(&paths)
        .output()
        .expect("python3 with PyYAML");
    assert!(out.status.success(), "PyYAML failed: {}", String::from_utf8_lossy(&out.stderr));
    let read: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    for (c, r) in cases.iter().zip(&read) {
        let want = [
            ("summary", c.summary.trim().to_string()),
            ("location", c.location.trim().to_string()),
            ("description", c.description.clone()),
            ("reporter", c.reporter.trim().to_string()),
            ("person", c.person.trim().to_string()),
            ("crime_ref", c.crime_ref.trim().to_string()),
            ("note", c.note.trim_end().to_string()),
            ("kind", c.kind.trim().to_string()),
            ("sanction_note", c.sanction_note.trim().to_string()),
            ("assignee", c.assignee.trim().to_string()),
            ("weapon", c.weapon.trim().to_string()),
            ("notice_ref", c.notice_ref.trim().to_string()),
            ("notice_note", c.notice_note.trim_end().to_string()),
            ("notice_date", "2026-11-25".to_string()),
        ];
        for (field, value) in want {
            assert_eq!(r[field].as_str(), Some(value.as_str()), "PyYAML reads {field} otherwise: {value:?}");
        }
    }
    // lsms itself reads them back the same (serde_yaml, through show).
    for (c, p) in cases.iter().zip(&paths) {
        let id = std::path::Path::new(p).file_stem().unwrap().to_str().unwrap();
        let shown: serde_json::Value =
            serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap();
        assert_eq!(shown["summary"].as_str(), Some(c.summary.trim()));
        assert_eq!(shown["description"].as_str(), Some(c.description.as_str()));
    }
}

#[test]
fn one_line_fields_refuse_every_kind_of_line_break_and_change_nothing() {
    let s = Store::with_config("");
    let id = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let before = s.snapshot();
    for br in BREAKS {
        let v = format!("a{br}b");
        for args in [
            vec!["report".to_string(), "--category=theft".into(), format!("--summary={v}")],
            vec!["report".into(), "--category=theft".into(), "--summary=x".into(), format!("--location={v}")],
            vec![
                "report".into(),
                "--category=theft".into(),
                "--summary=x".into(),
                format!("--person=victim:staff:{v}"),
            ],
            vec!["sanction".into(), id.clone(), "--class=civil".into(), format!("--kind={v}")],
            vec!["update".into(), id.clone(), format!("--location={v}")],
            vec!["update".into(), id.clone(), format!("--weapon={v}")],
            vec!["report".into(), "--category=theft".into(), "--summary=x".into(), format!("--weapon={v}")],
            vec!["notify".into(), id.clone(), "--to=cdao".into(), "--on=today".into(), format!("--ref={v}")],
            vec!["assign".into(), id.clone(), format!("--to={v}")],
        ] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = s.run(&args).fails(1);
            assert!(out.stderr.contains("one line"), "{args:?}: {}", out.stderr);
        }
        let mut c = lsms();
        c.arg("-C").arg(&s.root).env("LSMS_USER", &v).args(["note", &id, "x"]);
        assert!(run(c).fails(1).stderr.contains("one line"), "the actor's name");
    }
    assert_eq!(s.snapshot(), before, "the store is byte for byte as it was");
}
