//! A document's diagnostics kept up to date as it is edited.
//!
//! The prose rules that cost the most (the attribution analysis behind unattributed-number,
//! unattributed-quote and missing-source, and vague-attribution) judge each section, from one
//! heading to the next, on its own ([`Rule::per_section`]). After an edit only the sections
//! it touched are judged again; their findings replace those of the same sections, and the
//! findings after them move with the text. The other rules read the whole document (which
//! sources are cited anywhere, the first plain-text name of each entity, the headline's
//! numbers against the body's, suppression comments) and are cheap: they run whole. The
//! result is always what [`rules::check`] gives (a property test holds it to that).

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
use crate::rules::{self, Context, Diagnostic, RawFinding, Rule, Subject};
use crate::syntax::{BlockKind, Edit, SyntaxFile, TextRange};
use crate::workspace::{Document, FileId, Workspace};

/// What an analysis keeps of a document for the next one.
#[derive(Clone)]
pub struct Analysis {
    doc: Arc<Document>,
    config: Arc<Config>,
    /// The findings of the per-section rules, before suppressions, ordered by start.
    sectioned: Vec<RawFinding>,
}

/// The diagnostics of `file` (exactly [`rules::check`]'s) and what to keep for the next
/// check of it; `previous` is what the last check kept, if any.
pub fn check(
    previous: Option<&Analysis>,
    ws: &Workspace,
    file: FileId,
) -> (Analysis, Vec<Diagnostic>) {
    let doc = ws.document_arc(file);
    let cx = Context::new(ws, file);
    let whole = rules::findings(&cx, |rule| !rule.per_section());
    let sectioned = previous
        .and_then(|previous| previous.update(ws, file, &doc, cx.prose_end))
        .unwrap_or_else(|| {
            let mut found = rules::findings(&cx, Rule::per_section);
            found.sort_by_key(|(_, _, f)| f.range.start);
            found
        });
    let diagnostics = rules::finish(&doc, whole.into_iter().chain(sectioned.iter().cloned()));
    let analysis = Analysis {
        doc,
        config: ws.config.clone(),
        sectioned,
    };
    (analysis, diagnostics)
}

impl Analysis {
    /// The per-section findings of `doc` from those of the document this analysis was made
    /// for, judging again only the sections that differ; `None` when that cannot be done
    /// exactly (another configuration, an edit of definitions, the size limit).
    fn update(
        &self,
        ws: &Workspace,
        file: FileId,
        doc: &Arc<Document>,
        prose_end: usize,
    ) -> Option<Vec<RawFinding>> {
        let old = &self.doc;
        if !Arc::ptr_eq(&self.config, &ws.config) || old.path != doc.path {
            return None;
        }
        if Arc::ptr_eq(old, doc) || old.text == doc.text {
            return Some(self.sectioned.clone());
        }
        // Past the size limit the prose rules stop at a block that an edit can move.
        let limit = ws.config.limits.prose_bytes;
        if prose_end != doc.text.len() || old.text.len() > limit {
            return None;
        }
        let edit = Edit::between(&old.text, &doc.text);
        // Vague phrases read the document's source definitions: an edit of one is judged
        // whole.
        let touches = |syntax: &SyntaxFile, end: usize| {
            syntax
                .definitions
                .iter()
                .any(|d| d.range.start <= end && edit.start <= d.range.end)
        };
        if old.syntax.definitions.len() != doc.syntax.definitions.len()
            || touches(&old.syntax, edit.old_end)
            || touches(&doc.syntax, edit.new_end)
        {
            return None;
        }
        let grow = doc.text.len() as isize - old.text.len() as isize;
        let (start, end) = sections(old, doc, edit, grow);
        let old_end = (end as isize - grow) as usize;

        let window = window(doc, start, end);
        let cx = Context::for_document(ws, file, &window, end.min(prose_end));
        let mut judged = rules::findings(&cx, Rule::per_section);
        judged.sort_by_key(|(_, _, f)| f.range.start);

        let kept = &self.sectioned;
        let before = kept.partition_point(|(_, _, f)| f.range.start < start);
        let after = kept.partition_point(|(_, _, f)| f.range.start < old_end);
        let mut out = Vec::with_capacity(before + judged.len() + kept.len() - after);
        out.extend_from_slice(&kept[..before]);
        out.extend(judged);
        out.extend(kept[after..].iter().map(|raw| shift(raw, grow)));
        Some(out)
    }
}

/// The sections an edit touched, as a range of the new text: from the start of the last
/// heading before the edit to the start of the first heading after it (or the ends of the
/// text), where both headings stand in the old text as well.
fn sections(old: &Document, new: &Document, edit: Edit, grow: isize) -> (usize, usize) {
    let heading_at = |doc: &Document, at: usize| {
        let blocks = &doc.syntax.blocks;
        let k = blocks.partition_point(|b| b.range.start < at);
        blocks
            .get(k)
            .is_some_and(|b| b.range.start == at && matches!(b.kind, BlockKind::Heading(_)))
    };
    let line_start = |at: usize| new.text[..at].rfind(['\n', '\r']).map_or(0, |k| k + 1);
    let headings = new
        .syntax
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Heading(_)))
        .map(|b| b.range.start);
    let mut start = 0;
    let mut end = new.text.len();
    for at in headings {
        if at <= edit.start {
            if heading_at(old, at) {
                start = at;
            }
        } else if line_start(at) > edit.new_end && heading_at(old, (at as isize - grow) as usize) {
            end = at;
            break;
        }
    }
    (start, end)
}

/// The part `start..end` of `doc` as a document of its own, for the per-section rules:
/// the blocks, mentions, citations and claim spans in it, every definition (vague phrases
/// read the sources'), the text up to `end`, and the prose mask blank before `start` (the
/// rules' searches over the mask then skip it at once).
fn window(doc: &Document, start: usize, end: usize) -> Document {
    let syntax = &doc.syntax;
    let inside = |r: TextRange| start <= r.start && r.start < end;
    let claims_from = syntax.claims.partition_point(|c| c.range.start < start);
    let claims_to = syntax.claims.partition_point(|c| c.range.start < end);
    let window = SyntaxFile {
        front_matter: syntax.front_matter.clone(),
        blocks: syntax
            .blocks
            .iter()
            .filter(|b| inside(b.range))
            .copied()
            .collect(),
        definitions: syntax.definitions.clone(),
        mentions: syntax
            .mentions
            .iter()
            .filter(|m| inside(m.range))
            .cloned()
            .collect(),
        citations: syntax
            .citations
            .iter()
            .filter(|c| inside(c.range))
            .cloned()
            .map(|mut c| {
                c.claim = c.claim.map(|k| k - claims_from as u32);
                c
            })
            .collect(),
        claims: syntax.claims[claims_from..claims_to].to_vec(),
        ..SyntaxFile::default()
    };
    let mut mask = String::with_capacity(end);
    mask.extend(std::iter::repeat_n(' ', start));
    mask.push_str(&doc.prose_mask()[start..end]);
    Document::from_parts(
        PathBuf::from(&doc.path),
        doc.text[..end].to_string(),
        window,
        mask,
    )
}

/// A finding after the edit, moved with the text.
fn shift((rule, severity, finding): &RawFinding, by: isize) -> RawFinding {
    let moved = |r: TextRange| {
        TextRange::new(
            (r.start as isize + by) as usize,
            (r.end as isize + by) as usize,
        )
    };
    let mut finding = finding.clone();
    finding.range = moved(finding.range);
    if let Subject::Claim(claim) = &mut finding.subject {
        claim.range = moved(claim.range);
        claim.sentence = moved(claim.sentence);
    }
    (*rule, *severity, finding)
}
