//! Finds where a field sits in a file's text, so a problem can be shown at
//! its line. Works on the text alone: top-level key, list item, nested key.

fn lines(src: &str) -> impl Iterator<Item = (usize, &str)> {
    src.split_inclusive('\n').scan(0, |off, line| {
        let at = *off;
        *off += line.len();
        Some((at, line))
    })
}

/// Byte offset of a field like `summary`, `people[1]` or `people[1].party`
/// (0 when it cannot be found: the message still names the field).
pub fn field_offset(src: &str, field: &str) -> usize {
    let (head, sub) = match field.split_once('.') {
        Some((h, s)) => (h, Some(s)),
        None => (field, None),
    };
    let (key, index) = match head.split_once('[') {
        Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    // The key's lines, found by the one scanner for top-level keys.
    let Some((_, block)) = crate::model::text::top_level_blocks(src).into_iter().find(|(k, _)| *k == key)
    else {
        return 0;
    };
    let all: Vec<(usize, &str)> = lines(src).collect();
    let Some(start) = all.iter().position(|(off, _)| *off == block.start) else {
        return 0;
    };
    let end = all.iter().position(|(off, _)| *off >= block.end).unwrap_or(all.len());
    let mut from = start;
    let mut upto = end;
    if let Some(i) = index {
        let items: Vec<usize> =
            (start + 1..end).filter(|&n| all[n].1.trim_start().starts_with('-')).collect();
        match items.get(i) {
            Some(&n) => {
                from = n;
                upto = items.get(i + 1).copied().unwrap_or(end);
            }
            None => {
                // A flow list on the key's own line, or fewer items than said.
                return all[start].0;
            }
        }
    }
    if let Some(sub) = sub {
        let needle = format!("{sub}:");
        for (off, line) in &all[from..upto] {
            if let Some(p) = line.find(&needle) {
                return off + p;
            }
        }
    }
    let (off, line) = all[from];
    off + (line.len() - line.trim_start().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "schema: 1\nsummary: x\npeople:\n  - { role: victim, party: staff }\n  - role: witness\n    party: nobody\nharm: low\n";

    #[test]
    fn finds_top_keys_items_and_nested_keys() {
        let at = |f: &str| {
            let o = field_offset(SRC, f);
            SRC[o..].lines().next().unwrap().to_string()
        };
        assert_eq!(at("summary"), "summary: x");
        assert_eq!(at("harm"), "harm: low");
        assert_eq!(at("people[0]"), "- { role: victim, party: staff }");
        assert_eq!(at("people[0].party"), "party: staff }");
        assert_eq!(at("people[1].party"), "party: nobody");
        assert_eq!(field_offset(SRC, "nowhere"), 0);
    }
}
