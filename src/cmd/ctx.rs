//! What every command is given (`Ctx`: the global options, the clock,
//! where it stands) and the plumbing commands share: writing rows and
//! files, reading every incident, changing one under the lock.

use super::args::{FilterArgs, Format};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::model::workflow::{Act, Refusal};
use crate::query::{DefaultStatus, Filter};
use crate::store::{Store, Updated};
use chrono::{DateTime, Utc};
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;

/// What a command is given: the options every command shares, the clock,
/// and where it stands.
pub struct Ctx {
    pub store_dir: Option<PathBuf>,
    pub actor: Option<String>,
    pub now: DateTime<Utc>,
    pub color: bool,
    pub quiet: bool,
    /// Commit each change (`--commit`), beside `git.commit` in lsms.yaml.
    pub commit: bool,
    /// Read every file, not the cache (`--no-cache`).
    pub no_cache: bool,
    /// Tables and `show` at full width (`--wide`): nothing cut or dropped.
    pub wide: bool,
    pub cwd: PathBuf,
    /// The identity that opens sealed personal data (`--identity FILE`).
    pub identity: Option<PathBuf>,
}

impl Ctx {
    pub fn store(&self) -> Result<Store> {
        let mut store = Store::discover(self.store_dir.as_deref(), &self.cwd)?;
        store.use_cache = !self.no_cache;
        // Made absolute: the merge driver, run by git, is handed it too.
        store.identity_flag = self.identity.as_ref().map(|p| self.cwd.join(p));
        Ok(store)
    }

    /// Who is acting: `--as`/$LSMS_USER, else git's user.name, else $USER.
    pub fn actor(&self, store: &Store) -> Result<String> {
        self.actor_at(&store.root)
    }

    /// Who is acting, for a store at `dir` (which may not be made yet).
    pub fn actor_at(&self, dir: &std::path::Path) -> Result<String> {
        let from_git = || {
            std::process::Command::new("git")
                .args(["config", "user.name"])
                .current_dir(dir)
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
        };
        let name = self
            .actor
            .clone()
            .or_else(from_git)
            .or_else(|| std::env::var("USER").ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        match name {
            Some(n) if n.contains(crate::model::text::LINE_BREAKS) => {
                Err(Error::failed("the actor's name should be one line"))
            }
            Some(n) => Ok(n),
            None => {
                Err(Error::failed_with("cannot tell who is acting", "say with --as NAME, or set $LSMS_USER"))
            }
        }
    }

    /// The actor as a git identity: with the email `team:` in lsms.yaml
    /// gives them, else none.
    pub fn ident(&self, store: &Store, actor: &str) -> crate::store::git::Ident {
        crate::store::git::Ident {
            name: actor.to_string(),
            email: store.config.email_of(actor).map(str::to_string),
        }
    }

    /// Standard output, buffered; on a terminal, every format made safe
    /// for it (see [`Out`]). Raw bytes only into a pipe or a file.
    pub fn out(&self) -> Out {
        Out {
            inner: BufWriter::new(std::io::stdout().lock()),
            escape: self.stdout_is_terminal(),
            styles: self.color,
            pending: Vec::new(),
        }
    }

    /// How wide a table may be: the terminal's width, else $COLUMNS (so a
    /// table asked for in a pipe can still be fitted), else unbounded (a
    /// pipe, or `--wide`). The one place that decides it.
    pub fn width(&self) -> Option<u16> {
        if self.wide {
            return None;
        }
        let terminal = terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| w.0);
        terminal.or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok().filter(|w| *w > 0))
    }

    pub fn stdout_is_terminal(&self) -> bool {
        std::io::stdout().is_terminal()
    }

    /// Talk on stderr, unless `--quiet`.
    pub fn say(&self, msg: impl std::fmt::Display) {
        if !self.quiet {
            crate::error::talk(format_args!("{msg}"));
        }
    }

    /// Says on stderr, when it is a terminal, how many columns a table
    /// left out to fit it and how to see them: `3 columns hidden: --wide
    /// shows them`. Not with `--quiet`, and never into a pipe or a file.
    pub fn hint_hidden_columns(&self) {
        let n = crate::render::hidden_columns();
        if n > 0 && !self.quiet && std::io::stderr().is_terminal() {
            let s = if n == 1 { "" } else { "s" };
            crate::error::talk(format_args!("{n} column{s} hidden: --wide shows them"));
        }
    }

    /// Prints an error's full diagnostic on stderr.
    pub fn show_error(&self, e: Error) {
        crate::error::talk(format_args!("{:?}", miette::Report::new(e.for_terminal())));
    }

    /// Does this run commit each change? Refuses, before any write, a store
    /// that should but is not in a git work tree.
    pub fn commits(&self, store: &Store) -> Result<bool> {
        let on = self.commit || store.config.git_commit;
        if on {
            crate::store::git::require_work_tree(&store.root)?;
        }
        Ok(on)
    }

    /// Who acts and when: now, or `--on` (work entered after the fact),
    /// which may not be in the future.
    pub fn act<'a>(&self, store: &Store, actor: &'a str, on: Option<&str>) -> Result<Act<'a>> {
        let tz = store.config.tz;
        let now = crate::model::time::in_zone(self.now, tz);
        let Some(on) = on else { return Ok(Act::now(actor, now)) };
        let at = crate::model::time::parse_when(on, tz, self.now).map_err(|m| {
            Error::failed_with(
                format!("--on: {m}"),
                "write it as --occurred is written, e.g. --on '24/11/2026 14:30'",
            )
        })?;
        if at > now {
            return Err(Error::failed_with(
                format!("--on {} is in the future", crate::model::time::rfc3339(&at)),
                "--on says when something already happened; leave it out for now",
            ));
        }
        Ok(Act { by: actor, at, written: now })
    }

    pub fn filter(&self, args: &FilterArgs, default: DefaultStatus, store: &Store) -> Result<Filter> {
        if args.grep.is_some() {
            store.need_personal("--grep (a search of summaries, descriptions and notes)")?;
        }
        Filter::new(&args.spec(), default, &store.config.vocab(), store.config.tz, self.now)
            .map_err(|m| Error::usage(m, "see `lsms help list` for the filters"))
    }
}

/// Standard output as a command writes it. On a terminal, every byte
/// goes through [`crate::model::text::for_terminal`], the one function
/// that shows control characters (C0, C1, DEL, so escape sequences) and
/// bidi controls as `\u{1b}`, whatever the format (table, TSV, CSV,
/// JSON, ids, an echo). The only sequences let through are the table's
/// own bold, red and reset, and only with colour on: they cannot move the
/// cursor, hide text or rewrite a line, and a table escapes its cells
/// before it styles them.
pub struct Out {
    inner: BufWriter<std::io::StdoutLock<'static>>,
    escape: bool,
    styles: bool,
    /// The first bytes of a character whose rest is yet to come.
    pending: Vec<u8>,
}

/// The styles a table uses (`render::table_look`).
const STYLES: [&str; 3] = ["\x1b[1m", "\x1b[38;5;9m", "\x1b[0m"];

impl Out {
    fn put(&mut self, text: &str) -> std::io::Result<()> {
        let mut rest = text;
        while !rest.is_empty() {
            let esc = rest.find('\x1b').unwrap_or(rest.len());
            let (plain, tail) = rest.split_at(esc);
            self.inner.write_all(crate::model::text::for_terminal(plain, true).as_bytes())?;
            rest = tail;
            if rest.is_empty() {
                break;
            }
            match STYLES.iter().find(|s| self.styles && rest.starts_with(**s)) {
                Some(style) => {
                    self.inner.write_all(style.as_bytes())?;
                    rest = &rest[style.len()..];
                }
                None => {
                    self.inner.write_all(b"\\u{1b}")?;
                    rest = &rest[1..];
                }
            }
        }
        Ok(())
    }

    fn raw_bytes(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        bytes.iter().try_for_each(|b| write!(self.inner, "\\x{b:02x}"))
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.escape {
            return self.inner.write(buf);
        }
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut at = 0;
        loop {
            match std::str::from_utf8(&bytes[at..]) {
                Ok(text) => {
                    self.put(text)?;
                    break;
                }
                Err(e) => {
                    let good = at + e.valid_up_to();
                    self.put(std::str::from_utf8(&bytes[at..good]).unwrap_or_default())?;
                    match e.error_len() {
                        // A character cut by the write: kept for the next.
                        None => {
                            self.pending = bytes[good..].to_vec();
                            break;
                        }
                        Some(n) => {
                            self.raw_bytes(&bytes[good..good + n])?;
                            at = good + n;
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let bytes = std::mem::take(&mut self.pending);
        self.raw_bytes(&bytes)?;
        self.inner.flush()
    }
}

/// Rows in a machine format, or ids: the column `id`, each id once.
/// (Tables are the command's own: it knows the width and the colours.)
pub fn write_rows(out: &mut dyn Write, format: Format, rows: &crate::render::Rows) -> std::io::Result<()> {
    use crate::render;
    match format {
        Format::Tsv => render::tsv(out, rows),
        Format::Csv => render::csv(out, rows),
        Format::Json => render::json(out, rows),
        Format::Ndjson => {
            rows.rows.iter().try_for_each(|r| writeln!(out, "{}", render::json_object(&rows.columns, r)))
        }
        Format::Ids => {
            let Some(col) = rows.columns.iter().position(|c| c == "id") else { return Ok(()) };
            let mut seen = std::collections::HashSet::new();
            rows.rows
                .iter()
                .filter_map(|r| r.get(col))
                .filter(|id| seen.insert(*id))
                .try_for_each(|id| writeln!(out, "{id}"))
        }
        Format::Table => render::table(out, rows, None, false),
        // A spreadsheet is written by the command that offers it.
        Format::Xlsx => Err(std::io::Error::other("xlsx is not text: the command writes it")),
    }
}

/// Writes through a buffered stdout, then flushes, mapping failures (a
/// closed pipe among them) to the error type.
pub fn emit(out: &mut dyn Write, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    f(out).and_then(|_| out.flush()).map_err(crate::error::stdout_err)
}

/// The inputs given, with the text of a free-text field given as `-`
/// read from standard input (once: two such fields are refused).
pub fn read_stdin_inputs(given: &[crate::model::schema::Given]) -> Result<Vec<crate::model::schema::Given>> {
    use crate::model::schema::GivenOp;
    let dashes: Vec<_> = given.iter().filter(|g| g.input.stdin && g.op == GivenOp::Set("-".into())).collect();
    if dashes.len() > 1 {
        let flags: Vec<String> = dashes.iter().map(|g| g.flag()).collect();
        return Err(Error::usage(
            format!("{} each ask for standard input, which can be read once", flags.join(" and ")),
            "give all but one as text",
        ));
    }
    given
        .iter()
        .map(|g| match &g.op {
            GivenOp::Set(v) if g.input.stdin && v == "-" => Ok(crate::model::schema::Given {
                op: GivenOp::Set(text_or_stdin(v, &g.path.replace('_', " "))?),
                ..g.clone()
            }),
            _ => Ok(g.clone()),
        })
        .collect()
}

/// The most a text field given as `-` (a note, a description, a reason)
/// reads from standard input: no more can be kept, since an incident file
/// holds at most this much ([`crate::store::fsio::MAX_FILE`]).
pub const MAX_TEXT_INPUT: u64 = crate::store::fsio::MAX_FILE;

/// The most `report --from FILE|-` reads: many incidents' worth, far
/// under what would strain the memory of the machine lsms runs on
/// (`import` reads up to its own `MAX_CSV`).
pub const MAX_BULK_INPUT: u64 = 64 << 20;

/// Reads `r` whole, up to `limit` bytes: the limit is checked while
/// reading (at most `limit + 1` bytes are read), and more is refused, so
/// no input is held in memory beyond it. `what` and `from` name it.
pub fn read_bounded(r: impl Read, what: &str, from: &str, limit: u64, help: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::failed(format!("cannot read the {what} from {from}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Error::failed_with(
            format!(
                "{from}: over {} for the {what}, the most lsms reads there: nothing was written",
                crate::store::fsio::size_shown(limit)
            ),
            help,
        ));
    }
    Ok(bytes)
}

/// What is read as text: UTF-8, or a clear refusal naming where.
fn utf8(bytes: Vec<u8>, what: &str, from: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        Error::failed_with(
            format!("the {what} on {from} is not UTF-8 text (at byte {})", e.utf8_error().valid_up_to()),
            "save it as UTF-8",
        )
    })
}

/// `FILE` or `-` (standard input), read whole up to `limit` bytes
/// ([`read_bounded`]): for bulk inputs (`report --from` with
/// [`MAX_BULK_INPUT`], `import`'s file with its own limit). A file is opened as given, so a named
/// pipe (`<(…)`) works as it would for `cat`.
pub fn read_input(arg: &std::path::Path, what: &str, limit: u64) -> Result<Vec<u8>> {
    let help = format!(
        "split it into parts of under {} each and give them one at a time",
        crate::store::fsio::size_shown(limit)
    );
    if arg.as_os_str() == "-" {
        return read_bounded(std::io::stdin().lock(), what, "standard input", limit, &help);
    }
    let f = std::fs::File::open(arg).map_err(Error::io("read", arg))?;
    read_bounded(f, what, &arg.display().to_string(), limit, &help)
}

/// [`read_input`] of UTF-8 text.
pub fn read_input_text(arg: &std::path::Path, what: &str, limit: u64) -> Result<String> {
    let from = if arg.as_os_str() == "-" { "standard input".to_string() } else { arg.display().to_string() };
    utf8(read_input(arg, what, limit)?, what, &from)
}

/// `TEXT` or `-` (read standard input, up to [`MAX_TEXT_INPUT`]).
pub fn text_or_stdin(arg: &str, what: &str) -> Result<String> {
    if arg != "-" {
        return Ok(arg.to_string());
    }
    let from = "standard input";
    let help = "an incident file holds at most 4 MiB: put long text in an evidence file \
                (`lsms evidence add ID FILE`) and write a short note saying what it holds";
    utf8(read_bounded(std::io::stdin().lock(), what, from, MAX_TEXT_INPUT, help)?, what, from)
}

/// Reads every incident and keeps what `keep` makes of each (`None`:
/// not wanted), in id order, with the problems of the files that could not
/// be read. `keep` runs on the reading threads.
pub fn gather<T: Send>(
    store: &Store,
    history: bool,
    keep: impl Fn(Incident) -> Option<T> + Sync,
) -> Result<(Vec<T>, Vec<Error>)> {
    gather_all(store, history, keep).map(|(good, unread)| (good, unread.problems))
}

/// The incident files a read could not read: how many, and their problems
/// (a file may have several).
#[derive(Debug, Default)]
pub struct Unread {
    pub files: usize,
    pub problems: Vec<Error>,
}

impl Unread {
    /// One more file that could not be read, with its problems.
    pub fn add(&mut self, problems: Vec<Error>) {
        self.files += 1;
        self.problems.extend(problems);
    }

    pub fn is_empty(&self) -> bool {
        self.files == 0
    }

    /// The note a partial file carries (`--partial`): `PARTIAL: 1 incident
    /// file could not be read and is not counted here`, or `None` when
    /// every file was read.
    pub fn note(&self) -> Option<String> {
        partial_note(self.files)
    }
}

/// What a file written with `--partial` says of the `n` incident files
/// that could not be read, or `None` when there were none.
pub fn partial_note(n: usize) -> Option<String> {
    (n > 0).then(|| {
        let (files, verb) = if n == 1 { ("file", "is") } else { ("files", "are") };
        format!(
            "PARTIAL: {n} incident {files} could not be read and {verb} not counted here; run `lsms check`"
        )
    })
}

/// `gather`, counting the files that could not be read.
pub fn gather_all<T: Send>(
    store: &Store,
    history: bool,
    keep: impl Fn(Incident) -> Option<T> + Sync,
) -> Result<(Vec<T>, Unread)> {
    let (mut good, mut bad) = (Vec::new(), Unread::default());
    store.stream(
        history,
        |r| match r {
            Ok(i) => keep(i).map(Ok),
            Err(e) => Some(Err(e)),
        },
        |r| {
            match r {
                Some(Ok(t)) => good.push(t),
                Some(Err(e)) => bad.add(e),
                None => {}
            }
            Ok(())
        },
    )?;
    Ok((good, bad))
}

/// Says on stderr how many void records (entered in error) a figure left
/// out, when any: talk, never a row of the figures.
pub fn say_void_left_out(ctx: &Ctx, n: usize) {
    if n > 0 {
        ctx.say(format!(
            "note: {n} void record(s) left out of these figures (entered in error; --include-void counts them)"
        ));
    }
}

/// A void record (entered in error) is not worked on: every change is
/// refused, naming how to take the mark off.
pub fn refuse_void(inc: &Incident) -> Result<()> {
    match &inc.void {
        None => Ok(()),
        Some(v) => Err(Error::failed_with(
            format!("{} is void (entered in error, by {}: {}): it is not changed", inc.id, v.by, v.reason),
            format!(
                "if it was voided by mistake, `lsms void {} --undo --reason TEXT` takes the mark off",
                inc.id
            ),
        )),
    }
}

/// After a read command printed its good records: the bad files it met
/// are named on stderr and make the exit code 1.
pub fn finish_scan(ctx: &Ctx, bad: Vec<Error>) -> Result<()> {
    if bad.is_empty() {
        return Ok(());
    }
    let n = bad.len();
    for e in bad {
        ctx.show_error(e);
    }
    Err(Error::Reported(format!(
        "{n} problem(s) in incident files: the records above are the ones that could be read; run `lsms check`"
    )))
}

/// For a command that must see every record or do nothing (a disposal,
/// a subject access bundle, intake's index of what it took): each file
/// that could not be read named on stderr, then a refusal saying what
/// was not done (`why` follows "N incident file(s) could not be read").
pub fn refuse_unread(ctx: &Ctx, bad: Vec<Error>, why: &str) -> Result<()> {
    if bad.is_empty() {
        return Ok(());
    }
    let n = bad.len();
    for e in bad {
        ctx.show_error(e);
    }
    Err(Error::failed_with(
        format!("{n} incident file(s) could not be read (named above), {why}"),
        "put them right (`lsms check` says what is wrong), then run it again",
    ))
}

/// Records a disclosure whose files are written on each of `ids`, under
/// the `lock` held since the records were read, then commits where the
/// store commits (`message`). Recorded on none: `undo` removes what was
/// written, since a disclosure not on the record does not happen.
/// Recorded on some: said, naming which, with `written` left whole.
#[allow(clippy::too_many_arguments)]
pub fn record_disclosure(
    ctx: &Ctx,
    store: &Store,
    lock: crate::store::Lock,
    act: &Act<'_>,
    ids: &[&crate::model::Id],
    entry: &crate::model::Disclosure,
    message: &str,
    written: &std::path::Path,
    undo: impl Fn(),
) -> Result<()> {
    let commit = match ctx.commits(store) {
        Ok(c) => c,
        Err(e) => {
            undo();
            return Err(e);
        }
    };
    let mut recorded = Vec::new();
    for id in ids {
        let done = store.update_held(&lock, id, false, |inc, _| {
            inc.record_disclosure(act, entry.clone());
            Ok(())
        });
        if let Err(e) = done {
            if recorded.is_empty() {
                undo();
                return Err(e);
            }
            return Err(Error::failed_with(
                format!("{e}; the disclosure is recorded on {} but not on {id}", recorded.join(", ")),
                format!("{} is whole: record the rest with care, or remove it", written.display()),
            ));
        }
        recorded.push(id.to_string());
    }
    drop(lock);
    if commit {
        let paths: Vec<String> = ids.iter().map(|id| id.rel_path()).collect();
        crate::store::git::commit(&store.root, &paths, message, &ctx.ident(store, act.by))?;
    }
    Ok(())
}

/// The store's rules for deadlines, from lsms.yaml: what `due`, `list`'s
/// overdue column and the board read alike.
pub fn deadline_rules(store: &Store) -> crate::report::due::Rules<'_> {
    let c = &store.config;
    crate::report::due::Rules {
        cdao: c.cdao.as_ref(),
        retention: &c.retention,
        leavers: &c.leavers,
        tell_within: c.intake.send.is_some().then_some(c.intake.tell_within_working_days),
    }
}

/// A guard's refusal as an error (exit 1).
pub fn refused(r: Refusal) -> Error {
    Error::Failed { message: r.message, help: r.help }
}

/// Several refusals at once: each on its own line with its fix.
pub fn refused_all(what: &str, rs: Vec<Refusal>) -> Error {
    refusal_list(what, rs, "set it with: ", "nothing was changed")
}

/// Refusals as one error: `what`, then each on its own line with its fix
/// (after `lead`), then `help`.
pub fn refusal_list(what: &str, rs: Vec<Refusal>, lead: &str, help: &str) -> Error {
    let lines: Vec<String> = rs
        .into_iter()
        .map(|r| match r.help {
            Some(h) => format!("- {}\n    {lead}{h}", r.message),
            None => format!("- {}", r.message),
        })
        .collect();
    Error::failed_with(format!("{what}:\n{}", lines.join("\n")), help)
}

/// The actions of `lsms void` and its undo: the only changes [`change`]
/// makes to a void record.
pub const VOID_ACTIONS: [&str; 2] = ["voided", "unvoided"];

/// Changes one incident: finds it, takes the lock, applies `f` as the
/// actor at "now" (or when `--on` says it happened, which may not be
/// before the case was reported), writes it back, and says what happened
/// on stderr. A void record is refused ([`refuse_void`]) but by `lsms void`.
pub fn change(
    ctx: &Ctx,
    id_arg: &str,
    action: &str,
    on: &super::args::OnArg,
    f: impl FnOnce(&mut Incident, &Act<'_>, &Store) -> Result<()>,
) -> Result<Updated> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let id = store.resolve(id_arg)?;
    let act = ctx.act(&store, &actor, on.on.as_deref())?;
    let commit = ctx.commits(&store)?;
    let done = store.update(&id, |inc| {
        // A hold may stand on a void record too: a record is kept for a
        // claim or inquiry whatever else it is.
        if !VOID_ACTIONS.contains(&action) && !crate::model::HOLD_ACTIONS.contains(&action) {
            refuse_void(inc)?;
        }
        inc.accepts(&act).map_err(refused)?;
        f(inc, &act, &store)
    })?;
    if done.written && commit {
        let who = ctx.ident(&store, &actor);
        crate::store::git::commit(&store.root, &[id.rel_path()], &format!("{id}: {action}"), &who)?;
    }
    if !done.written {
        ctx.say(format!("{id}: nothing to change."));
    }
    Ok(done)
}

/// How a file written with `--output` is made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sink {
    /// It holds no personal data (a summary, the board's report): made
    /// with the umask like any file a person makes, not owner-only.
    pub public: bool,
    /// It is CSV: a `.csv` file (never stdout) starts with the UTF-8 byte
    /// order mark, so that a spreadsheet reads `£` as `£`.
    pub csv: bool,
    /// `--partial`: a file is written even when some incident files could
    /// not be read, marked as partial.
    pub partial: bool,
    /// A partial file is marked by a first line saying how many incident
    /// files are not counted (CSV, TSV); else `f` marks it itself.
    pub note_line: bool,
}

/// Writes a command's output: runs `f`, which writes it and gives back the incident files it
/// could not read, then: on stdout (also `--output -`), the good records
/// are out and the unread files are named, exit 1, as every read command
/// does. With `--output FILE`, the file is written (atomically) only when
/// every incident file was read; otherwise it is left byte for byte as it
/// was, the unread files are named, and the run fails, saying how to get a
/// partial figure on purpose (`--partial`: the file is written, marked,
/// and the run still exits 1). Only a regular file is written, never one
/// of the store's own files: see [`output_target`].
pub fn output_with(
    ctx: &Ctx,
    store: &Store,
    file: Option<&std::path::Path>,
    sink: Sink,
    f: impl FnOnce(&mut dyn Write) -> Result<Unread>,
) -> Result<()> {
    let Some(file) = file.filter(|f| f.as_os_str() != "-") else {
        let mut out = ctx.out();
        let bad = f(&mut out)?;
        out.flush().map_err(crate::error::stdout_err)?;
        return finish_scan(ctx, bad.problems);
    };
    let path = output_target(store, &ctx.cwd.join(file))?;
    let mut buf = Vec::new();
    let csv_file = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bom = sink.csv && csv_file;
    if bom {
        buf.extend_from_slice(crate::render::BOM);
    }
    let bad = f(&mut buf)?;
    if bad.is_empty() {
        write_file(ctx, &path, &buf, sink)?;
        return Ok(());
    }
    let n = bad.files;
    let (files, were) = if n == 1 { ("file", "was") } else { ("files", "were") };
    if !sink.partial {
        for e in bad.problems {
            ctx.show_error(e);
        }
        return Err(Error::failed_with(
            format!(
                "{n} incident {files} could not be read (named above), so {} was left as it was (written now, it would count {n} incident{} fewer)",
                path.display(),
                if n == 1 { "" } else { "s" }
            ),
            "put the files right (`lsms check` says what is wrong), or add --partial to write the file without them, marked as partial",
        ));
    }
    if let Some(note) = bad.note().filter(|_| sink.note_line) {
        let at = if bom { crate::render::BOM.len() } else { 0 };
        buf.splice(at..at, format!("# {note}\n").into_bytes());
    }
    write_file(ctx, &path, &buf, sink)?;
    for e in bad.problems {
        ctx.show_error(e);
    }
    Err(Error::Reported(format!(
        "{} is partial: {n} incident {files} (named above) {were} not read and {were} not counted; run `lsms check`",
        path.display()
    )))
}

fn write_file(ctx: &Ctx, path: &std::path::Path, buf: &[u8], sink: Sink) -> Result<()> {
    let perm = if sink.public { 0o666 } else { 0o600 };
    crate::store::fsio::write_atomic_perm(path, buf, crate::store::Mode::Replace, perm)
        .map_err(Error::io("write", path))?;
    ctx.say(format!("Wrote {}.", path.display()));
    Ok(())
}

/// `--partial` marks a file as partial; JSON has no place for the mark.
pub fn partial_needs_a_mark(partial: bool, format: Format) -> Result<()> {
    if partial && matches!(format, Format::Json | Format::Ndjson) {
        return Err(Error::usage(
            "--partial marks the file as partial, and JSON has no place for the mark",
            "use --format csv or xlsx with --partial, or put the incident files right (`lsms check`)",
        ));
    }
    Ok(())
}

/// Files of git's own beside the work it tracks: `--output` never
/// replaces one (nor anything under a `.git` folder).
const GIT_FILES: [&str; 3] = [".gitattributes", ".gitignore", ".gitmodules"];

/// Is this path (resolved: no `..`, no link) one of git's own files: in a
/// `.git` folder (or that folder, or a `.git` file), or `.gitattributes`,
/// `.gitignore`, `.gitmodules`?
pub fn is_gits_own(real: &std::path::Path) -> bool {
    real.components().any(|c| c.as_os_str() == ".git")
        || real.file_name().is_some_and(|n| GIT_FILES.iter().any(|g| n == *g))
}

/// Where `--output PATH` may write: a regular file (or a new one) outside
/// the store's own files and git's (`.git/`, `.gitattributes`, `.gitignore`). A FIFO, device, socket or folder, a link to one
/// or to nothing, and anything under the store's `incidents/`,
/// `evidence/` or `.lsms/`, or its `lsms.yaml`, is refused before anything
/// is written. A link to a regular file is written through: the file it
/// points to is replaced, the link stays.
pub fn output_target(store: &Store, path: &std::path::Path) -> Result<PathBuf> {
    let refuse = |why: &str| {
        Error::failed_with(
            format!("--output {}: {why}: nothing was written", path.display()),
            "give the path of a regular file, outside the store's incidents/, evidence/, disposals/, .lsms/ and lsms.yaml and git's own files, or - for standard output",
        )
    };
    let target = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let name = path.file_name().ok_or_else(|| refuse("not a file name"))?;
            let dir =
                path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let dir = std::fs::canonicalize(dir).map_err(|_| refuse("its folder does not exist"))?;
            dir.join(name)
        }
        Err(e) => return Err(Error::io("look at", path)(e)),
        Ok(_) => {
            let real = std::fs::canonicalize(path).map_err(|_| refuse("a link that leads nowhere"))?;
            let meta = std::fs::metadata(&real).map_err(Error::io("look at", path))?;
            if meta.is_dir() {
                return Err(refuse("a folder"));
            }
            if !meta.is_file() {
                return Err(refuse("not a regular file (a FIFO, device or socket)"));
            }
            real
        }
    };
    let own = ["incidents", "evidence", "disposals", ".lsms"]
        .iter()
        .any(|d| target.starts_with(store.real_root.join(d)))
        || target == store.real_root.join(crate::store::CONFIG_FILE);
    if own {
        return Err(refuse("one of the store's own files"));
    }
    // The repository's own files, whatever the spelling that led here
    // (`./.git/config`, `sub/../.git/HEAD`, a link): the path is the one
    // resolved above.
    if is_gits_own(&target) {
        return Err(refuse(
            "one of git's own files (.git/ and everything in it, .gitattributes, .gitignore)",
        ));
    }
    Ok(target)
}

/// The record as JSON, with every key the file holds (unknown ones too).
/// A record that cannot be put as JSON (a key that is not text, say) is an
/// error naming its file, never `null`.
pub fn incident_json(inc: &Incident) -> Result<serde_json::Value> {
    serde_yaml::from_str::<serde_json::Value>(&inc.to_yaml()).map_err(|e| {
        Error::failed_with(
            format!("{} cannot be shown as JSON: {e}", inc.id.rel_path()),
            "`lsms show ID --format yaml` shows the file as it is; `lsms check` names what is wrong",
        )
    })
}
/// `--format xlsx` needs a file: a spreadsheet on a terminal or in a pipe
/// helps nobody. (`summary` and `export` both ask.)
pub fn need_file_for_xlsx(output: Option<&std::path::Path>) -> Result<()> {
    if output.is_none_or(|f| f.as_os_str() == "-") {
        return Err(Error::usage(
            "--format xlsx writes a spreadsheet file, not text for a terminal or a pipe",
            "add --output FILE.xlsx",
        ));
    }
    Ok(())
}
