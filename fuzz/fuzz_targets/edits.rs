//! Incremental editing: random edits (byte ranges snapped to char boundaries, inserted
//! strings) are applied to a String one at a time, and after each the document is replaced in
//! the same workspace with `set_document` (as the language server does on a change). Some edits
//! go to the entity registry instead, so both index paths (mentions swapped in place, index
//! rebuilt) are taken. At the end the diagnostics of the article must equal those of a fresh
//! workspace built from the final texts: same rule, range and message.
//!
//! The fresh workspace (the oracle) is a clone of the final registry indexed on its own in a
//! new workspace, kept per process for the last few registry texts
//! ([`common::indexed_registry`]), plus the final article added with `set_document`. Building
//! that index anew on every execution was most of the target's time and tested nothing the
//! first build of the same registry had not. It is still an index built from scratch from the
//! final texts, never touched by the edits under test: the registry is file 0 and the article
//! file 1 in both, as in a workspace built from both at once. An article without entity
//! definitions keeps the registry's definitions and names (the same ones a build from both
//! documents makes, as only entity definitions count) and adds its mentions to the
//! registry's, in file order, as a whole build does. An article with entity definitions drops
//! them, so `check` builds them from both documents. The incremental workspace under test is
//! made and edited exactly as before.
//!
//! Input: `initial article bytes` [`0x00` `edit bytes`]. The part before the first NUL is the
//! initial text (lossy UTF-8), so plain `.news` files are valid seeds; the rest is decoded by
//! `arbitrary` into at most 32 edits.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use newsmark::workspace::Document;

mod common;

#[derive(Arbitrary, Debug)]
struct Edit {
    start: u16,
    len: u8,
    insert: String,
    /// Run `check` after this step too (builds the lazily kept index mid-sequence).
    check: bool,
    /// Edit the registry instead of the article.
    registry: bool,
}

fn apply(text: &mut String, edit: &Edit) {
    let start = common::snap(text, edit.start as usize);
    let end = common::snap(text, start + edit.len as usize);
    text.replace_range(start..end, &edit.insert);
}

fuzz_target!(
    init: {
        // The index builds its two halves with `rayon::join` and its automata with a parallel
        // iterator. From a thread outside rayon's pool, each of these is a job handed to a
        // pool thread and a wait for it (futex wake-ups, yields): over a tenth of every
        // execution, with nothing to gain on one core. The fuzzing thread is made the pool's
        // only thread, so the same code runs inline.
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build_global()
            .expect("the global pool is not built before the first input");
    },
    |data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let mut text = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut u = Unstructured::new(data.get(split + 1..).unwrap_or(&[]));
    let mut edits = Vec::new();
    while !u.is_empty() && edits.len() < 32 {
        match Edit::arbitrary(&mut u) {
            Ok(e) => edits.push(e),
            Err(_) => break,
        }
    }

    let mut registry = common::REGISTRY.to_string();
    let (mut ws, id) = common::workspace_with(&text);
    common::assert_ranges_ok(&text, &common::check(&ws, id));
    for edit in &edits {
        if edit.registry {
            apply(&mut registry, edit);
            ws.set_document(Document::new(common::registry_path(), registry.clone()));
        } else {
            apply(&mut text, edit);
            let got = ws.set_document(Document::new(common::article_path(), text.clone()));
            assert_eq!(got, id, "the same path must keep its FileId");
        }
        if edit.check {
            common::assert_ranges_ok(&text, &common::check(&ws, id));
        }
    }

    let incremental = common::check(&ws, id);
    common::assert_ranges_ok(&text, &incremental);
    let mut fresh_ws = common::indexed_registry(&registry);
    let fresh_id = fresh_ws.set_document(Document::new(common::article_path(), text.clone()));
    let fresh = common::check(&fresh_ws, fresh_id);
    let key = |d: &newsmark::rules::Diagnostic| (d.rule, d.range, d.message.clone());
    let a: Vec<_> = incremental.iter().map(key).collect();
    let b: Vec<_> = fresh.iter().map(key).collect();
    assert_eq!(
        a, b,
        "incremental and fresh diagnostics differ;\nfinal article {text:?}\nfinal registry {registry:?}"
    );
    }
);
