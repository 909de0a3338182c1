//! Inline constructs inside one prose block: code spans, comments (and suppressions), URLs,
//! mentions, citations, links and claim spans.

use super::near::{closest_word, unknown_value};
use super::parser::Parser;
use super::{
    Citation, ClaimSpan, ClaimStatus, Mention, MentionKind, Spanned, Suppression, SuppressionKind,
    TextRange, attribute_tokens, id_len, opens_mention,
};

/// Words for a claim's status with the sense of a valid one, which spelling alone would not
/// find (it would offer `unverified` for `verified`).
const STATUS_SYNONYMS: &[(&str, &str)] = &[
    ("verified", "confirmed"),
    ("unconfirmed", "unverified"),
    ("alleged", "reported"),
    ("contested", "disputed"),
    ("untrue", "false"),
];

/// Mask bytes, see [`super::SyntaxFile::prose_mask`].
const MENTION: u8 = b'E';
const OPAQUE: u8 = b'X';
const HIDDEN: u8 = b' ';

/// Bytes that may start or end an inline construct.
static INTERESTING: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"\\`<@![]:.";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Pairs of matching square brackets in the block, by opening offset; escaped brackets and
/// unmatched ones are left out. One pass with a stack, so 100,000 unclosed brackets stay linear.
fn bracket_pairs(bytes: &[u8], range: TextRange) -> Vec<(usize, usize)> {
    let mut stack = Vec::new();
    let mut pairs = Vec::new();
    let mut i = range.start;
    while let Some(found) = memchr::memchr3(b'\\', b'[', b']', &bytes[i..range.end]) {
        let at = i + found;
        match bytes[at] {
            b'\\' => {
                i = at + 2;
                if i >= range.end {
                    break;
                }
                continue;
            }
            b'[' => stack.push(at),
            _ => {
                if let Some(open) = stack.pop() {
                    pairs.push((open, at));
                }
            }
        }
        i = at + 1;
    }
    pairs.sort_unstable();
    pairs
}

/// Pairs of matching parentheses in the block, by opening offset, counted the way a link's
/// `(url)` is: every `(` and `)`, escaped or not. Built on the first `](` so that a block of
/// 100,000 `[a](` does not rescan the rest of the block for each one.
fn paren_pairs(bytes: &[u8], range: TextRange) -> Vec<(usize, usize)> {
    let mut stack = Vec::new();
    let mut pairs = Vec::new();
    let mut i = range.start;
    while let Some(found) = memchr::memchr2(b'(', b')', &bytes[i..range.end]) {
        let at = i + found;
        if bytes[at] == b'(' {
            stack.push(at);
        } else if let Some(open) = stack.pop() {
            pairs.push((open, at));
        }
        i = at + 1;
    }
    pairs.sort_unstable();
    pairs
}

/// The first match of some search at or after an offset, remembered: the answer found from
/// `from` is still the answer from any later offset up to it. Scans that look ahead for a
/// closing `}` or `>` or for whitespace then cost one pass over the block in all, instead of
/// one pass per opener when thousands of openers share one missing closer.
#[derive(Clone, Copy)]
struct NextMatch {
    from: usize,
    found: Option<usize>,
}

impl NextMatch {
    const UNKNOWN: NextMatch = NextMatch {
        from: usize::MAX,
        found: None,
    };

    fn get(&mut self, from: usize, search: impl FnOnce() -> Option<usize>) -> Option<usize> {
        if from >= self.from && self.found.is_none_or(|f| f >= from) {
            return self.found;
        }
        *self = NextMatch {
            from,
            found: search(),
        };
        self.found
    }
}

struct Scanner<'p, 'a> {
    p: &'p mut Parser<'a>,
    start: usize,
    end: usize,
    pairs: Vec<(usize, usize)>,
    /// See [`paren_pairs`]; `None` until a link tail is first looked for.
    parens: Option<Vec<(usize, usize)>>,
    next_brace: NextMatch,
    next_line_break: NextMatch,
    next_angle: NextMatch,
    next_whitespace: NextMatch,
    /// Where a construct's tail (`](url)`, `]{attrs}`) starts, and where it ends.
    closers: Vec<(usize, usize)>,
    /// Backtick run lengths known to have no closing run further on.
    unclosed_ticks: Vec<usize>,
    /// Starts of the block's maximal backtick runs by length, built at the first backtick.
    /// Searching the text for a closing run of the same length instead cost a pass over the
    /// rest of the block per distinct length: runs of length 1, 2, 3 … made that `n^1.5`.
    tick_runs: Option<rustc_hash::FxHashMap<usize, Vec<usize>>>,
}

fn tick_runs(bytes: &[u8], range: TextRange) -> rustc_hash::FxHashMap<usize, Vec<usize>> {
    let mut runs: rustc_hash::FxHashMap<usize, Vec<usize>> = Default::default();
    let mut i = range.start;
    while let Some(found) = memchr::memchr(b'`', &bytes[i..range.end]) {
        let at = i + found;
        let len = bytes[at..range.end]
            .iter()
            .take_while(|&&b| b == b'`')
            .count();
        runs.entry(len).or_default().push(at);
        i = at + len;
    }
    runs
}

pub(super) fn scan(p: &mut Parser, range: TextRange) {
    let pairs = bracket_pairs(p.bytes, range);
    let mut scanner = Scanner {
        p,
        start: range.start,
        end: range.end,
        pairs,
        parens: None,
        next_brace: NextMatch::UNKNOWN,
        next_line_break: NextMatch::UNKNOWN,
        next_angle: NextMatch::UNKNOWN,
        next_whitespace: NextMatch::UNKNOWN,
        closers: Vec::new(),
        unclosed_ticks: Vec::new(),
        tick_runs: None,
    };
    scanner.run(range.start);
}

impl Scanner<'_, '_> {
    fn byte(&self, i: usize) -> Option<u8> {
        (i < self.end).then(|| self.p.bytes[i])
    }

    fn matching_bracket(&self, open: usize) -> Option<usize> {
        self.pairs
            .binary_search_by_key(&open, |&(o, _)| o)
            .ok()
            .map(|i| self.pairs[i].1)
    }

    fn prev_char(&self, i: usize) -> Option<char> {
        self.p.text[..i].chars().next_back()
    }

    fn run(&mut self, start: usize) {
        let mut i = start;
        while i < self.end {
            // Most bytes are plain prose: skip them in a tight loop.
            while i < self.end && !INTERESTING[self.p.bytes[i] as usize] {
                i += 1;
            }
            if i >= self.end {
                break;
            }
            if let Some(&(at, tail_end)) = self.closers.last()
                && at == i
            {
                self.closers.pop();
                self.p.mask_with(TextRange::new(at, tail_end), HIDDEN);
                i = tail_end;
                continue;
            }
            i = match self.p.bytes[i] {
                b'\\' => self.escape(i),
                b'`' => self.code_span(i),
                b'<' => self.angle(i),
                b'@' => self.mention(i),
                b'!' if self.byte(i + 1) == Some(b'[') => self.image(i),
                b'[' => self.bracket(i),
                // URLs are found from their `://` or `www.`, which are rarer than `h` and `w`.
                b':' if self.p.bytes[i..self.end].starts_with(b"://") => {
                    // The scheme must be prose, not the tail of a mention like `@http`.
                    let scheme = [&b"https"[..], b"http"].into_iter().find(|s| {
                        self.p.bytes[..i].ends_with(s)
                            && i - s.len() >= self.start
                            && self.p.mask[i - s.len()] != MENTION
                    });
                    match scheme {
                        Some(s) => self.url(i - s.len()).max(i + 1),
                        None => i + 1,
                    }
                }
                b'.' if i >= self.start + 3
                    && &self.p.bytes[i - 3..i] == b"www"
                    && self.p.mask[i - 3] != MENTION =>
                {
                    self.url(i - 3).max(i + 1)
                }
                _ => i + 1,
            };
        }
    }

    fn escape(&mut self, i: usize) -> usize {
        match self.byte(i + 1) {
            Some(b) if b.is_ascii_punctuation() => {
                self.p.mask[i] = HIDDEN;
                if b == b'"' {
                    // An escaped quote mark is a literal character, not the start or end of
                    // a quotation.
                    self.p.mask[i + 1] = b'\'';
                }
                i + 2
            }
            _ => i + 1,
        }
    }

    fn tick_run(&self, i: usize) -> usize {
        self.p.bytes[i..self.end]
            .iter()
            .take_while(|&&b| b == b'`')
            .count()
    }

    fn code_span(&mut self, i: usize) -> usize {
        let n = self.tick_run(i);
        if self.unclosed_ticks.contains(&n) {
            return i + n;
        }
        // The closing run is the first whole run of exactly `n` backticks after this one
        // (which may be the tail of a run, after an escaped backtick).
        let range = TextRange::new(self.start, self.end);
        let bytes = self.p.bytes;
        let runs = self
            .tick_runs
            .get_or_insert_with(|| tick_runs(bytes, range));
        let closing = runs.get(&n).and_then(|starts| {
            let k = starts.partition_point(|&s| s < i + n);
            starts.get(k).copied()
        });
        if let Some(at) = closing {
            self.p.mask_with(TextRange::new(i, at + n), OPAQUE);
            return at + n;
        }
        self.unclosed_ticks.push(n);
        i + n
    }

    fn find(&self, from: usize, needle: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.p.bytes[from..self.end], needle).map(|at| from + at)
    }

    fn angle(&mut self, i: usize) -> usize {
        let rest = &self.p.bytes[i..self.end];
        if rest.starts_with(b"<!--") {
            let end = self.find(i + 4, b"-->").map_or(self.end, |at| at + 3);
            self.comment(i, end);
            return end;
        }
        let is_autolink = [&b"<http://"[..], b"<https://", b"<mailto:"]
            .iter()
            .any(|p| rest.starts_with(p));
        // Both searches are remembered (see `NextMatch`): a line of 100,000 `<` stays linear.
        let (bytes, end) = (self.p.bytes, self.end);
        let line_end = self
            .next_line_break
            .get(i, || {
                memchr::memchr2(b'\n', b'\r', &bytes[i..end]).map(|at| i + at)
            })
            .unwrap_or(end);
        let close = self
            .next_angle
            .get(i, || memchr::memchr(b'>', &bytes[i..end]).map(|at| i + at))
            .filter(|&at| at < line_end)
            .map(|at| at - i);
        if let Some(close) = close {
            if is_autolink {
                self.p.mask_with(TextRange::new(i, i + close + 1), OPAQUE);
                return i + close + 1;
            }
            let tag_start = rest.get(1).copied().unwrap_or(b' ');
            let tag_next = rest.get(2).copied().unwrap_or(b' ');
            if tag_start.is_ascii_alphabetic()
                || (tag_start == b'/' && tag_next.is_ascii_alphabetic())
            {
                self.p.mask_with(TextRange::new(i, i + close + 1), HIDDEN);
                return i + close + 1;
            }
        }
        i + 1
    }

    fn comment(&mut self, start: usize, end: usize) {
        let range = TextRange::new(start, end);
        self.p.mask_with(range, HIDDEN);
        // `<!-->` opens and never closes: the `-->` must come after the `<!--`.
        let body_end = if end >= start + 7 && self.p.text[..end].ends_with("-->") {
            end - 3
        } else {
            end
        };
        let body = &self.p.text[start + 4..body_end];
        let trimmed = body.trim_start();
        let body_start = start + 4 + (body.len() - trimmed.len());
        let Some(directive) = trimmed.strip_prefix("newsmark-") else {
            return;
        };
        let word_len = directive
            .find(|c: char| c.is_whitespace())
            .unwrap_or(directive.len());
        let kind = match &directive[..word_len] {
            "disable-next-line" => SuppressionKind::NextLine,
            "disable" => SuppressionKind::Disable,
            "enable" => SuppressionKind::Enable,
            other => {
                let at = body_start + "newsmark-".len();
                // ESLint's `disable-line` silences its own line; the nearest here is the next.
                let synonyms = [("disable-line", "disable-next-line")];
                let hint = synonyms
                    .iter()
                    .find(|(word, _)| *word == other)
                    .map(|(_, valid)| *valid)
                    .or_else(|| closest_word(other, &["disable-next-line", "disable", "enable"]))
                    .map(|valid| format!("did you mean “newsmark-{valid}”? Use"))
                    .unwrap_or_else(|| "use".to_string());
                self.p.error(
                    TextRange::new(body_start, at + other.len()),
                    format!(
                        "unknown directive “newsmark-{other}”: {hint} newsmark-disable-next-line, newsmark-disable or newsmark-enable"
                    ),
                );
                return;
            }
        };
        let list_start = body_start + "newsmark-".len() + word_len;
        let mut rules = Vec::new();
        // Rule names are separated by commas and any whitespace, some of it more than one byte
        // (a no-break space): ranges come from the separators' real positions.
        let list = &self.p.text[list_start..body_end];
        let mut part_start = 0;
        for (at, c) in list.char_indices().chain([(list.len(), ',')]) {
            if c == ',' || c.is_whitespace() {
                if at > part_start {
                    rules.push(Spanned {
                        text: list[part_start..at].to_string(),
                        range: TextRange::new(list_start + part_start, list_start + at),
                    });
                }
                part_start = at + c.len_utf8();
            }
        }
        self.p
            .file
            .suppressions
            .push(Suppression { kind, range, rules });
    }

    fn mention(&mut self, i: usize) -> usize {
        // A blockquote `>` or table `|` right before is markup, already hidden in the mask.
        let after_hidden_markup = i > 0 && self.p.mask[i - 1] == HIDDEN;
        if !after_hidden_markup && self.prev_char(i).is_some_and(|c| !opens_mention(c)) {
            return i + 1;
        }
        let len = id_len(&self.p.bytes[i + 1..self.end]);
        if len == 0 {
            return i + 1;
        }
        let target = TextRange::new(i, i + 1 + len);
        self.p.mask_with(target, MENTION);
        self.p.file.mentions.push(Mention {
            kind: MentionKind::Bare,
            id: self.p.text[i + 1..target.end].into(),
            target,
            range: target,
        });
        target.end
    }

    /// `(` right after `close`: the offset of the matching `)`, if any.
    fn paren_after(&mut self, close: usize) -> Option<usize> {
        if self.byte(close + 1) != Some(b'(') {
            return None;
        }
        let range = TextRange::new(self.start, self.end);
        let parens = self
            .parens
            .get_or_insert_with(|| paren_pairs(self.p.bytes, range));
        parens
            .binary_search_by_key(&(close + 1), |&(o, _)| o)
            .ok()
            .map(|i| parens[i].1)
    }

    fn image(&mut self, i: usize) -> usize {
        let Some(close) = self.matching_bracket(i + 1) else {
            return i + 1;
        };
        match self.paren_after(close) {
            Some(paren) => {
                self.p.mask_with(TextRange::new(i, paren + 1), HIDDEN);
                paren + 1
            }
            None => i + 1,
        }
    }

    fn bracket(&mut self, i: usize) -> usize {
        let close = self.matching_bracket(i);
        if self.byte(i + 1) == Some(b'^')
            && let Some(close) = close
        {
            return self.citation(i, close);
        }
        let Some(close) = close else {
            return i + 1;
        };
        if let Some(paren) = self.paren_after(close) {
            return self.link(i, close, paren);
        }
        if self.byte(close + 1) == Some(b'{') {
            return self.claim(i, close);
        }
        i + 1
    }

    fn citation(&mut self, i: usize, close: usize) -> usize {
        let inner = &self.p.text[i + 2..close];
        let range = TextRange::new(i, close + 1);
        if id_len(inner.as_bytes()) == inner.len() && !inner.is_empty() {
            self.p.mask_with(range, HIDDEN);
            self.p.file.citations.push(Citation {
                id: inner.into(),
                range,
                claim: None,
            });
            return close + 1;
        }
        // Whether the inner text holds whitespace, from the first whitespace at or after it
        // (remembered): nested `[^a[^a…` would otherwise rescan the same text for each `[^`.
        let (text, end) = (self.p.text, self.end);
        let from = i + 2;
        let whitespace = self.next_whitespace.get(from, || {
            text[from..end]
                .find(char::is_whitespace)
                .map(|at| from + at)
        });
        let has_whitespace = whitespace.is_some_and(|at| at < close);
        if !inner.is_empty() && !has_whitespace {
            self.p.error(
                range,
                format!(
                    "“{inner}” is not a valid source id: start with a letter or digit and use only letters, digits, `-` and `_`"
                ),
            );
            self.p.mask_with(range, HIDDEN);
            return close + 1;
        }
        i + 1
    }

    fn link(&mut self, i: usize, close: usize, paren: usize) -> usize {
        let target_text = &self.p.text[close + 2..paren];
        let trimmed = target_text.trim();
        if let Some(id) = trimmed.strip_prefix('@') {
            let start = close + 2 + (target_text.len() - target_text.trim_start().len());
            let target = TextRange::new(start, start + trimmed.len());
            let range = TextRange::new(i, paren + 1);
            self.p.mask_with(range, MENTION);
            if id_len(id.as_bytes()) == id.len() && !id.is_empty() {
                self.p.file.mentions.push(Mention {
                    kind: MentionKind::Link,
                    id: id.into(),
                    target,
                    range,
                });
            } else {
                self.p.error(
                    target,
                    format!("“{trimmed}” is not a valid entity mention: write @id"),
                );
            }
            return paren + 1;
        }
        self.p.mask[i] = HIDDEN;
        self.closers.push((close, paren + 1));
        i + 1
    }

    fn claim(&mut self, i: usize, close: usize) -> usize {
        let brace = close + 1;
        // Remembered (see `NextMatch`): 100,000 `[a]{` with no `}` stay linear.
        let (bytes, end) = (self.p.bytes, self.end);
        let line_end = self.next_brace.get(brace, || {
            memchr::memchr(b'}', &bytes[brace..end]).map(|k| brace + k)
        });
        let Some(end_brace) = line_end else {
            self.p.error(
                TextRange::new(brace, brace + 1),
                "the attributes of this claim span are never closed: add `}`".to_string(),
            );
            return i + 1;
        };
        let index = self.p.file.claims.len();
        let mut claim = ClaimSpan {
            range: TextRange::new(i, end_brace + 1),
            text: TextRange::new(i + 1, close),
            attrs: TextRange::new(brace + 1, end_brace),
            sources: Vec::new(),
            speakers: Vec::new(),
            status: None,
            other: Vec::new(),
        };
        for range in attribute_tokens(self.p.text, claim.attrs) {
            let token = Spanned {
                text: self.p.text[range.start..range.end].to_string(),
                range,
            };
            self.claim_attribute(&mut claim, index, token);
        }
        self.p.file.claims.push(claim);
        self.p.mask[i] = HIDDEN;
        self.closers.push((close, end_brace + 1));
        i + 1
    }

    fn claim_attribute(&mut self, claim: &mut ClaimSpan, index: usize, token: Spanned) {
        let text = token.text.as_str();
        let range = token.range;
        let valid_id = |id: &str| !id.is_empty() && id_len(id.as_bytes()) == id.len();
        if let Some(id) = text.strip_prefix('^') {
            if valid_id(id) {
                claim.sources.push(Spanned {
                    text: id.to_string(),
                    range,
                });
                self.p.file.citations.push(Citation {
                    id: id.into(),
                    range,
                    claim: Some(index as u32),
                });
                return;
            }
            return self.p.error(
                range,
                format!(
                    "“{text}” is not a valid source: write ^id with letters, digits, `-` and `_`"
                ),
            );
        }
        if let Some(id) = text.strip_prefix('@') {
            if valid_id(id) {
                claim.speakers.push(Spanned {
                    text: id.to_string(),
                    range,
                });
                self.p.file.mentions.push(Mention {
                    kind: MentionKind::Speaker,
                    id: id.into(),
                    target: range,
                    range,
                });
                return;
            }
            return self.p.error(
                range,
                format!(
                    "“{text}” is not a valid entity: write @id with letters, digits, `-` and `_`"
                ),
            );
        }
        if let Some(eq) = text.find('=') {
            let key = Spanned {
                text: text[..eq].to_string(),
                range: TextRange::new(range.start, range.start + eq),
            };
            let raw_value = &text[eq + 1..];
            let unquoted = raw_value.trim_matches('"');
            let value_start =
                range.start + eq + 1 + (raw_value.len() - raw_value.trim_start_matches('"').len());
            let value = Spanned {
                text: unquoted.to_string(),
                range: TextRange::new(value_start, value_start + unquoted.len()),
            };
            if key.text == "status" {
                match ClaimStatus::parse(&value.text) {
                    Some(status) => claim.status = Some((status, value.range)),
                    None => {
                        let valid = ClaimStatus::ALL.map(|(name, _)| name);
                        let message = unknown_value("status", &value.text, &valid, STATUS_SYNONYMS);
                        self.p.error(value.range, message)
                    }
                }
                return;
            }
            if !key.text.is_empty() && !value.text.is_empty() {
                claim.other.push((key, value));
                return;
            }
        }
        self.p.error(
            range,
            format!(
                "“{text}” is not a claim attribute: use ^source, @entity, status=… or key=value"
            ),
        );
    }

    fn url(&mut self, i: usize) -> usize {
        if self
            .prev_char(i)
            .is_some_and(|c| c.is_alphanumeric() || c == '/' || c == '.')
        {
            return i + 1;
        }
        let rest = &self.p.bytes[i..self.end];
        if !(rest.starts_with(b"https://")
            || rest.starts_with(b"http://")
            || rest.starts_with(b"www."))
        {
            return i + 1;
        }
        // A citation right after a URL (`(see https://e.org/x).[^a]`) is no part of it.
        let mut end = i + rest
            .iter()
            .enumerate()
            .position(|(k, &b)| {
                b.is_ascii_whitespace()
                    || matches!(b, b'<' | b'>' | b'"' | b'`')
                    || (b == b'[' && rest.get(k + 1) == Some(&b'^'))
            })
            .unwrap_or(rest.len());
        // Sentence punctuation after a URL is not part of it, nor is an unbalanced `)`. The
        // parentheses are counted once and kept up to date as the end moves back, so a URL
        // followed by 100,000 `)` stays linear.
        let url = &self.p.bytes[i..end];
        let mut opening = url.iter().filter(|&&b| b == b'(').count();
        let mut closing = url.iter().filter(|&&b| b == b')').count();
        loop {
            let last = self.p.bytes[end - 1];
            let unbalanced_paren = last == b')' && opening < closing;
            if matches!(
                last,
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'*' | b'_'
            ) || unbalanced_paren
            {
                end -= 1;
                match last {
                    b'(' => opening -= 1,
                    b')' => closing -= 1,
                    _ => {}
                }
            } else {
                break;
            }
        }
        self.p.mask_with(TextRange::new(i, end), OPAQUE);
        end
    }
}
