//! Messages lsms sends to a reporter (`intake`'s acknowledgement of a new
//! report, `close --tell-reporter`'s outcome), the one place lsms sends
//! anything: built with `mail-builder` (RFC
//! 5322, RFC 2047 headers, quoted-printable text where needed), threaded
//! on the report's Message-ID, addressed to the reporter alone, and given
//! to a sendmail-compatible command or left in an outbox Maildir.

use super::config::{Intake, Send, Template};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::model::intake::fill;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use std::io::Write;
use std::path::Path;

/// `Name <addr>` or `addr`, as lsms.yaml's `from:` gives it.
pub fn split_address(s: &str) -> (Option<String>, String) {
    match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => {
            let name = s[..a].trim().trim_matches('"').trim();
            ((!name.is_empty()).then(|| name.to_string()), s[a + 1..b].trim().to_string())
        }
        _ => (None, s.trim().to_string()),
    }
}

/// A new Message-ID for a message about `inc`, at the From's domain.
pub fn new_message_id(cfg: &Intake, inc: &Incident, what: &str) -> String {
    let (_, from) = split_address(cfg.from.as_deref().unwrap_or("lsms@localhost"));
    let domain = from.rsplit_once('@').map_or("localhost", |(_, d)| d);
    let r = uuid::Uuid::new_v4().simple().to_string();
    format!("lsms.{what}.{}.{}@{domain}", inc.id, &r[..16])
}

/// One message to a reporter, ready to go.
pub struct Outgoing {
    pub message_id: String,
    pub bytes: Vec<u8>,
}

/// Builds the message of `template` for `inc`'s reporter (`to`: name and
/// address), threaded on `answers` (the report's Message-ID). Only the
/// reporter's own words and the case's reference go in: no other
/// person's name, no sanction.
#[allow(clippy::too_many_arguments)]
pub fn build(
    cfg: &Intake,
    trust: &str,
    tz: Tz,
    now: DateTime<Utc>,
    inc: &Incident,
    template: &Template,
    outcome: Option<&str>,
    answers: Option<&str>,
    to: (Option<&str>, &str),
    what: &str,
) -> Result<Outgoing> {
    let reported = inc.reported_at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    let value = |name: &str| -> Option<String> {
        Some(match name {
            "reference" => inc.id.to_string(),
            "summary" => crate::model::intake::summary_as_reported(inc).to_string(),
            "trust" => trust.to_string(),
            "contact" => cfg.contact.clone(),
            "reported" => reported.clone(),
            "outcome" => outcome.unwrap_or_default().to_string(),
            _ => return None,
        })
    };
    let bad = |m: String| Error::failed_with(format!("intake template: {m}"), "correct intake: in lsms.yaml");
    let subject = fill(&template.subject, &value).map_err(bad)?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = fill(&template.body, &value).map_err(bad)?;
    let (from_name, from_addr) = split_address(cfg.from.as_deref().unwrap_or_default());
    let message_id = new_message_id(cfg, inc, what);
    let from = match &from_name {
        Some(n) => Address::new_address(Some(n.as_str()), from_addr.as_str()),
        None => Address::new_address(None::<&str>, from_addr.as_str()),
    };
    let to = Address::new_address(to.0, to.1);
    let mut b = MessageBuilder::new()
        .from(from)
        .to(to)
        .subject(subject)
        .message_id(message_id.as_str())
        .date(now.timestamp())
        .header("Auto-Submitted", mail_builder::headers::raw::Raw::new("auto-replied"))
        .text_body(body);
    if let Some(a) = answers {
        b = b.in_reply_to(a).references(a);
    }
    let bytes = b.write_to_vec().map_err(|e| {
        Error::failed(format!("the message to the reporter of {} could not be made: {e}", inc.id))
    })?;
    Ok(Outgoing { message_id, bytes })
}

/// Sends a message the way lsms.yaml says.
pub fn deliver(how: &Send, msg: &Outgoing) -> std::result::Result<(), String> {
    match how {
        Send::Command(argv) => {
            let Some((prog, args)) = argv.split_first() else { return Err("intake.send is empty".into()) };
            let mut child = std::process::Command::new(prog)
                .args(args)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| format!("`{prog}` could not be run: {e}"))?;
            let wrote = child.stdin.take().map(|mut i| i.write_all(&msg.bytes));
            let out = child.wait_with_output().map_err(|e| format!("`{prog}` failed: {e}"))?;
            if let Some(Err(e)) = wrote {
                return Err(format!("`{prog}` did not take the message: {e}"));
            }
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                let err = err.trim();
                return Err(format!(
                    "`{prog}` failed ({}){}",
                    out.status,
                    if err.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", err.lines().next().unwrap_or_default())
                    }
                ));
            }
            Ok(())
        }
        Send::Outbox(dir) => {
            to_maildir(dir, msg).map_err(|e| format!("the outbox {} could not take it: {e}", dir.display()))
        }
    }
}

/// Delivers into a Maildir: written whole under `tmp/`, then moved into
/// `new/` (the Maildir way: a reader never sees half a message).
fn to_maildir(dir: &Path, msg: &Outgoing) -> std::io::Result<()> {
    for sub in ["tmp", "new", "cur"] {
        super::fsio::mkdirs(&dir.join(sub)).map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    let name = format!("{}.lsms.{}", chrono::Utc::now().timestamp(), msg.message_id.replace(['/', ':'], "_"));
    let tmp = dir.join("tmp").join(&name);
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    f.write_all(&msg.bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join("new").join(&name))?;
    super::fsio::sync_dir(&dir.join("new"))
}
