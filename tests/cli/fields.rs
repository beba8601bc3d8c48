//! The investigation fields of issue 12 (flags, weapon, refs, links,
//! notified, evidence) as a person may write them by hand: read, checked
//! with every problem named by field, and written back in lsms's key order.

use crate::harness::*;

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Puts `keys` (YAML text) just before `history:` in the incident's file.
fn add(s: &Store, id: &str, keys: &str) {
    let p = s.path_of(id);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("history:\n", &format!("{keys}history:\n"), 1)).unwrap();
}

#[test]
fn hand_written_fields_are_read_and_written_back_in_key_order() {
    let s = Store::with_config("flags: [spitting]\n");
    let id = s.report(&["--category", "theft", "--summary", "Drugs cupboard forced", "--asset", "drugs"]);
    // Block style, keys out of order, a flag in capitals, a notice date as
    // a quoted string: all as a person might write them.
    add(
        &s,
        &id,
        &format!(
            "evidence:\n  - sha256: {SHA}\n    name: cctv ae 1430.mp4\n    size: 73400320\n    added_at: 2026-11-25T10:00:00+00:00\n    added_by: jfowlis\n    source: Estates CCTV\n\
             notified:\n  - to: CDAO\n    date: '2026-11-25'\n    ref: CD/77\n\
             links:\n  - id: 20261120-ab12\n    as: same-offender\n    note: seen on CCTV\n\
             refs:\n  datix: DX-1001\n  ipds: \"12\"\n\
             weapon: kitchen knife\n\
             flags:\n  - Spitting\n  - weapon\n"
        ),
    );
    // `check` looks for each evidence file the record names, with its size.
    let object = s.root.join(format!("evidence/{}/{SHA}", &SHA[..2]));
    std::fs::create_dir_all(object.parent().unwrap()).unwrap();
    std::fs::File::create(&object).unwrap().set_len(73400320).unwrap();
    // The link leads to no incident in this store: a warning, not a problem.
    s.run(&["check"])
        .ok()
        .says("Checked 1 incident(s): no problems; 1 warning(s)")
        .says("links to 20261120-AB12 as same-offender, which is not in this store");
    s.run(&["fmt", &id]).ok();
    let text = s.read(&id);
    let want = format!(
        "assets: [drugs]\n\
         flags: [spitting, weapon]\n\
         weapon: kitchen knife\n\
         refs: {{ datix: DX-1001, ipds: \"12\" }}\n\
         links:\n  - {{ id: 20261120-AB12, as: same-offender, note: seen on CCTV }}\n\
         notified:\n  - {{ to: cdao, date: 2026-11-25, ref: CD/77 }}\n\
         evidence:\n  - {{ sha256: \"{SHA}\", name: cctv ae 1430.mp4, size: 73400320, added_at: 2026-11-25T10:00:00+00:00, added_by: jfowlis, source: Estates CCTV }}\n\
         history:\n"
    );
    assert!(text.contains(&want), "want\n{want}\nin\n{text}");
    s.run(&["fmt", "--check"]).ok();
    s.run(&["check"]).ok().says("no problems");
}

#[test]
fn a_crime_reference_written_by_hand_says_the_police_were_told() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    // No `informed:` key: it was read as missing, and the whole record
    // failed with a problem that named no field.
    add(&s, &id, "police: { crime_ref: MP/26/0001 }\n");
    s.run(&["check"]).ok().says("no problems");
    let out = s.run(&["show", &id, "--format", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["police"]["informed"], serde_json::json!(true), "{}", out.stdout);
    s.run(&["fmt", &id]).ok();
    assert!(s.read(&id).contains("police: { informed: true, crime_ref: MP/26/0001 }\n"), "{}", s.read(&id));
}

#[test]
fn every_problem_in_the_new_fields_is_named_by_field() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    add(
        &s,
        &id,
        "flags: [weapon, wepon, weapon]\n\
         weapon: \"knife\\nand bat\"\n\
         refs: { datix: '', crimint: [a] }\n\
         links:\n  - { id: 20261120-AB12, as: same-offendr }\n  - { as: related }\n\
         notified:\n  - { to: cdao, on: 2026-11-25 }\n  - { to: mi5, date: 2026-11-31 }\n\
         evidence:\n  - { sha256: 9F86D0, name: ../x.mp4, size: -3, added_at: yesterday, added_by: j }\n",
    );
    let before = s.snapshot();
    s.run(&["check"])
        .fails(1)
        .says("unknown flag 'wepon' (did you mean 'weapon'?)")
        .says("'weapon' is given twice in `flags`: list each once")
        .says("`weapon` should be one line")
        .says("`refs.datix` is empty")
        .says("`refs.crimint` should be text")
        .says("unknown link 'same-offendr' (did you mean 'same-offender'?)")
        .says("`links[1].id` is missing")
        .says("`notified[0].date` is missing")
        .says("`notified[0].on` is not read: the notification's date is `date:`")
        .says("unknown notified party 'mi5'")
        .says(".yaml:19:16: '2026-11-31' is not a date")
        .says("'9F86D0' is not a SHA-256")
        .says("should be a bare name, without a directory")
        .says("`evidence[0].size` should be a whole number of bytes")
        .says(".yaml:21:49: 'yesterday' is not an RFC 3339 time");
    assert_eq!(s.snapshot(), before, "check changes nothing");
}

#[test]
fn a_flag_the_store_does_not_know_is_refused_with_where_to_add_it() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    add(&s, &id, "flags: [spitting]\n");
    s.run(&["check"])
        .fails(1)
        .says("unknown flag 'spitting'")
        .says("hate-motivated, weapon, lone-worker, restraint, alcohol, drugs, sexual")
        .says("under `flags:` in lsms.yaml");
}

#[test]
fn a_bad_flags_setting_is_named_in_lsms_yaml() {
    let s = Store::with_config("flags: [Lone Worker]\n");
    s.run(&["list"]).fails(1).says("flag 'Lone Worker' should be lower-case words joined by dashes");
}

#[test]
fn a_system_name_with_an_equals_sign_is_refused_as_update_ref_refuses_it() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    add(&s, &id, "refs: { \"da=tix\": DX-1 }\n");
    s.run(&["check"]).fails(1).says("should be one line without `=`");
}

/// Every field the record declares reaches report, update, list and grep
/// through its declaration: the investigation fields that have no column
/// of list's own are columns by their key, and update's history names them.
#[test]
fn declared_fields_are_options_columns_and_grep_targets_without_edits_of_their_own() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Knife drawn",
        "--weapon",
        "kitchen knife",
        "--police-ref",
        "MP/26/1",
        "--medical-factors",
        "yes",
        "--riddor",
        "reportable",
    ]);
    let out = s
        .run(&[
            "list",
            "--columns",
            "id,weapon,medical-factors,police.crime-ref,police.informed,riddor.status",
        ])
        .ok();
    assert_eq!(out.lines(), [format!("{id}\tkitchen knife\tyes\tMP/26/1\ttrue\treportable").as_str()]);
    s.run(&["update", &id, "--riddor", "reported", "--hse-ref", "HSE-9"]).ok();
    let file = s.read(&id);
    assert!(file.contains("field: riddor.status, from: reportable, to: reported"), "{file}");
    assert!(file.contains("field: riddor.hse_ref, to: HSE-9"), "{file}");
    let found = s.run(&["list", "--grep", "hse-9", "--format", "ids"]).ok();
    assert_eq!(found.lines(), [id.as_str()]);
    s.run(&["list", "--columns", "id,wepon"]).fails(2).says("did you mean 'weapon'");
}
