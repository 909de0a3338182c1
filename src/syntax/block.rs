//! Block structure: front matter, fences, headings, lists, definitions, paragraphs.
//! Works line by line; inline constructs are left to `inline`.

use super::{
    ARTICLE_STATUSES, BlockKind, Definition, DefinitionKind, ENTITY_KINDS, Field, FrontMatter,
    FrontMatterEntry, Mention, MentionKind, ProseBlock, SOURCE_KINDS, Spanned, SyntaxFile,
    TextRange, id_len, inline, is_valid_id, near::unknown_value, parser::Parser,
};

#[derive(Clone, Copy, Debug)]
pub(super) struct Line {
    pub start: usize,
    /// End of the content, before the line break.
    pub end: usize,
}

impl Parser<'_> {
    fn spanned(&self, start: usize, end: usize) -> Spanned {
        Spanned {
            text: self.text[start..end].to_string(),
            range: TextRange::new(start, end),
        }
    }

    /// The trimmed part of `start..end` as a `Spanned`.
    fn trimmed(&self, start: usize, end: usize) -> Spanned {
        let slice = &self.text[start..end];
        let lead = slice.len() - slice.trim_start().len();
        let trimmed = slice.trim();
        self.spanned(start + lead, start + lead + trimmed.len())
    }
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    while start <= bytes.len() {
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(found) => {
                let end = start + found;
                lines.push(Line { start, end });
                start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
            }
            None => {
                lines.push(Line {
                    start,
                    end: bytes.len(),
                });
                break;
            }
        }
    }
    lines
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Leading spaces (a tab counts as four) and the byte length of that indentation.
fn indentation(s: &str) -> (usize, usize) {
    let mut width = 0;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b' ' => width += 1,
            b'\t' => width += 4,
            _ => return (width, i),
        }
    }
    (width, s.len())
}

fn fence_marker(s: &str) -> Option<(u8, usize)> {
    let (width, skip) = indentation(s);
    if width > 3 {
        return None;
    }
    let rest = &s.as_bytes()[skip..];
    let ch = *rest.first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let count = rest.iter().take_while(|&&b| b == ch).count();
    (count >= 3).then_some((ch, count))
}

fn is_thematic_break(s: &str) -> bool {
    let t = s.trim();
    let Some(first) = t.bytes().next() else {
        return false;
    };
    matches!(first, b'-' | b'*' | b'_')
        && t.bytes().filter(|&b| b == first).count() >= 3
        && t.bytes().all(|b| b == first || b == b' ' || b == b'\t')
}

/// Byte length of a list marker and the spaces after it, if the line starts a list item.
fn list_marker_len(s: &str) -> Option<usize> {
    let (_, skip) = indentation(s);
    let rest = &s.as_bytes()[skip..];
    let marker = match rest.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(rest.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    let spaces = rest[marker..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (spaces > 0 && marker + spaces < rest.len()).then_some(skip + marker + spaces)
}

/// An ordered list marker other than `1.`: as in CommonMark, it cannot interrupt a paragraph,
/// so a wrapped line starting `1945. The army…` stays prose.
fn is_ordered_not_one(s: &str) -> bool {
    let t = s.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && &t[..digits] != "1"
}

/// `(level, content start, content end)` relative to the line, for an ATX heading.
fn heading(s: &str) -> Option<(u8, usize, usize)> {
    let (width, skip) = indentation(s);
    if width > 3 {
        return None;
    }
    let rest = &s[skip..];
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let start = skip + level + (after.len() - after.trim_start().len());
    let mut content = s[start..].trim_end();
    // A closing run of `#` preceded by a space is decoration, not content.
    let without_hashes = content.trim_end_matches('#');
    if without_hashes.len() < content.len()
        && (without_hashes.is_empty() || without_hashes.ends_with([' ', '\t']))
    {
        content = without_hashes.trim_end();
    }
    Some((level as u8, start, start + content.len()))
}

/// Does the comment state change across this line? Returns whether a comment is open at its end.
fn comment_open_after(line: &str, mut open: bool) -> bool {
    let mut rest = line;
    loop {
        if open {
            match rest.find("-->") {
                Some(at) => {
                    rest = &rest[at + 3..];
                    open = false;
                }
                None => return true,
            }
        } else {
            match rest.find("<!--") {
                Some(at) => {
                    rest = &rest[at + 4..];
                    open = true;
                }
                None => return false,
            }
        }
    }
}

pub(super) fn parse(text: &str) -> SyntaxFile {
    let mut p = Parser::new(text, text.as_bytes().to_vec());
    let lines = split_lines(text);
    let (first_body_line, floor) = front_matter(&mut p, &lines);
    p.file.reparse.floor = floor;
    body(
        &mut p,
        lines[first_body_line..].iter().copied(),
        &mut |_| false,
    );
    p.file.reparse.block_mentions = p.file.mentions.len();
    p.file.reparse.block_errors = p.file.errors.len();
    inline_pass(&mut p);
    p.finish()
}

/// The inline constructs of every block the block pass found.
pub(super) fn inline_pass(p: &mut Parser) {
    let blocks = std::mem::take(&mut p.file.blocks);
    for block in &blocks {
        inline::scan(p, block.range);
    }
    p.file.blocks = blocks;
}

/// The lines of `text` from `start` (a line start) on, as [`split_lines`] finds them, one at
/// a time: a reparse reads only as far as it needs.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    start: usize,
    done: bool,
}

impl<'a> Lines<'a> {
    pub(super) fn from(text: &'a str, start: usize) -> Lines<'a> {
        Lines {
            bytes: text.as_bytes(),
            start,
            done: false,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;
    fn next(&mut self) -> Option<Line> {
        if self.done {
            return None;
        }
        let (bytes, start) = (self.bytes, self.start);
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(found) => {
                let end = start + found;
                self.start = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    end + 2
                } else {
                    end + 1
                };
                Some(Line { start, end })
            }
            None => {
                self.done = true;
                Some(Line {
                    start,
                    end: bytes.len(),
                })
            }
        }
    }
}

fn looks_like_key_line(s: &str) -> bool {
    let t = s.trim_start();
    let key_len = t
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    key_len > 0 && t[key_len..].trim_start().starts_with(':')
}

/// Reads the front matter if the file has one; returns the index of the first body line, and
/// the offset up to which an edit can change the front matter (the end of the last line its
/// reading looked at: see [`super::Reparse::floor`]).
fn front_matter(p: &mut Parser, lines: &[Line]) -> (usize, usize) {
    let first = lines[0];
    if p.text[first.start..first.end].trim_end() != "---" {
        // A first line edited into `---` opens front matter.
        return (0, first.end);
    }
    let mut end_line = None;
    let mut last_content = 0;
    let mut still_metadata = true;
    // Where the reading stopped: a line edited there may close the front matter or continue
    // it; with no such line, any edit may.
    let mut floor = p.text.len();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let s = &p.text[line.start..line.end];
        if s.trim_end() == "---" || s.trim_end() == "..." {
            end_line = Some(i);
            floor = line.end;
            break;
        }
        let continuation = s.starts_with([' ', '\t']) || is_blank(s);
        if !(looks_like_key_line(s) || continuation) {
            floor = line.end;
            break;
        }
        // Should the block turn out unterminated, only lines that look like metadata (a
        // lower-case key) are kept in it: `Note: 13 soldiers died.` is prose.
        let metadata_like = continuation || s.starts_with(|c: char| c.is_ascii_lowercase());
        still_metadata &= metadata_like;
        if still_metadata && !is_blank(s) {
            last_content = i;
        }
    }
    let terminated = end_line.is_some();
    let last = end_line.unwrap_or(last_content);
    if !terminated {
        p.error(
            TextRange::new(first.start, first.end),
            "front matter opened with `---` is never closed: add a line `---` after its last key"
                .to_string(),
        );
    }
    let mut entries = Vec::new();
    let content_end = if terminated { last } else { last + 1 };
    for line in &lines[1..content_end] {
        let s = &p.text[line.start..line.end];
        if !looks_like_key_line(s) || s.starts_with([' ', '\t']) {
            continue;
        }
        let colon = line.start + s.find(':').unwrap_or(0);
        let key = p.trimmed(line.start, colon);
        let value = p.trimmed(colon + 1, line.end);
        check_front_matter_value(p, &key.text, &value);
        entries.push(FrontMatterEntry { key, value });
    }
    let range = TextRange::new(first.start, lines[last].end);
    p.mask_with(range, b' ');
    p.file.front_matter = Some(FrontMatter {
        range,
        entries,
        terminated,
    });
    (last + 1, floor)
}

fn check_front_matter_value(p: &mut Parser, key: &str, value: &Spanned) {
    match key {
        "status" if !ARTICLE_STATUSES.contains(&value.text.as_str()) => p.error(
            value.range,
            unknown_value("status", &value.text, ARTICLE_STATUSES, &[]),
        ),
        "date" | "updated" if !is_date(&value.text, false) => p.error(
            value.range,
            format!(
                "{key} “{}” is not a date: write it as YYYY-MM-DD",
                value.text
            ),
        ),
        "max-source-age-days"
            if value.text.is_empty()
                || !value.text.bytes().all(|b| b.is_ascii_digit())
                || value.text.parse::<u32>().is_err() =>
        {
            p.error(
                value.range,
                format!(
                    "max-source-age-days “{}” is not a number of days: write a whole number, such as 7",
                    value.text
                ),
            )
        }
        _ => {}
    }
}

/// `YYYY-MM-DD`; with `partial`, also `YYYY-MM` and `YYYY`.
pub(super) fn is_date(s: &str, partial: bool) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let in_range = |p: &str, max: u32| p.parse::<u32>().is_ok_and(|v| (1..=max).contains(&v));
    match parts.as_slice() {
        [y] => partial && digits(y, 4),
        [y, m] => partial && digits(y, 4) && digits(m, 2) && in_range(m, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && digits(d, 2) && in_range(m, 12) && {
                let year: u32 = y.parse().unwrap_or(0);
                let leap = year.is_multiple_of(4)
                    && (!year.is_multiple_of(100) || year.is_multiple_of(400));
                let days = match m.parse::<u32>().unwrap_or(0) {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                in_range(d, days)
            }
        }
        _ => false,
    }
}

#[derive(Clone, Copy)]
struct OpenBlock {
    kind: BlockKind,
    start: usize,
    end: usize,
}

/// The body from its first line (where no construct is open) on. At every line where nothing
/// is open (the first, and each after a blank line outside fences and comments) the parser's
/// state is the same as at the start: it records the line as a checkpoint and stops there if
/// `stop` says so (a reparse that has caught up with the old parse), returning where.
pub(super) fn body(
    p: &mut Parser,
    lines: impl Iterator<Item = Line>,
    stop: &mut dyn FnMut(usize) -> bool,
) -> Option<usize> {
    let mut clean = true;
    let mut open: Option<OpenBlock> = None;
    let mut fence: Option<(u8, usize)> = None;
    let mut definition: Option<usize> = None;
    let mut comment_open = false;
    let mut previous_was_quote = false;

    let close = |p: &mut Parser, open: &mut Option<OpenBlock>| {
        if let Some(block) = open.take() {
            p.file.blocks.push(ProseBlock {
                kind: block.kind,
                range: TextRange::new(block.start, block.end),
            });
        }
    };

    for line in lines {
        if std::mem::take(&mut clean) {
            p.checkpoints.push(line.start);
            if stop(line.start) {
                return Some(line.start);
            }
        }
        let s = &p.text[line.start..line.end];
        let whole = TextRange::new(line.start, line.end);

        if let Some((ch, count)) = fence {
            if fence_marker(s).is_some_and(|(c, n)| c == ch && n >= count)
                && s.trim().bytes().all(|b| b == ch)
            {
                fence = None;
            }
            p.mask_with(whole, b' ');
            continue;
        }
        if comment_open {
            // Everything up to the comment's end belongs to the block that opened it.
            comment_open = comment_open_after(s, true);
            match open.as_mut() {
                Some(block) => block.end = line.end,
                None => {
                    // The comment was opened by a heading or table row, which are one line
                    // long: hide the rest of it, and let what follows `-->` be prose.
                    let comment_end = s.find("-->").map_or(s.len(), |at| at + 3);
                    p.mask_with(TextRange::new(line.start, line.start + comment_end), b' ');
                    if !comment_open && !is_blank(&s[comment_end..]) {
                        open = Some(OpenBlock {
                            kind: BlockKind::Paragraph,
                            start: line.start + comment_end,
                            end: line.end,
                        });
                    }
                }
            }
            continue;
        }
        if is_blank(s) {
            close(p, &mut open);
            definition = None;
            previous_was_quote = false;
            clean = true;
            continue;
        }
        if let Some(def) = definition {
            if s.starts_with([' ', '\t']) {
                definition_field(p, def, line);
                continue;
            }
            definition = None;
        }
        if fence_marker(s).is_some() {
            close(p, &mut open);
            fence = fence_marker(s);
            p.mask_with(whole, b' ');
            continue;
        }
        if (s.starts_with("[@") || s.starts_with("[^"))
            && let Some(index) = definition_head(p, line)
        {
            close(p, &mut open);
            definition = Some(index);
            continue;
        }
        if let Some((level, start, end)) = heading(s) {
            close(p, &mut open);
            p.mask_with(TextRange::new(line.start, line.start + start), b' ');
            p.file.blocks.push(ProseBlock {
                kind: BlockKind::Heading(level),
                range: TextRange::new(line.start + start, line.start + end),
            });
            comment_open = comment_open_after(&s[start..end], false);
            continue;
        }
        if is_thematic_break(s) {
            close(p, &mut open);
            p.mask_with(whole, b' ');
            continue;
        }
        comment_open = comment_open_after(s, false);
        if s.trim_start().starts_with('|') {
            close(p, &mut open);
            if s.bytes()
                .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
            {
                p.mask_with(whole, b' ');
                continue;
            }
            let bytes = &p.bytes[line.start..line.end];
            for (i, &b) in bytes.iter().enumerate() {
                if b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
                    p.mask[line.start + i] = b' ';
                }
            }
            open = Some(OpenBlock {
                kind: BlockKind::TableRow,
                start: line.start,
                end: line.end,
            });
            close(p, &mut open);
            continue;
        }
        let (_, indent) = indentation(s);
        let is_quote = s[indent..].starts_with('>');
        if is_quote {
            // Mask every `>` marker of the (possibly nested) quote prefix.
            let mut i = line.start + indent;
            while i < line.end && matches!(p.bytes[i], b'>' | b' ' | b'\t') {
                p.mask[i] = b' ';
                i += 1;
            }
            if !previous_was_quote {
                close(p, &mut open);
            }
        } else if previous_was_quote {
            close(p, &mut open);
        }
        previous_was_quote = is_quote;
        let in_paragraph = open.is_some_and(|b| b.kind == BlockKind::Paragraph);
        if let Some(marker) = list_marker_len(s)
            && !(in_paragraph && is_ordered_not_one(s))
        {
            close(p, &mut open);
            p.mask_with(TextRange::new(line.start, line.start + marker), b' ');
            open = Some(OpenBlock {
                kind: BlockKind::ListItem,
                start: line.start,
                end: line.end,
            });
            continue;
        }
        match open.as_mut() {
            Some(block) => block.end = line.end,
            None => {
                open = Some(OpenBlock {
                    kind: BlockKind::Paragraph,
                    start: line.start,
                    end: line.end,
                })
            }
        }
    }
    close(p, &mut open);
    None
}

/// Reads `[@id]: Name` or `[^id]: Title`. Returns the new definition's index, or `None` when
/// the line is not a definition after all (then it is prose).
fn definition_head(p: &mut Parser, line: Line) -> Option<usize> {
    let s = &p.text[line.start..line.end];
    let close = s.find("]:")?;
    let inner = &s[2..close];
    if inner.contains(['[', ']']) {
        return None;
    }
    let kind = if s.as_bytes()[1] == b'@' {
        DefinitionKind::Entity
    } else {
        DefinitionKind::Source
    };
    let label = TextRange::new(line.start, line.start + close + 1);
    p.mask_with(TextRange::new(line.start, line.end), b' ');
    let id = p.spanned(line.start + 2, line.start + close);
    if inner.is_empty() {
        p.error(
            label,
            "a definition needs an id: write [@id] or [^id]".to_string(),
        );
    } else if !is_valid_id(inner) {
        p.error(
            label,
            format!(
                "“{inner}” is not a valid id: start with a letter or digit and use only letters, digits, `-` and `_`"
            ),
        );
    }
    let name = p.trimmed(line.start + close + 2, line.end);
    if name.text.is_empty() {
        let what = match kind {
            DefinitionKind::Entity => "entity definition needs its canonical name",
            DefinitionKind::Source => "source definition needs a title",
        };
        p.error(label, format!("{what} after the colon"));
    }
    p.file.definitions.push(Definition {
        kind,
        id,
        label,
        name,
        fields: Vec::new(),
        range: TextRange::new(line.start, line.end),
    });
    Some(p.file.definitions.len() - 1)
}

fn definition_field(p: &mut Parser, index: usize, line: Line) {
    let s = &p.text[line.start..line.end];
    p.mask_with(TextRange::new(line.start, line.end), b' ');
    p.file.definitions[index].range.end = line.end;
    let content = p.trimmed(line.start, line.end);
    let key_len = content
        .text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let colon = s.find(':');
    let well_formed = key_len > 0
        && colon.is_some_and(|c| line.start + c >= content.range.start + key_len)
        && content.text[key_len..].trim_start().starts_with(':');
    if !well_formed {
        p.error(
            content.range,
            format!(
                "expected `field: value` in the definition of {}",
                definition_label(&p.file.definitions[index])
            ),
        );
        return;
    }
    let colon = line.start + colon.unwrap_or(0);
    let key = p.trimmed(line.start, colon);
    let value = p.trimmed(colon + 1, line.end);
    check_field_value(p, index, &key.text, &value);
    p.file.definitions[index].fields.push(Field { key, value });
}

pub(crate) fn definition_label(def: &Definition) -> String {
    match def.kind {
        DefinitionKind::Entity => format!("[@{}]", def.id.text),
        DefinitionKind::Source => format!("[^{}]", def.id.text),
    }
}

fn check_field_value(p: &mut Parser, index: usize, key: &str, value: &Spanned) {
    let kind = p.file.definitions[index].kind;
    let allowed_kinds = match kind {
        DefinitionKind::Entity => ENTITY_KINDS,
        DefinitionKind::Source => SOURCE_KINDS,
    };
    if value.text.is_empty() {
        // A field waiting for its value (a quick fix inserts such skeletons): not malformed,
        // and `incomplete-source` still asks for the required ones.
        return;
    }
    match (kind, key) {
        (_, "kind") if !allowed_kinds.contains(&value.text.as_str()) => p.error(
            value.range,
            unknown_value("kind", &value.text, allowed_kinds, &[]),
        ),
        (DefinitionKind::Source, "date" | "accessed") if !is_date(&value.text, true) => p.error(
            value.range,
            format!(
                "{key} “{}” is not a date: write YYYY-MM-DD (or YYYY-MM, or YYYY)",
                value.text
            ),
        ),
        (DefinitionKind::Source, "by") => {
            let bytes = value.text.as_bytes();
            let len = if bytes.first() == Some(&b'@') {
                id_len(&bytes[1..])
            } else {
                0
            };
            if len == 0 || len + 1 != bytes.len() {
                p.error(
                    value.range,
                    "`by:` names the entity behind the source: write it as @id".to_string(),
                );
            } else {
                p.file.mentions.push(Mention {
                    kind: MentionKind::By,
                    id: value.text[1..].into(),
                    target: value.range,
                    range: value.range,
                });
            }
        }
        _ => {}
    }
}
