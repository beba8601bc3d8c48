//! A parsed YAML document, its strings borrowed from serde_yaml's value:
//! what the schema reads a file not in lsms's own form from (a file in
//! that form is read in one pass, `codec::lex`).

use serde_yaml::Value;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// A string (quoted, a literal block, or a plain scalar that every
    /// YAML reader reads as a string).
    Str(Cow<'a, str>),
    /// Any other scalar: null, a boolean, a number (or a tagged value), or
    /// a plain string that YAML 1.1 (PyYAML) reads as one of those or as
    /// a date: serde_yaml's value, and the characters as written.
    Scalar(Value, Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The node of a serde_yaml value, borrowing its strings.
    pub fn of(v: &'a Value) -> Node<'a> {
        match v {
            Value::String(s) => Node::Str(Cow::Borrowed(s)),
            Value::Sequence(items) => Node::Seq(items.iter().map(Node::of).collect()),
            Value::Mapping(m) => Node::Map(m.iter().map(|(k, v)| (Node::of(k), Node::of(v))).collect()),
            Value::Number(n) => Node::Scalar(v.clone(), Cow::Owned(n.to_string())),
            Value::Bool(b) => Node::Scalar(v.clone(), Cow::Borrowed(if *b { "true" } else { "false" })),
            // A scalar kept as written ([`Node::kept_value`]): read again as
            // its characters were, so it is kept again.
            other => match crate::codec::yaml_write::written_text(other) {
                Some(raw) => Node::Scalar(
                    serde_yaml::from_str(raw).unwrap_or_else(|_| other.clone()),
                    Cow::Borrowed(raw),
                ),
                None => Node::Scalar(other.clone(), Cow::Borrowed("")),
            },
        }
    }

    /// Back to a serde_yaml value (for keys of one's own, kept as they are).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Str(s) => Value::String(s.to_string()),
            Node::Scalar(v, _) => v.clone(),
            Node::Seq(items) => Value::Sequence(items.iter().map(Node::to_value).collect()),
            Node::Map(pairs) => {
                Value::Mapping(pairs.iter().map(|(k, v)| (k.to_value(), v.to_value())).collect())
            }
        }
    }

    /// A value to keep for a key of one's own: as [`Node::to_value`], but
    /// a plain scalar that lsms would write back as other characters
    /// (`010`, `1e3`, `0o17`, `yes`, `2026-01-01`, `1_000`) is kept as
    /// written (`yaml_write::as_written`), so a rewrite changes no
    /// reader's reading of it.
    pub fn kept_value(&self) -> Value {
        match self {
            Node::Scalar(v @ (Value::Null | Value::Tagged(_)), _) => v.clone(),
            Node::Scalar(v, raw) if crate::codec::yaml_write::flow_value(v) != *raw => {
                crate::codec::yaml_write::as_written(raw)
            }
            Node::Seq(items) => Value::Sequence(items.iter().map(Node::kept_value).collect()),
            Node::Map(pairs) => {
                Value::Mapping(pairs.iter().map(|(k, v)| (k.to_value(), v.kept_value())).collect())
            }
            other => other.to_value(),
        }
    }

    /// A value with every scalar as the characters written (a number or
    /// true/false as its text; null and tagged values as they are): for
    /// inputs lsms reads by its own rules, such as `report --from`.
    pub fn words_value(&self) -> Value {
        match self {
            Node::Str(s) => Value::String(s.to_string()),
            Node::Scalar(v @ (Value::Null | Value::Tagged(_)), _) => v.clone(),
            Node::Scalar(_, raw) => Value::String(raw.to_string()),
            Node::Seq(items) => Value::Sequence(items.iter().map(Node::words_value).collect()),
            Node::Map(pairs) => {
                Value::Mapping(pairs.iter().map(|(k, v)| (k.words_value(), v.words_value())).collect())
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(Value::Null, _))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar's characters as written (a string's text), for a value
    /// lsms reads by its own rules: a word, an amount, a date.
    pub fn written(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            Node::Scalar(Value::Null | Value::Tagged(_), _) => None,
            Node::Scalar(_, raw) => Some(raw),
            _ => None,
        }
    }

    /// What a YAML reader takes a scalar that is not text for, to say so.
    pub fn reading(&self) -> &'static str {
        match self {
            Node::Scalar(Value::Bool(_), _) => "true or false",
            Node::Scalar(Value::Number(_), _) => "a number",
            Node::Scalar(Value::Null, _) => "nothing (null)",
            Node::Scalar(Value::String(s), _) => {
                if crate::codec::load::yaml11_bool(s) {
                    "true or false (YAML 1.1, as PyYAML reads it)"
                } else if s.starts_with(|c: char| c.is_ascii_digit()) && s.contains('-') {
                    "a date (YAML 1.1, as PyYAML reads it)"
                } else if s == "<<" {
                    "a merge key"
                } else {
                    "a number (YAML 1.1, as PyYAML reads it)"
                }
            }
            Node::Scalar(..) => "a tagged value",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
            Node::Str(_) => "text",
        }
    }

    /// The value under a string key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
}
