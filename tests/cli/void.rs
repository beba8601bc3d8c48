//! `lsms void`: a record entered in error is kept, marked void with who,
//! when and why, and left out of every list, figure and deadline unless
//! `--include-void` asks for it.

use crate::harness::*;

const THEFT: &[&str] = &["--category", "theft", "--summary", "Bike taken", "--occurred", "2026-11-24 10:00"];

fn ids(out: &Out) -> Vec<String> {
    out.stdout.lines().map(String::from).collect()
}

fn board(s: &Store) -> String {
    let file = s.tmp.path().join("board.html");
    s.run(&["board", "--period", "this-fy", "--output", file.to_str().unwrap()]).ok();
    std::fs::read_to_string(file).unwrap()
}

/// The `incidents` cell of the summary's `total` row (CSV).
fn summary_total(out: &Out) -> String {
    let line = out.stdout.lines().find(|l| l.starts_with("total,")).expect("a total row");
    line.split(',').nth(1).unwrap().to_string()
}

#[test]
fn a_voided_test_record_leaves_list_summary_board_and_due_and_returns_with_include_void() {
    let s = Store::new();
    let real = s.report(THEFT);
    let board_alone = board(&s);
    let test = s.report(&[
        "--category",
        "theft",
        "--summary",
        "TEST please ignore",
        "--occurred",
        "2026-11-24 11:00",
    ]);
    assert_ne!(board(&s), board_alone, "the test record counts on the board before it is voided");

    s.run(&["void", &test, "--reason", "Test record made in training"])
        .ok()
        .says("void (kept, left out of lists and figures");
    // Nothing is deleted: the file stays, marked with who, when and why.
    let file = s.read(&test);
    assert!(
        file.contains(
            "void: { at: 2026-11-25T12:00:00+00:00, by: tester, reason: Test record made in training }\nhistory:"
        ),
        "{file}"
    );
    assert!(file.contains("action: voided"), "{file}");

    // list
    assert_eq!(ids(&s.run(&["list", "--format", "ids"]).ok()), [real.as_str()]);
    assert_eq!(ids(&s.run(&["list", "--all", "--format", "ids"]).ok()), [real.as_str()]);
    let with = ids(&s.run(&["list", "--include-void", "--format", "ids"]).ok());
    assert_eq!(with, [real.clone(), test.clone()]);

    // summary counts, with the count of void records said on stderr only
    let out = s.run(&["summary", "--format", "csv"]).ok();
    assert_eq!(summary_total(&out), "1");
    assert!(!out.stdout.contains("void"), "the note is not a data row:\n{}", out.stdout);
    let out = s.run(&["summary", "--format", "csv", "--include-void"]).ok();
    assert_eq!(summary_total(&out), "2");
    assert!(!out.stderr.contains("void record"), "{}", out.stderr);

    // board figures: as if the test record had never been made
    assert_eq!(board(&s), board_alone, "the board leaves the void record out");

    // due deadlines (both are unassigned: due to be assigned)
    let due = ids(&s.run(&["due", "--within", "52w", "--format", "ids"]).ok());
    assert_eq!(due, [real.as_str()]);
    let mut due = ids(&s.run(&["due", "--within", "52w", "--format", "ids", "--include-void"]).ok());
    due.sort();
    let mut both = [real.clone(), test.clone()];
    both.sort();
    assert_eq!(due, both, "due at the same time: in id order");

    // export, the same filter
    let out = s.run(&["export", "--format", "csv"]).ok();
    assert!(!out.stdout.contains(&test), "{}", out.stdout);
    let out = s.run(&["export", "--format", "csv", "--include-void"]).ok();
    assert!(out.stdout.contains(&test), "{}", out.stdout);
}

#[test]
fn check_and_summary_say_how_many_void_records_are_left_out() {
    let s = Store::new();
    s.report(THEFT);
    for _ in 0..2 {
        let id = s.report(THEFT);
        s.run(&["void", &id, "--reason", "Typed twice"]).ok();
    }
    let out = s.run(&["check"]).ok().says("2 void record(s) left out of figures");
    assert_eq!(out.stdout, "", "check prints nothing on stdout");
    s.run(&["summary", "--format", "json"]).ok().says("note: 2 void record(s) left out of these figures");
    s.run(&["summary", "--format", "csv", "--include-void"]).ok();
    // A filter that does not take them in does not count them either.
    let out = s.run(&["summary", "--format", "csv", "--category", "harassment"]).ok();
    assert!(!out.stderr.contains("void"), "{}", out.stderr);
}

#[test]
fn show_puts_the_void_mark_first() {
    let s = Store::new();
    let id = s.report(THEFT);
    s.run(&["void", &id, "--reason", "Test record"]).ok();
    let out = s.run(&["show", &id]).ok();
    let lines = out.lines();
    assert!(lines[0].contains("VOID (entered in error)"), "{}", out.stdout);
    assert!(lines[1].starts_with("Voided") && lines[1].contains("by tester"), "{}", out.stdout);
    assert!(lines[2].starts_with("Void reason") && lines[2].contains("Test record"), "{}", out.stdout);
    let json = s.run(&["show", &id, "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["void"]["reason"], "Test record");
}

#[test]
fn bad_void_input_is_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let open = s.report(THEFT);
    let void = s.report(THEFT);
    s.run(&["void", &void, "--reason", "Typed twice"]).ok();
    let before = s.snapshot();
    let cases: &[(&str, &[&str], &str)] = &[
        ("voiding a void record", &["void", &void, "--reason", "again"], "is already void"),
        ("an empty reason", &["void", &open, "--reason", "  "], "the reason is empty"),
        ("an unknown id", &["void", "ZZZZ", "--reason", "x"], "no incident ends in ZZZZ"),
        (
            "--on in the future",
            &["void", &open, "--reason", "x", "--on", "2026-12-01 09:00"],
            "in the future",
        ),
        ("undo of a record that is not void", &["void", &open, "--undo", "--reason", "x"], "is not void"),
        ("a note on a void record", &["note", &void, "more"], "--undo --reason TEXT"),
        ("assigning a void record", &["assign", &void, "--to", "asmith"], "is void"),
        ("updating a void record", &["update", &void, "--harm", "low"], "is void"),
        ("closing a void record", &["close", &void, "--outcome", "referred", "--note", "x"], "is void"),
        ("linking to a void record", &["link", &open, &void, "--kind", "related"], "is void"),
    ];
    for (what, args, text) in cases {
        s.run(args).fails(1).says(text);
        assert!(s.snapshot() == before, "{what}: the store changed");
    }
}

#[test]
fn undo_takes_the_void_mark_off_and_the_history_keeps_both() {
    let s = Store::new();
    let id = s.report(THEFT);
    s.run(&["void", &id, "--reason", "Thought it a test"]).ok();
    s.run(&["void", &id, "--undo", "--reason", "It was real"]).ok().says("no longer void");
    let file = s.read(&id);
    assert!(!file.contains("void: {"), "{file}");
    assert!(file.contains("action: voided") && file.contains("action: unvoided"), "{file}");
    assert_eq!(ids(&s.run(&["list", "--format", "ids"]).ok()), [id.as_str()]);
    // And it is worked on again.
    s.run(&["assign", &id, "--to", "asmith"]).ok();
}
