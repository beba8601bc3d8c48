//! References in other systems: `update --ref/--unref`, shown, searched
//! by `--grep`.

use crate::harness::*;

#[test]
fn update_sets_replaces_and_removes_references_each_in_the_history() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    s.run(&["update", &id, "--ref", "datix=DX-1001", "--ref", "ipds=12"]).ok();
    assert!(s.read(&id).contains("\nrefs: { datix: DX-1001, ipds: \"12\" }\n"), "{}", s.read(&id));
    let shown = s.run(&["show", &id]).ok().stdout;
    assert!(shown.contains("References      datix DX-1001, ipds 12\n"), "{shown}");
    s.run(&["update", &id, "--ref", "Datix=DX-2002"]).ok();
    assert!(s.read(&id).contains("\nrefs: { datix: DX-2002, ipds: \"12\" }\n"), "a system keeps its place");
    s.run(&["update", &id, "--unref", "IPDS"]).ok();
    let text = s.read(&id);
    assert!(text.contains("\nrefs: { datix: DX-2002 }\n"), "{text}");
    for line in [
        "field: refs, to: datix=DX-1001 }",
        "field: refs, to: ipds=12 }",
        "field: refs, from: datix=DX-1001, to: datix=DX-2002 }",
        "field: refs, from: ipds=12 }",
    ] {
        assert!(text.contains(line), "{line:?} in the history:\n{text}");
    }
    let nothing = s.snapshot();
    s.run(&["update", &id, "--ref", "datix=DX-2002"]).ok().says("nothing to change");
    assert_eq!(s.snapshot(), nothing);
}

#[test]
fn grep_finds_a_case_by_its_reference_in_another_system() {
    let s = Store::new();
    let a = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    s.report(&["--category", "theft", "--summary", "Phone taken"]);
    s.run(&["update", &a, "--ref", "datix=DX-1001"]).ok();
    assert_eq!(s.run(&["list", "--grep", "dx-1001", "--format", "ids"]).ok().stdout, format!("{a}\n"));
}

#[test]
fn bad_references_are_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    s.run(&["update", &id, "--ref", "datix=DX-1"]).ok();
    let before = s.snapshot();
    s.run(&["update", &id, "--ref", "DX-1001"]).fails(1).says("--ref: 'DX-1001' should be SYSTEM=REF");
    s.run(&["update", &id, "--ref", "datix="]).fails(1).says("--ref: the datix reference is empty");
    s.run(&["update", &id, "--ref", "=DX-1"]).fails(1).says("the system's name is empty");
    s.run(&["update", &id, "--unref", "ipds"])
        .fails(1)
        .says(&format!("--unref: {id} has no reference in 'ipds'"))
        .says("it has references in: datix");
    assert_eq!(s.snapshot(), before);
}
