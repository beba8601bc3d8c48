//! Any YAML a person wrote, read as YAML readers read it, with the words
//! as written beside: serde_yaml gives the document's shape and its YAML
//! 1.2 reading; a second pass over the same text gives every scalar that
//! is not plainly text (a number, true/false, null, a date in YAML 1.1) as
//! the characters the person typed. So a field that must be text refuses
//! `0x1F` or `yes` (which PyYAML reads as a number or true) instead of
//! writing back another value, and money is read from the digits as
//! written, never through a float.
//!
//! Before any of that, a cheap scan bounds the nesting (`MAX_DEPTH`): the
//! parser's time grows with the square of the depth, and a file of
//! brackets under the size cap would otherwise hold every command for
//! minutes. A byte-order mark at the start is read as PyYAML reads it.

use super::node::Node;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;
use std::borrow::Cow;
use std::fmt;

/// How deep a document may nest (mappings and lists within each other,
/// in block or flow style). An incident nests four deep at most.
pub const MAX_DEPTH: usize = 64;

/// Why a text is not read: a message, and the byte in the text it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub offset: usize,
    pub message: String,
}

/// One document: serde_yaml's value, and the tree with words as written.
#[derive(Debug)]
pub struct Doc {
    pub value: Value,
    pub node: Node<'static>,
}

/// The text without a byte-order mark at its start, and the mark's length.
pub fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{FEFF}') {
        Some(t) => (t, '\u{FEFF}'.len_utf8()),
        None => (text, 0),
    }
}

/// Reads one YAML document.
pub fn load(text: &str) -> Result<Doc, LoadError> {
    let (body, bom) = strip_bom(text);
    check_depth(body).map_err(|e| shifted(e, bom))?;
    let value: Value = serde_yaml::from_str(body).map_err(|e| shifted(yaml_error(&e), bom))?;
    let node = words(body, &value, &|| Some(serde_yaml::Deserializer::from_str(body)))
        .map_err(|e| shifted(e, bom))?;
    Ok(Doc { value, node })
}

/// Reads every document of a stream (`report --from`).
pub fn load_all(text: &str) -> Result<Vec<Doc>, LoadError> {
    let (body, bom) = strip_bom(text);
    check_depth(body).map_err(|e| shifted(e, bom))?;
    let mut out = Vec::new();
    for (i, doc) in serde_yaml::Deserializer::from_str(body).enumerate() {
        let value: Value = serde::Deserialize::deserialize(doc).map_err(|e| shifted(yaml_error(&e), bom))?;
        let node = words(body, &value, &|| serde_yaml::Deserializer::from_str(body).nth(i))
            .map_err(|e| shifted(e, bom))?;
        out.push(Doc { value, node });
    }
    Ok(out)
}

/// The text up to a little past `offset` (the end of its line, or 120
/// bytes on): enough to show where a problem is without copying, and
/// printing, a line of megabytes.
pub fn excerpt(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let mut end =
        text[offset..].find('\n').map_or(text.len(), |p| offset + p).min(offset.saturating_add(120));
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end.max(offset)]
}

fn shifted(mut e: LoadError, by: usize) -> LoadError {
    e.offset += by;
    e
}

fn yaml_error(e: &serde_yaml::Error) -> LoadError {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    LoadError { offset: e.location().map_or(0, |l| l.index()), message: format!("not valid YAML: {msg}") }
}

/// The tree of `value` with words as written: a second pass over the text
/// for the scalars YAML reads as other than text, and a look at how each
/// string that YAML 1.1 would read otherwise was written (in quotes, it is
/// text to every reader). `again` gives a fresh deserializer of the
/// document.
fn words<'t>(
    text: &'t str,
    value: &Value,
    again: &dyn Fn() -> Option<serde_yaml::Deserializer<'t>>,
) -> Result<Node<'static>, LoadError> {
    if value.is_null() {
        return Ok(Node::Scalar(Value::Null, Cow::Borrowed("")));
    }
    let gone =
        || LoadError { offset: 0, message: "not valid YAML: the document changed between readings".into() };
    // Strings that YAML 1.1 reads otherwise where they stand plain: where
    // each was written (one pass each, so a budget of passes: past it, one
    // is taken as plain, which refuses it where text is needed).
    let mut index = 0;
    let mut doubtful = Vec::new();
    doubtful_strings(value, &mut index, &mut doubtful);
    let budget = (8 << 20) / text.len().max(1);
    let mut plain = Vec::with_capacity(doubtful.len());
    let mut passes = 0;
    for &(target, s) in &doubtful {
        // Most are answered by a look at the text (a hand-edited file
        // holds a dozen dates, each a pass otherwise).
        let alike = doubtful.iter().filter(|(_, o)| *o == s).count();
        match style_seen(text, s, alike) {
            Some(Style::Quoted) => continue,
            Some(Style::Plain) => {
                plain.push(target);
                continue;
            }
            None => {}
        }
        passes += 1;
        if passes > budget {
            plain.push(target);
            continue;
        }
        let mut at = 0;
        let found =
            Guide { v: value, at: &mut at, mode: Mode::Find(target) }.deserialize(again().ok_or_else(gone)?);
        match found.err().and_then(|e| e.location()) {
            Some(l) if written_quoted(text, l.index()) => {}
            _ => plain.push(target),
        }
    }
    let mut at = 0;
    Guide { v: value, at: &mut at, mode: Mode::Words(&plain) }
        .deserialize(again().ok_or_else(gone)?)
        .map_err(|e| yaml_error(&e))
}

/// The pre-order index of each string that is not text to YAML 1.1 when
/// plain (the order the guide walks the document in), with the string.
fn doubtful_strings<'v>(v: &'v Value, index: &mut usize, out: &mut Vec<(usize, &'v str)>) {
    let me = *index;
    *index += 1;
    match v {
        Value::String(s) if !yaml11_text(s) => out.push((me, s)),
        Value::Sequence(items) => items.iter().for_each(|x| doubtful_strings(x, index, out)),
        Value::Mapping(m) => {
            for (k, x) in m {
                doubtful_strings(k, index, out);
                doubtful_strings(x, index, out);
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Quoted,
    Plain,
}

/// How the `alike` strings of the document that read as `s` are written,
/// where a look at the text tells for certain: each place `s` stands in
/// the text is either whole in quotes (`"s"`, `'s'`) or a whole plain
/// value (after `: `, `- `, `[` or `,`, and ending its line or flow
/// item), all of one kind, and there are exactly as many as the strings.
/// Anything else (`s` inside other text, in a comment's middle, escaped,
/// as a key, folded over lines) is `None`: a pass of the parser decides.
fn style_seen(text: &str, s: &str, alike: usize) -> Option<Style> {
    if s.is_empty() {
        return None;
    }
    let (mut quoted, mut plain) = (0, 0);
    for (at, _) in text.match_indices(s) {
        let before = &text[..at];
        let after = &text[at + s.len()..];
        let q = |c: char| before.ends_with(c) && after.starts_with(c);
        if q('"') || q('\'') {
            quoted += 1;
            continue;
        }
        let lead = before.trim_end_matches([' ', '\t']);
        let spaced = lead.len() < before.len();
        let opens = (spaced && (lead.ends_with(':') || lead.ends_with('-'))) || lead.ends_with(['[', ',']);
        let rest = after.trim_start_matches([' ', '\t']);
        let closes = rest.is_empty()
            || rest.starts_with(['\n', '\r', ',', ']', '}'])
            || (rest.starts_with('#') && rest.len() < after.len());
        if !(opens && closes) {
            return None;
        }
        plain += 1;
    }
    match (quoted, plain) {
        (q, 0) if q == alike => Some(Style::Quoted),
        (0, p) if p == alike => Some(Style::Plain),
        _ => None,
    }
}

/// Whether the scalar whose node starts at `at` is written in quotes or as
/// a block (after any anchor or tag).
fn written_quoted(text: &str, at: usize) -> bool {
    let mut s = text.get(at..).unwrap_or("");
    loop {
        s = s.trim_start_matches([' ', '\t', '\r', '\n']);
        if s.starts_with('&') || s.starts_with('!') {
            let end = s.find([' ', '\t', '\r', '\n']).unwrap_or(s.len());
            s = &s[end..];
        } else {
            break;
        }
    }
    matches!(s.as_bytes().first(), Some(b'"' | b'\'' | b'|' | b'>'))
}

#[derive(Clone, Copy)]
enum Mode<'p> {
    /// Fail at the node of this index (its error names where it starts).
    Find(usize),
    /// Build the tree; these strings' indices were written plain.
    Words(&'p [usize]),
}

/// Walks the document along its value, node by node in pre-order.
struct Guide<'v, 'a, 'p> {
    v: &'v Value,
    at: &'a mut usize,
    mode: Mode<'p>,
}

impl<'de> DeserializeSeed<'de> for Guide<'_, '_, '_> {
    type Value = Node<'static>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node<'static>, D::Error> {
        let me = *self.at;
        *self.at += 1;
        if matches!(self.mode, Mode::Find(t) if t == me) {
            return d.deserialize_seq(Refuse).map(|()| Node::Scalar(Value::Null, Cow::Borrowed("")));
        }
        match self.v {
            Value::Sequence(items) => {
                d.deserialize_seq(SeqGuide { items, at: self.at, mode: self.mode }).map(Node::Seq)
            }
            Value::Mapping(m) => {
                let pairs: Vec<(&Value, &Value)> = m.iter().collect();
                d.deserialize_map(MapGuide { pairs, at: self.at, mode: self.mode }).map(Node::Map)
            }
            Value::String(s) => {
                d.deserialize_ignored_any(IgnoredAny)?;
                let plain = matches!(self.mode, Mode::Words(p) if p.binary_search(&me).is_ok());
                Ok(if plain {
                    Node::Scalar(self.v.clone(), Cow::Owned(s.clone()))
                } else {
                    Node::Str(Cow::Owned(s.clone()))
                })
            }
            Value::Tagged(_) => {
                d.deserialize_ignored_any(IgnoredAny)?;
                Ok(Node::Scalar(self.v.clone(), Cow::Borrowed("")))
            }
            _ if matches!(self.mode, Mode::Find(_)) => {
                d.deserialize_ignored_any(IgnoredAny)?;
                Ok(Node::Scalar(Value::Null, Cow::Borrowed("")))
            }
            other => {
                let raw = d.deserialize_str(Raw)?;
                Ok(Node::Scalar(other.clone(), Cow::Owned(raw)))
            }
        }
    }
}

/// A scalar's characters as written.
struct Raw;

impl Visitor<'_> for Raw {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
}

/// Refuses whatever it is given: its error says where the node starts.
struct Refuse;

impl Visitor<'_> for Refuse {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("nothing")
    }
}

struct SeqGuide<'v, 'a, 'p> {
    items: &'v [Value],
    at: &'a mut usize,
    mode: Mode<'p>,
}

impl<'de> Visitor<'de> for SeqGuide<'_, '_, '_> {
    type Value = Vec<Node<'static>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(self.items.len());
        for v in self.items {
            match seq.next_element_seed(Guide { v, at: &mut *self.at, mode: self.mode })? {
                Some(n) => out.push(n),
                None => return Err(de::Error::custom("the list changed between readings")),
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(out)
    }
}

struct MapGuide<'v, 'a, 'p> {
    pairs: Vec<(&'v Value, &'v Value)>,
    at: &'a mut usize,
    mode: Mode<'p>,
}

type Pairs = Vec<(Node<'static>, Node<'static>)>;

impl<'de> Visitor<'de> for MapGuide<'_, '_, '_> {
    type Value = Pairs;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs, A::Error> {
        let mut out = Vec::with_capacity(self.pairs.len());
        let mode = || self.mode;
        for (k, v) in &self.pairs {
            let Some(key) = map.next_key_seed(Guide { v: k, at: &mut *self.at, mode: mode() })? else {
                return Err(de::Error::custom("the mapping changed between readings"));
            };
            // A key is a word to look up: only `<<` (a merge) is told apart.
            let key = match key {
                Node::Scalar(Value::String(s), _) if s != "<<" => Node::Str(Cow::Owned(s)),
                other => other,
            };
            let value = map.next_value_seed(Guide { v, at: &mut *self.at, mode: mode() })?;
            out.push((key, value));
        }
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(out)
    }
}

/// Whether PyYAML (YAML 1.1) reads `s`, written plain, as text: not null,
/// a boolean (`yes`, `off`), an integer (`010` is 8, `1_000`, `0x1F`,
/// `1:20` is 80), a float (`1.5`, `.5`, `1:20.5`), a date or timestamp,
/// a merge key `<<` or the value key `=`.
pub fn yaml11_text(s: &str) -> bool {
    let special = matches!(s, "" | "~" | "null" | "Null" | "NULL" | "<<" | "=") || yaml11_bool(s);
    !(special || int11(s) || float11(s) || timestamp11(s))
}

/// Whether PyYAML reads `s`, written plain, as true or false.
pub fn yaml11_bool(s: &str) -> bool {
    matches!(
        s,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// A cursor over ASCII for the YAML 1.1 patterns.
struct Cur<'s> {
    b: &'s [u8],
    i: usize,
}

impl Cur<'_> {
    fn eat(&mut self, f: impl Fn(u8) -> bool) -> bool {
        match self.b.get(self.i) {
            Some(&c) if f(c) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    fn many(&mut self, f: impl Fn(u8) -> bool + Copy) -> usize {
        let start = self.i;
        while self.eat(f) {}
        self.i - start
    }
    fn lit(&mut self, l: &str) -> bool {
        if self.b[self.i..].starts_with(l.as_bytes()) {
            self.i += l.len();
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
    fn sign(&mut self) {
        self.eat(|c| c == b'+' || c == b'-');
    }
    /// `(:[0-5]?[0-9])+`
    fn sexagesimal(&mut self) -> bool {
        let mut any = false;
        loop {
            let save = self.i;
            if !self.eat(|c| c == b':') {
                return any;
            }
            let two = self.b.get(self.i..self.i + 2);
            let ok = match two {
                Some([a, b]) if (b'0'..=b'5').contains(a) && b.is_ascii_digit() => {
                    self.i += 2;
                    true
                }
                _ => self.eat(|c| c.is_ascii_digit()),
            };
            if !ok {
                self.i = save;
                return any;
            }
            any = true;
        }
    }
}

fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

fn int11(s: &str) -> bool {
    let try_ = |f: &dyn Fn(&mut Cur<'_>) -> bool| {
        let mut c = Cur { b: s.as_bytes(), i: 0 };
        f(&mut c) && c.done()
    };
    try_(&|c| {
        c.sign();
        c.lit("0b") && c.many(|x| matches!(x, b'0' | b'1' | b'_')) > 0
    }) || try_(&|c| {
        c.sign();
        c.lit("0") && c.many(|x| matches!(x, b'0'..=b'7' | b'_')) > 0
    }) || try_(&|c| {
        c.sign();
        c.lit("0") || (c.eat(|x| matches!(x, b'1'..=b'9')) && c.many(digit_) < usize::MAX)
    }) || try_(&|c| {
        c.sign();
        c.lit("0x") && c.many(|x| x.is_ascii_hexdigit() || x == b'_') > 0
    }) || try_(&|c| {
        c.sign();
        c.eat(|x| matches!(x, b'1'..=b'9')) && {
            c.many(digit_);
            c.sexagesimal()
        }
    })
}

fn float11(s: &str) -> bool {
    let try_ = |f: &dyn Fn(&mut Cur<'_>) -> bool| {
        let mut c = Cur { b: s.as_bytes(), i: 0 };
        f(&mut c) && c.done()
    };
    let exp = |c: &mut Cur<'_>| {
        let save = c.i;
        if c.eat(|x| x == b'e' || x == b'E')
            && c.eat(|x| x == b'+' || x == b'-')
            && c.many(|x| x.is_ascii_digit()) > 0
        {
            return;
        }
        c.i = save;
    };
    try_(&|c| {
        c.sign();
        c.eat(|x| x.is_ascii_digit())
            && {
                c.many(digit_);
                c.eat(|x| x == b'.')
            }
            && {
                c.many(digit_);
                exp(c);
                true
            }
    }) || try_(&|c| {
        c.eat(|x| x == b'.') && c.eat(|x| x.is_ascii_digit()) && {
            c.many(digit_);
            exp(c);
            true
        }
    }) || try_(&|c| {
        c.sign();
        c.eat(|x| x.is_ascii_digit())
            && {
                c.many(digit_);
                c.sexagesimal()
            }
            && c.eat(|x| x == b'.')
            && {
                c.many(digit_);
                true
            }
    }) || try_(&|c| {
        c.sign();
        c.lit(".inf") || c.lit(".Inf") || c.lit(".INF")
    }) || matches!(s, ".nan" | ".NaN" | ".NAN")
}

fn timestamp11(s: &str) -> bool {
    let digits = |c: &mut Cur<'_>, min: usize, max: usize| {
        let start = c.i;
        while c.i - start < max && c.eat(|x| x.is_ascii_digit()) {}
        c.i - start >= min
    };
    let mut c = Cur { b: s.as_bytes(), i: 0 };
    if !(digits(&mut c, 4, 4) && c.lit("-")) {
        return false;
    }
    let save = c.i;
    if digits(&mut c, 2, 2) && c.lit("-") && digits(&mut c, 2, 2) && c.done() {
        return true;
    }
    c.i = save;
    if !(digits(&mut c, 1, 2) && c.lit("-") && digits(&mut c, 1, 2)) {
        return false;
    }
    if !(c.eat(|x| x == b'T' || x == b't') || c.many(|x| x == b' ' || x == b'\t') > 0) {
        return false;
    }
    if !(digits(&mut c, 1, 2) && c.lit(":") && digits(&mut c, 2, 2) && c.lit(":") && digits(&mut c, 2, 2)) {
        return false;
    }
    if c.eat(|x| x == b'.') {
        c.many(|x| x.is_ascii_digit());
    }
    c.many(|x| x == b' ' || x == b'\t');
    if c.done() {
        return true;
    }
    if c.lit("Z") {
        return c.done();
    }
    if !(c.eat(|x| x == b'+' || x == b'-') && digits(&mut c, 1, 2)) {
        return false;
    }
    if c.lit(":") && !digits(&mut c, 2, 2) {
        return false;
    }
    c.done()
}

/// Refuses nesting deeper than `MAX_DEPTH` before any parser sees the
/// text: one pass, counting flow brackets (outside quotes, comments and
/// block scalars) and the levels of block indentation (and each `- ` or
/// `? ` that opens a level on a line).
pub fn check_depth(text: &str) -> Result<(), LoadError> {
    let b = text.as_bytes();
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // Inside a quoted scalar that runs over lines: its quote.
    let mut quote: Option<u8> = None;
    // Inside a block scalar: the indentation its parent line had.
    let mut block: Option<usize> = None;
    let mut line_start = 0;
    while line_start < b.len() {
        let end = b[line_start..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| line_start + p);
        let line = &b[line_start..end];
        let indent = line.iter().take_while(|&&c| c == b' ').count();
        let blank = line[indent..].iter().all(|c| c.is_ascii_whitespace());
        if let Some(parent) = block {
            if blank || indent > parent {
                line_start = end + 1;
                continue;
            }
            block = None;
        }
        if quote.is_none() && flow == 0 && !blank && line[indent] != b'#' {
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
        }
        let mut extra = 0;
        let mut i = if quote.is_none() && flow == 0 { indent } else { 0 };
        // Levels opened on this line by `- ` and `? ` before the content.
        if quote.is_none() && flow == 0 {
            while i < line.len()
                && matches!(line[i], b'-' | b'?')
                && matches!(line.get(i + 1), Some(b' ') | None)
            {
                extra += 1;
                i += 1;
                while i < line.len() && line[i] == b' ' {
                    i += 1;
                }
            }
        }
        let mut prev = b' ';
        let mut last_token = b':';
        while i < line.len() {
            let c = line[i];
            if let Some(q) = quote {
                if q == b'"' && c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == q {
                    if q == b'\'' && line.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    last_token = b'a';
                }
                i += 1;
                prev = c;
                continue;
            }
            // After an indicator, a new node may start here.
            let starts = matches!(last_token, b':' | b'[' | b'{' | b',' | b'-' | b'?');
            let mut token = b'a';
            match c {
                b'#' if prev == b' ' || prev == b'\t' => break,
                b'"' | b'\'' if starts => quote = Some(c),
                b'[' | b'{' if flow > 0 || starts => {
                    flow += 1;
                    token = c;
                    if indents.len() + extra + flow > MAX_DEPTH {
                        return Err(too_deep(line_start + i));
                    }
                }
                b']' | b'}' if flow > 0 => flow -= 1,
                b',' if flow > 0 => token = c,
                b':' => token = c,
                b'-' | b'?' if starts => token = c,
                b'|' | b'>' if flow == 0 && starts => {
                    block = Some(indent);
                    break;
                }
                _ => {}
            }
            if !c.is_ascii_whitespace() {
                last_token = token;
            }
            prev = c;
            i += 1;
        }
        if indents.len() + extra + flow > MAX_DEPTH {
            return Err(too_deep(line_start));
        }
        line_start = end + 1;
    }
    Ok(())
}

fn too_deep(offset: usize) -> LoadError {
    LoadError {
        offset,
        message: format!(
            "nested more than {MAX_DEPTH} levels deep (lists and mappings within each other): \
             lsms does not read a document this deep"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_readings_are_known() {
        for not_text in [
            "yes",
            "No",
            "on",
            "OFF",
            "~",
            "",
            "null",
            "010",
            "0o17x",
            "1_000",
            "0x1F",
            "1:20",
            "1e3x",
            "12",
            "-5",
            "1.5",
            ".5",
            "1.",
            "1:20.5",
            ".inf",
            "-.Inf",
            ".nan",
            "2026-11-24",
            "2026-1-2 3:04:05",
            "2026-11-24T14:30:00+00:00",
            "2026-11-24 14:30:00.5 Z",
            "<<",
            "=",
            "0b101",
        ] {
            if not_text == "0o17x" || not_text == "1e3x" {
                assert!(yaml11_text(not_text), "{not_text}");
                continue;
            }
            assert!(!yaml11_text(not_text), "{not_text:?} is not text to PyYAML");
        }
        for text in [
            "1e3", "0o17", "y", "n", "Ward 3", "1.5e3", "2026-11", "nan", "inf", "+.5", "0x", "1:60",
            "12:30 pm",
        ] {
            assert!(yaml11_text(text), "{text:?} is text to PyYAML");
        }
    }

    #[test]
    fn words_are_kept_as_written_and_quotes_are_seen() {
        let d = load("a: 1e3\nb: \"yes\"\nc: yes\nd: 9007199254740993.00\ne: [0x10, '010', 010]\n").unwrap();
        let Node::Map(pairs) = &d.node else { panic!() };
        let got: Vec<(String, bool)> = pairs
            .iter()
            .map(|(_, v)| match v {
                Node::Str(s) => (s.to_string(), true),
                Node::Scalar(_, raw) => (raw.to_string(), false),
                Node::Seq(items) => (
                    items
                        .iter()
                        .map(|n| match n {
                            Node::Str(s) => format!("s:{s}"),
                            Node::Scalar(_, r) => format!("w:{r}"),
                            _ => "?".into(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    false,
                ),
                Node::Map(_) => ("?".into(), false),
            })
            .collect();
        assert_eq!(
            got,
            [
                ("1e3".into(), false),
                ("yes".into(), true),
                ("yes".into(), false),
                ("9007199254740993.00".into(), false),
                ("w:0x10,s:010,w:010".into(), false),
            ]
        );
    }

    #[test]
    fn a_look_at_the_text_decides_only_where_it_is_certain() {
        let t = "at: 2026-01-06T09:40:00\nh:\n  - { at: 2026-01-06T09:40:00, by: x }\n";
        assert_eq!(style_seen(t, "2026-01-06T09:40:00", 2), Some(Style::Plain));
        assert_eq!(style_seen(t, "2026-01-06T09:40:00", 3), None, "one unaccounted for");
        let t = "a: \"yes\"\nb: ['yes', x]\n";
        assert_eq!(style_seen(t, "yes", 2), Some(Style::Quoted));
        // One of each, inside other text, in a comment, as a key, in a
        // block: the parser decides.
        assert_eq!(style_seen("a: yes\nb: 'yes'\n", "yes", 2), None);
        assert_eq!(style_seen("a: \"say yes now\"\n", "yes", 1), None);
        assert_eq!(style_seen("a: x # yes\n", "yes", 1), None);
        assert_eq!(style_seen("yes: 1\n", "yes", 1), None);
        assert_eq!(style_seen("a: |\n  yes\n", "yes", 1), None);
        assert_eq!(style_seen("a: yes,no\nb: \"yes\"\n", "yes", 1), None);
        // And whichever way it is decided, the words come out the same.
        for doc in ["a: yes\nb: 'yes'\n", "a: |\n  yes\nb: yes\n", "a: [yes, \"yes\"]\n"] {
            let d = load(doc).unwrap();
            let quoted: Vec<bool> = match &d.node {
                Node::Map(p) => p
                    .iter()
                    .flat_map(|(_, v)| match v {
                        Node::Seq(items) => items.iter().map(|n| matches!(n, Node::Str(_))).collect(),
                        n => vec![matches!(n, Node::Str(_))],
                    })
                    .collect(),
                _ => panic!(),
            };
            let want = match doc.as_bytes()[3] {
                b'y' => vec![false, true],
                b'|' => vec![true, false],
                _ => vec![false, true],
            };
            assert_eq!(quoted, want, "{doc:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_read_and_depth_is_bounded() {
        assert!(load("\u{FEFF}a: 1\n").is_ok());
        let deep = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(load(&deep).unwrap_err().message.contains("nested more than 64"));
        let block: String = (0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        assert!(check_depth(&block).is_err());
        let dashes = format!("{}x\n", "- ".repeat(100));
        assert!(check_depth(&dashes).is_err());
        // Brackets in text are not nesting.
        let text = format!(
            "summary: see {}\ndescription: |\n  {}\nnote: \"{}\"\n# {}\n",
            "[".repeat(100),
            "{".repeat(100),
            "[".repeat(100),
            "[".repeat(100)
        );
        assert!(check_depth(&text).is_ok(), "{text}");
        let ok = format!("a: {}{}\n", "[".repeat(60), "]".repeat(60));
        assert!(check_depth(&ok).is_ok());
    }
}
