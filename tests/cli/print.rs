//! What people look at on paper: the board pack printed to A4 by Chromium
//! (the marking and the page number on every page, the commentary, names
//! isolated from the text around them) and spreadsheets that print and sort.

use crate::harness::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn board_file(s: &Store, extra: &[&str]) -> PathBuf {
    let html = s.tmp.path().join("board.html");
    let mut args = vec!["board", "--period", "2026/27", "--output", html.to_str().unwrap()];
    args.extend(extra);
    s.run(&args).ok();
    html
}

#[test]
fn every_printed_page_of_the_board_carries_the_marking_and_its_page_number() {
    if !chromium() || !pdftotext() {
        return;
    }
    let s = Store::sample();
    for (extra, marking) in
        [(&[][..], "OFFICIAL"), (&["--marking", "official-sensitive"][..], "OFFICIAL-SENSITIVE")]
    {
        let pages = print_pages(s.tmp.path(), &board_file(&s, extra));
        let m = pages.len();
        assert!(m >= 5, "{m} pages");
        for (n, page) in pages.iter().enumerate() {
            let n = n + 1;
            let marks = page.lines().filter(|l| l.split_whitespace().any(|w| w == marking)).count();
            assert!(
                marks >= 2,
                "page {n} of {m} has the marking {marking} {marks} times, not top and bottom:\n{page}"
            );
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap();
            assert!(first.contains(marking), "page {n}: the marking is not its first line: {first:?}");
            assert!(
                page.contains(&format!("Page {n} of {m}")),
                "page {n} of {m} has no page number:\n{page}"
            );
        }
    }
}

#[test]
fn money_and_changes_print_whole_at_a4() {
    if !chromium() || !pdftotext() {
        return;
    }
    let s = Store::sample();
    let html = board_file(&s, &[]);
    let page = std::fs::read_to_string(&html).unwrap();
    let pages = print_pages(s.tmp.path(), &html);
    let text = pages.join("\n");
    // Every amount in pounds the page holds is on one printed line, sign and all.
    let amounts: Vec<&str> = page
        .split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .filter(|c| c.contains('£'))
        .collect();
    assert!(!amounts.is_empty());
    for a in amounts {
        let a = a.replace("&amp;", "&");
        assert!(text.contains(&a), "{a:?} is not whole on any printed line");
    }
}

#[test]
fn the_commentary_is_printed_after_the_headline_as_text_not_markup() {
    let s = Store::sample();
    let notes = s.tmp.path().join("notes.md");
    std::fs::write(
        &notes,
        "Assaults **rose** at A&E after the <script>alert(1)</script> change.\n\n- lone working *reviewed*\n- CCTV at Bay 3\n",
    )
    .unwrap();
    let html = std::fs::read_to_string(board_file(&s, &["--commentary", notes.to_str().unwrap()])).unwrap();
    let headline = html.find("Headline figures").unwrap();
    let at = html.find("<h2>Commentary</h2>").expect("a commentary heading");
    assert!(at > headline, "after the headline");
    assert!(html.contains(
        "Assaults <strong>rose</strong> at A&amp;E after the &lt;script&gt;alert(1)&lt;/script&gt; change."
    ));
    assert!(html.contains("<ul><li>lone working <em>reviewed</em></li><li>CCTV at Bay 3</li></ul>"));
    assert!(!html.contains("<script"), "nothing runs");
    // Plain text with no markers is paragraphs and nothing else.
    std::fs::write(&notes, "First.\n\nSecond line one\nline two.").unwrap();
    let html = std::fs::read_to_string(board_file(&s, &["--commentary", notes.to_str().unwrap()])).unwrap();
    assert!(html.contains(r#"<div class="commentary"><p>First.</p><p>Second line one line two.</p></div>"#));
}

#[test]
fn the_marking_comes_from_lsms_yaml_and_a_bad_one_is_refused_with_the_store_unchanged() {
    let s = Store::with_config("marking: OFFICIAL-SENSITIVE\n");
    s.report(&["--category", "theft", "--summary", "Bike", "--occurred", "2026-11-02 09:00"]);
    let out = s.run(&["board", "--period", "2026/27"]).ok();
    assert!(out.stdout.contains("content: \"OFFICIAL-SENSITIVE\""), "the marking of every page");
    assert!(out.stdout.contains(r#"<p class="marking screen">OFFICIAL-SENSITIVE</p>"#));
    let before = s.snapshot();
    s.run(&["board", "--period", "2026/27", "--marking", "SECRET"]).fails(2).says("OFFICIAL-SENSITIVE");
    let missing = s.tmp.path().join("no-such-notes.md");
    s.run(&["board", "--period", "2026/27", "--commentary", missing.to_str().unwrap()])
        .fails(2)
        .says("no-such-notes.md");
    assert!(s.snapshot() == before, "the store changed");
    // A marking lsms.yaml cannot hold is named with its line.
    let bad = Store::with_config("marking: TOP-SECRET\n");
    bad.run(&["list"]).fails(1).says("marking 'TOP-SECRET'");
}

#[test]
fn a_right_to_left_trust_name_is_isolated_from_the_text_around_it() {
    let s = Store::new();
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("Test Trust", "مستشفى 5");
    std::fs::write(&cfg, text).unwrap();
    let html = s.run(&["board", "--period", "2026/27"]).ok().stdout;
    assert!(html.contains("<h1><bdi>مستشفى 5</bdi></h1>"), "the heading");
    assert!(html.contains("<footer><bdi>مستشفى 5</bdi> · "), "the footer");
    assert!(html.contains("<title>\u{2068}مستشفى 5\u{2069} — "), "the title");
}

/// Reads a sheet's print set-up, its total row and the file's properties.
const SHEET_SETUP: &str = r#"
import openpyxl, sys, zipfile
path, marking, trust = sys.argv[1], sys.argv[2], sys.argv[3]
wb = openpyxl.load_workbook(path)
ws = wb.active
ps = ws.page_setup
assert ps.orientation == 'landscape', ps.orientation
assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToHeight == 0, 'fit to one page wide'
assert ws.print_title_rows == '$7:$7', ws.print_title_rows
for part in (ws.oddHeader.center.text, ws.oddFooter.center.text):
    assert part == marking, (part, marking)
assert ws.oddFooter.right.text == 'Page &P of &N', ws.oddFooter.right.text
assert ws.oddHeader.left.text == trust.replace('&', '&&'), ws.oddHeader.left.text
assert wb.properties.keywords == marking and wb.properties.category == marking
app = zipfile.ZipFile(path).read('docProps/app.xml').decode()
assert '<Company>' + trust.replace('&', '&amp;') + '</Company>' in app, app
print('ok')
"#;

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3").arg("-c").arg(script).args(args).output().expect("python3");
    assert!(out.status.success(), "python failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn xlsx(s: &Store, name: &str, args: &[&str]) -> PathBuf {
    let file = s.tmp.path().join(name);
    let mut all = args.to_vec();
    all.extend(["--format", "xlsx", "--output", file.to_str().unwrap()]);
    s.run(&all).ok();
    file
}

#[test]
fn spreadsheets_print_landscape_with_the_header_row_and_the_marking_on_every_page() {
    if !openpyxl() {
        return;
    }
    let s = Store::sample();
    let trust = "Northshire Community Health NHS Trust (fictional)";
    for (file, args, marking) in [
        ("e.xlsx", &["export"][..], "OFFICIAL"),
        ("p.xlsx", &["export", "--include-personal"][..], "OFFICIAL-SENSITIVE"),
        ("s.xlsx", &["summary", "--period", "2026/27"][..], "OFFICIAL"),
    ] {
        let x = xlsx(&s, file, args);
        assert_eq!(python(SHEET_SETUP, &[x.to_str().unwrap(), marking, trust]).trim(), "ok", "{file}");
    }
}

/// Prints an .xlsx file to PDF with LibreOffice, headless; the text of
/// each page.
fn print_sheet(dir: &Path, x: &Path) -> Vec<String> {
    let out = Command::new("soffice")
        .arg("--headless")
        .arg(format!("-env:UserInstallation=file://{}", dir.join("lo-profile").display()))
        .args(["--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(x)
        .output()
        .expect("run soffice");
    let pdf = x.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice made no PDF: {}", String::from_utf8_lossy(&out.stderr));
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(String::from).collect()
}

#[test]
fn libreoffice_prints_the_export_on_few_pages_each_marked_and_numbered() {
    if !libreoffice() || !pdftotext() {
        return;
    }
    let s = Store::sample();
    for (file, args, marking, most) in [
        ("e.xlsx", &["export"][..], "OFFICIAL", 3),
        ("p.xlsx", &["export", "--include-personal"][..], "OFFICIAL-SENSITIVE", 4),
        ("s.xlsx", &["summary", "--period", "2026/27"][..], "OFFICIAL", 1),
    ] {
        let pages = print_sheet(s.tmp.path(), &xlsx(&s, file, args));
        let m = pages.len();
        assert!((1..=most).contains(&m), "{file}: {m} pages (18 portrait pages before)");
        for (n, page) in pages.iter().enumerate() {
            let n = n + 1;
            let marks: usize =
                page.lines().map(|l| l.split_whitespace().filter(|w| *w == marking).count()).sum();
            assert!(marks >= 2, "{file}: page {n} of {m} has {marking} {marks} times:\n{page}");
            // (LibreOffice 7.4 ends a sheet fitted to the width with a blank
            // page, which pdftotext gives no text: M counts it.)
            assert!(page.contains(&format!("Page {n} of ")), "{file}: page {n} of {m} unnumbered");
        }
        // On paper, categories read as people say them.
        assert!(pages.join("\n").contains("Physical assault"), "{file}: no category as people read it");
        if m > 1 {
            // The header row is repeated: the second page has the column heads.
            assert!(
                pages[1].contains("occurred_at") || pages[1].contains("Category"),
                "{file}: no header row on page 2"
            );
        }
    }
}

/// The figures of a board table's row, as shown.
fn cells_of(html: &str, attr: &str, key: &str) -> Vec<String> {
    let start = html.find(&format!(r#"<tr {attr}="{key}""#)).unwrap_or_else(|| panic!("no row {key}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td>").skip(1).map(|c| c.split("</td>").next().unwrap().replace("&lt;", "<")).collect()
}

/// The board's HTML on stdout.
fn board_page(s: &Store, args: &[&str]) -> String {
    let mut all = vec!["board"];
    all.extend_from_slice(args);
    s.run(&all).ok().stdout
}

/// October: theft 3, harassment 9 (total 12), so the total less the 9
/// would give the 3 away; November: assaults with and without medical
/// factors and an open caseload.
fn small_store() -> Store {
    let s = Store::new();
    let add = |cat: &str, when: &str, n: usize| {
        for _ in 0..n {
            s.report(&["--category", cat, "--summary", "x", "--occurred", when, "--site", "Hollins Park"]);
        }
    };
    add("theft", "2026-10-05 10:00", 3);
    add("harassment", "2026-10-06 11:00", 9);
    add("physical-assault", "2026-11-02 09:00", 2);
    s
}

#[test]
fn a_total_never_gives_a_hidden_count_away_and_hidden_counts_are_drawn_as_hidden() {
    let s = small_store();
    let html = board_page(&s, &["--period", "2026/27-Q3", "--suppress", "small"]);
    // October: 3 thefts hidden, and the 9 beside them too, or 12 − 9 = 3.
    let oct = cells_of(&html, "data-key", "2026-10");
    let cats = ["Harassment", "Theft", "Physical assault"];
    assert!(cats.iter().all(|c| html.contains(c)));
    let hidden = |cells: &[String]| cells.iter().filter(|c| *c == "<5" || *c == "[c]").count();
    // No row of the trend table (month by category) hides exactly one figure.
    for key in ["2026-10", "2026-11", "2026-12", "total"] {
        let row = cells_of(&html, "data-key", key);
        assert_ne!(hidden(&row), 1, "{key}: {row:?} gives its hidden count away");
    }
    assert!(oct.contains(&"[c]".to_string()), "a second figure is hidden: {oct:?}");
    // Nor does a column: the totals row and each category's column.
    let rows: Vec<Vec<String>> =
        ["2026-10", "2026-11", "2026-12", "total"].iter().map(|k| cells_of(&html, "data-key", k)).collect();
    for c in 0..rows[0].len() {
        let column: Vec<String> = rows.iter().map(|r| r[c].clone()).collect();
        assert_ne!(hidden(&column), 1, "column {c}: {column:?} gives its hidden count away");
    }
    assert!(!oct.contains(&"9".to_string()) && !oct.contains(&"3".to_string()), "{oct:?}");
    // The note says what is hidden and why, on every page that hides.
    assert!(html.contains("Counts from 1 to 4 are shown as &lt;5") && html.contains("shown as [c]"));
    // And how many of the page's figures: the trend's page hides its 3 and the 9 beside it, at least.
    let trend_page = html.split("<section").nth(2).unwrap();
    let said = trend_page.split("On this page: ").nth(1).expect("the page says what it hides");
    assert!(said.contains(" shown as &lt;5") && said.contains(" more hidden as [c]."), "{said:.120}");
    // A hidden bar is drawn hatched and outlined, labelled, as the range it lies in.
    assert!(html.contains(r#"stroke-dasharray="3 2""#) && html.contains("&lt;5 (hidden: 1 to 4)"));
    assert!(html.contains("Hidden (see the note)"), "the stacked chart's legend names the hatching");
    // --suppress-small is --suppress small.
    assert_eq!(board_page(&s, &["--period", "2026/27-Q3", "--suppress-small"]), html);
}

#[test]
fn the_nhs_rule_stars_one_to_seven_and_rounds_the_rest_to_five() {
    let s = small_store();
    let html = board_page(&s, &["--period", "2026/27-Q3", "--suppress", "nhs"]);
    assert_eq!(cells_of(&html, "data-metric", "incidents")[0], "15", "14 incidents, rounded to 15");
    let oct = cells_of(&html, "data-key", "2026-10");
    assert!(oct.contains(&"10".to_string()) && oct.contains(&"*".to_string()), "9 as 10, 3 as *: {oct:?}");
    for row in ["2026-10", "2026-11", "2026-12", "total"] {
        for c in cells_of(&html, "data-key", row) {
            assert!(
                c == "*" || c.parse::<u64>().is_ok_and(|n| n % 5 == 0),
                "{row}: {c} is neither * nor a 5"
            );
        }
    }
    assert!(html.contains("as NHS England publishes hospital statistics"));
    // A change of rounded counts would mislead: none is given.
    assert_eq!(cells_of(&html, "data-metric", "incidents")[2], "–");
    // A rule lsms does not know is refused as usage, the store untouched.
    let before = s.snapshot();
    s.run(&["board", "--suppress", "five"]).fails(2).says("small").says("nhs");
    s.run(&["board", "--suppress", "nhs", "--suppress-small"]).fails(2);
    assert_eq!(s.snapshot(), before);
}

#[test]
fn at_official_the_hotspots_hide_small_counts_and_official_sensitive_shows_them() {
    let s = small_store();
    let official = board_page(&s, &["--period", "2026/27-Q3"]);
    // The rest of the pack is whole; the site grid and the clock hide counts under 5.
    assert_eq!(cells_of(&official, "data-key", "2026-10").last().unwrap(), "12");
    assert!(cells_of(&official, "data-key", "2026-10").contains(&"3".to_string()));
    let ward = cells_of(&official, "data-key", "Hollins Park");
    assert!(!ward.contains(&"3".to_string()) && !ward.contains(&"2".to_string()), "{ward:?}");
    let monday = cells_of(&official, "data-key", "Monday");
    assert!(!monday.iter().any(|c| c == "1" || c == "2" || c == "3" || c == "4"), "{monday:?}");
    assert!(
        official.contains(
            "At OFFICIAL, one or two incidents at a place or an hour can point to a member of staff"
        )
    );
    let sensitive = board_page(&s, &["--period", "2026/27-Q3", "--marking", "OFFICIAL-SENSITIVE"]);
    assert!(cells_of(&sensitive, "data-key", "Hollins Park").contains(&"3".to_string()));
    assert!(
        !sensitive.contains("&lt;5") && !sensitive.contains("[c]") && !sensitive.contains("On this page")
    );
}

#[test]
fn charts_have_round_ticks_gridlines_and_every_heatmap_a_legend() {
    let s = Store::sample();
    let html = board_page(&s, &["--period", "2026/27", "--marking", "OFFICIAL-SENSITIVE"]);
    let svgs: Vec<&str> = html.split("<svg").skip(1).map(|s| s.split("</svg>").next().unwrap()).collect();
    let heatmaps: Vec<&&str> = svgs.iter().filter(|s| s.contains("Grid of counts")).collect();
    assert_eq!(heatmaps.len(), 2);
    for h in heatmaps {
        assert!(h.contains("<linearGradient") && h.contains(">Incidents</text>"), "a heatmap has no legend");
    }
    for svg in svgs.iter().filter(|s| s.contains("Bar chart") || s.contains("Stacked column")) {
        // Tick labels are round values: more than the 0 and the top.
        let ticks: Vec<u64> = svg
            .split(r#"class="a">"#)
            .skip(1)
            .filter_map(|t| t.split('<').next().unwrap().replace(['£', ','], "").parse().ok())
            .collect();
        assert!(ticks.len() >= 3, "ticks {ticks:?}");
        let step = ticks[1] - ticks[0];
        assert!(ticks.windows(2).all(|w| w[1] - w[0] == step), "evenly spaced: {ticks:?}");
        let lead = step.to_string().trim_end_matches('0').to_string();
        assert!(["1", "2", "5"].contains(&lead.as_str()), "round steps: {ticks:?}");
        assert!(svg.contains(r##"stroke="#ddd""##), "gridlines");
    }
}

#[test]
fn the_board_prints_whole_at_a4_labels_and_right_hand_borders_not_cut() {
    if !chromium() || !pdftotext() {
        return;
    }
    let s = Store::sample();
    for marking in ["OFFICIAL", "OFFICIAL-SENSITIVE"] {
        let html = board_file(&s, &["--marking", marking]);
        let pages = print_pages(s.tmp.path(), &html);
        let text = pages.join("\n");
        // The overdue chart's longest label, whole (wrapped at a space).
        for part in ["Controlled Drugs Accountable", "Officer not yet told", "Awaiting others,"] {
            assert!(text.contains(part), "{part:?} is cut:\n{text}");
        }
        // Every table prints to its right-hand border: the widest, day by
        // hour, with all 24 hours, "Time not known" and the total on each row.
        for day in ["Monday", "Wednesday", "Sunday", "Total"] {
            let widest = text
                .lines()
                .filter(|l| l.trim_start().starts_with(day))
                .map(|l| l.split_whitespace().count())
                .max()
                .unwrap_or(0);
            assert_eq!(widest, 27, "{day}'s row is cut: {widest} words, not its name and 26 figures\n{text}");
        }
    }
}

#[test]
fn long_names_print_whole_and_every_table_keeps_its_right_hand_column_at_a4() {
    if !chromium() || !pdftotext() {
        return;
    }
    let site = "Whiston Lodge Community Mental Health Resource Centre (North)";
    let long = "controlled-drugs-discrepancy-reported-to-the-accountable-officer";
    let s = Store::with_config(&format!("sites: [\"{site}\", Peasley Cross]\ncategories: [{long}]\n"));
    for (cat, day) in [("theft", "2026-10-01"), ("theft", "2026-10-02"), (long, "2026-10-03")] {
        s.report(&[
            "--category",
            cat,
            "--summary",
            "x",
            "--occurred",
            &format!("{day} 10:00"),
            "--site",
            site,
        ]);
    }
    let html = board_file(&s, &["--marking", "OFFICIAL-SENSITIVE"]);
    let text = print_pages(s.tmp.path(), &html).join("\n");
    // Each table's total row, with every category's column and the total
    // (the standard seven, the trust's own, and Total; the clock's 24 hours,
    // time not known and Total): none cut at the right.
    let totals: Vec<usize> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|w| {
            w.first() == Some(&"Total") && w.len() > 3 && w[1..].iter().all(|n| n.parse::<u64>().is_ok())
        })
        .map(|w| w.len())
        .collect();
    assert_eq!(totals, [10, 10, 27], "a total row is cut:\n{text}");
    for words in ["Whiston Lodge", "Resource Centre", "discrepancy", "accountable"] {
        assert!(text.contains(words), "{words:?} is not printed:\n{text}");
    }
}
