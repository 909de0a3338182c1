use super::*;

fn slice(text: &str, range: TextRange) -> &str {
    &text[range.start..range.end]
}

#[test]
fn front_matter_entries_and_unknown_keys() {
    let text = "---\ntitle: Kursk\nstatus: review\nslug: kursk-pows\n---\nBody.\n";
    let file = parse(text);
    let fm = file.front_matter.as_ref().unwrap();
    assert!(fm.terminated);
    assert_eq!(fm.get("title").unwrap().text, "Kursk");
    assert_eq!(fm.get("slug").unwrap().text, "kursk-pows");
    assert!(file.errors.is_empty());
    assert_eq!(slice(text, file.blocks[0].range), "Body.");
}

#[test]
fn mentions_only_after_allowed_characters() {
    let text = "@a (@b) [@c] {@d} \"@e\" '@f' “@g” ‘@h’ —@i –@j /@k x@no \\@esc @bad- @-no";
    let file = parse(text);
    let ids: Vec<&str> = file.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "bad"]
    );
    for m in &file.mentions {
        assert_eq!(slice(text, m.target), format!("@{}", m.id));
    }
}

#[test]
fn link_mentions_citations_and_claims() {
    let text = "[Antony Blinken](@blinken) said [a thousand died]{^state ^ap @blinken status=reported note=\"per AP\"}.[^state][^ap]";
    let file = parse(text);
    let link = &file.mentions[0];
    assert_eq!(link.kind, MentionKind::Link);
    assert_eq!(slice(text, link.range), "[Antony Blinken](@blinken)");
    assert_eq!(slice(text, link.target), "@blinken");

    let claim = &file.claims[0];
    assert_eq!(slice(text, claim.text), "a thousand died");
    let sources: Vec<&str> = claim.sources.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(sources, ["state", "ap"]);
    assert_eq!(claim.speakers[0].text, "blinken");
    assert_eq!(claim.status.map(|s| s.0), Some(ClaimStatus::Reported));
    assert_eq!(claim.other[0].0.text, "note");
    assert_eq!(claim.other[0].1.text, "per AP");

    let cited: Vec<(&str, bool)> = file
        .citations
        .iter()
        .map(|c| (c.id.as_str(), c.claim.is_some()))
        .collect();
    assert_eq!(
        cited,
        [
            ("state", true),
            ("ap", true),
            ("state", false),
            ("ap", false)
        ]
    );
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    // The reader sees the claim text; the markup around it is masked out.
    let visible: Vec<&str> = file.prose_mask.split_whitespace().collect();
    let link = "E".repeat("[Antony Blinken](@blinken)".len());
    assert_eq!(
        visible,
        [link.as_str(), "said", "a", "thousand", "died", "."]
    );
}

#[test]
fn definitions_with_fields_end_at_blank_or_unindented_lines() {
    let text = "[@blinken]: Antony Blinken\n  kind: person\n\taliases: Blinken, Secretary Blinken\nProse again.\n\n[^s]: Title\n  by: @state\n";
    let file = parse(text);
    let entity = &file.definitions[0];
    assert_eq!(entity.kind, DefinitionKind::Entity);
    assert_eq!(entity.id.text, "blinken");
    assert_eq!(entity.name.text, "Antony Blinken");
    assert_eq!(entity.field_value("kind"), Some("person"));
    let aliases: Vec<String> = entity.aliases().into_iter().map(|a| a.text).collect();
    assert_eq!(aliases, ["Blinken", "Secretary Blinken"]);
    for alias in entity.aliases() {
        assert_eq!(slice(text, alias.range), alias.text);
    }
    assert_eq!(slice(text, file.blocks[0].range), "Prose again.");
    let source = &file.definitions[1];
    assert_eq!(source.kind, DefinitionKind::Source);
    assert_eq!(file.mentions[0].kind, MentionKind::By);
    assert_eq!(slice(text, file.mentions[0].target), "@state");
}

#[test]
fn code_comments_and_urls_are_opaque() {
    let text = "a `@x [^y]` <!-- @z --> https://e.org/@w?q=1. <https://e.org/@v> b";
    let file = parse(text);
    assert!(file.mentions.is_empty());
    assert!(file.citations.is_empty());
    assert!(!file.prose_mask.contains('@'));
    assert!(file.prose_mask.ends_with(". X") || file.prose_mask.contains(". "));
}

#[test]
fn a_citation_right_after_a_url_is_a_citation() {
    let text = "Talks went on (see https://example.org/x).[^a] Later https://e.org/y[^b] too.";
    let file = parse(text);
    let cited: Vec<&str> = file
        .citations
        .iter()
        .map(|c| slice(text, c.range))
        .collect();
    assert_eq!(cited, ["[^a]", "[^b]"]);
}

#[test]
fn blocks_split_at_headings_lists_tables_and_fences() {
    let text = "# Head\nPara one\ncontinues.\n- item one\n- item two\n| a | b |\n|---|---|\n```\ncode\n```\n> quoted\n> more\n";
    let file = parse(text);
    let blocks: Vec<(BlockKind, &str)> = file
        .blocks
        .iter()
        .map(|b| (b.kind, slice(text, b.range)))
        .collect();
    assert_eq!(
        blocks,
        [
            (BlockKind::Heading(1), "Head"),
            (BlockKind::Paragraph, "Para one\ncontinues."),
            (BlockKind::ListItem, "- item one"),
            (BlockKind::ListItem, "- item two"),
            (BlockKind::TableRow, "| a | b |"),
            (BlockKind::Paragraph, "> quoted\n> more"),
        ]
    );
}

#[test]
fn suppression_comments_are_read() {
    let text = "<!-- newsmark-disable-next-line unattributed-number, missing-source -->\n<!--newsmark-disable-->\n<!-- newsmark-enable syntax -->";
    let file = parse(text);
    let kinds: Vec<(SuppressionKind, Vec<&str>)> = file
        .suppressions
        .iter()
        .map(|s| (s.kind, s.rules.iter().map(|r| r.text.as_str()).collect()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                SuppressionKind::NextLine,
                vec!["unattributed-number", "missing-source"]
            ),
            (SuppressionKind::Disable, vec![]),
            (SuppressionKind::Enable, vec!["syntax"]),
        ]
    );
}

#[test]
fn a_comment_spanning_a_blank_line_stays_one_comment() {
    let text = "Before <!-- one\n\n@hidden --> after @shown.";
    let file = parse(text);
    let ids: Vec<&str> = file.mentions.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["shown"]);
}

#[test]
fn unclosed_things_stay_linear_and_error_free() {
    let text = "[".repeat(100_000) + &"`".repeat(1000) + &"{".repeat(1000) + "]{";
    let file = parse(&text);
    assert!(file.claims.is_empty());
}

#[test]
fn rule_names_after_multibyte_whitespace_keep_exact_ranges() {
    // Found by fuzzing: a no-break space shifted the ranges of the rule names after it.
    let text = "<!-- newsmark-disable\u{a0}x,\u{3000}y -->";
    let file = parse(text);
    let rules: Vec<&str> = file.suppressions[0]
        .rules
        .iter()
        .map(|r| slice(text, r.range))
        .collect();
    assert_eq!(rules, ["x", "y"]);
}

#[test]
fn a_mention_ending_like_a_url_is_still_a_mention() {
    for text in ["@www.[^s]", "@new-www.[^s]", "@http://x[^s]"] {
        let file = parse(text);
        assert_eq!(file.citations.len(), 1, "{text}");
        assert_eq!(file.mentions.len(), 1, "{text}");
    }
}

#[test]
fn a_comment_opener_that_looks_closed_is_not() {
    // Found by the property test: `<!-->` must not count as a complete comment.
    let file = parse("--><!-->");
    assert!(file.suppressions.is_empty());
    assert_eq!(file.prose_mask, "-->     ");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const FRAGMENTS: &[&str] = &[
        "@",
        "@id",
        "[",
        "]",
        "^",
        "[^s]",
        "{",
        "}",
        "(",
        ")",
        "(@e)",
        "\"",
        "“",
        "”",
        "`",
        "``",
        "<!--",
        "-->",
        "<",
        ">",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "  ",
        "a",
        "Word",
        "1",
        "10,000",
        ".",
        ",",
        "...",
        "😀",
        "é",
        "北",
        "---",
        "#",
        "## ",
        "kind: ",
        "by: @x",
        "status=",
        "^id",
        "http://e.org/x",
        "www.",
        "\\",
        "-",
        "_",
        ":",
        "|",
        "> ",
        "- ",
        "1. ",
        "```",
        "~~~",
        "newsmark-disable ",
        "per cent",
        "a thousand",
        "[@e]: Name\n  kind: org\n",
        "[^s]: T\n  url: u\n",
        "]{^s}",
        "](@x)",
        "![",
        "\u{a0}",
        "\u{2009}",
        "%",
        "€",
    ];

    fn markupish() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..120).prop_map(|v| v.concat())
    }

    fn check_ranges(text: &str) {
        let file = parse(text);
        let ok = |r: TextRange| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        let mut ranges: Vec<TextRange> = Vec::new();
        ranges.extend(file.blocks.iter().map(|b| b.range));
        ranges.extend(file.mentions.iter().flat_map(|m| [m.range, m.target]));
        ranges.extend(file.citations.iter().map(|c| c.range));
        for c in &file.claims {
            ranges.extend([c.range, c.text, c.attrs]);
            ranges.extend(c.sources.iter().chain(&c.speakers).map(|s| s.range));
        }
        for d in &file.definitions {
            ranges.extend([d.range, d.label, d.id.range, d.name.range]);
            ranges.extend(d.fields.iter().flat_map(|f| [f.key.range, f.value.range]));
            ranges.extend(d.aliases().iter().map(|a| a.range));
        }
        ranges.extend(file.errors.iter().map(|e| e.range));
        ranges.extend(file.suppressions.iter().map(|s| s.range));
        if let Some(fm) = &file.front_matter {
            ranges.push(fm.range);
        }
        for r in ranges {
            assert!(ok(r), "range {r:?} is not on char boundaries in {text:?}");
        }
        assert_eq!(file.prose_mask.len(), text.len());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn parser_never_panics_and_ranges_are_char_boundaries(text in markupish()) {
            check_ranges(&text);
        }

        #[test]
        fn arbitrary_unicode_too(text in any::<String>()) {
            check_ranges(&text);
        }
    }
}
