//! `LineIndex`: for every offset of the text (and some past its end), offset → position →
//! offset round trips, in all three encodings, to the offset snapped back to a char boundary;
//! and for every (line, column) up to past the end, `offset` gives a char boundary inside that
//! line, with lines past the end clamping to the end of the text and columns past the end of
//! a line clamping to the end of that line (before its break).
//!
//! Input: the raw bytes as (lossy) UTF-8 text, so the seeds are plain `.news` files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsmark::syntax::{Encoding, LineCol, LineIndex};

mod common;

fn strict_crlf() -> bool {
    static STRICT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("NEWSMARK_FUZZ_STRICT_CRLF").is_some())
}

const ENCODINGS: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

fuzz_target!(|data: &[u8]| {
    if data.len() > 4096 {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let index = LineIndex::new(text);

    let bytes = text.as_bytes();
    for offset in 0..=text.len() + 8 {
        let mut want = common::snap(text, offset);
        // Known (reported) behaviour: an offset between the `\r` and `\n` of a CRLF break maps
        // to a column past the line's end, which clamps back to before the `\r`. Accept that
        // one case so the target keeps looking for other failures; set
        // NEWSMARK_FUZZ_STRICT_CRLF=1 to assert the plain contract instead.
        if want > 0
            && want < bytes.len()
            && bytes[want - 1] == b'\r'
            && bytes[want] == b'\n'
            && !strict_crlf()
        {
            want -= 1;
        }
        for enc in ENCODINGS {
            let pos = index.position(text, offset, enc);
            let back = index.offset(text, pos, enc);
            assert_eq!(
                back, want,
                "round trip of offset {offset} in {enc:?} via {pos:?} gave {back}, expected {want}; text {text:?}"
            );
        }
    }

    let lines = index.line_count();
    for line in 0..lines + 2 {
        let range = index.line_range(text, line);
        for enc in ENCODINGS {
            // Every column up to a few past the end of the line, then a huge one.
            let cols = (0..=range.len() as u32 * 2 + 3).chain([u32::MAX]);
            for col in cols {
                let pos = LineCol { line: line as u32, col };
                let off = index.offset(text, pos, enc);
                assert!(
                    off <= text.len() && text.is_char_boundary(off),
                    "offset({pos:?}, {enc:?}) = {off}: not a char boundary; text {text:?}"
                );
                if line >= lines {
                    assert_eq!(off, text.len(), "line past the end must clamp to the end; text {text:?}");
                } else {
                    assert!(
                        range.start <= off && off <= range.end,
                        "offset({pos:?}, {enc:?}) = {off} outside line {line} {range:?}; text {text:?}"
                    );
                    if col == u32::MAX {
                        assert_eq!(off, range.end, "huge column must clamp to the line end; text {text:?}");
                    }
                }
            }
        }
    }
});
