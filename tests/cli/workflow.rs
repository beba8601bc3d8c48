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
        (
            "sanction dated before the incident",
            v(&["sanction", "ID", "--class", "civil", "--kind", "x", "--date", "1/1/2020"]),
            1,
            "is before the incident occurred (2026-11-24)",
        ),
        (
            "sanction dated in the future",
            v(&["sanction", "ID", "--class", "civil", "--kind", "x", "--date", "1/1/2030"]),
            1,
            "is in the future (today is 2026-11-25)",
        ),
        (
            "sanction-applied with no sanction",
            v(&["close", "ID", "--outcome", "sanction-applied", "--note", "x"]),
            1,
            "the outcome sanction-applied needs a sanction",
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

#[test]
fn a_sanction_is_dated_between_the_incident_and_today() {
    let s = Store::new();
    let id = assault(&s); // occurred 2026-11-24 14:30; today is 2026-11-25
    let before = s.snapshot();
    let sanction = |date: &str| {
        s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter", "--date", date])
    };
    sanction("1/1/2020")
        .fails(1)
        .says("the sanction's date 2020-01-01 is before the incident occurred (2026-11-24)")
        .says("from 2026-11-24 to today (2026-11-25)");
    assert_eq!(s.snapshot(), before, "a sanction before the incident: the store is unchanged");
    sanction("1/1/2030")
        .fails(1)
        .says("the sanction's date 2030-01-01 is in the future (today is 2026-11-25)");
    sanction("26/11/2026").fails(1).says("is in the future");
    assert_eq!(s.snapshot(), before, "a sanction after today: the store is unchanged");
    // The day it occurred and today are both allowed; a review lies ahead.
    sanction("24/11/2026").ok();
    s.run(&["sanction", &id, "--class", "criminal", "--kind", "caution", "--review-on", "1/6/2027"]).ok();
    let j: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &id, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(j["sanctions"][0]["date"], "2026-11-24");
    assert_eq!(
        (j["sanctions"][1]["date"].as_str(), j["sanctions"][1]["review_on"].as_str()),
        (Some("2026-11-25"), Some("2027-06-01"))
    );
}

#[test]
fn closing_as_sanction_applied_needs_a_recorded_sanction() {
    let s = Store::new();
    let id = assault(&s);
    s.run(&["update", &id, "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    let before = s.snapshot();
    s.run(&["close", &id, "--outcome", "sanction-applied", "--note", "Letter sent"])
        .fails(1)
        .says(&format!("the outcome sanction-applied needs a sanction, and {id} has none recorded"))
        .says(&format!("lsms sanction {id} --class CLASS --kind KIND"));
    assert_eq!(s.snapshot(), before, "the store is unchanged");
    // Another outcome needs none.
    s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter"]).ok();
    s.run(&["close", &id, "--outcome", "sanction-applied", "--note", "Letter sent"]).ok();
    let other = assault(&s);
    s.run(&["update", &other, "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    s.run(&["close", &other, "--outcome", "no-further-action", "--note", "x"]).ok();
}

/// Marks `name` of `Store::new()`'s team as having left on `day`.
fn mark_left(s: &Store, name: &str, day: &str) {
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    let team = "team: [jfowlis, asmith]\n";
    assert!(text.contains(team), "{text}");
    let left = team.replace(name, &format!("{{ name: {name}, left: {day} }}"));
    std::fs::write(&cfg, text.replace(team, &left)).unwrap();
}

#[test]
fn assign_refuses_a_leaver_naming_the_day_they_left_and_who_is_on_the_team() {
    let s = Store::new();
    let id = assault(&s);
    mark_left(&s, "asmith", "2026-03-31");
    let before = s.snapshot();
    s.run(&["assign", &id, "--to", "ASmith"])
        .fails(1)
        .says("--to: asmith left the team on 2026-03-31, so cannot be given a case; the team now: jfowlis")
        .says("remove `left:`");
    // A misspelt name is offered the current team only.
    let out = s
        .run(&["assign", &id, "--to", "asmth"])
        .fails(1)
        .says("unknown team member 'asmth': use one of jfowlis");
    assert!(!out.stderr.contains("did you mean 'asmith'"), "{}", out.stderr);
    assert_eq!(s.snapshot(), before, "the store is unchanged");
    s.run(&["assign", &id, "--to", "jfowlis"]).ok();
}

#[test]
fn a_former_member_stays_a_valid_actor_and_handler_and_check_does_not_flag_them() {
    let s = Store::new();
    let id = assault(&s);
    let as_asmith = |args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&s.root).args(["--as", "asmith"]).args(args);
        run(c)
    };
    as_asmith(&["assign", &id, "--to", "asmith"]).ok();
    as_asmith(&["note", &id, "Statement taken"]).ok();
    mark_left(&s, "asmith", "2026-03-31");
    // Their history stands and they may still act (a note written late).
    as_asmith(&["note", &id, "Handover notes for the team"]).ok();
    let text = s.read(&id);
    assert!(text.contains("by: asmith, action: note, detail: Handover notes for the team"), "{text}");
    s.run(&["check"]).ok().says("no problems");
    // Reassigned to a current member, the history keeps who had it.
    s.run(&["assign", &id, "--to", "jfowlis"]).ok();
    assert!(s.read(&id).contains("field: assignee, from: asmith, to: jfowlis"));
}

#[test]
fn due_and_board_name_open_cases_still_assigned_to_a_leaver() {
    let s = Store::new();
    let open = assault(&s);
    let closed = assault(&s);
    let kept = assault(&s);
    for id in [&open, &closed] {
        s.run(&["assign", id, "--to", "asmith"]).ok();
    }
    s.run(&["assign", &kept, "--to", "jfowlis"]).ok();
    s.run(&["update", &closed, "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    s.run(&["close", &closed, "--outcome", "withdrawn", "--note", "x"]).ok();
    let rows = |s: &Store| {
        let out = s.run(&["due", "--format", "tsv"]).ok().stdout;
        out.lines().filter(|l| l.contains("\tassignee-left\t")).map(String::from).collect::<Vec<_>>()
    };
    assert!(rows(&s).is_empty(), "no one has left yet");
    mark_left(&s, "asmith", "2026-11-20");
    let left = rows(&s);
    assert_eq!(left.len(), 1, "the open case only: {left:?}");
    let f: Vec<&str> = left[0].split('\t').collect();
    assert_eq!((f[1], f[2], f[3], f[4]), ("overdue", "assignee-left", open.as_str(), "asmith"));
    assert!(f[5].contains(&format!("lsms assign {open} --to NAME")), "{}", f[5]);
    // A leaving day ahead shows as due, within the horizon.
    mark_left_again(&s, "2026-11-20", "2026-12-01");
    let ahead = rows(&s);
    assert!(ahead.len() == 1 && ahead[0].contains("\tdue\tassignee-left\t"), "{ahead:?}");
    mark_left_again(&s, "2026-12-01", "2026-11-20");

    // The board counts them among past deadlines: a number, never a name.
    let file = s.tmp.path().join("board.html");
    s.run(&["board", "--period", "2026/27", "--output", file.to_str().unwrap()]).ok();
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.contains("Assignee has left the team: 1"), "the count is on the board");
    assert!(!html.contains("asmith"), "no name on the board");

    // Reassigned, nothing is asked.
    s.run(&["assign", &open, "--to", "jfowlis"]).ok();
    assert!(rows(&s).is_empty());
}

fn mark_left_again(s: &Store, from: &str, to: &str) {
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace(&format!("left: {from}"), &format!("left: {to}"))).unwrap();
}
