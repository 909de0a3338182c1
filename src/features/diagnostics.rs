//! A document's diagnostics kept up to date as it is edited.
//!
//! Most of the cost of the rules is in those that read every block of prose, and an edit
//! changes the findings of few blocks ([`Reach`]): the attribution analysis and vague
//! phrases start afresh at every heading, near misses of registry names are found block by
//! block, and unlinked-mention reports the first plain-text name of each entity. After an
//! edit these rules run again only on the sections (heading to heading) it touched; their
//! findings there replace the old ones, and the findings after them move with the text. The
//! rules that read the whole document (which sources are cited anywhere, duplicate
//! definitions, the headline's numbers against the body's) run whole. The result is always
//! what [`rules::check`] gives (a property test holds it to that).

use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::config::Config;
use crate::rules::{self, Context, Diagnostic, RawFinding, Reach, Rule, Subject};
use crate::syntax::{BlockKind, Edit, ProseBlock, SyntaxFile, TextRange};
use crate::workspace::{Document, FileId, Registry, Workspace};

/// What an analysis keeps of a document for the next one.
#[derive(Clone)]
pub struct Analysis {
    doc: Arc<Document>,
    config: Arc<Config>,
    /// The registry the findings were judged against: near misses and unlinked names are
    /// findings about it, so another registry (an edit of an entity in another file) has the
    /// document judged whole again.
    registry: Registry,
    /// The findings of the rules of limited reach, before suppressions, ordered by start.
    kept: Vec<RawFinding>,
    /// The first mention of each entity id, in text order (indices into the mentions): what
    /// near misses and unlinked names need of the mentions outside the sections judged.
    firsts: Vec<usize>,
}

fn limited(rule: Rule) -> bool {
    rule.reach() != Reach::Document
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
    let whole = rules::findings(&cx, |rule| !limited(rule));
    let updated = previous.and_then(|previous| {
        let kept = previous.update(ws, file, &doc, cx.prose_end)?;
        Some((kept, previous.firsts.clone()))
    });
    let (kept, firsts) = updated.unwrap_or_else(|| {
        let mut seen = FxHashSet::default();
        let firsts = (doc.syntax.mentions.iter().enumerate())
            .filter(|(_, m)| seen.insert(m.id.as_str()))
            .map(|(i, _)| i)
            .collect();
        (by_start(rules::findings(&cx, limited)), firsts)
    });
    let diagnostics = rules::finish(&doc, whole.into_iter().chain(kept.iter().cloned()));
    let analysis = Analysis {
        doc,
        config: ws.config.clone(),
        registry: ws.index().registry(),
        kept,
        firsts,
    };
    (analysis, diagnostics)
}

/// Findings ordered by start; those at one place keep their order.
fn by_start(mut found: Vec<RawFinding>) -> Vec<RawFinding> {
    found.sort_by_key(|(_, _, f)| f.range.start);
    found
}

impl Analysis {
    /// The document this analysis was made for.
    pub fn document(&self) -> &Arc<Document> {
        &self.doc
    }

    /// The findings of limited reach of `doc` from those of the document this analysis was
    /// made for, running the rules again only on the sections that differ; `None` when that
    /// cannot be done exactly (another configuration, an edit of definitions or of which
    /// entities are mentioned, the size limit).
    fn update(
        &self,
        ws: &Workspace,
        file: FileId,
        doc: &Arc<Document>,
        prose_end: usize,
    ) -> Option<Vec<RawFinding>> {
        let old = &self.doc;
        if !Arc::ptr_eq(&self.config, &ws.config)
            || old.path != doc.path
            || !self.registry.same(&ws.index().registry())
        {
            return None;
        }
        if Arc::ptr_eq(old, doc) || old.text == doc.text {
            return Some(self.kept.clone());
        }
        // Past the size limit the prose rules stop at a block that an edit can move.
        let limit = ws.config.limits.prose_bytes;
        if prose_end != doc.text.len() || old.text.len() > limit {
            return None;
        }
        let edit = Edit::between(&old.text, &doc.text);
        // Vague phrases read the document's source definitions, and near misses and
        // unlinked names which entities the document mentions: an edit of either is judged
        // whole.
        let touches = |syntax: &SyntaxFile, end: usize| {
            syntax
                .definitions
                .iter()
                .any(|d| d.range.start <= end && edit.start <= d.range.end)
        };
        let (a, b) = (&old.syntax.mentions, &doc.syntax.mentions);
        let same_mentions = a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.id == b.id);
        if !same_mentions
            || old.syntax.definitions.len() != doc.syntax.definitions.len()
            || touches(&old.syntax, edit.old_end)
            || touches(&doc.syntax, edit.new_end)
        {
            return None;
        }
        let grow = doc.text.len() as isize - old.text.len() as isize;
        let (start, end) = sections(old, doc, edit, grow);
        let old_end = (end as isize - grow) as usize;
        let inside = |raw: &RawFinding| start <= raw.2.range.start && raw.2.range.start < end;

        let blocks: Vec<ProseBlock> = doc
            .syntax
            .blocks
            .iter()
            .filter(|b| start <= b.range.start && b.range.start < end)
            .copied()
            .collect();
        let in_range = |r: TextRange| start <= r.start && r.start < end;
        let sections = window(doc, blocks.clone(), end, &in_range, &[]);
        let cx = Context::for_document(ws, file, &sections.doc, end.min(prose_end));
        let mut judged = rules::findings(&cx, |rule| rule.reach() == Reach::Section);
        // Near misses: the window's mentions after the first mention of each entity, which
        // is all they need of the others.
        let near = window(doc, blocks.clone(), end, &in_range, &self.firsts);
        let cx = Context::for_document(ws, file, &near.doc, end.min(prose_end));
        judged.extend(near.renumber(rules::findings(&cx, |rule| rule.reach() == Reach::Block)));
        judged.retain(inside);

        let kept = &self.kept;
        let before = kept.partition_point(|(_, _, f)| f.range.start < start);
        let after = kept.partition_point(|(_, _, f)| f.range.start < old_end);
        let first_name = |raw: &&RawFinding| raw.0.reach() == Reach::FirstName;

        // Unlinked names: the window after the names reported before it, each as a block of
        // its own, so that the rule knows them as reported (and reports the same ones again,
        // which are dropped).
        let mut named: Vec<ProseBlock> = kept[..before]
            .iter()
            .filter(first_name)
            .map(|(_, _, f)| ProseBlock {
                kind: BlockKind::Paragraph,
                range: f.range,
            })
            .collect();
        named.extend(blocks);
        let names_window = window(doc, named, end, &in_range, &self.firsts);
        let cx = Context::for_document(ws, file, &names_window.doc, end.min(prose_end));
        let mut names = names_window.renumber(rules::findings(&cx, |rule| {
            rule.reach() == Reach::FirstName
        }));
        names.retain(inside);
        // The entities named up to the end of the window, before the edit and after it: when
        // they differ, the first names after the window may be others.
        let ids = |found: &mut dyn Iterator<Item = &RawFinding>| -> FxHashSet<String> {
            found
                .flat_map(|(_, _, f)| match &f.subject {
                    Subject::Name(ids) => ids.clone(),
                    _ => Vec::new(),
                })
                .collect()
        };
        let named_before = ids(&mut kept[..after].iter().filter(first_name));
        let named_after = ids(&mut kept[..before].iter().filter(first_name).chain(&names));
        let mut out = Vec::with_capacity(before + judged.len() + kept.len() - after);
        out.extend_from_slice(&kept[..before]);
        out.extend(by_start(judged.into_iter().chain(names).collect()));
        out.extend(kept[after..].iter().map(|raw| shift(raw, grow)));
        if named_before != named_after {
            let cx = Context::new(ws, file);
            out.retain(|raw| raw.0.reach() != Reach::FirstName);
            out.extend(rules::findings(&cx, |rule| {
                rule.reach() == Reach::FirstName
            }));
            out = by_start(out);
        }
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

/// A part of a document as a document of its own, for the rules of limited reach.
struct Window {
    doc: Document,
    /// For each of its mentions, the index of the same mention in the whole document.
    mentions: Vec<usize>,
}

/// `doc` up to `end` holding only `blocks` (of the sections an edit touched), the mentions,
/// citations and claim spans of `in_range`, besides the mentions `firsts` (indices, before
/// the others), every definition, and the text and prose mask up to `end`.
fn window(
    doc: &Document,
    blocks: Vec<ProseBlock>,
    end: usize,
    in_range: &dyn Fn(TextRange) -> bool,
    firsts: &[usize],
) -> Window {
    let syntax = &doc.syntax;
    // In the document's order, as the rules would read them in the whole document.
    let mut mentions: Vec<usize> = firsts.to_vec();
    mentions.extend(
        (syntax.mentions.iter().enumerate())
            .filter(|(_, m)| in_range(m.range))
            .map(|(i, _)| i),
    );
    mentions.sort_unstable();
    mentions.dedup();
    // Claim spans are in text order: those of the window are a run, and its citations'
    // claim numbers count from the first.
    let claims: Vec<_> = (syntax.claims.iter().enumerate())
        .filter(|(_, c)| in_range(c.range))
        .collect();
    let first_claim = claims.first().map_or(0, |(i, _)| *i);
    let part = SyntaxFile {
        front_matter: syntax.front_matter.clone(),
        blocks,
        definitions: syntax.definitions.clone(),
        mentions: mentions
            .iter()
            .map(|&i| syntax.mentions[i].clone())
            .collect(),
        citations: (syntax.citations.iter())
            .filter(|c| in_range(c.range))
            .map(|c| {
                let mut c = c.clone();
                c.claim = c.claim.map(|k| k - first_claim as u32);
                c
            })
            .collect(),
        claims: claims.into_iter().map(|(_, c)| c.clone()).collect(),
        ..SyntaxFile::default()
    };
    Window {
        doc: Document::from_parts(
            PathBuf::from(&doc.path),
            doc.text[..end].to_string(),
            part,
            doc.prose_mask()[..end].to_string(),
        ),
        mentions,
    }
}

impl Window {
    /// Findings about the window's mentions, about the same mentions of the document.
    fn renumber(&self, mut found: Vec<RawFinding>) -> Vec<RawFinding> {
        for (_, _, f) in &mut found {
            if let Subject::Mention(i) = &mut f.subject {
                *i = self.mentions[*i];
            }
        }
        found
    }
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
