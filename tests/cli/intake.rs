//! `lsms intake`: reports by email. Real messages (fixtures in the forms
//! mail clients write, and messages built with Python's `email` package)
//! through a Maildir, an mbox and standard input; the answers sent through
//! a stand-in sendmail that keeps what it is given, parsed back.

use crate::harness::*;
use std::path::{Path, PathBuf};

/// A Maildir beside the store (new/, cur/, tmp/).
fn maildir(s: &Store) -> PathBuf {
    let md = s.tmp.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    md
}

fn deliver(md: &Path, name: &str, text: &[u8]) {
    std::fs::write(md.join("new").join(name), text).unwrap();
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().file_name().into_string().unwrap()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Every incident, as `show --format json` gives it, in id order.
fn incidents(s: &Store) -> Vec<serde_json::Value> {
    let out = s.run(&["list", "--all", "--format", "ids"]).ok();
    out.stdout
        .lines()
        .map(|id| serde_json::from_str(&s.run(&["show", id, "--format", "json"]).ok().stdout).unwrap())
        .collect()
}

fn evidence_names(inc: &serde_json::Value) -> Vec<String> {
    inc["evidence"]
        .as_array()
        .map(|a| a.iter().map(|e| e["name"].as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// A stand-in sendmail that keeps each message it is given in `sent/`,
/// and a store whose lsms.yaml sends through it.
fn sending_store(extra: &str) -> (Store, PathBuf) {
    let s = Store::new();
    let sent = s.tmp.path().join("sent");
    std::fs::create_dir_all(&sent).unwrap();
    let script = s.tmp.path().join("sendmail");
    std::fs::write(
        &script,
        format!("#!/bin/sh\n[ \"$1\" = -t ] || exit 64\ncat > \"{}/$(date +%s%N)-$$.eml\"\n", sent.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cfg = s.root.join("lsms.yaml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "intake:\n  from: 'Test Trust LSMS <lsms@test.nhs.uk>'\n  send: '{} -t -i'\n  contact: 'lsms@test.nhs.uk, 01234 567890'\n{extra}",
        script.display()
    ));
    std::fs::write(&cfg, text).unwrap();
    (s, sent)
}

/// What the stand-in sendmail was given, each parsed back with Python's
/// `email` package: To, Subject, In-Reply-To, References, Message-ID and
/// the text, as JSON.
fn sent_messages(sent: &Path) -> Vec<serde_json::Value> {
    names(sent)
        .iter()
        .map(|n| {
            let out = std::process::Command::new("python3")
                .arg("-c")
                .arg(
                    "import sys, json, email, email.policy\n\
                     m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                     print(json.dumps({k: str(m[k]) if m[k] is not None else None for k in ['To', 'From', 'Subject', 'In-Reply-To', 'References', 'Message-ID', 'Cc', 'Bcc']} | {'text': m.get_body(('plain',)).get_content()}))",
                )
                .arg(sent.join(n))
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

const ASSAULT: &str = "From: =?UTF-8?Q?Si=C3=A2n_Jones?= <sian.jones@nhs.net>\r\n\
To: lsms@test.nhs.uk\r\n\
Subject: =?UTF-8?Q?Re:_Fwd:_Punched_at_A&E_reception_=E2=80=93_night_shift?=\r\n\
Date: Wed, 25 Nov 2026 02:10:00 +0000\r\n\
Message-ID: <report-1@mail.nhs.net>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
A visitor punched me at 01:30 on 25/11/2026 at A&E reception.\r\n\
He was drunk. Photos attached.\r\n\
--b1\r\n\
Content-Type: image/jpeg\r\n\
Content-Disposition: attachment; filename=\"../../lsms.yaml\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
/9j/4AAQSkZJRgABAQ==\r\n\
--b1\r\n\
Content-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"empty.txt\"\r\n\
\r\n\
\r\n\
--b1--\r\n";

#[test]
fn a_maildir_message_becomes_a_triage_case_with_its_attachments_as_evidence() {
    let s =
        Store::with_config("intake:\n  rules: [{ category: physical-assault, words: [punched, hit me] }]\n");
    let md = maildir(&s);
    deliver(&md, "1764036600.M1P1.host", ASSAULT.as_bytes());
    let config_before = std::fs::read(s.root.join("lsms.yaml")).unwrap();
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok().says("new report (new/1764036600.M1P1.host)");
    let all = incidents(&s);
    assert_eq!(all.len(), 1);
    let inc = &all[0];
    assert_eq!(inc["category"], "physical-assault", "the keyword rule");
    assert_eq!(inc["summary"], "Punched at A&E reception – night shift", "Re:/Fwd: gone, RFC 2047 decoded");
    assert_eq!(inc["reported_at"], "2026-11-25T02:10:00+00:00", "the message's Date");
    assert_eq!(inc["occurred_at"], "2026-11-25T01:30:00+00:00", "the one time the sender wrote");
    assert_eq!(inc["reporter"]["name"], "Siân Jones");
    assert_eq!(inc["reporter"]["email"], "sian.jones@nhs.net");
    assert_eq!(
        inc["description"],
        "A visitor punched me at 01:30 on 25/11/2026 at A&E reception.\nHe was drunk. Photos attached."
    );
    let flags: Vec<&str> = inc["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(flags, ["triage"]);
    assert_eq!(inc["refs"]["email"], "report-1@mail.nhs.net");
    assert_eq!(evidence_names(inc), ["message.eml", "lsms.yaml", "empty.txt"], "names, never paths");
    let ev = inc["evidence"].as_array().unwrap();
    assert_eq!(ev[2]["size"], 0, "a zero-byte attachment is kept as it is");
    assert!(
        ev[1]["source"]
            .as_str()
            .unwrap()
            .contains("Siân Jones <sian.jones@nhs.net> by email (Message-ID <report-1@mail.nhs.net>")
    );
    // The message itself is evidence, byte for byte.
    let sha = ev[0]["sha256"].as_str().unwrap();
    assert_eq!(
        std::fs::read(s.root.join(format!("evidence/{}/{sha}", &sha[..2]))).unwrap(),
        ASSAULT.as_bytes()
    );
    assert_eq!(
        std::fs::read(s.root.join("lsms.yaml")).unwrap(),
        config_before,
        "../../lsms.yaml stayed a name"
    );
    assert_eq!(names(&md.join("new")), Vec::<String>::new());
    assert_eq!(names(&md.join("cur")), ["1764036600.M1P1.host:2,S"], "marked read once written");
    // Nothing personal in the id or the file name.
    let id = inc["id"].as_str().unwrap();
    assert!(!id.to_lowercase().contains("sian") && !s.path_of(id).to_string_lossy().contains("Jones"));
    s.run(&["check"]).ok();
    // Triage is due one working day after the report, until an LSMS
    // sets the category and summary.
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(due.lines().any(|l| l.contains("\ttriage\t") && l.starts_with("2026-11-26T02:10:00")), "{due}");
    s.run(&["update", id, "--summary", "Visitor punched a nurse at A&E reception"]).ok();
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(due.contains("\ttriage\t"), "the category not yet looked at: {due}");
    s.run(&["update", id, "--category", "non-physical-assault"]).ok();
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(!due.contains("\ttriage\t"), "{due}");
    // Or the LSMS takes the case as it came: the flag taken off.
    deliver(&md, "2", ASSAULT.replace("report-1@", "report-2@").as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    assert_eq!(s.run(&["due", "--format", "tsv"]).ok().stdout.matches("\ttriage\t").count(), 1);
    let second = s
        .run(&["due", "--format", "tsv"])
        .ok()
        .stdout
        .lines()
        .find(|l| l.contains("\ttriage\t"))
        .unwrap()
        .split('\t')
        .nth(3)
        .unwrap()
        .to_string();
    s.run(&["update", &second, "--unflag", "triage"]).ok();
    assert!(!s.run(&["due", "--format", "tsv"]).ok().stdout.contains("\ttriage\t"));
}

#[test]
fn a_run_killed_between_the_write_and_the_move_takes_nothing_twice() {
    let s = Store::new();
    let md = maildir(&s);
    deliver(&md, "a", ASSAULT.as_bytes());
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok();
    // As if killed after the incident was written, before the move: the
    // message is back in new/.
    std::fs::rename(md.join("cur/a:2,S"), md.join("new/a")).unwrap();
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok().says("1 taken before");
    assert_eq!(incidents(&s).len(), 1);
    assert_eq!(names(&md.join("cur")), ["a:2,S"]);
    // And again, with nothing new.
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok().says("0 new report(s)");
    assert_eq!(incidents(&s).len(), 1);
}

#[test]
fn the_sender_gets_the_reference_threaded_and_a_reply_becomes_a_note() {
    if !python3() {
        return;
    }
    let (s, sent) = sending_store("");
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let inc = &incidents(&s)[0];
    let id = inc["id"].as_str().unwrap().to_string();
    let got = sent_messages(&sent);
    assert_eq!(got.len(), 1);
    let ack = &got[0];
    assert_eq!(ack["To"], "Siân Jones <sian.jones@nhs.net>", "to the sender alone");
    assert_eq!(ack["From"], "Test Trust LSMS <lsms@test.nhs.uk>");
    assert_eq!(ack["Cc"], serde_json::Value::Null);
    assert_eq!(ack["In-Reply-To"], "<report-1@mail.nhs.net>");
    assert_eq!(ack["References"], "<report-1@mail.nhs.net>");
    assert!(ack["Subject"].as_str().unwrap().contains(&id), "{ack}");
    let text = ack["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("Your reference is {id}")) && text.contains("lsms@test.nhs.uk, 01234 567890"),
        "{text}"
    );
    assert!(
        !text.contains("drunk") && !text.contains("Siân"),
        "no one's words or names but the reference: {text}"
    );
    let history = inc["history"].as_array().unwrap();
    assert!(history.iter().any(|e| e["action"] == "acknowledged"));

    // A reply to the acknowledgement: a note, its photo evidence.
    let ack_id = ack["Message-ID"].as_str().unwrap();
    let reply = format!(
        "From: Sian Jones <sian.jones@nhs.net>\r\nSubject: Re: {}\r\nIn-Reply-To: {ack_id}\r\nMessage-ID: <reply-1@mail.nhs.net>\r\nDate: Wed, 25 Nov 2026 09:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nHe came back this morning.\r\n\r\nOn Wed, 25 Nov 2026, Test Trust LSMS wrote:\r\n> Your reference is {id}\r\n--z\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=door.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--z--\r\n",
        ack["Subject"].as_str().unwrap()
    );
    deliver(&md, "2", reply.as_bytes());
    // A reply that names the reference in its subject alone.
    let by_subject = format!(
        "From: Sian Jones <sian.jones@nhs.net>\r\nSubject: More about {}\r\nMessage-ID: <reply-2@mail.nhs.net>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\nI remembered his jacket was red.\r\n",
        id.to_lowercase()
    );
    deliver(&md, "3", by_subject.as_bytes());
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok().says("reply added as a note");
    let all = incidents(&s);
    assert_eq!(all.len(), 1, "replies are not new cases");
    let notes: Vec<&str> = all[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "note")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].ends_with(":\nHe came back this morning."),
        "the quoted acknowledgement left out: {:?}",
        notes[0]
    );
    assert!(notes[1].contains("jacket was red"));
    assert!(evidence_names(&all[0]).contains(&"door.png".to_string()));
    assert_eq!(sent_messages(&sent).len(), 1, "a reply is not answered");
    // Replies taken twice are noted once.
    for n in ["2", "3"] {
        let cur = names(&md.join("cur")).into_iter().find(|c| c.starts_with(n)).unwrap();
        std::fs::rename(md.join("cur").join(cur), md.join("new").join(n)).unwrap();
    }
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok().says("2 taken before");
    s.run(&["check"]).ok();
}

#[test]
fn an_answer_not_sent_is_tried_again_and_the_case_not_made_twice() {
    let (s, sent) = sending_store("");
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    // The sending command fails: the case is written, the message stays.
    let cfg = s.root.join("lsms.yaml");
    let good = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, good.replace("send: '", "send: '/bin/false ")).unwrap();
    let out = s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).fails(1);
    assert!(out.stderr.contains("new/1: taken, but the answer was not sent"), "{}", out.stderr);
    assert_eq!(names(&md.join("new")), ["1"]);
    std::fs::write(&cfg, good).unwrap();
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    assert_eq!(incidents(&s).len(), 1);
    assert_eq!(names(&sent).len(), 1);
    assert_eq!(names(&md.join("cur")), ["1:2,S"]);
}

#[test]
fn anonymous_reports_are_recorded_so_and_get_no_answer() {
    let (s, sent) = sending_store("  anonymous: [concerns@test.nhs.uk]\n");
    let md = maildir(&s);
    let relay = "From: Concerns relay <Concerns@test.nhs.uk>\r\nSubject: Drugs cupboard left open\r\nDate: Tue, 24 Nov 2026 20:00:00 +0000\r\nMessage-ID: <anon-1@relay>\r\n\r\nThe cupboard on ward 3 is often left open.\r\n";
    let nobody = "Subject: Door code written on the wall\r\nDate: Tue, 24 Nov 2026 21:00:00 +0000\r\n\r\nThe code is on the wall by the door.\r\n";
    deliver(&md, "1", relay.as_bytes());
    deliver(&md, "2", nobody.as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let all = incidents(&s);
    assert_eq!(all.len(), 2);
    for inc in &all {
        assert_eq!(inc["reporter"]["party"], "anonymous", "{inc}");
        assert_eq!(inc["reporter"].get("name"), None);
        assert_eq!(inc["reporter"].get("email"), None);
        assert!(!inc.to_string().contains("Concerns relay"));
    }
    assert!(names(&sent).is_empty(), "no answer to an anonymous report");
    s.run(&["check"]).ok();
}

/// Forms real clients write.
const OUTLOOK_FORWARD: &str = "From: \"Dunn, Kate\" <kate.dunn@nhs.net>\r\n\
To: LSMS <lsms@test.nhs.uk>\r\n\
Subject: FW: Aggressive visitor on Ward 4\r\n\
Date: Tue, 24 Nov 2026 16:45:12 +0000\r\n\
Message-ID: <DB9PR01MB1234@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>\r\n\
Content-Language: en-GB\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"_004_DB9PR01MB\"\r\n\
\r\n\
--_004_DB9PR01MB\r\n\
Content-Type: multipart/alternative; boundary=\"_000_DB9PR01MB\"\r\n\
\r\n\
--_000_DB9PR01MB\r\n\
Content-Type: text/plain; charset=\"us-ascii\"\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Please see below from one of my nurses.\r\n\
\r\n\
-----Original Message-----\r\n\
From: Smith, Ann <ann.smith@nhs.net>\r\n\
Sent: 24 November 2026 16:30\r\n\
Subject: Aggressive visitor on Ward 4\r\n\
\r\n\
A visitor shouted and threatened staff at 15:10 on 24/11/2026.\r\n\
--_000_DB9PR01MB\r\n\
Content-Type: text/html; charset=\"us-ascii\"\r\n\
\r\n\
<html><body><p>Please see below from one of my nurses.</p></body></html>\r\n\
--_000_DB9PR01MB--\r\n\
\r\n\
--_004_DB9PR01MB\r\n\
Content-Type: message/rfc822\r\n\
Content-Disposition: attachment\r\n\
\r\n\
From: Security Desk <security@nhs.net>\r\n\
Subject: Incident log extract\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Log: visitor escorted off site 15:40.\r\n\
\r\n\
--_004_DB9PR01MB--\r\n";

const IPHONE_REPLY: &str = "From: Jo Bloggs <jo.bloggs@icloud.com>\r\n\
Content-Type: multipart/alternative; boundary=Apple-Mail-1\r\n\
Mime-Version: 1.0 (1.0)\r\n\
Subject: Car park lights out again\r\n\
Date: Tue, 24 Nov 2026 19:02:33 +0000\r\n\
Message-Id: <A1B2C3D4-0000-1111-2222-333344445555@icloud.com>\r\n\
X-Mailer: iPhone Mail (21A360)\r\n\
\r\n\
--Apple-Mail-1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
The lights in car park B are out again, it=E2=80=99s pitch black.\r\n\
\r\n\
Sent from my iPhone\r\n\
--Apple-Mail-1\r\n\
Content-Type: multipart/related; type=\"text/html\"; boundary=Apple-Mail-2\r\n\
\r\n\
--Apple-Mail-2\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<html><body>The lights in car park B are out again<img src=\"cid:img1\"></body></html>\r\n\
--Apple-Mail-2\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Disposition: inline; filename=IMG_0042.jpeg\r\n\
Content-Type: image/jpeg; name=IMG_0042.jpeg\r\n\
Content-Id: <img1>\r\n\
\r\n\
/9j/4AAQSkZJRgABAQAAAQ==\r\n\
--Apple-Mail-2--\r\n\
\r\n\
--Apple-Mail-1--\r\n";

#[test]
fn messages_in_the_forms_clients_write_are_read_as_their_senders_meant() {
    let s = Store::new();
    let md = maildir(&s);
    deliver(&md, "1-outlook", OUTLOOK_FORWARD.as_bytes());
    deliver(&md, "2-iphone", IPHONE_REPLY.as_bytes());
    let mut cp1252 = b"From: Porter <porter@nhs.net>\r\nSubject: Theft from locker\r\nDate: Tue, 24 Nov 2026 08:00:00 +0000\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMy wallet was taken \x96 \x93about \xa340\x94.\r\n".to_vec();
    deliver(&md, "3-cp1252", &cp1252);
    deliver(
        &md,
        "4-encoded-subject",
        b"From: =?ISO-8859-1?Q?Ren=E9e?= <renee@nhs.net>\r\nSubject: =?ISO-8859-1?Q?Vol_d=27un_t=E9l=E9phone?= =?UTF-8?B?IOKAkyBZbW9zb2RpYWQ=?=\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\n\r\nText.\r\n",
    );
    deliver(
        &md,
        "5-html-only",
        b"From: a@nhs.net\r\nSubject: Window smashed\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>Window <b>smashed</b> in the car park.</p></body></html>\r\n",
    );
    deliver(
        &md,
        "6-no-text",
        b"From: b@nhs.net\r\nSubject: Photo of the damage\r\nDate: Tue, 24 Nov 2026 11:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=damage.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--q--\r\n",
    );
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok();
    let all = incidents(&s);
    let by = |summary: &str| {
        all.iter().find(|i| i["summary"] == summary).unwrap_or_else(|| panic!("{summary} in {all:?}"))
    };
    let outlook = by("Aggressive visitor on Ward 4");
    assert_eq!(outlook["reporter"]["name"], "Dunn, Kate");
    let d = outlook["description"].as_str().unwrap();
    assert!(d.contains("-----Original Message-----") && d.contains("threatened staff"), "{d}");
    assert!(d.contains("Log: visitor escorted off site 15:40."), "the forwarded message's text: {d}");
    assert!(
        outlook["flags"].to_string().contains("occurred-unknown"),
        "a time in the forwarded part is not the sender's own: not guessed"
    );
    assert!(evidence_names(outlook).iter().any(|n| n.ends_with(".eml") && n != "message.eml"), "{outlook}");
    let iphone = by("Car park lights out again");
    assert_eq!(
        iphone["description"],
        "The lights in car park B are out again, it’s pitch black.\n\nSent from my iPhone"
    );
    assert!(evidence_names(iphone).contains(&"IMG_0042.jpeg".to_string()), "the inline image: {iphone}");
    let flags = iphone["flags"].to_string();
    assert!(flags.contains("occurred-unknown"), "no time written: not known ({flags})");
    assert_eq!(by("Theft from locker")["description"], "My wallet was taken – “about £40”.");
    let encoded = by("Vol d'un téléphone – Ymosodiad");
    assert_eq!(encoded["reporter"]["name"], "Renée");
    assert_eq!(by("Window smashed")["description"], "Window smashed in the car park.");
    let photo = by("Photo of the damage");
    assert_eq!(photo.get("description"), None);
    assert_eq!(evidence_names(photo), ["message.eml", "damage.png"]);
    cp1252.clear();
    s.run(&["check"]).ok();
}

#[test]
fn messages_built_with_python_are_taken_in_with_every_attachment() {
    if !python3() {
        return;
    }
    let s = Store::with_config("intake:\n  staff_domains: [nhs.net]\n");
    let md = maildir(&s);
    let script = r#"
import sys, email.message, email.utils, os
md = sys.argv[1]
for n in range(3):
    m = email.message.EmailMessage()
    m['From'] = email.utils.formataddr(('Ffion Hughes %d' % n, 'ffion%d@nhs.net' % n))
    m['To'] = 'lsms@test.nhs.uk'
    m['Subject'] = 'Ymosodiad geiriol – ward %d' % n
    m['Date'] = 'Tue, 24 Nov 2026 1%d:00:00 +0000' % n
    m['Message-ID'] = '<py-%d@example.nhs.net>' % n
    m.set_content('Roedd y claf yn gweiddi.\nLine two – café.\n')
    m.add_alternative('<p>Roedd y claf yn <b>gweiddi</b>.</p>', subtype='html')
    m.add_attachment(bytes(range(256)) * (n + 1), maintype='application', subtype='octet-stream', filename='log %d.bin' % n)
    m.add_attachment('Tystiolaeth ✓'.encode(), maintype='text', subtype='plain', filename='nodyn-ø.txt')
    open(os.path.join(md, 'new', 'py%d' % n), 'wb').write(bytes(m))
"#;
    let ok = std::process::Command::new("python3").arg("-c").arg(script).arg(&md).status().unwrap();
    assert!(ok.success());
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).ok();
    let all = incidents(&s);
    assert_eq!(all.len(), 3);
    for inc in &all {
        let n: usize = inc["summary"].as_str().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
        assert_eq!(inc["summary"], format!("Ymosodiad geiriol – ward {n}"));
        assert_eq!(inc["reporter"]["party"], "staff", "an nhs.net sender (staff_domains)");
        assert_eq!(
            inc["description"], "Roedd y claf yn gweiddi.\nLine two – café.",
            "the plain part of the alternative"
        );
        assert_eq!(evidence_names(inc), ["message.eml", &format!("log {n}.bin"), "nodyn-ø.txt"]);
        assert_eq!(inc["evidence"][1]["size"], 256 * (n + 1));
    }
    s.run(&["check"]).ok();
}

#[test]
fn bad_messages_end_as_a_case_or_in_failed_with_the_reason_never_a_panic() {
    let s = Store::with_config("intake:\n  max_attachment_mb: 1\n");
    let md = maildir(&s);
    deliver(
        &md,
        "1-no-sender",
        b"Subject: Someone tried the door\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nAt night.\r\n",
    );
    deliver(
        &md,
        "2-malformed",
        b"From: m@nhs.net\r\nSubject: Broken\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\n--never\r\nContent-Type: text/plain\r\n\r\nUnclosed part, no end boundary\r\n--nev",
    );
    let mut many = String::from(
        "From: x@nhs.net\r\nSubject: Many parts\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n",
    );
    for i in 0..10_000 {
        many.push_str(&format!("--p\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f{i}\r\n\r\nx\r\n"));
    }
    many.push_str("--p--\r\n");
    deliver(&md, "3-ten-thousand-parts", many.as_bytes());
    deliver(&md, "4-unknown-charset", b"From: =?x-no-such-charset?Q?Mr_X?= <x@nhs.net>\r\nSubject: =?x-no-such-charset?Q?Hello?=\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nBody.\r\n");
    let big = format!(
        "From: y@nhs.net\r\nSubject: Big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\n\r\n{}\r\n--b--\r\n",
        "z".repeat(1_500_000)
    );
    deliver(&md, "5-too-big", big.as_bytes());
    deliver(&md, "6-empty", b"");
    deliver(&md, "7-binary", &[0xff, 0xfe, 0x00, 0x01, 0x80, 0x81]);
    let out = s.run(&["intake", "--maildir", md.to_str().unwrap()]).fails(1);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    for (name, why) in [
        ("3-ten-thousand-parts", "10000 attachments"),
        ("5-too-big", "big.bin is 1.5 MiB, over the 1 MiB limit"),
        ("6-empty", "not an email message"),
    ] {
        assert!(out.stderr.contains(&format!("failed/{name}: ")), "{name} named: {}", out.stderr);
        let reason = std::fs::read_to_string(md.join("failed").join(format!("{name}.reason"))).unwrap();
        assert!(reason.contains(why), "{name}: {reason}");
        assert!(md.join("failed").join(name).exists(), "{name} kept, never deleted");
    }
    // Every message is in cur/ (a case) or failed/, none lost or left.
    assert_eq!(names(&md.join("new")), Vec::<String>::new());
    let cur = names(&md.join("cur"));
    let failed = names(&md.join("failed"));
    for n in [
        "1-no-sender",
        "2-malformed",
        "3-ten-thousand-parts",
        "4-unknown-charset",
        "5-too-big",
        "6-empty",
        "7-binary",
    ] {
        assert!(
            cur.contains(&format!("{n}:2,S")) || failed.contains(&n.to_string()),
            "{n}: {cur:?} {failed:?}"
        );
    }
    let all = incidents(&s);
    let no_sender = all.iter().find(|i| i["summary"] == "Someone tried the door").unwrap();
    assert_eq!(no_sender["reporter"]["party"], "anonymous");
    assert!(
        all.iter().any(|i| i["summary"].as_str().unwrap().contains("Hello")),
        "an unknown charset read as it comes"
    );
    s.run(&["check"]).ok();
}

#[test]
fn an_mbox_is_taken_once_and_standard_input_takes_one_message() {
    let s = Store::new();
    let mbox = s.tmp.path().join("reports.mbox");
    let one = "From sian@nhs.net Wed Nov 25 02:10:00 2026\nFrom: sian@nhs.net\nSubject: First\nMessage-ID: <m1@x>\nDate: Wed, 25 Nov 2026 02:10:00 +0000\n\nOne.\n\n";
    let two = "From jo@nhs.net Wed Nov 25 03:10:00 2026\nFrom: jo@nhs.net\nSubject: Second\nDate: Wed, 25 Nov 2026 03:10:00 +0000\n\nTwo.\n\n";
    std::fs::write(&mbox, format!("{one}{two}")).unwrap();
    s.run(&["intake", "--mbox", mbox.to_str().unwrap()]).ok().says("2 new report(s)");
    s.run(&["intake", "--mbox", mbox.to_str().unwrap()])
        .ok()
        .says("0 new report(s), 0 reply note(s), 2 taken before");
    // A message delivered later is added at the end.
    let three = "From a@nhs.net Wed Nov 25 04:10:00 2026\nFrom: a@nhs.net\nSubject: Third\nDate: Wed, 25 Nov 2026 04:10:00 +0000\n\nThree.\n\n";
    std::fs::write(&mbox, format!("{one}{two}{three}")).unwrap();
    s.run(&["intake", "--mbox", mbox.to_str().unwrap()]).ok().says("1 new report(s)");
    assert_eq!(incidents(&s).len(), 3);
    // One message on standard input, as a mail filter pipes it.
    let mut c = s.cmd(&["intake", "-"]);
    c.write_stdin("From: b@nhs.net\r\nSubject: Piped\r\nMessage-ID: <p1@x>\r\n\r\nVia procmail.\r\n");
    run(c).ok();
    let mut c = s.cmd(&["intake", "--stdin"]);
    c.write_stdin("From: b@nhs.net\r\nSubject: Piped\r\nMessage-ID: <p1@x>\r\n\r\nVia procmail.\r\n");
    run(c).ok().says("1 taken before");
    let mut c = s.cmd(&["-q", "intake", "-"]);
    c.write_stdin("");
    let out = run(c).fails(1);
    assert!(out.stderr.contains("kept as .lsms/intake/failed/"), "{}", out.stderr);
    assert_eq!(incidents(&s).len(), 4);
    s.run(&["check"]).ok();
}

#[test]
fn from_cron_it_is_silent_when_all_went_well() {
    let s = Store::new();
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    let out = s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    let out = s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    // No source: a usage error.
    s.run(&["intake"]).fails(2);
    // Not a Maildir: said, nothing written.
    let before = s.snapshot();
    s.run(&["intake", "--maildir", s.tmp.path().join("nowhere").to_str().unwrap()])
        .fails(1)
        .says("not a Maildir");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn the_reporter_is_told_the_outcome_in_plain_words_and_due_says_when_they_are_not() {
    if !python3() {
        return;
    }
    let (s, sent) = sending_store("  tell_within_working_days: 2\n");
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let id = incidents(&s)[0]["id"].as_str().unwrap().to_string();
    s.run(&["update", &id, "--medical-factors", "no"]).ok();
    s.run(&[
        "sanction",
        &id,
        "--class",
        "criminal",
        "--kind",
        "caution",
        "--note",
        "Mr Offender cautioned by PC 123",
    ])
    .ok();
    // Closed without telling: due lists it two working days on.
    s.run(&["close", &id, "--outcome", "sanction-applied", "--note", "Cautioned"]).ok();
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(
        due.lines().any(|l| l.contains("\treporter-told\t")
            && l.starts_with("2026-11-27T12:00:00")
            && l.contains(&format!("lsms close {id} --tell-reporter"))),
        "{due}"
    );
    // Told on a case closed already (--on dates a closing, not a telling).
    s.run(&["close", &id, "--tell-reporter", "--on", "2026-11-26"]).fails(2).says("--on dates the closing");
    s.run(&["close", &id, "--tell-reporter"]).ok().says("the reporter was told the outcome");
    let got = sent_messages(&sent);
    assert_eq!(got.len(), 2, "the acknowledgement, then the outcome");
    let told = got.iter().find(|m| m["Subject"].as_str().unwrap().contains("outcome")).unwrap();
    assert_eq!(told["To"], "Siân Jones <sian.jones@nhs.net>");
    assert_eq!(told["In-Reply-To"], "<report-1@mail.nhs.net>", "threaded on the report");
    let text = told["text"].as_str().unwrap();
    assert!(text.contains("action has been taken") && text.contains(&id), "{text}");
    for secret in ["caution", "Offender", "PC 123", "Cautioned"] {
        assert!(!text.contains(secret), "no sanction detail ({secret}): {text}");
    }
    let history = s.run(&["show", &id, "--format", "json"]).ok().stdout;
    assert!(
        history.contains("\"action\":\"reporter-told\"") || history.contains("\"action\": \"reporter-told\""),
        "{history}"
    );
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(!due.contains("\treporter-told\t"), "{due}");
    s.run(&["check"]).ok();
}

#[test]
fn a_setting_tells_every_reporter_at_the_closing_and_an_anonymous_one_is_never_written_to() {
    let (s, sent) = sending_store("  tell_reporter: true\n  anonymous: [relay@test.nhs.uk]\n");
    let md = maildir(&s);
    deliver(&md, "1", b"From: Jo <jo@nhs.net>\r\nSubject: Bike stolen\r\nDate: Tue, 24 Nov 2026 08:00:00 +0000\r\nMessage-ID: <bike@x>\r\n\r\nFrom the rack.\r\n");
    deliver(&md, "2", b"From: relay@test.nhs.uk\r\nSubject: Tailgating at the main door\r\nDate: Tue, 24 Nov 2026 08:00:00 +0000\r\n\r\nOften.\r\n");
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    assert_eq!(names(&sent).len(), 1, "the named reporter acknowledged, the anonymous one not");
    let all = incidents(&s);
    for inc in &all {
        let id = inc["id"].as_str().unwrap();
        s.run(&["close", id, "--outcome", "no-further-action", "--note", "Looked into"]).ok();
    }
    assert_eq!(names(&sent).len(), 2, "the outcome to the named reporter alone");
    let anon = all.iter().find(|i| i["reporter"]["party"] == "anonymous").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.run(&["close", &anon, "--tell-reporter"]).fails(1).says("cannot be told by email");
    assert_eq!(names(&sent).len(), 2);
    // Without a way to send, --tell-reporter changes nothing.
    let plain = Store::new();
    let id = plain.report(&[
        "--category",
        "theft",
        "--summary",
        "x",
        "--reporter-email",
        "a@nhs.net",
        "--occurred",
        "2026-10-01 09:00",
        "--reported",
        "2026-10-01 09:00",
    ]);
    let before = plain.snapshot();
    plain
        .run(&["close", &id, "--outcome", "no-further-action", "--note", "n", "--tell-reporter"])
        .fails(1)
        .says("no way to send");
    assert_eq!(plain.snapshot(), before);
    // Nor does due ask for a telling it has no way to make, closed long ago.
    plain.run(&["close", &id, "--outcome", "no-further-action", "--note", "n", "--on", "2026-11-02"]).ok();
    let due = plain.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(!due.contains("reporter-told"), "{due}");
}

#[test]
fn two_runs_at_once_take_each_message_once() {
    let s = Store::new();
    let md = maildir(&s);
    for i in 0..30 {
        deliver(&md, &format!("{i:02}"), ASSAULT.replace("report-1@", &format!("report-{i}@")).as_bytes());
    }
    let spawn = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lsms"));
        c.arg("-C").arg(&s.root).args(["--as", "tester", "-q", "intake", "--maildir"]).arg(&md);
        c.env("LSMS_NOW", NOW).env_remove("LSMS_STORE").spawn().unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    assert_eq!(incidents(&s).len(), 30, "each message once");
    assert_eq!(names(&md.join("cur")).len(), 30);
}

#[test]
fn an_outbox_maildir_gets_the_answer_whole() {
    let s = Store::with_config("intake:\n  from: lsms@test.nhs.uk\n  outbox: ../outbox\n");
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let outbox = s.tmp.path().join("outbox");
    let sent = names(&outbox.join("new"));
    assert_eq!(sent.len(), 1, "left in the outbox's new/");
    assert!(names(&outbox.join("tmp")).is_empty(), "nothing half-written");
    let text = std::fs::read_to_string(outbox.join("new").join(&sent[0])).unwrap();
    let id = incidents(&s)[0]["id"].as_str().unwrap().to_string();
    assert!(text.contains("In-Reply-To: <report-1@mail.nhs.net>") && text.contains(&id), "{text}");
    assert!(
        !sent[0].contains(&id.to_lowercase()) || !sent[0].contains("sian"),
        "no personal data in its name"
    );
    // An outbox inside the store is refused before anything is taken.
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("../outbox", "outbox");
    std::fs::write(&cfg, text).unwrap();
    deliver(&md, "2", ASSAULT.replace("report-1@", "report-2@").as_bytes());
    s.run(&["intake", "--maildir", md.to_str().unwrap()]).fails(1).says("inside the store");
    assert_eq!(names(&md.join("new")), ["2"]);
}

#[test]
fn bad_intake_settings_are_named_where_they_are() {
    let s = Store::new();
    let cfg = s.root.join("lsms.yaml");
    let base = std::fs::read_to_string(&cfg).unwrap();
    for (extra, says) in [
        ("intake:\n  rules: [{ category: theif, words: [stolen] }]\n", "did you mean 'theft'"),
        ("intake:\n  acknowledgement: { body: 'Ref {referance}' }\n", "unknown place `{referance}`"),
        ("intake:\n  send: sendmail -t\n", "no `from:`"),
        ("intake:\n  from: a@b\n  send: x\n  outbox: y\n", "send or outbox, not both"),
        ("intake:\n  sendmail: x\n", "unknown field `sendmail`"),
    ] {
        std::fs::write(&cfg, format!("{base}{extra}")).unwrap();
        s.run(&["list"]).fails(1).says(says);
    }
}

#[test]
fn each_case_is_committed_with_its_id_and_nothing_personal() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("store");
    let mut c = lsms();
    c.arg("init").arg(&root).args(["--trust", "T", "--git"]);
    run(c).ok();
    let s = Store { root: root.clone(), tmp };
    let cfg = root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap() + "git: { commit: true }\n";
    std::fs::write(&cfg, text).unwrap();
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@x"])
            .args(args)
            .current_dir(&root)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    git(&["commit", "-qam", "settings"]);
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let id = incidents(&s)[0]["id"].as_str().unwrap().to_string();
    let log = git(&["log", "--format=%s"]);
    assert_eq!(log.lines().next(), Some(format!("{id}: reported").as_str()), "{log}");
    let everything = git(&["log", "--format=%s%n%b", "--name-only"]);
    for personal in ["Siân", "Jones", "sian", "Punched", "A&E"] {
        assert!(!everything.contains(personal), "{personal} in git's log:\n{everything}");
    }
    assert_eq!(git(&["status", "--porcelain"]), "", "the case and its evidence committed");
}

#[test]
fn show_gives_the_reporters_address_and_export_keeps_it_personal() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "x",
        "--reporter",
        "Jo",
        "--reporter-email",
        "jo@nhs.net",
    ]);
    s.run(&["show", &id]).ok().prints("Jo (unknown) <jo@nhs.net>");
    let plain = s.run(&["export", "--format", "csv"]).ok().stdout;
    assert!(!plain.contains("jo@nhs.net") && !plain.contains("reporter_email"), "{plain}");
    let personal = s.run(&["export", "--format", "csv", "--include-personal"]).ok().stdout;
    assert!(personal.contains("jo@nhs.net"), "{personal}");
    let before = s.snapshot();
    for bad in ["a\nb@x", "jo", "Jo <jo@nhs.net>", "a@x, b@y"] {
        s.run(&["report", "--category", "theft", "--summary", "y", "--reporter-email", bad])
            .fails(1)
            .says("not an email address");
    }
    assert_eq!(s.snapshot(), before);
}

#[test]
fn a_triage_not_done_in_a_working_day_is_overdue_in_list_and_due() {
    let s = Store::new();
    let md = maildir(&s);
    // Sent on Friday evening: due Monday evening, overdue by Wednesday.
    deliver(&md, "1", b"From: a@nhs.net\r\nSubject: Window forced\r\nDate: Fri, 20 Nov 2026 18:00:00 +0000\r\n\r\nWard 2.\r\n");
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()]).ok();
    let due = s.run(&["due", "--format", "tsv"]).ok().stdout;
    assert!(due.lines().any(|l| l.starts_with("2026-11-23T18:00:00+00:00\toverdue\ttriage\t")), "{due}");
    let list = s.run(&["list", "--columns", "summary,overdue", "--format", "csv"]).ok().stdout;
    assert!(list.contains("Window forced,overdue"), "{list}");
}

#[test]
fn a_store_with_a_file_it_cannot_read_takes_nothing_in_and_says_why() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "x"]);
    std::fs::write(s.path_of(&id), "schema: 1\nid: [broken\n").unwrap();
    let md = maildir(&s);
    deliver(&md, "1", ASSAULT.as_bytes());
    let before = s.snapshot();
    s.run(&["-q", "intake", "--maildir", md.to_str().unwrap()])
        .fails(1)
        .says("cannot tell which messages were taken before");
    assert_eq!(s.snapshot(), before, "nothing written");
    assert_eq!(names(&md.join("new")), ["1"], "the message left where it was");
}

#[test]
fn text_that_is_not_an_email_is_kept_as_failed_not_made_a_case() {
    let s = Store::new();
    for junk in
        ["garbage", "%PDF-1.7\n%\u{e2}\u{e3}\n1 0 obj\n", "Hello: there\n\nNo sender, date, subject or id.\n"]
    {
        let mut c = s.cmd(&["intake", "-"]);
        c.write_stdin(junk);
        run(c).fails(1).says("not an email message");
    }
    assert!(s.run(&["list", "--all", "--format", "ids"]).ok().stdout.is_empty(), "no case made of junk");
}

#[test]
fn an_answer_not_sent_from_standard_input_is_kept_and_sent_when_the_copy_is_taken() {
    let (s, sent) = sending_store("");
    let cfg = s.root.join("lsms.yaml");
    let good = std::fs::read_to_string(&cfg).unwrap();
    let script = s.tmp.path().join("sendmail");
    let broken = good.replace(&format!("send: '{} -t -i'", script.display()), "send: '/bin/false'");
    assert_ne!(broken, good);
    std::fs::write(&cfg, &broken).unwrap();
    let mut c = s.cmd(&["intake", "-"]);
    c.write_stdin(ASSAULT);
    let out = run(c).fails(1).says("the answer was not sent").says("kept as .lsms/intake/failed/");
    assert_eq!(incidents(&s).len(), 1, "the case is written: {}", out.stderr);
    let copies: Vec<String> =
        names(&s.root.join(".lsms/intake/failed")).into_iter().filter(|n| n.ends_with(".eml")).collect();
    assert_eq!(copies.len(), 1);
    // Sending put right: the copy taken in sends the answer, and no second case.
    std::fs::write(&cfg, &good).unwrap();
    let mut c = s.cmd(&["intake", "-"]);
    c.write_stdin(std::fs::read(s.root.join(".lsms/intake/failed").join(&copies[0])).unwrap());
    run(c).ok();
    assert_eq!(incidents(&s).len(), 1);
    assert_eq!(names(&sent).len(), 1, "the acknowledgement, once");
}

#[test]
fn telling_every_reporter_without_a_way_to_send_is_refused_when_lsms_yaml_is_read() {
    let s = Store::new();
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, format!("{text}intake:\n  tell_reporter: true\n")).unwrap();
    s.run(&["list"]).fails(1).says("tell_reporter: true needs a way to send");
}
