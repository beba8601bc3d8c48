//! Holds and disposal: `hold` and `release` on the record, `dispose`
//! refused while a hold stands or before retention ends, a certificate
//! with no personal data in the register of disposals, a disposed record
//! gone from every read command and figure while the count of disposals
//! is reported, and `sync` carrying a disposal between clones.

use crate::git::{git, git_run, git_store};
use crate::harness::*;
use crate::sync::{Team, as_who};

/// Everything personal the old case holds, for scanning what disposal leaves.
const PERSONAL: [&str; 9] = [
    "Ysolde Farthing",
    "Zebedee Quartermain",
    "Handbag taken from Ysolde",
    "left on the chair by the window",
    "Ward 7 office",
    "Spoke to Zebedee on the phone",
    "Bag returned to Ysolde",
    "ysolde-cctv.mp4",
    "Estates CCTV",
];

/// An incident of 2012 closed on 1 February 2014 (retention ended on
/// 1 February 2024), with every kind of personal data; `extra` adds to
/// its report. Gives its id.
fn old_case(s: &Store, extra: &[&str]) -> String {
    let mut args = vec![
        "--category",
        "theft",
        "--summary",
        "Handbag taken from Ysolde Farthing",
        "--occurred",
        "10/01/2012 10:00",
        "--reported",
        "10/01/2012 11:00",
        "--reporter",
        "Zebedee Quartermain",
        "--reporter-party",
        "visitor",
        "--person",
        "victim:staff:Ysolde Farthing",
        "--location",
        "Ward 7 office",
        "--description",
        "The bag was left on the chair by the window.",
    ];
    args.extend_from_slice(extra);
    let id = s.report(&args);
    s.run(&["note", &id, "Spoke to Zebedee on the phone", "--on", "11/01/2012 09:00"]).ok();
    let file = s.tmp.path().join("ysolde-cctv.mp4");
    std::fs::write(&file, format!("footage of {id}")).unwrap();
    s.run(&["evidence", "add", &id, file.to_str().unwrap(), "--source", "Estates CCTV"]).ok();
    close(s, &id, "01/02/2014 10:00");
    id
}

fn close(s: &Store, id: &str, on: &str) {
    s.run(&["close", id, "--outcome", "no-further-action", "--note", "Bag returned to Ysolde", "--on", on])
        .ok();
}

fn json(s: &Store, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&s.run(args).ok().stdout).unwrap()
}

#[test]
fn dispose_is_refused_under_hold_before_retention_ends_and_while_open_leaving_the_store_as_it_was() {
    let s = Store::new();
    let a = old_case(&s, &[]);
    // Severe harm: 20 years from closing, to 2034.
    let severe = old_case(&s, &["--harm", "severe", "--riddor", "not-reportable"]);
    // Closed this month: kept to 2036.
    let recent = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Phone taken",
        "--occurred",
        "01/11/2026 10:00",
        "--reported",
        "02/11/2026 10:00",
    ]);
    close(&s, &recent, "20/11/2026 10:00");
    let open =
        s.report(&["--category", "theft", "--summary", "Bike taken", "--occurred", "01/01/2012 10:00"]);

    s.run(&["hold", &a[9..], "--reason", "Civil claim CL-2031-044"]).ok().says("held");
    let j = json(&s, &["show", &a, "--format", "json"]);
    assert_eq!(j["hold"]["reason"], "Civil claim CL-2031-044", "{j}");
    assert_eq!(j["hold"]["by"], "tester");
    assert_eq!(j["history"].as_array().unwrap().last().unwrap()["action"], "held");

    let before = s.snapshot();
    for (ids, says) in [
        (vec![a.as_str()], format!("{a} is on hold (since 2026-11-25 by tester)")),
        (
            vec![severe.as_str()],
            format!(
                "{severe} is kept until 2034-02-01 (serious (harm severe or death): 20 years from closing)"
            ),
        ),
        (vec![recent.as_str()], format!("{recent} is kept until 2036-11-20")),
        (vec![open.as_str()], format!("{open} is open (reported)")),
        (vec!["20120110-ZZZZ"], "no incident 20120110-ZZZZ".to_string()),
        // All or nothing: one that may go, with one that may not.
        (vec![severe.as_str(), a.as_str()], format!("{a} is on hold")),
    ] {
        let mut args = vec!["dispose"];
        args.extend(&ids);
        args.extend(["--reason", "Annual retention review"]);
        s.run(&args).fails(1).says("nothing was disposed of").says(&says);
        assert_eq!(s.snapshot(), before, "{ids:?}: the store is as it was");
    }
    // A second hold and a release of what is not held are refused too.
    s.run(&["hold", &a, "--reason", "Another"]).fails(1).says("already held");
    s.run(&["release", &recent]).fails(1).says("is not held");
    s.run(&["hold", &recent, "--reason", " "]).fails(1).says("the reason is empty");
    s.run(&["dispose", &recent, "--reason", ""]).fails(1).says("the reason is empty");
    s.run(&["dispose", &recent]).fails(2);
    assert_eq!(s.snapshot(), before, "the store is as it was");

    // `--due` lists neither the held record nor those still kept.
    let due = s.run(&["dispose", "--due", "--format", "ids"]).ok();
    assert_eq!(due.stdout, "", "{}", due.stdout);
    assert!(due.stderr.contains("1 more record(s) past retention are on hold"), "{}", due.stderr);
    s.run(&["due", "--within", "1d"])
        .ok()
        .prints(&format!("on hold since 2026-11-25: not to be disposed of until `lsms release {a}`"))
        .says("1 record(s) on legal or inquiry hold");

    let board = s.root.parent().unwrap().join("board.html");
    s.run(&["board", "--period", "2026", "--output", board.to_str().unwrap()]).ok();
    let html = std::fs::read_to_string(&board).unwrap();
    let row = html.split("On legal or inquiry hold now").nth(1).expect("the board counts holds");
    assert!(row.split("</tr>").next().unwrap().contains(">1<"), "{row:.200}");
    assert!(!html.contains("CL-2031-044"), "a count, not the reason");

    s.run(&["release", &a, "--reason", "Claim settled"]).ok();
    let j = json(&s, &["show", &a, "--format", "json"]);
    assert!(j.get("hold").is_none(), "{j}");
    let last = j["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["action"].as_str(), last["detail"].as_str()), (Some("released"), Some("Claim settled")));
    let j = json(&s, &["dispose", "--due", "--format", "json"]);
    assert_eq!(j[0]["id"], a.as_str(), "{j}");
    assert_eq!(j[0]["retention_ended"], "2024-02-01", "{j}");
    let due = s.run(&["dispose", "--due", "--format", "csv"]).ok();
    assert_eq!(
        due.stdout,
        format!(
            "id,category,closed,retention_ended,rule\n{a},theft,2014-02-01,2024-02-01,standard: 10 years from closing\n"
        )
    );
    s.run(&["dispose", &a[9..], "--reason", "Annual retention review"])
        .ok()
        .says(&format!("{a}: disposed of"));
    assert!(!s.path_of(&a).exists());
    // Twice: refused, naming the certificate.
    let before = s.snapshot();
    s.run(&["dispose", &a, "--reason", "Again"])
        .fails(1)
        .says(&format!("{a} was disposed of already, on 2026-11-25 by tester"));
    s.run(&["dispose", &a[9..], "--reason", "Again"]).fails(1).says("was disposed of already");
    assert_eq!(s.snapshot(), before);
    // A hold on a case whose retention is years off is not said to keep
    // anything past retention.
    s.run(&["hold", &recent, "--reason", "Inquiry"]).ok();
    let out = s.run(&["due", "--within", "1d"]).ok();
    assert!(!out.stderr.contains("kept past retention"), "{}", out.stderr);
}

#[test]
fn the_certificate_holds_no_personal_string_and_the_evidence_goes_with_the_record() {
    let s = git_store();
    let id = old_case(&s, &["--harm", "low", "--riddor", "not-reportable"]);
    // Another record holding the same evidence file keeps it.
    let shared = s.report(&["--category", "theft", "--summary", "x"]);
    let other = s.tmp.path().join("other.txt");
    std::fs::write(&other, "kept").unwrap();
    let sha_of = |id: &str| -> Vec<String> {
        let j = json(&s, &["show", id, "--format", "json"]);
        j["evidence"].as_array().unwrap().iter().map(|e| e["sha256"].as_str().unwrap().to_string()).collect()
    };
    let own = sha_of(&id);
    s.run(&["evidence", "add", &shared, other.to_str().unwrap()]).ok();
    git(&s.root, &["add", "-A"]);
    git(&s.root, &["commit", "-qm", "the register so far"]);
    s.run(&["--commit", "dispose", &id, "--reason", "Retention review 2026"]).ok();
    let rel = format!("disposals/{}/{}/{id}.yaml", &id[..4], &id[4..6]);
    let cert = std::fs::read_to_string(s.root.join(&rel)).unwrap();
    for p in PERSONAL {
        assert!(!cert.to_lowercase().contains(&p.to_lowercase()), "{p:?} in the certificate:\n{cert}");
        assert!(!cert.contains("Ysolde") && !cert.contains("Zebedee"), "{cert}");
    }
    let c: serde_yaml::Value = serde_yaml::from_str(&cert).unwrap();
    assert_eq!(c["id"].as_str(), Some(id.as_str()));
    assert_eq!(c["category"].as_str(), Some("theft"));
    assert_eq!(
        (c["occurred"].as_str(), c["reported"].as_str(), c["closed"].as_str()),
        (Some("2012-01-10"), Some("2012-01-10"), Some("2014-02-01"))
    );
    assert_eq!((c["rule"].as_str(), c["years"].as_u64()), (Some("standard"), Some(10)), "{cert}");
    assert_eq!(
        (c["disposed_by"].as_str(), c["reason"].as_str()),
        (Some("tester"), Some("Retention review 2026"))
    );
    assert_eq!(c["evidence_removed"].as_sequence().unwrap().len(), own.len());
    for sha in &own {
        assert!(!s.root.join(format!("evidence/{}/{sha}", &sha[..2])).exists(), "its evidence went");
    }
    let kept = sha_of(&shared);
    assert!(s.root.join(format!("evidence/{}/{}", &kept[0][..2], kept[0])).exists(), "another's stays");
    // One commit, as lsms's own, naming the id alone; nothing left over.
    let log = git(&s.root, &["log", "-1", "--format=%an|%s%n%b", "--name-status"]);
    assert!(log.starts_with(&format!("tester|{id}: disposed")), "{log}");
    for p in PERSONAL {
        assert!(!log.contains(p), "{p:?} in the commit:\n{log}");
    }
    assert!(
        log.contains(&format!("A\t{rel}"))
            && log.contains(&format!("D\t{}", s.path_of(&id).strip_prefix(&s.root).unwrap().display())),
        "{log}"
    );
    assert_eq!(git(&s.root, &["status", "--porcelain"]), "", "everything committed");
}

#[test]
fn a_disposed_record_is_gone_from_every_read_command_and_figure_while_the_count_is_reported() {
    let s = Store::new();
    let gone = old_case(&s, &["--site", "Hollins Park"]);
    let kept = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Laptop taken",
        "--occurred",
        "10/01/2012 10:00",
        "--reported",
        "10/01/2012 11:00",
        "--site",
        "Hollins Park",
        "--person",
        "witness:staff:Ysolde Farthing",
    ]);
    s.run(&["link", &kept, &gone, "--kind", "related", "--on", "11/01/2012 10:00"]).ok();
    close(&s, &kept, "20/11/2026 10:00");
    s.run(&["dispose", &gone, "--reason", "Retention review"]).ok();

    let ids = s.run(&["list", "--all", "--format", "ids"]).ok().stdout;
    assert_eq!(ids, format!("{kept}\n"));
    s.run(&["show", &gone]).fails(1).says(&format!("{gone} was disposed of under retention on 2026-11-25"));
    s.run(&["note", &gone, "x"]).fails(1).says("was disposed of under retention");
    // By its last four characters too, as every command takes an id.
    s.run(&["show", &gone[9..]])
        .fails(1)
        .says(&format!("{gone} was disposed of under retention on 2026-11-25"));
    let export = json(&s, &["export", "--format", "json", "--include-personal"]);
    assert_eq!(export.as_array().unwrap().len(), 1, "{export}");
    let person = s.run(&["person", "Ysolde Farthing", "--format", "tsv"]).ok().stdout;
    assert!(
        person.contains(&kept) && !person.contains(&gone),
        "only the record still held names her: {person}"
    );
    let due = s.run(&["due", "--within", "5200w", "--format", "ids"]).ok().stdout;
    assert!(!due.contains(&gone), "{due}");
    let summary = s.run(&["summary", "--by", "site", "--format", "csv", "--period", "2012"]).ok();
    assert!(summary.stdout.contains("Hollins Park,1"), "{}", summary.stdout);
    assert!(!summary.stderr.contains("disposed of"), "none disposed of in 2012: {}", summary.stderr);
    s.run(&["summary", "--by", "site", "--format", "csv", "--period", "2026"])
        .ok()
        .says("note: 1 record(s) disposed of under retention in");
    s.run(&["check"])
        .ok()
        .says("1 record(s) disposed of under retention")
        .says(&format!("links to {gone} as related, which was disposed of under retention"));
    let board = s.root.parent().unwrap().join("board.html");
    s.run(&["board", "--period", "2026", "--output", board.to_str().unwrap()]).ok();
    let html = std::fs::read_to_string(&board).unwrap();
    let row = html.split("Disposed of under retention").nth(1).expect("the board counts disposals");
    assert!(row.split("</tr>").next().unwrap().contains(">1<"), "{row:.200}");
    assert!(!html.contains(&gone) && !html.contains("Ysolde"), "counts only");
    // The register is the store's own: --output never writes there.
    let cert = format!("disposals/{}/{}/{gone}.yaml", &gone[..4], &gone[4..6]);
    let before = s.snapshot();
    s.run(&["export", "--output", s.root.join(&cert).to_str().unwrap()])
        .fails(1)
        .says("one of the store's own files");
    assert_eq!(s.snapshot(), before);
    // A hand-made copy of the record beside its certificate is named.
    std::fs::write(s.path_of(&gone), s.read(&kept).replace(&kept, &gone)).unwrap();
    s.run(&["check"]).fails(1).says(&format!("a certificate says {gone} was disposed of, but its file"));
}

#[test]
fn sync_carries_a_disposal_between_clones_and_still_names_a_hand_deletion() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let gone = old_case(&a, &[]);
    let by_hand = a.report(&["--category", "theft", "--summary", "Pen taken"]);
    as_who(&a, "tester", &["sync"]).ok();
    as_who(&b, "tester", &["sync"]).ok();
    assert!(b.path_of(&gone).exists());

    // Disposed of without a commit: sync knows it by its certificate.
    as_who(&a, "tester", &["dispose", &gone, "--reason", "Retention review"]).ok();
    as_who(&a, "tester", &["sync"]).ok().says("Committed a disposal of 1 record(s)");
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "");
    let out = as_who(&b, "tester", &["sync"]).ok();
    assert!(
        out.stderr.contains(&format!("Disposed of on the remote under retention: {gone}")),
        "{}",
        out.stderr
    );
    assert!(!b.path_of(&gone).exists());
    assert!(b.root.join(format!("disposals/{}/{}/{gone}.yaml", &gone[..4], &gone[4..6])).exists());
    as_who(&b, "tester", &["check"]).ok().says("1 record(s) disposed of under retention");
    for p in PERSONAL {
        let (_, log) = git_run(&b.root, &["log", "--format=%B"]);
        assert!(!log.contains(p), "{p:?} in a commit message:\n{log}");
    }

    // Deleted by hand: still refused, by name, and nothing is committed.
    std::fs::remove_file(b.path_of(&by_hand)).unwrap();
    let head = git(&b.root, &["rev-parse", "HEAD"]);
    as_who(&b, "tester", &["sync"]).fails(1).says("removed by hand, with no certificate of disposal");
    assert_eq!(git(&b.root, &["rev-parse", "HEAD"]), head);
}

/// The README's procedure for removing disposed records from git history,
/// its shell block run as written (the shared repository's address put
/// in), on a team's remote.
#[test]
fn the_readme_procedure_removes_a_disposed_record_from_git_history_too() {
    if !outside("git-filter-repo", "git filter-repo --version", "pip install git-filter-repo") {
        return;
    }
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```sh\n")
        .filter_map(|b| b.split("```").next())
        .find(|b| b.contains("git filter-repo --invert-paths"))
        .expect("the README shows the procedure");
    let team = Team::new("");
    let a = team.clone("a");
    let gone = old_case(&a, &[]);
    let kept = a.report(&["--category", "theft", "--summary", "Laptop taken"]);
    as_who(&a, "tester", &["sync"]).ok();
    as_who(&a, "tester", &["--commit", "dispose", &gone, "--reason", "Retention review"]).ok();
    as_who(&a, "tester", &["sync"]).ok();
    let remote = team.remote.to_str().unwrap();
    let everything = |repo: &std::path::Path| git(repo, &["cat-file", "--batch-all-objects", "--batch"]);
    assert!(everything(&team.remote).contains("Ysolde Farthing"), "before: the history holds the record");

    let work = tempfile::tempdir().unwrap();
    let script = block.replace("server:/srv/git/security.git", remote);
    let out = std::process::Command::new("sh")
        .args(["-ec", &script])
        .current_dir(work.path())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "the README's procedure failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let paths = std::fs::read_to_string(work.path().join("disposed-paths.txt")).unwrap();
    assert!(
        paths.starts_with(&format!("incidents/{}/{}/{gone}.yaml\nevidence/", &gone[..4], &gone[4..6])),
        "{paths}"
    );
    // On the server, what no branch reaches is dropped, as the README says.
    git(&team.remote, &["reflog", "expire", "--expire=now", "--all"]);
    git(&team.remote, &["gc", "-q", "--prune=now"]);
    let left = everything(&team.remote);
    for p in PERSONAL {
        assert!(!left.contains(p), "{p:?} is still in the shared repository");
    }
    // A fresh clone: the certificate and the other record, whole.
    let fresh = team.clone("fresh");
    assert!(!fresh.path_of(&gone).exists() && fresh.path_of(&kept).exists());
    as_who(&fresh, "tester", &["check"]).ok().says("1 record(s) disposed of under retention");
    as_who(&fresh, "tester", &["show", &kept]).ok().prints("Laptop taken");
}

#[test]
fn a_record_changed_in_one_clone_and_disposed_of_in_another_is_settled_by_resolve() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let gone = old_case(&a, &[]);
    as_who(&a, "tester", &["sync"]).ok();
    as_who(&b, "tester", &["sync"]).ok();
    as_who(&a, "tester", &["--commit", "dispose", &gone, "--reason", "Retention review"]).ok();
    as_who(&a, "tester", &["sync"]).ok();
    as_who(&b, "tester", &["note", &gone, "Late note"]).ok();
    as_who(&b, "tester", &["sync"]).fails(1).says(&format!("{gone}: removed on the remote, changed here"));
    as_who(&b, "tester", &["resolve", &gone, "--take", "theirs"]).ok();
    as_who(&b, "tester", &["sync", "--continue"]).ok();
    assert!(!b.path_of(&gone).exists());
    as_who(&b, "tester", &["check"]).ok().says("1 record(s) disposed of under retention");
}

#[test]
fn the_reason_comes_back_from_the_certificate_exactly_as_given() {
    let s = Store::new();
    let id = old_case(&s, &[]);
    let reason =
        "Review: 'quoted' \"twice\" # not a comment: yes\u{2028}NO ~ null 0123 \u{1F600} Adolygiad ŵ";
    s.run(&["dispose", &id, "--reason", reason]).ok();
    let cert = s.root.join(format!("disposals/{}/{}/{id}.yaml", &id[..4], &id[4..6]));
    let text = std::fs::read_to_string(&cert).unwrap();
    let c: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(c["reason"].as_str(), Some(reason), "{text}");
    if !pyyaml() {
        return;
    }
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, yaml; sys.stdout.write(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))['reason'])"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), reason, "PyYAML reads the same string");
}

#[test]
fn a_register_of_disposals_linked_out_of_the_store_is_refused_before_a_folder_is_made_there() {
    let s = Store::new();
    let id = old_case(&s, &[]);
    let outside = s.tmp.path().join("elsewhere");
    std::fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, s.root.join("disposals")).unwrap();
    let before = s.snapshot();
    s.run(&["dispose", &id, "--reason", "Retention ended"]).fails(1).says("leads out of the store");
    assert!(s.snapshot() == before, "nothing disposed of");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "no folder made through the link");
}
