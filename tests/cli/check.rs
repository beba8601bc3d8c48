use crate::harness::*;

fn two() -> (Store, String, String) {
    let s = Store::new();
    let a = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    let b = s.report(&["--category", "harassment", "--summary", "Calls"]);
    (s, a, b)
}

fn edit(s: &Store, id: &str, from: &str, to: &str) {
    let p = s.path_of(id);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from:?} not in\n{text}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_good_store_passes_quietly_on_stdout() {
    let (s, _, _) = two();
    let out = s.run(&["check"]).ok().says("Checked 2 incident(s): no problems.");
    assert_eq!(out.stdout, "");
    let out = s.run(&["-q", "check"]).ok();
    assert_eq!(out.stderr, "");
}

#[test]
fn check_names_each_problem_at_its_line_with_the_line_shown() {
    let (s, a, b) = two();
    edit(&s, &a, "category: theft", "category: theft-ish");
    edit(&s, &a, "recorded_by: tester", "recorded_by: tester\nharm: awful");
    edit(&s, &b, "summary: Calls", "summary: [Calls");
    let out = s.run(&["check"]).fails(1);
    assert_eq!(out.stdout, "");
    let out = out
        .says(&format!("incidents/2026/11/{a}.yaml:5:1: unknown category 'theft-ish'"))
        .says(&format!("incidents/2026/11/{a}.yaml:11:1: unknown harm 'awful'"))
        .says(&format!("incidents/2026/11/{b}.yaml:"))
        .says("not valid YAML")
        .says("3 problem(s) found; 0 incident file(s) are good");
    assert!(out.stderr.contains("harm: awful"), "the source line is shown:\n{}", out.stderr);
}

#[test]
fn check_finds_missing_fields_wrong_types_and_bad_times() {
    let (s, a, _) = two();
    edit(&s, &a, "summary: Laptop taken\n", "");
    edit(&s, &a, "occurred_at: 2026-11-25T12:00:00+00:00", "occurred_at: 2026-11-25 12:00");
    edit(&s, &a, "history:", "assets: people\nhistory:");
    s.run(&["check"])
        .fails(1)
        .says("`summary` is missing")
        .says("is not an RFC 3339 time")
        .says("`assets` should be a list");
}

#[test]
fn check_finds_a_moved_file_a_copy_and_stray_files() {
    let (s, a, b) = two();
    let moved = s.root.join("incidents/2026/10");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::rename(s.path_of(&a), moved.join(format!("{a}.yaml"))).unwrap();
    let copy = b.replace("20261125", "20261124");
    std::fs::write(s.path_of(&copy), s.read(&b).replace(&b, &copy)).unwrap();
    std::fs::write(s.root.join("incidents/2026/11/notes.txt"), "x").unwrap();
    s.run(&["check"])
        .fails(1)
        .says(&format!(
            "the id {a} belongs at incidents/2026/11/{a}.yaml, but the file is incidents/2026/10/{a}.yaml"
        ))
        .says("is in 2 files")
        .says("incidents/2026/11/notes.txt: not an incident file");
}

#[test]
fn temp_files_of_an_interrupted_write_are_not_incidents() {
    let (s, a, _) = two();
    std::fs::write(s.root.join(format!("incidents/2026/11/.{a}.yaml.tmp-123-0")), "schema: 1\nid: trunc")
        .unwrap();
    s.run(&["check"]).ok().says(&format!(".{a}.yaml.tmp-123-0 was left by a write that was interrupted"));
    assert_eq!(s.run(&["list", "--format", "ids"]).ok().lines().len(), 2);
}

#[test]
fn a_misspelt_key_is_named_at_its_line_with_the_key_it_should_be() {
    let (s, a, _) = two();
    edit(&s, &a, "category: theft", "catgory: theft");
    let out = s
        .run(&["check"])
        .fails(1)
        .says(&format!("{a}.yaml:5:1: unknown key `catgory` (did you mean `category`?)"));
    assert!(!out.stderr.contains("`category` is missing"), "one problem, said once:\n{}", out.stderr);
    edit(&s, &a, "catgory: theft", "category: theft\nward_code: W3");
    s.run(&["check"]).ok();
}
