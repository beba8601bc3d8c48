//! `lsms import` takes the register a trust already has: the encodings
//! Excel saves in, refused files and mappings that would lose a column,
//! and a second run that adds nothing.

use crate::harness::*;

const MAP: &str = "Ref=ref:datix,When=occurred,Type=category,What=summary";

fn file(s: &Store, name: &str, bytes: &[u8]) -> String {
    let p = s.tmp.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn import(s: &Store, path: &str, map: &str, extra: &[&str]) -> Out {
    let mut args = vec!["import", "--csv", path, "--map", map];
    args.extend_from_slice(extra);
    s.run(&args)
}

fn summaries(s: &Store) -> Vec<String> {
    let out = s.run(&["list", "--all", "--format", "tsv", "--columns", "summary"]).ok().stdout;
    let mut v: Vec<String> = out.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// A refused import leaves every byte of the store as it was, exit 1, and
/// says `what`.
fn refused(s: &Store, path: &str, map: &str, extra: &[&str], what: &str) {
    let before = s.snapshot();
    import(s, path, map, extra).fails(1).says(what);
    assert!(s.snapshot() == before, "the store changed after a refused import");
}

#[test]
fn a_windows_1252_csv_from_excel_is_read_with_its_pound_signs_and_curly_quotes() {
    let s = Store::new();
    let csv = file(
        &s,
        "excel.csv",
        b"Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,\x93Purse\x94 with \xA320 taken\n",
    );
    import(&s, &csv, MAP, &[]).ok().says("read as Windows-1252");
    assert_eq!(summaries(&s), ["\u{201C}Purse\u{201D} with £20 taken"]);
}

#[test]
fn utf8_with_a_byte_order_mark_and_utf16_unicode_text_are_read() {
    let s = Store::new();
    let csv =
        file(&s, "bom.csv", "\u{feff}Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,Café till\n".as_bytes());
    import(&s, &csv, MAP, &[]).ok();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        "Ref,When,Type,What\r\nDX-2,04/02/2025 10:00,theft,Naïve thief\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let csv = file(&s, "unicode.csv", &utf16);
    import(&s, &csv, MAP, &[]).ok();
    assert_eq!(summaries(&s), ["Café till", "Naïve thief"]);
}

#[test]
fn a_byte_invalid_in_the_named_encoding_is_refused_by_row_and_column() {
    let s = Store::new();
    let csv = file(&s, "latin.csv", b"Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,caf\xE9\n");
    refused(&s, &csv, MAP, &["--encoding", "utf-8"], "row 2, column 'What'");
    // Variant: a byte Windows-1252 has no character for.
    let csv = file(&s, "cp.csv", b"Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,a\x81b\n");
    refused(&s, &csv, MAP, &["--encoding", "windows-1252"], "row 2, column 'What'");
}

#[test]
fn an_empty_file_or_a_workbook_or_a_binary_file_is_refused_with_what_to_do() {
    let s = Store::new();
    refused(&s, &file(&s, "empty.csv", b""), MAP, &[], "is empty");
    refused(&s, &file(&s, "blank.csv", b"\n\n  \n"), MAP, &[], "is empty");
    refused(
        &s,
        &file(&s, "book.csv", b"PK\x03\x04\x14\x00\x06\x00rest"),
        MAP,
        &[],
        "looks like a workbook but cannot be read",
    );
    refused(&s, &file(&s, "bin.csv", b"Ref,When\x00\x00\x01\n"), MAP, &[], "not a text file");
}

#[test]
fn two_columns_of_the_same_name_are_refused_not_one_kept_and_one_dropped() {
    let s = Store::new();
    let csv = file(&s, "dup.csv", b"Ref,When,Type,What,What\nDX-1,03/02/2025 14:10,theft,Bag,Coat\n");
    refused(&s, &csv, MAP, &[], "two columns are named 'What' (columns 4 and 5)");
    // Variant: the duplicated name is not even mapped; still refused.
    let csv = file(&s, "dup2.csv", b"Ref,When,Type,What,Notes,Notes\nDX-1,03/02/2025 14:10,theft,Bag,a,b\n");
    refused(&s, &csv, MAP, &[], "two columns are named 'Notes'");
}

#[test]
fn two_columns_mapped_to_one_field_are_refused_not_one_dropped() {
    let s = Store::new();
    let csv =
        file(&s, "two.csv", b"Ref,When,Type,What,Detail\nDX-1,03/02/2025 14:10,theft,Bag,Left on bench\n");
    let map = s.tmp.path().join("map.yaml");
    std::fs::write(
        &map,
        "columns: { Ref: ref:datix, When: occurred, Type: category, What: summary, Detail: summary }\n",
    )
    .unwrap();
    let before = s.snapshot();
    s.run(&["import", "--csv", &csv, "--map-file", map.to_str().unwrap()])
        .fails(1)
        .says("two columns are mapped to summary: 'Detail' and 'What'");
    assert!(s.snapshot() == before);
    // Variant: on the command line it is a usage error (exit 2), still refused.
    import(&s, &csv, &format!("{MAP},Detail=summary"), &[])
        .fails(2)
        .says("two columns are mapped to summary");
    // And one column given twice in --map is refused, not the last one kept.
    import(&s, &csv, &format!("{MAP},What=description"), &[]).fails(2).says("'What' is given twice");
    assert!(s.snapshot() == before);
}

#[test]
fn a_mapping_file_naming_an_unknown_field_is_refused_with_exit_1() {
    let s = Store::new();
    let csv = file(&s, "r.csv", b"Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,Bag\n");
    let map = s.tmp.path().join("map.yaml");
    std::fs::write(&map, "columns: { Ref: ref:datix, When: occurred, Type: category, What: sumary }\n")
        .unwrap();
    let before = s.snapshot();
    s.run(&["import", "--csv", &csv, "--map-file", map.to_str().unwrap()]).fails(1).says("sumary");
    assert!(s.snapshot() == before);
}

#[test]
fn a_second_run_of_the_same_export_adds_nothing_and_says_so() {
    let s = Store::new();
    let text = "Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,Bag\nDX-2,04/02/2025 10:00,theft,Coat\n";
    let csv = file(&s, "r.csv", text.as_bytes());
    assert_eq!(import(&s, &csv, MAP, &[]).ok().lines().len(), 2);
    let before = s.snapshot();
    let again = import(&s, &csv, MAP, &[]).ok().says("Nothing to add: 2 row(s) already in the store");
    assert!(again.stdout.is_empty(), "no ids printed: {}", again.stdout);
    assert!(s.snapshot() == before, "a second run changed the store");
    // Variant: next month's export adds only its new case; the reference
    // is matched whatever case the system's name is mapped with.
    let next = file(&s, "next.csv", format!("{text}DX-3,05/02/2025 09:00,theft,Hat\n").as_bytes());
    let out = import(&s, &next, "Ref=ref:Datix,When=occurred,Type=category,What=summary", &[])
        .ok()
        .says("2 row(s) already in the store");
    assert_eq!(out.lines().len(), 1);
    assert_eq!(summaries(&s), ["Bag", "Coat", "Hat"]);
}

#[test]
fn two_rows_with_one_reference_are_refused_as_one_case_twice() {
    let s = Store::new();
    let csv = file(
        &s,
        "r.csv",
        b"Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,Bag\nDX-1,04/02/2025 10:00,theft,Coat\n",
    );
    refused(&s, &csv, MAP, &[], "r.csv:3: the datix reference DX-1 is also on row 2");
}

#[test]
fn without_a_reference_column_the_import_says_a_second_run_would_record_again() {
    let s = Store::new();
    let csv = file(&s, "r.csv", b"When,Type,What\n03/02/2025 14:10,theft,Bag\n");
    import(&s, &csv, "When=occurred,Type=category,What=summary", &[])
        .ok()
        .says("would record every case again");
}

#[test]
fn a_register_on_standard_input_is_read() {
    let s = Store::new();
    let mut c = s.cmd(&["import", "--csv", "-", "--map", MAP]);
    c.write_stdin("Ref,When,Type,What\nDX-1,03/02/2025 14:10,theft,Bag\n");
    run(c).ok();
    assert_eq!(summaries(&s), ["Bag"]);
}

fn times(s: &Store) -> Vec<(String, String)> {
    let out = s.run(&["export", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut t: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["occurred_at"].as_str().unwrap().into(), r["reported_at"].as_str().unwrap().into()))
        .collect();
    t.sort();
    t
}

#[test]
fn a_reported_date_without_a_time_is_never_before_the_occurrence() {
    let s = Store::new();
    let csv = file(
        &s,
        "r.csv",
        b"Ref,When,Told,Type,What\nDX-1,03/02/2025 14:10,03/02/2025,theft,Bag\nDX-2,04/02/2025 10:00,06/02/2025,theft,Coat\n",
    );
    import(&s, &csv, &format!("{MAP},Told=reported"), &[]).ok();
    assert_eq!(
        times(&s),
        [
            // Same day: the occurrence's time, not midnight before it.
            ("2025-02-03T14:10:00+00:00".into(), "2025-02-03T14:10:00+00:00".into()),
            // A later day: the end of that day.
            ("2025-02-04T10:00:00+00:00".into(), "2025-02-06T23:59:00+00:00".into()),
        ]
    );
    // Variant: a reported time that is given is kept as given.
    let s = Store::new();
    let csv =
        file(&s, "t.csv", b"Ref,When,Told,Type,What\nDX-1,03/02/2025 14:10,03/02/2025 15:00,theft,Bag\n");
    import(&s, &csv, &format!("{MAP},Told=reported"), &[]).ok();
    assert_eq!(times(&s)[0].1, "2025-02-03T15:00:00+00:00");
}

#[test]
fn a_date_column_and_a_time_column_are_combined() {
    let s = Store::new();
    let csv = file(
        &s,
        "r.csv",
        b"Ref,Incident date,Incident time,Type,What,Reported on\nDX-1,03/02/2025,14:10,theft,Bag,03/02/2025\nDX-2,04/02/2025 00:00,09:05,theft,Coat,05/02/2025\n",
    );
    let map = "Ref=ref:datix,Incident date=occurred,Incident time=occurred_time,Type=category,What=summary,Reported on=reported";
    import(&s, &csv, map, &[]).ok();
    assert_eq!(
        times(&s),
        [
            // The time joins its date; the same-day report takes it too.
            ("2025-02-03T14:10:00+00:00".into(), "2025-02-03T14:10:00+00:00".into()),
            // Excel's midnight on a date column gives way to the time column.
            ("2025-02-04T09:05:00+00:00".into(), "2025-02-05T23:59:00+00:00".into()),
        ]
    );
    // Variant: a date with a time of its own and another in the time
    // column is refused by row, not one of them dropped.
    let s = Store::new();
    let csv = file(
        &s,
        "c.csv",
        b"Ref,Incident date,Incident time,Type,What\nDX-1,03/02/2025 10:00,14:10,theft,Bag\n",
    );
    let map = "Ref=ref:datix,Incident date=occurred,Incident time=occurred_time,Type=category,What=summary";
    refused(&s, &csv, map, &[], "c.csv:2: 'Incident date'");
    // A time with no date column is a mapping error.
    import(&s, &csv, "Ref=ref:datix,Incident time=occurred_time,Type=category,What=summary", &[])
        .fails(2)
        .says("a time needs its date");
}

#[test]
fn update_records_what_the_register_changed_as_history_and_keeps_what_lsms_changed() {
    let s = Store::new();
    let map = "Ref=ref:datix,When=occurred,Type=category,What=summary,Site=site,Status=status,Outcome=outcome,Closed=closed,Handler=assignee";
    let flags = [
        "--status-map",
        "Open=reported,Being investigated=investigating,Closed=closed",
        "--outcome-map",
        "No action=no-further-action",
    ];
    let first = file(
        &s,
        "jan.csv",
        b"Ref,When,Type,What,Site,Status,Outcome,Closed,Handler\n\
          DX-1,03/02/2025 10:00,theft,Bag taken,Hollins Park,Being investigated,,,asmith\n\
          DX-2,04/02/2025 10:00,theft,Coat taken,Hollins Park,Open,,,\n",
    );
    let ids = import(&s, &first, map, &flags).ok().stdout;
    let by_ref = |r: &str| {
        ids.lines()
            .find(|id| {
                s.run(&["show", id, "--format", "json"]).ok().stdout.contains(&format!("\"datix\": \"{r}\""))
            })
            .unwrap()
            .to_string()
    };
    let (one, two) = (by_ref("DX-1"), by_ref("DX-2"));
    // In lsms, someone corrects the site of DX-1.
    s.run(&["update", &one, "--site", "Peasley Cross"]).ok();
    // A month later: DX-1 closed, its summary and site changed in the
    // register too; DX-2 unchanged; DX-3 new.
    let later = file(
        &s,
        "feb.csv",
        b"Ref,When,Type,What,Site,Status,Outcome,Closed,Handler\n\
          DX-1,03/02/2025 10:00,theft,Bag and purse taken,Hollins Park,Closed,No action,20/02/2025,asmith\n\
          DX-2,04/02/2025 10:00,theft,Coat taken,Hollins Park,Open,,,\n\
          DX-3,05/02/2025 10:00,theft,Hat taken,Hollins Park,Open,,,\n",
    );
    // Without --update only the new case comes in.
    let before = s.snapshot();
    let dry = import(&s, &later, map, &[&flags[..], &["--update", "--dry-run"]].concat()).ok();
    dry.says("Dry run: 1 case(s) would be updated (5 field(s))");
    assert_eq!(s.snapshot(), before, "a dry run records nothing");
    let out = import(&s, &later, map, &[&flags[..], &["--update"]].concat()).ok();
    assert_eq!(out.lines().len(), 1, "one new case: {}", out.stdout);
    out.says(&format!("{one} (row 2): site was changed in lsms since the import (by tester on"))
        .says("Updated 1 case(s) from the register (5 field(s), each a history entry); 1 field(s) kept as changed in lsms.");
    let j: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &one, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(j["summary"], "Bag and purse taken");
    assert_eq!(j["site"], "Peasley Cross", "lsms's correction is kept");
    assert_eq!((j["status"].as_str(), j["outcome"].as_str()), (Some("closed"), Some("no-further-action")));
    assert_eq!(j["closed_at"], "2025-02-20T00:00:00+00:00");
    let entries: Vec<(String, String)> = j["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "imported" && e.get("field").is_some())
        .map(|e| (e["field"].as_str().unwrap().to_string(), e["detail"].as_str().unwrap().to_string()))
        .collect();
    assert!(entries.contains(&("summary".into(), "from row 2 of feb.csv".into())), "{entries:?}");
    assert!(
        entries.iter().any(|(f, _)| f == "status") && entries.iter().any(|(f, _)| f == "closed_at"),
        "{entries:?}"
    );
    let two_json = s.run(&["show", &two, "--format", "json"]).ok().stdout;
    assert_eq!(
        two_json.matches("\"action\": \"imported\"").count(),
        1,
        "an unchanged case is left as it was"
    );
    s.run(&["check"]).ok();
    // Once more: nothing changes.
    let again = s.snapshot();
    import(&s, &later, map, &[&flags[..], &["--update"]].concat()).ok().says("Nothing to add");
    assert_eq!(s.snapshot(), again);
}

#[test]
fn update_without_a_reference_column_is_refused_saying_how_rows_are_matched() {
    let s = Store::new();
    let csv = file(&s, "r.csv", b"When,Type,What\n03/02/2025 10:00,theft,Bag\n");
    refused(
        &s,
        &csv,
        "When=occurred,Type=category,What=summary",
        &["--update"],
        "--update matches each row with the case it made by its reference",
    );
}

#[test]
fn an_import_into_a_store_that_commits_is_one_commit_naming_no_case() {
    use crate::git::{git, git_store};
    let s = git_store();
    let csv = file(
        &s,
        "r.csv",
        b"Ref,When,Type,What\nDX-1,03/02/2025 10:00,theft,Bag\nDX-2,04/02/2025 10:00,theft,Coat\n",
    );
    let before = git(&s.root, &["rev-list", "--count", "HEAD"]);
    import(&s, &csv, MAP, &["--commit"]).ok();
    let after = git(&s.root, &["rev-list", "--count", "HEAD"]);
    assert_eq!(after.trim().parse::<u32>().unwrap(), before.trim().parse::<u32>().unwrap() + 1, "one commit");
    assert_eq!(git(&s.root, &["log", "-1", "--format=%s"]).trim(), "import: 2 incident(s)");
    assert_eq!(git(&s.root, &["show", "--stat", "--format=", "HEAD"]).matches(".yaml").count(), 2);
    assert_eq!(git(&s.root, &["status", "--porcelain"]).trim(), "", "every new file committed");
}

#[test]
fn a_row_whose_record_cannot_be_written_undoes_the_rows_written_before_it() {
    let s = Store::new();
    // The third row's description makes a file over the 4 MiB an incident
    // file may hold: found only when it is written, after two others.
    let long = "x".repeat(5 << 20);
    let text = format!(
        "Ref,When,Type,What,Notes\nDX-1,03/02/2025 10:00,theft,Bag,a\nDX-2,04/02/2025 10:00,theft,Coat,b\nDX-3,05/02/2025 10:00,theft,Hat,{long}\n"
    );
    let csv = file(&s, "r.csv", text.as_bytes());
    let before = s.snapshot();
    import(&s, &csv, &format!("{MAP},Notes=description"), &[])
        .fails(1)
        .says("refused: ")
        .says("r.csv:4: its record cannot be written; nothing was imported")
        .says("over the 4 MiB");
    assert!(s.snapshot() == before, "the two files written before it are gone again");
}
