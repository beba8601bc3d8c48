//! Input as people in England write it: dates day first, money with a
//! pound sign and thousands commas; and what `--grep` searches.

use crate::harness::*;

fn json(s: &Store, id: &str) -> serde_json::Value {
    serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap()
}

#[test]
fn report_reads_day_first_times_and_pounds_with_commas() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Purse taken",
        "--occurred",
        "24/11/2026 14:30",
        "--reported",
        "25/11/2026",
        "--loss",
        "£1,250.50",
    ]);
    let j = json(&s, &id);
    assert_eq!(j["occurred_at"], "2026-11-24T14:30:00+00:00");
    assert_eq!(j["reported_at"], "2026-11-25T00:00:00+00:00");
    assert_eq!(j["losses"]["estimated"], "1250.50");
    // The file keeps its one form, whatever was typed.
    let file = s.read(&id);
    assert!(file.contains("occurred_at: 2026-11-24T14:30:00+00:00"), "{file}");
    assert!(!file.contains('£') && !file.contains("1,250"), "{file}");

    // 1/2/2026 is 1 February, and a summer date takes BST.
    let id = s.report(&["--category", "theft", "--summary", "x", "--occurred", "1/2/2026"]);
    assert_eq!(json(&s, &id)["occurred_at"], "2026-02-01T00:00:00+00:00");
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "x",
        "--occurred",
        "01/07/2026 09:05",
        "--loss",
        "60",
    ]);
    assert_eq!(json(&s, &id)["occurred_at"], "2026-07-01T09:05:00+01:00");
    // ISO forms still work.
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "x",
        "--occurred",
        "2026-11-24 14:30",
        "--loss",
        "1,000",
    ]);
    let j = json(&s, &id);
    assert_eq!(j["occurred_at"], "2026-11-24T14:30:00+00:00");
    assert_eq!(j["losses"]["estimated"], "1000.00");
}

#[test]
fn update_sanction_and_loss_take_the_same_forms() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    s.run(&["update", &id, "--occurred", "20/11/2026 08:15"]).ok();
    s.run(&["update", &id, "--riddor", "reported", "--riddor-reported-on", "21/11/2026"]).ok();
    s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter", "--date", "21/11/2026"]).ok();
    s.run(&["loss", &id, "--estimated", "£1,250.50", "--recovered", "£60"]).ok();
    let j = json(&s, &id);
    assert_eq!(j["occurred_at"], "2026-11-20T08:15:00+00:00");
    assert_eq!(j["riddor"]["reported_on"], "2026-11-21");
    assert_eq!(j["sanctions"][0]["date"], "2026-11-21");
    assert_eq!(j["losses"]["estimated"], "1250.50");
    assert_eq!(j["losses"]["recovered"], "60.00");
}

#[test]
fn filters_read_day_first_dates() {
    let s = Store::new();
    let feb = s.report(&["--category", "theft", "--summary", "a", "--occurred", "1/2/2026 10:00"]);
    let jan = s.report(&["--category", "theft", "--summary", "b", "--occurred", "2/1/2026 10:00"]);
    let out = s.run(&["list", "--format", "ids", "--since", "1/2/2026", "--until", "1/2/2026"]).ok();
    assert_eq!(out.stdout, format!("{feb}\n"));
    let out = s.run(&["list", "--format", "ids", "--until", "31/1/2026"]).ok();
    assert_eq!(out.stdout, format!("{jan}\n"));
    s.run(&["list", "--since", "2/13/2026"]).fails(2).says("day first");
}

#[test]
fn report_from_documents_read_day_first_and_pounds() {
    let s = Store::new();
    let file = s.tmp.path().join("in.yaml");
    std::fs::write(
        &file,
        "category: theft\nsummary: Wallet taken\noccurred: 24/11/2026 14:30\nloss: £1,250.50\n---\n\
         category: theft\nsummary: Phone taken\noccurred: '2026-11-23 09:00'\nloss: '60'\n",
    )
    .unwrap();
    let out = s.run(&["report", "--from", file.to_str().unwrap()]).ok();
    let ids = out.lines();
    assert_eq!(ids.len(), 2, "{}", out.stdout);
    let j = json(&s, ids[0]);
    assert_eq!(j["occurred_at"], "2026-11-24T14:30:00+00:00");
    assert_eq!(j["losses"]["estimated"], "1250.50");

    let before = s.snapshot();
    std::fs::write(&file, "category: theft\nsummary: x\noccurred: 11/24/2026\n").unwrap();
    s.run(&["report", "--from", file.to_str().unwrap()]).fails(1).says("day first");
    assert_eq!(s.snapshot(), before, "nothing recorded from a refused document");
}

#[test]
fn import_reads_day_first_dates_and_pounds_and_refuses_month_first() {
    let s = Store::new();
    let csv = s.tmp.path().join("reg.csv");
    let map = "When=occurred,Type=category,What=summary,Cost=loss";
    std::fs::write(
        &csv,
        "When,Type,What,Cost\n24/11/2026 14:30,theft,Bag taken,\"£1,250.50\"\n1/2/2026,theft,Coat,60\n",
    )
    .unwrap();
    let out = s.run(&["import", "--csv", csv.to_str().unwrap(), "--map", map]).ok();
    let ids = out.lines();
    assert_eq!(ids.len(), 2, "{}", out.stdout);
    let got: Vec<(String, String)> = ids
        .iter()
        .map(|id| {
            let j = json(&s, id);
            (
                j["occurred_at"].as_str().unwrap().to_string(),
                j["losses"]["estimated"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(got.contains(&("2026-11-24T14:30:00+00:00".into(), "1250.50".into())), "{got:?}");
    assert!(got.contains(&("2026-02-01T00:00:00+00:00".into(), "60.00".into())), "{got:?}");

    let before = s.snapshot();
    std::fs::write(&csv, "When,Type,What,Cost\n11/24/2026,theft,Bag,1\n24/11/2026,theft,Bag,\"1,25.00\"\n")
        .unwrap();
    let out = s.run(&["import", "--csv", csv.to_str().unwrap(), "--map", map]).fails(1);
    assert!(out.stderr.contains("day first") && out.stderr.contains("misplaced comma"), "{}", out.stderr);
    assert_eq!(s.snapshot(), before);
}

#[test]
fn grep_searches_names_references_and_sanctions() {
    let s = Store::new();
    let a = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Nurse struck",
        "--reporter",
        "Ann Nurse",
        "--person",
        "alleged-offender:visitor:Kyle Barton",
        "--police-ref",
        "MP/2026/4471",
    ]);
    let b = s.report(&["--category", "theft", "--summary", "Laptop taken"]);
    s.run(&["update", &b, "--riddor", "reported", "--hse-ref", "HSE-99812"]).ok();
    s.run(&["sanction", &b, "--class", "civil", "--kind", "exclusion", "--note", "Barred from Ward Seven"])
        .ok();
    let ids = |g: &str| s.run(&["list", "--all", "--format", "ids", "--grep", g]).ok().stdout;
    assert_eq!(ids("ann nurse"), format!("{a}\n"), "reporter's name");
    assert_eq!(ids("BARTON"), format!("{a}\n"), "a person's name");
    assert_eq!(ids("mp/2026/4471"), format!("{a}\n"), "crime reference");
    assert_eq!(ids("hse-99812"), format!("{b}\n"), "HSE reference");
    assert_eq!(ids("EXCLUSION"), format!("{b}\n"), "sanction kind");
    assert_eq!(ids("ward seven"), format!("{b}\n"), "sanction note");
    assert_eq!(ids("nobody at all"), "");
}
