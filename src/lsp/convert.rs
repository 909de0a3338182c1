//! The protocol edge: LSP positions, ranges and URIs to byte offsets and paths, and back.
//! Positions out of range are clamped, never a panic.

use std::path::{Path, PathBuf};

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::syntax::{Encoding, LineCol, TextRange};
use crate::workspace::Document;

pub fn offset(doc: &Document, position: Position, encoding: Encoding) -> usize {
    let pos = LineCol {
        line: position.line,
        col: position.character,
    };
    doc.line_index.offset(&doc.text, pos, encoding)
}

pub fn position(doc: &Document, offset: usize, encoding: Encoding) -> Position {
    let p = doc.line_index.position(&doc.text, offset, encoding);
    Position::new(p.line, p.col)
}

pub fn range(doc: &Document, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(doc, range.start, encoding),
        position(doc, range.end, encoding),
    )
}

/// The byte range of an LSP range, each end clamped as [`offset`] does.
pub fn text_range(doc: &Document, range: Range, encoding: Encoding) -> TextRange {
    TextRange::new(
        offset(doc, range.start, encoding),
        offset(doc, range.end, encoding),
    )
}

/// The char index in `rope` of an LSP position: lines past the end clamp to the end of the
/// text, columns past the end of a line to the end of that line (before its break), and a
/// column inside a character to that character's start.
pub fn rope_char(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut chars = slice.len_chars();
    // Leave the line break out: `\n`, `\r\n` or `\r`.
    if chars > 0 && slice.char(chars - 1) == '\n' {
        chars -= 1;
    }
    if chars > 0 && slice.char(chars - 1) == '\r' {
        chars -= 1;
    }
    let content = slice.slice(..chars);
    let col = position.character as usize;
    let in_line = match encoding {
        Encoding::Utf8 => content.byte_to_char(col.min(content.len_bytes())),
        Encoding::Utf16 => content.utf16_cu_to_char(col.min(content.len_utf16_cu())),
        Encoding::Utf32 => col.min(chars),
    };
    start + in_line
}

/// The path a `file:` URI names; other schemes get a stable path of their own so unsaved
/// buffers still work (they just never match a file on disk).
pub fn path_of(uri: &Uri) -> PathBuf {
    if let Some(path) = uri.to_file_path() {
        return path.into_owned();
    }
    PathBuf::from(format!("/nonexistent-newsmark-buffer/{}", uri.as_str()))
}

pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rope_positions_clamp_and_respect_encodings() {
        let rope = Rope::from_str("a😀b\r\nxy\rz");
        let at = |line, col, enc| rope_char(&rope, Position::new(line, col), enc);
        assert_eq!(at(0, 3, Encoding::Utf16), 2); // after the surrogate pair: at `b`
        assert_eq!(at(0, 2, Encoding::Utf16), 1); // inside the pair: the emoji's start
        assert_eq!(at(0, 5, Encoding::Utf8), 2); // 1 + 4 bytes: at `b`
        assert_eq!(at(0, 99, Encoding::Utf16), 3); // end of line, before `\r\n`
        assert_eq!(at(1, 9, Encoding::Utf32), 7); // `\r` alone ends a line too
        assert_eq!(at(2, 0, Encoding::Utf16), 8);
        assert_eq!(at(40, 0, Encoding::Utf16), rope.len_chars());
    }
}
