//! Byte offsets ↔ (line, column) in the three encodings clients ask for.
//!
//! Line breaks are `\n`, `\r\n` and `\r`, the set LSP defines; a lone `\r` is a break too, so
//! old Mac-style files do not collapse into one line.

use super::TextRange;

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    Utf16,
    /// Unicode scalar values (what a person counts as characters; used by `newsmark check`).
    Utf32,
}

/// A zero-based line and column, the column counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    line_starts: Vec<usize>,
    len: usize,
    /// Within lines longer than [`CHECKPOINT`] bytes, about every [`CHECKPOINT`] bytes: a byte
    /// offset (a character boundary) and its UTF-16 and UTF-32 columns, in text order. Columns
    /// are then counted from the nearest checkpoint rather than from the line start, so the
    /// thousands of diagnostics of a 5 MB one-line file cost linear time, not quadratic.
    checkpoints: Vec<(usize, u32, u32)>,
}

/// Distance between column checkpoints in long lines, in bytes.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next);
            i = next;
        }
        let mut checkpoints = Vec::new();
        for (k, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(k + 1).copied().unwrap_or(text.len());
            if end - start <= CHECKPOINT {
                continue;
            }
            let (mut col16, mut col32, mut last) = (0u32, 0u32, start);
            for (i, ch) in text[start..end].char_indices() {
                let at = start + i;
                if at - last >= CHECKPOINT {
                    checkpoints.push((at, col16, col32));
                    last = at;
                }
                col16 += ch.len_utf16() as u32;
                col32 += 1;
            }
        }
        LineIndex {
            line_starts,
            len: text.len(),
            checkpoints,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// Byte range of a line without its line break; clamped to the last line.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let line = line.min(self.line_starts.len() - 1);
        let start = self.line_starts[line];
        let mut end = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// The position of `offset` with the column in `encoding`. An offset inside a character
    /// or past the end is moved back to the nearest character boundary.
    pub fn position(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        // Between the `\r` and `\n` of a CRLF there is no column: that is the end of the line,
        // as `offset` reads it back.
        let offset = offset.min(self.line_range(text, line).end);
        let line_start = self.line_starts[line];
        // Count from the last checkpoint of this line at or before `offset`, if any.
        let at = self.checkpoints.partition_point(|&(o, _, _)| o <= offset);
        let (from, col16, col32) = match at.checked_sub(1).map(|k| self.checkpoints[k]) {
            Some(checkpoint) if checkpoint.0 >= line_start => checkpoint,
            _ => (line_start, 0, 0),
        };
        let rest = &text[from..offset];
        let col = match encoding {
            Encoding::Utf8 => offset - line_start,
            // ASCII (most prose) is one unit a byte in every encoding: no need to decode it.
            Encoding::Utf16 if rest.is_ascii() => col16 as usize + rest.len(),
            Encoding::Utf32 if rest.is_ascii() => col32 as usize + rest.len(),
            Encoding::Utf16 => col16 as usize + rest.chars().map(char::len_utf16).sum::<usize>(),
            Encoding::Utf32 => col32 as usize + rest.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a position. Lines past the end clamp to the end of the text, columns
    /// past the end of a line clamp to the end of that line (before its break), and a column
    /// that falls inside a character snaps to that character's start: a client can never make
    /// us slice through a character.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let line_text = &text[range.start..range.end];
        let want = pos.col as usize;
        // A UTF-8 column is a byte offset: the start of the character holding that byte.
        if encoding == Encoding::Utf8 {
            let mut at = range.start + want.min(line_text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        // Up to a column within an ASCII start of the line, the other encodings count one unit
        // a byte too: no need to decode the line a character at a time.
        if want <= line_text.len() && line_text.as_bytes()[..want].is_ascii() {
            return range.start + want;
        }
        let mut used = 0;
        for (i, ch) in line_text.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
                Encoding::Utf32 => 1,
            };
            if used + width > want {
                return range.start + i;
            }
            used += width;
        }
        range.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_line_breaks_count() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_of(text.find('d').unwrap()), 3);
        assert_eq!(index.line_range(text, 1), TextRange::new(2, 3));
    }

    #[test]
    fn columns_in_each_encoding() {
        let text = "x\n😀 é @id";
        let index = LineIndex::new(text);
        let at = text.find('@').unwrap();
        let p = |e| index.position(text, at, e);
        assert_eq!(p(Encoding::Utf8), LineCol { line: 1, col: 8 });
        assert_eq!(p(Encoding::Utf16), LineCol { line: 1, col: 5 });
        assert_eq!(p(Encoding::Utf32), LineCol { line: 1, col: 4 });
        for e in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(index.offset(text, p(e), e), at);
        }
    }

    #[test]
    fn columns_across_the_end_of_an_ascii_start() {
        // The ASCII start of a line is counted a byte a unit; what follows is decoded.
        let text = "ab\r\ncd😀e\u{e9}";
        let index = LineIndex::new(text);
        let at = |col| LineCol { line: 1, col };
        let offsets: Vec<usize> = (0..8)
            .map(|c| index.offset(text, at(c), Encoding::Utf16))
            .collect();
        assert_eq!(offsets, [4, 5, 6, 6, 10, 11, 13, 13]);
        let offsets: Vec<usize> = (0..6)
            .map(|c| index.offset(text, at(c), Encoding::Utf8))
            .collect();
        assert_eq!(offsets, [4, 5, 6, 6, 6, 6]);
        let cols: Vec<u32> = [4, 6, 10, 11, 13]
            .iter()
            .map(|&o| index.position(text, o, Encoding::Utf32).col)
            .collect();
        assert_eq!(cols, [0, 2, 3, 4, 5]);
    }

    #[test]
    fn an_offset_inside_crlf_is_the_end_of_its_line() {
        let text = "a\r\nb";
        let index = LineIndex::new(text);
        let p = index.position(text, 2, Encoding::Utf16);
        assert_eq!(p, LineCol { line: 0, col: 1 });
        assert_eq!(index.offset(text, p, Encoding::Utf16), 1);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        let far = LineCol { line: 0, col: 99 };
        assert_eq!(index.offset(text, far, Encoding::Utf16), 2);
        let below = LineCol { line: 7, col: 0 };
        assert_eq!(index.offset(text, below, Encoding::Utf16), text.len());
        // A UTF-16 column in the middle of a surrogate pair lands on the character's start.
        let emoji = "😀x";
        let index = LineIndex::new(emoji);
        assert_eq!(
            index.offset(emoji, LineCol { line: 0, col: 1 }, Encoding::Utf16),
            0
        );
    }
}
