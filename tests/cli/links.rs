//! Linked cases: `link` and `unlink` change both incidents or neither,
//! `show` lists links with the other incident's standing, `check` warns of
//! a link that leads nowhere, `close --outcome duplicate` asks for its
//! original, and links survive `merge-file` between clones.

use crate::git::{clone, git, git_store};
use crate::harness::*;

fn two(s: &Store) -> (String, String) {
    let a = s.report(&["--category", "non-physical-assault", "--summary", "Visitor shouted threats"]);
    let b = s.report(&["--category", "physical-assault", "--summary", "Visitor pushed a porter"]);
    (a, b)
}

fn links_of(s: &Store, id: &str) -> Vec<(String, String, Option<String>)> {
    let j: serde_json::Value =
        serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap();
    j["links"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .map(|l| {
                    (
                        l["id"].as_str().unwrap().to_string(),
                        l["as"].as_str().unwrap().to_string(),
                        l["note"].as_str().map(str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_link_is_written_on_both_incidents_with_a_history_entry_on_each() {
    let s = Store::new();
    let (a, b) = two(&s);
    s.run(&["link", &a, &b[9..], "--kind", "same-offender", "--note", "Same man on CCTV"])
        .ok()
        .says(&format!("{a}: linked to {b} (same-offender)."));
    assert_eq!(links_of(&s, &a), [(b.clone(), "same-offender".into(), Some("Same man on CCTV".into()))]);
    assert_eq!(links_of(&s, &b), [(a.clone(), "same-offender".into(), Some("Same man on CCTV".into()))]);
    assert!(s.read(&a).contains(&format!(
        "links:\n  - {{ id: {b}, as: same-offender, note: Same man on CCTV }}\nhistory:"
    )));
    for (id, other) in [(&a, &b), (&b, &a)] {
        assert!(
            s.read(id)
                .contains(&format!("action: linked, detail: \"same-offender {other}: Same man on CCTV\" }}")),
            "{}",
            s.read(id)
        );
    }
    let shown = s.run(&["show", &a]).ok().stdout;
    assert!(
        shown.contains(&format!(
            "Link            same-offender {b} (reported) Visitor pushed a porter — Same man on CCTV"
        )),
        "{shown}"
    );
    s.run(&["check"]).ok().says("no problems");
}

#[test]
fn a_duplicate_reads_right_from_both_sides_and_closes_only_once_linked() {
    let s = Store::new();
    let (original, dup) = two(&s);
    let before = s.snapshot();
    s.run(&["close", &dup, "--outcome", "duplicate", "--note", "Reported twice"])
        .fails(1)
        .says("no duplicate-of link")
        .says(&format!("lsms link {dup} ORIGINAL --kind duplicate-of"));
    assert_eq!(s.snapshot(), before);
    s.run(&["link", &dup, &original, "--kind", "duplicate-of"]).ok();
    assert_eq!(links_of(&s, &dup), [(original.clone(), "duplicate-of".into(), None)]);
    assert_eq!(
        links_of(&s, &original),
        [(dup.clone(), "related".into(), None)],
        "the original is not a duplicate"
    );
    s.run(&["update", &dup, "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    s.run(&["close", &dup, "--outcome", "duplicate", "--note", "Reported twice"]).ok();
    let shown = s.run(&["show", &original]).ok().stdout;
    assert!(
        shown.contains(&format!(
            "Link            related {dup}, a duplicate of this incident (closed) Visitor pushed a porter"
        )),
        "{shown}"
    );
    let shown = s.run(&["show", &dup]).ok().stdout;
    assert!(
        shown
            .contains(&format!("Link            duplicate-of {original} (reported) Visitor shouted threats")),
        "{shown}"
    );
    // A duplicate-of held back as related is whole: no warning either.
    s.run(&["check"]).ok().says("no problems.");
}

#[test]
fn bad_links_are_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let (a, b) = two(&s);
    s.run(&["link", &a, &b, "--kind", "related"]).ok();
    let before = s.snapshot();
    s.run(&["link", &a, &a, "--kind", "related"]).fails(1).says("cannot be linked to itself");
    s.run(&["link", &a, "20261125-ZZZZ", "--kind", "related"])
        .fails(1)
        .says("no incident 20261125-ZZZZ in this store");
    s.run(&["link", &a, &b, "--kind", "cousin"])
        .fails(1)
        .says("--kind: unknown link 'cousin'")
        .says("related, duplicate-of, same-offender, repeat-victim");
    s.run(&["link", &a, &b, "--kind", "related"])
        .fails(1)
        .says(&format!("{a} is already linked to {b} as related"));
    s.run(&["link", &b, &a, "--kind", "related"]).fails(1).says("already linked");
    s.run(&["link", &a, &b]).fails(2).says("the link's kind is needed");
    s.run(&["link", &a, &b, "--as", "same-offender"])
        .fails(2)
        .says("--as names who acts; say the link's kind with --kind");
    s.run(&["unlink", &a, &b, "--kind", "same-offender"])
        .fails(1)
        .says(&format!("{a} is not linked to {b} as same-offender"));
    s.run(&["link", &a, "../x", "--kind", "related"]).fails(1);
    assert_eq!(s.snapshot(), before, "nothing changed");
}

#[test]
fn a_link_is_refused_on_both_when_the_other_file_cannot_be_changed() {
    let s = Store::new();
    let (a, b) = two(&s);
    // b hand-edited into a form lsms does not write: linking must not
    // change a either.
    let text = s.read(&b).replace("summary:", "# a comment\nsummary:");
    std::fs::write(s.path_of(&b), text).unwrap();
    let before = s.snapshot();
    s.run(&["link", &a, &b, "--kind", "related"]).fails(1).says("lsms fmt");
    assert_eq!(s.snapshot(), before, "neither file changed");
}

#[test]
fn unlink_removes_the_link_from_both_and_says_so_in_each_history() {
    let s = Store::new();
    let (a, b) = two(&s);
    s.run(&["link", &a, &b, "--kind", "same-offender"]).ok();
    s.run(&["link", &a, &b, "--kind", "duplicate-of"]).ok();
    assert_eq!(links_of(&s, &b).len(), 2);
    s.run(&["unlink", &b, &a, "--kind", "same-offender"]).ok();
    assert_eq!(links_of(&s, &a), [(b.clone(), "duplicate-of".into(), None)]);
    assert_eq!(links_of(&s, &b), [(a.clone(), "related".into(), None)]);
    s.run(&["unlink", &a, &b]).ok().says(&format!("{a}: unlinked from {b}."));
    assert!(links_of(&s, &a).is_empty() && links_of(&s, &b).is_empty());
    assert!(!s.read(&a).contains("links:"), "no empty list is left:\n{}", s.read(&a));
    assert!(s.read(&b).contains(&format!("action: unlinked, detail: related {a} }}")), "{}", s.read(&b));
    s.run(&["check"]).ok().says("no problems");
}

#[test]
fn a_dangling_link_is_shown_as_such_warned_of_by_check_and_can_be_removed() {
    let s = Store::new();
    let (a, b) = two(&s);
    s.run(&["link", &a, &b, "--kind", "repeat-victim"]).ok();
    std::fs::remove_file(s.path_of(&b)).unwrap();
    let shown = s.run(&["show", &a]).ok().stdout;
    assert!(shown.contains(&format!("repeat-victim {b}: not in this store")), "{shown}");
    s.run(&["check"])
        .ok()
        .says(&format!("links to {b} as repeat-victim, which is not in this store"))
        .says(&format!("lsms unlink {a} {b}"));
    s.run(&["unlink", &a, &b]).ok();
    s.run(&["check"]).ok().says("no problems");
    // A link held one way only (a hand edit) is warned of too.
    let c = s.report(&["--category", "theft", "--summary", "Bag taken"]);
    let text = s.read(&a).replace("history:", &format!("links:\n  - {{ id: {c}, as: related }}\nhistory:"));
    std::fs::write(s.path_of(&a), text).unwrap();
    s.run(&["check"]).ok().says(&format!("links to {c} as related, but {c} does not link back"));
}

#[test]
fn links_made_on_two_clones_are_united_by_the_merge_driver_and_a_removed_one_stays_removed() {
    let origin = git_store();
    let x = origin.report(&["--commit", "--category", "theft", "--summary", "Bike taken"]);
    let y = origin.report(&["--commit", "--category", "theft", "--summary", "Second bike taken"]);
    let z = origin.report(&["--commit", "--category", "theft", "--summary", "Third bike taken"]);
    origin.run(&["--commit", "link", &x, &z, "--kind", "related"]).ok();
    let a = clone(&origin, "a");
    let b = clone(&origin, "b");
    a.run(&["--commit", "link", &x, &y, "--kind", "same-offender"]).ok();
    let mut c = b.cmd(&["--commit", "unlink", &x, &z]);
    c.env("LSMS_NOW", "2026-11-25T12:01:00Z");
    run(c).ok();
    let mut c = b.cmd(&["--commit", "link", &y, &x, "--kind", "repeat-victim"]);
    c.env("LSMS_NOW", "2026-11-25T12:02:00Z");
    run(c).ok();
    git(&a.root, &["pull", "-q", "--no-rebase", b.root.to_str().unwrap(), "HEAD"]);
    let mut got = links_of(&a, &x);
    got.sort();
    let mut want =
        vec![(y.clone(), "same-offender".to_string(), None), (y.clone(), "repeat-victim".to_string(), None)];
    want.sort();
    assert_eq!(got, want, "both sides' links united, the removed one gone:\n{}", a.read(&x));
    assert_eq!(links_of(&a, &y).len(), 2);
    assert!(links_of(&a, &z).is_empty());
    a.run(&["check"]).ok().says("no problems");
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "", "merged cleanly");
}
