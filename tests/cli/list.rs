use crate::harness::*;
use std::io::Read;
use std::process::Stdio;

/// Three open incidents and one closed one (closed by hand-editing).
fn store() -> (Store, Vec<String>) {
    let s = Store::new();
    let a = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Laptop taken",
        "--occurred",
        "2026-11-01 10:00",
        "--site",
        "Hollins Park",
        "--location",
        "Ward 3",
    ]);
    let b = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Nurse punched",
        "--occurred",
        "2026-11-10 22:15",
        "--site",
        "Peasley Cross",
        "--description",
        "In the CAR PARK by the gate",
    ]);
    let c = s.report(&[
        "--category",
        "harassment",
        "--summary",
        "Repeated calls",
        "--occurred",
        "2026-10-31 23:59",
    ]);
    let d = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Drugs cupboard forced",
        "--occurred",
        "2026-09-15 08:00",
        "--site",
        "Hollins Park",
    ]);
    let path = s.path_of(&d);
    let text = std::fs::read_to_string(&path).unwrap().replace("status: reported", "status: closed").replace(
        "history:",
        "assignee: asmith\noutcome: no-further-action\nclosed_at: 2026-11-20T10:00:00+00:00\nhistory:",
    );
    std::fs::write(&path, text).unwrap();
    (s, vec![a, b, c, d])
}

fn ids(s: &Store, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list", "--format", "ids"];
    all.extend_from_slice(args);
    s.run(&all).ok().lines().iter().map(|l| l.to_string()).collect()
}

#[test]
fn list_shows_open_incidents_by_occurrence_and_filters_mean_one_thing() {
    let (s, v) = store();
    let [a, b, c, d] = [v[0].as_str(), v[1].as_str(), v[2].as_str(), v[3].as_str()];
    assert_eq!(ids(&s, &[]), [c, a, b], "open, oldest occurrence first");
    assert_eq!(ids(&s, &["--all"]), [d, c, a, b]);
    assert_eq!(ids(&s, &["--closed"]), [d]);
    assert_eq!(ids(&s, &["--status", "closed,reported"]), [d, c, a, b]);
    assert_eq!(ids(&s, &["--all", "--category", "theft"]), [d, a]);
    assert_eq!(ids(&s, &["--category", "theft,harassment"]), [c, a]);
    assert_eq!(ids(&s, &["--all", "--site", "hollins park"]), [d, a]);
    assert_eq!(ids(&s, &["--all", "--assignee", "ASmith"]), [d]);
    assert_eq!(ids(&s, &["--all", "--unassigned"]), [c, a, b]);
    assert_eq!(ids(&s, &["--since", "2026-11-01"]), [a, b], "a date starts at midnight in the store zone");
    assert_eq!(ids(&s, &["--until", "2026-10-31"]), [c], "a date in --until is the whole day");
    assert_eq!(ids(&s, &["--since", "2026-11-01 10:00", "--until", "2026-11-01 10:00"]), [a]);
    assert_eq!(ids(&s, &["--grep", "car park"]), [b], "grep reads the description, any case");
    assert_eq!(ids(&s, &["--grep", "WARD 3"]), [a], "and the location");
    assert_eq!(ids(&s, &["--all", "--grep", "nothing like this"]), Vec::<String>::new());
}

#[test]
fn list_sorts_reverses_limits_and_picks_columns() {
    let (s, v) = store();
    assert_eq!(ids(&s, &["--reverse"]), [v[1].as_str(), v[0].as_str(), v[2].as_str()]);
    assert_eq!(ids(&s, &["--sort", "category"]), [v[2].as_str(), v[1].as_str(), v[0].as_str()]);
    assert_eq!(ids(&s, &["--sort", "summary", "--limit", "2"]), [v[0].as_str(), v[1].as_str()]);
    let out = s.run(&["list", "--format", "tsv", "--columns", "id,site,summary"]).ok();
    assert_eq!(out.lines()[1], format!("{}\tHollins Park\tLaptop taken", v[0]));
}

#[test]
fn piped_output_is_tsv_without_a_header_one_incident_a_line() {
    let (s, v) = store();
    let out = s.run(&["list"]).ok();
    assert_eq!(out.lines().len(), 3, "{}", out.stdout);
    let cells: Vec<&str> = out.lines()[1].split('\t').collect();
    assert_eq!(
        cells,
        [v[0].as_str(), "reported", "theft", "2026-11-01T10:00:00+00:00", "Hollins Park", "", "Laptop taken"]
    );
    assert_eq!(out.stderr, "", "nothing but data, and no talk on stderr");
}

#[test]
fn csv_and_json_carry_the_same_rows_with_a_header() {
    let (s, v) = store();
    let csv = s.run(&["list", "--all", "--format", "csv"]).ok();
    assert_eq!(csv.lines()[0], "id,status,category,occurred,site,assignee,summary");
    assert_eq!(csv.lines().len(), 5);
    let json = s.run(&["list", "--all", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert_eq!(rows[0]["id"], v[3].as_str());
    assert_eq!(rows[0]["status"], "closed");
    assert_eq!(rows[0]["assignee"], "asmith");
}

#[test]
fn the_table_has_a_header_and_every_incident() {
    let (s, v) = store();
    let out = s.run(&["list", "--format", "table"]).ok();
    assert!(out.stdout.lines().next().unwrap().contains("id"), "{}", out.stdout);
    for id in &v[..3] {
        assert!(out.stdout.contains(id.as_str()), "{id} missing:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains(v[3].as_str()));
    assert!(!out.stdout.lines().any(|l| l.ends_with(' ')), "no trailing spaces:\n{}", out.stdout);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let s = Store::new();
    let file = s.tmp.path().join("many.yaml");
    let docs: Vec<String> = (0..300)
        .map(|i| {
            format!("category: theft\nsummary: Item {i} taken from the ward office on the night shift\n")
        })
        .collect();
    std::fs::write(&file, docs.join("---\n")).unwrap();
    s.run(&["report", "--from", file.to_str().unwrap()]).ok();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
        .arg("-C")
        .arg(&s.root)
        .args(["list", "--format", "tsv"])
        .env("LSMS_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert_eq!(err, "", "quiet about the closed pipe");
}

#[test]
fn a_bad_file_does_not_hide_the_good_ones() {
    let (s, v) = store();
    let bad = s.path_of(v[0].as_str());
    let text = std::fs::read_to_string(&bad).unwrap().replace("status: reported", "status: reportd");
    std::fs::write(&bad, text).unwrap();
    let out = s.run(&["list", "--format", "ids"]).fails(1);
    assert_eq!(out.lines(), [v[2].as_str(), v[1].as_str()]);
    let out = out.says(&format!("incidents/2026/11/{}.yaml:4:1", v[0])).says("did you mean 'reported'");
    assert!(out.stderr.contains("status: reportd"), "the line is shown:\n{}", out.stderr);
}

/// `lsms check 2>&1 | head -1`: a stderr closed early is no panic (it was
/// exit 101): the run ends as it would have, saying what it can.
#[test]
fn a_closed_stderr_is_not_a_panic() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bag taken"]);
    let path = s.path_of(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("category:", "categry:")).unwrap();
    for args in [&["check"][..], &["list", "--all"], &["note", "NOPE", "x"]] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
            .arg("-C")
            .arg(&s.root)
            .args(args)
            .env("LSMS_NOW", NOW)
            .env("LSMS_USER", "tester")
            .stdout(Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}");
    }
}
