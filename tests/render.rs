//! `newsmark render`: golden snapshots of the three formats (the shipped example and
//! fixtures covering every construct), the safety of the HTML against hostile articles, the
//! command line, and the output read back by independent consumers (headless Chromium, a
//! JSON Schema validator, a CommonMark parser, a structured-data extractor) through
//! tests/render_consumers.py.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use insta::assert_snapshot;
use newsmark::render::{self, Format};
use newsmark::workspace::Workspace;
use regex::Regex;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Workspace {
    let path = root()
        .join("tests/fixtures/render")
        .join(format!("{name}.fixture"));
    common::workspace(&std::fs::read_to_string(path).expect("readable fixture"))
}

/// The articles of a workspace (not its registries), by path.
fn articles(ws: &Workspace) -> Vec<(String, newsmark::workspace::FileId)> {
    let mut out: Vec<_> = ws
        .documents()
        .filter(|(id, _)| !render::is_registry(ws, *id))
        .map(|(id, doc)| (doc.path.display().to_string(), id))
        .collect();
    out.sort();
    out
}

fn kursk() -> (Workspace, newsmark::workspace::FileId) {
    let path = PathBuf::from("examples/kursk/kursk-pows.news");
    std::env::set_current_dir(root()).unwrap();
    let mut run = newsmark::cli::run_check(std::slice::from_ref(&path));
    assert!(run.trouble.is_empty(), "{:?}", run.trouble);
    let (ws, reports) = run.workspaces.remove(0);
    let file = reports[0].file;
    (ws, file)
}

const FORMATS: [(Format, &str); 3] = [
    (Format::Html, "html"),
    (Format::Markdown, "md"),
    (Format::Json, "json"),
];

#[test]
fn the_example_in_every_format() {
    let (ws, file) = kursk();
    for (format, ext) in FORMATS {
        assert_snapshot!(format!("kursk.{ext}"), render::render(&ws, file, format));
    }
}

#[test]
fn every_fixture_in_every_format() {
    for name in ["constructs", "escapes", "hostile", "minimal"] {
        let ws = fixture(name);
        for (path, file) in articles(&ws) {
            for (format, ext) in FORMATS {
                let stem = Path::new(&path).file_stem().unwrap().to_string_lossy();
                insta::with_settings!({ description => path.clone() }, {
                    assert_snapshot!(
                        format!("{name}-{stem}.{ext}"),
                        render::render(&ws, file, format)
                    );
                });
            }
        }
    }
}

/// The page's body with its elements' tags, code and the JSON-LD taken out: what a reader
/// reads, roughly (the Chromium test reads the real DOM).
fn visible_text(html: &str) -> String {
    let body = &html[html.find("<body>").unwrap()..];
    let code = Regex::new(r"(?s)<pre>.*?</pre>|<code>.*?</code>").unwrap();
    let tags = Regex::new(r"<[^>]*>").unwrap();
    let text = code.replace_all(body, " ");
    tags.replace_all(&text, " ")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What would show newsmark's markup to a reader: a mention, a link mention, a claim span's
/// attributes, a citation, a definition or a suppression comment.
fn annotation_syntax() -> Regex {
    Regex::new(
        r#"(?m)(^|[\s(\[{"'“‘—–/*_>|])@[A-Za-z0-9]|\]\(\s*@|\]\{|\{\^|status=|\[\^[A-Za-z]|^\s*\[(@[A-Za-z0-9]|\^[A-Za-z])[A-Za-z0-9_-]*\]:|newsmark-disable|kind: (org|person|place|official)"#,
    )
    .unwrap()
}

#[test]
fn no_annotation_syntax_is_left_in_html_or_markdown() {
    let syntax = annotation_syntax();
    let code = Regex::new(r"(?s)```.*?```|`[^`]*`").unwrap();
    let mut checked = 0;
    let (ws, file) = kursk();
    let mut all = vec![(
        "kursk".to_string(),
        render::render(&ws, file, Format::Html),
        render::render(&ws, file, Format::Markdown),
    )];
    // Not `escapes`: what it escapes is meant to show.
    for name in ["constructs", "minimal"] {
        let ws = fixture(name);
        for (path, file) in articles(&ws) {
            all.push((
                format!("{name}/{path}"),
                render::render(&ws, file, Format::Html),
                render::render(&ws, file, Format::Markdown),
            ));
        }
    }
    for (name, html, markdown) in all {
        let text = visible_text(&html);
        assert!(
            !syntax.is_match(&text),
            "{name}.html shows markup: {:?}",
            syntax
                .find(&text)
                .map(|m| &text[m.start().saturating_sub(40)..m.end() + 20])
        );
        let prose = code.replace_all(&markdown, " ");
        // The footnotes are GFM footnotes, numbered: `[^1]`, never a source id.
        assert!(
            !syntax.is_match(&prose),
            "{name}.md keeps markup: {:?}",
            syntax
                .find(&prose)
                .map(|m| &prose[m.start().saturating_sub(40)..m.end() + 20])
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn hostile_articles_cannot_put_script_or_handlers_in_the_page() {
    let ws = fixture("hostile");
    let (_, file) = articles(&ws)[0].clone();
    let html = render::render(&ws, file, Format::Html);
    // The only script element is the JSON-LD, and nothing in it can close it.
    let scripts: Vec<_> = html.match_indices("<script").collect();
    assert_eq!(scripts.len(), 1, "{html}");
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    let json = &html[start + "<script type=\"application/ld+json\">".len()..end];
    assert!(!json.contains('<') && !json.contains('>'));
    let data: serde_json::Value = serde_json::from_str(json).expect("JSON-LD parses");
    assert_eq!(
        data[0]["headline"],
        "</script><script>document.body.dataset.pwned='title'</script>"
    );
    // No element the article wrote, no event attribute, no unsafe link target.
    let tag =
        Regex::new(r"(?i)<(img|iframe|svg|div|object|embed|form|base|meta http-equiv=.refresh)\b")
            .unwrap();
    assert!(!tag.is_match(&html), "{:?}", tag.find(&html));
    // Attribute values are always double-quoted with `"` escaped inside, so with the values
    // blanked what is left of each tag is its names.
    let values = Regex::new(r#""[^"]*""#).unwrap();
    let tags = values.replace_all(&html, "\"\"");
    let handler = Regex::new(r"(?i)<[a-z][^>]*\son[a-z]+\s*=").unwrap();
    assert!(!handler.is_match(&tags), "{:?}", handler.find(&tags));
    let target =
        Regex::new(r#"(?i)(href|src)\s*=\s*"?\s*(javascript|data|vbscript|java&)"#).unwrap();
    assert!(!target.is_match(&html), "{:?}", target.find(&html));
    // The Markdown output does not carry raw HTML or unsafe links to a CMS either.
    let markdown = render::render(&ws, file, Format::Markdown);
    let raw = Regex::new(r"(?i)<(script|img|iframe|svg|div|a)\b").unwrap();
    assert!(!raw.is_match(&markdown), "{:?}", raw.find(&markdown));
    let link = Regex::new(r"(?i)\]\(\s*<?\s*(javascript|data|vbscript):|<javascript:").unwrap();
    assert!(!link.is_match(&markdown), "{:?}", link.find(&markdown));
}

#[test]
fn claims_with_a_verdict_get_a_claim_review() {
    let ws = fixture("constructs");
    let file = articles(&ws)[0].1;
    let html = render::render(&ws, file, Format::Html);
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&html[start + "<script type=\"application/ld+json\">".len()..end])
            .unwrap();
    let reviews: Vec<(String, i64)> = data
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["@type"] == "ClaimReview")
        .map(|r| {
            (
                r["reviewRating"]["alternateName"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["reviewRating"]["ratingValue"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reviews,
        [
            ("True".to_string(), 5),
            ("False".to_string(), 1),
            ("Disputed".to_string(), 3)
        ]
    );
}

// The command line.

fn newsmark(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsmark"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn write(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const REGISTRY: &str =
    "[@ssu]: Security Service of Ukraine\n  kind: org\n  url: https://ssu.gov.ua/\n";
const GOOD: &str = "---\ntitle: Good\ndate: 2025-01-12\n---\n\nThe @ssu spoke.[^a]\n\n[^a]: Statement\n  url: https://ssu.gov.ua/a\n  date: 2025-01-11\n  kind: official\n";
const BAD: &str = "---\ntitle: Bad\n---\n\nThe @nobody spoke.\n";

#[test]
fn one_article_goes_to_stdout_using_the_workspace_registry() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "entities.news", REGISTRY);
    write(dir.path(), "desk/good.news", GOOD);
    let out = newsmark(
        dir.path(),
        &["render", "desk/good.news", "--format", "markdown"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "# Good\n\n*12 January 2025*\n\nThe [Security Service of Ukraine](<https://ssu.gov.ua/>) spoke.[^1]\n\n[^1]: Statement, 11 January 2025, official. <https://ssu.gov.ua/a>\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn many_articles_go_into_a_directory_and_registries_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "entities.news", REGISTRY);
    write(dir.path(), "desk/good.news", GOOD);
    write(dir.path(), "other.news.md", GOOD);
    let out = newsmark(dir.path(), &["render", ".", "-o", "site"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut made: Vec<String> = walk(&dir.path().join("site"));
    made.sort();
    assert_eq!(made, ["desk/good.html", "other.html"]);
    // Without -o there is nowhere to put several.
    let out = newsmark(dir.path(), &["render", ".", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o DIR"));
    // One article into a directory that does not exist yet.
    let out = newsmark(dir.path(), &["render", "desk/good.news", "-o", "one/"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("one/desk/good.html").is_file());
    // Nothing to render is a usage error.
    write(dir.path(), "empty/notes.txt", "");
    let out = newsmark(dir.path(), &["render", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no .news article to render"));
    // One article and -o FILE.
    let out = newsmark(
        dir.path(),
        &[
            "render",
            "desk/good.news",
            "--format",
            "json",
            "-o",
            "good.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("good.json")).unwrap()).unwrap();
    assert_eq!(json["front_matter"]["title"], "Good");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.extend(walk(&path).into_iter().map(|p| format!("{name}/{p}")));
        } else {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn a_draft_with_errors_still_renders_and_fails_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "bad.news", BAD);
    let out = newsmark(dir.path(), &["render", "bad.news"]);
    assert_eq!(out.status.code(), Some(1));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("<h1>Bad</h1>") && html.contains("nm-undefined"));
    assert!(html.contains("newsmark check found 1 error in this draft."));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bad.news: rendered as a draft with 1 error (run `newsmark check` to see it)\n"
    );
    let out = newsmark(dir.path(), &["render", "bad.news", "--allow-errors"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.is_empty());
}

#[test]
fn unreadable_input_gets_the_errors_check_gives() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "newsmark.toml", "");
    write(dir.path(), "latin1.news", b"caf\xe9\n");
    for args in [vec!["missing.news"], vec!["latin1.news"]] {
        let check = newsmark(dir.path(), &[&["check"][..], &args].concat());
        let render = newsmark(dir.path(), &[&["render"][..], &args].concat());
        assert_eq!(render.status.code(), Some(2));
        assert_eq!(check.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&render.stderr),
            String::from_utf8_lossy(&check.stderr)
        );
        assert!(!render.stderr.is_empty());
    }
}

// Independent consumers.

/// Writes every rendering the consumers read into target/render-consumers and runs
/// tests/render_consumers.py over it: the JSON output against the published JSON Schema, the
/// Markdown through markdown-it-py with GFM footnotes, the JSON-LD through extruct, and the
/// pages in headless Chromium (text, scripts, screenshots kept there as artifacts). Skipped
/// with a note when Python's packages (tests/requirements.txt) or Chromium are missing,
/// unless NEWSMARK_REQUIRE_EDITORS=1.
#[test]
fn independent_consumers_read_the_output() {
    let out_dir = root().join("target/render-consumers");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).unwrap();
    let (ws, file) = kursk();
    let mut outputs = vec![("kursk".to_string(), ws, file)];
    for name in ["constructs", "hostile", "minimal"] {
        let ws = fixture(name);
        let file = articles(&ws)[0].1;
        outputs.push((name.to_string(), ws, file));
    }
    for (name, ws, file) in &outputs {
        for (format, ext) in FORMATS {
            std::fs::write(
                out_dir.join(format!("{name}.{ext}")),
                render::render(ws, *file, format),
            )
            .unwrap();
        }
    }
    let require = std::env::var("NEWSMARK_REQUIRE_EDITORS").is_ok_and(|v| v == "1");
    let mut command = Command::new("python3");
    command
        .arg(root().join("tests/render_consumers.py"))
        .arg(&out_dir)
        .arg(root().join("docs/render-v1.schema.json"));
    if require {
        command.arg("--require");
    }
    let out = command.output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}\n{stderr}");
}

/// Every rule's fixture (syntax errors, half-written markup, unknown ids, odd blocks) renders
/// in every format without a panic.
#[test]
fn every_rule_fixture_renders() {
    let dir = root().join("tests/fixtures/rules");
    let mut rendered = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let ws = common::workspace(&std::fs::read_to_string(&path).unwrap());
        for (_, file) in articles(&ws) {
            for (format, _) in FORMATS {
                let out = render::render(&ws, file, format);
                assert!(!out.is_empty(), "{}", path.display());
            }
            rendered += 1;
        }
    }
    assert!(rendered >= 20, "{rendered}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Whatever the article, markup fragments and HTML shuffled together: rendering does not
    /// panic, the page's one script element is the JSON-LD, and no tag carries an event
    /// attribute or a script link.
    #[test]
    fn any_article_renders_to_a_page_without_script(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "@ssu", "[SSU](@ssu)", "[^a]", "[^b]", "[claim]{^a @ssu status=false}", "[x]{",
                "<script>x()</script>", "<img src=x onerror=y()>", "</script>", "<!--", "-->",
                "[l](javascript:x)", "<javascript:x>", "`", "```", "\n", "\n\n", "# ", "- ",
                "> ", "| a |", "*", "_", "[", "]", "(", ")", "{", "}", "\\", "&", "\"", "'",
                "word", " ", "[^a]: T\n  url: https://a.org\n", "---\ntitle: <b>\n---\n",
                "é", "\u{E000}1\u{E001}", "\u{E000}", "\r\n",
            ]),
            0..40,
        )
    ) {
        let article: String = parts.concat();
        let ws = common::workspace(&format!(
            "//- entities.news\n[@ssu]: SSU\n  kind: org\n  url: https://ssu.gov.ua/\n//- a.news\n{article}"
        ));
        let file = ws.file_id(Path::new("a.news")).unwrap();
        let html = render::render(&ws, file, Format::Html);
        proptest::prop_assert_eq!(html.matches("<script").count(), 1);
        let values = Regex::new(r#""[^"]*""#).unwrap();
        let tags = values.replace_all(&html, "\"\"");
        let handler = Regex::new(r"(?i)<[a-z][^>]*\son[a-z]+\s*=").unwrap();
        proptest::prop_assert!(!handler.is_match(&tags));
        proptest::prop_assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
        render::render(&ws, file, Format::Markdown);
        let json = render::render(&ws, file, Format::Json);
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
    }
}
