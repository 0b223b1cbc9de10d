//! The error of protocol loading: it names the file, the line and column, and the key.

use std::ops::Range;

/// A protocol file that cannot be loaded: a TOML syntax error, a key or value the format does
/// not allow, or a rule the protocol breaks (docs/protocols.md).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {key}: {message}")]
pub struct ProtocolError {
    /// The display name of the file, as given to the loader.
    pub file: String,
    /// 1-based line of the offending key or value.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The dotted key, arrays indexed from 1 (`visits[3].window`); empty for a syntax error
    /// that is not inside a key.
    pub key: String,
    /// What is wrong, in words.
    pub message: String,
}

impl ProtocolError {
    /// An error at byte offset `span.start` of `text`.
    pub(crate) fn at(
        file: &str,
        text: &str,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ProtocolError {
        let (line, column) = line_and_column(text, span.start);
        ProtocolError {
            file: file.to_owned(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset; offsets past the end or inside
/// a character are clamped to the nearest preceding character boundary.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_character_columns_from_one() {
        let text = "a = 1\nb = \"µ\" x\n";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 4), (1, 5));
        assert_eq!(line_and_column(text, 6), (2, 1));
        // "µ" is two bytes: the x after it is character 9 of line 2.
        let x = text.find('x').expect("x in text");
        assert_eq!(line_and_column(text, x), (2, 9));
        assert_eq!(line_and_column(text, 999), (3, 1), "past the end");
    }
}
