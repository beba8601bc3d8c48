//! The life of a case, and the guarantees that nothing is lost on the way.

use crate::harness::*;
use std::process::Stdio;

fn assault(s: &Store) -> String {
    s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse",
        "--occurred",
        "2026-11-24 14:30",
        "--site",
        "Hollins Park",
        "--harm",
        "low",
        "--reporter",
        "Jo Bloggs",
        "--reporter-party",
        "staff",
    ])
}

fn history(s: &Store, id: &str) -> Vec<String> {
    s.read(id).lines().skip_while(|l| *l != "history:").skip(1).map(String::from).collect()
}

#[test]
fn a_case_goes_from_report_to_close_and_back_with_every_step_in_its_history() {
    let s = Store::new();
    let id = assault(&s);
    s.run(&["assign", &id, "--to", "asmith", "--note", "On shift"]).ok().says("assigned to asmith");
    s.run(&["note", &id, "Spoke to the witness"]).ok();
    s.run(&["update", &id, "--status", "investigating", "--location", "A&E reception"]).ok();
    s.run(&["update", &id, "--status", "awaiting-external"]).ok();
    s.run(&[
        "sanction",
        &id,
        "--class",
        "civil",
        "--kind",
        "warning-letter",
        "--date",
        "2026-11-25",
        "--review-on",
        "2027-06-01",
    ])
    .ok();
    s.run(&["loss", &id, "--estimated", "120", "--recovered", "20.50"]).ok();

    let out = s.run(&["close", &id, "--outcome", "sanction-applied", "--note", "Letter sent"]).fails(1);
    out.says("cannot be closed yet")
        .says(&format!("lsms update {id} --medical-factors yes|no"))
        .says(&format!("lsms update {id} --riddor not-reportable|reportable|reported"));
    s.run(&["update", &id, "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    s.run(&["close", &id, "--outcome", "sanction-applied", "--note", "Letter sent"]).ok();
    let text = s.read(&id);
    assert!(text.contains("status: closed\n") && text.contains("outcome: sanction-applied\n"), "{text}");
    assert!(text.contains("closed_at: 2026-11-25T12:00:00+00:00\nclosure_note: Letter sent\n"), "{text}");

    s.run(&["reopen", &id, "--reason", "New CCTV footage"]).ok();
    let text = s.read(&id);
    assert!(text.contains("status: investigating\n") && !text.contains("\noutcome:"), "{text}");
    assert!(
        text.contains("detail: New CCTV footage, outcome: sanction-applied, closed_at: \"2026-11-25T12:00:00+00:00\", closure_note: Letter sent }"),
        "the reopen entry keeps the closure whole:\n{text}"
    );
    let shown = s.run(&["show", &id]).ok().stdout;
    assert!(shown.contains("was closed Wed 2026-11-25 12:00 as sanction-applied: Letter sent"), "{shown}");

    let h = history(&s, &id);
    let actions: Vec<&str> =
        h.iter().map(|l| l.split("action: ").nth(1).unwrap().split([',', ' ']).next().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "reported", "assigned", "updated", "note", "updated", "updated", "updated", "sanction", "loss",
            "loss", "updated", "updated", "closed", "reopened"
        ]
    );
    assert!(
        h[1].contains("by: tester, action: assigned, field: assignee, to: asmith, detail: On shift"),
        "{}",
        h[1]
    );
    assert!(h[2].contains("field: status, from: reported, to: assigned"), "{}", h[2]);
    assert!(
        h[12].contains("field: status, from: awaiting-external, to: closed, detail: sanction-applied"),
        "{}",
        h[12]
    );
    assert!(h[13].contains(
        "action: reopened, field: status, from: closed, to: investigating, detail: New CCTV footage"
    ));

    let shown = s.run(&["show", &id]).ok().stdout;
    assert!(shown.contains("note — Spoke to the witness"), "{shown}");
    assert!(
        shown.contains("Sanction        civil warning-letter on 2026-11-25, review 2027-06-01"),
        "{shown}"
    );
    s.run(&["check"]).ok();
}

#[test]
fn assign_changes_only_the_lines_that_changed() {
    let s = Store::new();
    let id = assault(&s);
    let before = s.read(&id);
    s.run(&["assign", &id, "--to", "jfowlis"]).ok();
    let after = s.read(&id);
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let removed: Vec<&&str> = old.iter().filter(|l| !new.contains(l)).collect();
    let added: Vec<&&str> = new.iter().filter(|l| !old.contains(l)).collect();
    assert_eq!(removed, [&"status: reported"]);
    assert_eq!(added.len(), 4, "{added:?}");
    assert_eq!(*added[0], "status: assigned");
    assert_eq!(*added[1], "assignee: jfowlis");
    assert!(added[2].starts_with("  - { at: 2026-11-25T12:00:00+00:00, by: tester, action: assigned"));
    assert!(added[3].contains("action: updated, field: status, from: reported, to: assigned"));
    assert!(
        after.starts_with(
            before
                .split("history:")
                .next()
                .unwrap()
                .replace("status: reported", "status: assigned")
                .split("harm:")
                .next()
                .unwrap()
        )
    );
}

#[test]
fn keys_the_tool_does_not_know_are_kept_in_place() {
    let s = Store::new();
    let id = assault(&s);
    let p = s.path_of(&id);
    let text = s
        .read(&id)
        .replace("harm: low\n", "harm: low\nward_code: W3\nexternal:\n  datix: DX-1234\n")
        .replace(
            "reporter: { name: Jo Bloggs, party: staff }",
            "reporter: { name: Jo Bloggs, party: staff, ext: 4021 }",
        );
    std::fs::write(&p, &text).unwrap();
    s.run(&["note", &id, "Checked"]).ok();
    let after = s.read(&id);
    assert!(after.contains("harm: low\nward_code: W3\nexternal:\n  datix: DX-1234\nhistory:"), "{after}");
    assert!(after.contains("reporter: { name: Jo Bloggs, party: staff, ext: 4021 }"), "{after}");
    assert!(after.starts_with(text.trim_end()), "only the new entry is added:\n{after}");
}

#[test]
fn a_hand_edited_file_is_not_rewritten_until_fmt_keeps_its_comments_in_the_history() {
    let s = Store::new();
    let id = assault(&s);
    let p = s.path_of(&id);
    let edited =
        s.read(&id).replace("harm: low\n", "# checked with ward manager\nharm: low  # was moderate\n");
    std::fs::write(&p, &edited).unwrap();
    s.run(&["note", &id, "x"]).fails(1).says("edited by hand").says(&format!("lsms fmt {id}"));
    assert_eq!(s.read(&id), edited, "nothing written");
    let listed = s.run(&["fmt", "--check"]).fails(1);
    assert_eq!(listed.stdout.trim(), s.path_of(&id).strip_prefix(&s.root).unwrap().to_str().unwrap());
    s.run(&["fmt", &id]).ok().says("rewritten");
    let text = s.read(&id);
    assert!(text.contains("harm: low\n"), "{text}");
    assert!(
        text.contains("action: formatted, detail: \"comments kept from the hand-edited file:\\n# checked with ward manager\\n# was moderate\""),
        "{text}"
    );
    s.run(&["fmt", "--check"]).ok();
    s.run(&["note", &id, "x"]).ok();
}

#[test]
fn a_file_that_does_not_parse_is_never_rewritten() {
    let s = Store::new();
    let id = assault(&s);
    let p = s.path_of(&id);
    let broken = s.read(&id).replace("harm: low", "harm: [low");
    std::fs::write(&p, &broken).unwrap();
    for args in [
        &["note", &id, "x"][..],
        &["assign", &id, "--to", "asmith"],
        &["close", &id, "--outcome", "withdrawn", "--note", "x"],
    ] {
        s.run(args).fails(1).says(&format!("{id}.yaml:")).says("the file was not changed");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), broken);
    }
}

/// (what, command, exit code, message)
fn bad_cases(id: &str) -> Vec<(&'static str, Vec<String>, i32, &'static str)> {
    let v = |a: &[&str]| a.iter().map(|s| s.replace("ID", id)).collect::<Vec<String>>();
    vec![
        ("unknown id", v(&["note", "20261125-ZZZZ", "x"]), 1, "no incident 20261125-ZZZZ"),
        ("path as id", v(&["assign", "../lsms", "--to", "asmith"]), 1, "not an incident id"),
        ("not in the team", v(&["assign", "ID", "--to", "bsmyth"]), 1, "unknown team member 'bsmyth'"),
        ("empty note", v(&["note", "ID", "  "]), 1, "the note is empty"),
        ("reopen an open case", v(&["reopen", "ID", "--reason", "x"]), 1, "is not closed"),
        (
            "unknown outcome",
            v(&["close", "ID", "--outcome", "sorted", "--note", "x"]),
            1,
            "unknown outcome 'sorted'",
        ),
        (
            "close blocked",
            v(&["close", "ID", "--outcome", "withdrawn", "--note", "x"]),
            1,
            "cannot be closed yet",
        ),
        (
            "empty closure note",
            v(&["close", "ID", "--outcome", "withdrawn", "--note", ""]),
            1,
            "the closure note is empty",
        ),
        ("sanction without class", v(&["sanction", "ID", "--kind", "warning-letter"]), 2, "--class"),
        (
            "unknown class",
            v(&["sanction", "ID", "--class", "moral", "--kind", "x"]),
            1,
            "unknown sanction class",
        ),
        (
            "bad sanction date",
            v(&["sanction", "ID", "--class", "civil", "--kind", "x", "--date", "12/31/2026"]),
            1,
            "day first",
        ),
        (
            "review before date",
            v(&[
                "sanction",
                "ID",
                "--class",
                "civil",
                "--kind",
                "x",
                "--date",
                "2026-12-01",
                "--review-on",
                "2026-11-01",
            ]),
            1,
            "before the sanction's date",
        ),
        ("money with three decimals", v(&["loss", "ID", "--estimated", "12.345"]), 1, "two decimal places"),
        ("negative money", v(&["loss", "ID", "--estimated", "-5"]), 1, "negative"),
        ("money with a misplaced comma", v(&["loss", "ID", "--estimated", "£1,25.00"]), 1, "misplaced comma"),
        ("money below nothing", v(&["loss", "ID", "--estimated", "£-5"]), 1, "negative"),
        (
            "recovered more than lost",
            v(&["loss", "ID", "--estimated", "10", "--recovered", "20"]),
            1,
            "more than the estimated loss",
        ),
        ("loss with no amount", v(&["loss", "ID"]), 2, "--estimated"),
        ("status not settable", v(&["update", "ID", "--status", "closed"]), 1, "`lsms close` closes it"),
        (
            "investigate before assigning",
            v(&["update", "ID", "--status", "investigating"]),
            1,
            "assign it first",
        ),
        ("bad harm", v(&["update", "ID", "--harm", "bad"]), 1, "unknown harm"),
        (
            "occurred after reported",
            v(&["update", "ID", "--reported", "2026-11-24 10:00"]),
            1,
            "later than reported",
        ),
        ("future time", v(&["update", "ID", "--reported", "2026-11-26 11:00"]), 1, "future"),
        ("empty summary", v(&["update", "ID", "--summary", ""]), 1, "--summary"),
    ]
}

#[test]
fn bad_workflow_input_is_refused_and_the_store_is_unchanged() {
    let s = Store::new();
    let id = assault(&s);
    let before = s.snapshot();
    for (what, args, code, text) in bad_cases(&id) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = s.run(&args);
        assert_eq!(out.code, code, "{what}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: {text:?} in\n{}", out.stderr);
        assert_eq!(s.snapshot(), before, "{what}: the store changed");
    }
}

#[test]
fn a_closed_case_takes_notes_but_no_other_change_and_does_not_close_twice() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Phone taken"]);
    s.run(&["close", &id, "--outcome", "no-further-action", "--note", "No leads"]).ok();
    let before = s.snapshot();
    s.run(&["close", &id, "--outcome", "withdrawn", "--note", "x"]).fails(1).says("already closed");
    s.run(&["assign", &id, "--to", "asmith"]).fails(1).says("reopen it first");
    s.run(&["update", &id, "--site", "Peasley Cross"]).fails(1).says("reopen it first");
    s.run(&["sanction", &id, "--class", "civil", "--kind", "x"]).fails(1).says("reopen it first");
    s.run(&["loss", &id, "--estimated", "5"]).fails(1).says("reopen it first");
    assert_eq!(s.snapshot(), before);
    s.run(&["note", &id, "Phone handed in to reception"]).ok();
    assert!(history(&s, &id).last().unwrap().contains("Phone handed in"));
}

#[test]
fn assigning_the_same_person_again_changes_nothing() {
    let s = Store::new();
    let id = assault(&s);
    s.run(&["assign", &id, "--to", "asmith"]).ok();
    let before = s.snapshot();
    s.run(&["assign", &id, "--to", "ASMITH"]).ok().says("nothing to change");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn the_actor_comes_from_as_then_lsms_user_then_user() {
    let s = Store::new();
    let id = assault(&s);
    let mut c = lsms();
    c.arg("-C").arg(&s.root).args(["note", &id, "a"]).env("LSMS_USER", "asmith");
    run(c).ok();
    let mut c = lsms();
    c.arg("-C").arg(&s.root).args(["note", &id, "b"]).env("USER", "night-lsms");
    run(c).ok();
    let h = history(&s, &id);
    assert!(h[1].contains("by: asmith"), "{}", h[1]);
    assert!(h[2].contains("by: night-lsms"), "{}", h[2]);
}

#[test]
fn sixteen_notes_at_once_lose_nothing() {
    let s = Store::new();
    let id = assault(&s);
    let children: Vec<_> = (0..16)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
                .arg("-C")
                .arg(&s.root)
                .args(["--as", "tester", "note", &id, &format!("parallel note {i}")])
                .env("LSMS_NOW", NOW)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let h = history(&s, &id);
    assert_eq!(h.len(), 17);
    for i in 0..16 {
        assert!(h.iter().any(|l| l.contains(&format!("parallel note {i} "))), "note {i} lost");
    }
    s.run(&["check"]).ok();
}

#[test]
fn sixteen_reports_at_once_make_sixteen_files() {
    let s = Store::new();
    let children: Vec<_> = (0..16)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
                .arg("-C")
                .arg(&s.root)
                .args([
                    "--as",
                    "tester",
                    "report",
                    "--category",
                    "theft",
                    "--summary",
                    &format!("parallel {i}"),
                ])
                .env("LSMS_NOW", NOW)
                .output()
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for c in children {
        let out = c.unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        ids.insert(String::from_utf8(out.stdout).unwrap());
    }
    assert_eq!(ids.len(), 16);
    assert_eq!(s.run(&["list", "--format", "ids"]).ok().lines().len(), 16);
    s.run(&["check"]).ok();
}

#[test]
fn a_write_killed_before_its_rename_leaves_the_old_file_whole() {
    let s = Store::new();
    let id = assault(&s);
    let before = s.read(&id);
    let mut c = s.cmd(&["note", &id, "never lands"]);
    c.env("LSMS_TEST_ABORT_BEFORE_RENAME", "1");
    let out = run(c);
    assert_ne!(out.code, 0, "the process died");
    assert_eq!(s.read(&id), before, "the incident is whole and unchanged");
    let dir = s.path_of(&id).parent().unwrap().to_path_buf();
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "the temp file is left, as after a power cut: {leftovers:?}");
    s.run(&["check"]).ok();
    assert_eq!(s.run(&["list", "--format", "ids"]).ok().stdout, format!("{id}\n"));
    s.run(&["note", &id, "lands"]).ok();
    assert!(s.read(&id).contains("lands"));
}

#[test]
fn a_hand_edit_between_read_and_write_is_not_overwritten() {
    let s = Store::new();
    let id = assault(&s);
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"));
    c.arg("-C")
        .arg(&s.root)
        .args(["--as", "tester", "note", &id, "from lsms"])
        .env("LSMS_NOW", NOW)
        .env("LSMS_TEST_PAUSE_MS", "1500")
        .stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let edited =
        s.read(&id).replace("summary: Visitor struck a nurse", "summary: Visitor struck a staff nurse");
    std::fs::write(s.path_of(&id), &edited).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("changed while lsms was working on it"));
    assert_eq!(s.read(&id), edited, "the hand edit stands");
}
