//! The one integration test binary: each module drives the real `lsms`
//! binary against a temporary store.

mod harness;

mod bad_input;
mod board;
mod bounds;
mod cache;
mod casework;
mod check;
mod disclosure;
mod disposal;
mod evidence;
mod evidence_kept;
mod fields;
mod flags;
mod git;
mod help;
mod hostile;
mod import;
mod import_register;
mod import_values;
mod init;
mod input;
mod intake;
mod links;
mod list;
mod man;
mod notify;
mod person;
mod print;
mod readme;
mod refs;
mod report;
mod reporting;
mod roundtrip;
mod sealing;
mod show;
mod soak;
mod sync;
mod sync_recovers;
mod tables;
mod terminal;
mod void;
mod withdraw;
mod workflow;
mod yaml_corners;
