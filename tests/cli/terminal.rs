//! What people see in a terminal: every table one line a row at 60, 80
//! and 160 columns, `show` wrapped at word breaks, and nothing in the
//! store able to drive the terminal, in any format. Run in a real pty
//! (`script` from util-linux, essential on Debian) with `stty` setting the
//! width.

use crate::harness::{NOW, Store, lsms};
use unicode_width::UnicodeWidthStr;

/// Is `script` here to make a pty? Else the test says it skipped.
fn pty() -> bool {
    crate::harness::outside("a pty (script)", "script -qec true /dev/null", "apt-get install bsdutils")
}

/// `lsms -C STORE ARGS` on a terminal `cols` wide: its screen, lines
/// without the pty's carriage returns.
fn on_terminal(store: &Store, cols: u16, args: &[&str]) -> String {
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let line = format!(
        "stty rows 50 cols {cols}; exec {} -C {} --as tester {}",
        quote(env!("CARGO_BIN_EXE_lsms")),
        quote(store.root.to_str().unwrap()),
        args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("LSMS_NOW", NOW)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("LSMS_STORE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("script runs");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

fn widest(screen: &str) -> usize {
    screen.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

const TABLES: &[&[&str]] = &[
    &["list", "--all"],
    &["due", "--within", "400d"],
    &["summary"],
    &["summary", "--by", "site"],
    &["evidence", "list", "B4E2"],
    &["person", "Nurse"],
];

#[test]
fn every_table_is_one_line_a_row_at_60_80_and_160_columns() {
    if !pty() {
        return;
    }
    let s = Store::sample();
    let csv = s.root.join("../import.csv");
    let map = s.root.join("../import-map.yaml");
    let import: &[&str] =
        &["import", "--csv", csv.to_str().unwrap(), "--map-file", map.to_str().unwrap(), "--dry-run"];
    for args in TABLES.iter().chain([&import]) {
        let full = on_terminal(&s, 400, args);
        for cols in [60u16, 80, 160] {
            let screen = on_terminal(&s, cols, args);
            assert!(!screen.trim().is_empty(), "{args:?} printed nothing");
            assert!(widest(&screen) <= usize::from(cols), "{args:?} at {cols} columns:\n{screen}");
            // The hint that columns were left out is a line of its own.
            let rows = |s: &str| s.lines().filter(|l| !l.ends_with("--wide shows them")).count();
            assert_eq!(rows(&screen), rows(&full), "{args:?} at {cols}: a row a line\n{screen}");
        }
    }
}

#[test]
fn import_dry_run_keeps_columns_by_priority_and_says_how_to_see_the_rest() {
    if !pty() {
        return;
    }
    let s = Store::sample();
    let csv = s.root.join("../import.csv");
    let map = s.root.join("../import-map.yaml");
    let args: &[&str] =
        &["import", "--csv", csv.to_str().unwrap(), "--map-file", map.to_str().unwrap(), "--dry-run"];
    let screen = on_terminal(&s, 60, args);
    let header: Vec<&str> = screen.lines().next().unwrap().split_whitespace().collect();
    // The file's row, when, what and the summary stay; the rest go first.
    assert_eq!(header, ["row", "category", "occurred", "summary"], "{screen}");
    assert!(screen.contains("2025-02-03 14:10") && screen.contains("Patient"), "{screen}");
    let hint = screen.lines().filter(|l| l.ends_with("--wide shows them")).collect::<Vec<_>>();
    assert_eq!(hint, ["7 columns hidden: --wide shows them"], "{screen}");
    // Nothing hidden, nothing said; nor with --quiet, nor into a pipe.
    let full = on_terminal(&s, 400, args);
    assert!(!full.contains("hidden"), "{full}");
    let quiet: Vec<&str> = [&["-q"][..], args].concat();
    assert!(!on_terminal(&s, 60, &quiet).contains("hidden"));
    let piped = crate::harness::run({
        let mut c = lsms();
        c.env("COLUMNS", "60").args(["-C", s.root.to_str().unwrap(), "list", "--all"]);
        c
    });
    assert!(!piped.stderr.contains("hidden"), "{}", piped.stderr);
    // --wide shows every column.
    let wide = on_terminal(&s, 60, &[args, &["--wide"][..]].concat());
    assert!(wide.lines().next().unwrap().contains("assignee") && !wide.contains("shows them"), "{wide}");
}

#[test]
fn the_readme_first_command_shows_no_wrap_at_80_and_keeps_the_id_and_summary() {
    if !pty() {
        return;
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("-C examples/store list --all"), "the README's first command moved");
    let s = Store::sample();
    let screen = on_terminal(&s, 80, &["list", "--all"]);
    assert!(widest(&screen) <= 80, "{screen}");
    let header = screen.lines().next().unwrap();
    assert!(header.contains("id") && header.contains("status") && header.contains("summary"), "{screen}");
    assert!(screen.contains("20260106-B4E2"), "ids are never cut: {screen}");
    // The last line, as the README shows it: what was left out, and how to see it.
    let hint = screen.lines().rev().find(|l| !l.trim().is_empty()).unwrap().trim();
    assert!(hint.ends_with("columns hidden: --wide shows them"), "{screen}");
    assert!(readme.contains(&format!("\n{hint}\n```")), "README shows `{hint}` under the table");
    // --wide, and a pipe, get every column back whole.
    let wide = on_terminal(&s, 80, &["list", "--all", "--wide"]);
    assert!(wide.lines().next().unwrap().contains("assignee") && widest(&wide) > 80, "{wide}");
    let piped = crate::harness::run({
        let mut c = lsms();
        c.args(["-C", s.root.to_str().unwrap(), "list", "--all"]);
        c
    });
    assert!(piped.stdout.contains("Visitor struck a nurse at A&E reception\n"), "{}", piped.stdout);
}

#[test]
fn show_wraps_words_with_a_hanging_indent() {
    if !pty() {
        return;
    }
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Controlled drugs missing from the locked cupboard on the ward after the night shift handover",
    ]);
    let screen = on_terminal(&s, 40, &["show", &id]);
    assert!(widest(&screen) <= 40, "{screen}");
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("Summary")).expect(&screen);
    assert!(lines[at + 1].starts_with(&" ".repeat(16)) && !lines[at + 1][16..].starts_with(' '), "{screen}");
    let words: Vec<&str> = lines[at..]
        .iter()
        .take_while(|l| l.starts_with("Summary") || l.starts_with("    "))
        .flat_map(|l| l.split_whitespace())
        .collect();
    assert_eq!(
        words.join(" "),
        "Summary Controlled drugs missing from the locked cupboard on the ward after the night shift handover",
        "no word broken:\n{screen}"
    );
}

#[test]
fn no_format_sends_escape_or_bidi_controls_to_a_terminal() {
    if !pty() {
        return;
    }
    let s = Store::new();
    let hostile = "Red \x1b[31mALERT\x1b[0m and \u{202e}desrever\u{202c} \u{9b}2J";
    let id = s.report(&["--category", "theft", "--summary", hostile]);
    for args in [
        vec!["list"],
        vec!["list", "--format", "tsv"],
        vec!["list", "--format", "csv"],
        vec!["list", "--format", "json"],
        vec!["show", &id],
        vec!["show", &id, "--format", "json"],
        vec!["show", &id, "--format", "yaml"],
    ] {
        let screen = on_terminal(&s, 200, &args);
        assert!(screen.contains("ALERT"), "{args:?}: {screen}");
        for bad in ['\x1b', '\u{202e}', '\u{202c}', '\u{9b}'] {
            assert!(!screen.contains(bad), "{args:?} sent {bad:?} raw:\n{screen:?}");
        }
        let low = screen.to_ascii_lowercase();
        assert!(low.contains("\\u{1b}") || low.contains("\\u001b"), "{args:?} shows the escape: {screen}");
        assert!(low.contains("\\u{202e}"), "{args:?} shows the bidi override: {screen}");
    }
    // Into a pipe, the bytes are the file's own.
    let piped = s.run(&["show", &id, "--format", "yaml"]).ok();
    assert!(piped.stdout.contains('\u{202e}'), "a pipe gets the file as it is: {}", piped.stdout);
}

#[test]
fn the_echo_of_evidence_add_names_a_hostile_file_safely() {
    if !pty() {
        return;
    }
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    let file = s.tmp.path().join("cctv-\x1b[31m-\u{202e}gpj.exe");
    std::fs::write(&file, b"footage").unwrap();
    let screen = on_terminal(&s, 200, &["evidence", "add", &id, file.to_str().unwrap()]);
    assert!(screen.contains("cctv-"), "{screen}");
    assert!(!screen.contains('\x1b') && !screen.contains('\u{202e}'), "{screen:?}");
}
