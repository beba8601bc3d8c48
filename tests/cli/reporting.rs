//! export, summary and due: the figures a board and cron rely on.

use crate::harness::*;
use std::collections::BTreeMap;

/// A store with incidents across categories, sites and statuses.
fn store() -> (Store, Vec<String>) {
    let s = Store::new();
    let mut ids = vec![
        s.report(&[
            "--category",
            "theft",
            "--summary",
            "=HYPERLINK(\"http://x\")",
            "--occurred",
            "2026-10-03 10:00",
            "--site",
            "Hollins Park",
            "--loss",
            "850.50",
            "--reporter",
            "Jo Bloggs",
            "--reporter-party",
            "staff",
            "--description",
            "Taken from the office",
        ]),
        s.report(&[
            "--category",
            "physical-assault",
            "--summary",
            "-- Nurse punched",
            "--occurred",
            "2026-10-20 22:15",
            "--site",
            "Peasley Cross",
            "--person",
            "victim:staff:A. Nurse",
            "--harm",
            "low",
            "--flag",
            "weapon",
            "--flag",
            "alcohol",
            "--weapon",
            "kitchen knife",
        ]),
        s.report(&[
            "--category",
            "theft",
            "--summary",
            "Drugs taken",
            "--occurred",
            "2026-09-15 08:00",
            "--site",
            "Peasley Cross",
            "--loss",
            "40",
            "--asset",
            "drugs",
        ]),
        s.report(&["--category", "harassment", "--summary", "Calls", "--occurred", "2026-10-31 23:59"]),
    ];
    s.run(&["assign", &ids[1], "--to", "asmith"]).ok();
    s.run(&["note", &ids[1], "Spoke to Mr Smith"]).ok();
    s.run(&["update", &ids[1], "--medical-factors", "yes", "--riddor", "not-reportable"]).ok();
    s.run(&["sanction", &ids[1], "--class", "criminal", "--kind", "caution"]).ok();
    s.run(&["sanction", &ids[1], "--class", "civil", "--kind", "warning-letter"]).ok();
    s.run(&[
        "notify",
        &ids[1],
        "--to",
        "police",
        "--on",
        "today",
        "--ref",
        "MP-1",
        "--note",
        "Told PC Jones",
    ])
    .ok();
    s.run(&["close", &ids[1], "--outcome", "sanction-applied", "--note", "Cautioned"]).ok();
    s.run(&["loss", &ids[0], "--recovered", "100"]).ok();
    s.run(&["update", &ids[0], "--ref", "datix=DX-1001", "--ref", "ipds=12;A\\B"]).ok();
    s.run(&["link", &ids[0], &ids[2], "--kind", "same-offender", "--note", "Seen on CCTV"]).ok();
    ids.push(s.report(&[
        "--category",
        "security-concern",
        "--summary",
        "Door propped",
        "--occurred",
        "2026-11-02 09:00",
    ]));
    (s, ids)
}

fn python(script: &str, args: &[&str]) -> String {
    let out =
        std::process::Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_csv_export_read_by_python_matches_the_json_export_field_by_field() {
    if !python3() {
        return;
    }
    let (s, ids) = store();
    let dir = s.tmp.path();
    let csv = dir.join("x.csv");
    let json = dir.join("x.json");
    s.run(&["export", "--include-personal", "--format", "csv", "--output", csv.to_str().unwrap()]).ok();
    s.run(&["export", "--include-personal", "--format", "json", "--output", json.to_str().unwrap()]).ok();
    let script = r#"
import csv, json, sys, unicodedata
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
objs = json.load(open(sys.argv[2]))
assert len(rows) == len(objs), (len(rows), len(objs))
def split(cell):
    # lists in one CSV cell: items joined by ';', with '\\' and ';' escaped by '\\'
    if cell == '': return []
    items, cur, it = [], '', iter(cell)
    for c in it:
        if c == '\\': cur += next(it)
        elif c == ';': items.append(cur); cur = ''
        else: cur += c
    return items + [cur]
def cell(v):
    if v is None: return ''
    if isinstance(v, bool): return 'true' if v else 'false'
    v = str(v)
    first = v.lstrip(''.join(chr(c) for c in range(0x110000) if chr(c).isspace()) + '\ufeff')[:1]
    return "'" + v if first in ('=', '+', '-', '@', '\uff1d', '\uff0b', '\uff0d', '\uff20') or v[:1] in ('\t', '\r') else v
def unq(c):
    return c[1:] if c.startswith("'") else c
for r, o in zip(rows, objs):
    for k in r:
        base, _, sub = k.partition('_')
        if isinstance(o.get(k), dict):
            # references by system: `system=reference` items
            assert split(unq(r[k])) == [a + '=' + b for a, b in o[k].items()], (k, r[k], o[k])
        elif k == 'notes':
            assert split(unq(r[k])) == [n['text'] for n in o['notes']], (r[k], o['notes'])
        elif isinstance(o.get(k), list):
            # a list of words: one cell, items joined
            assert split(unq(r[k])) == [str(x) for x in o[k]], (k, r[k], o[k])
        elif k in o:
            assert r[k] == cell(o[k]), (k, r[k], o[k])
        elif isinstance(o.get(base), list):
            # a list of records: a column per field, items lined up
            want = ['' if x.get(sub) is None else cell(x[sub]).lstrip("'") for x in o[base]]
            assert split(unq(r[k])) == want, (k, r[k], o[base])
        else:
            assert False, ('a CSV column the JSON lacks', k)
print(len(rows))
print(rows[0]['summary'])
print(rows[1]['summary'])
"#;
    let out = python(script, &[csv.to_str().unwrap(), json.to_str().unwrap()]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], ids.len().to_string());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("'=HYPERLINK"), "a formula is neutralised:\n{text}");
    assert!(text.contains("'-- Nurse punched"));
    assert!(
        !text.lines().skip(1).any(|l| l.starts_with('=') || l.contains(",=") || l.contains(",\"=")),
        "{text}"
    );
}

#[test]
fn the_export_leaves_personal_data_out_unless_asked() {
    let (s, ids) = store();
    let plain = s.run(&["export"]).ok().stdout;
    for personal in [
        "Jo Bloggs",
        "A. Nurse",
        "Taken from the office",
        "Spoke to Mr Smith",
        "Cautioned",
        "Drugs taken",
        "asmith",
        "tester",
        "Seen on CCTV",
        "kitchen knife",
        "Told PC Jones",
    ] {
        assert!(!plain.contains(personal), "{personal:?} leaked into the export:\n{plain}");
    }
    let row = plain.lines().find(|l| l.starts_with(&ids[0])).unwrap();
    assert!(
        row.contains(",datix=DX-1001;ipds=12\\;A\\\\B,"),
        "references are not personal: exported:\n{row}"
    );
    assert!(
        row.contains(&format!(",1,{},same-offender,", ids[2])),
        "links (count, id, kind) are not personal: exported:\n{row}"
    );
    assert!(
        plain
            .lines()
            .next()
            .unwrap()
            .starts_with("id,uuid,status,category,occurred_at,reported_at,recorded_at,reporter_party,site,")
    );
    let row = plain.lines().find(|l| l.starts_with(&ids[1])).unwrap();
    assert!(
        row.contains(",Peasley Cross,,1,victim,staff,low,yes,"),
        "people as a count and a column per field: {row}"
    );
    assert!(row.contains(",2,criminal;civil,caution;warning-letter,"), "sanctions lined up: {row}");
    let full = s.run(&["export", "--include-personal"]).ok().stdout;
    for personal in
        ["Jo Bloggs", "A. Nurse", "Taken from the office", "Spoke to Mr Smith", "Cautioned", "kitchen knife"]
    {
        assert!(full.contains(personal), "{personal:?} missing with --include-personal");
    }
    // A link's note is free text: in JSON with --include-personal only.
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["export", "--format", "json"];
        all.extend_from_slice(args);
        let v: serde_json::Value = serde_json::from_str(&s.run(&all).ok().stdout).unwrap();
        v.as_array().unwrap().iter().find(|o| o["id"] == ids[0].as_str()).unwrap()["links"].clone()
    };
    assert_eq!(json(&[]), serde_json::json!([{ "id": ids[2], "as": "same-offender" }]));
    assert_eq!(
        json(&["--include-personal"]),
        serde_json::json!([{ "id": ids[2], "as": "same-offender", "note": "Seen on CCTV" }])
    );
}

#[test]
fn the_export_takes_filters_and_gives_ndjson() {
    let (s, ids) = store();
    let out = s.run(&["export", "--format", "ndjson", "--category", "theft"]).ok();
    assert_eq!(out.lines().len(), 2);
    let rows: Vec<serde_json::Value> = out.lines().iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(rows[0]["id"].as_str() < rows[1]["id"].as_str(), "in id order");
    let v = rows.iter().find(|r| r["id"] == ids[0].as_str()).unwrap();
    assert_eq!(v["losses_estimated"], "850.50", "money stays exact");
    assert_eq!(v["losses_recovered"], "100.00");
    assert_eq!(v["sanctions_count"], 0);
    let closed = s.run(&["export", "--format", "ndjson", "--closed"]).ok();
    assert_eq!(closed.lines().len(), 1);
}

#[test]
fn a_failed_export_leaves_the_last_good_file() {
    let (s, _) = store();
    let file = s.tmp.path().join("board.csv");
    s.run(&["export", "--output", file.to_str().unwrap()]).ok();
    let good = std::fs::read(&file).unwrap();
    s.run(&["export", "--output", file.to_str().unwrap(), "--category", "nonsense"]).fails(2);
    assert_eq!(std::fs::read(&file).unwrap(), good);
    s.run(&["export", "--output", s.tmp.path().join("no/such/dir.csv").to_str().unwrap()])
        .fails(1)
        .says("its folder does not exist");
}

/// Counts per category straight from the YAML files, as a check on summary.
fn recount(s: &Store) -> BTreeMap<String, (u64, u64)> {
    let mut out = BTreeMap::new();
    for y in std::fs::read_dir(s.root.join("incidents")).unwrap() {
        for m in std::fs::read_dir(y.unwrap().path()).unwrap() {
            for f in std::fs::read_dir(m.unwrap().path()).unwrap() {
                let v: serde_yaml::Value =
                    serde_yaml::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
                let e = out.entry(v["category"].as_str().unwrap().to_string()).or_insert((0, 0));
                e.0 += 1;
                if let Some(l) = v.get("losses") {
                    let pence = |k: &str| {
                        let t = l[k].as_str().unwrap();
                        let (a, b) = t.split_once('.').unwrap();
                        a.parse::<u64>().unwrap() * 100 + b.parse::<u64>().unwrap()
                    };
                    e.1 += pence("estimated");
                }
            }
        }
    }
    out
}

#[test]
fn summary_by_category_agrees_with_a_recount_of_the_files() {
    let (s, _) = store();
    let out = s.run(&["summary", "--by", "category", "--format", "csv"]).ok();
    let rows: Vec<Vec<&str>> = out.stdout.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0][..4], ["category", "incidents", "open", "closed"]);
    let want = recount(&s);
    for (cat, (n, pence)) in &want {
        let row = rows.iter().find(|r| r[0] == cat).unwrap_or_else(|| panic!("no row for {cat}"));
        assert_eq!(row[1], n.to_string(), "{cat}");
        assert_eq!(row[4], format!("{}.{:02}", pence / 100, pence % 100), "{cat}");
    }
    let zero = rows.iter().find(|r| r[0] == "criminal-damage").unwrap();
    assert_eq!(zero[1], "0", "every category has a row, zero or not");
    let total = rows.last().unwrap();
    assert_eq!(total[..4], ["total", "5", "4", "1"]);
    assert_eq!(
        total[6..],
        ["0", "0", "1", "1"],
        "sanctions by class: procedural, disciplinary, civil, criminal"
    );
}

#[test]
fn summary_cross_tab_and_empty_months() {
    let (s, _) = store();
    let out = s.run(&["summary", "--by", "month,site", "--period", "2026-Q3", "--format", "csv"]).ok();
    assert_eq!(
        out.stdout,
        "month\\site,Hollins Park,Peasley Cross,(none),total\n2026-07,0,0,0,0\n2026-08,0,0,0,0\n2026-09,0,1,0,1\ntotal,0,1,0,1\n",
        "every month of the period, every site and (none), zero or not"
    );
    let out = s.run(&["summary", "--by", "category,site", "--period", "2026-10", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let theft = v.as_array().unwrap().iter().find(|r| r["category\\site"] == "theft").unwrap();
    assert_eq!((theft["Hollins Park"].as_str(), theft["total"].as_str()), (Some("1"), Some("1")));
}

#[test]
fn months_are_counted_in_the_store_zone_across_clock_changes() {
    let s = Store::new();
    for when in [
        "2026-03-28 23:30", // Saturday before the spring change: March
        "2026-03-29 00:30", // the last Sunday of March, after midnight: March
        "2026-03-31 23:30", // BST: still March
        "2026-04-01 00:30", // BST: April, though 23:30 UTC on 31 March
        "2026-09-30 23:59", // BST: September
        "2026-10-01 00:30", // BST: October, though 23:30 UTC on 30 September
        "2026-10-25 00:30", // the last Sunday of October, before the change
        "2026-10-31 23:30", // GMT: October
        "2026-11-01 00:30", // GMT: November
    ] {
        s.report(&["--category", "theft", "--summary", when, "--occurred", when]);
    }
    let out = s.run(&["summary", "--by", "month", "--format", "csv"]).ok();
    let counts: Vec<(String, String)> = out
        .stdout
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].to_string(), c[1].to_string())
        })
        .collect();
    let want = [
        ("2026-03", "3"),
        ("2026-04", "1"),
        ("2026-09", "1"),
        ("2026-10", "3"),
        ("2026-11", "1"),
        ("total", "9"),
    ];
    assert_eq!(counts, want.map(|(a, b)| (a.to_string(), b.to_string())));
    let out = s.run(&["summary", "--period", "2026-04", "--format", "csv"]).ok();
    assert!(out.stdout.lines().last().unwrap().starts_with("total,1,"), "{}", out.stdout);
}

#[test]
fn the_annual_report_gives_the_board_figures() {
    let (s, _) = store();
    let out = s.run(&["summary", "--period", "2026", "--report", "annual", "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let m: BTreeMap<&str, &str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["metric"].as_str().unwrap(), r["value"].as_str().unwrap()))
        .collect();
    let labels: Vec<&str> = v.as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"Physical assaults without medical factors"), "{labels:?}");
    assert_eq!(m["incidents"], "5");
    assert_eq!(m["physical_assaults"], "1");
    assert_eq!(m["physical_assaults_with_medical_factors"], "1");
    assert_eq!(m["sanctions_criminal"], "1");
    assert_eq!(m["sanctions_civil_or_administrative"], "1");
    assert_eq!(m["losses_estimated"], "890.50");
    assert_eq!(m["losses_recovered"], "100.00");
    assert_eq!(m["riddor_reportable"], "0");
    assert_eq!(m["median_days_to_close"], "0");
}

#[test]
fn the_cron_line_writes_a_board_file() {
    let (s, _) = store();
    let file = s.tmp.path().join("board.csv");
    let mut c = s.cmd(&[
        "summary",
        "--period",
        "last-month",
        "--by",
        "category,site",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    c.env("LSMS_NOW", "2026-11-02T06:00:00Z");
    run(c).ok();
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a CSV file starts with the UTF-8 byte order mark");
    assert!(text.starts_with("category\\site,Hollins Park,Peasley Cross,(none),total\n"), "{text}");
    assert!(text.contains("\ntheft,1,0,0,1\n"), "{text}");
    assert!(text.ends_with("total,1,1,1,3\n"), "{text}");
    s.run(&["summary", "--period", "last-fortnight"]).fails(2).says("is not a period");
    s.run(&["summary", "--by", "colour"]).fails(2).says("unknown dimension");
    s.run(&["summary", "--by", "a,b,c"]).fails(2);
}

#[test]
fn due_lists_deadlines_overdue_first_and_list_marks_them() {
    let s = Store::new();
    // Recorded on the Thursday before Easter 2026: due to be assigned on Tuesday 7 April.
    let mut c = s.cmd(&["report", "--category", "theft", "--summary", "x"]);
    c.env("LSMS_NOW", "2026-04-02T15:00:00+01:00");
    let old = run(c).ok().stdout.trim().to_string();
    let fresh = s.report(&["--category", "theft", "--summary", "y"]);
    let assault = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "z",
        "--occurred",
        "2026-11-20 10:00",
        "--person",
        "victim:staff",
        "--harm",
        "moderate",
    ]);
    s.run(&["assign", &assault, "--to", "asmith"]).ok();
    s.run(&[
        "sanction",
        &assault,
        "--class",
        "civil",
        "--kind",
        "acceptable-behaviour-agreement",
        "--review-on",
        "2026-12-10",
    ])
    .ok();

    let out = s.run(&["due", "--format", "tsv"]).ok();
    let rows: Vec<Vec<&str>> = out.lines().iter().map(|l| l.split('\t').collect()).collect();
    let summary: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[1], r[2], r[3])).collect();
    assert_eq!(
        summary,
        [
            ("overdue", "assign", old.as_str()),
            ("due", "assign", fresh.as_str()),
            ("due", "riddor-decision", assault.as_str()),
            ("due", "review", assault.as_str()),
        ]
    );
    assert_eq!(rows[0][0], "2026-04-07T15:00:00+01:00", "Good Friday and Easter Monday are not working days");
    assert_eq!(rows[1][0], "2026-11-26T12:00:00+00:00", "one working day after recording");
    assert_eq!(rows[2][0], "2026-11-30T10:00:00+00:00", "ten days after a staff injury");
    assert_eq!(rows[3][0], "2026-12-10T00:00:00+00:00");
    let ids = s.run(&["due", "--format", "ids"]).ok();
    assert_eq!(
        ids.lines(),
        [old.as_str(), fresh.as_str(), assault.as_str()],
        "each incident once, in due order"
    );
    let soon = s.run(&["due", "--within", "1d", "--format", "tsv"]).ok();
    assert_eq!(soon.lines().len(), 2, "overdue always, and what falls due within a day");

    let table = s.run(&["list", "--format", "table"]).ok().stdout;
    let line = table.lines().find(|l| l.contains(&old)).unwrap();
    assert!(line.contains("overdue"), "{table}");
    assert!(!table.lines().find(|l| l.contains(&fresh)).unwrap().contains("overdue"));
    let tsv = s.run(&["list", "--columns", "id,overdue"]).ok();
    assert!(tsv.stdout.contains(&format!("{old}\toverdue\n")));
}

/// `store()` with one of its incident files broken, and that file's id.
fn store_with_a_bad_file() -> (Store, Vec<String>, String) {
    let (s, ids) = store();
    let bad = ids[3].clone();
    let path = s.path_of(&bad);
    let text = std::fs::read_to_string(&path).unwrap().replace("status: reported", "status: reportd");
    std::fs::write(&path, text).unwrap();
    (s, ids, bad)
}

/// Each command that writes `--output`, with the rest of its arguments.
const OUTPUTS: [(&str, &[&str], &str); 3] = [
    ("board", &["board", "--period", "2026/27"], "html"),
    ("summary", &["summary", "--period", "2026/27", "--format", "csv"], "csv"),
    ("export", &["export", "--format", "csv"], "csv"),
];

#[test]
fn an_output_file_is_left_as_it_was_when_an_incident_file_cannot_be_read() {
    let (s, _, bad) = store_with_a_bad_file();
    for (name, args, ext) in OUTPUTS {
        let file = s.tmp.path().join(format!("{name}.{ext}"));
        std::fs::write(&file, b"the last good file").unwrap();
        let mut all = args.to_vec();
        all.extend(["--output", file.to_str().unwrap()]);
        let out = s
            .run(&all)
            .fails(1)
            .says(&format!("{bad}.yaml"))
            .says("1 incident file could not be read")
            .says("was left as it was")
            .says("--partial");
        assert_eq!(out.stdout, "", "{name}: nothing on stdout");
        assert!(!out.stderr.contains("Wrote"), "{name}: {}", out.stderr);
        assert_eq!(std::fs::read(&file).unwrap(), b"the last good file", "{name}: the file is as it was");
    }
    // A new file is not made either.
    let file = s.tmp.path().join("new.html");
    s.run(&["board", "--period", "2026/27", "--output", file.to_str().unwrap()]).fails(1);
    assert!(!file.exists(), "no file is made from a run that could not read every record");
}

#[test]
fn partial_writes_the_file_marked_with_how_many_records_were_not_counted() {
    let (s, _, _) = store_with_a_bad_file();
    let note = "PARTIAL: 1 incident file could not be read and is not counted here";
    for (name, args, ext) in OUTPUTS {
        let file = s.tmp.path().join(format!("{name}.{ext}"));
        std::fs::write(&file, b"the last good file").unwrap();
        let mut all = args.to_vec();
        all.extend(["--output", file.to_str().unwrap(), "--partial"]);
        s.run(&all).fails(1).says("is partial: 1 incident file (named above) was not read");
        let text = std::fs::read_to_string(&file).unwrap();
        match ext {
            "html" => {
                let first_page = &text[..text.find("</section>").unwrap()];
                assert!(first_page.contains(note), "{name}: the first page says so");
            }
            _ => {
                let first = text.trim_start_matches('\u{feff}').lines().next().unwrap();
                assert!(first.starts_with(&format!("# {note}")), "{name}: first line {first:?}");
            }
        }
    }
    // The summary counts the three incidents it could read, not four.
    let file = s.tmp.path().join("summary.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let total = text.lines().find(|l| l.starts_with("total,")).unwrap();
    assert!(total.starts_with("total,4,"), "the four good incidents: {total}");
    // A table says it under the period; a spreadsheet under its title.
    let table = s.tmp.path().join("summary.txt");
    let t = table.to_str().unwrap();
    s.run(&["summary", "--period", "2026/27", "--format", "table", "--output", t, "--partial"]).fails(1);
    assert!(std::fs::read_to_string(&table).unwrap().lines().take(4).any(|l| l.starts_with(note)));
    for (cmd, args) in [("summary", &["summary", "--period", "2026/27"][..]), ("export", &["export"][..])] {
        let xlsx = s.tmp.path().join(format!("{cmd}.xlsx"));
        let mut all = args.to_vec();
        all.extend(["--format", "xlsx", "--output", xlsx.to_str().unwrap(), "--partial"]);
        s.run(&all).fails(1);
        if !openpyxl() {
            continue;
        }
        let got = python(
            "import openpyxl,sys; print(openpyxl.load_workbook(sys.argv[1]).active.cell(row=6, column=1).value)",
            &[xlsx.to_str().unwrap()],
        );
        assert!(got.starts_with(note), "{cmd}: {got:?}");
    }
    // JSON has no place for the mark; --partial needs a file.
    let json = s.tmp.path().join("e.json");
    s.run(&["export", "--format", "json", "--output", json.to_str().unwrap(), "--partial"])
        .fails(2)
        .says("JSON");
    s.run(&["summary", "--partial"]).fails(2).says("--output");
}

#[test]
fn without_output_the_good_records_still_print_and_the_run_exits_1() {
    let (s, ids, bad) = store_with_a_bad_file();
    let out = s.run(&["export", "--format", "ndjson"]).fails(1).says(&format!("{bad}.yaml"));
    assert_eq!(out.lines().len(), ids.len() - 1, "every good record");
    let out = s.run(&["summary", "--period", "2026/27", "--format", "csv"]).fails(1);
    assert!(out.stdout.lines().any(|l| l.starts_with("total,4,")), "{}", out.stdout);
    assert!(!out.stdout.contains("PARTIAL"), "stdout as before: {}", out.stdout);
    let out = s.run(&["board", "--period", "2026/27"]).fails(1);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"));
}
