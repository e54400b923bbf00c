//! The default rules' constant `matches` patterns, compiled to sparse DFAs at
//! build time (`build.rs` includes this module): a run searches them without
//! building a regex, which was a third of a one-file check. The table's byte
//! format lives only here, written by [`encode`] and read by [`find`]. A
//! pattern not in the table (a user's rule file, a param the config changes,
//! a pattern a DFA cannot express) is compiled at run time as before.
//!
//! Format: for each entry, the pattern's length (u32, little-endian) and UTF-8
//! text, then the DFA's length and bytes (`sparse::DFA::to_bytes_little_endian`;
//! sparse DFAs need no alignment). Reading checks every length: a damaged
//! table yields no entry, never a panic. [`checked`] deserializes a DFA with
//! every transition checked; `rules::default_pattern` reads the table this
//! build wrote without re-checking them (a test checks them all).

use regex_automata::dfa::sparse::DFA;

/// The table of (pattern, serialized DFA) entries.
pub fn encode(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (text, dfa) in entries {
        for part in [text.as_bytes(), dfa] {
            out.extend_from_slice(&(part.len() as u32).to_le_bytes());
            out.extend_from_slice(part);
        }
    }
    out
}

/// The serialized DFA built for `pattern`, if `table` holds one.
pub fn find(table: &'static [u8], pattern: &str) -> Option<&'static [u8]> {
    entries(table)
        .find(|(text, _)| *text == pattern.as_bytes())
        .map(|(_, dfa)| dfa)
}

/// Every (pattern, serialized DFA) entry of `table`, up to the first damaged one.
pub fn entries(table: &'static [u8]) -> impl Iterator<Item = (&'static [u8], &'static [u8])> {
    let mut rest = table;
    let mut next = move || -> Option<&'static [u8]> {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let part = rest.get(4..4usize.checked_add(len)?)?;
        rest = &rest[4 + len..];
        Some(part)
    };
    std::iter::from_fn(move || Some((next()?, next()?)))
}

/// A DFA deserialized with every transition checked.
pub fn checked(bytes: &[u8]) -> Option<DFA<&[u8]>> {
    DFA::from_bytes(bytes).ok().map(|(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_table_finds_nothing() {
        let table: &'static [u8] =
            Box::leak(encode(&[("a".into(), vec![1, 2, 3])]).into_boxed_slice());
        assert_eq!(find(table, "a"), Some(&[1u8, 2, 3][..]));
        assert!(checked(&[1, 2, 3]).is_none()); // not a DFA
        assert!(find(table, "b").is_none());
        assert!(find(&table[..6], "a").is_none());
        assert!(find(&[255, 255, 255, 255], "a").is_none());
    }
}
