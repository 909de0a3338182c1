//! `newsmark check` at archive scale and in CI: the streaming check against the whole-workspace
//! way, shards, baselines, standard input, errors in every format, SARIF against its schema.

use std::path::{Path, PathBuf};
use std::process::Command;

use newsmark::cli::check::{self, BaselineChoice, Options};
use newsmark::cli::output::Format;

mod common;
use common::cli::{newsmark, newsmark_with_input, stderr, stdout, write};

/// A small deterministic generator (no seed from the clock: the corpus is the same each run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// A corpus that exercises every way a rule reads other files: registries (with a duplicate
/// entity across files and aliases), articles that define entities inline, near-miss ids and
/// names, unknown ids, plain-text names, numbers, quotations, citations, syntax errors, and a
/// registry that mentions entities itself.
fn corpus(dir: &Path, articles: usize) {
    write(dir, "newsmark.toml", "");
    let names = [
        ("kovalenko", "Anna Kovalenko", "person"),
        ("ssu", "Security Service of Ukraine", "org"),
        ("red-cross", "Red Cross", "org"),
        ("kharkiv", "Kharkiv", "place"),
        ("nowak", "Jan Nowak", "person"),
    ];
    let mut registry = String::new();
    for (id, name, kind) in names {
        registry.push_str(&format!(
            "[@{id}]: {name}\n  kind: {kind}\n  aliases: {}\n\n",
            name.split(' ').next_back().unwrap()
        ));
    }
    write(dir, "registry/entities.news", &registry);
    write(
        dir,
        "registry/more.news",
        "[@ssu]: Security Service\n  kind: org\n\n[@tanaka]: Yuki Tanaka\n  kind: person\n\n@kovalenko is on the board.[^x]\n",
    );
    let mut rng = Lcg(20250112);
    let ids = [
        "kovalenko",
        "ssu",
        "red-cross",
        "kharkiv",
        "nowak",
        "tanaka",
        "kovalenk",
        "SSU",
        "nobody",
        "local-0",
    ];
    let plain = [
        "Anna Kovalenko",
        "Red Cros",
        "Jan Novak",
        "Kharkiv",
        "the Security Service of Ukraine",
        "Tanaka",
    ];
    for i in 0..articles {
        let mut text = format!("---\ntitle: Report {i} on 12 convoys\n---\n\n# Report {i}\n\n");
        if i % 7 == 3 {
            text.push_str(&format!("[@local-{i}]: Local Body {i}\n  kind: org\n\n"));
        }
        if i % 11 == 5 {
            text.push_str("[@nowak]: Jan Nowak\n  kind: person\n\n");
        }
        for _ in 0..(3 + rng.next(6)) {
            let id = ids[rng.next(ids.len())];
            let name = plain[rng.next(plain.len())];
            let n = 2 + rng.next(90000);
            let sentence = match rng.next(8) {
                0 => format!("@{id} said {n} people were hurt.[^s{i}]"),
                1 => format!("{name} said {n} people were hurt."),
                2 => {
                    format!("\"We will keep going for as long as it takes,\" @{id} told reporters.")
                }
                3 => format!("More than {n} residents lost power, sources said."),
                4 => format!("[{name}](@{id}) met {name} in Kharkiv.[^missing]"),
                5 => format!("The [claim about {n} soldiers]{{^s{i} @{id}}} stands."),
                6 => "Broken [markup here.\n\n[@]: Nameless\n".to_string(),
                _ => format!("It was noted that {n} homes burned in {name}."),
            };
            text.push_str(&sentence);
            text.push_str(if rng.next(3) == 0 { "\n\n" } else { " " });
        }
        text.push_str(&format!(
            "\n\n[^s{i}]: Source {i}\n  by: @{}\n  url: https://example.org/{i}\n",
            ids[rng.next(ids.len())]
        ));
        if i % 5 == 0 {
            text.push_str(&format!(
                "\n[^unused{i}]: Never cited\n  date: 2025-01-01\n"
            ));
        }
        write(dir, &format!("desk{}/article-{i:03}.news", i % 4), &text);
    }
    write(dir, "desk0/notes.md", "@nobody said 14.\n");
}

fn options(format: Format) -> Options {
    Options {
        format,
        shard: None,
        allow_empty: false,
        stdin: None,
        baseline: BaselineChoice::None,
        write_baseline: None,
        rules_url: String::new(),
    }
}

fn streamed(paths: &[PathBuf], opts: Options) -> (Vec<u8>, check::Outcome) {
    let mut out = Vec::new();
    let outcome = check::check(paths, opts, &mut out).unwrap();
    (out, outcome)
}

/// The streaming check (definitions first, then each article read, checked and dropped)
/// reports exactly what checking the whole workspace in memory does, in every format, and
/// for a whole directory as for files and directories named one by one.
#[test]
fn the_streaming_check_finds_what_the_whole_workspace_check_finds() {
    let dir = tempfile::tempdir().unwrap();
    let top = std::fs::canonicalize(dir.path()).unwrap();
    corpus(&top, 60);
    let path_sets: Vec<Vec<PathBuf>> = vec![
        vec![top.clone()],
        vec![
            top.join("desk1"),
            top.join("desk0/article-004.news"),
            top.join("desk0/notes.md"),
            top.join("registry/more.news"),
            top.join("desk1/article-001.news"),
        ],
    ];
    for paths in &path_sets {
        let whole = newsmark::cli::run_check(paths);
        assert!(whole.trouble.is_empty(), "{:?}", whole.trouble);
        let findings: usize = whole
            .workspaces
            .iter()
            .flat_map(|(_, r)| r)
            .map(|r| r.diagnostics.len())
            .sum();
        assert!(findings > 100, "a corpus with findings: {findings}");
        let rules: std::collections::BTreeSet<&str> = whole
            .workspaces
            .iter()
            .flat_map(|(_, r)| r)
            .flat_map(|r| r.diagnostics.iter().map(|d| d.rule.id()))
            .collect();
        for rule in [
            "duplicate-definition",
            "near-miss-name",
            "undefined-entity",
            "unlinked-mention",
            "unused-source",
            "undefined-source",
            "syntax",
        ] {
            assert!(
                rules.contains(rule),
                "{rule} fires in the corpus: {rules:?}"
            );
        }
        for format in [
            Format::Human,
            Format::HumanPlain,
            Format::Json,
            Format::Github,
            Format::Sarif,
        ] {
            let expected = newsmark::cli::format_run(&whole, format);
            let (got, outcome) = streamed(paths, options(format));
            let got = String::from_utf8(got).unwrap();
            let expected = String::from_utf8(expected).unwrap();
            let body = match format {
                // The streaming JSON and SARIF wrap the items; the first item loses its comma.
                Format::Json | Format::Sarif => {
                    let start = got.find("\n  {").unwrap();
                    let end = got.rfind("\n]").unwrap();
                    format!(",{}", &got[start..end])
                }
                _ => got,
            };
            assert!(body == expected, "{format:?} differs for {paths:?}");
            assert!(outcome.problems.is_empty());
            assert_eq!(outcome.counts.iter().sum::<usize>(), findings);
        }
    }
}

/// Every shard reads all definitions, and the shards' findings together are the whole
/// check's, each file in exactly one shard.
#[test]
fn the_shards_together_are_the_whole_check() {
    let dir = tempfile::tempdir().unwrap();
    let top = std::fs::canonicalize(dir.path()).unwrap();
    corpus(&top, 30);
    let paths = vec![top.clone()];
    let (whole, whole_outcome) = streamed(&paths, options(Format::Github));
    let mut whole: Vec<&str> = std::str::from_utf8(&whole).unwrap().lines().collect();
    for n in [1, 3, 4] {
        let mut union = Vec::new();
        let mut files = 0;
        for k in 1..=n {
            let (out, outcome) = streamed(
                &paths,
                Options {
                    shard: Some((k, n)),
                    ..options(Format::Github)
                },
            );
            files += outcome.files;
            union.extend(
                String::from_utf8(out)
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(files, whole_outcome.files);
        let mut union: Vec<&str> = union.iter().map(String::as_str).collect();
        union.sort();
        whole.sort();
        assert_eq!(union, whole, "{n} shards");
    }
    // On the command line, and a bad shard is a usage error.
    let out = newsmark(&top, &["check", "--shard", "2/3", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["summary"]["files"].as_u64().unwrap() < whole_outcome.files as u64);
    for bad in ["0/3", "4/3", "x", "1/0"] {
        let out = newsmark(&top, &["check", "--shard", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

#[test]
fn a_baseline_hides_old_findings_survives_edits_elsewhere_and_counts_what_went() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    write(top, "newsmark.toml", "");
    write(
        top,
        "desk/a.news",
        "The unit lost 13 soldiers.\n\nAnother 13 died.\n\nThe count was 40.\n",
    );
    write(top, "desk/b.news", "Nothing to see.\n");
    let out = newsmark(top, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("baseline of 3 findings in 2 files written to baseline.json"),
        "{}",
        stderr(&out)
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(top.join("baseline.json")).unwrap()).unwrap();
    let entries = written["entries"].as_array().unwrap();
    assert_eq!(entries[0]["file"], "desk/a.news");
    assert_eq!(entries[0]["text"], "13");
    assert_eq!(
        (
            entries[0]["occurrence"].as_u64(),
            entries[1]["occurrence"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // Nothing new: nothing reported, and the summary says what the baseline hid.
    let out = newsmark(top, &["check", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("no problems in 2 files checked (3 findings in the baseline not shown; 0 entries of the baseline no longer occur)"),
        "{}",
        stdout(&out)
    );
    // Lines added above move every finding; a third 13 is new, the 40 is gone.
    write(
        top,
        "desk/a.news",
        "A new first paragraph.\n\nAnd a second one.\n\nThe unit lost 13 soldiers.\n\nAnother 13 died.\n\nA further 13 went missing.\n\nThe count was 41.\n",
    );
    let out = newsmark(
        top,
        &["check", "--baseline", "baseline.json", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(u64, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [(9, "unattributed-number"), (11, "unattributed-number")],
        "{json}"
    );
    assert_eq!(json["summary"]["baseline_hidden"], 2);
    assert_eq!(json["summary"]["baseline_stale"], 1);
    // newsmark.toml names it for check and the server alike; --no-baseline shows everything.
    write(top, "newsmark.toml", "baseline = \"baseline.json\"\n");
    let out = newsmark(top, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    let out = newsmark(top, &["check", "--format", "json", "--no-baseline"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 4);
    // A configured baseline that is missing is an error, not silence.
    write(top, "newsmark.toml", "baseline = \"gone.json\"\n");
    let out = newsmark(top, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("gone.json: cannot read the baseline"),
        "{}",
        stderr(&out)
    );
}

/// The server's way: `baseline::check` on a workspace whose newsmark.toml names a baseline.
#[test]
fn the_server_hides_what_the_configured_baseline_records() {
    let dir = tempfile::tempdir().unwrap();
    let top = std::fs::canonicalize(dir.path()).unwrap();
    write(
        &top,
        "a.news",
        "The unit lost 13 soldiers.\n\nAnother 14 died.\n",
    );
    let out = newsmark(&top, &["check", "--write-baseline", "base.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    write(&top, "newsmark.toml", "baseline = \"base.json\"\n");
    write(
        &top,
        "a.news",
        "The unit lost 13 soldiers.\n\nAnother 14 died.\n\nThen 15 more.\n",
    );
    let config = newsmark::config::Config::load(&top.join("newsmark.toml")).unwrap();
    let mut ws = newsmark::workspace::Workspace::new(top.clone(), config);
    let text = std::fs::read_to_string(top.join("a.news")).unwrap();
    let file = ws.set_document(newsmark::workspace::Document::new(top.join("a.news"), text));
    let all = newsmark::rules::check(&ws, file);
    let shown = newsmark::baseline::check(&ws, file);
    assert_eq!(all.len(), 3);
    assert_eq!(shown.len(), 1);
    assert_eq!(
        &ws.document(file).text[shown[0].range.start..shown[0].range.end],
        "15"
    );
}

#[test]
fn standard_input_is_checked_as_the_file_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    write(top, "newsmark.toml", "");
    write(
        top,
        "entities.news",
        "[@ssu]: Security Service of Ukraine\n  kind: org\n",
    );
    write(top, "desk/story.news", "On disk: @nobody.\n");
    // The workspace of desk/story.news (so @ssu is known), the text from stdin, the disk copy
    // replaced.
    let out = newsmark_with_input(
        &top.join("desk"),
        &[
            "check",
            "-",
            "--stdin-filename",
            "story.news",
            "--format",
            "json",
        ],
        Some("@ssu said 13 soldiers died.\n"),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("story.news", "missing-source")], "{json}");
    assert_eq!(json["summary"]["files"], 1);
    // A file that does not exist yet (an unsaved buffer) works too; without a name it is
    // <stdin>.
    let out = newsmark_with_input(
        top,
        &["check", "-", "--stdin-filename", "desk/new.news"],
        Some("@nobody\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("desk/new.news:1:1: error[undefined-entity]"),
        "{}",
        stdout(&out)
    );
    let out = newsmark_with_input(top, &["check", "-"], Some("Fine.\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no problems in 1 file checked"));
    let out = newsmark_with_input(top, &["check", "-"], Some("@nobody\n"));
    assert!(
        stdout(&out).starts_with("<stdin>:1:1: error[undefined-entity]"),
        "{}",
        stdout(&out)
    );
    let out = newsmark(top, &["check", "--stdin-filename", "x.news"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_path_without_news_files_is_an_error_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    write(top, "empty/readme.md", "nothing\n");
    write(top, "full/a.news", "Fine.\n");
    let out = newsmark(top, &["check", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("empty: no .news or .news.md file to check"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("no problems"), "{}", stdout(&out));
    let out = newsmark(top, &["check", "empty", "--allow-empty"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("no problems in 0 files checked"));
    let out = newsmark(top, &["check", "full", "empty"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A missing path, an unreadable file, a bad newsmark.toml: each format carries the error,
/// and none says there is no problem.
#[test]
fn every_format_carries_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    write(top, "ok/a.news", "The unit lost 13 soldiers.\n");
    write(top, "ok/bad.news", b"Caf\xe9\n");
    write(top, "conf/newsmark.toml", "[rulez]\n");
    write(top, "conf/b.news", "Fine.\n");
    let args = ["check", "ok", "missing.news", "conf"];
    let run = |format: &str| {
        let mut all = args.to_vec();
        all.extend(["--format", format]);
        newsmark(top, &all)
    };
    let human = run("human");
    assert_eq!(human.status.code(), Some(2));
    assert!(
        !stdout(&human).contains("no problems"),
        "{}",
        stdout(&human)
    );
    assert!(
        stdout(&human)
            .contains("1 warning in 1 file checked; 3 paths or files could not be checked"),
        "{}",
        stdout(&human)
    );
    let json = run("json");
    assert_eq!(json.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let errors: Vec<&str> = value["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("missing.news: no such file"))
    );
    assert!(errors.iter().any(|e| e.contains("bad.news: not UTF-8")));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("newsmark.toml:1:2: unknown field `rulez`"))
    );
    assert_eq!(value["findings"].as_array().unwrap().len(), 1);
    let github = stdout(&run("github"));
    assert_eq!(github.matches("::error ").count(), 3, "{github}");
    assert!(
        github.contains("::error file=missing.news,title=newsmark::missing.news: no such file"),
        "{github}"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // A bad configuration alone: JSON is not `[]`, GitHub is not silent.
    let value: serde_json::Value =
        serde_json::from_slice(&newsmark(&top.join("conf"), &["check", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(value["errors"].as_array().unwrap().len(), 1);
    let github = newsmark(&top.join("conf"), &["check", "--format", "github"]);
    assert!(
        stdout(&github).starts_with("::error file=newsmark.toml,title=newsmark::newsmark.toml:1:2"),
        "{}",
        stdout(&github)
    );
    assert_eq!(github.status.code(), Some(2));
}

#[test]
fn check_help_names_exit_statuses_config_and_docs() {
    let out = newsmark(Path::new("."), &["check", "--help"]);
    let help = stdout(&out);
    for needle in [
        "Exit status",
        "0  ",
        "1  ",
        "2  ",
        "newsmark.toml",
        "docs/rules.md",
        "docs/ci.md",
        "--shard",
        "--baseline",
        "--stdin-filename",
    ] {
        assert!(help.contains(needle), "{needle} in\n{help}");
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The SARIF log of a corpus with every rule (and an error) validated by the published SARIF
/// 2.1.0 JSON Schema, as the npm package @microsoft/jest-sarif ships it, with Python's
/// jsonschema (tests/requirements.txt). The package is fetched once into target/; without
/// npm or jsonschema the test is skipped with a note, unless NEWSMARK_REQUIRE_EDITORS=1.
#[test]
fn sarif_is_valid_by_the_published_schema() {
    let require = std::env::var("NEWSMARK_REQUIRE_EDITORS").is_ok_and(|v| v == "1");
    let dir = tempfile::tempdir().unwrap();
    let top = std::fs::canonicalize(dir.path()).unwrap();
    corpus(&top, 12);
    write(&top, "desk0/bad.news", b"\xff\n");
    let out = newsmark(
        &top,
        &[
            "check",
            "--format",
            "sarif",
            "--rules-url",
            "https://example.org/docs/rules.md",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), newsmark::rules::Rule::all().len());
    for rule in rules {
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .starts_with("https://example.org/docs/rules.md#")
        );
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Fires on ")
        );
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    let sarif_path = top.join("out.sarif");
    std::fs::write(&sarif_path, &out.stdout).unwrap();

    let cache = root().join("target/sarif-schema");
    let schema = cache.join("package/lib/schemas/sarif-2.1.0-rtm.5.json");
    if !schema.exists() {
        std::fs::create_dir_all(&cache).unwrap();
        let packed = Command::new("npm")
            .args(["pack", "@microsoft/jest-sarif@1.0.0-beta.0", "--silent"])
            .current_dir(&cache)
            .output();
        let unpacked = packed.ok().filter(|o| o.status.success()).and_then(|_| {
            Command::new("tar")
                .args(["xzf", "microsoft-jest-sarif-1.0.0-beta.0.tgz"])
                .current_dir(&cache)
                .status()
                .ok()
        });
        if !schema.exists() {
            assert!(
                !require,
                "cannot fetch @microsoft/jest-sarif with npm ({unpacked:?})"
            );
            println!("skipped: npm could not fetch @microsoft/jest-sarif (the SARIF schema)");
            return;
        }
    }
    let script = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    print("skipped: python3 -m pip install -r tests/requirements.txt")
    sys.exit(77)
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
for e in errors[:20]:
    print(list(e.path), e.message)
sys.exit(1 if errors else 0)
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&schema)
        .arg(&sarif_path)
        .output()
        .expect("python3 runs");
    if out.status.code() == Some(77) && !require {
        println!("{}", stdout(&out));
        return;
    }
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}
