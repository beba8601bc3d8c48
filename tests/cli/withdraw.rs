//! Mistakes corrected on the record: `withdraw` takes back a sanction, a
//! person, a link, a notification, a loss figure or an evidence file, each
//! leaving a `withdrawn` history entry with what it was and why; bad
//! choices are refused with the store byte for byte as it was.

use crate::harness::*;

fn json(s: &Store, id: &str) -> serde_json::Value {
    serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap()
}

/// The last history entry: (action, field, from, detail).
fn last_entry(s: &Store, id: &str) -> (String, String, String, String) {
    let j = json(s, id);
    let e = j["history"].as_array().unwrap().last().unwrap().clone();
    let f = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    (f("action"), f("field"), f("from"), f("detail"))
}

fn sanction(s: &Store, id: &str, kind: &str) {
    s.run(&["sanction", id, "--class", "civil", "--kind", kind, "--date", "2026-11-25"]).ok();
}

#[test]
fn a_sanction_recorded_twice_is_withdrawn_with_its_entry_and_counts_once() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    sanction(&s, &id, "warning-letter");
    sanction(&s, &id, "warning-letter");
    s.run(&["withdraw", &id[9..], "sanction", "2", "--reason", "Recorded twice"])
        .ok()
        .says(&format!("{id}: sanction civil warning-letter on 2026-11-25 withdrawn."));
    let j = json(&s, &id);
    assert_eq!(j["sanctions"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(
        last_entry(&s, &id),
        (
            "withdrawn".into(),
            "sanctions".into(),
            "civil warning-letter on 2026-11-25".into(),
            "Recorded twice".into()
        )
    );
    // The one left is named by its kind now that it is alone.
    s.run(&["withdraw", &id, "sanction", "Warning-Letter", "--reason", "Not given"]).ok();
    assert!(!s.read(&id).contains("sanctions:"), "{}", s.read(&id));
}

#[test]
fn a_wrong_person_is_withdrawn_and_no_longer_found_by_name() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse",
        "--person",
        "victim:staff:A. Nurse",
        "--person",
        "witness:visitor:J. Smith",
    ]);
    s.run(&["person", "Nurse", "--format", "tsv"]).ok().prints(&id);
    s.run(&["withdraw", &id, "person", "victim:staff:a. nurse", "--reason", "Wrong incident"])
        .ok()
        .says("person victim:staff:A. Nurse withdrawn");
    let j = json(&s, &id);
    assert_eq!(j["people"].as_array().unwrap().len(), 1);
    assert_eq!(j["people"][0]["name"], "J. Smith");
    let (action, field, from, detail) = last_entry(&s, &id);
    assert_eq!((action.as_str(), field.as_str(), detail.as_str()), ("withdrawn", "people", "Wrong incident"));
    assert_eq!(from, "victim:staff:A. Nurse", "the history keeps who it was");
    let found = s.run(&["person", "Nurse", "--format", "tsv"]);
    assert!(!found.stdout.contains(&id), "{}", found.stdout);
}

#[test]
fn a_withdrawn_link_goes_from_both_incidents_with_an_entry_on_each() {
    let s = Store::new();
    let a = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let b = s.report(&["--category", "theft", "--summary", "Another bike taken"]);
    s.run(&["link", &a, &b, "--kind", "same-offender"]).ok();
    s.run(&["link", &a, &b, "--kind", "related"]).ok();
    // Linked two ways: which one must be said.
    let before = s.snapshot();
    s.run(&["withdraw", &a, "link", &b[9..], "--reason", "Not him"])
        .fails(1)
        .says("linked to")
        .says(&format!("{b}:same-offender"));
    assert_eq!(s.snapshot(), before);
    s.run(&["withdraw", &a, "link", &format!("{}:same-offender", &b[9..]), "--reason", "Not him"])
        .ok()
        .says("from both incidents");
    for (id, other) in [(&a, &b), (&b, &a)] {
        let j = json(&s, id);
        let links = j["links"].as_array().unwrap();
        assert_eq!(links.len(), 1, "{id}: {j}");
        assert_eq!(links[0]["as"], "related");
        assert_eq!(
            last_entry(&s, id),
            ("withdrawn".into(), "links".into(), format!("same-offender {other}"), "Not him".into())
        );
    }
    s.run(&["check"]).ok();
}

#[test]
fn a_notification_and_a_loss_figure_are_withdrawn_saying_what_they_were() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Drugs cupboard opened"]);
    s.run(&["notify", &id, "--to", "cdao", "--on", "today", "--ref", "CD/77"]).ok();
    s.run(&["loss", &id, "--estimated", "£1,250.50"]).ok();
    s.run(&["withdraw", &id, "notice", "CDAO", "--reason", "Nothing was taken"]).ok();
    let (_, field, from, _) = last_entry(&s, &id);
    assert_eq!((field.as_str(), from.as_str()), ("notified", "cdao on 2026-11-25, ref CD/77"));
    s.run(&["withdraw", &id, "loss", "estimated", "--reason", "Found unharmed"]).ok();
    let (_, field, from, detail) = last_entry(&s, &id);
    assert_eq!(
        (field.as_str(), from.as_str(), detail.as_str()),
        ("losses.estimated", "1250.50", "Found unharmed")
    );
    let text = s.read(&id);
    assert!(!text.contains("notified:") && !text.contains("losses:"), "{text}");
}

#[test]
fn withdrawn_evidence_leaves_the_case_with_its_custody_and_check_is_clean() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let dir = s.tmp.path().join("files");
    std::fs::create_dir_all(&dir).unwrap();
    let (wrong, right) = (dir.join("cctv-other-day.mp4"), dir.join("cctv.mp4"));
    std::fs::write(&wrong, b"CCTV of another day").unwrap();
    std::fs::write(&right, b"CCTV of the day").unwrap();
    let out = s
        .run(&[
            "evidence",
            "add",
            &id,
            wrong.to_str().unwrap(),
            right.to_str().unwrap(),
            "--source",
            "Estates",
        ])
        .ok();
    let sha = out.stdout.split_whitespace().next().unwrap().to_string();
    let object = s.root.join(format!("evidence/{}/{sha}", &sha[..2]));
    s.run(&["withdraw", &id, "evidence", &sha[..10], "--reason", "CCTV of another day"])
        .ok()
        .says("evidence cctv-other-day.mp4");
    // The case no longer counts it...
    let listed = s.run(&["evidence", "list", &id, "--format", "tsv"]).ok().stdout;
    assert_eq!(listed.lines().count(), 1, "one file left:\n{listed}");
    assert!(!listed.contains(&sha));
    // ...its file is kept, and the history keeps its custody whole.
    assert_eq!(std::fs::read(&object).unwrap(), b"CCTV of another day");
    let j = json(&s, &id);
    let e = j["history"].as_array().unwrap().last().unwrap();
    assert_eq!(e["action"], "withdrawn");
    assert_eq!(e["field"], "evidence");
    assert_eq!(e["detail"], "CCTV of another day");
    assert_eq!(e["sha256"], sha.as_str());
    assert_eq!(e["name"], "cctv-other-day.mp4");
    assert_eq!(e["size"], 19);
    assert_eq!(e["added_by"], "tester");
    assert_eq!(e["source"], "Estates");
    let check = s.run(&["check"]).ok();
    assert!(!check.stderr.contains("no incident records"), "{}", check.stderr);
    s.run(&["evidence", "verify"]).ok().says("Verified 1 withdrawn evidence file(s)");
    // A withdrawn file that changes on disk is still caught.
    let mut perm = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&object, perm).unwrap();
    std::fs::write(&object, b"tampered").unwrap();
    s.run(&["evidence", "verify", &id]).fails(1).says("withdrawn evidence");
}

#[test]
fn bad_withdrawals_are_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bike taken", "--person", "victim:staff"]);
    let other = s.report(&["--category", "theft", "--summary", "Another"]);
    sanction(&s, &id, "caution");
    sanction(&s, &id, "caution");
    s.run(&["notify", &id, "--to", "police", "--on", "today"]).ok();
    s.run(&["loss", &id, "--estimated", "120"]).ok();
    let dir = s.tmp.path().join("files");
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::write(dir.join("still.jpg"), b"one").unwrap();
    std::fs::write(dir.join("b/still.jpg"), b"two").unwrap();
    let (f1, f2) = (dir.join("still.jpg"), dir.join("b/still.jpg"));
    s.run(&["evidence", "add", &id, f1.to_str().unwrap(), f2.to_str().unwrap()]).ok();
    let closed = s.report(&["--category", "theft", "--summary", "Closed"]);
    sanction(&s, &closed, "caution");
    s.run(&["close", &closed, "--outcome", "sanction-applied", "--note", "Done"]).ok();
    let before = s.snapshot();
    let cases: &[(&str, Vec<&str>, &str)] = &[
        ("no such sanction", vec![&id, "sanction", "3", "--reason", "x"], "has no sanction 3"),
        ("ambiguous sanction", vec![&id, "sanction", "caution", "--reason", "x"], "give its number"),
        ("empty reason", vec![&id, "sanction", "1", "--reason", "  "], "the reason is empty"),
        (
            "--on in the future",
            vec![&id, "sanction", "1", "--reason", "x", "--on", "2027-01-01"],
            "in the future",
        ),
        ("no such person", vec![&id, "person", "witness:visitor", "--reason", "x"], "has no person"),
        ("no such link", vec![&id, "link", &other, "--reason", "x"], "is not linked to"),
        ("no such notice", vec![&id, "notice", "cdao", "--reason", "x"], "has no notification 'cdao'"),
        ("no such figure", vec![&id, "loss", "recovered", "--reason", "x"], "no recovered loss"),
        ("not a figure", vec![&id, "loss", "lots", "--reason", "x"], "estimated or recovered"),
        ("no such evidence", vec![&id, "evidence", "deadbeef00", "--reason", "x"], "has no evidence file"),
        (
            "ambiguous evidence",
            vec![&id, "evidence", "still.jpg", "--reason", "x"],
            "give more of the SHA-256",
        ),
        ("closed case", vec![&closed, "sanction", "1", "--reason", "x"], "lsms reopen"),
        ("no such incident", vec!["ZZZZ", "sanction", "1", "--reason", "x"], "ZZZZ"),
    ];
    for (what, args, says) in cases {
        let mut all = vec!["withdraw"];
        all.extend(args.iter());
        let out = s.run(&all);
        assert_eq!(out.code, 1, "{what}: exit 1 expected; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(says), "{what}: stderr should say {says:?}:\n{}", out.stderr);
        assert!(out.stdout.is_empty(), "{what}: nothing on stdout");
        assert_eq!(s.snapshot(), before, "{what}: the store changed");
    }
}

#[test]
fn evidence_withdrawn_from_one_case_stays_on_another_that_holds_the_same_file() {
    let s = Store::new();
    let a = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let b = s.report(&["--category", "theft", "--summary", "Same thief, next day"]);
    let f = s.tmp.path().join("cctv.mp4");
    std::fs::write(&f, b"the same CCTV").unwrap();
    s.run(&["evidence", "add", &a, f.to_str().unwrap()]).ok();
    s.run(&["evidence", "add", &b, f.to_str().unwrap()]).ok();
    s.run(&["withdraw", &a, "evidence", "cctv.mp4", "--reason", "Belongs to the other case"]).ok();
    assert!(s.run(&["evidence", "list", &a, "--format", "tsv"]).ok().stdout.is_empty());
    assert!(s.run(&["evidence", "list", &b, "--format", "tsv"]).ok().stdout.contains("cctv.mp4"));
    s.run(&["check"]).ok();
    s.run(&["evidence", "verify"])
        .ok()
        .says("Verified 1 evidence file(s) of 1 incident(s)")
        .says("Verified 1 withdrawn evidence file(s)");
}

#[test]
fn a_link_to_a_case_no_longer_in_the_store_is_withdrawn_from_this_one_by_its_whole_id() {
    let s = Store::new();
    let a = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let b = s.report(&["--category", "theft", "--summary", "Removed later"]);
    s.run(&["link", &a, &b, "--kind", "related"]).ok();
    std::fs::remove_file(s.path_of(&b)).unwrap();
    s.run(&["withdraw", &a, "link", &b, "--reason", "Case removed"])
        .ok()
        .says(&format!("link related {b} withdrawn."));
    assert!(!s.read(&a).contains("links:"));
    assert_eq!(
        last_entry(&s, &a),
        ("withdrawn".into(), "links".into(), format!("related {b}"), "Case removed".into())
    );
}
