//! Flags and the weapon: set on `report` (flags and `--from`), changed on
//! `update` with a history entry each, filtered on, summed by, shown and
//! exported (the weapon only with --include-personal).

use crate::harness::*;

fn knife(s: &Store) -> String {
    s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Nurse threatened with a knife",
        "--flag",
        "Weapon",
        "--flag",
        "lone-worker",
        "--flag",
        "weapon",
        "--weapon",
        " kitchen knife ",
    ])
}

#[test]
fn report_sets_flags_as_the_vocabulary_spells_them_once_each_and_the_weapon() {
    let s = Store::new();
    let id = knife(&s);
    let text = s.read(&id);
    assert!(text.contains("\nflags: [weapon, lone-worker]\nweapon: kitchen knife\nhistory:\n"), "{text}");
    s.run(&["show", &id])
        .ok()
        .prints("Flags           weapon, lone-worker\n")
        .prints("Weapon          kitchen knife\n");
}

#[test]
fn a_trusts_own_flag_from_lsms_yaml_is_taken() {
    let s = Store::with_config("flags: [spitting]\n");
    let id = s.report(&["--category", "non-physical-assault", "--summary", "Spat at", "--flag", "SPITTING"]);
    assert!(s.read(&id).contains("flags: [spitting]\n"));
    let plain = Store::new();
    plain
        .run(&["report", "--category", "theft", "--summary", "x", "--flag", "spitting"])
        .fails(1)
        .says("unknown flag 'spitting'")
        .says("under `flags:` in lsms.yaml");
}

#[test]
fn report_from_takes_flags_and_weapon_and_names_a_bad_flag_at_its_line() {
    let s = Store::new();
    let file = s.tmp.path().join("in.yaml");
    std::fs::write(
        &file,
        "category: theft\nsummary: Drugs cupboard forced\nflags: [drugs]\nweapon: crowbar\n---\n\
         category: theft\nsummary: Second\nflags: [alcohol, sexul]\n",
    )
    .unwrap();
    let before = s.snapshot();
    s.run(&["report", "--from", file.to_str().unwrap()])
        .fails(1)
        .says("in.yaml:8:")
        .says("incident 2: unknown flag 'sexul' (did you mean 'sexual'?)");
    assert_eq!(s.snapshot(), before);
    std::fs::write(
        &file,
        "category: theft\nsummary: Drugs cupboard forced\nflags: [drugs]\nweapon: crowbar\n",
    )
    .unwrap();
    let out = s.run(&["report", "--from", file.to_str().unwrap()]).ok();
    let id = out.stdout.trim();
    assert!(s.read(id).contains("flags: [drugs]\nweapon: crowbar\n"), "{}", s.read(id));
}

#[test]
fn update_adds_and_takes_off_flags_and_sets_the_weapon_each_in_the_history() {
    let s = Store::new();
    let id = knife(&s);
    s.run(&["update", &id, "--flag", "alcohol", "--unflag", "lone-worker", "--weapon", "bread knife"])
        .ok()
        .says("updated");
    let text = s.read(&id);
    assert!(text.contains("flags: [weapon, alcohol]\nweapon: bread knife\n"), "{text}");
    assert!(
        text.contains(
            "action: updated, field: flags, from: \"weapon, lone-worker\", to: \"weapon, alcohol\" }"
        )
    );
    assert!(text.contains("action: updated, field: weapon, from: kitchen knife, to: bread knife }"));
    // Adding a flag it has, or taking off one it has not: nothing changes.
    let before = s.snapshot();
    s.run(&["update", &id, "--flag", "WEAPON", "--unflag", "sexual"]).ok().says("nothing to change");
    assert_eq!(s.snapshot(), before);
    s.run(&["update", &id, "--unflag", "weapon", "--unflag", "alcohol", "--weapon", ""]).ok();
    let text = s.read(&id);
    assert!(!text.contains("flags:") && !text.contains("weapon:"), "{text}");
    assert!(text.contains("field: flags, from: \"weapon, alcohol\" }"), "{text}");
}

#[test]
fn a_closed_incident_keeps_its_flags_until_reopened() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    s.run(&["close", &id, "--outcome", "no-further-action", "--note", "No leads"]).ok();
    let before = s.snapshot();
    s.run(&["update", &id, "--flag", "alcohol"]).fails(1).says("is closed").says("lsms reopen");
    assert_eq!(s.snapshot(), before);
}

/// Three incidents: weapon+lone-worker, alcohol, none.
fn three(s: &Store) -> (String, String, String) {
    let a = knife(s);
    let b = s.report(&["--category", "harassment", "--summary", "Drunk visitor", "--flag", "alcohol"]);
    let c = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    (a, b, c)
}

#[test]
fn list_flag_matches_any_of_the_flags_given_on_every_filtered_command() {
    let s = Store::new();
    let (a, b, _) = three(&s);
    let ids = |args: &[&str]| {
        let mut all = vec!["list", "--format", "ids"];
        all.extend_from_slice(args);
        let mut v: Vec<String> = s.run(&all).ok().stdout.lines().map(String::from).collect();
        v.sort();
        v
    };
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(ids(&["--flag", "lone-worker"]), vec![a.clone()]);
    assert_eq!(ids(&["--flag", "Lone-Worker,alcohol"]), both);
    assert_eq!(ids(&["--flag", "weapon", "--flag", "alcohol"]), both);
    assert_eq!(ids(&["--flag", "sexual"]), Vec::<String>::new());
    let out = s.run(&["export", "--flag", "alcohol", "--format", "csv"]).ok();
    assert_eq!(out.stdout.lines().count(), 2, "a header and one row:\n{}", out.stdout);
    assert!(out.stdout.contains(&b));
}

#[test]
fn summary_by_flag_counts_an_incident_once_in_each_of_its_flags_rows() {
    let s = Store::new();
    three(&s);
    let out = s.run(&["summary", "--by", "flag", "--format", "csv"]).ok();
    let rows: Vec<String> =
        out.stdout.lines().map(|l| l.split(',').take(2).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(
        rows,
        [
            "flag,incidents",
            "hate-motivated,0",
            "weapon,1",
            "lone-worker,1",
            "restraint,0",
            "alcohol,1",
            "drugs,0",
            "sexual,0",
            "triage,0",
            "occurred-unknown,0",
            "(none),1",
            "total,3",
        ]
    );
    let out = s.run(&["summary", "--by", "flag,category", "--format", "csv"]).ok();
    assert!(out.stdout.lines().any(|l| l.starts_with("weapon,") && l.ends_with(",1")), "{}", out.stdout);
}

#[test]
fn export_has_flags_and_the_weapon_only_with_personal_data() {
    let s = Store::new();
    let (a, _, _) = three(&s);
    let csv = s.run(&["export", "--flag", "weapon", "--format", "csv"]).ok().stdout;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name);
    assert_eq!(row[at("flags").unwrap()], "weapon;lone-worker");
    assert_eq!(at("weapon"), None, "the weapon is free text: {header:?}");
    assert_eq!(at("flags"), Some(at("medical_factors").unwrap() + 1));
    let json = s.run(&["export", "--flag", "weapon", "--format", "json", "--include-personal"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["id"], a.as_str());
    assert_eq!(v[0]["flags"], serde_json::json!(["weapon", "lone-worker"]));
    assert_eq!(v[0]["weapon"], "kitchen knife");
    let json = s.run(&["export", "--flag", "weapon", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v[0].get("weapon").is_none(), "{json}");
}
