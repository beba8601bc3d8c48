//! Casework as it happens (issue 19): work entered after the fact is dated
//! when it happened (`--on`), kept with when it was written, shown in the
//! order it happened, and counted on those dates; a date that cannot be is
//! refused with the store unchanged.

use crate::harness::*;

/// Now is Wednesday 25 November 2026, noon: the week began on Monday 23rd.
fn monday_case(s: &Store) -> String {
    s.report(&[
        "--category",
        "theft",
        "--summary",
        "Purse taken from a locker",
        "--occurred",
        "23/11/2026 08:00",
        "--reported",
        "23/11/2026 09:00",
    ])
}

#[test]
fn a_week_entered_on_wednesday_is_dated_when_each_thing_happened() {
    let s = Store::new();
    let id = monday_case(&s);
    s.run(&["assign", &id, "--to", "asmith", "--on", "23/11/2026 10:00"]).ok();
    s.run(&["note", &id, "Statement taken", "--on", "24/11/2026 15:30"]).ok();
    s.run(&["update", &id, "--harm", "none", "--on", "24/11/2026 16:00"]).ok();
    s.run(&["note", &id, "Entered as it happened"]).ok();
    s.run(&[
        "close",
        &id,
        "--outcome",
        "no-further-action",
        "--note",
        "No suspect",
        "--on",
        "24/11/2026 17:00",
    ])
    .ok();
    let file = s.read(&id);
    // Each entry keeps when it happened, and when it was written (now).
    assert!(
        file.contains("- { at: 2026-11-24T15:30:00+00:00, recorded_at: 2026-11-25T12:00:00+00:00, by: tester, action: note, detail: Statement taken }"),
        "{file}"
    );
    assert!(file.contains("closed_at: 2026-11-24T17:00:00+00:00"), "{file}");
    // One written as it happened carries no second time.
    assert!(
        file.contains(
            "- { at: 2026-11-25T12:00:00+00:00, by: tester, action: note, detail: Entered as it happened }"
        ),
        "{file}"
    );
    // show lists the history in the order things happened, marking late entries.
    let shown = s.run(&["show", &id]).ok().stdout;
    let order: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("  2026-"))
        .map(|l| l.split_whitespace().nth(3).unwrap_or(""))
        .collect();
    assert_eq!(order, ["reported", "assigned", "updated", "note", "updated", "closed", "note"], "{shown}");
    assert!(shown.contains("note — Statement taken  (written 2026-11-25 12:00)"), "{shown}");
    // Time to close runs on the dates things happened: Monday 09:00 to
    // Tuesday 17:00 is one whole day, not two.
    let out = s.run(&["summary", "--period", "2026-11", "--report", "annual", "--format", "csv"]).ok();
    assert!(
        out.stdout.lines().any(|l| l.starts_with("median_days_to_close,") && l.contains(",1")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_date_that_cannot_be_is_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = monday_case(&s);
    s.run(&[
        "close",
        &id,
        "--outcome",
        "no-further-action",
        "--note",
        "Nothing more",
        "--on",
        "24/11/2026 12:00",
    ])
    .ok();
    let before = s.snapshot();
    for (args, says) in [
        (vec!["note", &id, "x", "--on", "26/11/2026 09:00"], "in the future"),
        (vec!["note", &id, "x", "--on", "22/11/2026 09:00"], "before"),
        (vec!["reopen", &id, "--reason", "x", "--on", "24/11/2026 11:00"], "before the case was closed"),
        (vec!["note", &id, "x", "--on", "31/02/2026"], "--on"),
    ] {
        s.run(&args).fails(1).says(says);
        assert_eq!(s.snapshot(), before, "{args:?} changed the store");
    }
    // Reopened on Tuesday evening, it cannot be closed again on Tuesday noon.
    s.run(&["reopen", &id, "--reason", "New witness", "--on", "24/11/2026 18:00"]).ok();
    let before = s.snapshot();
    s.run(&["close", &id, "--outcome", "no-further-action", "--note", "x", "--on", "24/11/2026 12:30"])
        .fails(1)
        .says("before the case was reopened");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn an_imported_closed_case_counts_days_from_its_report_to_its_closing() {
    let s = Store::new();
    let csv = s.tmp.path().join("old.csv");
    std::fs::write(
        &csv,
        "Ref,When,Reported,Type,What,Status,Outcome,Closed\n\
         DX-1,01/03/2025 10:00,01/03/2025 11:00,theft,Bag taken,Closed,No action,11/03/2025\n",
    )
    .unwrap();
    s.run(&[
        "import",
        "--csv",
        csv.to_str().unwrap(),
        "--map",
        "Ref=ref:datix,When=occurred,Reported=reported,Type=category,What=summary,Status=status,Outcome=outcome,Closed=closed",
        "--status-map",
        "Closed=closed",
        "--outcome-map",
        "No action=no-further-action",
    ])
    .ok();
    let out = s.run(&["summary", "--period", "2025", "--report", "annual", "--format", "csv"]).ok();
    // From the import (2026) back to the old closing it would be -624.
    assert!(
        out.stdout.lines().any(|l| l.starts_with("median_days_to_close,") && l.contains(",9")),
        "{}",
        out.stdout
    );
}

#[test]
fn a_time_to_close_that_cannot_be_known_is_left_out_and_counted() {
    let s = Store::new();
    let id = monday_case(&s);
    s.run(&["close", &id, "--outcome", "no-further-action", "--note", "Nothing more"]).ok();
    // A hand edit dates the closing before the report: no figure can be right.
    let path = s.path_of(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("closed_at: 2026-11-25T12:00:00+00:00", "closed_at: 2026-11-01T12:00:00+00:00"),
    )
    .unwrap();
    let out = s.run(&["summary", "--period", "2026-11", "--report", "annual", "--format", "csv"]).ok().stdout;
    let row = |name: &str| out.lines().find(|l| l.starts_with(&format!("{name},"))).unwrap_or("").to_string();
    assert!(row("closed").ends_with(",1"), "{out}");
    assert!(row("days_to_close_unknown").ends_with(",1"), "{out}");
    assert!(row("median_days_to_close").ends_with(','), "no median from no known figure: {out}");
}

#[test]
fn update_corrects_every_field_report_sets_and_a_lower_estimate_keeps_the_loss_guard() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken", "--loss", "850"]);
    s.run(&["update", &id, "--loss", "£800"]).ok();
    let file = s.read(&id);
    assert!(file.contains("losses: { estimated: \"800.00\", recovered: \"0.00\" }"), "{file}");
    assert!(file.contains("field: losses.estimated, from: \"850.00\", to: \"800.00\""), "{file}");
    s.run(&["loss", &id, "--recovered", "500"]).ok();
    let before = s.snapshot();
    s.run(&["update", &id, "--loss", "100"]).fails(1).says("more than the estimated loss");
    assert_eq!(s.snapshot(), before);
    // Every option of report is an option of update.
    let report = s.run(&["report", "--help"]).ok().stdout;
    let update = s.run(&["update", "--help"]).ok().stdout;
    for line in report.lines().filter(|l| l.trim_start().starts_with("--")) {
        let flag = line.split_whitespace().next().unwrap();
        if flag != "--from" && flag != "--help" {
            assert!(update.contains(&format!("{flag} ")), "update has no {flag}");
        }
    }
}

#[test]
fn show_says_what_was_withdrawn_and_why_not_a_change_to_nothing() {
    let s = Store::new();
    let id = monday_case(&s);
    s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter", "--date", "24/11/2026"]).ok();
    s.run(&["withdraw", &id, "sanction", "1", "--reason", "Wrong case"]).ok();
    let shown = s.run(&["show", &id]).ok().stdout;
    let line = shown.lines().find(|l| l.contains("withdrawn")).unwrap_or_default();
    assert!(
        line.ends_with("withdrawn sanctions: civil warning-letter on 2026-11-24 — Wrong case"),
        "{shown}"
    );
}
