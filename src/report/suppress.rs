//! Small counts hidden for publication, honestly: what a figure shows
//! under a rule, and secondary suppression so that no total gives a
//! hidden count away. Pure: counts in, what to show out.
//!
//! Two rules:
//! - `small`, the threshold: a count from 1 to 4 is shown as `<5`. Where a
//!   row or column (with its total) would then hide exactly one figure,
//!   the total less the others would give it away, so a second figure is
//!   hidden too, shown as `[c]` (the Government Statistical Service's mark
//!   for "confidential"): the smallest other non-zero count in that line,
//!   else the total. So too where the hidden counts, all under 5, add up
//!   to their number or four times it (each would be 1, or each 4). This
//!   repeats until no line gives a hidden count away.
//! - `nhs`, the rule NHS England (formerly NHS Digital) publishes for
//!   hospital statistics: a count from 1 to 7 is shown as `*` and every
//!   other count, totals too, is rounded to the nearest 5. A total is
//!   rounded from the true counts, never summed from rounded ones, so no
//!   total pins a hidden count down and nothing more is hidden.
//!
//! Zero is always shown: it is not a small number of people.

/// A rule for hiding small counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// 1 to 4 as `<5`, with secondary suppression.
    Small,
    /// 1 to 7 as `*`, the rest rounded to the nearest 5.
    Nhs,
}

impl Rule {
    pub fn parse(s: &str) -> Result<Rule, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Rule::Small),
            "nhs" => Ok(Rule::Nhs),
            other => Err(format!(
                "{other:?} is not a rule: give small (1 to 4 as <5) or nhs (1 to 7 as *, others rounded to 5)"
            )),
        }
    }

    /// The largest count the rule hides.
    pub fn ceiling(self) -> u64 {
        match self {
            Rule::Small => 4,
            Rule::Nhs => 7,
        }
    }

    /// How a count hidden by the rule itself is shown.
    pub fn mark(self) -> &'static str {
        match self {
            Rule::Small => "<5",
            Rule::Nhs => "*",
        }
    }

    /// One sentence for the reader: what is hidden and why.
    pub fn note(self) -> &'static str {
        match self {
            Rule::Small => {
                "Counts from 1 to 4 are shown as <5, so that no one can be picked out from a small number. \
                 Where a row or column would hide only one count, its total would give it away, so one more \
                 figure in it is hidden too, shown as [c]. Hidden counts are drawn hatched, never as bars of their own size."
            }
            Rule::Nhs => {
                "Counts are shown as NHS England publishes hospital statistics: counts from 1 to 7 as *, every other \
                 count, totals too, rounded to the nearest 5 (totals from the true counts, so rows need not add up). \
                 Hidden counts are drawn hatched, never as bars of their own size."
            }
        }
    }

    fn hides(self, n: u64) -> bool {
        (1..=self.ceiling()).contains(&n)
    }

    /// A count standing alone under the rule.
    pub fn one(self, n: u64) -> Cell {
        if self.hides(n) {
            Cell::Under(self)
        } else {
            Cell::Shown(match self {
                Rule::Small => n,
                Rule::Nhs => n.saturating_add(2) / 5 * 5,
            })
        }
    }
}

/// A count as it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The count, or under `nhs` the count rounded to 5.
    Shown(u64),
    /// Hidden by the rule: at most `rule.ceiling()`, and at least 1.
    Under(Rule),
    /// Hidden so that a total does not give another away: any count.
    Hidden,
}

impl Cell {
    /// The text in a table.
    pub fn text(self) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Under(r) => r.mark().to_string(),
            Cell::Hidden => "[c]".to_string(),
        }
    }

    pub fn shown(self) -> Option<u64> {
        if let Cell::Shown(n) = self { Some(n) } else { None }
    }

    pub fn hidden(self) -> bool {
        self.shown().is_none()
    }
}

/// A count under no rule or a rule.
pub fn one(rule: Option<Rule>, n: u64) -> Cell {
    rule.map_or(Cell::Shown(n), |r| r.one(n))
}

/// The counts of a table as shown. `values` is rows of counts; with
/// `row_totals` the last figure of each row is the sum of the others, with
/// `col_totals` the last row is the sum of the rows above (its last figure
/// the grand total when both). Under `small`, secondary suppression keeps
/// every row and every column (each with its total) from hiding exactly
/// one figure.
pub fn table(rule: Option<Rule>, values: &[Vec<u64>], row_totals: bool, col_totals: bool) -> Vec<Vec<Cell>> {
    linked(rule, values, row_totals, col_totals, &[])
}

/// `table`, where some figures are printed elsewhere too and have been
/// decided there: `given` holds each one's place and whether it is hidden.
/// They stay as decided, so the same figure is never hidden in one table
/// and shown in another. Where a line would give a count away and only a
/// given total could be hidden to stop it, every other count of the line
/// is hidden instead, zeros too.
pub fn linked(
    rule: Option<Rule>,
    values: &[Vec<u64>],
    row_totals: bool,
    col_totals: bool,
    given: &[(usize, usize, bool)],
) -> Vec<Vec<Cell>> {
    let mut cells: Vec<Vec<Cell>> =
        values.iter().map(|r| r.iter().map(|n| one(rule, *n)).collect()).collect();
    let fixed = |r: usize, c: usize| given.iter().any(|g| (g.0, g.1) == (r, c));
    for (r, c, hidden) in given {
        let Some(cell) = cells.get_mut(*r).and_then(|row| row.get_mut(*c)) else { continue };
        *cell = match (*hidden, *cell) {
            (true, Cell::Under(u)) => Cell::Under(u),
            (true, _) => Cell::Hidden,
            // Shown elsewhere: as the rule shows it there (rounded under `nhs`).
            (false, shown) if !shown.hidden() => shown,
            (false, _) => Cell::Shown(values[*r][*c]),
        };
    }
    if rule == Some(Rule::Nhs)
        || (rule.is_none() && !given.iter().any(|g| g.2) && cells.iter().flatten().all(|c| !c.hidden()))
    {
        return cells;
    }
    let rows = values.len();
    let cols = values.iter().map(Vec::len).max().unwrap_or(0);
    // Each line: its members and, last, its total.
    let mut lines: Vec<Vec<(usize, usize)>> = Vec::new();
    if row_totals && cols >= 2 {
        for (r, row) in values.iter().enumerate() {
            if row.len() == cols {
                lines.push((0..cols).map(|c| (r, c)).collect());
            }
        }
    }
    if col_totals && rows >= 2 {
        for c in 0..cols {
            if values.iter().all(|row| row.len() > c) {
                lines.push((0..rows).map(|r| (r, c)).collect());
            }
        }
    }
    // Each pass hides at least one more figure, so this ends.
    loop {
        let mut changed = false;
        for line in &lines {
            let (members, total) = line.split_at(line.len() - 1);
            let t = total[0];
            let hidden: Vec<&(usize, usize)> =
                members.iter().filter(|(r, c)| cells[*r][*c].hidden()).collect();
            let given_away = if cells[t.0][t.1].hidden() {
                // The total hidden, every member shown: their sum is the total.
                hidden.is_empty()
            } else {
                // The hidden members add up to the total less those shown:
                // one alone is that sum; counts each from 1 to 4 are each
                // pinned down when the sum is their number or four times it.
                let k = hidden.len() as u64;
                let shown: u64 = members
                    .iter()
                    .filter(|(r, c)| !cells[*r][*c].hidden())
                    .map(|(r, c)| values[*r][*c])
                    .sum();
                let sum = values[t.0][t.1].saturating_sub(shown);
                let under = hidden.iter().all(|(r, c)| matches!(cells[*r][*c], Cell::Under(_)));
                k == 1 || (k > 1 && under && (sum == k || sum == k * Rule::Small.ceiling()))
            };
            if !given_away {
                continue;
            }
            // A count of 0 hidden beside them would tell nothing more.
            let open = |r: usize, c: usize| !cells[r][c].hidden() && !fixed(r, c);
            let pick = members
                .iter()
                .filter(|(r, c)| open(*r, *c) && values[*r][*c] > 0)
                .min_by_key(|(r, c)| values[*r][*c])
                .or_else(|| total.iter().find(|(r, c)| open(*r, *c)))
                .copied();
            if let Some((r, c)) = pick {
                cells[r][c] = Cell::Hidden;
                changed = true;
            } else {
                // The total is printed elsewhere: hide the rest of the line.
                for (r, c) in members.iter().copied().filter(|(r, c)| open(*r, *c)).collect::<Vec<_>>() {
                    cells[r][c] = Cell::Hidden;
                    changed = true;
                }
            }
        }
        if !changed {
            return cells;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cells: &[Vec<Cell>]) -> Vec<Vec<String>> {
        cells.iter().map(|r| r.iter().map(|c| c.text()).collect()).collect()
    }

    #[test]
    fn the_nhs_rule_stars_one_to_seven_and_rounds_the_rest_to_five() {
        let r = Rule::Nhs;
        let got: Vec<String> = [0, 1, 7, 8, 12, 13, 17, 18, 102].iter().map(|n| r.one(*n).text()).collect();
        assert_eq!(got, ["0", "*", "*", "10", "10", "15", "15", "20", "100"]);
        assert_eq!(Rule::Small.one(4).text(), "<5");
        assert_eq!(Rule::Small.one(5).text(), "5");
        assert!(Rule::parse("NHS").is_ok() && Rule::parse("five").is_err());
    }

    #[test]
    fn a_total_never_gives_away_a_lone_hidden_count() {
        // Rows a, b; columns x, y, z; last column and last row the totals.
        let values = vec![vec![3, 10, 6, 19], vec![8, 9, 12, 29], vec![11, 19, 18, 48]];
        let cells = table(Some(Rule::Small), &values, true, true);
        assert_eq!(
            text(&cells),
            [["<5", "10", "[c]", "19"], ["[c]", "9", "[c]", "29"], ["11", "19", "18", "48"]],
            "row a hides its smallest other count (6); columns x and z then each hide one more"
        );
        // No line hides exactly one figure.
        for row in &cells {
            assert_ne!(row.iter().filter(|c| c.hidden()).count(), 1);
        }
        for c in 0..4 {
            assert_ne!(cells.iter().filter(|row| row[c].hidden()).count(), 1);
        }
    }

    #[test]
    fn a_line_of_zeros_beside_a_hidden_count_hides_the_total() {
        // One row: 2 and zeros, total 2: the total is itself under 5.
        let cells = table(Some(Rule::Small), &[vec![2, 0, 0, 2]], true, false);
        assert_eq!(text(&cells), [["<5", "0", "0", "<5"]]);
        // One count hidden, the other two shown: the smaller non-zero one goes.
        let cells = table(Some(Rule::Small), &[vec![3, 0, 9, 12]], true, false);
        assert_eq!(text(&cells), [["<5", "0", "[c]", "12"]]);
        // Three hidden counts that add up to 12 are each 4; to 3, each 1.
        let cells = table(Some(Rule::Small), &[vec![4, 4, 4, 7, 19]], true, false);
        assert_eq!(text(&cells), [["<5", "<5", "<5", "[c]", "19"]]);
        let cells = table(Some(Rule::Small), &[vec![1, 1, 1, 8, 11]], true, false);
        assert_eq!(text(&cells), [["<5", "<5", "<5", "[c]", "11"]]);
        let cells = table(Some(Rule::Small), &[vec![1, 3, 4, 8, 16]], true, false);
        assert_eq!(text(&cells), [["<5", "<5", "<5", "8", "16"]], "8 could be 1+3+4 or 2+2+4 or …");
        // No rule, no change; nhs hides nothing more.
        assert_eq!(text(&table(None, &[vec![3, 9, 12]], true, false)), [["3", "9", "12"]]);
        assert_eq!(text(&table(Some(Rule::Nhs), &[vec![3, 9, 12]], true, false)), [["*", "10", "10"]]);
        // A total printed elsewhere too is rounded here as it is there.
        assert_eq!(
            text(&linked(Some(Rule::Nhs), &[vec![14, 19, 33]], true, false, &[(0, 2, false)])),
            [["15", "20", "35"]]
        );
    }

    #[test]
    fn a_total_printed_elsewhere_stays_as_it_is_there() {
        // Two sites with a theft each, the 2 thefts shown in another table:
        // the 2 cannot be hidden here, so the zero beside them is hidden too.
        let values = vec![vec![1, 5, 6], vec![1, 7, 8], vec![0, 6, 6], vec![2, 18, 20]];
        let given: Vec<(usize, usize, bool)> = (0..3).map(|c| (3, c, false)).collect();
        let cells = linked(Some(Rule::Small), &values, true, true, &given);
        assert_eq!(
            text(&cells).last().unwrap(),
            &["2", "18", "20"],
            "the totals stay shown: {:?}",
            text(&cells)
        );
        let theft: Vec<String> = (0..3).map(|r| cells[r][0].text()).collect();
        assert_eq!(theft, ["<5", "<5", "[c]"], "1 + 1 = 2 would pin both down");
        // A total hidden there is hidden here, and no line gives it away.
        let cells = linked(None, &[vec![3, 9, 12]], true, false, &[(0, 2, true)]);
        assert_eq!(text(&cells), [["[c]", "9", "[c]"]], "the 3 would be 12 less 9");
    }
}
