//! Parse + every rule over one large generated article, on one core.
//!
//! The article comes from `bench/gen_corpus.py` (run by `bench/run.sh`); when it is missing this
//! bench generates it first. Throughput is reported in bytes per second.

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use newsmark::config::Config;
use newsmark::rules;
use newsmark::workspace::{Document, Workspace};

fn article() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/bench");
    let path = out.join("single/single.news");
    if !path.exists() {
        let status = std::process::Command::new("python3")
            .arg(root.join("bench/gen_corpus.py"))
            .arg(&out)
            .args(["--files", "0"])
            .status()
            .expect("python3 runs bench/gen_corpus.py");
        assert!(status.success(), "bench/gen_corpus.py failed");
    }
    std::fs::read_to_string(path).expect("the generated article is UTF-8")
}

fn check_one(text: String) -> usize {
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let id = ws.set_document(Document::new(PathBuf::from("single.news"), text));
    rules::check(&ws, id).len()
}

fn throughput(c: &mut Criterion) {
    let text = article();
    let mut group = c.benchmark_group("single-file");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("parse", |b| b.iter(|| newsmark::syntax::parse(&text)));
    // The copy of the text handed to the workspace is made outside the timed part.
    group.bench_function("parse+rules", |b| {
        b.iter_batched(|| text.clone(), check_one, BatchSize::LargeInput)
    });
    group.finish();
}

/// Semantic tokens of a 1 MB article: the whole document, and the update after a
/// one-character edit that a delta request computes.
fn semantic_tokens(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("target/bench-1mb/single/single.news");
    if !path.exists() {
        let status = std::process::Command::new("python3")
            .arg(root.join("bench/gen_corpus.py"))
            .arg(root.join("target/bench-1mb"))
            .args(["--files", "0", "--single-mb", "1"])
            .status()
            .expect("python3 runs bench/gen_corpus.py");
        assert!(status.success(), "bench/gen_corpus.py failed");
    }
    let text = std::fs::read_to_string(path).expect("the generated article is UTF-8");
    let mut ws = Workspace::new(PathBuf::from("."), Config::default());
    let id = ws.set_document(Document::new(PathBuf::from("single.news"), text.clone()));
    ws.index();
    let mut group = c.benchmark_group("semantic-tokens-1MB");
    group.sample_size(30);
    group.bench_function("full", |b| {
        b.iter(|| newsmark::features::semantic_tokens::tokens(&ws, id).len())
    });
    let middle = text.len() / 2;
    let at = (middle..text.len())
        .find(|&i| text.as_bytes()[i] == b' ')
        .unwrap();
    let mut edited = text.clone();
    edited.insert(at, 'x');
    // What the server does for a delta request after a keystroke (the reparse happened when
    // the edit arrived): recompute the touched blocks, keep and shift the rest.
    let before = newsmark::features::semantic_tokens::tokens(&ws, id);
    ws.set_document(Document::new(PathBuf::from("single.news"), edited));
    group.bench_function("delta after a one-character edit", |b| {
        b.iter(|| newsmark::features::semantic_tokens::update(&ws, id, &text, &before).len())
    });
    group.finish();
}

/// Workspace symbol search over the 10,000-article corpus the soak uses, for the soak's own
/// queries: a one-letter query matches nearly every definition, `zzzz` none.
fn workspace_symbols(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("target/bench/corpus");
    if !corpus.exists() {
        let status = std::process::Command::new("python3")
            .arg(root.join("bench/gen_corpus.py"))
            .arg(root.join("target/bench"))
            .status()
            .expect("python3 runs bench/gen_corpus.py");
        assert!(status.success(), "bench/gen_corpus.py failed");
    }
    let (documents, _) =
        newsmark::workspace::load::load(&corpus, false, newsmark::workspace::load::Masks::Release);
    let mut ws = Workspace::new(corpus.clone(), Config::default());
    for doc in documents {
        ws.set_document(doc);
    }
    let mut group = c.benchmark_group("workspace-symbols-10k");
    group.sample_size(20);
    for query in ["", "x", "e1", "Kov", "s12", "zzzz", "Київ"] {
        group.bench_function(format!("query {query:?}"), |b| {
            b.iter(|| newsmark::features::symbols::workspace_symbols(&ws, query).len())
        });
    }
    group.finish();
}

criterion_group!(benches, throughput, semantic_tokens, workspace_symbols);
criterion_main!(benches);
