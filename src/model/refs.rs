//! References in other systems (`refs: { datix: DX-1001 }`): what a system
//! name and a reference may be, and setting or removing one. Pure.

/// The longest system name, in characters. A name is a key of a flow
/// mapping, which YAML readers (libyaml, so serde_yaml and PyYAML) read only
/// up to 1024 bytes as written: 100 characters stay under that even when
/// every one is written as an escape.
pub const MAX_SYSTEM: usize = 100;

/// A system's name: one line, not blank, without `=` (the separator of
/// `--ref SYSTEM=REF` and of the export's `datix=DX-1001`), at most
/// [`MAX_SYSTEM`] characters. Trimmed.
pub fn check_system(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("the system's name is empty: name it, like datix".into());
    }
    if t.contains(super::text::LINE_BREAKS) || t.contains('=') {
        return Err(format!("system name '{t}' should be one line without `=`, like datix"));
    }
    let n = t.chars().count();
    if n > MAX_SYSTEM {
        return Err(format!(
            "a system's name is at most {MAX_SYSTEM} characters, and this one has {n}: shorten it, like datix"
        ));
    }
    Ok(t.to_string())
}

/// A reference: one line, not blank. Trimmed.
pub fn check_reference(system: &str, r: &str) -> Result<String, String> {
    let t = r.trim();
    if t.is_empty() {
        return Err(format!("the {system} reference is empty"));
    }
    if t.contains(super::text::LINE_BREAKS) {
        return Err(format!("the {system} reference should be one line"));
    }
    Ok(t.to_string())
}

/// `SYSTEM=REF`, as `--ref datix=DX-1001`.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    let Some((sys, r)) = s.split_once('=') else {
        return Err(format!("'{s}' should be SYSTEM=REF, like datix=DX-1001"));
    };
    let sys = check_system(sys)?;
    let r = check_reference(&sys, r)?;
    Ok((sys, r))
}

/// Where `system` is among `refs` (any case).
pub fn position(refs: &[(String, String)], system: &str) -> Option<usize> {
    refs.iter().position(|(k, _)| k.eq_ignore_ascii_case(system.trim()))
}

/// Sets a reference: a system already there keeps its place and spelling.
/// The old reference, if any.
pub fn set(refs: &mut Vec<(String, String)>, system: String, reference: String) -> Option<String> {
    match position(refs, &system) {
        Some(i) => Some(std::mem::replace(&mut refs[i].1, reference)),
        None => {
            refs.push((system, reference));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_read_and_a_system_keeps_its_place() {
        assert_eq!(parse_pair(" datix = DX-1 "), Ok(("datix".into(), "DX-1".into())));
        assert_eq!(parse_pair("ipds=a=b"), Ok(("ipds".into(), "a=b".into())), "the first = splits");
        assert!(parse_pair("datix").unwrap_err().contains("SYSTEM=REF"));
        assert!(parse_pair("=x").unwrap_err().contains("empty"));
        assert!(parse_pair("datix= ").unwrap_err().contains("empty"));
        assert!(parse_pair("datix=a\nb").unwrap_err().contains("one line"));
        let mut refs = vec![("Datix".to_string(), "1".to_string()), ("ipds".into(), "2".into())];
        assert_eq!(set(&mut refs, "datix".into(), "3".into()), Some("1".into()));
        assert_eq!(set(&mut refs, "police".into(), "4".into()), None);
        assert_eq!(
            refs,
            [
                ("Datix".to_string(), "3".to_string()),
                ("ipds".into(), "2".into()),
                ("police".into(), "4".into())
            ]
        );
    }
}
