//! The store on disk: finding it, reading incidents (all, or one by id) and
//! writing them safely. Everything here is I/O; the rules live in `model`.

pub mod cache;
pub mod config;
pub mod fsio;
pub mod git;
mod locate;
mod scan;
pub use locate::field_offset as locate_key;

use crate::error::{Error, Result};
use crate::model::{Id, IdQuery, Incident, Problem};
use config::Config;
use serde_yaml::Value;
use std::path::{Path, PathBuf};

pub use fsio::{Lock, Mode};

pub const CONFIG_FILE: &str = "lsms.yaml";

pub struct Store {
    pub root: PathBuf,
    pub config: Config,
    vocab: crate::model::Vocab,
    /// Read through the cache in `.lsms/cache/` (off with `--no-cache`).
    pub use_cache: bool,
    cache_key: u64,
}

/// One incident as read from its file, with the text it was read from.
pub struct Loaded {
    pub text: String,
    pub incident: Incident,
}

impl Store {
    /// Finds the store: `dir` if given (from `-C` or `$LSMS_STORE`), else the
    /// nearest ancestor of `cwd` holding `lsms.yaml`.
    pub fn discover(dir: Option<&Path>, cwd: &Path) -> Result<Store> {
        let root = match dir {
            Some(d) => {
                if d.is_file() {
                    return Err(Error::failed_with(
                        format!("{} is a file, not a store folder", d.display()),
                        "give the folder that holds lsms.yaml with -C/--store or $LSMS_STORE",
                    ));
                }
                if !d.join(CONFIG_FILE).is_file() {
                    return Err(Error::failed_with(
                        format!("{} is not an lsms store: it has no {CONFIG_FILE}", d.display()),
                        format!(
                            "make one with `lsms init {}`, or point -C/--store at an existing store",
                            d.display()
                        ),
                    ));
                }
                d.to_path_buf()
            }
            None => {
                cwd.ancestors().find(|a| a.join(CONFIG_FILE).is_file()).map(Path::to_path_buf).ok_or_else(
                    || {
                        Error::failed_with(
                            format!(
                                "no lsms store here: neither {} nor any folder above it holds {CONFIG_FILE}",
                                cwd.display()
                            ),
                            "make one with `lsms init`, or name one with -C/--store DIR or $LSMS_STORE",
                        )
                    },
                )?
            }
        };
        let cfg_path = root.join(CONFIG_FILE);
        let src = std::fs::read_to_string(&cfg_path).map_err(Error::io("read", &cfg_path))?;
        let config = Config::parse(&cfg_path.display().to_string(), &src)?;
        let vocab = config.vocab();
        let cache_key = cache::settings_key(&src);
        Ok(Store { root, config, vocab, use_cache: true, cache_key })
    }

    pub fn path_of(&self, id: &Id) -> PathBuf {
        self.root.join(id.rel_path())
    }

    /// A path as messages show it: relative to the store.
    pub fn show_path(&self, p: &Path) -> String {
        p.strip_prefix(&self.root).unwrap_or(p).display().to_string()
    }

    pub fn lock(&self) -> Result<Lock> {
        fsio::lock(&self.root.join(".lsms"))
    }

    /// Parses one file's text as an incident, checking that its id matches
    /// its file name and folder.
    pub fn parse(&self, path: &Path, text: String) -> Result<Loaded, Vec<Error>> {
        let shown = self.show_path(path);
        let fast = crate::model::fastyaml::parse(&text).map(Ok);
        let value: Value = fast.unwrap_or_else(|| serde_yaml::from_str(&text)).map_err(|e| {
            let off = e.location().map_or(0, |l| l.index());
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            vec![Error::in_file(
                &shown,
                &text,
                off,
                format!("not valid YAML: {msg}"),
                Some("fix the YAML by hand (a git diff shows what changed), then run `lsms check`".into()),
            )]
        })?;
        // The id is checked against the file's place even when other
        // fields are wrong, so a moved or copied file is named at once.
        let misplaced = value
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Id::parse(s).ok())
            .filter(|id| self.root.join(id.rel_path()) != path)
            .map(|id| Problem {
                field: "id".into(),
                message: format!("the id {id} belongs at {}, but the file is {shown}", id.rel_path()),
            });
        let problems = match Incident::from_value(&value, &self.vocab) {
            Ok(_) if misplaced.is_some() => misplaced.into_iter().collect(),
            Ok(incident) => return Ok(Loaded { text, incident }),
            Err(mut p) => {
                p.extend(misplaced);
                p
            }
        };
        Err(problems
            .into_iter()
            .map(|p| {
                let off = locate::field_offset(&text, &p.field);
                let help = (p.field == "id")
                    .then(|| "move the file back to where its id says, or correct the id".to_string());
                Error::in_file(&shown, &text, off, p.message, help)
            })
            .collect())
    }

    /// Reads and parses one file.
    pub fn read(&self, path: &Path) -> Result<Loaded, Vec<Error>> {
        let text = std::fs::read_to_string(path).map_err(|e| vec![Error::io("read", path)(e)])?;
        self.parse(path, text)
    }

    /// Turns an id argument into the id of an incident that exists.
    pub fn resolve(&self, arg: &str) -> Result<Id> {
        let query = IdQuery::parse(arg).map_err(Error::failed)?;
        match query {
            IdQuery::Full(id) => {
                if self.path_of(&id).is_file() {
                    Ok(id)
                } else {
                    Err(Error::failed_with(
                        format!("no incident {id} in this store"),
                        "`lsms list --all --format ids` lists every id",
                    ))
                }
            }
            IdQuery::Suffix(suffix) => {
                let (files, _) = self.files()?;
                let found: Vec<Id> = files
                    .iter()
                    .filter_map(|p| p.file_stem()?.to_str())
                    .filter(|stem| stem.len() == 13 && stem[9..].eq_ignore_ascii_case(&suffix))
                    .filter_map(|stem| Id::parse(stem).ok())
                    .collect();
                match found.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(Error::failed_with(
                        format!("no incident ends in {suffix}"),
                        "`lsms list --all --format ids` lists every id",
                    )),
                    many => Err(Error::failed_with(
                        format!(
                            "{suffix} is ambiguous: it ends {} incidents: {}",
                            many.len(),
                            many.iter().map(Id::as_str).collect::<Vec<_>>().join(", ")
                        ),
                        "give the whole id",
                    )),
                }
            }
        }
    }

    /// Loads one incident by id argument. A file that does not parse is an
    /// error naming it.
    pub fn load(&self, arg: &str) -> Result<Loaded> {
        let id = self.resolve(arg)?;
        self.read(&self.path_of(&id)).map_err(first_of)
    }

    /// Read-modify-write of one incident under the store's lock. A file
    /// that does not parse is never rewritten; a file changed by someone
    /// else between the read and the write is not overwritten.
    pub fn update(&self, id: &Id, change: impl FnOnce(&mut Incident) -> Result<()>) -> Result<Updated> {
        let _lock = self.lock()?;
        let path = self.path_of(id);
        let loaded = self.read(&path).map_err(|errs| {
            let e = first_of(errs);
            match e {
                Error::File(mut f) => {
                    let h = "the file was not changed: fix it by hand, then run the command again";
                    f.help = Some(f.help.take().map_or(h.to_string(), |x| format!("{x}\n{h}")));
                    Error::File(f)
                }
                other => other,
            }
        })?;
        let mut incident = loaded.incident;
        change(&mut incident)?;
        let text = incident.to_yaml();
        if text == loaded.text {
            return Ok(Updated { incident, written: false, dropped_comments: false });
        }
        test_hook_pause();
        let now_on_disk = std::fs::read(&path).map_err(Error::io("read", &path))?;
        if now_on_disk != loaded.text.as_bytes() {
            return Err(Error::failed_with(
                format!(
                    "{} changed while lsms was working on it: nothing was written",
                    self.show_path(&path)
                ),
                "someone or something else edited it; run the command again",
            ));
        }
        fsio::write_atomic(&path, text.as_bytes(), Mode::Replace).map_err(Error::io("write", &path))?;
        Ok(Updated { incident, written: true, dropped_comments: has_comments(&loaded.text) })
    }

    /// Writes a new incident file; fails with `AlreadyExists` on a clash.
    pub fn create(&self, incident: &Incident) -> std::io::Result<PathBuf> {
        let path = self.path_of(&incident.id);
        if let Some(dir) = path.parent() {
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        fsio::write_atomic(&path, incident.to_yaml().as_bytes(), Mode::CreateNew)?;
        Ok(path)
    }
}

use std::os::unix::fs::DirBuilderExt;

/// What an update did.
pub struct Updated {
    pub incident: Incident,
    pub written: bool,
    /// The file had YAML comments, which a rewrite does not keep.
    pub dropped_comments: bool,
}

/// Does YAML text hold a comment? (`#` at a line's start, or after a space
/// outside quotes.)
pub fn has_comments(text: &str) -> bool {
    text.lines().any(|line| {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for c in line.chars() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == '"' || c == '\'' => quote = Some(c),
                None if c == '#' && prev.is_whitespace() => return true,
                None => {}
            }
            prev = c;
        }
        false
    })
}

/// Tests set `LSMS_TEST_PAUSE_MS` to widen the window between the read and
/// the write of an update, to prove a hand edit there is not overwritten.
fn test_hook_pause() {
    if let Some(ms) = std::env::var("LSMS_TEST_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Several problems in one file, as one error: the first is shown in full,
/// the count of the rest said (check shows them all).
pub fn first_of(mut errs: Vec<Error>) -> Error {
    let more = errs.len().saturating_sub(1);
    let first = if errs.is_empty() { Error::failed("unreadable file") } else { errs.swap_remove(0) };
    if more == 0 {
        return first;
    }
    match first {
        Error::File(mut f) => {
            let extra = format!("{more} more problem(s) in this file: `lsms check` lists them all");
            f.help = Some(match f.help.take() {
                Some(h) => format!("{h}\n{extra}"),
                None => extra,
            });
            Error::File(f)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::has_comments;

    #[test]
    fn finds_comments_but_not_hashes_in_values() {
        assert!(has_comments("# top\nschema: 1\n"));
        assert!(has_comments("harm: low  # was moderate\n"));
        assert!(!has_comments("summary: \"bed #4\"\nlocation: ward#4\n"));
        assert!(!has_comments("summary: 'a # b'\n"));
    }
}
