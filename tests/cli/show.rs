use crate::harness::*;

fn one() -> (Store, String) {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse",
        "--occurred",
        "2026-11-24 14:30",
        "--site",
        "Hollins Park",
        "--location",
        "A&E reception",
        "--person",
        "victim:staff:A. Nurse",
        "--harm",
        "low",
        "--loss",
        "12.5",
        "--description",
        "Struck with an open hand.\nSecurity called.",
    ]);
    (s, id)
}

#[test]
fn show_reads_as_a_case_file() {
    let (s, id) = one();
    let out = s.run(&["show", &id]).ok();
    for want in [
        format!("Incident        {id}  reported"),
        "Summary         Visitor struck a nurse".into(),
        "Occurred        Tue 2026-11-24 14:30".into(),
        "Site            Hollins Park, A&E reception".into(),
        "Person          victim: A. Nurse (staff)".into(),
        "Losses          £12.50 estimated, £0.00 recovered".into(),
        "Description\n  Struck with an open hand.\n  Security called.".into(),
        "History\n  2026-11-25 12:00  tester     reported".into(),
    ] {
        assert!(out.stdout.contains(&want), "{want:?} missing:\n{}", out.stdout);
    }
}

#[test]
fn show_finds_an_id_by_any_case_or_its_unique_suffix() {
    let (s, id) = one();
    let whole = s.run(&["show", &id]).ok().stdout;
    assert_eq!(s.run(&["show", &id.to_lowercase()]).ok().stdout, whole);
    assert_eq!(s.run(&["show", &id[9..].to_lowercase()]).ok().stdout, whole);
}

#[test]
fn an_ambiguous_suffix_lists_the_candidates() {
    let (s, id) = one();
    let twin = id.replace("20261125", "20261124");
    let text = s.read(&id).replace(&id, &twin);
    std::fs::write(s.path_of(&twin), text).unwrap();
    let out = s.run(&["show", &id[9..]]).fails(1).says("ambiguous");
    assert!(out.stderr.contains(&id) && out.stderr.contains(&twin), "{}", out.stderr);
}

#[test]
fn show_as_yaml_is_the_file_and_as_json_has_every_field() {
    let (s, id) = one();
    assert_eq!(s.run(&["show", &id, "--format", "yaml"]).ok().stdout, s.read(&id));
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &id, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["losses"]["estimated"], "12.50", "money stays exact text");
    assert_eq!(json["history"][0]["action"], "reported");
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys[..4], ["schema", "id", "uuid", "status"], "in the file's order");
}

#[test]
fn show_keeps_keys_it_does_not_know() {
    let (s, id) = one();
    let path = s.path_of(&id);
    let text = std::fs::read_to_string(&path).unwrap().replace("harm: low\n", "harm: low\nward_code: W3\n");
    std::fs::write(&path, text).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &id, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(json["ward_code"], "W3");
    s.run(&["check"]).ok();
}

#[test]
fn show_names_a_file_that_does_not_parse() {
    let (s, id) = one();
    let path = s.path_of(&id);
    let text = std::fs::read_to_string(&path).unwrap().replace("harm: low", "harm: [low");
    std::fs::write(&path, &text).unwrap();
    let out = s.run(&["show", &id]).fails(1);
    assert_eq!(out.stdout, "");
    out.says(&format!("incidents/2026/11/{id}.yaml:")).says("not valid YAML");
}
