//! The one error type. Every failure says what went wrong, where, and how
//! to put it right; `exit_code` maps it to the design's exit codes.

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// Bad input, a refused guard, something not found: exit 1.
    #[error("{message}")]
    Failed {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// The command line is wrong in a way clap could not see: exit 2.
    #[error("{message}")]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A file the tool read is not right, with the place in it shown.
    #[error(transparent)]
    #[diagnostic(transparent)]
    File(Box<FileProblem>),

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Something in a file that is probably not what was meant (`check`'s
    /// warnings): shown like a file problem, marked as a warning.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Warning(Box<FileWarning>),

    /// Problems already printed one by one (bad files met by a read command).
    #[error("{0}")]
    Reported(String),
}

/// One problem in one file: `path:line:column`, the line underlined.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct FileProblem {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label(collection)]
    pub labels: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
    /// Where, as `path:line:column`, for one-line output.
    pub place: String,
}

/// A warning in one file, with the place shown as for a problem.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("warning: {message}")]
#[diagnostic(severity(Warning))]
pub struct FileWarning {
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label(collection)]
    pub labels: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
}

impl Error {
    /// A warning at byte `offset` of the file `path` whose text is `src`.
    pub fn warning_in_file(path: &str, src: &str, offset: usize, message: String, help: String) -> Error {
        match Error::in_file(path, src, offset, message, Some(help)) {
            Error::File(f) => {
                let FileProblem { message, src, labels, help, .. } = *f;
                Error::Warning(Box::new(FileWarning { message, src, labels, help }))
            }
            other => other,
        }
    }

    pub fn failed(message: impl Into<String>) -> Error {
        Error::Failed { message: message.into(), help: None }
    }

    pub fn failed_with(message: impl Into<String>, help: impl Into<String>) -> Error {
        Error::Failed { message: message.into(), help: Some(help.into()) }
    }

    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Error {
        Error::Usage { message: message.into(), help: Some(help.into()) }
    }

    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
        let path = path.to_path_buf();
        move |source| Error::Io { action, path, source }
    }

    /// A problem at byte `offset` of the file `path` whose text is `src`.
    pub fn in_file(path: &str, src: &str, offset: usize, message: String, help: Option<String>) -> Error {
        let offset = offset.min(src.len());
        let (line, col) = line_col(src, offset);
        let len = src[offset..].find('\n').unwrap_or(src.len() - offset).max(1);
        let len = len.min(src.len().saturating_sub(offset)).max(usize::from(src.len() > offset));
        Error::File(Box::new(FileProblem {
            place: format!("{path}:{line}:{col}"),
            message: format!("{path}:{line}:{col}: {message}"),
            // The file's lines are shown under the message: nothing in
            // them may act on the terminal (same byte length, so the span
            // still fits).
            src: NamedSource::new(path, crate::model::text::inert_same_length(src).into_owned()),
            labels: vec![LabeledSpan::new_with_span(
                Some("here".into()),
                SourceSpan::new(offset.into(), len),
            )],
            help,
        }))
    }

    /// The same error with every text a person gave shown inert on a
    /// terminal: control characters and escape sequences escaped, never
    /// sent raw (a value quoted in a message may hold anything).
    pub fn for_terminal(self) -> Error {
        let clean = |s: String| crate::model::text::for_terminal(&s, true).into_owned();
        match self {
            Error::Failed { message, help } => {
                Error::Failed { message: clean(message), help: help.map(clean) }
            }
            Error::Usage { message, help } => Error::Usage { message: clean(message), help: help.map(clean) },
            Error::File(mut f) => {
                f.message = clean(f.message);
                f.help = f.help.map(clean);
                Error::File(f)
            }
            Error::Warning(mut w) => {
                w.message = clean(std::mem::take(&mut w.message));
                w.help = w.help.take().map(clean);
                Error::Warning(w)
            }
            Error::Reported(m) => Error::Reported(clean(m)),
            io @ Error::Io { .. } => {
                let text = clean(io.to_string());
                Error::Failed { message: text, help: None }
            }
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => 2,
            _ => 1,
        }
    }

    /// Is this only a closed pipe on stdout (`lsms list | head`)?
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Talk on stderr. A stderr that cannot be written (a closed pipe, as in
/// `lsms check 2>&1 | head -1`) is no reason to fail, and never a panic,
/// as `eprintln!` would make it.
pub fn talk(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{args}");
}

/// Writing to stdout: a closed pipe is told apart from other failures.
pub fn stdout_err(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: PathBuf::from("standard output"), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_one_based() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        let e = Error::in_file("x.yaml", "a: 1\nb: [\n", 5, "bad".into(), None);
        assert!(e.to_string().starts_with("x.yaml:2:1: bad"), "{e}");
    }
}
