//! `lsms import` maps every value a register holds to lsms's own: one
//! mapping file for every vocabulary of the record, the values it does not
//! know all named at once with the lines to add, dates in the forms
//! registers keep them.

use crate::harness::*;

fn file(s: &Store, name: &str, bytes: &[u8]) -> String {
    let p = s.tmp.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn records(s: &Store) -> Vec<serde_json::Value> {
    let ids = s.run(&["list", "--all", "--format", "ids"]).ok().stdout;
    let mut v: Vec<serde_json::Value> = ids
        .lines()
        .map(|id| serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap())
        .collect();
    v.sort_by_key(|r| r["refs"]["datix"].as_str().unwrap_or_default().to_string());
    v
}

/// A Datix-style export whose every vocabulary is in the register's own words.
const DATIX: &str = "\
Ref,Incident date,Type,Description,Severity,Reported by,Site,Assets,Flags,Offender type,Others,Sanction,Sanction type,Sanction date
DX-1,03/02/2025 14:10,Violence and aggression,Nurse pushed,Low harm,Member of staff,HOLLINS,Staff;Ward property,Weapon used,Service user,Victim:Member of staff:A. Nurse,Police caution,,10/02/2025
DX-2,04/02/2025 10:00,theft,Coat taken,  no HARM ,Visitor,peasley cross ,Personal property,,,,,,
";

const DATIX_MAP: &str = "\
columns:
  Ref: ref:datix
  Incident date: occurred
  Type: category
  Description: summary
  Severity: harm
  Reported by: reporter_party
  Site: site
  Assets: assets
  Flags: flags
  Offender type: person:alleged-offender
  Others: people
  Sanction: sanction_class
  Sanction type: sanction_kind
  Sanction date: sanction_date
categories:
  Violence and aggression: physical-assault
harms:
  Low harm: low
  No harm: none
parties:
  member of staff: staff
  Service user: patient
roles:
  Victim: victim
sites:
  Hollins: Hollins Park
assets:
  Staff: people
  Ward property: property
  Personal property: property
flags:
  Weapon used: weapon
sanction_classes:
  Police caution: criminal
";

#[test]
fn every_vocabulary_maps_from_one_file_without_regard_to_case_or_space() {
    let s = Store::new();
    let csv = file(&s, "datix.csv", DATIX.as_bytes());
    let map = file(&s, "map.yaml", DATIX_MAP.as_bytes());
    s.run(&["import", "--csv", &csv, "--map-file", &map]).ok();
    let r = records(&s);
    assert_eq!(r.len(), 2);
    let (one, two) = (&r[0], &r[1]);
    assert_eq!(one["category"], "physical-assault");
    assert_eq!((one["harm"].as_str(), two["harm"].as_str()), (Some("low"), Some("none")));
    assert_eq!(one["reporter"]["party"], "staff");
    assert_eq!(two["reporter"]["party"], "visitor", "an lsms value passes as it is");
    assert_eq!((one["site"].as_str(), two["site"].as_str()), (Some("Hollins Park"), Some("Peasley Cross")));
    assert_eq!(one["assets"], serde_json::json!(["people", "property"]));
    assert_eq!(one["flags"], serde_json::json!(["weapon"]));
    assert_eq!(
        one["people"],
        serde_json::json!([
            { "role": "alleged-offender", "party": "patient" },
            { "role": "victim", "party": "staff", "name": "A. Nurse" }
        ])
    );
    let sanction = &one["sanctions"][0];
    assert_eq!(
        (sanction["class"].as_str(), sanction["kind"].as_str(), sanction["date"].as_str()),
        (Some("criminal"), Some("Police caution"), Some("2025-02-10")),
        "the kind is the register's word where no column gives one: {sanction}"
    );
    assert!(two.get("sanctions").is_none_or(|v| v.as_array().unwrap().is_empty()), "{two}");
    s.run(&["check"]).ok();
}

#[test]
fn unknown_values_are_all_named_at_once_with_the_lines_to_add_and_nothing_is_recorded() {
    let s = Store::new();
    let csv = file(
        &s,
        "datix.csv",
        b"Ref,When,Type,What,Severity,Site\n\
          DX-1,03/02/2025 10:00,Violence,A,Moderate harm,Hollins Park\n\
          DX-2,03/02/2025 10:00,theft,B,moderate harm,Ward 9\n\
          DX-3,03/02/2025 10:00,Violence,C,Catastrophic,Hollins Park\n\
          DX-4,03/02/2025 10:00,Violence,D,Moderate Harm ,Hollins Park\n\
          DX-5,03/02/2025 10:00,Violence,E,low,Hollins Park\n\
          DX-6,31/02/2025 10:00,theft,F,low,Hollins Park\n",
    );
    let map = file(
        &s,
        "map.yaml",
        b"columns: { Ref: ref:datix, When: occurred, Type: category, What: summary, Severity: harm, Site: site }\n",
    );
    let before = s.snapshot();
    let out = s.run(&["import", "--csv", &csv, "--map-file", &map]).fails(1);
    let out = out
        .says("refused: 4 value(s) that lsms does not know")
        .says("column 'Type': 1 value(s)")
        .says("  'Violence' in 4 row(s): 2, 4, 5, …\n")
        .says("column 'Severity': 2 value(s)")
        .says("  'Moderate harm' in 3 row(s): 2, 3, 5\n")
        .says("  'Catastrophic' in 1 row(s): 4\n")
        .says("column 'Site': 1 value(s)")
        .says("  'Ward 9' in 1 row(s): 3\n")
        .says("Add these lines to the mapping file")
        .says("categories:   # one of physical-assault,")
        .says("  Violence: CATEGORY\n")
        .says("harms:   # one of none, low, moderate, severe, death\n  Moderate harm: moderate   # a guess: check it\n  Catastrophic: HARM\n")
        .says("sites:   # one of Hollins Park, Peasley Cross\n  Ward 9: SITE\n")
        // A row's other problems are still named by row.
        .says("datix.csv:7: 'When'")
        .says("nothing was imported: 6 of 6 row(s) refused");
    assert_eq!(out.stdout, "");
    assert!(
        !out.stderr.contains("datix.csv:2:"),
        "an unknown value is named once, not by row:\n{}",
        out.stderr
    );
    assert_eq!(s.snapshot(), before, "the store is unchanged");
}

#[test]
fn a_value_mapped_to_a_value_lsms_does_not_know_is_refused_naming_it() {
    let s = Store::new();
    let csv = file(&s, "r.csv", b"When,Type,What,Severity\n03/02/2025 10:00,theft,A,Low harm\n");
    let map = file(
        &s,
        "map.yaml",
        b"columns: { When: occurred, Type: category, What: summary, Severity: harm }\nharms: { Low harm: lo }\n",
    );
    let before = s.snapshot();
    s.run(&["import", "--csv", &csv, "--map-file", &map])
        .fails(1)
        .says("harms: 'Low harm' maps to unknown harm 'lo' (did you mean 'low'?)");
    // On the command line, a usage error.
    s.run(&[
        "import",
        "--csv",
        &csv,
        "--map",
        "When=occurred,Type=category,What=summary",
        "--category-map",
        "theft=stealing",
    ])
    .fails(2)
    .says("--category-map: 'theft' maps to unknown category 'stealing'");
    // A site not among lsms.yaml's sites.
    let map = file(
        &s,
        "m2.yaml",
        b"columns: { When: occurred, Type: category, What: summary }\nsites: { HP: Hollins Parc }\n",
    );
    s.run(&["import", "--csv", &csv, "--map-file", &map])
        .fails(1)
        .says("'HP' maps to unknown site 'Hollins Parc'");
    assert_eq!(s.snapshot(), before);
}

fn times(s: &Store) -> Vec<(String, String)> {
    records(s)
        .iter()
        .map(|r| (r["occurred_at"].as_str().unwrap().into(), r["reported_at"].as_str().unwrap().into()))
        .collect()
}

#[test]
fn dates_come_as_registers_hold_them_a_date_and_its_time_in_two_columns_excel_serials_iso_and_day_first() {
    let s = Store::new();
    let csv = file(
        &s,
        "dates.csv",
        b"Ref,Incident date,Incident time,Reported,Type,What\n\
          DX-1,03/02/2025,14:10,03/02/2025,theft,Day first and a time column\n\
          DX-2,45692,2:30 PM,45693,theft,Excel serials\n\
          DX-3,2025-02-05T09:15:00,,2025-02-05,theft,ISO\n\
          DX-4,06-Feb-2025,,07.02.2025,theft,A month by name\n\
          DX-5,45694.75,,,theft,A serial with its time\n",
    );
    let map = file(
        &s,
        "map.yaml",
        b"columns:\n  Ref: ref:datix\n  occurred: [Incident date, Incident time]\n  Reported: reported\n  Type: category\n  What: summary\n",
    );
    s.run(&["import", "--csv", &csv, "--map-file", &map]).ok();
    let t = times(&s);
    assert_eq!(
        t,
        [
            // Same day, no time: the occurrence's time.
            ("2025-02-03T14:10:00+00:00".into(), "2025-02-03T14:10:00+00:00".into()),
            // A later day, no time: the end of that day.
            ("2025-02-04T14:30:00+00:00".into(), "2025-02-05T23:59:00+00:00".into()),
            ("2025-02-05T09:15:00+00:00".into(), "2025-02-05T09:15:00+00:00".into()),
            ("2025-02-06T00:00:00+00:00".into(), "2025-02-07T23:59:00+00:00".into()),
            // No reported date: the occurrence's.
            ("2025-02-06T18:00:00+00:00".into(), "2025-02-06T18:00:00+00:00".into()),
        ]
    );
}

#[test]
fn a_date_and_time_pair_is_checked_and_a_month_first_date_is_still_refused() {
    let s = Store::new();
    let csv = file(&s, "r.csv", b"Ref,D,T,Type,What\nDX-1,02/24/2025,10:00,theft,Bag\n");
    let before = s.snapshot();
    let map = |body: &str| {
        file(&s, "m.yaml", format!("columns:\n  Type: category\n  What: summary\n{body}").as_bytes())
    };
    s.run(&["import", "--csv", &csv, "--map-file", &map("  occurred: [D, T]\n")])
        .fails(1)
        .says("r.csv:2: 'D': '02/24/2025' has no month 24");
    s.run(&["import", "--csv", &csv, "--map-file", &map("  occurred: [D]\n")])
        .fails(1)
        .says("columns: occurred is given 1 column(s); it takes two");
    s.run(&["import", "--csv", &csv, "--map-file", &map("  summary: [D, T]\n")])
        .fails(1)
        .says("only occurred and reported take a date column and a time column");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn a_time_in_the_hour_the_clocks_change_is_read_as_meant_and_said() {
    let s = Store::new();
    let csv = file(
        &s,
        "r.csv",
        b"Ref,When,Type,What\nDX-1,27/10/2024 01:30,theft,Clocks went back\nDX-2,31/03/2024 01:30,theft,Clocks went forward\n",
    );
    s.run(&["import", "--csv", &csv, "--map", "Ref=ref:datix,When=occurred,Type=category,What=summary"])
        .ok()
        .says("2 row(s) have a time in the hour the clocks change (row 2, 3)");
    let t = times(&s);
    assert_eq!(t[0].0, "2024-10-27T01:30:00+01:00", "the first of the two");
    assert_eq!(t[1].0, "2024-03-31T02:30:00+01:00", "the same time after the change");
}

/// A workbook as a register system exports it: a notes sheet first, then
/// the register, its dates typed as dates and its costs as numbers.
fn workbook(s: &Store, name: &str) -> String {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    book.add_worksheet().set_name("About").unwrap().write_string(0, 0, "Exported from Datix").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Incidents").unwrap();
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let day = Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in
        ["Ref", "Incident date", "Reported", "Type", "Description", "Cost", "Severity"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [("DX-1", (2025, 2, 3, 14, 10), (2025, 2, 3), "theft", "Bag taken", 650.5, "Low harm")];
    for (r, (reference, (y, m, d, h, min), (ry, rm, rd), kind, what, cost, severity)) in
        rows.iter().enumerate()
    {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *reference).unwrap();
        let t = ExcelDateTime::from_ymd(*y, *m, *d).unwrap().and_hms(*h, *min, 0).unwrap();
        sheet.write_datetime_with_format(r, 1, &t, &when).unwrap();
        sheet
            .write_datetime_with_format(r, 2, ExcelDateTime::from_ymd(*ry, *rm, *rd).unwrap(), &day)
            .unwrap();
        sheet.write_string(r, 3, *kind).unwrap();
        sheet.write_string(r, 4, *what).unwrap();
        sheet.write_number(r, 5, *cost).unwrap();
        sheet.write_string(r, 6, *severity).unwrap();
    }
    // A blank row, then one more case with a whole-number cost.
    sheet.write_string(3, 0, "DX-2").unwrap();
    let t = ExcelDateTime::from_ymd(2025, 3, 1).unwrap().and_hms(9, 0, 0).unwrap();
    sheet.write_datetime_with_format(3, 1, &t, &when).unwrap();
    sheet.write_string(3, 3, "theft").unwrap();
    sheet.write_string(3, 4, "Coat taken").unwrap();
    sheet.write_number(3, 5, 20.0).unwrap();
    sheet.write_string(3, 6, "No harm").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    file(s, name, &bytes)
}

const BOOK_MAP: &str = "columns:\n  Ref: ref:datix\n  Incident date: occurred\n  Reported: reported\n  Type: category\n  Description: summary\n  Cost: loss\n  Severity: harm\nharms: { Low harm: low, No harm: none }\n";

#[test]
fn an_xlsx_workbook_is_read_directly_its_dates_and_numbers_as_typed_from_the_named_sheet() {
    let s = Store::new();
    let book = workbook(&s, "export.xlsx");
    let map = file(&s, "map.yaml", BOOK_MAP.as_bytes());
    // The first sheet holds no register.
    s.run(&["import", "--file", &book, "--map-file", &map])
        .fails(1)
        .says("export.xlsx has no column 'Cost', 'Description', 'Incident date', 'Ref', 'Reported', 'Severity', 'Type'")
        .says("the sheet read is 'About', the first; name the register's with --sheet (the sheets are: About, Incidents)");
    s.run(&["import", "--file", &book, "--map-file", &map, "--sheet", "Incidnets"])
        .fails(1)
        .says("export.xlsx has no sheet 'Incidnets'")
        .says("its sheets are: About, Incidents");
    let dry =
        s.run(&["import", "--file", &book, "--map-file", &map, "--sheet", "Incidents", "--dry-run"]).ok();
    assert!(
        dry.stdout.contains("\n2\ttheft\treported\t2025-02-03 14:10\t"),
        "rows by the sheet's row numbers:\n{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("\n4\ttheft\t"), "the blank row 3 is no case:\n{}", dry.stdout);
    s.run(&["import", "--file", &book, "--map-file", &map, "--sheet", "Incidents"]).ok();
    let r = records(&s);
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["occurred_at"], "2025-02-03T14:10:00+00:00");
    assert_eq!(r[0]["reported_at"], "2025-02-03T14:10:00+00:00", "a date with no time on the same day");
    assert_eq!(r[0]["losses"]["estimated"], "650.50");
    assert_eq!(r[0]["harm"], "low");
    assert_eq!(r[1]["losses"]["estimated"], "20.00");
    assert_eq!(r[1]["occurred_at"], "2025-03-01T09:00:00+00:00");
    // Again: nothing to add.
    s.run(&["import", "--file", &book, "--map-file", &map, "--sheet", "Incidents"])
        .ok()
        .says("Nothing to add");
}

#[test]
fn a_file_that_is_neither_csv_nor_a_workbook_is_refused_clearly() {
    let s = Store::new();
    let before = s.snapshot();
    let map = file(&s, "map.yaml", BOOK_MAP.as_bytes());
    let pdf = file(&s, "export.pdf", b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
    s.run(&["import", "--file", &pdf, "--map-file", &map])
        .fails(1)
        .says("export.pdf is a PDF, neither a CSV file nor an Excel workbook");
    let zip = file(&s, "export.xlsx", b"PK\x03\x04 not really a workbook");
    s.run(&["import", "--file", &zip, "--map-file", &map])
        .fails(1)
        .says("export.xlsx looks like a workbook but cannot be read as one");
    let csv = file(&s, "r.csv", b"Ref,When\n");
    s.run(&["import", "--file", &csv, "--map-file", &map, "--sheet", "Incidents"])
        .fails(1)
        .says("--sheet Incidents: ")
        .says("is not a workbook");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn suggest_map_writes_a_mapping_to_fill_in_from_the_header_and_values_and_the_filled_file_imports() {
    let s = Store::new();
    let csv = file(
        &s,
        "datix.csv",
        b"Datix ID,Incident date,Incident time,Type,Description,Severity,Site,Colour\n\
          DX-1,03/02/2025,14:10,Violence and aggression,Nurse pushed,Low harm,Hollins Park,red\n\
          DX-2,04/02/2025,10:00,theft,Coat taken,low HARM,HOLLINS PARK,blue\n\
          DX-3,05/02/2025,11:00,Theft,Bag taken,No harm,Peasley Cross,red\n",
    );
    let before = s.snapshot();
    let out = s.run(&["import", "--file", &csv, "--suggest-map"]).ok();
    assert_eq!(s.snapshot(), before, "nothing is recorded");
    let map = out.stdout;
    for want in [
        "columns:\n",
        "  occurred: [Incident date, Incident time]\n",
        "  Datix ID: ref:datix   # the old system's name",
        "  Type: category\n",
        "  Description: summary\n",
        "  Severity: harm\n",
        "  # Colour: not mapped (no field plainly fits)\n",
        "categories:   # one of physical-assault,",
        "  Violence and aggression: CATEGORY   # 1 row\n",
        "  theft: theft   # 2 rows\n",
        "harms:   # one of none, low, moderate, severe, death\n",
        "  Low harm: HARM   # 2 rows; perhaps low\n",
        "  No harm: HARM   # 1 row\n",
        "sites:   # one of Hollins Park, Peasley Cross\n  Hollins Park: Hollins Park   # 2 rows\n",
    ] {
        assert!(map.contains(want), "the mapping should hold {want:?}:\n{map}");
    }
    assert!(
        !map.contains("blue") && !map.contains("Nurse pushed"),
        "an unmapped or free-text column's values are not listed:\n{map}"
    );
    // As written, each word in capitals is refused, all at once.
    let path = file(&s, "map.yaml", map.as_bytes());
    s.run(&["import", "--file", &csv, "--map-file", &path, "--dry-run"])
        .fails(1)
        .says("3 lines map to values lsms does not know")
        .says("harms: 'Low harm' maps to unknown harm 'HARM'");
    // Filled in, it imports.
    let filled = map
        .replace("Violence and aggression: CATEGORY", "Violence and aggression: physical-assault")
        .replace("Low harm: HARM", "Low harm: low")
        .replace("No harm: HARM", "No harm: none");
    let path = file(&s, "map.yaml", filled.as_bytes());
    assert_eq!(
        s.run(&["import", "--file", &path.replace("map.yaml", "datix.csv"), "--map-file", &path])
            .ok()
            .lines()
            .len(),
        3
    );
    let r = records(&s);
    assert_eq!(r[0]["occurred_at"], "2025-02-03T14:10:00+00:00");
    assert_eq!(
        (r[0]["category"].as_str(), r[1]["harm"].as_str(), r[2]["harm"].as_str()),
        (Some("physical-assault"), Some("low"), Some("none"))
    );
}
