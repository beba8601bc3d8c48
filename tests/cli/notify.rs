//! `lsms notify`: notifications to outside bodies, shown and exported; and
//! the CDAO rule of `due`, as lsms.yaml sets it.

use crate::harness::*;

fn drugs_theft(s: &Store) -> String {
    s.report(&[
        "--category",
        "theft",
        "--summary",
        "Controlled drugs missing",
        "--occurred",
        "24/11/2026 22:00",
        "--asset",
        "drugs",
    ])
}

/// `due` as CSV rows of (kind, due) for one incident.
fn due_of(s: &Store, id: &str) -> Vec<(String, String)> {
    let out = s.run(&["due", "--within", "52w", "--format", "csv"]).ok();
    out.stdout
        .lines()
        .filter(|l| l.contains(id))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].to_string(), f[0].to_string())
        })
        .collect()
}

#[test]
fn notify_records_the_notice_and_a_history_entry_and_show_and_export_list_it() {
    let s = Store::new();
    let id = drugs_theft(&s);
    s.run(&["notify", &id, "--to", "Police", "--on", "25/11/2026", "--ref", "MP-4471", "--note", "By phone"])
        .ok()
        .says(&format!("{id}: notification to police on 2026-11-25 recorded."));
    s.run(&["notify", &id, "--to", "cdao", "--on", "yesterday"]).ok();
    let text = s.read(&id);
    assert!(
        text.contains(
            "notified:\n  - { to: police, date: 2026-11-25, ref: MP-4471, note: By phone }\n  - { to: cdao, date: 2026-11-24 }\n"
        ),
        "{text}"
    );
    assert!(text.contains("action: notified, to: \"police on 2026-11-25, ref MP-4471\", detail: By phone }"));
    s.run(&["show", &id])
        .ok()
        .prints("Notified        police on 2026-11-25, ref MP-4471: By phone\n")
        .prints("Notified        cdao on 2026-11-24\n")
        .prints("notified: cdao on 2026-11-24\n");
    let csv = s.run(&["export", "--format", "csv"]).ok().stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("notified_count"), "2");
    assert_eq!(col("notified_to"), "police;cdao");
    assert_eq!(col("notified_date"), "2026-11-25;2026-11-24");
    assert_eq!(col("notified_ref"), "MP-4471;", "lined up: the second has no reference");
    let json = s.run(&["export", "--format", "json"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v[0]["notified"],
        serde_json::json!([
            { "to": "police", "date": "2026-11-25", "ref": "MP-4471" },
            { "to": "cdao", "date": "2026-11-24", "ref": null },
        ]),
        "the note is free text: only with --include-personal"
    );
    let json = s.run(&["export", "--format", "json", "--include-personal"]).ok().stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["notified"][0]["note"], "By phone");
}

#[test]
fn a_closed_case_takes_a_late_notification() {
    let s = Store::new();
    let id = s.report(&["--category", "harassment", "--summary", "Calls"]);
    s.run(&["close", &id, "--outcome", "referred", "--note", "To the police"]).ok();
    s.run(&["notify", &id, "--to", "police", "--on", "today"]).ok();
    assert!(s.read(&id).contains("status: closed\n"));
    assert!(s.read(&id).contains("notified:\n  - { to: police, date: 2026-11-25 }\n"));
}

#[test]
fn due_asks_for_the_cdao_until_told_and_another_body_does_not_count() {
    let s = Store::new();
    let id = drugs_theft(&s);
    let cdao = ("cdao".to_string(), "2026-11-26T12:00:00+00:00".to_string());
    assert!(due_of(&s, &id).contains(&cdao), "{:?}", due_of(&s, &id));
    let out = s.run(&["due", "--format", "csv"]).ok();
    assert!(out.stdout.contains(&format!("lsms notify {id} --to cdao --on DATE")), "{}", out.stdout);
    s.run(&["notify", &id, "--to", "police", "--on", "today"]).ok();
    assert!(due_of(&s, &id).contains(&cdao));
    s.run(&["notify", &id, "--to", "cdao", "--on", "today"]).ok();
    assert!(!due_of(&s, &id).iter().any(|(k, _)| k == "cdao"), "{:?}", due_of(&s, &id));
}

#[test]
fn the_cdao_rule_takes_losses_and_prescription_forms_and_skips_other_thefts() {
    let s = Store::new();
    let forms =
        s.report(&["--category", "theft", "--summary", "FP10 pad gone", "--asset", "prescription-forms"]);
    let lost = s.report(&[
        "--category",
        "security-concern",
        "--summary",
        "Stock count short",
        "--asset",
        "drugs",
        "--loss",
        "12.50",
    ]);
    let bike = s.report(&["--category", "theft", "--summary", "Bike taken", "--asset", "property"]);
    let damage =
        s.report(&["--category", "criminal-damage", "--summary", "Cupboard forced", "--asset", "drugs"]);
    let kinds = |id: &str| due_of(&s, id).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert!(kinds(&forms).contains(&"cdao".to_string()));
    assert!(kinds(&lost).contains(&"cdao".to_string()));
    assert!(!kinds(&bike).contains(&"cdao".to_string()));
    assert!(!kinds(&damage).contains(&"cdao".to_string()), "neither a theft nor a loss");
}

#[test]
fn lsms_yaml_changes_the_cdao_rule_or_turns_it_off() {
    // Recorded on a Friday: two working days is the Tuesday.
    let s = Store::with_config("cdao: { within_working_days: 2, categories: [theft, criminal-damage] }\n");
    let mut c = s.cmd(&[
        "report",
        "--category",
        "criminal-damage",
        "--summary",
        "Cupboard forced",
        "--asset",
        "drugs",
    ]);
    c.env("LSMS_NOW", "2026-11-27T16:00:00Z");
    let id = run(c).ok().stdout.trim().to_string();
    assert!(
        due_of(&s, &id).contains(&("cdao".into(), "2026-12-01T16:00:00+00:00".into())),
        "{:?}",
        due_of(&s, &id)
    );
    let off = Store::with_config("cdao: false\n");
    let id = drugs_theft(&off);
    assert!(!due_of(&off, &id).iter().any(|(k, _)| k == "cdao"));
}

#[test]
fn a_bad_cdao_rule_is_named_in_lsms_yaml_with_the_form_to_write() {
    let s = Store::with_config("cdao: { assets: [drug], within_working_days: 1 }\n");
    s.run(&["due"])
        .fails(1)
        .says("lsms.yaml:")
        .says("cdao.assets: unknown asset 'drug' (did you mean 'drugs'?)");
    let s = Store::with_config("cdao: { within: 1 }\n");
    s.run(&["list"]).fails(1).says("unknown key `within`").says("cdao: false");
}

fn staff_injury(s: &Store) -> String {
    let id = s.report(&[
        "--category",
        "physical-assault",
        "--summary",
        "Nurse injured",
        "--occurred",
        "20/11/2026 10:00",
        "--person",
        "victim:staff",
        "--harm",
        "moderate",
    ]);
    s.run(&["assign", &id, "--to", "asmith"]).ok();
    s.run(&["update", &id, "--medical-factors", "yes"]).ok();
    id
}

#[test]
fn a_notice_to_the_hse_records_the_riddor_report_so_due_and_close_agree() {
    let s = Store::new();
    let id = staff_injury(&s);
    s.run(&["update", &id, "--riddor", "reportable"]).ok();
    assert!(due_of(&s, &id).iter().any(|(k, _)| k == "riddor"), "{:?}", due_of(&s, &id));
    s.run(&["notify", &id, "--to", "hse", "--on", "24/11/2026", "--ref", "RIDDOR-123"])
        .ok()
        .says(&format!("{id}: RIDDOR report to the HSE recorded as made on 2026-11-24, HSE ref RIDDOR-123."));
    let text = s.read(&id);
    assert!(
        text.contains("riddor: { status: reported, hse_ref: RIDDOR-123, reported_on: 2026-11-24 }"),
        "{text}"
    );
    assert!(text.contains("  - { to: hse, date: 2026-11-24, ref: RIDDOR-123 }"), "{text}");
    // Each change is in the history, as `update --riddor` writes it.
    for change in [
        "action: notified, to: \"hse on 2026-11-24, ref RIDDOR-123\" }",
        "action: updated, field: riddor.status, from: reportable, to: reported }",
        "action: updated, field: riddor.hse_ref, to: RIDDOR-123 }",
        "action: updated, field: riddor.reported_on, to: \"2026-11-24\" }",
    ] {
        assert!(text.contains(change), "{change} in\n{text}");
    }
    assert!(!due_of(&s, &id).iter().any(|(k, _)| k.starts_with("riddor")), "{:?}", due_of(&s, &id));
    s.run(&["close", &id, "--outcome", "referred", "--note", "Sent on"]).ok();
    s.run(&["check"]).ok();
}

#[test]
fn a_notice_to_the_hse_reports_an_undecided_case_and_a_later_one_keeps_the_first_report() {
    let s = Store::new();
    let id = staff_injury(&s);
    assert!(due_of(&s, &id).iter().any(|(k, _)| k == "riddor-decision"));
    s.run(&["notify", &id, "--to", "hse", "--on", "21/11/2026"]).ok();
    let text = s.read(&id);
    assert!(text.contains("riddor: { status: reported, reported_on: 2026-11-21 }"), "{text}");
    assert!(text.contains("field: riddor.status, to: reported }"), "no riddor before: shown as new\n{text}");
    // A follow-up notice fills in the reference the report lacked, and
    // leaves its day as it was.
    s.run(&["notify", &id, "--to", "hse", "--on", "25/11/2026", "--ref", "H-9"]).ok();
    let text = s.read(&id);
    assert!(text.contains("riddor: { status: reported, hse_ref: H-9, reported_on: 2026-11-21 }"), "{text}");
    assert_eq!(text.matches("field: riddor.reported_on").count(), 1, "{text}");
    assert!(due_of(&s, &id).iter().all(|(k, _)| !k.starts_with("riddor")));
    s.run(&["close", &id, "--outcome", "referred", "--note", "Sent on"]).ok();
}

#[test]
fn a_notice_to_the_hse_is_refused_where_riddor_is_not_reportable_naming_update() {
    let s = Store::new();
    let id = staff_injury(&s);
    s.run(&["update", &id, "--riddor", "not-reportable"]).ok();
    let before = s.snapshot();
    s.run(&["notify", &id, "--to", "hse", "--on", "today", "--ref", "H-1"])
        .fails(1)
        .says(&format!("RIDDOR is recorded as not-reportable for {id}"))
        .says(&format!("lsms update {id} --riddor reported --hse-ref REF --riddor-reported-on DATE"));
    assert_eq!(s.snapshot(), before, "the store is unchanged");
    // Other bodies are told as before.
    s.run(&["notify", &id, "--to", "police", "--on", "today"]).ok();
}
