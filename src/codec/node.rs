//! A parsed YAML document, its strings borrowed from serde_yaml's value:
//! what the schema reads a file not in lsms's own form from (a file in
//! that form is read in one pass, `codec::lex`).

use serde_yaml::Value;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Node<'a> {
    /// A string (quoted, a literal block, or a plain scalar that YAML reads
    /// as a string).
    Str(Cow<'a, str>),
    /// Any other scalar: null, a boolean, a number (or a tagged value).
    Scalar(Value),
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
            other => Node::Scalar(other.clone()),
        }
    }

    /// Back to a serde_yaml value (for keys of one's own, kept as they are).
    pub fn to_value(&self) -> Value {
        match self {
            Node::Str(s) => Value::String(s.to_string()),
            Node::Scalar(v) => v.clone(),
            Node::Seq(items) => Value::Sequence(items.iter().map(Node::to_value).collect()),
            Node::Map(pairs) => {
                Value::Mapping(pairs.iter().map(|(k, v)| (k.to_value(), v.to_value())).collect())
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(Value::Null))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar as text, as a person wrote it: `12` and `true` read as
    /// text where text is expected (`check` warns about them).
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Node::Str(s) => Some(Cow::Borrowed(s)),
            Node::Scalar(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            Node::Scalar(Value::Bool(b)) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            _ => None,
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
