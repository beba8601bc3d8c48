//! Hand-overs on the record: the case file for the police or a hearing
//! (`casefile`), the disclosure log (`disclosures`) and the subject access
//! bundle (`person --sar`), each a `disclosed` history entry, each written
//! only whole, owner-only, and escaped.

use crate::harness::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A case with a name, free text, a sanction, a loss, a notification and
/// one evidence file.
fn case(s: &Store) -> String {
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Visitor struck a nurse at reception",
        "--occurred",
        "2026-11-24 14:30",
        "--reported",
        "2026-11-24 15:00",
        "--description",
        "Dana Whitlock was struck by the visitor.",
        "--reporter",
        "Dana Whitlock",
        "--reporter-party",
        "staff",
        "--person",
        "alleged-offender:visitor:Rex Ombwe",
        "--loss",
        "40.00",
    ]);
    s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter", "--note", "Sent by post"]).ok();
    s.run(&["notify", &id, "--to", "police", "--on", "2026-11-25", "--ref", "MP/1"]).ok();
    let f = s.tmp.path().join("still.jpg");
    std::fs::write(&f, b"a still from camera 4").unwrap();
    s.run(&["evidence", "add", &id, p(&f), "--source", "Estates CCTV"]).ok();
    id
}

#[test]
fn a_case_file_holds_the_case_and_its_manifest_and_the_disclosure_is_recorded() {
    let s = Store::new();
    let id = case(&s);
    let other = s.report(&["--category", "theft", "--summary", "Wallet taken from the same visitor"]);
    s.run(&["link", &id, &other, "--kind", "same-offender"]).ok();
    // Work entered after the fact is written last but happened first.
    s.run(&["note", &id, "Spoke to the nurse at the scene", "--on", "2026-11-24 16:00"]).ok();
    let out = s.tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let html = out.join("case.html");
    let ev = out.join("evidence");
    s.run(&[
        "casefile",
        &id,
        "--to",
        "police",
        "--recipient",
        "Merseyside Police",
        "--basis",
        "DPA 2018 Sch. 2 para. 2",
        "--output",
        p(&html),
        "--with-evidence",
        p(&ev),
    ])
    .ok();
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(mode(&html), 0o600, "owner-only");
    for want in [
        "Visitor struck a nurse at reception",
        "Dana Whitlock was struck by the visitor.",
        "Rex Ombwe",
        "warning-letter",
        "Sent by post",
        "40.00",
        "MP/1",
        "Estates CCTV",
        "Wallet taken from the same visitor",
        &other,
        "Merseyside Police",
        "DPA 2018 Sch. 2 para. 2",
        "OFFICIAL-SENSITIVE",
        "Page \" counter(page) \" of \" counter(pages)",
    ] {
        assert!(page.contains(want), "the case file lacks {want:?}");
    }
    // The history in the order things happened, not as written.
    let (a, b) = (page.find("Spoke to the nurse").unwrap(), page.find("evidence-added").unwrap());
    assert!(a < b, "history in date order");
    // The evidence copy, its SHA256SUMS, and its hash in the manifest.
    let sums = std::fs::read_to_string(ev.join("SHA256SUMS")).unwrap();
    let (sha, name) = sums.trim().split_once("  ").unwrap();
    assert_eq!(sha256sum(&ev.join(name)), sha, "the copy is the file recorded");
    assert!(page.contains(sha), "the manifest gives the file's SHA-256");
    // The disclosure on the record: to whom, basis, what went.
    let yaml = s.read(&id);
    let entry = yaml.lines().find(|l| l.contains("action: disclosed")).expect("a disclosed entry");
    for want in [
        "form: case-file",
        "to: police",
        "recipient: Merseyside Police",
        "basis: DPA 2018 Sch. 2 para. 2",
        "evidence manifest",
    ] {
        assert!(entry.contains(want), "the entry lacks {want:?}: {entry}");
    }
    assert!(entry.contains(&format!("evidence copy {sha}")), "the entry names the copy by hash: {entry}");
}

#[test]
fn a_field_left_out_is_not_in_the_file_and_the_file_says_so() {
    let s = Store::new();
    let id = case(&s);
    let html = s.tmp.path().join("hearing.html");
    s.run(&[
        "casefile",
        &id,
        "--to",
        "hearing",
        "--basis",
        "Disciplinary policy 4.2",
        "--output",
        p(&html),
        "--omit",
        "description,reporter.name",
        "--omit",
        "people.name",
    ])
    .ok();
    let page = std::fs::read_to_string(&html).unwrap();
    for gone in ["Dana Whitlock", "Rex Ombwe", "was struck by the visitor"] {
        assert!(!page.contains(gone), "{gone:?} was to be left out");
    }
    assert!(page.contains("Left out of this file"), "the file lists what was left out");
    assert!(page.contains("description, reporter.name, people.name"));
    assert!(s.read(&id).contains("omitted: [description, reporter.name, people.name]"));
}

#[test]
fn every_field_left_out_is_out_of_the_page_the_history_and_the_copies() {
    let s = Store::new();
    let id = case(&s);
    // A person added later: the history's change of `people` holds the name.
    s.run(&["update", &id, "--person", "witness:staff:Zed Quux"]).ok();
    let out = s.tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let (html, ev) = (out.join("case.html"), out.join("evidence"));
    s.run(&[
        "casefile",
        &id,
        "--to",
        "insurer",
        "--basis",
        "Contract",
        "--output",
        p(&html),
        "--with-evidence",
        p(&ev),
        "--omit",
        "people.name,losses.estimated,history.by,sanctions.note,notified.ref,evidence.name,evidence.source",
    ])
    .ok();
    let page = std::fs::read_to_string(&html).unwrap();
    for gone in
        ["Rex Ombwe", "Zed Quux", "40.00", "by tester", "Sent by post", "MP/1", "still.jpg", "Estates CCTV"]
    {
        assert!(!page.contains(gone), "{gone:?} was to be left out");
    }
    // The copy goes out under a number, with its extension.
    let sums = std::fs::read_to_string(ev.join("SHA256SUMS")).unwrap();
    assert!(sums.trim().ends_with("  item-1.jpg") && !sums.contains("still"), "{sums}");
    assert!(ev.join("item-1.jpg").is_file());
}

#[test]
fn bad_case_file_requests_are_refused_and_leave_the_store_as_it_was() {
    let s = Store::new();
    let id = case(&s);
    let html = s.tmp.path().join("x.html");
    let before = s.snapshot();
    let cases: [(&[&str], i32, &str); 6] = [
        (&["--to", "police", "--basis", "  "], 1, "lawful basis is empty"),
        (&["--basis", "DPA 2018"], 2, "--to"),
        (&["--to", "newspaper", "--basis", "DPA 2018"], 2, "invalid value 'newspaper'"),
        (&["--to", "other", "--basis", "DPA 2018"], 1, "says to whom"),
        (&["--to", "police", "--basis", "DPA 2018", "--omit", "descripton"], 2, "did you mean 'description'"),
        (&["--to", "police", "--basis", "DPA 2018", "--omit", "nothing"], 2, "no field of that name"),
    ];
    for (extra, code, says) in cases {
        let mut args = vec!["casefile", &id, "--output", p(&html)];
        args.extend_from_slice(extra);
        s.run(&args).fails(code).says(says);
        assert!(!html.exists(), "{extra:?}: no file written");
        assert!(s.snapshot() == before, "{extra:?}: the store is unchanged");
    }
    s.run(&["casefile", "ZZZZ", "--to", "police", "--basis", "DPA 2018", "--output", p(&html)])
        .fails(1)
        .says("ZZZZ");
    // Never over a store file, nor into a FIFO.
    let own = s.path_of(&id);
    s.run(&["casefile", &id, "--to", "police", "--basis", "DPA 2018", "--output", p(&own)])
        .fails(1)
        .says("store's own files");
    let fifo = s.tmp.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    s.run(&["casefile", &id, "--to", "police", "--basis", "DPA 2018", "--output", p(&fifo)])
        .fails(1)
        .says("not a regular file");
    assert!(s.snapshot() == before, "the store is unchanged");
}

#[test]
fn no_text_of_a_record_can_add_markup_to_a_case_file() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "<script>alert(1)</script> taken",
        "--description",
        "</style><img src=x onerror=alert(2)> \u{202E}txet desrever",
        "--person",
        "witness:staff:<b>Bold</b>",
        "--person",
        "victim:staff:Jo Bloggs",
    ]);
    let html = s.tmp.path().join("c.html");
    s.run(&["casefile", &id, "--to", "insurer", "--basis", "Policy <i>claim</i>", "--output", p(&html)]).ok();
    let page = std::fs::read_to_string(&html).unwrap();
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Jo Bloggs", "--sar", "-o", p(&dir)]).ok();
    let sar = std::fs::read_to_string(dir.join("subject-access.html")).unwrap();
    assert!(!sar.contains("<script") && !sar.contains("<img"), "no element from the record in the bundle");
    assert_eq!(sar.matches("</style>").count(), 1, "only the bundle's own style ends");
    assert!(!sar.contains('\u{202E}') && sar.contains("[U+202E]txet desrever"));
    assert!(!page.contains("<script"), "no script element");
    assert!(!page.contains("<img"), "no element from the record");
    assert!(!page.contains("<b>Bold") && !page.contains("<i>claim"), "no markup from the record");
    assert_eq!(page.matches("</style>").count(), 1, "only the page's own style ends");
    assert!(!page.contains('\u{202E}'), "a bidi override is shown, not obeyed");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; taken"), "the text is there, as text");
    assert!(page.contains("[U+202E]txet desrever"));
}

#[test]
fn the_disclosure_log_lists_every_hand_over_and_nothing_personal_unless_asked() {
    let s = Store::new();
    let a = case(&s);
    let b = s.report(&["--category", "theft", "--summary", "Phone taken", "--occurred", "2026-11-20 10:00"]);
    let html = s.tmp.path().join("c.html");
    let early = |args: &[&str]| {
        let mut c = s.cmd(args);
        c.env("LSMS_NOW", "2026-11-25T09:00:00Z");
        run(c).ok();
    };
    early(&[
        "casefile",
        &b,
        "--to",
        "insurer",
        "--recipient",
        "Zurich Claims",
        "--basis",
        "Contract clause 9",
        "--output",
        p(&html),
    ]);
    s.run(&[
        "casefile",
        &a,
        "--to",
        "police",
        "--basis",
        "Crime and Disorder Act 1998 s.115",
        "--output",
        p(&html),
        "--omit",
        "reporter.name",
    ])
    .ok();
    let out = s.run(&["disclosures", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{}", out.stdout);
    assert_eq!(rows[0]["id"], b.as_str(), "oldest first");
    assert_eq!(rows[0]["to"], "insurer");
    assert_eq!(rows[1]["id"], a.as_str());
    assert_eq!(rows[1]["form"], "case-file");
    assert_eq!(rows[1]["omitted"], "reporter.name");
    for personal in ["Zurich", "Contract clause", "Crime and Disorder", "tester", "Dana", "Phone taken"] {
        assert!(!out.stdout.contains(personal), "{personal:?} is personal: {}", out.stdout);
    }
    let out = s.run(&["disclosures", "--format", "json", "--include-personal"]).ok();
    for personal in ["Zurich Claims", "Contract clause 9", "Crime and Disorder Act 1998 s.115", "tester"] {
        assert!(out.stdout.contains(personal), "--include-personal adds {personal:?}");
    }
    let out = s.run(&["disclosures", "--to", "police", "--format", "csv"]).ok();
    assert_eq!(out.lines()[0], "id,at,to,form,included,omitted");
    assert_eq!(out.lines().len(), 2);
    assert!(out.lines()[1].starts_with(&a));
    let out = s.run(&["disclosures", "--since", "2026-11-25 10:00", "--format", "tsv"]).ok();
    assert_eq!(out.lines().len(), 1, "{}", out.stdout);
    assert!(out.stdout.starts_with(&a));
    let ids = s.run(&["disclosures", "--format", "ids"]).ok();
    assert_eq!(ids.lines(), [b.as_str(), a.as_str()]);
    let file = s.tmp.path().join("log.csv");
    s.run(&["disclosures", "--format", "csv", "--output", p(&file)]).ok();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("\u{feff}id,at,to,form,included,omitted\n"), "{text}");
    assert_eq!(mode(&file), 0o600);
    let before = s.snapshot();
    s.run(&["disclosures", "--output", p(&s.root.join("lsms.yaml"))]).fails(1).says("store's own files");
    assert!(s.snapshot() == before);
    s.run(&["disclosures", "--to", "press"]).fails(2).says("invalid value 'press'");
    s.run(&["disclosures", "--since", "someday"]).fails(2).says("--since");
}

/// Three people who share a first name: the subject, a witness and the
/// alleged offender; a second case naming the subject, and one that does not.
fn sams(s: &Store) -> (String, String, String) {
    let a = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Sam Clarke struck Sam Jones in the car park",
        "--occurred",
        "2026-11-24 14:30",
        "--description",
        "SAM PATEL saw Clarke\u{2019}s fist hit Sam Jones. Sam shouted. Pátel called security; sam  patel's statement follows.",
        "--reporter",
        "Sam Patel",
        "--reporter-party",
        "staff",
        "--person",
        "victim:staff:Sam Jones",
        "--person",
        "witness:staff:Sam Patel",
        "--person",
        "alleged-offender:visitor:Sam Clarke",
    ]);
    s.run(&["note", &a, "Clarke admitted it; Patel's account agrees"]).ok();
    let b = s.report(&[
        "--category",
        "non-physical-assault",
        "--summary",
        "Threats by phone",
        "--occurred",
        "2026-11-20 09:00",
        "--person",
        "victim:staff:sam jones",
    ]);
    let c =
        s.report(&["--category", "theft", "--summary", "Bag taken", "--person", "victim:staff:Ann Other"]);
    (a, b, c)
}

#[test]
fn a_subject_access_bundle_names_no_one_else_and_says_what_it_could_not_be_sure_of() {
    let s = Store::new();
    let (a, b, c) = sams(&s);
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Sam Jones", "--sar", "--output", p(&dir)]).ok().says("REVIEW-BEFORE-RELEASE.txt");
    let html = std::fs::read_to_string(dir.join("subject-access.html")).unwrap();
    let json = std::fs::read_to_string(dir.join("subject-access.json")).unwrap();
    for out in [&html, &json] {
        for other in ["Patel", "PATEL", "Pátel", "patel", "Clarke", "Ann Other"] {
            assert!(!out.contains(other), "{other:?} is another person's name:\n{out}");
        }
        assert!(out.contains("Sam Jones"), "the subject's own name stays");
        assert!(out.contains("[witness 1, staff]") && out.contains("[alleged-offender 1, visitor]"));
        assert!(out.contains("OFFICIAL-SENSITIVE"));
        assert!(!out.contains(&c), "an incident not naming them is not in the bundle");
    }
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cases = v["incidents"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["id"], b.as_str(), "oldest first");
    let d = cases[1]["record"]["description"].as_str().unwrap();
    assert_eq!(
        d,
        "[witness 1, staff] saw [alleged-offender 1, visitor]\u{2019}s fist hit Sam Jones. Sam shouted. \
         [witness 1, staff] called security; [witness 1, staff]'s statement follows."
    );
    assert_eq!(
        cases[1]["record"]["summary"],
        "[alleged-offender 1, visitor] struck Sam Jones in the car park"
    );
    let notes: Vec<&str> =
        cases[1]["history"].as_array().unwrap().iter().filter_map(|h| h["detail"].as_str()).collect();
    assert!(
        notes.contains(&"[alleged-offender 1, visitor] admitted it; [witness 1, staff]'s account agrees"),
        "{notes:?}"
    );
    // "Sam" alone may be any of three: left for the LSMS, and said so.
    let review = std::fs::read_to_string(dir.join("REVIEW-BEFORE-RELEASE.txt")).unwrap();
    assert!(review.contains(&format!("{a} description: \"Sam\"")), "{review}");
    assert!(review.contains("shares"), "{review}");
    // Owner-only.
    assert_eq!(mode(&dir), 0o700);
    for f in ["subject-access.html", "subject-access.json", "REVIEW-BEFORE-RELEASE.txt"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
}

#[test]
fn every_incident_in_a_bundle_records_its_disclosure_and_no_other_does() {
    let s = Store::new();
    let (a, b, c) = sams(&s);
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "sam JONES", "--sar", "-o", p(&dir)]).ok();
    for id in [&a, &b] {
        let yaml = s.read(id);
        let entry =
            yaml.lines().find(|l| l.contains("action: disclosed")).unwrap_or_else(|| panic!("{id}: {yaml}"));
        assert!(entry.contains("form: subject-access") && entry.contains("to: data-subject"), "{entry}");
        assert!(entry.contains("UK GDPR Art. 15"), "{entry}");
    }
    assert!(!s.read(&c).contains("disclosed"));
    let log = s.run(&["disclosures", "--to", "data-subject", "--format", "tsv"]).ok();
    assert_eq!(log.lines().len(), 2);
}

#[test]
fn a_bundle_that_cannot_be_made_whole_is_not_made_and_the_store_is_unchanged() {
    let s = Store::new();
    sams(&s);
    let before = s.snapshot();
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Sam Jones", "--sar"]).fails(2).says("--output");
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir), "--basis", " "])
        .fails(1)
        .says("lawful basis is empty");
    s.run(&["person", "Nobody Atall", "--sar", "-o", p(&dir)]).fails(1).says("no incident names");
    assert!(!dir.exists());
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("old.txt"), "x").unwrap();
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir)]).fails(1).says("holds files already");
    assert!(s.snapshot() == before, "the store is unchanged");
    // An empty folder given is used, and made owner-only.
    let empty = s.tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o755)).unwrap();
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&empty)]).ok();
    assert_eq!(mode(&empty), 0o700);
    let before = s.snapshot();
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&s.root.join("incidents"))]).fails(1);
    assert!(s.snapshot() == before, "the store is unchanged");
}

#[test]
fn case_files_and_bundles_print_their_marking_and_page_number_on_every_page() {
    if !chromium() || !pdftotext() {
        return;
    }
    let s = Store::new();
    let (a, _, _) = sams(&s);
    // Enough history for several pages, and hostile text in it.
    let long = "A long note about what Sam Patel said. ".repeat(12);
    for i in 0..40 {
        s.run(&["note", &a, &format!("{i}: {long}")]).ok();
    }
    s.run(&["note", &a, "<script>document.title='x'</script></style>\u{202E}evil"]).ok();
    // One word too long for any column: wrapped, never cut off at the margin.
    s.run(&["note", &a, &"ж".repeat(600)]).ok();
    let html = s.tmp.path().join("case.html");
    s.run(&["casefile", &a, "--to", "police", "--basis", "DPA 2018 Sch. 2 para. 2", "--output", p(&html)])
        .ok();
    let pages = print_pages(s.tmp.path(), &html);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    every_page_marked(&pages, "OFFICIAL-SENSITIVE", "the case file");
    assert!(pages.iter().any(|p| p.contains("<script>document.title")), "hostile text printed as text");
    let printed: usize = pages.iter().map(|p| p.matches('ж').count()).sum();
    assert_eq!(printed, 600, "every letter of a long word is on the page");
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir)]).ok();
    let pages = print_pages(s.tmp.path(), &dir.join("subject-access.html"));
    assert!(pages.len() >= 3, "{} pages", pages.len());
    every_page_marked(&pages, "OFFICIAL-SENSITIVE", "the subject access bundle");
    assert!(pages.iter().all(|p| !p.contains("Patel")), "no other person's name in print");
}

#[test]
fn a_bundle_lists_evidence_and_copies_it_only_when_asked() {
    let s = Store::new();
    let (a, _, _) = sams(&s);
    let f = s.tmp.path().join("Statement of Sam Patel.txt");
    std::fs::write(&f, b"statement").unwrap();
    s.run(&["evidence", "add", &a, p(&f), "--source", "Sam Patel by email"]).ok();
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir)]).ok();
    let json = std::fs::read_to_string(dir.join("subject-access.json")).unwrap();
    assert!(json.contains("Statement of [witness 1, staff].txt"), "listed, its name redacted:\n{json}");
    assert!(!json.contains("Patel"));
    assert!(!dir.join("evidence").exists(), "not copied unless asked");
    let page = std::fs::read_to_string(dir.join("subject-access.html")).unwrap();
    assert!(page.contains("Evidence held (listed, not copied)"));
    let review = std::fs::read_to_string(dir.join("REVIEW-BEFORE-RELEASE.txt")).unwrap();
    assert!(review.contains("content is not redacted"), "{review}");
    let dir2 = s.tmp.path().join("sar2");
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir2), "--with-evidence"]).ok();
    let ev = dir2.join("evidence").join(&a);
    let sums = std::fs::read_to_string(ev.join("SHA256SUMS")).unwrap();
    let (sha, name) = sums.trim().split_once("  ").unwrap();
    assert_eq!(sha256sum(&ev.join(name)), sha);
    assert_eq!(name, "Statement of [witness 1, staff].txt", "copied under its redacted name");
    assert_eq!(mode(&ev.join(name)), 0o600);
    let page = std::fs::read_to_string(dir2.join("subject-access.html")).unwrap();
    assert!(page.contains("Evidence held (copied into evidence/)") && !page.contains("not copied"));
}

#[test]
fn a_case_file_whose_evidence_cannot_be_copied_whole_is_not_written_nor_recorded() {
    let s = Store::new();
    let id = case(&s);
    // The store's copy of the still is no longer the file recorded.
    let listed = s.run(&["evidence", "list", &id, "--format", "tsv"]).ok();
    let sha = listed.stdout.split('\t').next().unwrap().to_string();
    assert_eq!(sha.len(), 64, "{}", listed.stdout);
    let obj = s.root.join("evidence").join(&sha[..2]).join(&sha);
    std::fs::set_permissions(&obj, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&obj, b"a still from camera 5").unwrap();
    let before = s.snapshot();
    let html = s.tmp.path().join("c.html");
    let ev = s.tmp.path().join("ev");
    s.run(&[
        "casefile",
        &id,
        "--to",
        "police",
        "--basis",
        "DPA 2018",
        "--output",
        p(&html),
        "--with-evidence",
        p(&ev),
    ])
    .fails(1)
    .says("changed");
    assert!(!html.exists() && !ev.exists(), "nothing written");
    assert!(s.snapshot() == before, "no disclosure recorded");
    s.run(&["casefile", &id, "--to", "police", "--basis", "DPA 2018", "--output", "-"])
        .fails(2)
        .says("a file");
}

#[test]
fn a_void_record_naming_the_subject_is_named_for_review() {
    let s = Store::new();
    let (a, b, _) = sams(&s);
    s.run(&["void", &b, "--reason", "Typed twice"]).ok();
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Sam Jones", "--sar", "-o", p(&dir)]).ok();
    let json = std::fs::read_to_string(dir.join("subject-access.json")).unwrap();
    assert!(json.contains(&a) && !json.contains(&b));
    let review = std::fs::read_to_string(dir.join("REVIEW-BEFORE-RELEASE.txt")).unwrap();
    assert!(review.contains(&format!("{b}: a void record")), "{review}");
    assert!(!s.read(&b).contains("action: disclosed"));
}

#[test]
fn with_commits_each_disclosure_is_committed_with_no_personal_data_in_the_message() {
    use crate::git::{git, git_store};
    let s = git_store();
    let a = s.report(&[
        "--commit",
        "--category",
        "theft",
        "--summary",
        "Bag taken",
        "--person",
        "victim:staff:Sam Jones",
    ]);
    let b = s.report(&[
        "--commit",
        "--category",
        "theft",
        "--summary",
        "Coat taken",
        "--person",
        "victim:staff:Sam Jones",
    ]);
    let html = s.tmp.path().join("c.html");
    s.run(&["--commit", "casefile", &a, "--to", "police", "--basis", "DPA 2018", "--output", p(&html)]).ok();
    assert_eq!(git(&s.root, &["log", "-1", "--format=%an|%s"]).trim(), format!("tester|{a}: disclosed"));
    s.run(&["--commit", "person", "Sam Jones", "--sar", "-o", p(&s.tmp.path().join("sar"))]).ok();
    let last = git(&s.root, &["show", "--stat", "--format=%s", "HEAD"]);
    assert!(last.starts_with("subject access: disclosed\n"), "{last}");
    assert!(last.contains(&a) && last.contains(&b), "both incidents in one commit: {last}");
    assert!(!git(&s.root, &["log", "--format=%s"]).contains("Sam"), "no name in a message");
    assert_eq!(git(&s.root, &["status", "--porcelain"]), "", "everything committed");
}

#[test]
fn evidence_given_out_with_evidence_export_is_in_the_log_too() {
    let s = Store::new();
    let id = case(&s);
    let out = s.tmp.path().join("usb");
    s.run(&["evidence", "export", &id, "--to", p(&out), "--recipient", "Merseyside Police: CID"]).ok();
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    let sha = sums.split_whitespace().next().unwrap();
    let log = s.run(&["disclosures", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&log.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{}", log.stdout);
    assert_eq!(rows[0]["form"], "evidence-export");
    assert_eq!(rows[0]["to"], "");
    assert_eq!(rows[0]["included"], format!("evidence copy {sha}"));
    assert!(!log.stdout.contains("Merseyside"), "the recipient in words is personal text");
    let log = s.run(&["disclosures", "--format", "json", "--include-personal"]).ok();
    assert!(log.stdout.contains(r#""recipient":"Merseyside Police: CID""#), "{}", log.stdout);
    // It names no body, so a filter by body leaves it out.
    assert_eq!(s.run(&["disclosures", "--to", "police", "--format", "tsv"]).ok().stdout, "");
}

#[test]
fn a_name_the_record_held_once_is_redacted_from_the_subject_access_history() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "harassment",
        "--summary",
        "Shouting in the corridor",
        "--reporter",
        "Bob Reporterson",
        "--person",
        "victim:staff:Ada Lovelace",
    ]);
    s.run(&["update", &id, "--person", "witness:staff:Zed Quuxley"]).ok();
    s.run(&["withdraw", &id, "person", "2", "--reason", "Entered on the wrong case"]).ok();
    s.run(&["update", &id, "--reporter", "Robin Reporterson"]).ok();
    let dir = s.tmp.path().join("sar");
    s.run(&["person", "Ada Lovelace", "--sar", "-o", p(&dir)]).ok();
    for f in ["subject-access.html", "subject-access.json"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        for gone in ["Quuxley", "Reporterson"] {
            assert!(!text.contains(gone), "{f} names {gone}");
        }
        assert!(text.contains("Ada Lovelace"), "{f}: the subject's own name stays");
    }
}
