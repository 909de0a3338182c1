//! Parse + every rule over one large generated article, on one core.
//!
//! The article comes from `bench/gen_corpus.py` (run by `bench/run.sh`); when it is missing this
//! bench generates it first. Throughput is reported in bytes per second.

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use newsmark::config::Config;
use newsmark::diagnostics;
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
    diagnostics::check(&ws, id).len()
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

criterion_group!(benches, throughput);
criterion_main!(benches);
