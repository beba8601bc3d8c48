//! The board's security report as one self-contained HTML page: inline CSS
//! and SVG, no script, nothing fetched, so it opens offline in any browser
//! and prints to A4 a section a page. The SVG is written here directly: the
//! charts are bars, stacked columns and grids, and writing them by hand
//! gives each its <title>, <desc> and role="img" for screen readers, which
//! plotters' SVG backend does not. Every chart has its figures as a table
//! beneath it. Every string is escaped.

use crate::model::{Money, SanctionClass};
use crate::report::board::{AGE_BANDS, Board, category_label, deadline_label, sentence};
use crate::report::summary::{Column, Earlier, Figure, Key, Metric, Prior, Row};
use std::fmt::Write;

/// The Okabe–Ito palette, which people with any common colour blindness
/// can tell apart (black last, grey beyond).
const PALETTE: [&str; 8] =
    ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
const MORE: &str = "#999999";

pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// How counts are shown: as they are, or 1 to 4 as "<5" for publication.
#[derive(Debug, Clone, Copy)]
pub struct Show {
    pub suppress: bool,
}

impl Show {
    fn hidden(self, n: u64) -> bool {
        self.suppress && (1..=4).contains(&n)
    }
    /// A count as text (not yet escaped).
    pub fn count(self, n: u64) -> String {
        if self.hidden(n) { "<5".into() } else { n.to_string() }
    }
    /// A count as drawn: a hidden one at its ceiling, so that its size
    /// tells no more than "<5".
    fn drawn(self, n: u64) -> u64 {
        if self.hidden(n) { 4 } else { n }
    }
    /// A figure as shown: counts may be hidden, money is in pounds, and
    /// no figure at all (a median of nothing) is a dash.
    fn figure(self, f: Figure) -> String {
        match f {
            Figure::Count(n) => self.count(n),
            Figure::Money(m) => pounds(m),
            Figure::Days(Some(d)) => d.to_string(),
            Figure::Days(None) => "–".into(),
        }
    }
}

/// `£1,527.70`.
fn pounds(m: Money) -> String {
    let text = m.to_string();
    let (w, f) = text.split_once('.').unwrap_or((&text, "00"));
    let digits: Vec<char> = w.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    format!("£{out}.{f:0<2}")
}

/// An id for an element, unique on the page.
fn id(prefix: &str, n: &mut u32) -> String {
    *n += 1;
    format!("{prefix}{n}")
}

/// The opening of an accessible SVG: its title and description, which a
/// screen reader announces.
fn svg_open(out: &mut String, ids: &mut u32, w: u32, h: u32, title: &str, desc: &str) {
    let t = id("t", ids);
    let d = id("d", ids);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{t} {d}" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet"><title id="{t}">{}</title><desc id="{d}">{}</desc>"#,
        escape(title),
        escape(desc)
    );
}

/// Horizontal bars, one per item, with its figure at the end.
fn bars(out: &mut String, ids: &mut u32, title: &str, items: &[(String, u64, String)], show: Show) {
    let row = 30;
    let (w, label_w, h) = (680u32, 250u32, 20 + row * items.len() as u32);
    let max = items.iter().map(|i| show.drawn(i.1)).max().unwrap_or(0).max(1);
    let desc = format!(
        "Bar chart. {}.",
        items.iter().map(|(l, _, v)| format!("{l}: {v}")).collect::<Vec<_>>().join("; ")
    );
    svg_open(out, ids, w, h, title, &desc);
    for (i, (label, n, shown)) in items.iter().enumerate() {
        let y = 10 + row * i as u32;
        let len = (show.drawn(*n) as f64 / max as f64 * (w - label_w - 90) as f64).round() as u32;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" class="l">{}</text><rect x="{label_w}" y="{}" width="{len}" height="20" fill="{}"/><text x="{}" y="{}" class="v">{}</text>"#,
            label_w - 8,
            y + 15,
            escape(label),
            y,
            PALETTE[0],
            label_w + len + 6,
            y + 15,
            escape(shown)
        );
    }
    out.push_str("</svg>");
}

/// Columns of stacked series, one column per x value, with a legend.
fn stacked(
    out: &mut String,
    ids: &mut u32,
    title: &str,
    xs: &[String],
    series: &[(String, Vec<u64>)],
    show: Show,
) {
    let (w, left, top, plot_h) = (700u32, 40u32, 10u32, 220u32);
    let legend_rows = series.len().div_ceil(3) as u32;
    let h = top + plot_h + 52 + 22 * legend_rows;
    let totals: Vec<u64> = (0..xs.len())
        .map(|x| series.iter().map(|(_, v)| show.drawn(v.get(x).copied().unwrap_or(0))).sum())
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let step = (w - left - 10) / xs.len().max(1) as u32;
    let bar = (step as f64 * 0.7) as u32;
    let desc = format!(
        "Stacked column chart, one column for each of {} to {}; the table below has every figure.",
        xs.first().map_or("", |s| s.as_str()),
        xs.last().map_or("", |s| s.as_str())
    );
    svg_open(out, ids, w, h, title, &desc);
    // Axis with its top figure.
    let _ = write!(
        out,
        r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="#444"/><line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#444"/><text x="{}" y="{}" text-anchor="end" class="v">{}</text><text x="{}" y="{}" text-anchor="end" class="v">0</text>"##,
        top + plot_h,
        top + plot_h,
        w - 10,
        top + plot_h,
        left - 4,
        top + 10,
        // The scale's top, unless small counts are hidden (it may be one).
        if show.suppress { String::new() } else { max.to_string() },
        left - 4,
        top + plot_h
    );
    for (x, label) in xs.iter().enumerate() {
        let cx = left + 5 + step * x as u32;
        let mut y = top + plot_h;
        for (s, (name, v)) in series.iter().enumerate() {
            let n = show.drawn(v.get(x).copied().unwrap_or(0));
            if n == 0 {
                continue;
            }
            let hgt = (n as f64 / max as f64 * plot_h as f64).round().max(1.0) as u32;
            y = y.saturating_sub(hgt);
            let _ = write!(
                out,
                r##"<rect x="{cx}" y="{y}" width="{bar}" height="{hgt}" fill="{}" stroke="#fff" stroke-width="0.5"><title>{}, {}: {}</title></rect>"##,
                PALETTE.get(s).copied().unwrap_or(MORE),
                escape(label),
                escape(name),
                escape(&show.count(v.get(x).copied().unwrap_or(0)))
            );
        }
        // `Oct 2026`, the year under the month so that twelve fit.
        let short = month_short(label);
        let (month, year) = short.split_once(' ').unwrap_or((short.as_str(), ""));
        let x = cx + bar / 2;
        let _ = write!(
            out,
            r#"<text x="{x}" y="{}" text-anchor="middle" class="a"><tspan x="{x}">{}</tspan> <tspan x="{x}" dy="12">{}</tspan></text>"#,
            top + plot_h + 16,
            escape(month),
            escape(year)
        );
    }
    for (s, (name, _)) in series.iter().enumerate() {
        let (lx, ly) = (left + 220 * (s as u32 % 3), top + plot_h + 46 + 22 * (s as u32 / 3));
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="{}" width="14" height="14" fill="{}"/><text x="{}" y="{}" class="l">{}</text>"#,
            ly - 11,
            PALETTE.get(s).copied().unwrap_or(MORE),
            lx + 20,
            ly,
            escape(name)
        );
    }
    out.push_str("</svg>");
}

/// A grid whose cells are shaded by their count (light to dark blue, a
/// scale that reads without colour vision), each with its figure.
fn heatmap(
    out: &mut String,
    ids: &mut u32,
    title: &str,
    rows: &[String],
    cols: &[String],
    values: &[Vec<u64>],
    show: Show,
) {
    let label_w = 150u32;
    let cell_w = ((700 - label_w) / cols.len().max(1) as u32).min(90);
    let longest = cols.iter().map(|c| c.chars().count()).max().unwrap_or(0) as u32;
    let (cell_h, top) = (24u32, 20 + longest * 5);
    let (w, h) =
        (label_w + cell_w * cols.len() as u32 + 10 + longest * 6, top + cell_h * rows.len() as u32 + 10);
    let max = values.iter().flatten().map(|n| show.drawn(*n)).max().unwrap_or(0).max(1);
    let busiest = rows
        .iter()
        .enumerate()
        .flat_map(|(r, rl)| cols.iter().enumerate().map(move |(c, cl)| (r, c, rl, cl)))
        .max_by_key(|(r, c, _, _)| values[*r][*c]);
    let desc = match busiest {
        Some((r, c, rl, cl)) if values[r][c] > 0 => format!(
            "Grid of counts, {} rows by {} columns; the most is {}, {}: {}. The table below has every figure.",
            rows.len(),
            cols.len(),
            rl,
            cl,
            show.count(values[r][c])
        ),
        _ => "Grid of counts: none in the period.".to_string(),
    };
    svg_open(out, ids, w, h, title, &desc);
    for (c, label) in cols.iter().enumerate() {
        let x = label_w + cell_w * c as u32 + cell_w / 2;
        let _ = write!(
            out,
            r#"<text transform="translate({x},{}) rotate(-40)" class="a">{}</text>"#,
            top - 6,
            escape(label)
        );
    }
    for (r, label) in rows.iter().enumerate() {
        let y = top + cell_h * r as u32;
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" class="l">{}</text>"#,
            label_w - 6,
            y + 16,
            escape(label)
        );
        for (c, n) in values[r].iter().enumerate() {
            let x = label_w + cell_w * c as u32;
            let f = show.drawn(*n) as f64 / max as f64;
            // From #f2f7fb to #08306b.
            let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
            let fill = format!("#{:02x}{:02x}{:02x}", mix(0xf2, 0x08), mix(0xf7, 0x30), mix(0xfb, 0x6b));
            let ink = if f > 0.5 { "#fff" } else { "#000" };
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}" stroke="#fff"/>"##
            );
            if *n > 0 {
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" class="c" fill="{ink}">{}</text>"#,
                    x + cell_w / 2,
                    y + 16,
                    escape(&show.count(*n))
                );
            }
        }
    }
    out.push_str("</svg>");
}

/// How a table's heads read: the columns' values and the rows' values in
/// plain English.
struct Heads<'a> {
    column: &'a dyn Fn(&str) -> String,
    row: &'a dyn Fn(&str) -> String,
}

/// A table of a cross-tab's rows, with column and row heads in plain English.
fn table(out: &mut String, caption: &str, columns: &[Column], rows: &[Row], heads: Heads<'_>, show: Show) {
    let _ = write!(out, "<table><caption>{}</caption><thead><tr>", escape(caption));
    out.push_str(r#"<th scope="col"></th>"#);
    for c in columns {
        let text = match c {
            Column::Across(v) => (heads.column)(v),
            other => other.label(),
        };
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&text));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        let total = r.key == Key::Total;
        let _ = write!(
            out,
            r#"<tr data-key="{}"{}><th scope="row">{}</th>"#,
            escape(r.key.name()),
            if total { r#" class="total""# } else { "" },
            escape(&if total { "Total".to_string() } else { (heads.row)(r.key.name()) })
        );
        for f in &r.figures {
            let _ = write!(out, "<td>{}</td>", escape(&show.figure(*f)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// A simple two-column table.
fn pairs(out: &mut String, caption: &str, head: (&str, &str), items: &[(String, String)]) {
    let _ = write!(out, r#"<table class="narrow"><caption>{}</caption>"#, escape(caption));
    if !head.0.is_empty() || !head.1.is_empty() {
        let _ = write!(
            out,
            r#"<thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead>"#,
            escape(head.0),
            escape(head.1)
        );
    }
    out.push_str("<tbody>");
    for (k, v) in items {
        let _ = write!(out, r#"<tr><th scope="row">{}</th><td>{}</td></tr>"#, escape(k), escape(v));
    }
    out.push_str("</tbody></table>");
}

/// The hotspot table's column of incidents whose time of day is not known.
const TIME_NOT_KNOWN: &str = "Time not known";

/// `2026-04` as `Apr 2026`, for an axis: the year whole, since `Apr 26`
/// reads as 26 April.
fn month_short(key: &str) -> String {
    let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match key.split_once('-') {
        Some((y, m)) => match m.parse::<usize>() {
            Ok(m @ 1..=12) => format!("{} {y}", names[m - 1]),
            _ => key.to_string(),
        },
        None => key.to_string(),
    }
}

fn month_label(key: &str) -> String {
    let names = crate::report::MONTH_NAMES;
    match key.split_once('-') {
        Some((y, m)) => match m.parse::<usize>() {
            Ok(m @ 1..=12) => format!("{} {y}", names[m - 1]),
            _ => key.to_string(),
        },
        None => key.to_string(),
    }
}

/// A change on an earlier period, as shown: money in pounds, and a dash
/// for none, or when counts are hidden and either count is small.
fn change(now: Figure, earlier: Option<&Earlier>, show: Show) -> String {
    let small = |f: Figure| f.count().is_some_and(|n| (1..=4).contains(&n));
    match earlier.and_then(|e| e.change.map(|c| (e.figure, c))) {
        None => "–".into(),
        Some((then, _)) if show.suppress && (small(now) || small(then)) => "–".into(),
        Some((_, c)) => match c.money() {
            Some(m) => format!("{}{}", c.sign(), pounds(m)),
            None => c.to_string(),
        },
    }
}

const CSS: &str = r#"
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; font-size: 10.5pt; line-height: 1.35; }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.1em; font-size: 10pt; margin: 0 0 4mm; }
header h1 { font-size: 20pt; margin: 0 0 2mm; color: #003087; }
header p { margin: 0.5mm 0; }
h2 { font-size: 14pt; color: #003087; border-bottom: 2px solid #003087; padding-bottom: 1mm; margin: 0 0 3mm; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; }
section { break-before: page; page-break-before: always; }
section.first { break-before: auto; page-break-before: auto; }
figure { margin: 0 0 2mm; break-inside: avoid; page-break-inside: avoid; }
svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg .l { font-size: 13px; } svg .v { font-size: 12px; } svg .a { font-size: 11px; } svg .c { font-size: 11px; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9pt; break-inside: avoid; page-break-inside: avoid; }
table.narrow { width: auto; min-width: 60%; }
table.tiny { font-size: 7pt; }
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th, td, bdi { unicode-bidi: isolate; }
@media print { .marking.screen { display: none; } }
.commentary p { margin: 0 0 2mm; } .commentary ul { margin: 0 0 2mm 5mm; padding: 0; }
thead th { background: #e8edf4; vertical-align: bottom; }
tbody th { text-align: left; font-weight: normal; white-space: nowrap; }
tr.total th, tr.total td { font-weight: bold; background: #f4f6f9; }
.big { display: flex; flex-wrap: wrap; gap: 3mm; margin: 4mm 0; }
.big div { border: 1px solid #bbb; border-top: 4px solid #0072B2; padding: 2mm 3mm; flex: 1 1 40mm; }
.big b { display: block; font-size: 18pt; white-space: nowrap; }
.note { font-size: 9pt; color: #333; }
.unlike { color: #B00020; }
.partial { border: 2px solid #B00020; color: #B00020; padding: 2mm 3mm; margin: 0 0 4mm; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #333; }
"#;

/// The whole page. `partial` is the note a page made without some
/// incident files carries at the top of its first page (`--partial`).
/// What a printed page carries beside the figures: the marking at its top
/// and bottom, and the LSMS's commentary (already HTML) after the headline.
#[derive(Debug, Clone, Copy, Default)]
pub struct Print<'a> {
    pub marking: &'a str,
    pub commentary: Option<&'a str>,
}

/// `s` as a CSS string literal: quotes, backslashes, controls and `<` as
/// escapes, so no name can end the string or the `<style>` element.
pub(crate) fn css_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' | '<' | '>' | '&' => {
                let _ = write!(o, "\\{:x} ", c as u32);
            }
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The LSMS's commentary as HTML: plain text or a little Markdown (a blank
/// line between paragraphs, `- ` or `* ` bullets, `**bold**`, `*italic*`
/// or `_italic_`); everything else, HTML and links included, is text.
pub fn commentary(text: &str) -> String {
    let mut o = String::new();
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<&str> = block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        let bullet = |l: &str| l.strip_prefix("- ").or_else(|| l.strip_prefix("* ")).map(str::to_string);
        let mut para: Vec<String> = Vec::new();
        let mut items: Vec<String> = Vec::new();
        let flush_para = |o: &mut String, para: &mut Vec<String>| {
            if !para.is_empty() {
                let _ = write!(o, "<p>{}</p>", inline(&para.join(" ")));
                para.clear();
            }
        };
        let flush_items = |o: &mut String, items: &mut Vec<String>| {
            if !items.is_empty() {
                o.push_str("<ul>");
                for i in items.iter() {
                    let _ = write!(o, "<li>{}</li>", inline(i));
                }
                o.push_str("</ul>");
                items.clear();
            }
        };
        for l in lines {
            match bullet(l) {
                Some(item) => {
                    flush_para(&mut o, &mut para);
                    items.push(item);
                }
                None if !items.is_empty() && !l.starts_with(['-', '*']) && para.is_empty() => {
                    // A continuation of the bullet above.
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(l);
                    }
                }
                None => {
                    flush_items(&mut o, &mut items);
                    para.push(l.to_string());
                }
            }
        }
        flush_para(&mut o, &mut para);
        flush_items(&mut o, &mut items);
    }
    o
}

/// Escapes a line, then turns `**x**` into bold and `*x*` / `_x_` into
/// italic where the markers pair up; an unpaired marker stays as written.
fn inline(line: &str) -> String {
    let mut s = escape(line);
    for (mark, tag) in [("**", "strong"), ("*", "em"), ("_", "em")] {
        let parts: Vec<&str> = s.split(mark).collect();
        if parts.len() < 3 {
            continue;
        }
        let pairs = (parts.len() - 1) / 2;
        let mut o = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                if i <= pairs * 2 {
                    let _ = write!(o, "<{}{tag}>", if i % 2 == 1 { "" } else { "/" });
                } else {
                    o.push_str(mark);
                }
            }
            o.push_str(p);
        }
        s = o;
    }
    s
}

/// The page furniture of the print: the marking centred at the top and
/// bottom of every page (CSS page-margin boxes, which Chromium prints from
/// version 131), the title at the bottom left and "Page N of M" at the
/// bottom right; the browser's own header and footer are not needed.
pub(crate) fn page_css(marking: &str, title: &str) -> String {
    let m = css_string(marking);
    format!(
        "@page {{ @top-center {{ content: {m}; font: bold 10pt sans-serif; letter-spacing: 0.1em; white-space: nowrap; }} \
         @bottom-center {{ content: {m}; font: bold 10pt sans-serif; letter-spacing: 0.1em; white-space: nowrap; }} \
         @bottom-left {{ content: {}; font: 7pt sans-serif; }} \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt sans-serif; white-space: nowrap; }} }}",
        css_string(title)
    )
}

pub fn html(b: &Board, categories: &[String], show: Show, partial: Option<&str>, print: Print) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let mut ids = 0u32;
    let p = &b.periods;
    let title = format!("Security incidents: report to the Board, {}", p.now.shown());
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{CSS}{}</style></head><body>"#,
        escape(&format!("\u{2068}{}\u{2069} — {title}", b.trust)),
        page_css(print.marking, &format!("{} — {title}", b.trust))
    );
    let marking = format!(r#"<p class="marking screen">{}</p>"#, escape(print.marking));
    let marking = marking.as_str();

    // 1. Title and headline figures.
    let earlier = p.earlier();
    let unlike = p
        .unlike
        .as_ref()
        .map(|u| format!(r#"<p class="unlike"><strong>{}</strong></p>"#, escape(u)))
        .unwrap_or_default();
    let partial = partial
        .map(|n| format!(r#"<p class="partial" role="alert"><strong>{}</strong></p>"#, escape(n)))
        .unwrap_or_default();
    let _ = write!(
        o,
        r#"<section class="first">{marking}{partial}<header><h1><bdi>{}</bdi></h1><p><strong>{}</strong></p><p>Period: <strong>{}</strong> ({})</p><p>Compared with {}</p>{}<p>Made {}</p></header>"#,
        escape(&b.trust),
        escape("Security incidents: report to the Board"),
        escape(&p.now.shown()),
        escape(&p.now.dates()),
        escape(&earlier.iter().map(|(_, e)| e.shown()).collect::<Vec<_>>().join(" and with ")),
        unlike,
        escape(&b.made)
    );
    let value = |m: Metric| b.headline.figure(&Key::Metric(m), &Column::Value);
    let count = |m: Metric| value(m).and_then(Figure::count).unwrap_or(0);
    o.push_str(r#"<h2>Headline figures</h2><div class="big">"#);
    let commentary =
        print.commentary.map(|c| format!(r#"<h2>Commentary</h2><div class="commentary">{c}</div>"#));
    for (m, l) in [
        (Metric::Incidents, "Incidents"),
        (Metric::PhysicalAssaults, "Physical assaults"),
        (Metric::LossesEstimated, "Losses estimated"),
        (Metric::Closed, "Closed"),
    ] {
        let shown = value(m).map_or_else(|| "–".to_string(), |f| show.figure(f));
        let _ = write!(o, "<div><b>{}</b>{}</div>", escape(&shown), escape(l));
    }
    o.push_str("</div>");
    let caption = if p.once() {
        "Headline figures, with the change on the same period a year earlier"
    } else {
        "Headline figures, with the change on the previous period and on the same period a year earlier"
    };
    let _ = write!(
        o,
        r#"<table><caption>{caption}</caption><thead><tr><th scope="col">Figure</th><th scope="col">{}</th>"#,
        escape(&p.now.shown())
    );
    for (_, e) in &earlier {
        let _ = write!(o, r#"<th scope="col">{}</th><th scope="col">Change</th>"#, escape(&e.shown()));
    }
    o.push_str("</tr></thead><tbody>");
    let headline = b.headline.headline();
    for r in &b.headline.rows {
        let Key::Metric(m) = r.key else { continue };
        let Some(now) = r.figures.get(headline).copied() else { continue };
        let earlier_of = |p: Prior| r.earlier.iter().find(|e| e.prior == p);
        let then = |p: Prior| earlier_of(p).map_or_else(|| "–".to_string(), |e| show.figure(e.figure));
        let _ = write!(
            o,
            r#"<tr data-metric="{}"><th scope="row">{}</th><td>{}</td>"#,
            escape(m.name()),
            escape(m.label()),
            escape(&show.figure(now)),
        );
        for (prior, _) in &earlier {
            let _ = write!(
                o,
                "<td>{}</td><td>{}</td>",
                escape(&then(*prior)),
                escape(&change(now, earlier_of(*prior), show))
            );
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
    o.push_str(r#"<p class="note">Incidents are counted in the period when they occurred, in every status. Losses are in pounds. Days to close run from the report to the closing, as they happened; a closing that cannot be dated after its report is counted apart, not guessed. "#);
    if show.suppress {
        o.push_str("Counts from 1 to 4 are shown as &lt;5.");
    }
    o.push_str("</p>");
    o.push_str(&commentary.unwrap_or_default());
    o.push_str("</section>");

    // 2. Monthly trend by category.
    o.push_str(r#"<section>"#);
    o.push_str(marking);
    o.push_str("<h2>Incidents by month and category</h2><figure>");
    let months: Vec<String> = b.trend.row_values().into_iter().map(String::from).collect();
    let cats = b.trend.across();
    let cell = |s: &crate::report::summary::Summary, r: &str, c: &str| {
        s.figure(&Key::Value(r.to_string()), &Column::Across(c.to_string()))
            .and_then(Figure::count)
            .unwrap_or(0)
    };
    let series: Vec<(String, Vec<u64>)> = cats
        .iter()
        .map(|c| (category_label(c), months.iter().map(|m| cell(&b.trend, m, c)).collect()))
        .collect();
    stacked(
        &mut o,
        &mut ids,
        &format!("Incidents by month and category, {}", p.now.shown()),
        &months,
        &series,
        show,
    );
    o.push_str("</figure>");
    table(
        &mut o,
        "Incidents by month (rows) and category (columns)",
        &b.trend.columns,
        &b.trend.rows,
        Heads { column: &category_label, row: &month_label },
        show,
    );
    o.push_str("</section>");

    // 3. Physical assaults, sanctions, losses.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Physical assaults, sanctions and losses</h2>");
    let mf: Vec<(String, u64, String)> = [
        (Metric::PhysicalAssaultsWithMedicalFactors, "With medical factors"),
        (Metric::PhysicalAssaultsWithoutMedicalFactors, "Without medical factors"),
        (Metric::PhysicalAssaultsMedicalFactorsUnknown, "Not yet known"),
    ]
    .iter()
    .map(|(m, l)| {
        let n = count(*m);
        (l.to_string(), n, show.count(n))
    })
    .collect();
    o.push_str("<h3>Physical assaults, with and without medical factors</h3><figure>");
    bars(&mut o, &mut ids, "Physical assaults by whether medical factors played a part", &mf, show);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Physical assaults",
        ("Medical factors", "Physical assaults"),
        &mf.iter().map(|(l, _, v)| (l.clone(), v.clone())).collect::<Vec<_>>(),
    );
    let sanctions: Vec<(String, u64, String)> = SanctionClass::ALL
        .iter()
        .map(|c| {
            let n = b
                .by_category
                .figure(&Key::Total, &Column::Sanctions(*c))
                .and_then(Figure::count)
                .unwrap_or(0);
            (sentence(c.as_str()), n, show.count(n))
        })
        .collect();
    o.push_str("<h3>Sanctions by class</h3><figure>");
    bars(&mut o, &mut ids, "Sanctions applied, by class", &sanctions, show);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Sanctions by class",
        ("Class", "Sanctions"),
        &sanctions.iter().map(|(l, _, v)| (l.clone(), v.clone())).collect::<Vec<_>>(),
    );
    let money = |m: Metric| -> (u64, String) {
        let pence = match value(m) {
            Some(Figure::Money(p)) => p,
            _ => Money::ZERO,
        };
        (pence.0, pounds(pence))
    };
    let losses: Vec<(String, u64, String)> =
        [(Metric::LossesEstimated, "Estimated"), (Metric::LossesRecovered, "Recovered")]
            .iter()
            .map(|(m, l)| {
                let (p, t) = money(*m);
                (l.to_string(), p, t)
            })
            .collect();
    o.push_str("<h3>Losses, estimated and recovered</h3><figure>");
    bars(&mut o, &mut ids, "Losses estimated and recovered, in pounds", &losses, Show { suppress: false });
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Losses",
        ("", "Pounds"),
        &losses.iter().map(|(l, _, v)| (l.clone(), v.clone())).collect::<Vec<_>>(),
    );
    o.push_str("</section>");

    // 4. Caseload, time to close, overdue.
    o.push_str("<section>");
    o.push_str(marking);
    let _ = write!(o, "<h2>Open cases and deadlines, as at {}</h2>", escape(&b.made));
    let ages: Vec<(String, u64, String)> =
        AGE_BANDS.iter().zip(b.caseload).map(|(l, n)| (l.to_string(), n, show.count(n))).collect();
    o.push_str("<h3>Open caseload by age (days since reported)</h3><figure>");
    bars(&mut o, &mut ids, "Open cases by age", &ages, show);
    o.push_str("</figure>");
    let mut age_rows: Vec<(String, String)> = ages.iter().map(|(l, _, v)| (l.clone(), v.clone())).collect();
    age_rows.push(("Total open".into(), show.count(b.caseload.iter().sum())));
    pairs(&mut o, "Open caseload by age", ("Age", "Open cases"), &age_rows);
    o.push_str("<h3>Time to close</h3>");
    let days = |d: Option<String>| d.map_or("–".to_string(), |d| format!("{d} days"));
    pairs(
        &mut o,
        &format!("Time to close, incidents of {} closed so far", p.now.shown()),
        ("", ""),
        &[
            ("Closed".into(), show.count(b.closed as u64)),
            ("Median".into(), days(b.median_days.map(|m| m.to_string()))),
            ("90th percentile".into(), days(b.p90_days.map(|d| d.to_string()))),
        ],
    );
    let overdue: Vec<(String, u64, String)> =
        b.overdue.iter().map(|(k, n)| (deadline_label(k), *n, show.count(*n))).collect();
    o.push_str("<h3>Overdue deadlines by kind</h3><figure>");
    bars(&mut o, &mut ids, "Deadlines now past, by kind", &overdue, show);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Overdue deadlines",
        ("Deadline", "Overdue"),
        &overdue.iter().map(|(l, _, v)| (l.clone(), v.clone())).collect::<Vec<_>>(),
    );
    o.push_str("<h3>Records kept and disposed of</h3>");
    pairs(
        &mut o,
        "Records under retention",
        ("", "Records"),
        &[
            ("On legal or inquiry hold now".into(), show.count(b.held)),
            (format!("Disposed of under retention, {}", p.now.shown()), show.count(b.disposed)),
        ],
    );
    o.push_str("</section>");

    // 5. Hotspots: where.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Hotspots: where</h2><figure>");
    let site_rows = b.sites.row_values();
    let site_cols = b.sites.across();
    let grid: Vec<Vec<u64>> =
        site_rows.iter().map(|r| site_cols.iter().map(|c| cell(&b.sites, r, c)).collect()).collect();
    let site_label = |s: &str| if s == "(none)" { "No site recorded".to_string() } else { s.to_string() };
    heatmap(
        &mut o,
        &mut ids,
        &format!("Incidents by site and category, {}", p.now.shown()),
        &site_rows.iter().map(|s| site_label(s)).collect::<Vec<_>>(),
        &site_cols.iter().map(|c| category_label(c)).collect::<Vec<_>>(),
        &grid,
        show,
    );
    o.push_str("</figure>");
    table(
        &mut o,
        "Incidents by site (rows) and category (columns)",
        &b.sites.columns,
        &b.sites.rows,
        Heads { column: &category_label, row: &site_label },
        show,
    );
    let _ = categories;
    o.push_str("</section>");

    // 6. Hotspots: when.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Hotspots: when</h2><figure>");
    let days_of_week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let clock: Vec<Vec<u64>> = b.clock.iter().map(|r| r.to_vec()).collect();
    heatmap(
        &mut o,
        &mut ids,
        &format!("Incidents by day of the week and hour of the day they occurred, {}", p.now.shown()),
        &days_of_week.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        &hours.iter().map(|h| format!("{h}:00")).collect::<Vec<_>>(),
        &clock,
        show,
    );
    o.push_str("</figure>");
    let unknown: u64 = b.time_unknown.iter().sum();
    if unknown > 0 {
        let _ = write!(
            o,
            r#"<p class="note">{} incident{} given with a date alone (time not known) {} counted by day in the table's "Time not known" column, not at 00:00.</p>"#,
            escape(&show.count(unknown)),
            if unknown == 1 { "" } else { "s" },
            if unknown == 1 { "is" } else { "are" }
        );
    }
    let mut columns: Vec<Column> = hours.iter().cloned().map(Column::Across).collect();
    columns.push(Column::Across(TIME_NOT_KNOWN.into()));
    columns.push(Column::Total);
    let with_total = |key: Key, cells: Vec<u64>| {
        let sum: u64 = cells.iter().sum();
        Row { key, figures: cells.into_iter().chain([sum]).map(Figure::Count).collect(), earlier: Vec::new() }
    };
    let mut rows: Vec<Row> = days_of_week
        .iter()
        .zip(b.clock.iter().zip(&b.time_unknown))
        .map(|(d, (r, u))| with_total(Key::Value(d.to_string()), r.iter().copied().chain([*u]).collect()))
        .collect();
    rows.push(with_total(
        Key::Total,
        (0..24).map(|h| b.clock.iter().map(|r| r[h]).sum()).chain([unknown]).collect(),
    ));
    o.push_str(r#"<div class="tiny-wrap">"#);
    let mut t = String::new();
    let same = |k: &str| k.to_string();
    table(
        &mut t,
        "Incidents by day (rows) and hour they began (columns, 24-hour clock; one given with a date alone is under Time not known)",
        &columns,
        &rows,
        Heads { column: &same, row: &same },
        show,
    );
    o.push_str(&t.replacen("<table>", r#"<table class="tiny">"#, 1));
    o.push_str("</div>");
    let _ = write!(
        o,
        r#"<footer><bdi>{}</bdi> · {} · Made {} by lsms · Counts only: no names or other personal data. {}</footer>"#,
        escape(&b.trust),
        escape(&p.now.shown()),
        escape(&b.made),
        escape(print.marking)
    );
    o.push_str("</section></body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commentary_is_escaped_with_paragraphs_bullets_and_emphasis() {
        let got = commentary(
            "Assaults **rose** in A&E.\nSee <b>note</b>.\n\n- one *new* site\n- two\n\nA lone * stays",
        );
        assert_eq!(
            got,
            "<p>Assaults <strong>rose</strong> in A&amp;E. See &lt;b&gt;note&lt;/b&gt;.</p><ul><li>one <em>new</em> site</li><li>two</li></ul><p>A lone * stays</p>"
        );
    }

    #[test]
    fn a_name_cannot_end_the_css_string_or_the_style() {
        assert_eq!(css_string("a\"b</style>"), "\"a\\22 b\\3c /style\\3e \"");
    }

    #[test]
    fn escapes_and_suppresses() {
        assert_eq!(escape(r#"<b>&"x'"#), "&lt;b&gt;&amp;&quot;x&#39;");
        let s = Show { suppress: true };
        assert_eq!(
            (s.count(0), s.count(1), s.count(4), s.count(5)),
            ("0".into(), "<5".into(), "<5".into(), "5".into())
        );
        assert_eq!(Show { suppress: false }.count(3), "3");
        assert_eq!(pounds(Money(152770)), "£1,527.70");
        assert_eq!(pounds(Money(0)), "£0.00");
        assert_eq!(pounds(Money(12345650)), "£123,456.50");
        assert_eq!(month_label("2026-04"), "April 2026");
        assert_eq!(month_short("2027-01"), "Jan 2027", "never `Jan 27`, which reads as 27 January");
    }
}
