use crate::harness::*;

#[test]
fn report_writes_the_record_in_the_design_order_and_prints_only_the_id() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse at A&E reception",
        "--occurred",
        "2026-11-24 14:30",
        "--reported",
        "2026-11-24T15:02",
        "--site",
        "hollins park",
        "--location",
        "A&E reception",
        "--description",
        "What happened, in the reporter's words.\nA second line.\n",
        "--reporter",
        "Jo Bloggs",
        "--reporter-party",
        "staff",
        "--asset",
        "people",
        "--person",
        "victim:staff:A. Nurse",
        "--person",
        "alleged-offender:visitor",
        "--harm",
        "low",
        "--police-ref",
        "MP/26/0012345",
        "--loss",
        "120",
    ]);
    assert!(id.starts_with("20261125-"), "the id carries the recording date: {id}");
    let text = s.read(&id);
    let uuid = text.lines().find_map(|l| l.strip_prefix("uuid: ")).unwrap().to_string();
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "7", "a v7 uuid: {uuid}");
    let want = format!(
        "schema: 1
id: {id}
uuid: {uuid}
status: reported
category: physical-assault
summary: Visitor struck a nurse at A&E reception
occurred_at: 2026-11-24T14:30:00+00:00
reported_at: 2026-11-24T15:02:00+00:00
recorded_at: 2026-11-25T12:00:00+00:00
recorded_by: tester
reporter: {{ name: Jo Bloggs, party: staff }}
site: Hollins Park
location: A&E reception
description: |
  What happened, in the reporter's words.
  A second line.
assets: [people]
people:
  - {{ role: victim, party: staff, name: A. Nurse }}
  - {{ role: alleged-offender, party: visitor }}
harm: low
police: {{ informed: true, crime_ref: MP/26/0012345 }}
losses: {{ estimated: \"120.00\", recovered: \"0.00\" }}
history:
  - {{ at: 2026-11-24T15:02:00+00:00, recorded_at: 2026-11-25T12:00:00+00:00, by: tester, action: reported }}
"
    );
    assert_eq!(text, want);
    s.run(&["check"]).ok();
}

#[test]
fn report_reads_the_description_from_stdin_and_defaults_the_times() {
    let s = Store::new();
    let mut c = s.cmd(&["report", "--category", "theft", "--summary", "Bag taken", "--description", "-"]);
    c.write_stdin("Taken from the staff room\nwhile on shift\n");
    let id = run(c).ok().stdout.trim().to_string();
    let text = s.read(&id);
    assert!(text.contains("description: |\n  Taken from the staff room\n  while on shift\n"), "{text}");
    assert!(
        text.contains("occurred_at: 2026-11-25T12:00:00+00:00\nreported_at: 2026-11-25T12:00:00+00:00\n"),
        "{text}"
    );
}

#[test]
fn times_are_read_in_the_store_zone_and_summer_time_is_kept() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "x",
        "--occurred",
        "2026-07-01 09:00",
        "--reported",
        "2026-07-01T10:00:00Z",
    ]);
    let text = s.read(&id);
    assert!(text.contains("occurred_at: 2026-07-01T09:00:00+01:00\n"), "{text}");
    assert!(text.contains("reported_at: 2026-07-01T11:00:00+01:00\n"), "{text}");
    let utc = Store::with_config("");
    std::fs::write(utc.root.join("lsms.yaml"), "trust: T\ntimezone: UTC\n").unwrap();
    let id = utc.report(&["--category", "theft", "--summary", "x", "--occurred", "2026-07-01 09:00"]);
    assert!(utc.read(&id).contains("occurred_at: 2026-07-01T09:00:00+00:00\n"));
}

#[test]
fn the_autumn_fold_needs_an_offset() {
    let s = Store::new();
    s.run(&["report", "--category", "theft", "--summary", "x", "--occurred", "2026-10-25 01:30"])
        .fails(1)
        .says("happened twice")
        .says("2026-10-25T01:30:00+01:00");
    let id = s.report(&["--category", "theft", "--summary", "x", "--occurred", "2026-10-25T01:30:00+00:00"]);
    assert!(s.read(&id).contains("occurred_at: 2026-10-25T01:30:00+00:00\n"));
}

#[test]
fn every_report_gets_its_own_file_and_id() {
    let s = Store::new();
    let ids: std::collections::BTreeSet<String> =
        (0..20).map(|i| s.report(&["--category", "theft", "--summary", &format!("n{i}")])).collect();
    assert_eq!(ids.len(), 20);
    let out = s.run(&["list", "--format", "ids"]).ok();
    assert_eq!(out.lines().len(), 20);
}

#[test]
fn report_from_a_file_records_every_document() {
    let s = Store::new();
    let file = s.tmp.path().join("batch.yaml");
    std::fs::write(
        &file,
        "category: theft\nsummary: Laptop taken\noccurred: 2026-11-20 10:00\nloss: 850.50\n---\ncategory: harassment\nsummary: Repeated calls to ward\nreporter: { name: A. Nurse, party: staff }\npeople:\n  - { role: victim, party: staff }\n",
    )
    .unwrap();
    let out = s.run(&["report", "--from", file.to_str().unwrap()]).ok();
    let ids = out.lines();
    assert_eq!(ids.len(), 2);
    let first = s.read(ids[0]);
    assert!(first.contains("losses: { estimated: \"850.50\", recovered: \"0.00\" }"), "{first}");
    assert!(s.read(ids[1]).contains("reporter: { name: A. Nurse, party: staff }"));

    let mut c = s.cmd(&["report", "--from", "-"]);
    c.write_stdin("category: security-concern\nsummary: Door propped open\n");
    assert_eq!(run(c).ok().lines().len(), 1);
}

#[test]
fn report_from_is_all_or_nothing() {
    let s = Store::new();
    s.report(&["--category", "theft", "--summary", "already here"]);
    let before = s.snapshot();
    let file = s.tmp.path().join("batch.yaml");
    std::fs::write(&file, "category: theft\nsummary: fine\n---\ncategory: theft\nsumary: typo\n---\ncategory: nonsense\nsummary: x\n").unwrap();
    let out = s.run(&["report", "--from", file.to_str().unwrap()]).fails(1);
    assert_eq!(out.stdout, "", "no ids printed");
    let out = out
        .says("incident 2: unknown key `sumary` (did you mean `summary`?)")
        .says("incident 3: unknown category 'nonsense'");
    assert!(out.stderr.contains("batch.yaml:5:1"), "the typo is shown at its line:\n{}", out.stderr);
    assert_eq!(s.snapshot(), before);
}
