//! YAML's corners (issue 20): a rewrite keeps the words a person wrote or
//! refuses the file; merge keys and keys that are not text are named;
//! money is read from its digits, under a ceiling, and totals stay exact;
//! only instants every YAML reader reads back are written; a byte-order
//! mark is read; nesting is bounded before any parser sees the text.

use crate::harness::*;
use crate::sync::as_who;

fn theft(s: &Store, summary: &str) -> String {
    s.report(&["--category", "theft", "--summary", summary])
}

/// PyYAML's reading of one top-level field of each file, as JSON (dates
/// and other values as `repr`, so a type change shows).
const READ_FIELD: &str = r#"
import sys, json, yaml
field = sys.argv[1]
out = []
for p in sys.argv[2:]:
    with open(p, encoding="utf-8") as f:
        v = yaml.safe_load(f).get(field)
    out.append(repr(v))
print(json.dumps(out))
"#;

fn pyyaml_reads(field: &str, paths: &[String]) -> Vec<String> {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(READ_FIELD)
        .arg(field)
        .args(paths)
        .output()
        .expect("python3 with PyYAML");
    assert!(out.status.success(), "PyYAML failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Tricky plain scalars: numbers in every base, booleans of both YAML
/// versions, nulls, dates, timestamps, base-60, long decimals, Unicode;
/// and more made from their pieces by a fixed generator.
fn tricky_scalars() -> Vec<String> {
    let mut out: Vec<String> = [
        "1e3",
        "1E3",
        "1.5e+3",
        "0o17",
        "0x1F",
        "0x_1F",
        "010",
        "0b101",
        "1_000",
        "1:20",
        "190:20:30",
        "1:20.5",
        "-3",
        "+7",
        "0",
        "12",
        ".5",
        "1.",
        "3.14159265358979323846264338327950288",
        "9007199254740993",
        ".inf",
        "-.Inf",
        ".NaN",
        "True",
        "TRUE",
        "false",
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "~",
        "null",
        "Null",
        "2026-11-24",
        "2026-1-2 3:04:05",
        "2026-11-24T14:30:00Z",
        "2026-11-24 14:30:00.5 +01:00",
        "=",
        "Ward 3",
        "Ysbyty Gwynedd",
        "A&E 😀",
        "ÿ 1e3",
        "1e3 ward",
        "0x1F!",
        "12:30",
        "12:60",
        "-0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pieces = ["0", "1", "7", "9", "_", ".", "e", "E", "+", "-", ":", "x", "o", "b", "5", "é"];
    let mut seed: u64 = 0x2026_1124;
    for _ in 0..60 {
        let mut s = String::new();
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let len = 1 + (seed >> 60) as usize % 6;
        for i in 0..len {
            let r = (seed >> (8 * i)) as usize % pieces.len();
            s.push_str(pieces[r]);
        }
        // A plain scalar may not start with an indicator.
        if !s.starts_with(['-', ':', '?']) || s.len() > 1 && !s[1..].starts_with(' ') {
            out.push(s);
        }
    }
    out
}

#[test]
fn fmt_keeps_the_value_pyyaml_reads_from_a_hand_written_scalar_or_refuses() {
    if !pyyaml() {
        return;
    }
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let clean = s.read(&id);
    let dir = s.tmp.path().join("cases");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut before, mut after, mut shown) = (Vec::new(), Vec::new(), Vec::new());
    let mut refused = 0;
    for (n, x) in tricky_scalars().iter().enumerate() {
        let edited = clean.replace("summary: Bike taken\n", &format!("summary: Bike taken\nlocation: {x}\n"));
        std::fs::write(&p, &edited).unwrap();
        let out = s.run(&["fmt", &id]);
        if out.code == 0 {
            let b = dir.join(format!("{n}-before.yaml"));
            let a = dir.join(format!("{n}-after.yaml"));
            std::fs::write(&b, &edited).unwrap();
            std::fs::write(&a, s.read(&id)).unwrap();
            before.push(b.to_str().unwrap().to_string());
            after.push(a.to_str().unwrap().to_string());
            shown.push(x.clone());
        } else {
            assert_eq!(out.code, 1, "{x}: {}", out.stderr);
            assert_eq!(s.read(&id), edited, "{x}: a refused file is left as it was");
            assert!(
                out.stderr.contains("in quotes") || out.stderr.contains("not valid YAML"),
                "{x}: {}",
                out.stderr
            );
            refused += 1;
        }
    }
    let (b, a) = (pyyaml_reads("location", &before), pyyaml_reads("location", &after));
    for ((x, b), a) in shown.iter().zip(&b).zip(&a) {
        assert_eq!(b, a, "`location: {x}`: PyYAML read {b} before fmt and {a} after");
    }
    assert!(refused > 20 && !shown.is_empty(), "refused {refused}, kept {}", shown.len());
}

#[test]
fn a_word_yaml_reads_otherwise_is_refused_in_a_text_field_and_kept_in_quotes() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let clean = s.read(&id);
    for (x, reading) in
        [("0x1F", "a number"), ("yes", "true or false"), ("1e3", "a number"), ("2026-11-24", "a date")]
    {
        let edited = clean.replace("summary: Bike taken\n", &format!("summary: Bike taken\nlocation: {x}\n"));
        std::fs::write(&p, &edited).unwrap();
        s.run(&["fmt", &id])
            .fails(1)
            .says(&format!("`location` is {x} as written"))
            .says(reading)
            .says("in quotes");
        s.run(&["note", &id, "x"]).fails(1);
        s.run(&["check"]).fails(1).says("location");
        assert_eq!(s.read(&id), edited, "{x}");
        // The same words in quotes are text to every reader, and kept.
        std::fs::write(
            &p,
            clean.replace("summary: Bike taken\n", &format!("summary: Bike taken\nlocation: '{x}'\n")),
        )
        .unwrap();
        s.run(&["fmt", &id]).ok();
        assert!(s.read(&id).contains(&format!("location: \"{x}\"\n")), "{}", s.read(&id));
        std::fs::write(&p, &clean).unwrap();
    }
    // A boolean field given a YAML 1.1 word.
    std::fs::write(
        &p,
        clean.replace("summary: Bike taken\n", "summary: Bike taken\npolice: { informed: on }\n"),
    )
    .unwrap();
    s.run(&["check"]).fails(1).says("write true or false");
}

#[test]
fn merge_keys_are_refused_by_every_read_never_dropped() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let clean = s.read(&id);
    for edit in [
        "summary: Bike taken\n<<: { location: Ward 3, description: hidden }\n",
        "summary: Bike taken\nbase: &b { name: Jo }\npeople:\n  - { <<: *b, role: victim, party: staff }\n",
        "summary: Bike taken\nreporter: { <<: { name: Jo }, party: staff }\n",
    ] {
        std::fs::write(&p, clean.replace("summary: Bike taken\n", edit)).unwrap();
        let before = s.snapshot();
        s.run(&["check"]).fails(1).says("merge key").says("write each key out in full");
        s.run(&["list", "--all"]).fails(1).says("merge key");
        s.run(&["show", &id]).fails(1).says("merge key");
        s.run(&["list", "--all", "--grep", "hidden"]).fails(1);
        s.run(&["fmt", &id]).fails(1);
        assert_eq!(s.snapshot(), before, "{edit}");
    }
}

#[test]
fn keys_that_are_not_text_are_named_by_check_and_json_never_breaks() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let clean = s.read(&id);
    for edit in
        ["1: x\n", "[a, b]: c\n", "? { a: 1 }\n: y\n", "people:\n  - { role: victim, party: staff, 7: x }\n"]
    {
        std::fs::write(&p, clean.replace("summary: Bike taken\n", &format!("summary: Bike taken\n{edit}")))
            .unwrap();
        s.run(&["check"]).fails(1).says("a key that is not text");
        let out = s.run(&["show", &id, "--format", "json"]).fails(1).says("a key that is not text");
        assert_eq!(out.stdout, "", "{edit}");
    }
}

#[test]
fn money_is_read_from_its_digits_under_a_ceiling_in_every_input() {
    let s = Store::new();
    let from = s.tmp.path().join("in.yaml");
    let before = s.snapshot();
    for (loss, says) in [
        ("0x10", "ambiguous"),
        ("010", "starts with a 0"),
        ("1e3", "ambiguous"),
        ("1_000", "ambiguous"),
        ("9007199254740993.00", "£1,000,000,000.00"),
        ("1000000000.01", "£1,000,000,000.00"),
    ] {
        std::fs::write(&from, format!("category: theft\nsummary: x\nloss: {loss}\n")).unwrap();
        s.run(&["report", "--from", from.to_str().unwrap()]).fails(1).says(says);
        s.run(&["report", "--category", "theft", "--summary", "x", "--loss", loss]).fails(1).says(says);
        assert_eq!(s.snapshot(), before, "{loss}");
    }
    // Plain digits are kept to the penny, whatever a float would make of them.
    std::fs::write(&from, "category: theft\nsummary: x\nloss: 999999999.99\n").unwrap();
    let id = s.run(&["report", "--from", from.to_str().unwrap()]).ok().stdout.trim().to_string();
    assert!(s.read(&id).contains("estimated: \"999999999.99\""), "{}", s.read(&id));
    // A hand-edited file: read from the digits as written, or refused.
    let p = s.path_of(&id);
    let good = s.read(&id);
    std::fs::write(&p, good.replace("\"999999999.99\"", "999999999.99")).unwrap();
    s.run(&["check"]).ok();
    s.run(&["fmt", &id]).ok();
    assert_eq!(s.read(&id), good);
    for bad in ["0x10", "010", "1e3", "9007199254740993.00"] {
        std::fs::write(&p, good.replace("\"999999999.99\"", bad)).unwrap();
        s.run(&["check"]).fails(1).says(&format!("amount '{bad}'"));
    }
}

#[test]
fn totals_of_amounts_at_the_ceiling_on_many_incidents_are_exact() {
    let s = Store::new();
    let from = s.tmp.path().join("in.yaml");
    let docs: Vec<String> =
        (0..40).map(|i| format!("category: theft\nsummary: case {i}\nloss: \"£1,000,000,000\"\n")).collect();
    std::fs::write(&from, docs.join("---\n")).unwrap();
    s.run(&["report", "--from", from.to_str().unwrap()]).ok();
    let csv = s.run(&["summary", "--format", "csv"]).ok().stdout;
    assert!(csv.contains("\ntotal,40,40,0,40000000000.00,"), "{csv}");
    let json = s.run(&["export", "--format", "json"]).ok().stdout;
    assert_eq!(json.matches("1000000000.00").count(), 40, "{json}");
}

#[test]
fn only_instants_every_yaml_reader_reads_back_are_written() {
    let s = Store::new();
    let before = s.snapshot();
    for (when, says) in [
        ("2026-11-24 23:59:60", "leap second"),
        ("0000-06-01 12:00", "year 0"),
        ("1846-06-01 12:00", "year 1846"),
    ] {
        s.run(&["report", "--category", "theft", "--summary", "x", "--occurred", when]).fails(1).says(says);
        assert_eq!(s.snapshot(), before, "{when}");
    }
    let id = s.report(&["--category", "theft", "--summary", "x", "--occurred", "1900-01-01 00:00"]);
    let shown = s.run(&["show", &id, "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["occurred_at"], "1900-01-01T00:00:00+00:00", "{shown}");
    s.run(&["list", "--all", "--format", "csv", "--columns", "id,occurred"]).ok().prints("1900-01-01");
    if pyyaml() {
        let read = pyyaml_reads("occurred_at", &[s.path_of(&id).to_str().unwrap().to_string()]);
        assert!(read[0].contains("datetime.datetime(1900, 1, 1, 0, 0"), "{read:?}");
    }
    // A hand-edited file with a leap second is named by check.
    let p = s.path_of(&id);
    std::fs::write(&p, s.read(&id).replace("1900-01-01T00:00:00+00:00", "2016-12-31T23:59:60+00:00"))
        .unwrap();
    s.run(&["check"]).fails(1).says("leap second");
}

#[test]
fn a_byte_order_mark_is_read_as_yaml_readers_read_it() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    std::fs::write(&p, format!("\u{FEFF}{}", s.read(&id))).unwrap();
    s.run(&["list", "--format", "ids"]).ok().prints(&id);
    s.run(&["show", &id]).ok().prints("Bike taken");
    s.run(&["check"]).ok();
    let from = s.tmp.path().join("in.yaml");
    std::fs::write(&from, "\u{FEFF}category: theft\nsummary: from a BOM\n").unwrap();
    s.run(&["report", "--from", from.to_str().unwrap()]).ok();
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("\u{FEFF}{text}")).unwrap();
    s.run(&["list", "--all", "--format", "ids"]).ok().prints(&id);
}

#[test]
fn a_deeply_nested_file_is_refused_before_it_is_parsed() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let good = theft(&s, "Coat taken");
    let p = s.path_of(&id);
    let brackets = format!("{}\n", "[".repeat(3 << 20));
    std::fs::write(&p, &brackets).unwrap();
    let started = std::time::Instant::now();
    let out = s
        .run(&["list", "--all", "--format", "ids"])
        .fails(1)
        .says("nested more than 64")
        .says(&format!("{id}.yaml"));
    assert!(out.stdout.contains(&good), "the good incident is still listed: {}", out.stdout);
    assert!(
        out.stderr.len() < 10_000,
        "the message shows where, not the 3 MiB line: {} bytes",
        out.stderr.len()
    );
    s.run(&["check"]).fails(1).says(&format!("{id}.yaml")).says("nested more than 64");
    // Block indentation, one level a line.
    let block: String = (0..2000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
    std::fs::write(&p, block).unwrap();
    s.run(&["check"]).fails(1).says("nested more than 64");
    // `report --from` and lsms.yaml too.
    let from = s.tmp.path().join("in.yaml");
    std::fs::write(&from, format!("category: theft\nsummary: {}", brackets.replacen('[', " [", 1))).unwrap();
    s.run(&["report", "--from", from.to_str().unwrap()]).fails(1).says("nested more than 64");
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}sites: {}", "[".repeat(100_000))).unwrap();
    s.run(&["list"]).fails(1).says("nested more than 64");
    eprintln!("deep files refused in {:?}", started.elapsed());
}

/// PyYAML's reading of `code` in the first history entry of each file.
const READ_CODE: &str = r#"
import sys, json, yaml
out = []
for p in sys.argv[1:]:
    with open(p, encoding="utf-8") as f:
        try:
            out.append(repr(yaml.safe_load(f)["history"][0].get("code")))
        except yaml.YAMLError as e:
            out.append("not read: %s" % str(e).splitlines()[0])
print(json.dumps(out))
"#;

#[test]
fn a_key_of_ones_own_inside_an_entry_keeps_its_characters_through_every_rewrite() {
    let s = Store::new();
    let id = theft(&s, "Bike taken");
    let p = s.path_of(&id);
    let clean = s.read(&id);
    assert!(clean.contains("action: reported"), "{clean}");
    let dir = s.tmp.path().join("nested");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut before, mut after, mut shown) = (Vec::new(), Vec::new(), Vec::new());
    let scalars = tricky_scalars();
    for (n, x) in scalars.iter().enumerate() {
        let edited = clean.replacen("action: reported", &format!("action: reported, code: {x}"), 1);
        std::fs::write(&p, &edited).unwrap();
        let out = s.run(&["fmt", &id]);
        if out.code != 0 {
            // Not YAML in a flow mapping (`1:20` and the like there): the
            // file is named and left as it was.
            assert!(out.stderr.contains("not valid YAML"), "{x}: {}", out.stderr);
            assert_eq!(s.read(&id), edited);
            continue;
        }
        s.run(&["note", &id, "Looked at again"]).ok();
        let now = s.read(&id);
        // Written back as typed (or in quotes, where every reader reads
        // text either way): no reader reads it otherwise after.
        let mut kept = vec![format!("code: {x} "), format!("code: {x},"), format!("code: \"{x}\" ")];
        if ["~", "null", "Null", "NULL"].contains(&x.as_str()) {
            kept.push("code: null ".into());
        }
        assert!(kept.iter().any(|k| now.contains(k.as_str())), "{x}: {now}");
        let b = dir.join(format!("{n}-before.yaml"));
        let a = dir.join(format!("{n}-after.yaml"));
        std::fs::write(&b, &edited).unwrap();
        std::fs::write(&a, &now).unwrap();
        before.push(b.to_str().unwrap().to_string());
        after.push(a.to_str().unwrap().to_string());
        shown.push(x.clone());
    }
    if !pyyaml() {
        return;
    }
    let read = |paths: &[String]| -> Vec<String> {
        let out =
            std::process::Command::new("python3").arg("-c").arg(READ_CODE).args(paths).output().unwrap();
        assert!(out.status.success(), "PyYAML failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert!(before.len() > 60, "only {} of the scalars were YAML in a flow mapping", before.len());
    for ((x, b), a) in shown.iter().zip(read(&before)).zip(read(&after)) {
        assert_eq!(b, a, "`code: {x}`: PyYAML read {b} before and {a} after fmt and a note");
    }
}

#[test]
fn the_merge_driver_keeps_a_hand_written_scalar_in_a_key_of_ones_own_as_pyyaml_reads_it() {
    if !pyyaml() {
        return;
    }
    let s = Store::new();
    let id =
        s.report(&["--category", "theft", "--summary", "Bike taken", "--person", "victim:staff:Jo Bloggs"]);
    let p = s.path_of(&id);
    // Each side's change, made by lsms on a record with a key of one's own
    // in a person (`badge`), its value put in afterwards as typed by hand.
    let with_badge = s.read(&id).replace("name: Jo Bloggs }", "name: Jo Bloggs, badge: BADGE }");
    assert!(with_badge.contains("badge: BADGE"), "{with_badge}");
    std::fs::write(&p, &with_badge).unwrap();
    as_who(&s, "jfowlis", &["note", &id, "Seen on CCTV"]).ok();
    let ours = s.read(&id);
    std::fs::write(&p, &with_badge).unwrap();
    as_who(&s, "asmith", &["assign", &id, "--to", "asmith"]).ok();
    let theirs = s.read(&id);
    let dir = s.tmp.path().join("merges");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut typed, mut merged, mut shown) = (Vec::new(), Vec::new(), Vec::new());
    for (n, x) in tricky_scalars().iter().enumerate() {
        let write = |name: &str, text: &str| {
            let f = dir.join(format!("{n}-{name}.yaml"));
            std::fs::write(&f, text.replace("badge: BADGE", &format!("badge: {x}"))).unwrap();
            f
        };
        let (b, o, t) = (write("base", &with_badge), write("ours", &ours), write("theirs", &theirs));
        let before = dir.join(format!("{n}-typed.yaml"));
        std::fs::copy(&o, &before).unwrap();
        let mut c = lsms();
        c.arg("merge-file").arg(&b).arg(&o).arg(&t).arg("incident.yaml");
        let out = run(c);
        if out.code != 0 {
            // A value no YAML reader takes in a flow mapping: git's own line
            // merge, never a change to it.
            assert!(!out.stderr.contains("panicked"), "{x}: {}", out.stderr);
            continue;
        }
        let result = std::fs::read_to_string(&o).unwrap();
        assert!(result.contains("Seen on CCTV") && result.contains("assignee: asmith"), "{x}:\n{result}");
        typed.push(before.to_str().unwrap().to_string());
        merged.push(o.to_str().unwrap().to_string());
        shown.push(x.clone());
    }
    let read = |paths: &[String]| -> Vec<String> {
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, json, yaml\ndef badge(p):\n    try:\n        return repr(yaml.safe_load(\
                 open(p, encoding='utf-8'))['people'][0].get('badge'))\n    except Exception as e:\n        \
                 return 'PyYAML cannot read it: ' + type(e).__name__\nprint(json.dumps([badge(p) for p in sys.argv[1:]]))",
            )
            .args(paths)
            .output()
            .expect("python3 with PyYAML");
        assert!(out.status.success(), "PyYAML failed: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (before, after) = (read(&typed), read(&merged));
    for ((x, b), a) in shown.iter().zip(&before).zip(&after) {
        assert_eq!(b, a, "`badge: {x}`: PyYAML read {b} before the merge and {a} after");
    }
    assert!(shown.len() > 80, "merged {} of {}", shown.len(), tricky_scalars().len());
}
