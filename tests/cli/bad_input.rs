//! Bad input of every kind: the exact exit code, a message that helps, and
//! the store byte for byte as it was.

use crate::harness::*;

const OK: &[&str] = &["--category", "theft", "--summary", "Bike taken"];

/// (what, extra args for `report`, exit code, text the message must hold)
const REPORT_CASES: &[(&str, &[&str], i32, &str)] = &[
    ("unknown category", &["--category", "theif", "--summary", "x"], 1, "did you mean 'theft'"),
    ("empty summary", &["--category", "theft", "--summary", "  "], 1, "a summary is needed"),
    ("two-line summary", &["--category", "theft", "--summary", "a\nb"], 1, "one line"),
    (
        "malformed time",
        &["--category", "theft", "--summary", "x", "--occurred", "24 Nov 2026"],
        1,
        "24/11/2026 14:30",
    ),
    (
        "month-first date",
        &["--category", "theft", "--summary", "x", "--occurred", "11/24/2026 14:30"],
        1,
        "lsms reads dates day first",
    ),
    (
        "no such day",
        &["--category", "theft", "--summary", "x", "--occurred", "31/9/2026"],
        1,
        "no day 31 in month 9",
    ),
    (
        "two-digit year",
        &["--category", "theft", "--summary", "x", "--occurred", "24/11/26"],
        1,
        "year in full",
    ),
    (
        "time in the spring gap",
        &["--category", "theft", "--summary", "x", "--occurred", "2026-03-29 01:30"],
        1,
        "does not exist in Europe/London",
    ),
    (
        "time in the future",
        &["--category", "theft", "--summary", "x", "--occurred", "2026-11-26 09:00"],
        1,
        "in the future",
    ),
    (
        "reported in the future",
        &["--category", "theft", "--summary", "x", "--reported", "2027-01-01 09:00"],
        1,
        "in the future",
    ),
    (
        "occurred after reported",
        &[
            "--category",
            "theft",
            "--summary",
            "x",
            "--occurred",
            "2026-11-24 10:00",
            "--reported",
            "2026-11-23 10:00",
        ],
        1,
        "later than reported",
    ),
    ("negative money", &["--category", "theft", "--summary", "x", "--loss", "-5"], 1, "negative"),
    ("non-numeric money", &["--category", "theft", "--summary", "x", "--loss", "lots"], 1, "not a number"),
    (
        "money in pence fractions",
        &["--category", "theft", "--summary", "x", "--loss", "12.345"],
        1,
        "two decimal places",
    ),
    (
        "money in dollars",
        &["--category", "theft", "--summary", "x", "--loss", "$1,000"],
        1,
        "currency other than a leading £",
    ),
    (
        "money with a misplaced comma",
        &["--category", "theft", "--summary", "x", "--loss", "1,25.00"],
        1,
        "misplaced comma",
    ),
    ("money below nothing", &["--category", "theft", "--summary", "x", "--loss", "£-5"], 1, "negative"),
    (
        "site not in the list",
        &["--category", "theft", "--summary", "x", "--site", "Elsewhere"],
        1,
        "unknown site 'Elsewhere'",
    ),
    (
        "unknown party",
        &["--category", "theft", "--summary", "x", "--reporter-party", "stafff"],
        1,
        "did you mean 'staff'",
    ),
    (
        "person without a party",
        &["--category", "theft", "--summary", "x", "--person", "victim"],
        1,
        "ROLE:PARTY",
    ),
    (
        "unknown role",
        &["--category", "theft", "--summary", "x", "--person", "bystander:staff"],
        1,
        "unknown role",
    ),
    ("unknown harm", &["--category", "theft", "--summary", "x", "--harm", "awful"], 1, "unknown harm"),
    ("unknown asset", &["--category", "theft", "--summary", "x", "--asset", "car"], 1, "unknown asset"),
    (
        "unknown flag",
        &["--category", "theft", "--summary", "x", "--flag", "wepon"],
        1,
        "--flag: unknown flag 'wepon' (did you mean 'weapon'?)",
    ),
    ("two-line weapon", &["--category", "theft", "--summary", "x", "--weapon", "knife\nbat"], 1, "one line"),
    ("no category", &["--summary", "x"], 2, "--category"),
    ("unknown option", &["--category", "theft", "--summary", "x", "--sumary", "y"], 2, "unexpected argument"),
    ("--from with flags", &["--category", "theft", "--from", "x.yaml"], 2, "cannot be used with"),
];

#[test]
fn bad_report_input_is_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    s.report(OK);
    let before = s.snapshot();
    for (what, args, code, text) in REPORT_CASES {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        let out = s.run(&all);
        assert_eq!(out.code, *code, "{what}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: stderr should say {text:?}:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{what}: nothing on stdout");
        assert_eq!(s.snapshot(), before, "{what}: the store changed");
    }
}

#[test]
fn bad_yaml_on_from_is_shown_at_its_line_and_nothing_is_recorded() {
    let s = Store::new();
    let before = s.snapshot();
    for (what, text, place) in [
        ("unclosed list", "category: theft\nsummary: x\nassets: [people\n", ":4:1"),
        ("bad indentation", "category: theft\n summary: x\n  - y\n", ":2:"),
        ("a list, not a mapping", "- category: theft\n", "each document should be a mapping"),
        ("empty", "", "holds no incidents"),
    ] {
        let file = s.tmp.path().join("in.yaml");
        std::fs::write(&file, text).unwrap();
        let out = s.run(&["report", "--from", file.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{what}: {place:?} in\n{}", out.stderr);
        assert_eq!(s.snapshot(), before, "{what}");
    }
    s.run(&["report", "--from", "/no/such/file.yaml"]).fails(1).says("cannot read /no/such/file.yaml");
}

#[test]
fn id_arguments_that_are_not_ids_are_refused_before_any_path_is_built() {
    let s = Store::new();
    s.report(OK);
    for bad in ["../lsms", "a/b", "", "../../etc/passwd", "20261125-ABCI", "2026112-ABCD", "lsms.yaml"] {
        let out = s.run(&["show", bad]).fails(1);
        assert!(
            out.stderr.contains("not an incident id") || out.stderr.contains("empty id"),
            "{bad:?}:\n{}",
            out.stderr
        );
    }
    s.run(&["show", "20261125-ZZZZ"]).fails(1).says("no incident 20261125-ZZZZ");
    s.run(&["show", "ZZZZ"]).fails(1).says("no incident ends in ZZZZ");
}

#[test]
fn a_store_that_is_a_file_and_a_bad_clock_are_clear_errors() {
    let s = Store::new();
    let f = s.tmp.path().join("plain.txt");
    std::fs::write(&f, "x").unwrap();
    let mut c = lsms();
    c.arg("-C").arg(&f).arg("list");
    run(c).fails(1).says("is a file");
    let mut c = s.cmd(&["list"]);
    c.env("LSMS_NOW", "yesterday");
    run(c).fails(1).says("LSMS_NOW='yesterday' is not an RFC 3339 time");
}

#[test]
fn bad_filters_are_usage_errors() {
    let s = Store::new();
    for (args, text) in [
        (&["list", "--status", "opened"][..], "unknown status 'opened'"),
        (&["list", "--category", "theif"][..], "did you mean 'theft'"),
        (&["list", "--since", "last tuesday"][..], "--since"),
        (&["list", "--since", "2026-11-02", "--until", "2026-11-01"][..], "nothing can match"),
        (&["list", "--sort", "colour"][..], "unknown sort key"),
        (&["list", "--flag", "wepon"][..], "--flag: unknown flag 'wepon' (did you mean 'weapon'?)"),
        (&["summary", "--by", "flags"][..], "did you mean 'flag'"),
        (&["list", "--columns", "id,nmae"][..], "unknown column 'nmae'"),
        (&["list", "--open", "--closed"][..], "cannot be used with"),
        (&["list", "--format", "xml"][..], "invalid value 'xml'"),
    ] {
        let out = s.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(text), "{args:?}: {text:?} in\n{}", out.stderr);
    }
}

/// (what, args, exit code, text the message must hold): a team's commands
/// on a store that is not in git, or with nothing to act on.
const TEAM_CASES: &[(&str, &[&str], i32, &str)] = &[
    ("sync outside git", &["sync"], 1, "not in a git repository"),
    ("sync -q outside git", &["sync", "-q"], 1, "git clone"),
    ("sync --continue outside git", &["sync", "--continue"], 1, "not in a git repository"),
    ("resolve outside git", &["resolve", "@ID", "--take", "ours"], 1, "not in a git work tree"),
    ("resolve without --take", &["resolve", "@ID"], 2, "--take"),
    ("resolve with an unknown side", &["resolve", "@ID", "--take", "mine"], 2, "ours"),
    ("resolve of a malformed id", &["resolve", "../x", "--take", "ours"], 1, "is not an incident id"),
    (
        "resolve of no incident",
        &["resolve", "20261125-ZZZZ", "--take", "ours"],
        1,
        "no incident 20261125-ZZZZ",
    ),
];

/// (what, args, exit code, text the message must hold): the investigation
/// fields of an incident (@ID), each refused with the store unchanged.
const INVESTIGATION_CASES: &[(&str, &[&str], i32, &str)] = &[
    ("update with an unknown flag", &["update", "@ID", "--flag", "wepon"], 1, "did you mean 'weapon'"),
    (
        "update unflagging an unknown flag",
        &["update", "@ID", "--unflag", "sexul"],
        1,
        "--unflag: unknown flag",
    ),
    (
        "update flagging and unflagging one flag",
        &["update", "@ID", "--flag", "weapon", "--unflag", "Weapon"],
        1,
        "--flag and --unflag both name 'weapon'",
    ),
    (
        "update with a two-line weapon",
        &["update", "@ID", "--weapon", "a\u{2028}b"],
        1,
        "--weapon: give one line",
    ),
    (
        "update of no incident",
        &["update", "20261125-ZZZZ", "--flag", "weapon"],
        1,
        "no incident 20261125-ZZZZ",
    ),
    ("notify in the future", &["notify", "@ID", "--to", "cdao", "--on", "26/11/2026"], 1, "is in the future"),
    (
        "notify before the incident",
        &["notify", "@ID", "--to", "police", "--on", "2026-11-24"],
        1,
        "before the incident occurred (2026-11-25)",
    ),
    (
        "notify an unknown body",
        &["notify", "@ID", "--to", "cdoa", "--on", "today"],
        1,
        "--to: unknown notified party 'cdoa' (did you mean 'cdao'?)",
    ),
    ("notify a month-first date", &["notify", "@ID", "--to", "cdao", "--on", "11/25/2026"], 1, "day first"),
    (
        "notify with a two-line ref",
        &["notify", "@ID", "--to", "cdao", "--on", "today", "--ref", "a\nb"],
        1,
        "one line",
    ),
    ("notify without --on", &["notify", "@ID", "--to", "cdao"], 2, "--on"),
    (
        "notify of no incident",
        &["notify", "20261125-ZZZZ", "--to", "cdao", "--on", "today"],
        1,
        "no incident 20261125-ZZZZ",
    ),
];

#[test]
fn bad_investigation_input_is_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = s.report(OK);
    let before = s.snapshot();
    for (what, args, code, text) in INVESTIGATION_CASES {
        let args: Vec<&str> = args.iter().map(|a| if *a == "@ID" { id.as_str() } else { a }).collect();
        let out = s.run(&args);
        assert_eq!(out.code, *code, "{what}: {}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: stderr should hold {text:?}:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{what}: nothing on stdout");
        assert!(s.snapshot() == before, "{what}: the store changed");
    }
}

#[test]
fn team_commands_on_a_store_outside_git_are_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = s.report(OK);
    let before = s.snapshot();
    for (what, args, code, text) in TEAM_CASES {
        let args: Vec<&str> = args.iter().map(|a| if *a == "@ID" { id.as_str() } else { a }).collect();
        let out = s.run(&args);
        assert_eq!(out.code, *code, "{what}: {}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: stderr should hold {text:?}:\n{}", out.stderr);
        assert!(s.snapshot() == before, "{what}: the store changed");
    }
}

/// (what, args, exit code, text the message must hold): linked cases and
/// references, with @A and @B two incidents already linked as same-offender.
const LINK_CASES: &[(&str, &[&str], i32, &str)] = &[
    ("link to itself", &["link", "@A", "@A", "--kind", "related"], 1, "cannot be linked to itself"),
    (
        "link to an unknown id",
        &["link", "@A", "20261125-ZZZZ", "--kind", "related"],
        1,
        "no incident 20261125-ZZZZ",
    ),
    ("link to a malformed id", &["link", "@A", "../x", "--kind", "related"], 1, "not an incident id"),
    ("unknown kind", &["link", "@A", "@B", "--kind", "cousin"], 1, "unknown link 'cousin'"),
    ("no kind", &["link", "@A", "@B"], 2, "the link's kind is needed"),
    ("kind given as --as", &["link", "@A", "@B", "--as", "related"], 2, "--as names who acts"),
    ("link already there", &["link", "@B", "@A", "--kind", "same-offender"], 1, "already linked"),
    ("unlink of no such link", &["unlink", "@A", "@B", "--kind", "related"], 1, "is not linked to"),
    ("unlink of an unknown id", &["unlink", "@A", "20261125-ZZZZ"], 1, "no incident 20261125-ZZZZ"),
    (
        "duplicate without its original",
        &["close", "@A", "--outcome", "duplicate", "--note", "x"],
        1,
        "duplicate-of link",
    ),
    ("reference without a system", &["update", "@A", "--ref", "DX-1001"], 1, "SYSTEM=REF"),
    ("empty reference", &["update", "@A", "--ref", "datix="], 1, "reference is empty"),
    ("unref of a system not held", &["update", "@A", "--unref", "datix"], 1, "has no reference in 'datix'"),
];

#[test]
fn bad_links_and_references_are_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let a = s.report(OK);
    let b = s.report(OK);
    s.run(&["link", &a, &b, "--kind", "same-offender"]).ok();
    let before = s.snapshot();
    for (what, args, code, text) in LINK_CASES {
        let args: Vec<&str> = args
            .iter()
            .map(|x| match *x {
                "@A" => a.as_str(),
                "@B" => b.as_str(),
                x => x,
            })
            .collect();
        let out = s.run(&args);
        assert_eq!(out.code, *code, "{what}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: stderr should say {text:?}:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{what}: nothing on stdout");
        assert!(s.snapshot() == before, "{what}: the store changed");
    }
}
