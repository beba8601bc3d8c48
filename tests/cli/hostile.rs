//! What a hostile tester or a tired user at 3 a.m. does: hand edits that
//! YAML reads otherwise, links, FIFOs, devices, control characters, huge
//! values, odd file names. Each gets the right result or a clear error,
//! never a panic, a hang, or a record lost, hidden or silently changed.

use crate::harness::*;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

fn theft(s: &Store, summary: &str) -> String {
    s.report(&["--category", "theft", "--summary", summary])
}

fn ids(s: &Store, args: &[&str]) -> Out {
    let mut all = vec!["list", "--all", "--format", "ids"];
    all.extend_from_slice(args);
    s.run(&all)
}

#[test]
fn a_hand_edited_value_is_read_as_yaml_reads_it_and_kept_through_fmt_and_a_change() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let edited = s
        .read(&id)
        .replace("summary: Bike taken\n", "summary: Bike taken\nlocation: ---\n\"1\": numeric key\n");
    std::fs::write(&p, &edited).unwrap();
    let shown = s.run(&["show", &id, "--format", "text"]).ok().stdout;
    assert!(shown.contains("---"), "serde_yaml reads `---` as the text ---:\n{shown}");
    s.run(&["note", &id, "x"]).fails(1).says("lsms fmt");
    assert_eq!(s.read(&id), edited);
    s.run(&["fmt", &id]).ok();
    s.run(&["note", &id, "x"]).ok();
    let after = s.read(&id);
    assert!(after.contains("location: \"---\"\n"), "{after}");
    assert!(after.contains("\"1\": numeric key\n"), "the key of one's own is kept:\n{after}");
    s.run(&["check"]).ok();
}

#[test]
fn show_as_json_never_prints_null_for_a_record() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    std::fs::write(
        &p,
        s.read(&id).replace("summary: Bike taken\n", "summary: Bike taken\n[a, b]: flow key\n"),
    )
    .unwrap();
    // A key that is not text is named (JSON keys are text), never `null`.
    let out = s
        .run(&["show", &id, "--format", "json"])
        .fails(1)
        .says("a key that is not text")
        .says(&format!("{id}.yaml"));
    assert_eq!(out.stdout, "", "no `null` printed");
    s.run(&["check"]).fails(1).says("a key that is not text");
}

#[test]
fn a_note_given_with_a_change_that_changes_nothing_is_kept() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    s.run(&["assign", &id, "--to", "asmith"]).ok();
    s.run(&["assign", &id, "--to", "asmith", "--note", "Still with asmith after the call"]).ok();
    assert!(
        s.read(&id).contains("action: note, detail: Still with asmith after the call }"),
        "{}",
        s.read(&id)
    );
    s.run(&["loss", &id, "--estimated", "120"]).ok();
    s.run(&["loss", &id, "--estimated", "120", "--note", "Insurer told"]).ok();
    assert!(s.read(&id).contains("detail: Insurer told }"), "{}", s.read(&id));
}

#[test]
fn a_riddor_reportable_case_does_not_close_and_its_deadline_does_not_vanish() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Nurse injured",
        "--occurred",
        "2026-11-20 10:00",
        "--person",
        "victim:staff",
        "--harm",
        "moderate",
    ]);
    s.run(&["assign", &id, "--to", "asmith"]).ok();
    s.run(&["update", &id, "--medical-factors", "yes", "--riddor", "reportable"]).ok();
    s.run(&["close", &id, "--outcome", "referred", "--note", "Sent on"])
        .fails(1)
        .says("not recorded yet")
        .says(&format!("lsms update {id} --riddor reported"));
    // A closed case that says reportable (a hand edit, an older lsms) keeps
    // its HSE deadline in `due`.
    let p = s.path_of(&id);
    let text = s.read(&id).replace("status: assigned\n", "status: closed\n").replace(
        "history:\n",
        "outcome: referred\nclosed_at: 2026-11-25T11:00:00+00:00\nclosure_note: Sent on\nhistory:\n",
    );
    std::fs::write(&p, text).unwrap();
    let due = s.run(&["due", "--within", "30d", "--format", "csv"]).ok().stdout;
    assert!(due.lines().any(|l| l.contains(&id) && l.contains("riddor")), "{due}");
}

#[test]
fn a_symlinked_year_inside_the_store_is_counted_and_one_leading_out_is_named() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let year = &id[..4];
    // Move the year's folder elsewhere in the store and link it back.
    let real = s.root.join("archive-2026");
    std::fs::rename(s.root.join("incidents").join(year), &real).unwrap();
    symlink(&real, s.root.join("incidents").join(year)).unwrap();
    assert_eq!(ids(&s, &[]).ok().stdout.trim(), id);
    s.run(&["note", &id, "through the link"]).ok();
    assert!(
        std::fs::read_to_string(real.join(&id[4..6]).join(format!("{id}.yaml")))
            .unwrap()
            .contains("through the link")
    );
    assert!(s.root.join("incidents").join(year).is_symlink(), "the link stays a link");

    // A folder outside the store, linked in: named, exit 1, never a silent 0.
    let outside = tempfile::tempdir().unwrap();
    let other = Store::new();
    let oid = theft(&other, "Outside");
    crate::harness::copy_dir(&other.root.join("incidents").join(&oid[..4]), &outside.path().join("2025"));
    symlink(outside.path().join("2025"), s.root.join("incidents/2025")).unwrap();
    let out = ids(&s, &[]).fails(1);
    assert!(
        out.stderr.contains("incidents/2025") && out.stderr.contains("leads out of the store"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout.trim(), id, "the good records are still listed");
    let sum = s.run(&["summary", "--by", "category", "--format", "csv"]);
    assert_eq!(sum.code, 1, "a summary that cannot count a record says so");
}

#[test]
fn a_fifo_a_folder_and_a_huge_file_named_yaml_are_named_without_blocking() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let month = s.path_of(&id).parent().unwrap().to_path_buf();
    let fifo = month.join(format!("{}-ZZZZ.yaml", &id[..8]));
    let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let big = month.join(format!("{}-YYYY.yaml", &id[..8]));
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(5 << 20).unwrap();
    let started = Instant::now();
    for cache in [&[][..], &["--no-cache"][..]] {
        let mut args = cache.to_vec();
        args.extend(["list", "--all", "--format", "ids"]);
        let out = s.run(&args).fails(1);
        assert!(out.stderr.contains("ZZZZ.yaml") && out.stderr.contains("FIFO"), "{}", out.stderr);
        assert!(out.stderr.contains("YYYY.yaml") && out.stderr.contains("MiB"), "{}", out.stderr);
        assert_eq!(out.stdout.trim(), id);
    }
    s.run(&["show", &format!("{}-ZZZZ", &id[..8])]).fails(1).says("FIFO");
    s.run(&["check"]).fails(1).says("ZZZZ.yaml");
    assert!(started.elapsed() < Duration::from_secs(20), "nothing waited on the FIFO");
}

#[test]
fn output_writes_only_a_regular_file_outside_the_store() {
    let s = Store::new();
    theft(&s, "Bike taken");
    let before = s.snapshot();
    let dir = s.tmp.path();
    let fifo = dir.join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    symlink(&fifo, dir.join("link-to-pipe")).unwrap();
    symlink(dir.join("nowhere"), dir.join("dangling")).unwrap();
    let store_file = s.root.join("lsms.yaml");
    let incident_file = s.root.join("incidents/new.csv");
    let cache_file = s.root.join(".lsms/out.csv");
    for (target, why) in [
        ("/dev/null", "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        (dir.join("link-to-pipe").to_str().unwrap(), "not a regular file"),
        (dir.join("dangling").to_str().unwrap(), "leads nowhere"),
        (dir.to_str().unwrap(), "a folder"),
        (store_file.to_str().unwrap(), "the store's own files"),
        (incident_file.to_str().unwrap(), "the store's own files"),
        (cache_file.to_str().unwrap(), "the store's own files"),
    ] {
        for cmd in [&["export"][..], &["summary", "--format", "csv"]] {
            let mut args = cmd.to_vec();
            args.extend(["--output", target]);
            s.run(&args).fails(1).says(why).says("nothing was written");
        }
    }
    assert_eq!(s.snapshot(), before);
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device_like());
    let out = s.run(&["export", "--output", "-"]).ok();
    assert!(out.stdout.starts_with("id,uuid,"), "- is standard output");
    // A link to a regular file is written through; the link stays.
    let real = dir.join("real.csv");
    std::fs::write(&real, "old").unwrap();
    symlink(&real, dir.join("link.csv")).unwrap();
    s.run(&["export", "--output", dir.join("link.csv").to_str().unwrap()]).ok();
    // (A .csv file starts with the UTF-8 byte order mark, for spreadsheets.)
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("\u{feff}id,uuid,"));
    assert!(dir.join("link.csv").is_symlink());
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}

impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_char_device(self)
    }
}

#[test]
fn a_formula_behind_white_space_is_neutralised_in_every_csv_cell() {
    if !python3() {
        return;
    }
    let s = Store::new();
    for summary in [" =1+1", "\u{A0}@SUM(A1)", "＝HYPERLINK(\"x\")", "\u{3000}-2+3"] {
        theft(&s, summary);
    }
    let out = s.run(&["export", "--include-personal", "--format", "csv"]).ok().stdout;
    let script = r#"
import csv, sys
rows = list(csv.DictReader(sys.stdin))
bad = [r['summary'] for r in rows if r['summary'].lstrip()[:1] in ('=', '+', '-', '@', '＝', '＋', '－', '＠')]
print(len(rows), len(bad))
"#;
    let mut c = std::process::Command::new("python3");
    c.arg("-c").arg(script).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(out.as_bytes()).unwrap();
    let got = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&got.stdout).trim(), "4 0", "{out}");
}

#[test]
fn control_characters_reach_a_terminal_escaped() {
    let s = Store::new();
    let id = theft(&s, "Bike \u{1b}[31mRED\u{1b}[0m taken \u{202E}gnp.exe");
    let shown = s.run(&["show", &id]).ok().stdout;
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{202E}'), "{shown:?}");
    assert!(shown.contains("Bike \\u{1b}[31mRED"), "{shown}");
    let out = s.run(&["list", "--format", "table"]);
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    let err = s.run(&["report", "--category", "\u{1b}]0;owned\u{7}", "--summary", "x"]).fails(1);
    assert!(!err.stderr.contains('\u{1b}') && !err.stderr.contains('\u{7}'), "{:?}", err.stderr);
    // The machine formats keep the text exactly.
    let json = s.run(&["show", &id, "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["summary"].as_str(), Some("Bike \u{1b}[31mRED\u{1b}[0m taken \u{202E}gnp.exe"));
}

#[test]
fn huge_durations_and_odd_file_names_are_errors_not_panics() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    for within in ["99999999999d", "9223372036854775807h", "99999999999999999999999w"] {
        let out = s.run(&["due", "--within", within]);
        assert_eq!(out.code, 2, "{within}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    // A file whose name has a multi-byte character where an id's suffix is.
    let month = s.path_of(&id).parent().unwrap().to_path_buf();
    std::fs::write(month.join(format!("{}é-AB.yaml", &id[..8])), "x: 1\n").unwrap();
    for args in
        [vec!["show", "ABCD"], vec!["note", "WXYZ", "x"], vec!["show", "é"], vec!["show", "2026112é-ABCD"]]
    {
        let out = s.run(&args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn merge_file_leaves_a_file_that_is_not_an_incident_to_a_line_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |n: &str| tmp.path().join(n);
    std::fs::write(p("base"), "a: 1\nb: 2\nc: 3\n").unwrap();
    std::fs::write(p("ours"), "a: 10\nb: 2\nc: 3\n").unwrap();
    std::fs::write(p("theirs"), "a: 1\nb: 2\nc: 30\n").unwrap();
    let mut c = lsms();
    c.arg("merge-file").arg(p("base")).arg(p("ours")).arg(p("theirs")).arg("notes.yaml");
    run(c).ok().says("not an incident");
    assert_eq!(std::fs::read_to_string(p("ours")).unwrap(), "a: 10\nb: 2\nc: 30\n", "never {{}}");
}

/// Arguments drawn at random for every command: the exit code is 0, 1 or 2
/// and nothing panics. LSMS_ARGV_CASES runs more by hand.
#[test]
fn no_argument_of_any_command_makes_lsms_panic() {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngSeed, TestRunner};
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let commands: &'static [&str] = &[
        "report",
        "list",
        "show",
        "assign",
        "note",
        "update",
        "sanction",
        "loss",
        "close",
        "reopen",
        "export",
        "summary",
        "due",
        "check",
        "fmt",
        "import",
        "merge-file",
        "completions",
        "init",
    ];
    let flags: &'static [&str] = &[
        "--category",
        "--summary",
        "--occurred",
        "--reported",
        "--site",
        "--person",
        "--loss",
        "--harm",
        "--to",
        "--note",
        "--class",
        "--kind",
        "--date",
        "--review-on",
        "--estimated",
        "--recovered",
        "--outcome",
        "--reason",
        "--format",
        "--sort",
        "--columns",
        "--limit",
        "--since",
        "--until",
        "--period",
        "--by",
        "--within",
        "--status",
        "--grep",
        "--riddor",
        "--output",
        "--from",
        "--csv",
        "--map",
        "--asset",
    ];
    let words: &'static [&str] = &[
        "",
        "-",
        "--",
        "x",
        "0",
        "-1",
        "99999999999999999999",
        "1e309",
        "2026-02-30",
        "24:61",
        "now",
        "yesterday 25:00",
        "2026-03-29 01:30",
        "9999-12-31",
        "ééé",
        "😀",
        "\u{1b}[2J",
        "a\nb",
        "../x",
        "/dev/null",
        "table",
        "json",
        "csv",
        "ids",
        "category,month",
        "2026-Q9",
        "last-month",
        "999999999d",
    ];
    let n = std::env::var("LSMS_ARGV_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
    let mut runner = TestRunner::new(Config { rng_seed: RngSeed::Fixed(11), ..Config::default() });
    let word = proptest::prop_oneof![
        proptest::sample::select(words).prop_map(String::from),
        proptest::sample::select(flags).prop_map(String::from),
        proptest::prelude::any::<String>().prop_map(|s| s.replace('\0', "")),
        proptest::strategy::Just(id.clone()),
        proptest::strategy::Just(id[9..].to_string()),
    ];
    let argv = (proptest::sample::select(commands), proptest::collection::vec(word, 0..6));
    for _ in 0..n {
        let (cmd, rest) = argv.new_tree(&mut runner).unwrap().current();
        let mut args = vec![cmd.to_string()];
        args.extend(rest);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut c = s.cmd(&refs);
        c.current_dir(s.tmp.path()).timeout(Duration::from_secs(20)).write_stdin("");
        let out = run(c);
        assert!(matches!(out.code, 0..=2), "{args:?} exited {}: {}", out.code, out.stderr);
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    }
}

/// Hand edits that look like lsms's own form but are not what it writes:
/// each is read the general way (a problem named, or `fmt` to tidy), never
/// taken by the one-pass reader as something else.
#[test]
fn near_misses_of_lsms_form_are_not_read_as_it() {
    let s = Store::new();
    let edit = |id: &str, from: &str, to: &str| {
        let p = s.path_of(id);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{from:?} not in\n{text}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // An offset of 75 minutes is not a time: it was read as +01:15.
    let a = theft(&s, "Phone taken");
    let occurred = s.read(&a).lines().find(|l| l.starts_with("occurred_at: ")).unwrap().to_string();
    edit(&a, &occurred, &format!("{}+00:75", &occurred[..occurred.len() - 6]));
    s.run(&["check"]).fails(1).says("is not an RFC 3339 time");
    edit(&a, &format!("{}+00:75", &occurred[..occurred.len() - 6]), &occurred);
    // A system named twice: YAML readers refuse the mapping.
    s.run(&["update", &a, "--ref", "datix=DX-1"]).ok();
    edit(&a, "refs: { datix: DX-1 }", "refs: { datix: DX-1, datix: DX-2 }");
    s.run(&["check"]).fails(1).says("duplicate entry");
    edit(&a, "refs: { datix: DX-1, datix: DX-2 }", "refs: { datix: DX-1 }");
    // A blank line of a block written as its indentation reads the same,
    // but is not lsms's form: `fmt --check` names it.
    let b = s.report(&["--category", "theft", "--summary", "Bag taken", "--description", "one\n\ntwo\n"]);
    edit(&b, "  one\n\n  two\n", "  one\n  \n  two\n");
    s.run(&["check"]).ok().says("no problems");
    s.run(&["fmt", "--check"]).fails(1);
    s.run(&["fmt", &b]).ok();
    assert!(s.read(&b).contains("  one\n\n  two\n"), "{}", s.read(&b));
    // A system name no YAML reader could read back as a key is refused.
    let before = s.snapshot();
    let long = "k".repeat(101);
    s.run(&["update", &a, "--ref", &format!("{long}=X1")])
        .fails(1)
        .says("a system's name is at most 100 characters");
    assert_eq!(s.snapshot(), before, "store unchanged");
    s.run(&["fmt", "--check"]).ok();
}
