//! Tables as a person at a terminal reads them: numbers right-aligned, the
//! summary's period named, overdue in red when colour is on, long text cut
//! with `…` to the terminal's width.

use crate::harness::*;

const RED: &str = "\u{1b}[38;5;9m";

fn table(s: &Store, args: &[&str], columns: &str) -> Out {
    let mut c = s.cmd(args);
    c.args(["--format", "table"]).env("COLUMNS", columns);
    run(c).ok()
}

/// The display column where `needle` ends in `line`.
fn end_of(line: &str, needle: &str) -> usize {
    let start = line.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    line[..start].chars().count() + needle.chars().count()
}

#[test]
fn summary_names_its_period_and_right_aligns_its_numbers() {
    let s = Store::sample();
    let out = table(&s, &["summary", "--period", "2026-Q3", "--by", "category"], "400");
    let lines = out.lines();
    assert_eq!(lines[0], "Northshire Community Health NHS Trust (fictional)");
    assert_eq!(lines[1], "Period: 2026-Q3 (1 July 2026 to 30 September 2026)");
    let header = lines.iter().find(|l| l.contains("incidents")).unwrap();
    let theft = lines.iter().find(|l| l.trim_start().starts_with("theft ")).unwrap();
    let cells: Vec<&str> = theft.split_whitespace().collect();
    for (column, value) in [("incidents", cells[1]), ("losses_estimated", cells[4])] {
        assert_eq!(
            end_of(theft, &format!(" {value}")),
            end_of(header, column),
            "{column} is right-aligned:\n{header}\n{theft}"
        );
    }
    // The category names stay left-aligned under their header.
    assert_eq!(header.find("category"), theft.find("theft"));

    let all = table(&s, &["summary"], "400");
    assert_eq!(all.lines()[1], "Period: every incident on record");
    // Machine formats carry no such line.
    let csv = s.run(&["summary", "--period", "2026-Q3", "--format", "csv"]).ok();
    assert!(csv.stdout.starts_with("category,incidents,"), "{}", csv.stdout);
}

#[test]
fn overdue_is_red_only_when_colour_is_on() {
    let s = Store::sample();
    let list = table(&s, &["--color", "always", "list"], "400");
    let overdue: Vec<&str> = list.lines().into_iter().filter(|l| l.contains("overdue")).skip(1).collect();
    assert!(!overdue.is_empty(), "the sample has overdue incidents:\n{}", list.stdout);
    for line in &overdue {
        assert!(line.contains(&format!("{RED}overdue")), "the mark is red: {line:?}");
    }
    let calm = list.lines().into_iter().skip(2).find(|l| !l.contains("overdue")).expect("a row on time");
    assert!(!calm.contains(RED), "{calm:?}");

    let due = table(&s, &["--color", "always", "due", "--within", "365d"], "400");
    for line in due.lines().into_iter().skip(2) {
        let red = line.starts_with(RED);
        assert_eq!(red, line.contains(" overdue "), "overdue rows, and only they, are red: {line:?}");
    }
    assert!(due.lines().iter().any(|l| l.contains(" due ")), "{}", due.stdout);

    for args in [&["--color", "never", "list"][..], &["list"], &["--color", "never", "due"], &["due"]] {
        let mut c = s.cmd(args);
        c.args(["--format", "table"]).env_remove("NO_COLOR");
        let out = run(c).ok();
        assert!(!out.stdout.contains('\u{1b}'), "lsms {args:?}: no colour\n{}", out.stdout);
    }
}

#[test]
fn a_narrow_terminal_cuts_long_text_instead_of_wrapping() {
    let s = Store::new();
    let long =
        "Visitor became verbally abusive at the reception desk and then followed a nurse to the car park";
    let id = s.report(&["--category", "non-physical-assault", "--summary", long, "--site", "Hollins Park"]);
    let wide = table(&s, &["list"], "400");
    assert!(wide.stdout.contains(long), "{}", wide.stdout);
    let narrow = table(&s, &["list"], "120");
    for line in narrow.lines() {
        assert!(line.chars().count() <= 120, "{line:?} is wider than 120");
    }
    let row = narrow.lines().into_iter().find(|l| l.contains(&id)).expect("the id is never cut");
    assert!(row.contains("Visitor be") && row.contains('…') && !row.contains("car park"), "{row}");
    assert!(row.contains("non-physical-assault") && row.contains("Hollins Park"), "short cells kept: {row}");
    // The full text stays in show and the machine formats.
    assert!(s.run(&["show", &id]).ok().stdout.contains(long));
    let mut tsv = s.cmd(&["list", "--format", "tsv"]);
    tsv.env("COLUMNS", "100");
    assert!(run(tsv).ok().stdout.contains(long));
}
