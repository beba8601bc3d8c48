//! Evidence with its chain of custody: files copied into the store by
//! SHA-256, listed, disclosed with a manifest that `sha256sum -c` checks,
//! verified, and never read as incidents.

use crate::harness::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as Proc;

/// A store with one incident and a folder of files to add.
fn setup() -> (Store, String, PathBuf) {
    let s = Store::new();
    let id = s.report(&["--category", "physical-assault", "--summary", "Visitor struck a nurse"]);
    let files = s.tmp.path().join("files");
    std::fs::create_dir_all(files.join("other")).unwrap();
    std::fs::write(files.join("still.jpg"), b"a CCTV still of the corridor").unwrap();
    std::fs::write(files.join("other/still.jpg"), b"a second still, same name").unwrap();
    std::fs::write(files.join("statement.txt"), b"I saw the visitor strike the nurse.\n").unwrap();
    (s, id, files)
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn add_copies_files_in_by_hash_and_records_them_with_history() {
    let (s, id, files) = setup();
    let a = files.join("still.jpg");
    let b = files.join("other/still.jpg");
    let out = s
        .run(&["evidence", "add", &id, p(&a), p(&b), "--source", "Estates CCTV", "--note", "Camera 4"])
        .ok()
        .says("2 evidence file(s) added");
    let (ha, hb) = (sha256sum(&a), sha256sum(&b));
    assert_eq!(out.stdout, format!("{ha}  still.jpg\n{hb}  still.jpg\n"));
    for (h, src) in [(&ha, &a), (&hb, &b)] {
        let obj = s.object(h);
        assert_eq!(std::fs::read(&obj).unwrap(), std::fs::read(src).unwrap());
        let mode = std::fs::metadata(&obj).unwrap().permissions().mode();
        assert_eq!(mode & 0o222, 0, "read-only: {mode:o}");
        let dir = std::fs::metadata(obj.parent().unwrap()).unwrap().permissions().mode();
        assert_eq!(dir & 0o077, 0, "the folder is the owner's only: {dir:o}");
    }
    let yaml = s.read(&id);
    let rec: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &id, "--format", "json"]).ok().stdout).unwrap();
    let ev = &rec["evidence"][0];
    assert_eq!(ev["sha256"], ha.as_str());
    assert_eq!((ev["name"].as_str(), ev["size"].as_u64()), (Some("still.jpg"), Some(28)));
    assert_eq!(
        (ev["added_by"].as_str(), ev["added_at"].as_str()),
        (Some("tester"), Some("2026-11-25T12:00:00+00:00"))
    );
    assert_eq!((ev["source"].as_str(), ev["note"].as_str()), (Some("Estates CCTV"), Some("Camera 4")));
    assert_eq!(rec["evidence"][1]["sha256"], hb.as_str());
    assert_eq!(yaml.matches("action: evidence-added").count(), 2, "{yaml}");
    // The list, in a machine format, in full.
    let csv = s.run(&["evidence", "list", &id, "--format", "csv"]).ok().stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "sha256,name,size,added_at,added_by,source,note");
    assert_eq!(lines[1], format!("{ha},still.jpg,28,2026-11-25T12:00:00+00:00,tester,Estates CCTV,Camera 4"));
    assert_eq!(lines.len(), 3);
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["evidence", "list", &id, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(json[1]["sha256"], hb.as_str());
    // show lists them; the history names file and hash.
    let show = s.run(&["show", &id]).ok().stdout;
    assert!(show.contains(&format!("Evidence        still.jpg  28 bytes  sha256 {}…", &ha[..12])), "{show}");
    assert!(
        show.contains(&format!("evidence-added — still.jpg (28 bytes, sha256 {ha}) from Estates CCTV")),
        "{show}"
    );
    // Evidence files are not incidents: one incident, a clean check.
    assert_eq!(s.run(&["list", "--all", "--format", "ids"]).ok().stdout, format!("{id}\n"));
    s.run(&["check"]).ok().says("Checked 1 incident(s): no problems");
    // The export counts them (names are personal: not exported).
    let export = s.run(&["export", "--format", "json"]).ok().stdout;
    let rows: serde_json::Value = serde_json::from_str(&export).unwrap();
    assert_eq!(rows[0]["evidence_count"], 2);
    assert!(!export.contains("still.jpg"), "{export}");
}

#[test]
fn a_file_already_on_the_incident_is_skipped_and_a_closed_case_takes_evidence() {
    let (s, id, files) = setup();
    let a = files.join("still.jpg");
    s.run(&["evidence", "add", &id, p(&a)]).ok();
    let before = s.snapshot();
    // The same bytes under another name: skipped, nothing changes.
    let copy = files.join("copy.jpg");
    std::fs::copy(&a, &copy).unwrap();
    s.run(&["evidence", "add", &id, p(&copy)]).ok().says("already on").says("as still.jpg").says("skipped");
    assert!(s.snapshot() == before, "a skipped file changes nothing");
    // Evidence that arrives after the case is closed is still recorded.
    s.run(&["update", &id, "--medical-factors", "no"]).ok();
    s.run(&["close", &id, "--outcome", "no-further-action", "--note", "Done"]).ok();
    s.run(&["evidence", "add", &id, p(&files.join("statement.txt"))]).ok().says("1 evidence file(s) added");
    assert!(s.read(&id).contains("name: statement.txt"));
}

#[test]
fn export_copies_out_with_a_manifest_sha256sum_accepts_and_records_the_disclosure() {
    let (s, id, files) = setup();
    let (a, b, c) = (files.join("still.jpg"), files.join("other/still.jpg"), files.join("statement.txt"));
    s.run(&["evidence", "add", &id, p(&a), p(&b), p(&c)]).ok();
    let out = s.tmp.path().join("to-police");
    s.run(&["evidence", "export", &id, "--to", p(&out), "--recipient", "Merseyside Police"])
        .ok()
        .says("3 file(s) and SHA256SUMS written");
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["SHA256SUMS", "statement.txt", "still (2).jpg", "still.jpg"]);
    assert_eq!(std::fs::read(out.join("still (2).jpg")).unwrap(), std::fs::read(&b).unwrap());
    let check = Proc::new("sha256sum").args(["-c", "SHA256SUMS"]).current_dir(&out).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    assert_eq!(String::from_utf8_lossy(&check.stdout).matches(": OK").count(), 3);
    // The disclosure: who, when, to whom, which files by hash.
    let json: serde_json::Value =
        serde_json::from_str(&s.run(&["show", &id, "--format", "json"]).ok().stdout).unwrap();
    let last = json["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "evidence-disclosed");
    assert_eq!(last["by"], "tester");
    assert_eq!(last["at"], "2026-11-25T12:00:00+00:00");
    let detail = last["detail"].as_str().unwrap();
    assert!(detail.starts_with("to Merseyside Police: 3 file(s)"), "{detail}");
    assert!(detail.contains(&format!("{}  still (2).jpg", sha256sum(&b))), "{detail}");

    // --only, by a prefix of the hash, into a new folder.
    let only = s.tmp.path().join("insurer");
    let hc = sha256sum(&c);
    s.run(&["evidence", "export", &id, "--to", p(&only), "--recipient", "Insurer", "--only", &hc[..10]]).ok();
    assert_eq!(std::fs::read_to_string(only.join("SHA256SUMS")).unwrap(), format!("{hc}  statement.txt\n"));

    // A folder that holds files already is refused; nothing changes.
    let before = s.snapshot();
    s.run(&["evidence", "export", &id, "--to", p(&out), "--recipient", "Merseyside Police"])
        .fails(1)
        .says("holds files already");
    assert!(s.snapshot() == before);
}

#[test]
fn verify_and_check_find_a_changed_or_missing_file() {
    let (s, id, files) = setup();
    let a = files.join("still.jpg");
    s.run(&["evidence", "add", &id, p(&a), p(&files.join("statement.txt"))]).ok();
    s.run(&["evidence", "verify"]).ok().says("Verified 2 evidence file(s) of 1 incident(s)");
    s.run(&["evidence", "verify", &id]).ok().says("Verified 2");
    // Tampering: make it writable, change one byte (the size stays).
    let obj = s.object(&sha256sum(&a));
    std::fs::set_permissions(&obj, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut bytes = std::fs::read(&obj).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&obj, &bytes).unwrap();
    s.run(&["evidence", "verify"]).fails(1).says("still.jpg").says("changed: its SHA-256 is now");
    // check is a stat only: the size is right, so it passes; verify is the test of content.
    s.run(&["check"]).ok();
    // An export stops at the changed file and leaves nothing behind.
    let before = s.snapshot();
    let out = s.tmp.path().join("out");
    s.run(&["evidence", "export", &id, "--to", p(&out), "--recipient", "Police"])
        .fails(1)
        .says("changed")
        .says("nothing was exported");
    assert!(!out.exists(), "the folder it made is removed");
    assert!(s.snapshot() == before, "no disclosure recorded");
    // A missing file: check and verify both name it.
    std::fs::remove_file(&obj).unwrap();
    s.run(&["check"]).fails(1).says("evidence file still.jpg").says("missing");
    s.run(&["evidence", "verify", &id]).fails(1).says("missing").says("1 of 2 evidence file(s)");
    // Adding the original again restores it.
    s.run(&["evidence", "add", &id, p(&a)]).ok().says("restored");
    s.run(&["evidence", "verify"]).ok();
    // A file cut short: check sees the size.
    std::fs::set_permissions(&obj, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&obj, b"short").unwrap();
    s.run(&["check"]).fails(1).says("changed: it is 5 bytes");
}

#[test]
fn a_fifo_is_refused_at_once_without_waiting_for_a_writer() {
    let (s, id, files) = setup();
    let fifo = files.join("camera.pipe");
    assert!(Proc::new("mkfifo").arg(&fifo).status().unwrap().success());
    let before = s.snapshot();
    let mut c = s.cmd(&["evidence", "add", &id, p(&fifo)]);
    c.timeout(std::time::Duration::from_secs(20));
    let out = run(c);
    assert_eq!(out.code, 1, "refused, not hung: {}", out.stderr);
    assert!(out.stderr.contains("a FIFO"), "{}", out.stderr);
    assert!(s.snapshot() == before);
}

#[test]
fn a_big_sparse_file_is_streamed_in() {
    let (s, id, files) = setup();
    let big = files.join("cctv.mp4");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 << 20).unwrap();
    drop(f);
    let out = s.run(&["evidence", "add", &id, p(&big)]).ok();
    let h = sha256sum(&big);
    assert_eq!(out.stdout, format!("{h}  cctv.mp4\n"));
    assert_eq!(std::fs::metadata(s.object(&h)).unwrap().len(), 50 << 20);
    assert!(s.read(&id).contains("size: 52428800"));
}

/// A path the test (perhaps root) cannot open: a file made unreadable,
/// or, where permissions do not stop root, a file the kernel refuses.
fn unreadable(files: &Path) -> PathBuf {
    let f = files.join("locked.txt");
    std::fs::write(&f, b"secret").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
    [f, PathBuf::from("/sys/bus/pci/rescan")]
        .into_iter()
        .find(|c| {
            std::fs::metadata(c).is_ok_and(|m| m.is_file())
                && std::fs::File::open(c).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
        })
        .expect("a file this test cannot read")
}

#[test]
fn bad_evidence_input_is_refused_and_the_store_is_unchanged() {
    let (s, id, files) = setup();
    let a = files.join("still.jpg");
    s.run(&["evidence", "add", &id, p(&a)]).ok();
    let locked = unreadable(&files);
    let missing = files.join("no-such.jpg");
    let folder = files.join("other");
    let newdir = s.tmp.path().join("new-out");
    let inside = s.root.join("out");
    let cases: Vec<(&str, Vec<&str>, i32, &str)> = vec![
        ("missing file", vec!["evidence", "add", &id, p(&missing)], 1, "no such file"),
        (
            "missing file after a good one",
            vec!["evidence", "add", &id, p(&a), p(&missing)],
            1,
            "no such file",
        ),
        ("unreadable file", vec!["evidence", "add", &id, p(&locked)], 1, "cannot be read"),
        ("a folder", vec!["evidence", "add", &id, p(&folder)], 1, "is a folder"),
        ("a device", vec!["evidence", "add", &id, "/dev/null"], 1, "a device"),
        ("unknown incident", vec!["evidence", "add", "20261125-ZZZZ", p(&a)], 1, "no incident 20261125-ZZZZ"),
        ("two-line source", vec!["evidence", "add", &id, p(&a), "--source", "a\nb"], 1, "one line"),
        ("no files", vec!["evidence", "add", &id], 2, "FILE"),
        (
            "evidence not on the incident",
            vec![
                "evidence",
                "export",
                &id,
                "--to",
                p(&newdir),
                "--recipient",
                "Police",
                "--only",
                "00000000",
            ],
            1,
            "no evidence file on",
        ),
        (
            "not a hash",
            vec!["evidence", "export", &id, "--to", p(&newdir), "--recipient", "Police", "--only", "xyz"],
            1,
            "not a SHA-256",
        ),
        ("no recipient", vec!["evidence", "export", &id, "--to", p(&newdir)], 2, "--recipient"),
        (
            "empty recipient",
            vec!["evidence", "export", &id, "--to", p(&newdir), "--recipient", " "],
            1,
            "--recipient is empty",
        ),
        (
            "export into the store",
            vec!["evidence", "export", &id, "--to", p(&inside), "--recipient", "Police"],
            1,
            "inside the store",
        ),
        (
            "export of an unknown incident",
            vec!["evidence", "export", "20261125-ZZZZ", "--to", p(&newdir), "--recipient", "Police"],
            1,
            "no incident",
        ),
        ("list of an unknown incident", vec!["evidence", "list", "ZZZZ"], 1, "no incident ends in ZZZZ"),
        ("verify of an unknown incident", vec!["evidence", "verify", "ZZZZ"], 1, "no incident ends in ZZZZ"),
    ];
    let before = s.snapshot();
    for (what, args, code, text) in &cases {
        let out = s.run(args);
        assert_eq!(out.code, *code, "{what}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(text), "{what}: stderr should say {text:?}:\n{}", out.stderr);
        assert_eq!(out.stdout, "", "{what}: nothing on stdout");
        assert!(s.snapshot() == before, "{what}: the store changed");
        assert!(!newdir.exists(), "{what}: no export folder made");
    }
}

/// Is Git LFS installed here? (CI may install it; the tests hold either way.)
fn lfs() -> bool {
    Proc::new("git").args(["lfs", "version"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn init_git_says_what_it_does_with_evidence_and_a_commit_includes_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("store");
    let mut c = lsms();
    c.arg("init").arg(&root).args(["--trust", "T", "--git"]);
    let out = run(c).ok();
    let attrs = std::fs::read_to_string(root.join(".gitattributes")).unwrap();
    if lfs() {
        out.says("Git LFS: evidence/** is stored through Git LFS");
        assert!(attrs.contains("evidence/** filter=lfs diff=lfs merge=lfs -text\n"), "{attrs}");
    } else {
        out.says("git-lfs not found: evidence files will be stored in git as ordinary files");
        assert!(!attrs.contains("filter=lfs"), "{attrs}");
    }
    let s = Store { tmp, root };
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    let file = s.tmp.path().join("cctv.mp4");
    std::fs::write(&file, b"not really a video").unwrap();
    s.run(&["--commit", "evidence", "add", &id, p(&file)]).ok();
    let h = sha256sum(&file);
    let rel = format!("evidence/{}/{h}", &h[..2]);
    let git = |args: &[&str]| {
        let o = Proc::new("git")
            .args(args)
            .current_dir(&s.root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let log = git(&["log", "-1", "--name-only", "--format=%s"]);
    assert!(log.starts_with(&format!("{id}: evidence-added\n")), "{log}");
    assert!(log.contains(&rel) && log.contains(&format!("{id}.yaml")), "{log}");
    let committed = git(&["cat-file", "-p", &format!("HEAD:{rel}")]);
    if lfs() {
        assert!(committed.starts_with("version https://git-lfs"), "a pointer: {committed}");
        assert!(committed.contains(&format!("oid sha256:{h}")), "{committed}");
    } else {
        assert_eq!(committed, "not really a video");
    }
    assert_eq!(git(&["status", "--porcelain"]), "", "the work tree is clean");
}

#[test]
fn evidence_added_in_one_clone_reaches_another_through_sync() {
    let team = crate::sync::Team::new("");
    let (a, b) = (team.clone("a"), team.clone("b"));
    let id = a.report(&["--category", "theft", "--summary", "Laptop taken"]);
    let file = a.tmp.path().join("cctv.mp4");
    std::fs::write(&file, b"camera 4, 14:25 to 14:40").unwrap();
    a.run(&["evidence", "add", &id, p(&file)]).ok();
    // sync takes a new evidence file as lsms's own and commits it with the incident.
    crate::sync::as_who(&a, "a", &["sync"]).ok();
    crate::sync::as_who(&b, "b", &["sync"]).ok();
    let h = sha256sum(&file);
    assert_eq!(std::fs::read(b.object(&h)).unwrap(), std::fs::read(&file).unwrap());
    b.run(&["evidence", "verify"]).ok().says("Verified 1 evidence file(s)");
    b.run(&["check"]).ok();
    for s in [&a, &b] {
        assert_eq!(crate::git::git(&s.root, &["status", "--porcelain"]), "", "clean");
    }
    // Both clones add a file to the same incident: the merge keeps both.
    for (s, name) in [(&a, "from-a.jpg"), (&b, "from-b.jpg")] {
        let f = s.tmp.path().join(name);
        std::fs::write(&f, name).unwrap();
        s.run(&["evidence", "add", &id, p(&f)]).ok();
    }
    crate::sync::as_who(&a, "a", &["sync"]).ok();
    crate::sync::as_who(&b, "b", &["sync"]).ok();
    crate::sync::as_who(&a, "a", &["sync"]).ok();
    let lists: Vec<String> =
        [&a, &b].iter().map(|s| s.run(&["evidence", "list", &id, "--format", "tsv"]).ok().stdout).collect();
    assert_eq!(lists[0], lists[1], "both clones hold the same record");
    let mut names: Vec<&str> = lists[0].lines().filter_map(|l| l.split('\t').nth(1)).collect();
    names.sort();
    assert_eq!(names, ["cctv.mp4", "from-a.jpg", "from-b.jpg"]);
    for s in [&a, &b] {
        s.run(&["evidence", "verify"]).ok().says("Verified 3");
    }
    // A changed evidence file is not lsms's own: sync refuses it by name.
    let obj = a.object(&h);
    std::fs::set_permissions(&obj, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&obj, b"camera 4, 14:25 to 14:41").unwrap();
    crate::sync::as_who(&a, "a", &["sync"]).fails(1).says("not lsms's own").says(&h);
}

#[test]
fn check_notes_a_killed_copy_and_files_no_incident_records() {
    let (s, id, files) = setup();
    s.run(&["evidence", "add", &id, p(&files.join("still.jpg"))]).ok();
    std::fs::write(s.root.join("evidence/.incoming.tmp-1-0"), b"half a video").unwrap();
    let stray = "evidence/00/0000000000000000000000000000000000000000000000000000000000000000";
    std::fs::create_dir_all(s.root.join("evidence/00")).unwrap();
    std::fs::write(s.root.join(stray), b"x").unwrap();
    s.run(&["check"])
        .ok()
        .says("note: evidence/.incoming.tmp-1-0 was left by an `evidence add` that was interrupted")
        .says(&format!("1 file(s) in evidence/ that no incident records (a record edited by hand, or a removed case?): {stray}"));
    // Neither is counted as an incident.
    assert_eq!(s.run(&["list", "--all", "--format", "ids"]).ok().stdout, format!("{id}\n"));
}

#[test]
fn a_record_that_cannot_be_written_leaves_no_copied_file_behind() {
    let (s, id, files) = setup();
    // A hand edit lsms will not rewrite without `lsms fmt`: the files are
    // copied before the record is changed, so the copies must go again.
    let path = s.path_of(&id);
    let text = s.read(&id).replace("summary:", "# seen by the porter\nsummary:");
    std::fs::write(&path, text).unwrap();
    let before = s.snapshot();
    s.run(&["evidence", "add", &id, p(&files.join("still.jpg")), p(&files.join("statement.txt"))])
        .fails(1)
        .says("lsms fmt");
    assert!(s.snapshot() == before, "no evidence file left, no record changed");
    assert!(!s.root.join("evidence").exists());
}
