//! `lsms person NAME`: every incident naming someone, for a repeat offender
//! and for a subject access request.

use crate::harness::*;

fn setup() -> (Store, String, String, String) {
    let s = Store::new();
    let a = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse",
        "--occurred",
        "20/11/2026 14:30",
        "--person",
        "alleged-offender:visitor:Zoë O’Brien",
        "--person",
        "victim:staff:Ann Nurse",
    ]);
    let b = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Bag taken",
        "--occurred",
        "22/11/2026 09:00",
        "--reporter",
        "ZOE OBRIEN",
        "--reporter-party",
        "visitor",
    ]);
    let c =
        s.report(&["--category", "theft", "--summary", "Coat taken", "--person", "victim:patient:Jo Smith"]);
    s.run(&["close", &b, "--outcome", "no-further-action", "--note", "Found"]).ok();
    (s, a, b, c)
}

#[test]
fn finds_every_incident_naming_someone_whatever_the_case_accents_or_status() {
    let (s, a, b, _) = setup();
    let out = s.run(&["person", "zoe o'brien", "--format", "tsv"]).ok();
    assert_eq!(
        out.lines(),
        [
            format!("{a}\t2026-11-20\tphysical-assault\treported\talleged-offender\tvisitor"),
            format!("{b}\t2026-11-22\ttheft\tclosed\treporter\tvisitor"),
        ],
        "a closed incident is found too, and the name is not in TSV without --include-personal"
    );
    // A part of the name is enough.
    let out = s.run(&["person", "Brien", "--format", "csv", "--include-personal"]).ok();
    assert_eq!(out.lines()[0], "id,occurred,category,status,role,party,name");
    assert!(
        out.stdout.contains(&format!(
            "{a},2026-11-20,physical-assault,reported,alleged-offender,visitor,Zoë O’Brien"
        ))
    );
    assert!(out.stdout.contains(&format!("{b},2026-11-22,theft,closed,reporter,visitor,ZOE OBRIEN")));
    assert_eq!(out.lines().len(), 3);
    // The filters apply.
    let out = s.run(&["person", "zoe", "--format", "tsv", "--open"]).ok();
    assert_eq!(out.lines().len(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with(&a));
}

#[test]
fn the_table_shows_the_name_as_recorded() {
    let (s, a, _, _) = setup();
    let out = s.run(&["person", "ann", "--format", "table"]).ok();
    assert!(
        out.stdout.contains(&a) && out.stdout.contains("Ann Nurse") && out.stdout.contains("victim"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("O’Brien"), "only the matched person is shown:\n{}", out.stdout);
}

#[test]
fn json_with_personal_data_is_every_record_whole_for_a_subject_access_request() {
    let (s, a, b, c) = setup();
    let out = s.run(&["person", "Zoë", "--format", "json", "--include-personal"]).ok();
    let got: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let want: Vec<serde_json::Value> = [&a, &b]
        .iter()
        .map(|id| serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap())
        .collect();
    assert_eq!(got, serde_json::Value::Array(want));
    assert!(!out.stdout.contains(&c));

    let out = s.run(&["person", "Zoë", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["role"], "alleged-offender");
    assert!(!out.stdout.to_lowercase().contains("zo"), "no name without --include-personal:\n{}", out.stdout);
}

#[test]
fn nobody_named_is_no_rows_and_an_empty_name_is_refused() {
    let (s, _, _, _) = setup();
    let before = s.snapshot();
    let out = s.run(&["person", "Smithers", "--format", "tsv"]).ok().says("no incident names Smithers");
    assert_eq!(out.stdout, "");
    s.run(&["person", "  "]).fails(2).says("the name is empty");
    s.run(&["person"]).fails(2).says("<NAME>");
    s.run(&["person", "x", "--format", "xlsx"]).fails(2);
    s.run(&["person", "x", "--since", "11/24/2026"]).fails(2).says("day first");
    assert_eq!(s.snapshot(), before);
}
