//! The invariants of ARCHITECTURE.md, checked on the source tree (after rust-analyzer's
//! `tidy` tests): layering and protocol boundaries, no module cycles, no file writes outside
//! the front ends, every rule documented with a fixture and a snapshot, no unused
//! dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use newsmark::rules::Rule;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source directory") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The source without `//` comments (doc comments name other modules freely).
fn code(path: &Path) -> String {
    read(path)
        .lines()
        .map(|line| match line.find("//") {
            // A `//` inside a string (a URL) is kept; the checks below only look for paths.
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file of `src/` belongs to (`src/lsp/server.rs` → `lsp`).
fn top_module(path: &Path) -> String {
    let rel = path.strip_prefix(root().join("src")).expect("under src");
    let first = rel.components().next().expect("non-empty");
    first
        .as_os_str()
        .to_str()
        .expect("UTF-8 path")
        .trim_end_matches(".rs")
        .to_string()
}

/// The crate's modules named by `crate::…` paths in `code`, including grouped imports
/// (`use crate::{a, b::c}`).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

/// What each layer may use; ARCHITECTURE.md's code map says the same in prose. `cli` starts
/// the server (`newsmark lsp`), so it may name `lsp`.
const LAYERS: &[(&str, &[&str])] = &[
    ("syntax", &[]),
    ("prose", &["syntax"]),
    ("config", &["syntax", "prose"]),
    ("workspace", &["syntax", "prose", "config"]),
    ("rules", &["syntax", "prose", "config", "workspace"]),
    (
        "baseline",
        &["syntax", "prose", "config", "workspace", "rules"],
    ),
    (
        "features",
        &["syntax", "prose", "config", "workspace", "rules"],
    ),
    (
        "render",
        &["syntax", "prose", "config", "workspace", "rules"],
    ),
    (
        "lsp",
        &[
            "syntax",
            "prose",
            "config",
            "workspace",
            "rules",
            "features",
            "render",
            "baseline",
        ],
    ),
    (
        "cli",
        &[
            "syntax",
            "prose",
            "config",
            "workspace",
            "rules",
            "features",
            "render",
            "baseline",
            "lsp",
        ],
    ),
];

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut wrong = Vec::new();
    for path in rust_files(&root().join("src")) {
        let module = top_module(&path);
        if module == "lib" || module == "main" {
            continue;
        }
        let allowed = LAYERS
            .iter()
            .find(|(m, _)| *m == module)
            .unwrap_or_else(|| {
                panic!("module `{module}` is missing from LAYERS and ARCHITECTURE.md")
            })
            .1;
        for used in crate_paths(&code(&path)) {
            if used != module && !allowed.contains(&used.as_str()) {
                wrong.push(format!("{} uses crate::{used}", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn only_the_lsp_module_knows_the_protocol() {
    let protocol = ["tower_lsp_server", "ls_types", "lsp_types", "jsonrpc"];
    let mut wrong = Vec::new();
    for path in rust_files(&root().join("src")) {
        if top_module(&path) == "lsp" {
            continue;
        }
        let code = code(&path);
        for word in protocol.iter().filter(|w| code.contains(*w)) {
            wrong.push(format!("{} names {word}", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn syntax_imports_nothing_else_of_the_crate() {
    let mut wrong = Vec::new();
    for path in rust_files(&root().join("src/syntax")) {
        let code = code(&path);
        for used in crate_paths(&code) {
            if used != "syntax" {
                wrong.push(format!("{} uses crate::{used}", path.display()));
            }
        }
        if code.contains("super::super") {
            wrong.push(format!("{} reaches out with super::super", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The library writes no file: the server only edits through the client, and `check` only
/// reads. Anything that writes belongs to a front end's explicit output: `newsmark render -o`
/// and `newsmark check --write-baseline` in `src/cli/`, the one module allowed to.
#[test]
fn nothing_in_the_library_writes_files() {
    let writes = [
        "fs::write",
        "File::create",
        "OpenOptions",
        "fs::remove",
        "fs::rename",
        "create_dir",
        "fs::copy",
    ];
    let mut wrong = Vec::new();
    for path in rust_files(&root().join("src")) {
        if path.starts_with(root().join("src/cli")) {
            continue;
        }
        let code = code(&path);
        // Unit tests may write temporary files.
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        for word in writes.iter().filter(|w| code.contains(*w)) {
            wrong.push(format!("{} calls {word}", path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The edges between the children of one module (`mod.rs` and its files), from `super::X`
/// and `crate::module::X` paths. A parent's own items are not a child, so a child using its
/// parent is no edge.
fn sibling_edges(dir: &Path, module_path: &str) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("readable module directory")
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            if path.is_dir() {
                Some(name)
            } else {
                let stem = name.strip_suffix(".rs")?;
                (stem != "mod").then(|| stem.to_string())
            }
        })
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for child in &children {
        let file = dir.join(format!("{child}.rs"));
        let files = if file.is_file() {
            vec![file]
        } else {
            rust_files(&dir.join(child))
        };
        let own = format!("{module_path}::{child}");
        for path in files {
            let code = code(&path);
            for prefix in ["super::".to_string(), format!("{module_path}::")] {
                let mut rest = code.as_str();
                while let Some(at) = rest.find(&prefix) {
                    // `super::` inside a nested directory names that directory's parent.
                    let nested = path.parent() != Some(dir) && prefix == "super::";
                    rest = &rest[at + prefix.len()..];
                    let names: Vec<String> = if let Some(group) = rest.strip_prefix('{') {
                        let end = group.find('}').unwrap_or(group.len());
                        group[..end]
                            .split(',')
                            .map(|s| s.trim().split("::").next().unwrap_or("").to_string())
                            .collect()
                    } else {
                        vec![
                            rest.chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect(),
                        ]
                    };
                    if nested {
                        continue;
                    }
                    for name in names {
                        if children.contains(&name) && name != *child && !own.ends_with(&name) {
                            edges.entry(child.clone()).or_default().insert(name);
                        }
                    }
                }
            }
        }
    }
    edges
}

/// A cycle in `edges`, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_cycles() {
    // Between the top-level modules.
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&root().join("src")) {
        let module = top_module(&path);
        for used in crate_paths(&code(&path)) {
            if used != module {
                top.entry(module.clone()).or_default().insert(used);
            }
        }
    }
    assert_eq!(
        find_cycle(&top),
        None,
        "between top-level modules: {top:#?}"
    );

    // Between the children of every module that is a directory.
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("readable").path();
            if path.is_dir() {
                let rel = path.strip_prefix(root().join("src")).expect("under src");
                let module_path = std::iter::once("crate".to_string())
                    .chain(
                        rel.components()
                            .map(|c| c.as_os_str().to_string_lossy().into()),
                    )
                    .collect::<Vec<_>>()
                    .join("::");
                let edges = sibling_edges(&path, &module_path);
                assert_eq!(
                    find_cycle(&edges),
                    None,
                    "between the modules of {module_path}: {edges:#?}"
                );
                dirs.push(path);
            }
        }
    }
}

#[test]
fn every_rule_has_docs_a_fixture_and_a_snapshot() {
    let docs = read(&root().join("docs/rules.md"));
    let headings: BTreeSet<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| h.trim().to_lowercase().replace(' ', "-"))
        .collect();
    let mut missing = Vec::new();
    for rule in Rule::all() {
        let def = rule.def();
        let id = rule.id();
        if !headings.contains(def.docs_anchor) {
            missing.push(format!(
                "{id}: docs/rules.md has no `## {}` section",
                def.docs_anchor
            ));
        }
        let module = root().join(format!("src/rules/{}.rs", id.replace('-', "_")));
        if !module.is_file() {
            missing.push(format!("{id}: its module is not {}", module.display()));
        }
        let fixture = root().join(format!("tests/fixtures/rules/{id}.fixture"));
        if !fixture.is_file() {
            missing.push(format!("{id}: no fixture {}", fixture.display()));
        }
        let snapshot = root().join(format!("tests/snapshots/rules__{id}.snap"));
        match std::fs::read_to_string(&snapshot) {
            Ok(text) if text.contains(&format!("[{id}]")) => {}
            Ok(_) => missing.push(format!("{id}: its snapshot never shows it firing")),
            Err(_) => missing.push(format!("{id}: no snapshot {}", snapshot.display())),
        }
    }
    // And nothing else poses as a rule.
    for path in rust_files(&root().join("src/rules")) {
        if path.parent() != Some(&root().join("src/rules")) {
            continue;
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != "mod" && Rule::from_id(&stem.replace('_', "-")).is_none() {
            missing.push(format!("{}: its RULE has another id", path.display()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// `build.rs` declares the rule modules (`#[path]` in an `include!`), which `cargo fmt` does
/// not follow: they are checked here, where rustfmt is installed.
#[test]
fn rule_modules_are_formatted() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("src/rules"))
        .expect("readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let status = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .args(&files)
        .status();
    match status {
        Ok(status) => assert!(
            status.success(),
            "run: rustfmt --edition 2024 src/rules/*.rs"
        ),
        Err(e) => eprintln!("rustfmt is not installed ({e}): rule modules not checked"),
    }
}

/// Each direct dependency is named in the code that may use it: `[dependencies]` in src/ or
/// build.rs, `[dev-dependencies]` in tests/ or benches/.
#[test]
fn no_unused_direct_dependency() {
    let manifest: toml::Table = read(&root().join("Cargo.toml"))
        .parse()
        .expect("Cargo.toml parses");
    let sources = |dirs: &[&str]| -> String {
        let mut all = String::new();
        for dir in dirs {
            let path = root().join(dir);
            if path.is_file() {
                all.push_str(&code(&path));
            } else if path.is_dir() {
                for file in rust_files(&path) {
                    all.push_str(&code(&file));
                }
            }
        }
        all
    };
    let mut unused = Vec::new();
    for (table, dirs) in [
        ("dependencies", &["src", "build.rs"][..]),
        ("dev-dependencies", &["tests", "benches"][..]),
    ] {
        let code = sources(dirs);
        let Some(deps) = manifest.get(table).and_then(|t| t.as_table()) else {
            continue;
        };
        for name in deps.keys() {
            let ident = name.replace('-', "_");
            let used = [format!("{ident}::"), format!("use {ident}")]
                .iter()
                .any(|p| code.contains(p.as_str()));
            if !used {
                unused.push(format!("[{table}] {name}"));
            }
        }
    }
    assert!(unused.is_empty(), "unused: {}", unused.join(", "));
}
