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
use crate::report::suppress::{self, Cell, Rule, one};
use std::collections::HashMap;
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

/// How counts are shown: as they are, or under a rule for hiding small
/// ones (`--suppress`); the hotspot grids may be under a rule of their own
/// (at OFFICIAL, `small`, since one incident at a place or an hour can
/// point to a member of staff).
#[derive(Debug, Clone, Copy, Default)]
pub struct Show {
    pub rule: Option<Rule>,
    pub hotspots: Option<Rule>,
}

/// A figure as shown: a count as its cell says, money in pounds, and no
/// figure at all (a median of nothing) a dash.
fn figure_text(f: Figure, cell: Option<Cell>) -> String {
    match f {
        Figure::Count(n) => cell.unwrap_or(Cell::Shown(n)).text(),
        Figure::Money(m) => pounds(m),
        Figure::Days(Some(d)) => d.to_string(),
        Figure::Days(None) => "–".into(),
    }
}

/// `£1,527.70`.
fn pounds(m: Money) -> String {
    format!("£{}", m.grouped())
}

/// An id for an element, unique on the page.
fn id(prefix: &str, n: &mut u32) -> String {
    *n += 1;
    format!("{prefix}{n}")
}

/// The opening of an accessible SVG: its title and description, which a
/// screen reader announces, and the hatching that hidden counts are drawn
/// with (its id returned).
fn svg_open(out: &mut String, ids: &mut u32, w: u32, h: u32, title: &str, desc: &str) -> String {
    let t = id("t", ids);
    let d = id("d", ids);
    let hatch = id("h", ids);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{t} {d}" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet"><title id="{t}">{}</title><desc id="{d}">{}</desc><defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#666" stroke-width="2"/></pattern></defs>"##,
        escape(title),
        escape(desc)
    );
    hatch
}

/// The width of a line of text in the charts' label font (13px), with
/// room to spare: DejaVu Sans averages about 0.58 em a character.
fn text_w(chars: usize, px: f64) -> u32 {
    (chars as f64 * px * 0.62).ceil() as u32
}

/// Words wrapped into as few lines of at most `width` characters as
/// they need (a longer word stands alone), the lines as even as they can
/// be, so that a label is shown whole and no word is left alone.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let lines = greedy(text, width);
    let total = text.chars().count();
    let mut even = total.div_ceil(lines.len().max(1));
    while even < width {
        let try_even = greedy(text, even);
        if try_even.len() <= lines.len() {
            return try_even;
        }
        even += 1;
    }
    lines
}

fn greedy(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A label of one or more lines, right-aligned at `x`, centred on `mid`.
fn label_lines(out: &mut String, x: u32, mid: u32, lines: &[String], class: &str) {
    let first = mid as f64 + 4.5 - (lines.len() as f64 - 1.0) * 7.5;
    let _ = write!(out, r#"<text x="{x}" y="{first:.1}" text-anchor="end" class="{class}">"#);
    for (i, l) in lines.iter().enumerate() {
        let _ =
            write!(out, r#"<tspan x="{x}"{}>{}</tspan>"#, if i > 0 { r#" dy="15""# } else { "" }, escape(l));
    }
    out.push_str("</text>");
}

/// Horizontal bars, one per item, with its figure at the end, on an axis
/// with round ticks and gridlines. A hidden count is drawn hatched and
/// outlined, labelled as hidden: one under the rule as long as the most it
/// could be, one hidden to protect another as a short stub (it could be
/// anything). `money` bars are in pence, their axis in pounds.
fn bars(out: &mut String, ids: &mut u32, title: &str, items: &[(String, Cell)], money: bool) {
    let text = |c: Cell| match c {
        Cell::Shown(n) if money => pounds(Money(n)),
        Cell::Shown(n) => n.to_string(),
        Cell::Under(r) => format!("{} (hidden: 1 to {})", r.mark(), r.ceiling()),
        Cell::Hidden => "[c] (hidden)".to_string(),
    };
    let labels: Vec<Vec<String>> = items.iter().map(|(l, _)| wrap(l, 34)).collect();
    let longest = labels.iter().flatten().map(|l| l.chars().count()).max().unwrap_or(0);
    let label_w = (text_w(longest, 13.0) + 14).clamp(60, 300);
    let values: Vec<String> = items.iter().map(|(_, c)| text(*c)).collect();
    let value_w = text_w(values.iter().map(|v| v.chars().count()).max().unwrap_or(1), 12.0) + 12;
    let w = 680u32;
    let plot_w = w - label_w - value_w;
    let heights: Vec<u32> = labels.iter().map(|l| (l.len() as u32 * 15 + 12).max(30)).collect();
    let (top, axis_h) = (6u32, 24u32);
    let plot_h: u32 = heights.iter().sum();
    let h = top + plot_h + axis_h;
    let most = items
        .iter()
        .map(|(_, c)| match c {
            Cell::Shown(n) => *n,
            Cell::Under(r) => r.ceiling(),
            Cell::Hidden => 0,
        })
        .max()
        .unwrap_or(0);
    let ticks: Vec<u64> =
        if money { ticks(most.div_ceil(100)).into_iter().map(|t| t * 100).collect() } else { ticks(most) };
    let scale = *ticks.last().unwrap_or(&1) as f64;
    let at = |n: u64| label_w + (n as f64 / scale * plot_w as f64).round() as u32;
    let desc = format!(
        "Bar chart. {}.",
        items.iter().zip(&values).map(|((l, _), v)| format!("{l}: {v}")).collect::<Vec<_>>().join("; ")
    );
    let hatch = svg_open(out, ids, w, h, title, &desc);
    for t in &ticks {
        let x = at(*t);
        // An axis's pounds are whole: `£1,500`.
        let tick = if money {
            format!("£{}", Money(t / 100 * 100).grouped().trim_end_matches(".00"))
        } else {
            t.to_string()
        };
        let _ = write!(
            out,
            r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle" class="a">{}</text>"##,
            top + plot_h + 4,
            top + plot_h + 17,
            escape(&tick)
        );
    }
    let mut y = top;
    for (((lines, (_, cell)), value), rh) in labels.iter().zip(items).zip(&values).zip(&heights) {
        let mid = y + rh / 2;
        label_lines(out, label_w - 8, mid, lines, "l");
        // A count hidden by the rule is drawn as the range it lies in (1 to
        // 4), one hidden to protect another as a stub: it could be anything.
        let hatched = format!(r##"fill="url(#{hatch})" stroke="#444" stroke-dasharray="3 2""##);
        let (x0, x1, style) = match cell {
            Cell::Shown(n) => (label_w, at(*n), format!(r#"fill="{}""#, PALETTE[0])),
            Cell::Under(r) => (at(1), at(r.ceiling()), hatched),
            Cell::Hidden => (label_w, label_w + 18.min(plot_w), hatched),
        };
        let _ = write!(
            out,
            r#"<rect x="{x0}" y="{}" width="{}" height="20" {style}/><text x="{}" y="{}" class="v">{}</text>"#,
            mid - 10,
            x1 - x0,
            x1 + 6,
            mid + 5,
            escape(value)
        );
        y += rh;
    }
    let _ = write!(
        out,
        r##"<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{}" stroke="#444"/>"##,
        top + plot_h
    );
    out.push_str("</svg>");
}

/// Columns of stacked series, one column per x value, on an axis with
/// round ticks and gridlines, with a legend. The hidden counts of a column
/// are drawn together as one hatched block on top: under `small`, where
/// the column's total is shown, exactly the total less the counts shown
/// (which the table gives too); else the most they could be, not to scale.
fn stacked(
    out: &mut String,
    ids: &mut u32,
    title: &str,
    xs: &[String],
    series: &[(String, Vec<Cell>)],
    totals: &[Cell],
    rule: Option<Rule>,
) {
    let (w, top, plot_h) = (700u32, 10u32, 220u32);
    let hidden_of = |x: usize| -> Option<u64> {
        let cells: Vec<Cell> =
            series.iter().map(|(_, v)| v.get(x).copied().unwrap_or(Cell::Shown(0))).collect();
        if !cells.iter().any(|c| c.hidden()) {
            return None;
        }
        let shown: u64 = cells.iter().filter_map(|c| c.shown()).sum();
        let ceiling = rule.map_or(0, Rule::ceiling);
        let most = cells.iter().filter(|c| c.hidden()).count() as u64 * ceiling;
        Some(match (rule, totals.get(x)) {
            (Some(Rule::Small), Some(Cell::Shown(t))) => t.saturating_sub(shown),
            (_, Some(Cell::Under(r))) => most.min(r.ceiling().saturating_sub(shown)),
            (_, Some(Cell::Shown(t))) => most.min(t.saturating_add(2).saturating_sub(shown)),
            _ => most,
        })
    };
    let any_hidden = (0..xs.len()).any(|x| hidden_of(x).is_some());
    let legend: Vec<(String, String)> = series
        .iter()
        .enumerate()
        .map(|(s, (name, _))| (name.clone(), PALETTE.get(s).copied().unwrap_or(MORE).to_string()))
        .collect();
    // The legend, three to a row, each name wrapped to its column's width.
    let names: Vec<Vec<String>> = legend
        .iter()
        .map(|(n, _)| wrap(n, 26))
        .chain(any_hidden.then(|| vec!["Hidden (see the note)".to_string()]))
        .collect();
    let row_h: Vec<u32> =
        names.chunks(3).map(|r| 8 + 15 * r.iter().map(Vec::len).max().unwrap_or(1) as u32).collect();
    let h = top + plot_h + 38 + row_h.iter().sum::<u32>();
    let heights: Vec<u64> = (0..xs.len())
        .map(|x| {
            series.iter().filter_map(|(_, v)| v.get(x).and_then(|c| c.shown())).sum::<u64>()
                + hidden_of(x).unwrap_or(0)
        })
        .collect();
    let ticks = ticks(heights.iter().copied().max().unwrap_or(0));
    let scale = *ticks.last().unwrap_or(&1) as f64;
    let left = 14 + text_w(scale.to_string().len(), 11.0);
    let step = (w - left - 10) / xs.len().max(1) as u32;
    let bar = (step as f64 * 0.7) as u32;
    let desc = format!(
        "Stacked column chart, one column for each of {} to {}; the table below has every figure.",
        xs.first().map_or("", |s| s.as_str()),
        xs.last().map_or("", |s| s.as_str())
    );
    let hatch = svg_open(out, ids, w, h, title, &desc);
    let y_of = |n: u64| top + plot_h - (n as f64 / scale * plot_h as f64).round() as u32;
    for t in &ticks {
        let y = y_of(*t);
        let _ = write!(
            out,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="{}"/><text x="{}" y="{}" text-anchor="end" class="a">{t}</text>"##,
            w - 10,
            if *t == 0 { "#444" } else { "#ddd" },
            left - 5,
            y + 4
        );
    }
    let _ =
        write!(out, r##"<line x1="{left}" y1="{top}" x2="{left}" y2="{}" stroke="#444"/>"##, top + plot_h);
    for (x, label) in xs.iter().enumerate() {
        let cx = left + 5 + step * x as u32;
        let mut base = 0u64;
        for (s, (name, v)) in series.iter().enumerate() {
            let Some(n) = v.get(x).and_then(|c| c.shown()).filter(|n| *n > 0) else { continue };
            let (y0, y1) = (y_of(base + n), y_of(base));
            base += n;
            let _ = write!(
                out,
                r##"<rect x="{cx}" y="{y0}" width="{bar}" height="{}" fill="{}" stroke="#fff" stroke-width="0.5"><title>{}, {}: {n}</title></rect>"##,
                (y1 - y0).max(1),
                PALETTE.get(s).copied().unwrap_or(MORE),
                escape(label),
                escape(name),
            );
        }
        if let Some(n) = hidden_of(x) {
            let (y0, y1) = (y_of(base + n), y_of(base));
            let names: Vec<String> = series
                .iter()
                .filter(|(_, v)| v.get(x).is_some_and(|c| c.hidden()))
                .map(|(name, v)| format!("{name} {}", v[x].text()))
                .collect();
            let _ = write!(
                out,
                r##"<rect x="{cx}" y="{y0}" width="{bar}" height="{}" fill="url(#{hatch})" stroke="#444" stroke-dasharray="3 2"><title>{}, hidden: {}</title></rect>"##,
                (y1 - y0).max(3),
                escape(label),
                escape(&names.join(", "))
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
    let fills = legend
        .iter()
        .map(|(_, c)| format!(r#"fill="{c}""#))
        .chain(any_hidden.then(|| format!(r##"fill="url(#{hatch})" stroke="#444""##)));
    for (s, (lines, fill)) in names.iter().zip(fills).enumerate() {
        let row = s / 3;
        let lx = left + 220 * (s as u32 % 3);
        let ly = top + plot_h + 46 + row_h[..row].iter().sum::<u32>();
        let _ = write!(
            out,
            r#"<rect x="{lx}" y="{}" width="14" height="14" {fill}/><text x="{}" y="{ly}" class="l">"#,
            ly - 11,
            lx + 20,
        );
        for (i, l) in lines.iter().enumerate() {
            let _ = write!(
                out,
                r#"<tspan x="{}"{}>{}</tspan>"#,
                lx + 20,
                if i > 0 { r#" dy="15""# } else { "" },
                escape(l)
            );
        }
        out.push_str("</text>");
    }
    out.push_str("</svg>");
}

/// A grid whose cells are shaded by their count (light to dark blue, a
/// scale that reads without colour vision), each with its figure, and a
/// legend: the scale with its values, and the hatching of a hidden count.
fn heatmap(
    out: &mut String,
    ids: &mut u32,
    title: &str,
    rows: &[String],
    cols: &[String],
    cells: &[Vec<Cell>],
) {
    let labels: Vec<Vec<String>> = rows.iter().map(|r| wrap(r, 28)).collect();
    let longest_row = labels.iter().flatten().map(|l| l.chars().count()).max().unwrap_or(0);
    let label_w = (text_w(longest_row, 13.0) + 14).clamp(80, 240);
    let cell_w = ((700 - label_w) / cols.len().max(1) as u32).min(90);
    // Column labels slanted, each wrapped to lines of at most 36 characters
    // (two lines for the longest names, which fit between their neighbours).
    let col_lines: Vec<Vec<String>> = cols.iter().map(|c| wrap(c, 36)).collect();
    let longest = col_lines.iter().flatten().map(|l| l.chars().count()).max().unwrap_or(0) as u32;
    let deepest = col_lines.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let top = 20 + longest * 5 + 10 * (deepest - 1);
    let heights: Vec<u32> = labels.iter().map(|l| (l.len() as u32 * 15 + 9).max(24)).collect();
    let grid_h: u32 = heights.iter().sum();
    let any_hidden = cells.iter().flatten().any(|c| c.hidden());
    let legend_y = top + grid_h + 18;
    let (w, h) = (label_w + cell_w * cols.len() as u32 + 10 + longest * 6, legend_y + 44);
    let w = w.max(label_w + 420);
    let most = cells.iter().flatten().filter_map(|c| c.shown()).max().unwrap_or(0);
    let max = most.max(1);
    let busiest = cells
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().filter_map(move |(c, n)| n.shown().map(|n| (r, c, n))))
        .max_by_key(|(_, _, n)| *n);
    let desc = match busiest {
        Some((r, c, n)) if n > 0 => format!(
            "Grid of counts, {} rows by {} columns; the most is {}, {}: {n}. The table below has every figure.",
            rows.len(),
            cols.len(),
            rows[r],
            cols[c],
        ),
        _ => "Grid of counts: none shown in the period.".to_string(),
    };
    let hatch = svg_open(out, ids, w, h, title, &desc);
    let shade = |n: u64| {
        let f = n as f64 / max as f64;
        // From #f2f7fb to #08306b.
        let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
        (format!("#{:02x}{:02x}{:02x}", mix(0xf2, 0x08), mix(0xf7, 0x30), mix(0xfb, 0x6b)), f > 0.5)
    };
    for (c, lines) in col_lines.iter().enumerate() {
        let x = label_w + cell_w * c as u32 + cell_w / 2;
        // The last line sits at the grid; the lines before it above.
        let up = 11 * (lines.len() as u32 - 1);
        let _ = write!(out, r#"<text transform="translate({x},{}) rotate(-40)" class="a">"#, top - 6);
        for (i, l) in lines.iter().enumerate() {
            let dy = if i == 0 { format!(r#" dy="-{up}""#) } else { r#" dy="11""#.to_string() };
            let _ = write!(out, r#"<tspan x="0"{dy}>{}</tspan>"#, escape(l));
        }
        out.push_str("</text>");
    }
    let mut y = top;
    for ((lines, row), rh) in labels.iter().zip(cells).zip(&heights) {
        label_lines(out, label_w - 6, y + rh / 2, lines, "l");
        for (c, cell) in row.iter().enumerate() {
            let x = label_w + cell_w * c as u32;
            let (fill, ink) = match cell {
                Cell::Shown(n) => {
                    let (fill, dark) = shade(*n);
                    (fill, if dark { "#fff" } else { "#000" })
                }
                _ => (format!("url(#{hatch})"), "#000"),
            };
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{y}" width="{cell_w}" height="{rh}" fill="{fill}" stroke="#fff"/>"##
            );
            if *cell != Cell::Shown(0) {
                let mark = cell.text();
                let _ = write!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="middle" class="c" fill="{ink}"{}>{}</text>"#,
                    x + cell_w / 2,
                    y + rh / 2 + 4,
                    if cell.hidden() {
                        r##" font-weight="bold" paint-order="stroke" stroke="#fff" stroke-width="3""##
                    } else {
                        ""
                    },
                    escape(&mark)
                );
            }
        }
        y += rh;
    }
    // The legend: the scale from 0 to the most, with round values (no
    // scale where no count above 0 is shown: a swatch of 0 alone).
    let grad = id("g", ids);
    let (lx, lw) = (label_w, if most == 0 { 24u32 } else { 240 });
    let ticks: Vec<u64> = ticks(max).into_iter().filter(|t| *t <= most).collect();
    let _ = write!(
        out,
        r##"<defs><linearGradient id="{grad}"><stop offset="0" stop-color="#f2f7fb"/><stop offset="1" stop-color="#08306b"/></linearGradient></defs><text x="{}" y="{}" text-anchor="end" class="a">Incidents</text><rect x="{lx}" y="{legend_y}" width="{lw}" height="12" fill="url(#{grad})" stroke="#999"/>"##,
        lx - 6,
        legend_y + 10
    );
    for t in ticks.iter().chain((most > 0 && ticks.last() != Some(&most)).then_some(&most)) {
        let x = lx + (*t as f64 / max as f64 * lw as f64).round() as u32;
        let _ = write!(
            out,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#444"/><text x="{x}" y="{}" text-anchor="middle" class="a">{t}</text>"##,
            legend_y + 12,
            legend_y + 16,
            legend_y + 28
        );
    }
    if any_hidden {
        let hx = lx + lw + 40;
        let _ = write!(
            out,
            r##"<rect x="{hx}" y="{legend_y}" width="24" height="12" fill="url(#{hatch})" stroke="#444"/><text x="{}" y="{}" class="a">Hidden (see the note)</text>"##,
            hx + 30,
            legend_y + 10
        );
    }
    out.push_str("</svg>");
}

/// How a table's heads read: the columns' values and the rows' values in
/// plain English.
struct Heads<'a> {
    column: &'a dyn Fn(&str) -> String,
    row: &'a dyn Fn(&str) -> String,
}

/// A table of a cross-tab's rows, with column and row heads in plain
/// English and each figure as `cells` shows it.
fn table(
    out: &mut String,
    caption: &str,
    columns: &[Column],
    rows: &[Row],
    heads: Heads<'_>,
    cells: &[Vec<Cell>],
) {
    let head = |c: &Column| match c {
        Column::Across(v) => (heads.column)(v),
        other => other.label(),
    };
    // Its narrowest layout, in millimetres: each column as wide as its
    // longest word (a header breaks at spaces and hyphens) at 9pt bold
    // (about 1.9 mm a character in DejaVu Sans), with its padding.
    let word = |t: &str| t.split([' ', '-']).map(|w| w.chars().count()).max().unwrap_or(0);
    let row_word = rows.iter().map(|r| word(&(heads.row)(r.key.name()))).max().unwrap_or(5);
    let narrowest = |char_mm: f64, pad: f64| -> f64 {
        columns.iter().map(|c| word(&head(c)).max(6) as f64 * char_mm + pad).sum::<f64>()
            + row_word as f64 * char_mm
            + pad
    };
    // Wider than an A4 page's 182 mm: smaller type (7pt heads); wider
    // still, columns of equal width, a word too long for one broken.
    let class = match (narrowest(1.9, 2.6) > 182.0, narrowest(1.6, 2.5) > 182.0) {
        (false, _) => "",
        (true, false) => r#" class="fit""#,
        (true, true) => r#" class="fit fixed""#,
    };
    let _ = write!(out, "<table{class}><caption>{}</caption><thead><tr>", escape(caption));
    out.push_str(r#"<th scope="col"></th>"#);
    for c in columns {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&head(c)));
    }
    out.push_str("</tr></thead><tbody>");
    for (r, row_cells) in rows.iter().zip(cells) {
        let total = r.key == Key::Total;
        let _ = write!(
            out,
            r#"<tr data-key="{}"{}><th scope="row">{}</th>"#,
            escape(r.key.name()),
            if total { r#" class="total""# } else { "" },
            escape(&if total { "Total".to_string() } else { (heads.row)(r.key.name()) })
        );
        for (f, c) in r.figures.iter().zip(row_cells) {
            let _ = write!(out, "<td>{}</td>", escape(&figure_text(*f, Some(*c))));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The counts of a summary's rows, lined up with its columns.
fn counts(rows: &[Row]) -> Vec<Vec<u64>> {
    rows.iter().map(|r| r.figures.iter().map(|f| f.count().unwrap_or(0)).collect()).collect()
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

/// The headline's counts as shown for one period: each under the rule,
/// and physical assaults with their three parts by medical factors as one
/// line, so that no part is given away by the others and the total.
fn metric_cells(
    get: &dyn Fn(Metric) -> Option<Figure>,
    rule: Option<Rule>,
    given: &[(Metric, Cell)],
) -> HashMap<Metric, Cell> {
    let mut cells: HashMap<Metric, Cell> = Metric::ALL
        .iter()
        .filter_map(|m| get(*m).and_then(Figure::count).map(|n| (*m, one(rule, n))))
        .collect();
    cells.extend(given.iter().copied());
    let n = |m: Metric| get(m).and_then(Figure::count).unwrap_or(0);
    let parts = [
        Metric::PhysicalAssaultsWithMedicalFactors,
        Metric::PhysicalAssaultsWithoutMedicalFactors,
        Metric::PhysicalAssaultsMedicalFactorsUnknown,
        Metric::PhysicalAssaults,
    ];
    let total = given.iter().find(|(m, _)| *m == Metric::PhysicalAssaults).map(|(_, c)| (0, 3, c.hidden()));
    let line =
        suppress::linked(rule, &[parts.iter().map(|m| n(*m)).collect()], true, false, &Vec::from_iter(total));
    cells.extend(parts.iter().copied().zip(line[0].iter().copied()));
    cells
}

/// A change on an earlier period, as shown: money in pounds, and a dash
/// for none, or for counts unless both are shown exactly (under `nhs`
/// they are rounded, and a change of rounded counts would mislead).
fn change(earlier: Option<&Earlier>, exact: bool) -> String {
    match earlier.and_then(|e| e.change) {
        None => "–".into(),
        Some(c) => match c.money() {
            Some(m) => format!("{}{}", c.sign(), pounds(m)),
            None if !exact => "–".into(),
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
table.tiny { font-size: 6.5pt; table-layout: fixed; width: 100%; }
table.tiny th, table.tiny td { padding: 0.5mm 0.3mm; text-align: center; }
table.tiny tbody th { text-align: left; }
table.tiny thead th { font-size: 6pt; overflow-wrap: anywhere; }
table.tiny thead th:first-child { width: 15mm; }
table.tiny thead th:nth-last-child(-n+2) { width: 9mm; }
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th, td, bdi { unicode-bidi: isolate; }
@media print { .marking.screen { display: none; } }
.commentary p { margin: 0 0 2mm; } .commentary ul { margin: 0 0 2mm 5mm; padding: 0; }
thead th { background: #e8edf4; vertical-align: bottom; }
tbody th { text-align: left; font-weight: normal; }
th { overflow-wrap: break-word; }
table.fit { font-size: 8pt; }
table.fit thead th { font-size: 7pt; }
table.fit.fixed { table-layout: fixed; }
table.fit.fixed thead th:first-child { width: 26mm; }
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

pub fn html(b: &Board, show: Show, partial: Option<&str>, print: Print) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let mut ids = 0u32;
    let p = &b.periods;
    let rule = show.rule;
    let title = format!("Security incidents: report to the Board, {}", p.now.shown());
    let _ = write!(
        o,
        r#"<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{CSS}{}</style></head><body>"#,
        escape(&format!("\u{2068}{}\u{2069} — {title}", b.trust)),
        page_css(print.marking, &format!("{} — {title}", b.trust))
    );
    let marking = format!(r#"<p class="marking screen">{}</p>"#, escape(print.marking));
    let marking = marking.as_str();
    // What is hidden and why, under every table and chart that hides.
    // What is hidden and why, and how many of the page's figures.
    let note = |r: Option<Rule>, cells: &mut dyn Iterator<Item = Cell>, extra: &str| -> String {
        let Some(r) = r else { return String::new() };
        let (mut under, mut hidden) = (0, 0);
        for c in cells {
            match c {
                Cell::Under(_) => under += 1,
                Cell::Hidden => hidden += 1,
                Cell::Shown(_) => {}
            }
        }
        let counts = |n: usize| if n == 1 { "1 count".to_string() } else { format!("{n} counts") };
        let here = match (under, hidden) {
            (0, 0) => "Nothing on this page is hidden.".to_string(),
            (u, 0) => format!("On this page: {} shown as {}.", counts(u), r.mark()),
            (0, h) => format!("On this page: {} hidden as [c].", counts(h)),
            (u, h) => {
                format!("On this page: {} shown as {}, and {h} more hidden as [c].", counts(u), r.mark())
            }
        };
        format!(r#"<p class="note suppressed">{} {}{extra}</p>"#, escape(r.note()), escape(&here))
    };

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
    // The trend's table first: its totals are the headline's too, and the
    // hotspots' (a figure hidden in one is hidden in all).
    let months: Vec<String> = b.trend.row_values().into_iter().map(String::from).collect();
    let cats = b.trend.across();
    let trend = suppress::table(rule, &counts(&b.trend.rows), true, true);
    let trend_total = |cat: Option<&str>| -> Option<Cell> {
        let c = cat.map_or(Some(cats.len()), |cat| cats.iter().position(|c| *c == cat))?;
        trend.get(months.len()).and_then(|r| r.get(c)).copied()
    };
    let mut given: Vec<(Metric, Cell)> = Vec::new();
    given.extend(trend_total(None).map(|c| (Metric::Incidents, c)));
    given.extend(trend_total(Some("physical-assault")).map(|c| (Metric::PhysicalAssaults, c)));
    let mut now_cells = metric_cells(&value, rule, &given);
    // The period's closed cases: those with a time to close and those
    // without add up to all closed; sanctions other than criminal add up
    // to the civil or administrative figure.
    let closed_line = suppress::table(
        rule,
        &[vec![b.closed as u64, count(Metric::DaysToCloseUnknown), count(Metric::Closed)]],
        true,
        false,
    );
    let closed_cell = closed_line[0][0];
    now_cells.insert(Metric::DaysToCloseUnknown, closed_line[0][1]);
    now_cells.insert(Metric::Closed, closed_line[0][2]);
    let class_count = |c: SanctionClass| {
        b.by_category.figure(&Key::Total, &Column::Sanctions(c)).and_then(Figure::count).unwrap_or(0)
    };
    let others: Vec<SanctionClass> =
        SanctionClass::ALL.iter().copied().filter(|c| *c != SanctionClass::Criminal).collect();
    let mut line: Vec<u64> = others.iter().map(|c| class_count(*c)).collect();
    line.push(count(Metric::SanctionsCivilOrAdministrative));
    let line = suppress::table(rule, &[line], true, false);
    let mut class_cells: Vec<(SanctionClass, Cell)> =
        others.iter().copied().zip(line[0].iter().copied()).collect();
    class_cells.push((
        SanctionClass::Criminal,
        now_cells.get(&Metric::SanctionsCriminal).copied().unwrap_or(Cell::Shown(0)),
    ));
    if let Some(c) = line[0].last() {
        now_cells.insert(Metric::SanctionsCivilOrAdministrative, *c);
    }
    let shown = |f: Option<Figure>, cells: &HashMap<Metric, Cell>, m: Metric| {
        f.map_or_else(|| "–".to_string(), |f| figure_text(f, cells.get(&m).copied()))
    };
    o.push_str(r#"<h2>Headline figures</h2><div class="big">"#);
    let commentary =
        print.commentary.map(|c| format!(r#"<h2>Commentary</h2><div class="commentary">{c}</div>"#));
    for (m, l) in [
        (Metric::Incidents, "Incidents"),
        (Metric::PhysicalAssaults, "Physical assaults"),
        (Metric::LossesEstimated, "Losses estimated"),
        (Metric::Closed, "Closed"),
    ] {
        let _ = write!(o, "<div><b>{}</b>{}</div>", escape(&shown(value(m), &now_cells, m)), escape(l));
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
    let earlier_cells: Vec<(Prior, HashMap<Metric, Cell>)> = earlier
        .iter()
        .map(|(prior, _)| {
            let get = |m: Metric| {
                b.headline
                    .row(&Key::Metric(m))
                    .and_then(|r| r.earlier.iter().find(|e| e.prior == *prior))
                    .map(|e| e.figure)
            };
            (*prior, metric_cells(&get, rule, &[]))
        })
        .collect();
    for r in &b.headline.rows {
        let Key::Metric(m) = r.key else { continue };
        let Some(now) = r.figures.get(headline).copied() else { continue };
        let earlier_of = |p: Prior| r.earlier.iter().find(|e| e.prior == p);
        let _ = write!(
            o,
            r#"<tr data-metric="{}"><th scope="row">{}</th><td>{}</td>"#,
            escape(m.name()),
            escape(m.label()),
            escape(&shown(Some(now), &now_cells, m)),
        );
        for (prior, cells) in &earlier_cells {
            let then = earlier_of(*prior);
            let exact = match now {
                Figure::Count(_) => match rule {
                    None => true,
                    Some(Rule::Nhs) => false,
                    Some(Rule::Small) => {
                        now_cells.get(&m).is_some_and(|c| !c.hidden())
                            && cells.get(&m).is_some_and(|c| !c.hidden())
                    }
                },
                _ => true,
            };
            let _ = write!(
                o,
                "<td>{}</td><td>{}</td>",
                escape(&shown(then.map(|e| e.figure), cells, m)),
                escape(&change(then, exact))
            );
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
    o.push_str(r#"<p class="note">Incidents are counted in the period when they occurred, in every status. Losses are in pounds. Days to close run from the report to the closing, as they happened; a closing that cannot be dated after its report is counted apart, not guessed.</p>"#);
    let mut shown_here =
        now_cells.values().chain(earlier_cells.iter().flat_map(|(_, c)| c.values())).copied();
    o.push_str(&note(rule, &mut shown_here, ""));
    o.push_str(&commentary.unwrap_or_default());
    o.push_str("</section>");

    // 2. Monthly trend by category.
    o.push_str(r#"<section>"#);
    o.push_str(marking);
    o.push_str("<h2>Incidents by month and category</h2><figure>");
    let series: Vec<(String, Vec<Cell>)> = cats
        .iter()
        .enumerate()
        .map(|(c, name)| (category_label(name), (0..months.len()).map(|m| trend[m][c]).collect()))
        .collect();
    let month_totals: Vec<Cell> =
        (0..months.len()).map(|m| trend[m].last().copied().unwrap_or(Cell::Shown(0))).collect();
    stacked(
        &mut o,
        &mut ids,
        &format!("Incidents by month and category, {}", p.now.shown()),
        &months,
        &series,
        &month_totals,
        rule,
    );
    o.push_str("</figure>");
    table(
        &mut o,
        "Incidents by month (rows) and category (columns)",
        &b.trend.columns,
        &b.trend.rows,
        Heads { column: &category_label, row: &month_label },
        &trend,
    );
    o.push_str(&note(rule, &mut trend.iter().flatten().copied(), ""));
    o.push_str("</section>");

    // 3. Physical assaults, sanctions, losses.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Physical assaults, sanctions and losses</h2>");
    let cell_of = |m: Metric| now_cells.get(&m).copied().unwrap_or(Cell::Shown(count(m)));
    let mf: Vec<(String, Cell)> = [
        (Metric::PhysicalAssaultsWithMedicalFactors, "With medical factors"),
        (Metric::PhysicalAssaultsWithoutMedicalFactors, "Without medical factors"),
        (Metric::PhysicalAssaultsMedicalFactorsUnknown, "Not yet known"),
    ]
    .iter()
    .map(|(m, l)| (l.to_string(), cell_of(*m)))
    .collect();
    o.push_str("<h3>Physical assaults, with and without medical factors</h3><figure>");
    bars(&mut o, &mut ids, "Physical assaults by whether medical factors played a part", &mf, false);
    o.push_str("</figure>");
    let mut mf_rows: Vec<(String, String)> = mf.iter().map(|(l, c)| (l.clone(), c.text())).collect();
    mf_rows.push(("Total".into(), cell_of(Metric::PhysicalAssaults).text()));
    pairs(&mut o, "Physical assaults", ("Medical factors", "Physical assaults"), &mf_rows);
    let sanctions: Vec<(String, Cell)> = SanctionClass::ALL
        .iter()
        .map(|c| {
            (
                sentence(c.as_str()),
                class_cells.iter().find(|(k, _)| k == c).map_or(Cell::Shown(class_count(*c)), |(_, v)| *v),
            )
        })
        .collect();
    o.push_str("<h3>Sanctions by class</h3><figure>");
    bars(&mut o, &mut ids, "Sanctions applied, by class", &sanctions, false);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Sanctions by class",
        ("Class", "Sanctions"),
        &sanctions.iter().map(|(l, c)| (l.clone(), c.text())).collect::<Vec<_>>(),
    );
    let money = |m: Metric| -> u64 {
        match value(m) {
            Some(Figure::Money(p)) => p.0,
            _ => 0,
        }
    };
    let losses: Vec<(String, Cell)> =
        [(Metric::LossesEstimated, "Estimated"), (Metric::LossesRecovered, "Recovered")]
            .iter()
            .map(|(m, l)| (l.to_string(), Cell::Shown(money(*m))))
            .collect();
    o.push_str("<h3>Losses, estimated and recovered</h3><figure>");
    bars(&mut o, &mut ids, "Losses estimated and recovered, in pounds", &losses, true);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Losses",
        ("", "Pounds"),
        &losses.iter().map(|(l, c)| (l.clone(), pounds(Money(c.shown().unwrap_or(0))))).collect::<Vec<_>>(),
    );
    let mut here = mf.iter().chain(&sanctions).map(|(_, c)| *c).chain([cell_of(Metric::PhysicalAssaults)]);
    o.push_str(&note(rule, &mut here, ""));
    o.push_str("</section>");

    // 4. Caseload, time to close, overdue.
    o.push_str("<section>");
    o.push_str(marking);
    let _ = write!(o, "<h2>Open cases and deadlines, as at {}</h2>", escape(&b.made));
    let mut ages: Vec<u64> = b.caseload.to_vec();
    ages.push(b.caseload.iter().sum());
    let age_cells = suppress::table(rule, &[ages], true, false).remove(0);
    let ages: Vec<(String, Cell)> =
        AGE_BANDS.iter().zip(&age_cells).map(|(l, c)| (l.to_string(), *c)).collect();
    o.push_str("<h3>Open caseload by age (days since reported)</h3><figure>");
    bars(&mut o, &mut ids, "Open cases by age", &ages, false);
    o.push_str("</figure>");
    let mut age_rows: Vec<(String, String)> = ages.iter().map(|(l, c)| (l.clone(), c.text())).collect();
    age_rows.push(("Total open".into(), age_cells.last().copied().unwrap_or(Cell::Shown(0)).text()));
    pairs(&mut o, "Open caseload by age", ("Age", "Open cases"), &age_rows);
    o.push_str("<h3>Time to close</h3>");
    let days = |d: Option<String>| d.map_or("–".to_string(), |d| format!("{d} days"));
    pairs(
        &mut o,
        &format!("Time to close, incidents of {} closed so far", p.now.shown()),
        ("", ""),
        &[
            ("Closed".into(), closed_cell.text()),
            ("Median".into(), days(b.median_days.map(|m| m.to_string()))),
            ("90th percentile".into(), days(b.p90_days.map(|d| d.to_string()))),
        ],
    );
    let overdue: Vec<(String, Cell)> =
        b.overdue.iter().map(|(k, n)| (deadline_label(k), one(rule, *n))).collect();
    o.push_str("<h3>Overdue deadlines by kind</h3><figure>");
    bars(&mut o, &mut ids, "Deadlines now past, by kind", &overdue, false);
    o.push_str("</figure>");
    pairs(
        &mut o,
        "Overdue deadlines",
        ("Deadline", "Overdue"),
        &overdue.iter().map(|(l, c)| (l.clone(), c.text())).collect::<Vec<_>>(),
    );
    let held = crate::report::suppress::one(rule, b.held);
    let disposed = crate::report::suppress::one(rule, b.disposed);
    o.push_str("<h3>Records kept and disposed of</h3>");
    pairs(
        &mut o,
        "Records under retention",
        ("", "Records"),
        &[
            ("On legal or inquiry hold now".into(), held.text()),
            (format!("Disposed of under retention, {}", p.now.shown()), disposed.text()),
        ],
    );
    let mut here = age_cells
        .iter()
        .copied()
        .chain([closed_cell])
        .chain(overdue.iter().map(|(_, c)| *c))
        .chain([held, disposed]);
    o.push_str(&note(rule, &mut here, ""));
    o.push_str("</section>");

    // The hotspots may hide more than the rest (at OFFICIAL): say so.
    let official = if show.hotspots.is_some() && rule.is_none() {
        " At OFFICIAL, one or two incidents at a place or an hour can point to a member of staff, so the hotspot grids hide small counts; mark the pack OFFICIAL-SENSITIVE (--marking) to show them whole."
    } else {
        ""
    };

    // 5. Hotspots: where.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Hotspots: where</h2><figure>");
    let site_rows = b.sites.row_values();
    let site_cols = b.sites.across();
    // Its category totals and grand total are the trend's: as shown there.
    let site_given: Vec<(usize, usize, bool)> = site_cols
        .iter()
        .map(|c| Some(*c))
        .chain([None])
        .enumerate()
        .filter_map(|(i, c)| trend_total(c).map(|t| (site_rows.len(), i, t.hidden())))
        .collect();
    let sites = suppress::linked(show.hotspots, &counts(&b.sites.rows), true, true, &site_given);
    let grid: Vec<Vec<Cell>> = sites
        .iter()
        .take(site_rows.len())
        .map(|r| r.iter().take(site_cols.len()).copied().collect())
        .collect();
    let site_label = |s: &str| if s == "(none)" { "No site recorded".to_string() } else { s.to_string() };
    heatmap(
        &mut o,
        &mut ids,
        &format!("Incidents by site and category, {}", p.now.shown()),
        &site_rows.iter().map(|s| site_label(s)).collect::<Vec<_>>(),
        &site_cols.iter().map(|c| category_label(c)).collect::<Vec<_>>(),
        &grid,
    );
    o.push_str("</figure>");
    table(
        &mut o,
        "Incidents by site (rows) and category (columns)",
        &b.sites.columns,
        &b.sites.rows,
        Heads { column: &category_label, row: &site_label },
        &sites,
    );
    o.push_str(&note(show.hotspots, &mut sites.iter().flatten().copied(), official));
    o.push_str("</section>");

    // 6. Hotspots: when.
    o.push_str("<section>");
    o.push_str(marking);
    o.push_str("<h2>Hotspots: when</h2><figure>");
    let days_of_week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let unknown: u64 = b.time_unknown.iter().sum();
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
    let grand: Vec<(usize, usize, bool)> =
        trend_total(None).map(|t| (7, 25, t.hidden())).into_iter().collect();
    let clock = suppress::linked(show.hotspots, &counts(&rows), true, true, &grand);
    heatmap(
        &mut o,
        &mut ids,
        &format!("Incidents by day of the week and hour of the day they occurred, {}", p.now.shown()),
        &days_of_week.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        &hours.iter().map(|h| format!("{h}:00")).collect::<Vec<_>>(),
        &clock.iter().take(7).map(|r| r[..24].to_vec()).collect::<Vec<_>>(),
    );
    o.push_str("</figure>");
    if unknown > 0 {
        let _ = write!(
            o,
            r#"<p class="note">{} incident{} given with a date alone (time not known) {} counted by day in the table's "Time not known" column, not at 00:00.</p>"#,
            escape(&clock[7][24].text()),
            if unknown == 1 { "" } else { "s" },
            if unknown == 1 { "is" } else { "are" }
        );
    }
    o.push_str(r#"<div class="tiny-wrap">"#);
    let mut t = String::new();
    let same = |k: &str| k.to_string();
    table(
        &mut t,
        "Incidents by day (rows) and hour they began (columns, 24-hour clock; one given with a date alone is under Time not known)",
        &columns,
        &rows,
        Heads { column: &same, row: &same },
        &clock,
    );
    // Its own narrow type and layout, whatever `table` chose.
    let t = t.replacen(r#"<table class="fit fixed">"#, "<table>", 1).replacen(
        r#"<table class="fit">"#,
        "<table>",
        1,
    );
    o.push_str(&t.replacen("<table>", r#"<table class="tiny">"#, 1));
    o.push_str("</div>");
    o.push_str(&note(show.hotspots, &mut clock.iter().flatten().copied(), official));
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

/// Round tick values for an axis from 0 to at least `max`: steps of 1, 2
/// or 5 times a power of ten, at most about six of them. The last tick is
/// the axis's top.
fn ticks(max: u64) -> Vec<u64> {
    let max = max.max(1);
    let mut step = 1u64;
    'out: loop {
        for m in [1, 2, 5] {
            let s = step.saturating_mul(m);
            if max.div_ceil(s) <= 5 {
                step = s;
                break 'out;
            }
        }
        step = step.saturating_mul(10);
    }
    let top = max.div_ceil(step) * step;
    (0..=top / step).map(|i| i * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0), [0, 1]);
        assert_eq!(ticks(4), [0, 1, 2, 3, 4]);
        assert_eq!(ticks(7), [0, 2, 4, 6, 8]);
        assert_eq!(ticks(23), [0, 5, 10, 15, 20, 25]);
        assert_eq!(ticks(160), [0, 50, 100, 150, 200]);
        assert_eq!(ticks(331_940), [0, 100_000, 200_000, 300_000, 400_000]);
    }

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
    fn long_labels_wrap_whole_words() {
        assert_eq!(
            wrap("Controlled Drugs Accountable Officer not yet told", 34),
            ["Controlled Drugs Accountable", "Officer not yet told"]
        );
        assert_eq!(
            wrap("Awaiting others, no news for 7 days", 34),
            ["Awaiting others,", "no news for 7 days"]
        );
        assert_eq!(wrap("", 34), [""]);
    }

    #[test]
    fn a_name_cannot_end_the_css_string_or_the_style() {
        assert_eq!(css_string("a\"b</style>"), "\"a\\22 b\\3c /style\\3e \"");
    }

    #[test]
    fn escapes_and_writes_pounds_and_months() {
        assert_eq!(escape(r#"<b>&"x'"#), "&lt;b&gt;&amp;&quot;x&#39;");
        assert_eq!(pounds(Money(152770)), "£1,527.70");
        assert_eq!(pounds(Money(0)), "£0.00");
        assert_eq!(pounds(Money(12345650)), "£123,456.50");
        assert_eq!(month_label("2026-04"), "April 2026");
        assert_eq!(month_short("2027-01"), "Jan 2027", "never `Jan 27`, which reads as 27 January");
    }
}
