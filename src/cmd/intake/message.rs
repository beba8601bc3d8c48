//! One message read (with `mail-parser`: encoded headers, charsets,
//! multipart/alternative, HTML made text, nested messages) into what an
//! incident or a note is made of. A message that cannot be is refused
//! with the reason, which goes beside it in `failed/`.

use crate::model::intake::attachment_name;
use crate::store::config::Intake;
use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders};

/// The most attachments one message may bring to a case: each is a
/// line of the record and of its history.
pub const MAX_ATTACHMENTS: usize = 200;
/// The longest description kept in the record, in bytes; the whole text
/// stays in the original message kept as evidence.
pub const MAX_DESCRIPTION: usize = 256 << 10;

/// A message, read: what its headers say ([`Meta`], reached through
/// the mail itself), its text and its attachments.
pub struct Mail<'x> {
    pub meta: Meta,
    /// The text: the plain part, or the HTML part made text; a forwarded
    /// message's text after it.
    pub text: String,
    /// The attachments (inline images too): name and content.
    pub attachments: Vec<(String, &'x [u8])>,
}

impl std::ops::Deref for Mail<'_> {
    type Target = Meta;
    fn deref(&self) -> &Meta {
        &self.meta
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first(a: Option<&Address<'_>>) -> Option<(Option<String>, Option<String>)> {
    let a = a?.first()?;
    let name = a.name().map(one_line).filter(|n| !n.is_empty());
    // An address the record can keep as one (anything else: none, and
    // the sender is not answered).
    let addr = a.address().map(|s| s.trim().to_string()).filter(|s| {
        s.split_once('@').is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
            && !s
                .contains(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    });
    Some((name, addr))
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.trim().to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The SHA-256 of `bytes`, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::store::evidence::hash_reader(&mut &bytes[..]).map(|(h, _)| h).unwrap_or_default()
}

/// Text as kept: CR LF (the wire's line ending) made LF, trailing blank
/// space dropped.
fn text_of(s: &str) -> String {
    s.replace("\r\n", "\n").trim_end().to_string()
}

/// Reads a message; the reason where it cannot be made into a case.
pub fn read<'x>(raw: &'x [u8], cfg: &Intake) -> Result<(mail_parser::Message<'x>, Meta), String> {
    let parsed = MessageParser::default()
        .parse(raw)
        .ok_or("this is not an email message (no headers could be read)")?;
    // Any text parses as some header: a message says at least who sent
    // it, when, what about, or its id.
    let said = parsed.from().is_some()
        || parsed.date().is_some()
        || parsed.subject().is_some()
        || parsed.message_id().is_some();
    if parsed.headers().is_empty() || !said {
        return Err("this is not an email message (no From, Date, Subject or Message-ID header)".into());
    }
    let meta = Meta::of(&parsed, raw, cfg)?;
    Ok((parsed, meta))
}

/// What [`read`] takes from the headers, and the checks on the parts.
pub struct Meta {
    /// The Message-ID without its angle brackets, or `sha256:…` of the
    /// message's bytes where it has none: what it is known by.
    pub key: String,
    /// Its own Message-ID as written (for threading a reply), if any.
    pub message_id: Option<String>,
    /// The Message-IDs it answers (In-Reply-To, then References).
    pub answers: Vec<String>,
    pub subject: String,
    pub date: Option<DateTime<Utc>>,
    /// The sender's name as written (From), one line.
    pub name: Option<String>,
    /// Where a reply goes (Reply-To, else From), one line with an `@`.
    pub address: Option<String>,
    /// The From address, for the anonymous relay check.
    pub from_address: Option<String>,
    /// Sent by a machine (Auto-Submitted, Precedence: bulk, a bounce):
    /// never answered.
    pub automatic: bool,
}

impl Meta {
    fn of(m: &mail_parser::Message<'_>, raw: &[u8], cfg: &Intake) -> Result<Meta, String> {
        let message_id = m
            .message_id()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && crate::model::text::is_one_line(s));
        let key = message_id.clone().unwrap_or_else(|| format!("sha256:{}", sha256_hex(raw)));
        let mut answers = ids(m.in_reply_to());
        answers.extend(ids(m.references()));
        let subject = m.subject().map(one_line).unwrap_or_default();
        let date = m
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0));
        let (name, from_address) = first(m.from()).unwrap_or((None, None));
        let reply = first(m.reply_to()).and_then(|(_, a)| a);
        let address = reply.or_else(|| from_address.clone());
        let header = |n: &str| m.header_raw(n).map(|v| v.trim().to_ascii_lowercase());
        let automatic = header("Auto-Submitted").is_some_and(|v| v != "no")
            || header("Precedence").is_some_and(|v| ["bulk", "junk", "list"].contains(&v.as_str()))
            || from_address.as_deref().is_some_and(|a| {
                let a = a.to_ascii_lowercase();
                a.starts_with("mailer-daemon@") || a.starts_with("postmaster@")
            });
        let n = m.attachment_count();
        if n > MAX_ATTACHMENTS {
            return Err(format!(
                "the message has {n} attachments, over the {MAX_ATTACHMENTS} one report may bring: ask the sender to send the files in a few messages, or add them with `lsms evidence add`"
            ));
        }
        for (i, a) in m.attachments().enumerate() {
            let size = a.contents().len() as u64;
            if size > cfg.max_attachment {
                let name = attachment_name(a.attachment_name(), i + 1);
                return Err(format!(
                    "attachment {name} is {}, over the {} limit (intake: {{ max_attachment_mb }} in lsms.yaml): take the file in by hand with `lsms evidence add`",
                    crate::store::fsio::size_shown(size),
                    crate::store::fsio::size_shown(cfg.max_attachment)
                ));
            }
        }
        Ok(Meta { key, message_id, answers, subject, date, name, address, from_address, automatic })
    }
}

/// The message's text: its first text part (or HTML part made text);
/// each forwarded message's text after it, under its own From and
/// Subject. Cut at [`MAX_DESCRIPTION`] bytes, saying so.
pub fn text(m: &mail_parser::Message<'_>) -> String {
    let mut out = m.body_text(0).map(|t| text_of(&t)).unwrap_or_default();
    for a in m.attachments() {
        let Some(inner) = a.message() else { continue };
        let mut part = String::from("---------- Forwarded message ----------\n");
        if let Some((name, addr)) = first(inner.from()) {
            let who = match (name, addr) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (Some(n), None) => n,
                (None, Some(a)) => a,
                (None, None) => String::new(),
            };
            part.push_str(&format!("From: {who}\n"));
        }
        if let Some(s) = inner.subject() {
            part.push_str(&format!("Subject: {}\n", one_line(s)));
        }
        part.push('\n');
        part.push_str(&inner.body_text(0).map(|t| text_of(&t)).unwrap_or_default());
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&part);
    }
    if out.len() > MAX_DESCRIPTION {
        let mut cut = MAX_DESCRIPTION;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("\n\n[cut here: the whole text is in the evidence file message.eml]");
    }
    out
}

/// The attachments, each with a bare name (`../../lsms.yaml` is
/// `lsms.yaml`; none: `attachment-N`) and its decoded content.
pub fn attachments<'a>(m: &'a mail_parser::Message<'_>) -> Vec<(String, &'a [u8])> {
    m.attachments()
        .enumerate()
        .map(|(i, a)| {
            let given = a.attachment_name();
            let name = match (given, a.message()) {
                (None, Some(_)) => format!("forwarded-{}.eml", i + 1),
                _ => attachment_name(given, i + 1),
            };
            (name, a.contents())
        })
        .collect()
}

/// Makes a [`Mail`] of a read message.
pub fn mail<'a>(m: &'a mail_parser::Message<'_>, meta: Meta) -> Mail<'a> {
    Mail { meta, text: text(m), attachments: attachments(m) }
}
