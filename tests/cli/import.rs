//! `lsms import` keeps what a register export holds: where each case stood
//! (status, outcome, closing date, assignee), its reported date, and shows
//! what each row becomes before anything is recorded.

use crate::harness::*;

fn json(s: &Store, id: &str) -> serde_json::Value {
    serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap()
}

const REGISTER: &str = "\
Ref,When,Type,What,Status,Outcome,Closed,Handler
DX-1001,03/02/2025 14:10,theft,Bag taken from ward,Closed,No action,10/02/2025,asmith
DX-1002,04/02/2025 10:00,theft,Coat taken,Being investigated,,,jfowlis
DX-1003,05/02/2025 10:00,theft,Hat taken,Open,,,
";
const MAP: &str = "Ref=ref:datix,When=occurred,Type=category,What=summary,Status=status,Outcome=outcome,Closed=closed,Handler=assignee";
const STATUSES: &str = "Open=reported,Closed=closed,Being investigated=investigating";
const OUTCOMES: &str = "No action=no-further-action";

fn register(s: &Store, text: &str) -> String {
    let csv = s.tmp.path().join("register.csv");
    std::fs::write(&csv, text).unwrap();
    csv.to_str().unwrap().to_string()
}

fn import(s: &Store, csv: &str, extra: &[&str]) -> Out {
    let mut args =
        vec!["import", "--csv", csv, "--map", MAP, "--status-map", STATUSES, "--outcome-map", OUTCOMES];
    args.extend_from_slice(extra);
    s.run(&args)
}

#[test]
fn a_closed_historical_case_arrives_closed_and_open_ones_with_their_status_and_assignee() {
    let s = Store::new();
    let csv = register(&s, REGISTER);
    let ids = import(&s, &csv, &[]).ok().stdout;
    let by_summary =
        |summary: &str| ids.lines().map(|id| json(&s, id)).find(|j| j["summary"] == summary).expect(summary);
    let closed = by_summary("Bag taken from ward");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["outcome"], "no-further-action");
    assert_eq!(closed["closed_at"], "2025-02-10T00:00:00+00:00");
    assert_eq!(closed["closure_note"], "Imported closed from register.csv");
    assert_eq!(closed["assignee"], "asmith");
    assert_eq!(closed["refs"], serde_json::json!({ "datix": "DX-1001" }));
    assert!(s.read(closed["id"].as_str().unwrap()).contains("\nrefs: { datix: DX-1001 }\n"));
    let history = closed["history"].as_array().unwrap();
    assert_eq!(history.len(), 1, "one history entry: {history:?}");
    assert_eq!(history[0]["action"], "imported");
    assert_eq!(history[0]["detail"], "from row 2 of register.csv, closed (no-further-action)");

    let open = by_summary("Coat taken");
    assert_eq!(
        (open["status"].as_str(), open["assignee"].as_str()),
        (Some("investigating"), Some("jfowlis"))
    );
    assert!(open.get("outcome").is_none() && open.get("closed_at").is_none(), "{open}");
    assert_eq!(open["history"].as_array().unwrap().len(), 1);
    let fresh = by_summary("Hat taken");
    assert_eq!(fresh["status"], "reported");

    // The register kept one date: taken as reported too, so nothing is late.
    assert_eq!(fresh["reported_at"], fresh["occurred_at"]);
    let late = s.run(&["list", "--all", "--format", "tsv", "--columns", "id,late"]).ok().stdout;
    assert!(!late.contains("late"), "no false late flag:\n{late}");
    // The closed case is closed: `list` (open cases) leaves it out.
    assert_eq!(s.run(&["list", "--format", "ids"]).ok().lines().len(), 2);
    s.run(&["check"]).ok().says("no problems");
    // lsms's own workflow goes on from where the register left the case.
    s.run(&["reopen", closed["id"].as_str().unwrap(), "--reason", "New evidence"]).ok();
}

#[test]
fn a_mapped_reported_date_is_kept_and_a_late_report_is_still_late() {
    let s = Store::new();
    let csv = register(&s, "When,Told,Type,What\n01/02/2025 10:00,05/02/2025 09:00,theft,Bike taken\n");
    let id = s
        .run(&["import", "--csv", &csv, "--map", "When=occurred,Told=reported,Type=category,What=summary"])
        .ok()
        .stdout;
    let j = json(&s, id.trim());
    assert_eq!(j["reported_at"], "2025-02-05T09:00:00+00:00");
    s.run(&["list", "--all", "--format", "tsv", "--columns", "late"]).ok().prints("late");
}

#[test]
fn an_assignee_alone_makes_a_case_assigned_and_an_outcome_alone_closes_it() {
    let s = Store::new();
    let csv = register(&s, "Type,What,Who,Result\ntheft,One,ASMITH,\ntheft,Two,,duplicate\n");
    let ids = s
        .run(&["import", "--csv", &csv, "--map", "Type=category,What=summary,Who=assignee,Result=outcome"])
        .ok()
        .stdout;
    let got: Vec<(String, String, String)> = ids
        .lines()
        .map(|id| json(&s, id))
        .map(|j| {
            let t = |k: &str| j[k].as_str().unwrap_or("").to_string();
            (t("summary"), t("status"), t("assignee"))
        })
        .collect();
    assert!(got.contains(&("One".into(), "assigned".into(), "asmith".into())), "team's spelling: {got:?}");
    assert!(got.contains(&("Two".into(), "closed".into(), "".into())), "{got:?}");
}

#[test]
fn dry_run_shows_what_each_row_becomes_and_records_nothing() {
    let s = Store::new();
    let csv = register(&s, REGISTER);
    let before = s.snapshot();
    let out = import(&s, &csv, &["--dry-run"]).ok().says("all 3 row(s) are good");
    assert_eq!(s.snapshot(), before, "a dry run records nothing");
    let lines = out.lines();
    assert_eq!(lines.len(), 4, "a header and one line a row:\n{}", out.stdout);
    assert_eq!(
        lines[0],
        "row\tcategory\tstatus\toccurred\treported\tsite\tassignee\toutcome\tclosed\trefs\tsummary"
    );
    assert_eq!(
        lines[1],
        "2\ttheft\tclosed\t2025-02-03 14:10\t2025-02-03 14:10\t\tasmith\tno-further-action\t2025-02-10 00:00\tdatix=DX-1001\tBag taken from ward"
    );
    assert!(lines[2].starts_with("3\ttheft\tinvestigating\t"), "{}", lines[2]);
    assert!(lines[3].starts_with("4\ttheft\treported\t"), "{}", lines[3]);
}

#[test]
fn unknown_or_contradictory_standing_is_refused_by_row_and_column() {
    let s = Store::new();
    let before = s.snapshot();
    let csv = register(
        &s,
        "Ref,When,Type,What,Status,Outcome,Closed,Handler\n\
         ,03/02/2025,theft,A,Shut,,,\n\
         ,03/02/2025,theft,B,Closed,Sorted,,\n\
         ,03/02/2025,theft,C,Closed,,,\n\
         ,03/02/2025,theft,D,Open,No action,,\n\
         ,03/02/2025,theft,E,Being investigated,,,\n\
         ,03/02/2025,theft,F,,,,kdunn\n\
         ,03/02/2025,theft,G,Closed,No action,01/01/2025,\n\
         ,03/02/2025,theft,H,Closed,No action,01/01/2027,\n",
    );
    let out = import(&s, &csv, &[]).fails(1);
    let out = out
        .says("column 'Status': 1 value(s) that are not lsms status values")
        .says("  'Shut' in 1 row(s): 2\n")
        .says("  Shut: STATUS\n")
        .says("--status-map 'VALUE=STATUS'")
        .says("column 'Outcome': 1 value(s) that are not lsms outcome values")
        .says("  'Sorted' in 1 row(s): 3\n")
        .says("register.csv:4: 'Outcome': the case is closed but has no outcome")
        .says("register.csv:5: 'Outcome': the case is reported but has an outcome")
        .says("register.csv:6: 'Status': the case is investigating but has no assignee")
        .says("register.csv:7: 'Handler': unknown team member 'kdunn'")
        .says("register.csv:8: 'Closed': the closing time 2025-01-01T00:00:00+00:00 is before the incident occurred")
        .says("register.csv:9: 'Closed': the closing time 2027-01-01T00:00:00+00:00 is in the future")
        .says("nothing was imported: 8 of 8 row(s) refused");
    assert_eq!(out.stdout, "");
    assert_eq!(s.snapshot(), before, "the store is unchanged");
}

#[test]
fn a_former_member_is_accepted_as_handler_and_due_asks_to_reassign_their_open_cases() {
    let s = Store::with_config("team: [jfowlis, { name: asmith, left: 31/3/2025 }]\n");
    let csv = register(
        &s,
        &REGISTER
            .replace("Coat taken,Being investigated,,,jfowlis", "Coat taken,Being investigated,,,ASmith"),
    );
    let ids = import(&s, &csv, &[]).ok().stdout;
    let all: Vec<serde_json::Value> = ids.lines().map(|id| json(&s, id)).collect();
    let handled: Vec<(&str, &str)> =
        all.iter().filter_map(|j| Some((j["summary"].as_str()?, j["assignee"].as_str()?))).collect();
    assert_eq!(handled, [("Bag taken from ward", "asmith"), ("Coat taken", "asmith")]);
    s.run(&["check"]).ok().says("no problems");
    // The open one is theirs still: `due` asks for it to be given on.
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    let left: Vec<&str> = due.lines().filter(|l| l.contains("\tassignee-left\t")).collect();
    assert_eq!(left.len(), 1, "{due}");
    let open = all.iter().find(|j| j["summary"] == "Coat taken").unwrap()["id"].as_str().unwrap();
    assert!(left[0].contains(open), "{due}");
}

#[test]
fn value_maps_come_from_the_mapping_file_too() {
    let s = Store::new();
    let csv = register(&s, REGISTER);
    let map = s.tmp.path().join("map.yaml");
    std::fs::write(
        &map,
        "columns: { When: occurred, Type: category, What: summary, Status: status, Outcome: outcome, Closed: closed_at, Handler: assignee }\n\
         statuses: { Open: reported, Closed: closed, Being investigated: investigating }\n\
         outcomes: { No action: no-further-action }\n",
    )
    .unwrap();
    let out = s.run(&["import", "--csv", &csv, "--map-file", map.to_str().unwrap()]).ok();
    assert_eq!(out.lines().len(), 3);
    s.run(&["list", "--closed", "--format", "tsv", "--columns", "outcome"]).ok().prints("no-further-action");
}

#[test]
fn a_reference_column_maps_to_refs_under_its_system_and_bad_mappings_are_usage_errors() {
    let s = Store::new();
    let csv = register(&s, "Datix ID,IPDS,Type,What\nDX-1,12,theft,Bag\n,,theft,Coat\n");
    let ids = s
        .run(&[
            "import",
            "--csv",
            &csv,
            "--map",
            "Datix ID=ref:datix,IPDS=ref:ipds,Type=category,What=summary",
        ])
        .ok()
        .stdout;
    let refs: Vec<serde_json::Value> = ids.lines().map(|id| json(&s, id)["refs"].clone()).collect();
    assert!(refs.contains(&serde_json::json!({ "datix": "DX-1", "ipds": "12" })), "{refs:?}");
    assert!(refs.contains(&serde_json::Value::Null), "an empty cell is no reference: {refs:?}");
    assert_eq!(s.run(&["list", "--grep", "dx-1", "--format", "ids"]).ok().stdout.lines().count(), 1);
    let before = s.snapshot();
    s.run(&["import", "--csv", &csv, "--map", "Datix ID=ref:,Type=category,What=summary"])
        .fails(2)
        .says("--map: column 'Datix ID': the system's name is empty");
    s.run(&[
        "import",
        "--csv",
        &csv,
        "--map",
        "Datix ID=ref:datix,IPDS=ref:Datix,Type=category,What=summary",
    ])
    .fails(2)
    .says("two columns are mapped to ref:");
    s.run(&["import", "--csv", &csv, "--map", "Datix ID=datix,Type=category,What=summary"])
        .fails(2)
        .says("'COLUMN=ref:SYSTEM'");
    assert_eq!(s.snapshot(), before);
}
