//! Hostile inputs (see tests/hostile.rs and docs/reliability.md): parse + every rule on each
//! case at a size and at twice that size, to show the time grows linearly. Not a criterion
//! bench: one run of each, printed as a table. `cargo bench --bench hostile [-- MB]`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use newsmark::config::Config;
use newsmark::workspace::{Document, Workspace};

fn seconds(f: impl FnOnce() -> usize) -> (f64, usize) {
    let start = Instant::now();
    let n = f();
    (start.elapsed().as_secs_f64(), n)
}

fn main() {
    // Size in KiB of the smaller run (2 MiB unless given).
    let kib: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2048);
    let size = kib << 10;
    println!("| case | size | time | 2× size | time | ratio | diagnostics |");
    println!("|---|---|---|---|---|---|---|");
    let small = common::hostile_cases(size);
    let large = common::hostile_cases(2 * size);
    for ((name, a), (_, b)) in small.iter().zip(&large) {
        if std::env::var("HOSTILE_ONLY").is_ok_and(|only| !name.contains(&only)) {
            continue;
        }
        let (ta, _) = seconds(|| common::hostile_check(a));
        let (tb, nb) = seconds(|| common::hostile_check(b));
        println!(
            "| {name} | {:.1} MB | {:.3} s | {:.1} MB | {:.3} s | {:.2} | {nb} |",
            a.len() as f64 / 1048576.0,
            ta,
            b.len() as f64 / 1048576.0,
            tb,
            tb / ta.max(1e-9)
        );
        std::io::Write::flush(&mut std::io::stdout()).unwrap();
    }

    // A registry of 50,000 and 100,000 entities: index, check, hover and completion.
    for n in [50_000, 100_000] {
        let (registry, article) = common::hostile_registry(n);
        let start = Instant::now();
        let mut ws = Workspace::new(PathBuf::from("."), Config::default());
        let reg = ws.set_document(Document::new(PathBuf::from("entities.news"), registry));
        let art = ws.set_document(Document::new(PathBuf::from("a.news"), article.clone()));
        ws.index();
        let build = start.elapsed().as_secs_f64();
        let (check, _) = seconds(|| {
            newsmark::rules::check(&ws, art).len() + newsmark::rules::check(&ws, reg).len()
        });
        let at = article.find('@').unwrap() + 1;
        let (hover, _) = seconds(|| {
            (0..100)
                .filter(|_| newsmark::features::hover::hover(&ws, art, at).is_some())
                .count()
        });
        // Completion after `@e` (every entity matches) and after `@numb` (a later word of the
        // names, matched past the ids): the mean of 20 requests each.
        let end = article.len();
        let (complete, items) = seconds(|| {
            (0..20)
                .map(|_| {
                    newsmark::features::completion::complete(&ws, art, end)
                        .map_or(0, |l| l.items.len())
                })
                .sum::<usize>()
                / 20
        });
        let complete = complete / 20.0;
        let mut narrow = article.clone();
        narrow.push_str("numb");
        ws.set_document(Document::new(PathBuf::from("a.news"), narrow.clone()));
        let (narrow_time, narrow_items) = seconds(|| {
            (0..20)
                .map(|_| {
                    newsmark::features::completion::complete(&ws, art, narrow.len())
                        .map_or(0, |l| l.items.len())
                })
                .sum::<usize>()
                / 20
        });
        let narrow_time = narrow_time / 20.0;
        println!(
            "registry of {n}: parse+index {build:.3} s, check {check:.3} s, 100 hovers {hover:.4} s, completion after `@e` {complete:.4} s ({items} items), after `@numb` {narrow_time:.4} s ({narrow_items} items)"
        );
    }

    // A realistic 50 MB article: long, but nothing a benchmark of ordinary text would not see.
    for mb in [50, 100] {
        let text = common::hostile_repeat(
            "Russian forces fired 12 missiles at Kyiv on Tuesday, [officials said]{@ssu ^s1}.\n\
             \"We will rebuild every home,\" said the mayor[^s1]. About 3,000 people left.\n\n",
            mb << 20,
        );
        let (t, n) = seconds(|| common::hostile_check(&text));
        println!("article of {mb} MB: {t:.3} s ({n} diagnostics)");
    }
}
