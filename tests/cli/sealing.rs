//! Personal data sealed at rest (issue 23): keys, sealed values in the
//! incident files, reading with and without an identity, seal / unseal /
//! rekey, and no plaintext anywhere after a week of a team's work.

use crate::git::git;
use crate::harness::*;
use crate::sync::Team;
use std::path::{Path, PathBuf};

/// Someone's identity, made by `lsms keys new --identity FILE`.
struct Key {
    _tmp: tempfile::TempDir,
    file: PathBuf,
    public: String,
}

fn key() -> Key {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("identity.txt");
    let mut c = lsms();
    c.arg("keys").arg("new").arg("--identity").arg(&file);
    let out = run(c).ok();
    let public = out.stdout.trim().to_string();
    assert!(public.starts_with("age1"), "{public}");
    Key { _tmp: tmp, file, public }
}

/// `lsms -C <store> --as tester ARGS…`, with no identity anywhere.
fn bare(s: &Store, args: &[&str]) -> Out {
    let mut c = s.cmd(args);
    c.env_remove("LSMS_IDENTITY").env("XDG_CONFIG_HOME", s.tmp.path().join("no-config"));
    run(c)
}

/// The same, with `k`'s identity.
fn with(s: &Store, k: &Key, args: &[&str]) -> Out {
    let mut c = s.cmd(args);
    c.env("LSMS_IDENTITY", &k.file).env("XDG_CONFIG_HOME", s.tmp.path().join("no-config"));
    run(c)
}

/// A store sealed to `keys`, named r0, r1, …
fn sealed_store(keys: &[&Key]) -> Store {
    let s = Store::new();
    for (i, k) in keys.iter().enumerate() {
        bare(&s, &["keys", "add", &format!("r{i}"), &k.public]).ok();
    }
    bare(&s, &["seal"]).ok();
    s
}

const NAME: &str = "Zebedee Quaxley";
const SUMMARY: &str = "Quaxley spat at the nurse on Larkspur ward";
const DESCRIPTION: &str = "He shouted about the Glenmorangie bottle\nthen left by the east stairwell";

fn report(s: &Store, k: Option<&Key>) -> String {
    let args = [
        "report",
        "--category",
        "physical-assault",
        "--summary",
        SUMMARY,
        "--description",
        DESCRIPTION,
        "--reporter",
        "Winifred Oddsocks",
        "--person",
        &format!("alleged-offender:patient:{NAME}"),
        "--location",
        "Larkspur ward day room",
        "--occurred",
        "2026-11-24 14:30",
    ];
    let out = match k {
        Some(k) => with(s, k, &args),
        None => bare(s, &args),
    };
    out.ok().stdout.trim().to_string()
}

#[test]
fn keys_new_makes_an_owner_only_identity_once_and_prints_its_public_key() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let mut c = lsms();
    c.args(["keys", "new"]).env_remove("LSMS_IDENTITY").env("XDG_CONFIG_HOME", tmp.path());
    let out = run(c).ok();
    let file = tmp.path().join("lsms/identity.txt");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(out.stdout.starts_with("age1") && text.contains(out.stdout.trim()), "{}", out.stdout);
    assert!(text.contains("AGE-SECRET-KEY-1") && !out.stdout.contains("SECRET"));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    let mut again = lsms();
    again.args(["keys", "new"]).env_remove("LSMS_IDENTITY").env("XDG_CONFIG_HOME", tmp.path());
    run(again).fails(1).says("never overwritten");
    assert_eq!(std::fs::read_to_string(tmp.path().join("lsms/identity.txt")).unwrap(), text);
}

#[test]
fn a_bad_key_a_key_added_twice_and_removing_the_last_recipient_are_refused_leaving_the_store_as_it_was() {
    let (a, b) = (key(), key());
    let s = Store::new();
    let before = s.snapshot();
    bare(&s, &["seal"]).fails(1).says("no recipients");
    bare(&s, &["keys", "add", "jfowlis", "age1notakey"]).fails(1).says("not an age public key");
    bare(&s, &["keys", "add", "jfowlis", "ssh-rsa AAAAB3NzaC1yc2E"]).fails(1).says("ssh-ed25519");
    bare(&s, &["keys", "add", "../x", &a.public]).fails(1).says("not a recipient's name");
    assert!(s.snapshot() == before, "refusals change nothing");
    bare(&s, &["keys", "add", "jfowlis", &a.public]).ok();
    let one = s.snapshot();
    bare(&s, &["keys", "add", "jfowlis", &b.public]).fails(1).says("already a recipient");
    bare(&s, &["keys", "add", "asmith", &a.public]).fails(1).says("already jfowlis's");
    assert!(s.snapshot() == one);
    bare(&s, &["seal"]).ok();
    let sealed = s.snapshot();
    bare(&s, &["keys", "remove", "jfowlis"]).fails(1).says("last recipient");
    bare(&s, &["keys", "remove", "nobody"]).fails(1).says("not a recipient");
    assert!(s.snapshot() == sealed);
    let listed = with(&s, &a, &["keys", "list"]).ok();
    assert!(listed.stdout.contains(&format!("jfowlis\t{}\tyou", a.public)), "{}", listed.stdout);
}

#[test]
fn an_identity_others_can_read_is_refused_with_the_chmod_that_fixes_it() {
    use std::os::unix::fs::PermissionsExt;
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    std::fs::set_permissions(&k.file, std::fs::Permissions::from_mode(0o644)).unwrap();
    with(&s, &k, &["show", &id])
        .fails(1)
        .says("may be read by others")
        .says(&format!("chmod 600 {}", k.file.display()));
    std::fs::set_permissions(&k.file, std::fs::Permissions::from_mode(0o600)).unwrap();
    with(&s, &k, &["show", &id]).ok().prints(SUMMARY);
}

#[test]
fn a_sealed_file_holds_no_personal_text_and_the_rest_stays_plain() {
    let k = key();
    let s = sealed_store(&[&k]);
    // No identity is needed to write: sealing takes public keys only.
    let id = report(&s, None);
    bare(&s, &["note", &id, "Rang Oddsocks about the Glenmorangie"]).ok();
    with(&s, &k, &["assign", &id, "--to", "asmith", "--note", "Quaxley known to Larkspur staff"]).ok();
    let text = s.read(&id);
    for secret in [NAME, "Quaxley", "Oddsocks", "Larkspur", "Glenmorangie", "stairwell"] {
        assert!(!text.contains(secret), "{secret} is in the file:\n{text}");
    }
    for plain in
        ["category: physical-assault", "status: assigned", "assignee: asmith", "action: note", "r0: "]
    {
        assert!(text.contains(plain), "{plain} not in the file:\n{text}");
    }
    // With the identity every command reads as before.
    let shown = with(&s, &k, &["show", &id]).ok().stdout;
    for v in [SUMMARY, NAME, "Winifred Oddsocks", "Rang Oddsocks about the Glenmorangie", "east stairwell"] {
        assert!(shown.contains(v), "{v} not shown:\n{shown}");
    }
    let json = with(&s, &k, &["show", &id, "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["description"], DESCRIPTION, "every string comes back as given");
    with(&s, &k, &["person", "quaxley"]).ok().prints(&id);
    with(&s, &k, &["list", "--grep", "glenmorangie"]).ok().prints(&id);
}

#[test]
fn without_an_identity_personal_values_show_sealed_and_what_needs_them_is_refused() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let listed = bare(&s, &["list", "--format", "tsv"]).ok().stdout;
    assert!(listed.contains(&id) && listed.contains("(sealed)") && !listed.contains("Quaxley"), "{listed}");
    let shown = bare(&s, &["show", &id]).ok().stdout;
    assert!(shown.contains("Summary") && shown.contains("(sealed)") && !shown.contains("Quaxley"), "{shown}");
    assert!(shown.contains("physical-assault") && shown.contains("Sealed for      r0"), "{shown}");
    bare(&s, &["summary", "--by", "category"]).ok().prints("physical-assault");
    bare(&s, &["due"]).ok();
    bare(&s, &["check"]).ok().says("sealed values were not opened");
    assert!(!with(&s, &k, &["check"]).ok().stderr.contains("not opened"));
    let before = s.snapshot();
    for args in [
        &["person", "quaxley"][..],
        &["list", "--grep", "quaxley"],
        &["export", "--include-personal"],
        &["show", &id, "--format", "json"],
        // Hand-overs: a case file or a log of "(sealed)" is no hand-over,
        // and no disclosure is recorded.
        &["casefile", &id, "--to", "police", "--basis", "DPA 2018 Sch. 2 para. 2", "--output", "cf.html"],
        &["person", "Quaxley", "--sar", "--output", "sar"],
        &["disclosures", "--include-personal"],
    ] {
        bare(&s, args).fails(1).says("lsms keys new").says("(r0)");
    }
    assert!(s.snapshot() == before);
    bare(&s, &["disclosures"]).ok();
}

#[test]
fn a_change_without_an_identity_keeps_every_sealed_value_byte_for_byte() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let sealed_lines =
        |t: &str| t.lines().filter(|l| l.contains("sealed:v1:")).map(String::from).collect::<Vec<_>>();
    let before = sealed_lines(&s.read(&id));
    bare(&s, &["assign", &id, "--to", "jfowlis"]).ok();
    bare(&s, &["update", &id, "--harm", "low", "--site", "Hollins Park"]).ok();
    bare(&s, &["note", &id, "Written without the key by the night LSMS"]).ok();
    bare(&s, &["fmt"]).ok();
    let after = s.read(&id);
    for line in &before {
        assert!(after.contains(line.as_str()), "a sealed line changed:\n{line}\n{after}");
    }
    assert!(!after.contains("night LSMS") && !after.contains("(sealed)"), "{after}");
    // Copying a sealed value into the history needs it opened: refused, nothing written.
    let kept = s.snapshot();
    bare(&s, &["update", &id, "--summary", "Another summary"]).fails(1).says("needs it opened");
    assert!(s.snapshot() == kept);
    // The key holder reads all of it, the note written without the key too.
    let shown = with(&s, &k, &["show", &id]).ok().stdout;
    assert!(
        shown.contains("Written without the key by the night LSMS") && shown.contains(SUMMARY),
        "{shown}"
    );
    with(&s, &k, &["update", &id, "--summary", "Another summary"]).ok();
    with(&s, &k, &["check"]).ok();
}

/// The value of `key:` on the first line that has it.
fn value_of<'t>(text: &'t str, key: &str) -> &'t str {
    text.lines().find_map(|l| l.strip_prefix(&format!("{key}: "))).unwrap()
}

#[test]
fn a_swapped_truncated_or_rewrapped_value_is_named_with_its_file_and_field() {
    let k = key();
    let s = sealed_store(&[&k]);
    let a = report(&s, Some(&k));
    let b = report(&s, Some(&k));
    let (ta, tb) = (s.read(&a), s.read(&b));
    let rel = format!("incidents/{}/{}/{a}.yaml", &a[..4], &a[4..6]);
    let cases = [
        // Swapped between fields of one incident.
        ta.replace(value_of(&ta, "summary"), value_of(&ta, "location")),
        // Moved from another incident, into the same field.
        ta.replace(value_of(&ta, "summary"), value_of(&tb, "summary")),
        // Cut short.
        ta.replace(value_of(&ta, "summary"), &value_of(&ta, "summary")[..40]),
    ];
    for bad in cases {
        std::fs::write(s.path_of(&a), &bad).unwrap();
        let out = with(&s, &k, &["show", &a]).fails(1).says(&rel).says("`summary`").says("does not open");
        assert!(!out.stdout.contains("Summary         \n"), "never shown as empty");
        with(&s, &k, &["person", "quaxley"]).fails(1).says(&rel);
        with(&s, &k, &["note", &a, "more"]).fails(1).says("`summary`");
        assert_eq!(s.read(&a), bad, "a file that does not open is not rewritten");
    }
    // Re-wrapped: the data key line swapped for another incident's.
    let rewrapped = ta.replace(value_of(&ta, "sealed"), value_of(&tb, "sealed"));
    std::fs::write(s.path_of(&a), &rewrapped).unwrap();
    with(&s, &k, &["show", &a]).fails(1).says(&rel).says("does not open");
    std::fs::write(s.path_of(&a), &ta).unwrap();
    with(&s, &k, &["show", &a]).ok().prints(SUMMARY);
}

#[test]
fn a_removed_recipient_cannot_open_what_is_written_after_rekey() {
    let (a, b) = (key(), key());
    let s = sealed_store(&[&a, &b]);
    let id = report(&s, Some(&a));
    with(&s, &b, &["show", &id]).ok().prints(SUMMARY);
    bare(&s, &["rekey"]).fails(1).says("lsms keys new");
    with(&s, &a, &["keys", "remove", "r1"]).ok().says("lsms rekey");
    with(&s, &a, &["rekey"]).ok().says("Rekeyed: 1");
    with(&s, &a, &["note", &id, "After the leaver went"]).ok();
    let text = s.read(&id);
    assert!(text.contains("r0: ") && !text.contains("r1: "), "{text}");
    // The leaver's key opens nothing now: shown sealed, never the text.
    let shown = with(&s, &b, &["show", &id]).ok().stdout;
    assert!(
        !shown.contains("Quaxley") && !shown.contains("After the leaver") && shown.contains("(sealed)"),
        "{shown}"
    );
    with(&s, &b, &["person", "quaxley"]).fails(1).says("other recipients");
    with(&s, &a, &["show", &id]).ok().prints("After the leaver went").prints(SUMMARY);
}

#[test]
fn unseal_gives_every_string_back_as_given() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, None);
    let odd = "Line one\u{2028}Welsh: Llanfairpwll ŵ ŷ — emoji 🧯\ttab";
    bare(&s, &["note", &id, odd]).ok();
    bare(&s, &["unseal"]).fails(1).says("lsms keys new");
    with(&s, &k, &["unseal"]).ok();
    let text = s.read(&id);
    assert!(!text.contains("sealed:") && text.contains(NAME), "{text}");
    assert!(!std::fs::read_to_string(s.root.join("lsms.yaml")).unwrap().contains("sealed: true"));
    let v: serde_json::Value =
        serde_json::from_str(&bare(&s, &["show", &id, "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(v["description"], DESCRIPTION);
    assert_eq!(v["history"][1]["detail"], odd);
    bare(&s, &["check"]).ok();
}

/// Every byte a store's clone holds outside `.git`, every git object, and
/// every Git LFS object.
fn everything(root: &Path) -> Vec<u8> {
    fn walk(dir: &Path, out: &mut Vec<u8>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.extend(std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    // Git LFS keeps evidence files' contents beside git's objects.
    let lfs = root.join(".git/lfs");
    if lfs.is_dir() {
        walk(&lfs, &mut out);
    }
    let objects = std::process::Command::new("git")
        .args(["cat-file", "--batch-all-objects", "--batch"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(objects.status.success());
    out.extend(objects.stdout);
    out
}

#[test]
fn a_week_of_a_teams_work_on_a_sealed_store_leaves_no_personal_text_in_any_file_cache_or_git_object() {
    let (ka, kb) = (key(), key());
    let team = Team::new(&format!(
        "git: {{ commit: true }}\nencryption:\n  sealed: true\n  recipients:\n    jfowlis: {}\n    asmith: {}\n",
        ka.public, kb.public
    ));
    let a = team.clone("a");
    let b = team.clone("b");
    let id_a = |args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&a.root).args(["--as", "jfowlis"]).args(args).env("LSMS_IDENTITY", &ka.file);
        run(c)
    };
    let id_b = |args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&b.root).args(["--as", "asmith"]).args(args).env("LSMS_IDENTITY", &kb.file);
        run(c)
    };
    let secrets = [
        NAME,
        "Winifred Oddsocks",
        "Larkspur ward day room",
        "Glenmorangie bottle",
        "east stairwell",
        "Spoke to Quaxley's community nurse",
        "Dr Hepzibah Murgatroyd",
        "Banned from the Larkspur unit",
        "Quaxley apologised in writing",
        "Second note about the Glenmorangie",
        // An evidence file's contents, an emailed report and its attachment.
        "Ptolemy Thistlewaite",
        "Bartholomew Quince",
        "Fennimore Pluckrose",
    ];
    // Monday: A records, B hears of it.
    let id = id_a(&[
        "report",
        "--category",
        "physical-assault",
        "--summary",
        SUMMARY,
        "--description",
        DESCRIPTION,
        "--reporter",
        "Winifred Oddsocks",
        "--person",
        &format!("alleged-offender:patient:{NAME}"),
        "--location",
        "Larkspur ward day room",
        "--occurred",
        "2026-11-23 14:30",
    ])
    .ok()
    .stdout
    .trim()
    .to_string();
    let still = a.tmp.path().join("still.bin");
    std::fs::write(&still, MARKER).unwrap();
    id_a(&["evidence", "add", &id, still.to_str().unwrap()]).ok();
    let mut c = lsms();
    c.arg("-C").arg(&a.root).args(["--as", "jfowlis", "intake", "-"]).env("LSMS_IDENTITY", &ka.file);
    c.write_stdin(
        "From: ward12@nhs.net\r\nSubject: Incident on ward 12\r\nMessage-ID: <w12@nhs.net>\r\n\
         Date: Mon, 23 Nov 2026 16:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n\
         --z\r\nContent-Type: text/plain\r\n\r\nBartholomew Quince threw a chair at 15:00.\r\n\
         --z\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=witnesses.txt\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nV2l0bmVzcyBsaXN0OiBGZW5uaW1vcmUgUGx1Y2tyb3NlLCBiZWQgMTIK\r\n--z--\r\n",
    );
    run(c).ok();
    id_a(&["sync"]).ok();
    id_b(&["sync"]).ok();
    // Tuesday: both add notes on their own clones; the history merges.
    id_a(&["note", &id, "Spoke to Quaxley's community nurse"]).ok();
    id_b(&["note", &id, "Second note about the Glenmorangie"]).ok();
    id_b(&["assign", &id, "--to", "asmith", "--note", "Dr Hepzibah Murgatroyd to give a statement"]).ok();
    id_a(&["sync"]).ok();
    id_b(&["sync"]).ok().says("Pulled");
    id_a(&["sync"]).ok();
    // Wednesday: a sanction, then the close; a cron job reads figures without a key.
    id_b(&[
        "sanction",
        &id,
        "--class",
        "civil",
        "--kind",
        "warning-letter",
        "--note",
        "Banned from the Larkspur unit",
    ])
    .ok();
    id_b(&["update", &id, "--harm", "low", "--medical-factors", "no", "--riddor", "not-reportable"]).ok();
    id_b(&["close", &id, "--outcome", "sanction-applied", "--note", "Quaxley apologised in writing"]).ok();
    id_b(&["sync"]).ok();
    id_a(&["sync"]).ok();
    let cron = |args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&a.root).args(["--as", "cron"]).args(args);
        c.env_remove("LSMS_IDENTITY").env("XDG_CONFIG_HOME", a.tmp.path().join("no-config"));
        run(c)
    };
    cron(&["summary", "--by", "category"]).ok().prints("physical-assault");
    cron(&["list", "--all"]).ok().prints(&id).prints("(sealed)");
    // Both clones read the whole case with their keys.
    for shown in [id_a(&["show", &id]).ok().stdout, id_b(&["show", &id]).ok().stdout] {
        for s in &secrets[..secrets.len() - 3] {
            assert!(shown.contains(s), "{s} not shown:\n{shown}");
        }
    }
    let messages = git(&a.root, &["log", "--format=%B"]);
    assert!(a.root.join(".lsms/cache").is_dir(), "the cache was written");
    for root in [&a.root, &b.root, &team.remote] {
        let all = everything(root);
        for s in secrets {
            for piece in [s.to_string(), s.to_lowercase()] {
                assert!(
                    !all.windows(piece.len()).any(|w| w == piece.as_bytes()),
                    "{piece:?} found in {}",
                    root.display()
                );
            }
        }
    }
    assert!(!messages.contains("Quaxley"), "{messages}");
}

#[test]
fn evidence_names_and_notes_are_sealed_and_export_opens_them_with_the_key() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let file = s.tmp.path().join("Quaxley-statement.txt");
    std::fs::write(&file, "statement\n").unwrap();
    let f = file.to_str().unwrap();
    bare(&s, &["evidence", "add", &id, f, "--source", "Oddsocks by email", "--note", "Signed by Quaxley"])
        .ok();
    let text = s.read(&id);
    assert!(!text.contains("Quaxley") && !text.contains("Oddsocks"), "{text}");
    bare(&s, &["evidence", "list", &id]).ok().prints("(sealed)");
    bare(&s, &["evidence", "verify", &id]).ok();
    // The same file again: skipped, its name on the record shown sealed.
    let again = bare(&s, &["evidence", "add", &id, f]).ok().says("already on").says("as (sealed)");
    assert!(!again.stderr.contains("sealed:v1"), "{}", again.stderr);
    let out = s.tmp.path().join("out");
    let to = out.to_str().unwrap();
    bare(&s, &["evidence", "export", &id, "--to", to, "--recipient", "Police"])
        .fails(1)
        .says("lsms keys new");
    with(&s, &k, &["evidence", "export", &id, "--to", to, "--recipient", "Police"]).ok();
    assert!(out.join("Quaxley-statement.txt").is_file(), "exported under the name it was added with");
    assert!(!s.read(&id).contains("Police"), "the disclosure's recipient is sealed in the history");
}

#[test]
fn a_note_added_on_a_clone_that_had_not_seen_the_rekey_still_opens_after_the_merge() {
    let (ka, kb) = (key(), key());
    let team = Team::new(&format!(
        "git: {{ commit: true }}\nencryption:\n  sealed: true\n  recipients:\n    jfowlis: {}\n    asmith: {}\n",
        ka.public, kb.public
    ));
    let (a, b) = (team.clone("a"), team.clone("b"));
    let as_key = |s: &Store, k: &Key, who: &str, args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&s.root).args(["--as", who]).args(args).env("LSMS_IDENTITY", &k.file);
        run(c)
    };
    let id = as_key(&a, &ka, "jfowlis", &["report", "--category", "theft", "--summary", SUMMARY])
        .ok()
        .stdout
        .trim()
        .to_string();
    as_key(&a, &ka, "jfowlis", &["sync"]).ok();
    as_key(&b, &kb, "asmith", &["sync"]).ok();
    as_key(&a, &ka, "jfowlis", &["rekey"]).ok();
    as_key(&a, &ka, "jfowlis", &["sync"]).ok();
    // B has not pulled the rekey: its note is sealed under the old data key.
    as_key(&b, &kb, "asmith", &["note", &id, "Written before the rekey reached this clone"]).ok();
    as_key(&b, &kb, "asmith", &["sync"]).ok();
    as_key(&a, &ka, "jfowlis", &["sync"]).ok();
    for (s, k, who) in [(&a, &ka, "jfowlis"), (&b, &kb, "asmith")] {
        as_key(s, k, who, &["show", &id])
            .ok()
            .prints("Written before the rekey reached this clone")
            .prints(SUMMARY);
        as_key(s, k, who, &["check"]).ok();
    }
}

#[test]
fn the_same_sealed_change_on_both_clones_merges_with_a_key_and_is_named_without_one() {
    let (ka, kb) = (key(), key());
    let team = Team::new(&format!(
        "git: {{ commit: true }}\nencryption:\n  sealed: true\n  recipients:\n    jfowlis: {}\n    asmith: {}\n",
        ka.public, kb.public
    ));
    let (a, b) = (team.clone("a"), team.clone("b"));
    let on = |s: &Store, k: Option<&Key>, who: &str, args: &[&str]| {
        let mut c = lsms();
        c.arg("-C").arg(&s.root).args(["--as", who]).args(args);
        c.env("XDG_CONFIG_HOME", s.tmp.path().join("no-config"));
        match k {
            Some(k) => c.env("LSMS_IDENTITY", &k.file),
            None => c.env_remove("LSMS_IDENTITY"),
        };
        run(c)
    };
    let new = |args: &[&str]| on(&a, Some(&ka), "jfowlis", args).ok().stdout.trim().to_string();
    let one = new(&["report", "--category", "theft", "--summary", SUMMARY]);
    let two = new(&["report", "--category", "theft", "--summary", SUMMARY]);
    on(&a, Some(&ka), "jfowlis", &["sync"]).ok();
    on(&b, Some(&kb), "asmith", &["sync"]).ok();
    // Both clones make the same change: each seals it under its own nonce.
    on(&a, Some(&ka), "jfowlis", &["update", &one, "--location", "Larkspur ward day room"]).ok();
    on(&a, Some(&ka), "jfowlis", &["update", &two, "--location", "Larkspur ward day room"]).ok();
    on(&a, Some(&ka), "jfowlis", &["sync"]).ok();
    on(&b, Some(&kb), "asmith", &["update", &one, "--location", "Larkspur ward day room"]).ok();
    on(&b, Some(&kb), "asmith", &["update", &two, "--location", "Larkspur ward day room"]).ok();
    let before = git(&b.root, &["rev-parse", "HEAD"]);
    // Without an identity the driver cannot compare them, and says so.
    on(&b, None, "asmith", &["sync"]).fails(1).says("no identity to compare them");
    git(&b.root, &["merge", "--abort"]);
    git(&b.root, &["reset", "-q", "--hard", before.trim()]);
    // With one (given as --identity, which sync hands to the driver), the
    // same text on both sides is no conflict.
    on(&b, None, "asmith", &["--identity", kb.file.to_str().unwrap(), "sync"]).ok();
    on(&b, Some(&kb), "asmith", &["show", &one]).ok().prints("Larkspur ward day room");
    on(&b, Some(&kb), "asmith", &["check"]).ok();
}

#[test]
fn seal_on_a_git_store_is_one_commit_of_every_file_and_lsms_yaml() {
    let k = key();
    let team = Team::new(&format!(
        "git: {{ commit: true }}\nencryption:\n  recipients:\n    jfowlis: {}\n",
        k.public
    ));
    let a = team.clone("a");
    let ids = [report(&a, None), report(&a, None)];
    let commits = |s: &Store| git(&s.root, &["rev-list", "--count", "HEAD"]).trim().parse::<u32>().unwrap();
    let before = commits(&a);
    bare(&a, &["seal"]).ok().says("Sealed: 2 incident file(s)");
    assert_eq!(commits(&a), before + 1);
    let changed = git(&a.root, &["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(changed.starts_with("lsms seal: 2 incident file(s)\n"), "{changed}");
    for rel in ["lsms.yaml", &format!("{}.yaml", ids[0]), &format!("{}.yaml", ids[1])] {
        assert!(changed.contains(rel), "{rel} not in the commit:\n{changed}");
    }
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "");
    assert!(!std::fs::read_to_string(a.path_of(&ids[0])).unwrap().contains("Quaxley"));
}

#[test]
fn a_case_file_from_a_sealed_store_shows_the_record_opened_to_whoever_holds_the_key() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let other = report(&s, Some(&k));
    with(&s, &k, &["link", &id, &other, "--kind", "same-offender"]).ok();
    let out = s.tmp.path().join("case.html");
    let out_s = out.to_str().unwrap();
    with(
        &s,
        &k,
        &["casefile", &id, "--to", "police", "--basis", "DPA 2018 Sch. 2 para. 2", "--output", out_s],
    )
    .ok();
    let page = std::fs::read_to_string(&out).unwrap();
    for plain in [SUMMARY, DESCRIPTION, NAME, "Winifred Oddsocks"] {
        assert!(page.contains(&html_escape(plain)), "{plain} is in the case file as written");
    }
    assert!(!page.contains("sealed:v1:") && !page.contains("sealed:age:"), "no sealed text in the case file");
    // The record itself stays sealed, its disclosure too.
    let file = s.read(&id);
    assert!(!file.contains(DESCRIPTION) && file.contains("disclos"), "{file}");
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const MARKER: &[u8] = b"CCTV still of Ptolemy Thistlewaite\0\x01binary tail";

#[test]
fn sealed_evidence_is_an_age_file_under_the_originals_hash_verified_and_exported_only_with_the_key() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let file = s.tmp.path().join("still.bin");
    std::fs::write(&file, MARKER).unwrap();
    let sha = sha256sum(&file);
    let f = file.to_str().unwrap();
    // Added without an identity: sealing needs only the public keys.
    bare(&s, &["evidence", "add", &id, f]).ok();
    let stored = std::fs::read(s.object(&sha)).unwrap();
    assert!(stored.starts_with(b"age-encryption.org/v1\n"), "an age file under the original's hash");
    assert!(!stored.windows(7).any(|w| w == b"Ptolemy"), "the contents are sealed");
    let text = s.read(&id);
    assert!(text.contains(&sha) && text.contains(&format!("size: {}", MARKER.len())), "{text}");
    // With the key: opened and hashed. Without: there, an age file, not verified.
    with(&s, &k, &["evidence", "verify", &id]).ok().says("all as recorded");
    bare(&s, &["evidence", "verify", &id]).ok().says("not verified, for want of a key");
    bare(&s, &["check"]).ok();
    // Export opens it, to the very bytes added; without the key it is refused.
    let out = s.tmp.path().join("out");
    let to = out.to_str().unwrap();
    bare(&s, &["evidence", "export", &id, "--to", to, "--recipient", "Police"])
        .fails(1)
        .says("lsms keys new");
    with(&s, &k, &["evidence", "export", &id, "--to", to, "--recipient", "Police"]).ok();
    assert_eq!(sha256sum(&out.join("still.bin")), sha);
    assert_eq!(std::fs::read(out.join("still.bin")).unwrap(), MARKER);
    // So does a case file's bundle: a hand-over is the original bytes.
    let html = s.tmp.path().join("case.html");
    let ev = s.tmp.path().join("bundle");
    let casefile = |k: Option<&Key>| {
        let args = [
            "casefile",
            &id,
            "--to",
            "police",
            "--recipient",
            "Police",
            "--basis",
            "DPA 2018 Sch. 2 para. 2",
            "--output",
            html.to_str().unwrap(),
            "--with-evidence",
            ev.to_str().unwrap(),
        ];
        match k {
            Some(k) => with(&s, k, &args),
            None => bare(&s, &args),
        }
    };
    casefile(None).fails(1).says("lsms keys new");
    casefile(Some(&k)).ok();
    let sums = std::fs::read_to_string(ev.join("SHA256SUMS")).unwrap();
    let (listed, name) = sums.trim().split_once("  ").unwrap();
    assert_eq!(listed, sha);
    assert_eq!(std::fs::read(ev.join(name)).unwrap(), MARKER);
    // A damaged sealed copy is named with the key, and re-adding the
    // original restores it, sealed again.
    let path = s.object(&sha);
    let mut bytes = stored.clone();
    let n = bytes.len();
    bytes[n - 5] ^= 0x40;
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    with(&s, &k, &["evidence", "verify", &id]).fails(1).says("does not open");
    with(&s, &k, &["evidence", "add", &id, f]).ok().says("restored");
    with(&s, &k, &["evidence", "verify", &id]).ok().says("all as recorded");
    let again = std::fs::read(&path).unwrap();
    assert!(again.starts_with(b"age-encryption.org/v1\n"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only");
    // A FIFO where the sealed file belongs is named even without a key.
    std::fs::remove_file(&path).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success());
    bare(&s, &["evidence", "verify", &id]).fails(1).says("FIFO");
}

#[test]
fn a_large_evidence_file_is_sealed_streaming_in_flat_memory() {
    let k = key();
    let s = sealed_store(&[&k]);
    let id = report(&s, Some(&k));
    let file = s.tmp.path().join("cctv.mp4");
    let size: usize = 50 << 20;
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        let block: Vec<u8> = (0..1 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for _ in 0..(size >> 20) {
            w.write_all(&block).unwrap();
        }
    }
    let peak = |args: &[&str]| {
        let mut c = std::process::Command::new("/usr/bin/time");
        c.arg("-f").arg("peak-kib=%M").arg(env!("CARGO_BIN_EXE_lsms"));
        c.arg("-C").arg(&s.root).args(["--as", "tester"]).args(args);
        c.env("LSMS_IDENTITY", &k.file).env("XDG_CONFIG_HOME", s.tmp.path().join("no-config"));
        let out = c.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{err}");
        let kib: u64 =
            err.lines().rev().find_map(|l| l.strip_prefix("peak-kib=")).unwrap().trim().parse().unwrap();
        kib
    };
    let added = peak(&["evidence", "add", &id, file.to_str().unwrap()]);
    assert!(added < 64 * 1024, "evidence add peaked at {added} KiB");
    let verified = peak(&["evidence", "verify", &id]);
    assert!(verified < 64 * 1024, "evidence verify peaked at {verified} KiB");
    let text = s.read(&id);
    assert!(text.contains(&format!("size: {size}")), "{text}");
}

#[test]
fn seal_unseal_and_rekey_turn_every_evidence_file_in_their_one_commit_and_a_rekey_syncs_to_the_other_clone() {
    use std::os::unix::fs::PermissionsExt;
    let (ka, kb) = (key(), key());
    let team = Team::new(&format!(
        "git: {{ commit: true }}\nencryption:\n  recipients:\n    jfowlis: {}\n",
        ka.public
    ));
    let a = team.clone("a");
    let b = team.clone("b");
    let id = report(&a, None);
    let file = a.tmp.path().join("still.bin");
    std::fs::write(&file, MARKER).unwrap();
    let sha = sha256sum(&file);
    bare(&a, &["evidence", "add", &id, file.to_str().unwrap()]).ok();
    let path = a.object(&sha);
    assert_eq!(std::fs::read(&path).unwrap(), MARKER, "plain before the store is sealed");
    let rel = format!("evidence/{}/{sha}", &sha[..2]);
    let commits = |s: &Store| git(&s.root, &["rev-list", "--count", "HEAD"]).trim().parse::<u32>().unwrap();
    let in_last_commit = |s: &Store| git(&s.root, &["show", "--name-only", "--format=%s", "HEAD"]);

    // Seal: the evidence file is sealed in the same one commit, read-only.
    let before = commits(&a);
    bare(&a, &["seal"]).ok().says("1 evidence file(s)");
    assert_eq!(commits(&a), before + 1);
    assert!(in_last_commit(&a).contains(&rel), "{}", in_last_commit(&a));
    let sealed = std::fs::read(&path).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n") && !sealed.windows(7).any(|w| w == b"Ptolemy"));
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only");
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "");
    with(&a, &ka, &["evidence", "verify", &id]).ok().says("all as recorded");
    bare(&a, &["sync"]).ok();
    bare(&b, &["sync"]).ok();

    // A recipient is added and the store rekeyed on clone a: the new
    // ciphertext syncs to clone b, which opens it with the new key.
    bare(&a, &["keys", "add", "asmith", &kb.public]).ok();
    bare(&a, &["sync"]).ok();
    with(&a, &ka, &["rekey"]).ok().says("1 evidence file(s)");
    assert!(in_last_commit(&a).contains(&rel));
    let rekeyed = std::fs::read(&path).unwrap();
    assert_ne!(rekeyed, sealed, "each file sealed anew");
    bare(&a, &["sync"]).ok();
    bare(&b, &["sync"]).ok();
    assert_eq!(std::fs::read(b.object(&sha)).unwrap(), rekeyed);
    with(&b, &kb, &["evidence", "verify", &id]).ok().says("all as recorded");

    // Someone else's change to a sealed file is still refused by sync.
    let theirs = b.object(&sha);
    let mut bytes = rekeyed.clone();
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&theirs, &bytes).unwrap();
    git(&b.root, &["commit", "-qam", "edit"]);
    git(&b.root, &["push", "-q"]);
    bare(&a, &["sync"]).fails(1).says("changes the bytes of evidence");
    git(&b.root, &["reset", "-q", "--hard", "HEAD~1"]);
    git(&b.root, &["push", "-qf"]);

    // Unseal: back to the very bytes added, in its one commit.
    with(&a, &ka, &["unseal"]).ok().says("1 evidence file(s)");
    assert!(in_last_commit(&a).contains(&rel));
    assert_eq!(std::fs::read(&path).unwrap(), MARKER);
    assert_eq!(sha256sum(&path), sha);
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o222, 0, "read-only");
    bare(&a, &["evidence", "verify", &id]).ok().says("all as recorded");
}

#[test]
fn a_message_intake_could_not_take_is_kept_sealed_in_a_sealed_store() {
    let k = key();
    let s = sealed_store(&[&k]);
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}intake:\n  max_attachment_mb: 1\n")).unwrap();
    // An attachment over the limit: the message is kept, not taken in.
    let photo: String = "Ptolemy Thistlewaite ".repeat(120_000);
    let mut b64 = String::new();
    for chunk in base64_lines(photo.as_bytes()) {
        b64.push_str(&chunk);
        b64.push('\n');
    }
    let msg = format!(
        "From: Ptolemy Thistlewaite <pt@nhs.net>\nSubject: Thistlewaite hit me\nMessage-ID: <big@x>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\nThistlewaite hit me\n\
         --BB\nContent-Type: application/octet-stream; name=\"Thistlewaite bruises.bin\"\nContent-Transfer-Encoding: base64\n\n{b64}--BB--\n"
    );
    let mut c = s.cmd(&["intake", "-"]);
    c.write_stdin(msg);
    let out = run(c).fails(1);
    assert!(out.stderr.contains(".eml.age"), "{}", out.stderr);
    let failed = s.root.join(".lsms/intake/failed");
    let names: Vec<String> = std::fs::read_dir(&failed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert_eq!(names.len(), 2, "the copy and its reason: {names:?}");
    for n in &names {
        let bytes = std::fs::read(failed.join(n)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Thistlewaite"),
            "{n} holds the name in plain text"
        );
    }
    // Both sealed: the reason names the attachment, and a key opens it.
    for n in &names {
        assert!(n.ends_with(".age"), "{n} is not sealed");
        assert!(std::fs::read(failed.join(n)).unwrap().starts_with(b"age-encryption.org/v1\n"));
    }
    let reason = names.iter().find(|n| n.ends_with(".reason.age")).unwrap();
    let opened = age_decrypt(&k, &failed.join(reason));
    assert!(opened.contains("Thistlewaite bruises.bin") && opened.contains("over the"), "{opened}");
}

/// Base64 in lines of 76, as mail carries it.
fn base64_lines(bytes: &[u8]) -> Vec<String> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() { A[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out.as_bytes().chunks(76).map(|l| String::from_utf8(l.to_vec()).unwrap()).collect()
}

/// What `age -d -i IDENTITY FILE` prints, with `k`'s identity.
fn age_decrypt(k: &Key, file: &Path) -> String {
    let text = std::fs::read_to_string(&k.file).unwrap();
    let secret = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-")).expect("an age secret key");
    let id: age::x25519::Identity = secret.parse().unwrap();
    let plain = age::decrypt(&id, &std::fs::read(file).unwrap()).unwrap();
    String::from_utf8(plain).unwrap()
}

#[test]
fn the_reporter_is_told_only_by_someone_who_can_open_their_name_and_address() {
    let k = key();
    let s = sealed_store(&[&k]);
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}intake:\n  from: lsms@test.nhs.uk\n  outbox: ../outbox\n")).unwrap();
    let id = with(
        &s,
        &k,
        &[
            "report",
            "--category",
            "theft",
            "--summary",
            "Bike",
            "--reporter",
            NAME,
            "--reporter-email",
            "zq@nhs.net",
        ],
    )
    .ok()
    .stdout
    .trim()
    .to_string();
    let outbox = s.tmp.path().join("outbox/new");
    let before = s.snapshot();
    bare(&s, &["close", &id, "--outcome", "no-further-action", "--note", "x", "--tell-reporter"])
        .fails(1)
        .says("lsms keys new");
    assert_eq!(s.snapshot(), before, "nothing closed, nothing recorded");
    assert_eq!(std::fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0), 0, "nothing sent");
    // The key holder tells them, at their own address.
    with(&s, &k, &["close", &id, "--outcome", "no-further-action", "--note", "x", "--tell-reporter"]).ok();
    let sent: Vec<_> = std::fs::read_dir(&outbox).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(sent.len(), 1);
    let msg = std::fs::read_to_string(&sent[0]).unwrap();
    assert!(msg.contains("zq@nhs.net") && !msg.contains("sealed:"), "{msg}");
}
