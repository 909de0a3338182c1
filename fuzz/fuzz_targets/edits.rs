//! Incremental editing: random edits (byte ranges snapped to char boundaries, inserted
//! strings) are applied to a String one at a time, and after each the document is replaced in
//! the same workspace with `set_document` (as the language server does on a change). Some edits
//! go to the entity registry instead, so both index paths (mentions swapped in place, index
//! rebuilt) are taken. After the first text, after every edit that asks for it, and at the
//! end, the entity index is built (as a request would build it) and must hold exactly the
//! definitions and mentions of the documents ([`assert_index_matches_documents`]). At the end
//! the diagnostics of the article must also equal those of a fresh workspace built from the
//! final texts: same rule, range and message.
//!
//! The intermediate texts are not run through `rules::check`: only the index carries state
//! from one edit to the next, and it is compared with the documents after each step that asks
//! for it. The rules themselves see one document and the index, and a text that fails them
//! midway fails them as the final text too (the fuzzer gets there by dropping the edits after
//! it); `parse_and_check` runs them on arbitrary texts. Checking the diagnostics of every step
//! that asked for it was about a third of this target's time (docs/reliability.md, Speed).
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
//! them, so `check` builds them from both documents.
//!
//! Input: `initial article bytes` [`0x00` `edit bytes`]. The part before the first NUL is the
//! initial text (lossy UTF-8), so plain `.news` files are valid seeds; the rest is decoded by
//! `arbitrary` into at most [`MAX_EDITS`] edits. `run.sh` runs this target with
//! `-max_len=2048`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

use newsmark::syntax::DefinitionKind;
use newsmark::workspace::{Document, Workspace};

mod common;

/// Edits per input. Sixteen leave room for every kind of step (article or registry edited,
/// entity definitions changed or not, index built or not) to follow every other; 32 cost a
/// fifth of the executions (docs/reliability.md, Speed).
const MAX_EDITS: usize = 16;

#[derive(Arbitrary, Debug)]
struct Edit {
    start: u16,
    len: u8,
    insert: String,
    /// After this step, build the lazily kept index (as a request would) and compare it with
    /// the documents ([`assert_index_matches_documents`]).
    check_index: bool,
    /// Edit the registry instead of the article.
    registry: bool,
}

fn apply(text: &mut String, edit: &Edit) {
    let start = common::snap(text, edit.start as usize);
    let end = common::snap(text, start + edit.len as usize);
    text.replace_range(start..end, &edit.insert);
}

/// Builds the workspace's entity index, as a request after this edit would, and compares
/// what it holds with what its documents define and mention: the definitions of each id in
/// file order, and the mentions of each id (the incremental updates append a file's
/// mentions after the others', so they are compared as sets).
fn assert_index_matches_documents(ws: &Workspace) {
    type Refs = BTreeMap<String, Vec<(u32, usize)>>;
    let mut definitions = Refs::new();
    let mut mentions = Refs::new();
    for (file, doc) in ws.documents() {
        for (i, def) in doc.syntax.definitions.iter().enumerate() {
            if def.kind == DefinitionKind::Entity && def.has_valid_id() {
                let refs = definitions.entry(def.id.text.clone()).or_default();
                refs.push((file.0, i));
            }
        }
        for (i, mention) in doc.syntax.mentions.iter().enumerate() {
            let refs = mentions.entry(mention.id.to_string()).or_default();
            refs.push((file.0, i));
        }
    }
    let index = ws.index();
    let indexed_definitions: Refs = index
        .definitions
        .iter()
        .map(|(id, refs)| {
            (
                id.clone(),
                refs.iter().map(|r| (r.file.0, r.index)).collect(),
            )
        })
        .collect();
    assert_eq!(
        indexed_definitions, definitions,
        "entity definitions in the index"
    );
    let indexed_mentions: Refs = index
        .mentions
        .iter()
        .map(|(id, refs)| {
            let mut refs: Vec<_> = refs.iter().map(|r| (r.file.0, r.index)).collect();
            refs.sort_unstable();
            (id.clone(), refs)
        })
        .collect();
    assert_eq!(indexed_mentions, mentions, "mentions in the index");
}

fuzz_target!(
    init: common::run_rayon_inline(),
    |data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let mut text = String::from_utf8_lossy(&data[..split]).into_owned();
    let mut u = Unstructured::new(data.get(split + 1..).unwrap_or(&[]));
    let mut edits = Vec::new();
    while !u.is_empty() && edits.len() < MAX_EDITS {
        match Edit::arbitrary(&mut u) {
            Ok(e) => edits.push(e),
            Err(_) => break,
        }
    }

    let mut registry = common::REGISTRY.to_string();
    let (mut ws, id) = common::workspace_with(&text);
    assert_index_matches_documents(&ws);
    for edit in &edits {
        if edit.registry {
            apply(&mut registry, edit);
            ws.set_document(Document::new(common::registry_path(), registry.clone()));
        } else {
            apply(&mut text, edit);
            let got = ws.set_document(Document::new(common::article_path(), text.clone()));
            assert_eq!(got, id, "the same path must keep its FileId");
        }
        if edit.check_index {
            assert_index_matches_documents(&ws);
        }
    }

    assert_index_matches_documents(&ws);
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
