//! One exported value, and lists in one CSV cell.

use serde_json::{Value, json};
use std::borrow::Cow;

/// A list in one CSV cell: items joined by `;`, with a `\` or `;` inside an
/// item written `\\` or `\;`, so the cell splits back into exactly its
/// items (an empty item stands for an absent value, keeping lists that
/// run side by side, like `people_roles` and `people_names`, aligned).
pub fn join<T: ToString>(xs: impl Iterator<Item = T>) -> String {
    let mut out = String::new();
    for (i, x) in xs.enumerate() {
        if i > 0 {
            out.push(';');
        }
        let x = x.to_string();
        if x.contains(['\\', ';']) {
            out.push_str(&x.replace('\\', "\\\\").replace(';', "\\;"));
        } else {
            out.push_str(&x);
        }
    }
    out
}

/// Splits a list cell made by [`join`] back into its items.
pub fn split(cell: &str) -> Vec<String> {
    if cell.is_empty() {
        return Vec::new();
    }
    let mut items = vec![String::new()];
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => items.last_mut().unwrap_or(&mut String::new()).extend(chars.next()),
            ';' => items.push(String::new()),
            c => items.last_mut().unwrap_or(&mut String::new()).push(c),
        }
    }
    items
}

/// One exported value: text borrowed from the record where it can be, so a
/// CSV row is built without copying every field first.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Null,
    Bool(bool),
    Count(usize),
}

impl Cell<'_> {
    /// As a CSV cell: text as it is, absent as empty.
    pub fn as_csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Null => Cow::Borrowed(""),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Count(n) => Cow::Owned(n.to_string()),
        }
    }

    /// As JSON: typed.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Text(t) => Value::String(t.to_string()),
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Count(n) => json!(n),
        }
    }
}
