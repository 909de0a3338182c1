//! Formatting: tidies definitions and never touches prose.
//!
//! Each definition is rewritten as
//!
//! ```text
//! [@id]: Canonical Name
//!   kind: person
//!   role: …
//! ```
//!
//! - the first line is the label, `: ` and the name or title (`[@id]:` alone when there is
//!   none);
//! - fields are indented by two spaces and written `key: value` (`key:` when the value is
//!   empty), in a fixed order: for an entity `kind, role, description, aliases, wikidata, url`,
//!   for a source `by, url, archive, date, accessed, kind` (the order of docs/markup.md and
//!   the example), then the fields newsmark does not know in their original order. A field
//!   given twice keeps its copies in their order, so the first one still counts.
//!
//! Definitions that follow each other with only blank lines between them are separated by
//! exactly one blank line. The file's trailing group of definitions (the last such run, with
//! nothing but blank lines after it) is sorted: entities first, then sources, each kind in its
//! original order.
//!
//! Everything else stays byte for byte as it was: front matter, prose, code, and the blank
//! lines before a run of definitions and at the end of the file. A definition with a line the
//! parser cannot read as `key: value` (a syntax error) is left exactly as written, though it
//! still moves with its group. Lines are joined with the file's own line break (the most common
//! one outside definitions: a CRLF file stays CRLF). Formatting a formatted file changes nothing.

use super::rename::TextEdit;
use crate::syntax::{Definition, DefinitionKind, TextRange};
use crate::workspace::{FileId, Workspace};

/// Field order of entity definitions; other fields follow in their own order.
pub const ENTITY_FIELD_ORDER: [&str; 6] =
    ["kind", "role", "description", "aliases", "wikidata", "url"];
/// Field order of source definitions; other fields follow in their own order.
pub const SOURCE_FIELD_ORDER: [&str; 6] = ["by", "url", "archive", "date", "accessed", "kind"];

/// The edits that format `file`: at most one per run of definitions, sorted, never
/// overlapping. Empty when the file is already formatted.
pub fn format(ws: &Workspace, file: FileId) -> Vec<TextEdit> {
    let doc = ws.document(file);
    let text = doc.text.as_str();
    let defs = &doc.syntax.definitions;

    // Runs of definitions with nothing but blank lines between them.
    let mut runs: Vec<&[Definition]> = Vec::new();
    let mut run_start = 0;
    for i in 1..=defs.len() {
        let joined = i < defs.len() && is_blank(&text[defs[i - 1].range.end..defs[i].range.start]);
        if !joined {
            runs.push(&defs[run_start..i]);
            run_start = i;
        }
    }
    runs.retain(|run| !run.is_empty());
    let trailing = runs
        .last()
        .is_some_and(|run| is_blank(&text[run[run.len() - 1].range.end..]));

    let regions: Vec<TextRange> = runs
        .iter()
        .map(|run| TextRange::new(run[0].range.start, run[run.len() - 1].range.end))
        .collect();
    let eol = line_break(text, &regions, defs);
    let blank = format!("{eol}{eol}");

    let mut edits = Vec::new();
    let last = runs.len().saturating_sub(1);
    for (i, (run, range)) in runs.into_iter().zip(regions).enumerate() {
        let mut order: Vec<&Definition> = run.iter().collect();
        if trailing && i == last {
            order.sort_by_key(|d| d.kind == DefinitionKind::Source);
        }
        let new_text = order
            .iter()
            .map(|def| definition(text, def, eol))
            .collect::<Vec<_>>()
            .join(&blank);
        if new_text != text[range.start..range.end] {
            edits.push(TextEdit { range, new_text });
        }
    }
    edits
}

/// One definition, formatted; as written when a line of it is not `key: value`.
fn definition(text: &str, def: &Definition, eol: &str) -> String {
    let original = &text[def.range.start..def.range.end];
    if !well_formed(text, def) {
        return original.to_string();
    }
    let mut out = String::with_capacity(original.len());
    out.push_str(&text[def.label.start..def.label.end]);
    out.push(':');
    if !def.name.text.is_empty() {
        out.push(' ');
        out.push_str(&def.name.text);
    }
    let order: &[&str] = match def.kind {
        DefinitionKind::Entity => &ENTITY_FIELD_ORDER,
        DefinitionKind::Source => &SOURCE_FIELD_ORDER,
    };
    let mut fields: Vec<_> = def.fields.iter().collect();
    fields.sort_by_key(|f| {
        order
            .iter()
            .position(|k| *k == f.key.text)
            .unwrap_or(order.len())
    });
    for field in fields {
        out.push_str(eol);
        out.push_str("  ");
        out.push_str(&field.key.text);
        out.push(':');
        if !field.value.text.is_empty() {
            out.push(' ');
            out.push_str(&field.value.text);
        }
    }
    out
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Whether every line of the definition after the first is a field: otherwise it holds a
/// line the parser could not read, and is left as written.
fn well_formed(text: &str, def: &Definition) -> bool {
    let breaks = count_breaks(&text[def.range.start..def.range.end]);
    breaks.iter().sum::<usize>() == def.fields.len()
}

/// How many `\n`, `\r\n` and `\r` line breaks `s` holds, in that order.
fn count_breaks(s: &str) -> [usize; 3] {
    let crlf = s.matches("\r\n").count();
    [
        s.matches('\n').count() - crlf,
        crlf,
        s.matches('\r').count() - crlf,
    ]
}

/// The line break formatted definitions are written with: the file's most common one outside
/// its runs of definitions, where formatting never changes a byte; without any there, the most
/// common one in the definitions left as written; else in the whole file. A tie goes to `\n`,
/// then `\r\n`. Each choice is one formatting keeps, so formatting again picks the same.
fn line_break(text: &str, runs: &[TextRange], defs: &[Definition]) -> &'static str {
    let mut outside = [0; 3];
    let mut last = 0;
    for run in runs {
        add(&mut outside, count_breaks(&text[last..run.start]));
        last = run.end;
    }
    add(&mut outside, count_breaks(&text[last..]));
    let mut verbatim = [0; 3];
    for def in defs.iter().filter(|d| !well_formed(text, d)) {
        add(
            &mut verbatim,
            count_breaks(&text[def.range.start..def.range.end]),
        );
    }
    let counts = [outside, verbatim, count_breaks(text)]
        .into_iter()
        .find(|c| c.iter().any(|&n| n > 0))
        .unwrap_or([1, 0, 0]);
    let best = (0..3).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    ["\n", "\r\n", "\r"][best]
}

fn add(total: &mut [usize; 3], more: [usize; 3]) {
    for (t, m) in total.iter_mut().zip(more) {
        *t += m;
    }
}
