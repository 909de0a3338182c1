//! Arbitrary bytes → UTF-8 (lossy) → parse → a one-file workspace plus a fixed registry (see
//! `common::workspace_with`) → `rules::check`. Nothing may panic and every diagnostic
//! range must lie on char boundaries within the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(
    init: common::run_rayon_inline(),
    |data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;

    let (ws, id) = common::workspace_with(text);
    // The parse, as `Document::new` made it with `syntax::parse` (the language server calls
    // the parser the same way); parsing the text a second time on its own only doubled the
    // cost.
    let doc = ws.document(id);
    assert_eq!(
        doc.prose_mask().len(),
        text.len(),
        "prose mask must be as long as the text"
    );
    for e in &doc.syntax.errors {
        assert!(
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end),
            "syntax error range {:?} bad: {}",
            e.range,
            e.message
        );
    }

    let diags = common::check(&ws, id);
    common::assert_ranges_ok(text, &diags);
    }
);
