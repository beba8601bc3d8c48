//! The soak test: four clones of one register, each making random changes
//! with `lsms sync` between them in an interleaved order, with real git and
//! a bare shared repository. At the size CI affords; bench/soak.py runs the
//! same at full size (50 changes per clone).

use crate::git::git;
use crate::harness::*;
use crate::sync::Team;
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};

const CLONES: usize = 4;
const CHANGES_PER_CLONE: usize = 8;
const SEED: u64 = 13;

/// A small fixed-seed generator (xorshift), so every run makes the same
/// choices of clone, command and incident (the ids themselves are random).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Soak {
    clones: Vec<Store>,
    rng: Rng,
    minute: u32,
    /// Every history line any clone wrote, with its incident.
    made: BTreeSet<(String, String)>,
    conflicts: usize,
    conflicted_fields: BTreeMap<String, usize>,
    refused: usize,
}

fn history_lines(text: &str) -> Vec<String> {
    text.lines().skip_while(|l| *l != "history:").skip(1).map(str::to_string).collect()
}

impl Soak {
    fn who(i: usize) -> String {
        format!("lsms{i}")
    }

    /// Runs lsms in clone `i` as its LSMS, one minute after the last run,
    /// so that every history entry is distinct.
    fn lsms(&mut self, i: usize, args: &[&str]) -> Out {
        self.minute += 1;
        let now = format!("2026-11-25T{:02}:{:02}:00Z", 12 + self.minute / 60, self.minute % 60);
        let mut c = lsms();
        c.env("LSMS_NOW", now).arg("-C").arg(&self.clones[i].root).args(["--as", &Self::who(i)]).args(args);
        run(c)
    }

    fn ids(&self, i: usize) -> Vec<String> {
        let out = run({
            let mut c = lsms();
            c.arg("-C").arg(&self.clones[i].root).args(["list", "--all", "--format", "ids"]);
            c
        })
        .ok();
        out.stdout.lines().map(str::to_string).collect()
    }

    /// Records the history lines that a command added to `id` in clone `i`.
    fn note_new_entries(&mut self, i: usize, id: &str, before: &[String]) {
        for line in history_lines(&self.clones[i].read(id)) {
            if !before.contains(&line) {
                assert!(self.made.insert((id.to_string(), line.clone())), "an entry was made twice: {line}");
            }
        }
    }

    /// One random change in clone `i`.
    fn change(&mut self, i: usize) {
        let ids = self.ids(i);
        let k = self.minute;
        if ids.is_empty() || self.rng.below(8) == 0 {
            let out =
                self.lsms(i, &["report", "--category", "theft", "--summary", &format!("Taken {k}")]).ok();
            let id = out.stdout.trim().to_string();
            self.note_new_entries(i, &id, &[]);
            return;
        }
        // Mostly the oldest few incidents, so that clones meet on them.
        let pool = ids.len().min(3);
        let id = if self.rng.below(4) == 0 {
            ids[self.rng.below(ids.len())].clone()
        } else {
            ids[self.rng.below(pool)].clone()
        };
        let before = history_lines(&self.clones[i].read(&id));
        let to = Self::who(self.rng.below(CLONES));
        let text = format!("by {} at {k}", Self::who(i));
        // A closed case takes notes or a reopening; an open one anything but.
        let closed = self.clones[i].read(&id).contains("\nstatus: closed\n");
        let op = if closed { [0, 7][self.rng.below(2)] } else { self.rng.below(7) };
        let args: Vec<String> = match op {
            0 => vec!["note".into(), id.clone(), format!("Note {text}")],
            1 => vec!["assign".into(), id.clone(), "--to".into(), to],
            2 => vec!["update".into(), id.clone(), "--summary".into(), format!("Summary {text}")],
            3 => {
                vec!["update".into(), id.clone(), "--location".into(), format!("Ward {}", self.rng.below(5))]
            }
            4 => vec![
                "sanction".into(),
                id.clone(),
                "--class".into(),
                "civil".into(),
                "--kind".into(),
                "warning-letter".into(),
                "--note".into(),
                text,
            ],
            5 => vec![
                "loss".into(),
                id.clone(),
                "--estimated".into(),
                format!("{}.50", self.rng.below(90) + 10),
            ],
            6 => vec![
                "close".into(),
                id.clone(),
                "--outcome".into(),
                "no-further-action".into(),
                "--note".into(),
                text,
            ],
            _ => vec!["reopen".into(), id.clone(), "--reason".into(), text],
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.lsms(i, &args);
        match out.code {
            0 => self.note_new_entries(i, &id, &before),
            1 => {
                // A guard's refusal (closing what is closed, reopening what is
                // open): nothing written.
                assert_eq!(history_lines(&self.clones[i].read(&id)), before, "{}", out.stderr);
                self.refused += 1;
            }
            _ => panic!("lsms {args:?} exited {}: {}", out.code, out.stderr),
        }
    }

    /// `lsms sync` in clone `i`, resolving any conflict it stops at.
    fn sync(&mut self, i: usize) {
        for _ in 0..10 {
            let out = self.lsms(i, &["sync", "-q"]);
            if out.code == 0 {
                assert_eq!(out.stderr, "", "-q: silent when all went well");
                return;
            }
            assert_eq!(out.code, 1, "{}", out.stderr);
            if !out.stderr.contains("sync stopped at a conflict")
                && !out.stderr.contains("still has conflicts")
            {
                panic!("sync failed: {}", out.stderr);
            }
            let stopped: Vec<(String, Vec<String>)> = out
                .stderr
                .lines()
                .filter_map(|l| {
                    let l = l.trim_start_matches([' ', '|']);
                    let (id, fields) = l.split_once(": both changed ")?;
                    Some((id.to_string(), fields.split(", ").map(str::to_string).collect()))
                })
                .collect();
            assert!(!stopped.is_empty(), "a conflict names its incidents: {}", out.stderr);
            for (id, fields) in stopped {
                self.check_genuine(i, &id, &fields);
                self.conflicts += 1;
                for f in &fields {
                    *self.conflicted_fields.entry(f.clone()).or_default() += 1;
                }
                self.resolve(i, &id);
            }
            let out = self.lsms(i, &["sync", "--continue", "-q"]);
            if out.code == 0 {
                return;
            }
            assert!(out.stderr.contains("conflict"), "{}", out.stderr);
        }
        panic!("sync in clone {i} did not settle");
    }

    /// A conflict only where both sides changed the same field, differently.
    fn check_genuine(&self, i: usize, id: &str, fields: &[String]) {
        let root = &self.clones[i].root;
        let rel = format!("incidents/{}/{}/{id}.yaml", &id[..4], &id[4..6]);
        let stage = |n: u8| -> Value {
            let text = git(root, &["show", &format!(":{n}:{rel}")]);
            serde_yaml::from_str(&text).unwrap()
        };
        let (base, ours, theirs) = (stage(1), stage(2), stage(3));
        for f in fields {
            let (b, o, t) = (base.get(f.as_str()), ours.get(f.as_str()), theirs.get(f.as_str()));
            assert!(o != b && t != b && o != t, "{id}: {f} is not changed differently on both sides");
        }
    }

    fn resolve(&mut self, i: usize, id: &str) {
        let mut first = ["ours", "theirs"];
        if self.rng.below(2) == 1 {
            first.reverse();
        }
        // The conflicted file may not be in lsms's layout; what is already
        // known is every entry made so far.
        let before: Vec<String> =
            self.made.iter().filter(|(j, _)| j == id).map(|(_, line)| line.clone()).collect();
        for side in first {
            let out = self.lsms(i, &["resolve", id, "--take", side]);
            if out.code == 0 {
                self.note_new_entries(i, id, &before);
                return;
            }
            assert!(out.stderr.contains("not valid"), "{}", out.stderr);
        }
        panic!("neither side resolves {id}");
    }
}

#[test]
fn four_clones_making_random_changes_end_with_the_same_register_and_every_entry_once() {
    let team = Team::new("");
    let clones: Vec<Store> = (0..CLONES).map(|i| team.clone(&format!("c{i}"))).collect();
    let mut s = Soak {
        clones,
        rng: Rng(SEED.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        minute: 0,
        made: BTreeSet::new(),
        conflicts: 0,
        conflicted_fields: BTreeMap::new(),
        refused: 0,
    };
    // bench/soak.py is the full-size run; this variable only lets a person
    // try other sizes of this one.
    let per_clone =
        std::env::var("LSMS_SOAK_CHANGES").ok().and_then(|v| v.parse().ok()).unwrap_or(CHANGES_PER_CLONE);
    let mut left = [per_clone; CLONES];
    while left.iter().any(|&n| n > 0) {
        let i = s.rng.below(CLONES);
        if left[i] == 0 {
            continue;
        }
        s.change(i);
        left[i] -= 1;
        if s.rng.below(2) == 0 {
            s.sync(i);
        }
    }
    for _ in 0..2 {
        for i in 0..CLONES {
            s.sync(i);
        }
    }
    let first = s.clones[0].snapshot_without_git();
    for (i, c) in s.clones.iter().enumerate() {
        assert!(c.snapshot_without_git() == first, "clone {i} holds the same files as clone 0");
        run(c.cmd(&["check"])).ok();
        assert_eq!(git(&c.root, &["status", "--porcelain"]), "", "clone {i} has nothing uncommitted");
        git(&c.root, &["fsck", "--strict", "--no-dangling"]);
    }
    let mut found = BTreeSet::new();
    for (p, bytes) in &first {
        let Some(id) = p.file_stem().and_then(|s| s.to_str()).filter(|_| p.starts_with("incidents")) else {
            continue;
        };
        for line in history_lines(&String::from_utf8_lossy(bytes)) {
            assert!(found.insert((id.to_string(), line.clone())), "{id}: an entry is there twice: {line}");
        }
    }
    let lost: Vec<_> = s.made.difference(&found).collect();
    let extra: Vec<_> = found.difference(&s.made).collect();
    assert!(lost.is_empty(), "entries lost: {lost:#?}");
    assert!(extra.is_empty(), "entries nobody made: {extra:#?}");
    eprintln!(
        "soak: {} clones x {per_clone} changes: {} history entries, {} refused by a guard, {} conflict(s) resolved {:?}",
        CLONES,
        s.made.len(),
        s.refused,
        s.conflicts,
        s.conflicted_fields
    );
}
