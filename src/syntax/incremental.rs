//! Parsing again only what an edit touched.
//!
//! The block pass reads line by line, and after a blank line outside fences and comments
//! nothing of what came before matters to it (a *checkpoint*, see [`super::Reparse`]). So an
//! edit is parsed from the last checkpoint before it until, past the edit, the new parse
//! reaches a checkpoint that is also one of the old parse at the same text: from there on the
//! old parse is right, shifted by the edit's change of length. The result is exactly what
//! [`super::parse`] gives for the new text (a property test holds it to that).

use super::block::{Lines, body, inline_pass};
use super::parser::Parser;
use super::{
    ClaimSpan, Definition, Mention, ProseBlock, Reparse, Spanned, Suppression, SyntaxError,
    SyntaxFile, TextRange,
};

/// One change of a text: `old[start..old_end]` became `new[start..new_end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    /// The smallest edit that turns `old` into `new`: their common prefix and suffix are left
    /// out (compared a block at a time, so a megabyte costs tens of microseconds). Whatever
    /// the client sent (several changes, the whole text), this is what changed.
    pub fn between(old: &str, new: &str) -> Edit {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let limit = a.len().min(b.len());
        let start = common_len(limit, |i| a[i], |i| b[i], |i, n| a[i..i + n] == b[i..i + n]);
        let suffix = common_len(
            limit - start,
            |i| a[a.len() - 1 - i],
            |i| b[b.len() - 1 - i],
            |i, n| a[a.len() - i - n..a.len() - i] == b[b.len() - i - n..b.len() - i],
        );
        Edit {
            start,
            old_end: a.len() - suffix,
            new_end: b.len() - suffix,
        }
    }
}

/// How many of the first `limit` positions agree, comparing chunks first.
fn common_len(
    limit: usize,
    a: impl Fn(usize) -> u8,
    b: impl Fn(usize) -> u8,
    chunk_equal: impl Fn(usize, usize) -> bool,
) -> usize {
    const CHUNK: usize = 4096;
    let mut i = 0;
    while i + CHUNK <= limit && chunk_equal(i, CHUNK) {
        i += CHUNK;
    }
    while i < limit && a(i) == b(i) {
        i += 1;
    }
    i
}

/// The parse of `new`, given the parse of the text it was edited from (`old`, with its prose
/// mask still in it, or passed as `old_mask`) and the edit. `None` when the edit reaches the
/// front matter or the start of the body: then only a whole parse will do.
pub fn reparse(old: &SyntaxFile, old_mask: &str, new: &str, edit: Edit) -> Option<SyntaxFile> {
    let info = &old.reparse;
    let old_len = old_mask.len();
    if edit.start <= info.floor || edit.old_end > old_len || edit.new_end > new.len() {
        return None;
    }
    // The last checkpoint strictly before the edit: the line break before it is unchanged,
    // so it is still a line start, with the same state.
    let k = info.checkpoints.partition_point(|&c| c < edit.start);
    let from = *info.checkpoints.get(k.checked_sub(1)?)?;
    let grow = new.len() as isize - old_len as isize;

    // The mask: the old one before `from`, the new text after it until the parse masks it.
    let mut mask = Vec::with_capacity(new.len());
    mask.extend_from_slice(&old_mask.as_bytes()[..from]);
    mask.extend_from_slice(&new.as_bytes()[from..]);
    let mut p = Parser::new(new, mask);
    let old_checkpoints = &info.checkpoints;
    let until = body(&mut p, Lines::from(new, from), &mut |at| {
        at > edit.new_end
            && old_checkpoints
                .binary_search(&((at as isize - grow) as usize))
                .is_ok()
    });
    let region_mentions = p.file.mentions.len();
    let region_errors = p.file.errors.len();
    inline_pass(&mut p);
    // The end of the part parsed again in the old text (past everything when the parse ran
    // to the end).
    let old_until = match until {
        Some(at) => {
            let old_at = (at as isize - grow) as usize;
            p.mask[at..].copy_from_slice(&old_mask.as_bytes()[old_at..]);
            old_at
        }
        None => usize::MAX,
    };
    let Parser {
        file: region,
        mask,
        checkpoints: region_checkpoints,
        ..
    } = p;
    let mut out = SyntaxFile {
        prose_mask: String::from_utf8(mask).ok()?,
        ..SyntaxFile::default()
    };

    let splice = Splice {
        from,
        old_until,
        grow,
    };
    out.front_matter = old.front_matter.clone();
    out.blocks = splice.run(&old.blocks, region.blocks, |b| b.range.start, shift_block);
    out.definitions = splice.run(
        &old.definitions,
        region.definitions,
        |d| d.range.start,
        shift_definition,
    );
    let (old_by, old_inline) = old.mentions.split_at(info.block_mentions);
    let mut region_inline = region.mentions;
    let region_by: Vec<Mention> = region_inline.drain(..region_mentions).collect();
    let by = splice.run(old_by, region_by, |m| m.range.start, shift_mention);
    let block_mentions = by.len();
    out.mentions = by;
    out.mentions
        .extend(splice.run(old_inline, region_inline, |m| m.range.start, shift_mention));
    let (old_block_errors, old_inline_errors) = old.errors.split_at(info.block_errors);
    let mut region_inline_errors = region.errors;
    let region_block_errors: Vec<SyntaxError> =
        region_inline_errors.drain(..region_errors).collect();
    out.errors = splice.run(
        old_block_errors,
        region_block_errors,
        |e| e.range.start,
        shift_error,
    );
    let block_errors = out.errors.len();
    out.errors.extend(splice.run(
        old_inline_errors,
        region_inline_errors,
        |e| e.range.start,
        shift_error,
    ));
    // Claim spans are numbered (citations point at theirs): those after the edit move by
    // the change in how many there are, those parsed again by how many come before them.
    let claims_before = old.claims.partition_point(|c| c.range.start < from);
    let claims_after = old.claims.len() - old.claims.partition_point(|c| c.range.start < old_until);
    let old_region_claims = old.claims.len() - claims_after - claims_before;
    let renumber_after = region.claims.len() as isize - old_region_claims as isize;
    out.claims = splice.run(&old.claims, region.claims, |c| c.range.start, shift_claim);
    let mut citations = region.citations;
    for c in &mut citations {
        if let Some(k) = &mut c.claim {
            *k += claims_before as u32;
        }
    }
    out.citations = splice.run(
        &old.citations,
        citations,
        |c| c.range.start,
        |c, by| {
            let mut c = shift_citation(c, by);
            if let Some(k) = &mut c.claim {
                *k = (*k as isize + renumber_after) as u32;
            }
            c
        },
    );
    out.suppressions = splice.run(
        &old.suppressions,
        region.suppressions,
        |s| s.range.start,
        shift_suppression,
    );

    let kept_before = &info.checkpoints[..k - 1];
    let kept_after = &info.checkpoints[info.checkpoints.partition_point(|&c| c <= old_until)..];
    let mut checkpoints = Vec::with_capacity(info.checkpoints.len() + region_checkpoints.len());
    checkpoints.extend_from_slice(kept_before);
    checkpoints.extend_from_slice(&region_checkpoints);
    checkpoints.extend(kept_after.iter().map(|&c| (c as isize + grow) as usize));
    out.reparse = Reparse {
        checkpoints,
        floor: info.floor,
        block_mentions,
        block_errors,
    };
    out.shrink();
    Some(out)
}

/// Old items before the part parsed again, the new items of that part, and the old items
/// after it, moved by the edit.
struct Splice {
    from: usize,
    old_until: usize,
    grow: isize,
}

impl Splice {
    fn run<T: Clone>(
        &self,
        old: &[T],
        region: Vec<T>,
        start: impl Fn(&T) -> usize,
        shift: impl Fn(&T, isize) -> T,
    ) -> Vec<T> {
        let before = old.partition_point(|x| start(x) < self.from);
        let after = old.partition_point(|x| start(x) < self.old_until);
        let mut out = Vec::with_capacity(before + region.len() + old.len() - after);
        out.extend_from_slice(&old[..before]);
        out.extend(region);
        out.extend(old[after..].iter().map(|x| shift(x, self.grow)));
        out
    }
}

fn range(r: TextRange, by: isize) -> TextRange {
    TextRange::new(
        (r.start as isize + by) as usize,
        (r.end as isize + by) as usize,
    )
}

fn spanned(s: &Spanned, by: isize) -> Spanned {
    Spanned {
        text: s.text.clone(),
        range: range(s.range, by),
    }
}

fn shift_block(b: &ProseBlock, by: isize) -> ProseBlock {
    ProseBlock {
        kind: b.kind,
        range: range(b.range, by),
    }
}

fn shift_definition(d: &Definition, by: isize) -> Definition {
    Definition {
        kind: d.kind,
        id: spanned(&d.id, by),
        label: range(d.label, by),
        name: spanned(&d.name, by),
        fields: d
            .fields
            .iter()
            .map(|f| super::Field {
                key: spanned(&f.key, by),
                value: spanned(&f.value, by),
            })
            .collect(),
        range: range(d.range, by),
    }
}

fn shift_mention(m: &Mention, by: isize) -> Mention {
    Mention {
        kind: m.kind,
        id: m.id.clone(),
        target: range(m.target, by),
        range: range(m.range, by),
    }
}

fn shift_citation(c: &super::Citation, by: isize) -> super::Citation {
    super::Citation {
        id: c.id.clone(),
        range: range(c.range, by),
        claim: c.claim,
    }
}

fn shift_claim(c: &ClaimSpan, by: isize) -> ClaimSpan {
    ClaimSpan {
        range: range(c.range, by),
        text: range(c.text, by),
        attrs: range(c.attrs, by),
        sources: c.sources.iter().map(|s| spanned(s, by)).collect(),
        speakers: c.speakers.iter().map(|s| spanned(s, by)).collect(),
        status: c.status.map(|(s, r)| (s, range(r, by))),
        other: c
            .other
            .iter()
            .map(|(k, v)| (spanned(k, by), spanned(v, by)))
            .collect(),
    }
}

fn shift_suppression(s: &Suppression, by: isize) -> Suppression {
    Suppression {
        kind: s.kind,
        range: range(s.range, by),
        rules: s.rules.iter().map(|r| spanned(r, by)).collect(),
    }
}

fn shift_error(e: &SyntaxError, by: isize) -> SyntaxError {
    SyntaxError {
        range: range(e.range, by),
        message: e.message.clone(),
    }
}
