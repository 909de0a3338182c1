//! Renaming entity and source ids: the edits over multi-file fixtures (`$0` marks the cursor),
//! the refusals, and a property test against a re-parse of the edited files.

mod common;

use common::{nav_cursor, nav_excerpt};
use insta::assert_snapshot;
use newsmark::features::rename::{self, FileEdit};
use newsmark::features::target::{self, Target};
use newsmark::syntax::{self, DefinitionKind, SyntaxFile, TextRange};
use newsmark::workspace::{FileId, Workspace};
use proptest::prelude::*;

const THREE_FILES: &str = "//- entities.news
[@ssu]: Security Service of Ukraine
  kind: org
  aliases: SSU

[@gs]: General Staff
  kind: org
//- a.news
The [Security Service of Ukraine]( @ssu ) reported it.[^ssu]
@ssu said he was [20 years old]{^ssu @ssu status=unverified}; @ssu-based units and @ssus did not.
The SSU confirmed it, as did `@ssu` in code.

[^ssu]: SSU communiqué
  by: @ssu
//- b.news
# @ssu's report

Reported by @s$0su.[^gs]

[^gs]: General Staff report
  by: @gs
";

fn apply(text: &str, edits: &FileEdit) -> String {
    let mut out = String::new();
    let mut last = 0;
    for edit in &edits.edits {
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.new_text);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Each edit with its place in the old text, then every changed file as it reads afterwards.
fn show(ws: &Workspace, result: &[FileEdit]) -> String {
    let mut out = String::new();
    for file_edit in result {
        for edit in &file_edit.edits {
            let note = format!("→ {}", edit.new_text);
            out.push_str(&nav_excerpt(ws, file_edit.file, edit.range, &note));
        }
    }
    for file_edit in result {
        let doc = ws.document(file_edit.file);
        out.push_str(&format!("== {} after ==\n", doc.path.display()));
        out.push_str(&apply(&doc.text, file_edit));
    }
    out
}

fn rename_at(fixture: &str, new_id: &str) -> (Workspace, Result<Vec<FileEdit>, String>) {
    let (ws, file, offset) = nav_cursor(fixture);
    let result = rename::rename(&ws, file, offset, new_id).map_err(|e| e.to_string());
    (ws, result)
}

fn error(fixture: &str, new_id: &str) -> String {
    rename_at(fixture, new_id)
        .1
        .expect_err("the rename is refused")
}

#[test]
fn entity_renamed_across_three_files() {
    let (ws, result) = rename_at(THREE_FILES, "@sbu");
    let result = result.unwrap();
    assert_eq!(result.len(), 3);
    assert_snapshot!(show(&ws, &result));
}

#[test]
fn source_renamed_in_its_file_only() {
    let fixture = "//- a.news
Five were taken.[^gs] [Ten]{^gs ^other} fled.[^other]

[^gs]: General$0 Staff report

[^other]: Other
//- b.news
Two more.[^gs]

[^gs]: Another file's source with the same id
";
    let (ws, file, offset) = nav_cursor(fixture);
    // The cursor is past the label, on the title: nothing to rename there.
    assert!(rename::rename(&ws, file, offset, "x").is_err());
    let fixture = fixture
        .replace("$0", "")
        .replacen("[^gs]: ", "[^g$0s]: ", 1);
    let (ws, result) = rename_at(&fixture, "^gs-2025");
    assert_snapshot!(show(&ws, &result.unwrap()));
}

#[test]
fn prepare_rename_gives_the_id_without_its_markup() {
    let fixture = "//- entities.news
[@ssu]: Security Service of Ukraine
  aliases: SSU
//- a.news
The [Security Service](@ssu) said so.[^gs] [It]{^gs @ssu} was SSU.

[^gs]: General Staff
";
    let mut out = String::new();
    let (ws, file, _) = nav_cursor(&format!("{fixture}$0"));
    let text = ws.document(file).text.clone();
    for (what, needle, skip) in [
        ("link display text", "Security Service]", 3),
        ("citation", "[^gs]", 0),
        ("span source", "^gs @", 1),
        ("span speaker", "@ssu}", 0),
        ("source label", "[^gs]:", 5),
        ("plain-text name", "SSU.", 1),
        ("plain text", "said", 0),
    ] {
        let offset = text.find(needle).unwrap() + skip;
        out.push_str(&format!("== {what} ==\n"));
        out.push_str(&nav_excerpt(
            &ws,
            file,
            TextRange::new(offset, offset),
            "cursor",
        ));
        match rename::prepare_rename(&ws, file, offset) {
            Ok((range, id)) => {
                assert_eq!(&text[range.start..range.end], id);
                out.push_str(&nav_excerpt(&ws, file, range, &format!("id {id}")));
            }
            Err(e) => out.push_str(&format!("error: {e}\n")),
        }
    }
    let entities = ws.file_id("entities.news".as_ref()).unwrap();
    let (range, id) = rename::prepare_rename(&ws, entities, 2).unwrap();
    out.push_str("== entity label ==\n");
    out.push_str(&nav_excerpt(&ws, entities, range, &format!("id {id}")));
    assert_snapshot!(out);
}

#[test]
fn collisions_are_refused() {
    let out = [
        error(THREE_FILES, "gs"),
        error(
            "//- a.news\nOne.[^a$0] Two.[^b]\n\n[^a]: A\n\n[^b]: B\n",
            "^b",
        ),
    ]
    .join("\n");
    assert_snapshot!(out);
    // A source id defined in another file is no collision: sources are local.
    let (_, ok) = rename_at(
        "//- a.news\nOne.[^a$0]\n\n[^a]: A\n//- b.news\nTwo.[^b]\n\n[^b]: B\n",
        "b",
    );
    assert_eq!(ok.unwrap().len(), 1);
    // Nor is an id that is only used: the rename makes those mentions resolve.
    let (_, ok) = rename_at(
        "//- e.news\n[@ssu]: S\n//- a.news\n@s$0su and @nowhere.\n",
        "nowhere",
    );
    assert_eq!(ok.unwrap().len(), 2);
}

#[test]
fn invalid_ids_are_refused() {
    let mut out = String::new();
    for new_id in [
        "",
        "@",
        "-ssu",
        "ssu_",
        "général",
        "two words",
        "^sbu",
        "@@sbu",
        "ssu",
        "@ssu",
    ] {
        out.push_str(&format!("{new_id:?}: {}\n", error(THREE_FILES, new_id)));
    }
    for new_id in ["@sbu", "a", "@x"] {
        out.push_str(&format!(
            "source {new_id:?}: {}\n",
            error("//- a.news\nOne.[^a$0]\n\n[^a]: A\n", new_id)
        ));
    }
    out.push_str(&format!(
        "plain name: {}\n",
        error(
            "//- e.news\n[@ssu]: Security Service\n//- a.news\nThe Security Se$0rvice.\n",
            "sbu"
        )
    ));
    out.push_str(&format!(
        "nothing: {}\n",
        error("//- a.news\nNothing $0here.\n", "sbu")
    ));
    assert_snapshot!(out);
}

#[test]
fn multibyte_and_crlf_text_keep_exact_ranges() {
    let (ws, result) = rename_at(
        "//- entities.news\r\n[@bj]: 北京\r\n  kind: place\r\n//- a.news\r\n😀 北京 — “@b$0j” and [北京市](@bj) 🇨🇳.\r\n\r\n[^s]: 新华社\r\n  by: @bj\r\n",
        "beijing",
    );
    let result = result.unwrap();
    for file_edit in &result {
        let text = &ws.document(file_edit.file).text;
        let after = apply(text, file_edit);
        assert_eq!(after.matches("\r\n").count(), text.matches("\r\n").count());
        assert!(!after.contains("@bj") && !after.contains("[@bj]"));
    }
    assert_snapshot!(show(&ws, &result));
}

// ---------------------------------------------------------------------------------------------
// Property: applying the edits and re-parsing gives the same annotations, with exactly the
// renamed id changed.

const FRAGMENTS: &[&str] = &[
    "@ssu",
    "@x",
    "@ssu-based",
    "@ssu_",
    "@ssu.",
    "[SSU](@ssu)",
    "[y]( @x )",
    "[bad](@ssu-)",
    "{^a @ssu}",
    "{^b @x status=reported}",
    "{^a ^b}",
    "[claim]",
    "[^a]",
    "[^b]",
    "[^a-]",
    "`@ssu`",
    "<!-- @ssu [^a] -->",
    "[@ssu]: Security Service\n  kind: org\n",
    "[@x]: X\n",
    "[^a]: Title\n  by: @ssu\n",
    "[^b]: Other\n  by: @x\n",
    "SSU",
    "Security Service",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "# ",
    "- ",
    "😀",
    "北京",
    ".",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "@",
    "^",
];

const NEW_IDS: &[&str] = &[
    "ssu", "x", "a", "b", "renamed", "r2", "ssu-2", "B_c9", "^b", "@x",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|v| v.concat())
}

/// Every annotation of a file, with `rename` applied to the ids it concerns.
fn annotations(syntax: &SyntaxFile, rename: &dyn Fn(DefinitionKind, &str) -> String) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for m in &syntax.mentions {
        writeln!(
            out,
            "mention {:?} {}",
            m.kind,
            rename(DefinitionKind::Entity, &m.id)
        )
        .unwrap();
    }
    for c in &syntax.citations {
        let id = rename(DefinitionKind::Source, &c.id);
        writeln!(out, "citation {id} in claim {:?}", c.claim).unwrap();
    }
    for d in &syntax.definitions {
        let id = if d.has_valid_id() {
            rename(d.kind, &d.id.text)
        } else {
            d.id.text.clone()
        };
        writeln!(out, "definition {:?} {id} {:?}", d.kind, d.name.text).unwrap();
    }
    let blocks: Vec<_> = syntax.blocks.iter().map(|b| b.kind).collect();
    writeln!(out, "blocks {blocks:?}").unwrap();
    writeln!(out, "claims {}", syntax.claims.len()).unwrap();
    writeln!(out, "errors {}", syntax.errors.len()).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn renaming_changes_exactly_the_renamed_id(
        a in text(),
        b in text(),
        pick in any::<prop::sample::Index>(),
        new_id in prop::sample::select(NEW_IDS),
    ) {
        let fixture = format!(
            "//- entities.news\n[@ssu]: Security Service\n  kind: org\n//- a.news\n{a}\n\n@x said so.[^b]\n//- b.news\n{b}\n"
        );
        let ws = common::workspace(&fixture);
        let file_a = ws.file_id("a.news".as_ref()).unwrap();
        let syntax_a = &ws.document(file_a).syntax;
        // Somewhere on each id of a.news: mentions, citations and valid definition labels. The
        // fixed last paragraph makes sure there is at least one.
        let cursors: Vec<usize> = syntax_a
            .mentions
            .iter()
            .map(|m| m.target.end - 1)
            .chain(syntax_a.citations.iter().map(|c| c.range.start + 1))
            .chain(syntax_a.definitions.iter().filter(|d| d.has_valid_id()).map(|d| d.label.start + 1))
            .collect();
        prop_assume!(!cursors.is_empty());
        let offset = cursors[pick.index(cursors.len())];

        let (id_range, old) = rename::prepare_rename(&ws, file_a, offset).unwrap();
        prop_assert_eq!(&ws.document(file_a).text[id_range.start..id_range.end], old.as_str());
        let kind = match &target::at(&ws, file_a, offset)[0].target {
            Target::Entity { .. } => DefinitionKind::Entity,
            Target::Source { .. } => DefinitionKind::Source,
        };
        let bare_new = new_id.trim_start_matches(['@', '^']);

        match rename::rename(&ws, file_a, offset, new_id) {
            Err(e) => {
                // Only legitimate refusals: a sigil of the other kind, no change, or a collision.
                let wrong_sigil = match kind {
                    DefinitionKind::Entity => new_id.starts_with('^'),
                    DefinitionKind::Source => new_id.starts_with('@'),
                };
                let taken = match kind {
                    DefinitionKind::Entity => ws.entity(bare_new).next().is_some(),
                    DefinitionKind::Source => syntax_a.definitions.iter().any(|d| {
                        d.kind == DefinitionKind::Source && d.id.text == bare_new
                    }),
                };
                prop_assert!(wrong_sigil || bare_new == old || taken, "refused: {}", e);
            }
            Ok(result) => {
                prop_assert!(bare_new != old);
                for (file, doc) in ws.documents() {
                    let edits = result.iter().find(|f| f.file == file);
                    let after = match edits {
                        Some(edits) => {
                            for pair in edits.edits.windows(2) {
                                prop_assert!(pair[0].range.end <= pair[1].range.start);
                            }
                            for edit in &edits.edits {
                                prop_assert_eq!(&doc.text[edit.range.start..edit.range.end], old.as_str());
                                prop_assert_eq!(edit.new_text.as_str(), bare_new);
                            }
                            apply(&doc.text, edits)
                        }
                        None => doc.text.clone(),
                    };
                    let concerned = |k: DefinitionKind, f: FileId| {
                        k == kind && (kind == DefinitionKind::Entity || f == file_a)
                    };
                    let expected = annotations(&doc.syntax, &|k, id| {
                        if concerned(k, file) && id == old { bare_new.to_string() } else { id.to_string() }
                    });
                    let actual = annotations(&syntax::parse(&after), &|_, id| id.to_string());
                    prop_assert_eq!(expected, actual, "{}", after);
                }
            }
        }
    }
}
