//! Generates the rule registry from the files in `src/rules/`: every `src/rules/NAME.rs`
//! (other than `mod.rs`) is a rule whose id is NAME with `-` for `_`. Adding a rule is then
//! adding its module, its fixture and its section of docs/rules.md, with no list to keep in
//! step by hand (ruff keeps such a list in `codes.rs`; here the file system is the list).
//!
//! Two files are written to OUT_DIR: `rule_modules.rs` (the module declarations and the
//! registry, included by `src/rules/mod.rs`) and `rule_ids.rs` (the ids alone, included by
//! `src/config.rs`, which checks `[rules]` keys without depending on the rules themselves).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("src")
        .join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/rules exists")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|name| name.strip_suffix(".rs").map(str::to_string))
        .filter(|name| name != "mod")
        .collect();
    // Sorted by id: the registry's order is the order of `Rule::all()` and of ties between
    // diagnostics at one range.
    names.sort_by_key(|name| name.replace('_', "-"));

    let mut modules = String::new();
    for name in &names {
        let path = dir.join(format!("{name}.rs"));
        writeln!(
            modules,
            "#[path = {:?}]\npub mod {name};",
            path.display().to_string()
        )
        .unwrap();
    }
    writeln!(
        modules,
        "/// Every rule, in id order.\npub(crate) const REGISTRY: [Rule; {}] = [{}];",
        names.len(),
        names
            .iter()
            .map(|n| format!("{n}::RULE"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();

    let ids = format!(
        "/// The id of every rule (generated from the files in src/rules/).\npub(crate) const RULE_IDS: [&str; {}] = [{}];\n",
        names.len(),
        names
            .iter()
            .map(|n| format!("{:?}", n.replace('_', "-")))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("rule_modules.rs"), modules).expect("OUT_DIR is writable");
    std::fs::write(out.join("rule_ids.rs"), ids).expect("OUT_DIR is writable");
}
