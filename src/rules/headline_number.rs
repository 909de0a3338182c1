//! headline-number: a number in the title, the `#` headline or the standfirst that the body of
//! the story does not carry, or contradicts (40% in the headline, 38% in the body). Numbers
//! are compared as values with their units: `40 per cent` is `40%`, `$4.5bn` is
//! `$4.5 billion`, `1.2m` is `1.2 million`, and a headline may round (`40%` for 39.6%) or
//! hedge (`nearly 40%`).

use compact_str::CompactString;
use rustc_hash::FxHashSet;

use super::{Context, Finding, Findings, Related, Rule, RuleDef, Scope, Severity, Subject};
use crate::prose::numbers::{self, NumberClass};
use crate::syntax::{BlockKind, TextRange};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "headline-number",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "headline-number",
    reads_prose: true,
    unnecessary: false,
    check,
    fixes: super::no_fixes,
});

/// The most numbers checked in the headline places of one article: a headline holds a few,
/// and each one not in the body reads all the body's numbers.
const MAX_NUMBERS: usize = 12;

/// Front-matter keys read as the standfirst (the summary under the headline).
const STANDFIRST_KEYS: &[&str] = &["standfirst", "dek", "summary"];

/// How far a hedged headline number (`nearly 40%`, `more than 10,000`) may stand from the
/// body's, relative to it.
const HEDGE_TOLERANCE: f64 = 0.15;

/// Words right before a number that make it approximate: `nearly`, `more than`, `at least`.
const HEDGES: &[&str] = &[
    "nearly",
    "almost",
    "about",
    "around",
    "some",
    "roughly",
    "approximately",
    "approx",
    "circa",
    "over",
    "under",
    "below",
    "above",
    "than",
    "least",
    "most",
    "upwards",
    "estimated",
    "barely",
    "~",
];

/// Two words before a number that make it approximate: `up to`, `as many as`.
const HEDGE_PAIRS: &[(&str, &str)] = &[
    ("up", "to"),
    ("close", "to"),
    ("many", "as"),
    ("much", "as"),
    ("few", "as"),
    ("high", "as"),
];

/// Headline idioms whose number the body gives as a date (`a 40-year high`, `highest since
/// 1982`): what follows `N-year`, `N-month` … that is not checked.
const SINCE_IDIOMS: &[&str] = &[
    "high", "highs", "low", "lows", "peak", "record", "best", "worst",
];

const SMALL_NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// Number words that lead a scale word: `two million`.
const LEADING_WORDS: &[(&str, f64)] = &[
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
];

const SCALES: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
    ("trillion", 1e12),
    ("dozen", 12.0),
    ("bn", 1e9),
    ("mn", 1e6),
    ("tn", 1e12),
];

const CURRENCIES: &[(&str, &str)] = &[
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₴", "UAH"),
    ("₽", "RUB"),
    ("₹", "INR"),
    ("₩", "KRW"),
];

const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "UAH", "RUB", "KRW", "KPW", "JPY", "CNY", "CHF", "PLN", "INR",
];

/// Measures glued to or hyphenated after a number, by their usual short form.
const MEASURES: &[(&str, &str)] = &[
    ("kilometre", "km"),
    ("kilometres", "km"),
    ("kilometer", "km"),
    ("kilometers", "km"),
    ("metre", "m"),
    ("metres", "m"),
    ("meter", "m"),
    ("meters", "m"),
    ("mile", "mi"),
    ("miles", "mi"),
    ("kilogram", "kg"),
    ("kilograms", "kg"),
    ("tonne", "t"),
    ("tonnes", "t"),
    ("year-old", "year-old"),
    ("years-old", "year-old"),
    ("pc", "%"),
];

#[derive(Clone, Debug, PartialEq)]
enum Unit {
    /// A bare count.
    Count,
    Percent,
    Money(&'static str),
    /// A measure or an age: `km`, `year-old` (inline: no allocation per number).
    Measure(CompactString),
}

impl Unit {
    fn explicit(&self) -> bool {
        *self != Unit::Count
    }

    /// Whether two units cannot be the same: both explicit and different, and for measures
    /// both known (`48MP` and `48-megapixel` may well be one).
    fn differs(&self, other: &Unit) -> bool {
        let known = |u: &Unit| match u {
            Unit::Measure(m) => MEASURES.iter().any(|&(_, short)| short == m.as_str()),
            _ => true,
        };
        self.explicit() && other.explicit() && self != other && known(self) && known(other)
    }
}

/// One reading of a number: `1.2m` reads as 1.2 million, or as 1.2 metres.
#[derive(Clone, Debug, PartialEq)]
struct Quantity {
    low: f64,
    high: f64,
    unit: Unit,
    /// The step of the last digit written: a headline rounds to it (`40` is 39.5 to 40.5).
    step: f64,
}

impl Quantity {
    fn is_range(&self) -> bool {
        self.high != self.low
    }
}

/// The readings of one number: none, one, or two (`1.2m`). Kept inline: the body of a long
/// article has hundreds of thousands of numbers.
#[derive(Clone, Debug, Default)]
struct Readings {
    first: Option<Quantity>,
    second: Option<Quantity>,
}

impl Readings {
    fn push(&mut self, q: Quantity) {
        if self.first.is_none() {
            self.first = Some(q);
        } else {
            self.second = Some(q);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Quantity> {
        self.first.iter().chain(self.second.iter())
    }

    fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

/// The value of a run of digits with `,` `.` or thin-space grouping, and the step of its last
/// digit: `10,000` is (10000, 1000) (three or more trailing zeros are taken as rounding),
/// `3.5` is (3.5, 0.1), `40` is (40, 1). A single `.` is a decimal point; a `,` followed by
/// other than three digits is one too.
fn digits_value(s: &str) -> Option<(f64, f64)> {
    let bytes = s.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        let value: f64 = s.parse().ok()?;
        let zeros = bytes.iter().rev().take_while(|&&b| b == b'0').count();
        let step = if zeros >= 3 && zeros < bytes.len() {
            10f64.powi(zeros as i32)
        } else {
            1.0
        };
        return Some((value, step));
    }
    // Normalised into a buffer on the stack: digits and at most one `.`.
    let mut buffer = [0u8; 64];
    let mut len = 0;
    let dots = bytes.iter().filter(|&&b| b == b'.').count();
    let mut decimals: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let decimal_point = match b {
            b'0'..=b'9' => {
                if len == buffer.len() {
                    return None;
                }
                buffer[len] = b;
                len += 1;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
                i += 1;
                continue;
            }
            b'.' => dots == 1,
            b',' => {
                let group = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                group != 3
            }
            _ => false, // thin spaces and other grouping
        };
        if decimal_point && decimals.is_none() {
            if len == buffer.len() {
                return None;
            }
            buffer[len] = b'.';
            len += 1;
            decimals = Some(0);
        }
        i += 1;
    }
    let normal = std::str::from_utf8(&buffer[..len]).ok()?;
    let value: f64 = normal.parse().ok()?;
    let step = match decimals {
        Some(d) => 10f64.powi(-(d as i32)),
        None => {
            let zeros = normal.len() - normal.trim_end_matches('0').len();
            if zeros >= 3 && zeros < normal.len() {
                10f64.powi(zeros as i32)
            } else {
                1.0
            }
        }
    };
    Some((value, step))
}

fn currency_sign(c: char) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .find(|(sign, _)| sign.starts_with(c))
        .map(|&(_, code)| code)
}

/// A currency code before the digits (`USD 40`) or after them (`40 EUR`).
fn currency_code(s: &str) -> Option<&'static str> {
    let code =
        |part: Option<&str>| part.and_then(|p| CURRENCY_CODES.iter().find(|&&c| c == p).copied());
    let before = s.split_once(' ').map(|(a, _)| a);
    let after = s.rsplit_once(' ').map(|(_, b)| b);
    code(before).or_else(|| code(after))
}

fn starts_with_ignoring_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn ends_with_ignoring_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// The readings of the number at `range` of `text`; none when it is not a definite value
/// (`hundreds`, `tens of thousands`, `several hundred`).
fn readings(text: &str, range: TextRange, class: NumberClass) -> Readings {
    let mut out = Readings::default();
    let s = &text[range.start..range.end];
    let after = &text[range.end..];

    let money = s
        .chars()
        .find_map(currency_sign)
        .or_else(|| currency_code(s));
    // A range such as `5-7%` may end before its sign.
    let percent = s.contains('%')
        || ends_with_ignoring_case(s, "per cent")
        || ends_with_ignoring_case(s, "percent")
        || after.starts_with('%')
        || starts_with_ignoring_case(after, " per cent")
        || starts_with_ignoring_case(after, " percent");

    // Digits: one run, or two for a range (`10-12`, `10–12`, `10/12`).
    let mut runs: [(f64, f64, usize); 2] = [(0.0, 0.0, 0); 2];
    let mut count = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        loop {
            while j < s.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let rest = &s[j..];
            let sep = [",", ".", "\u{2009}", "\u{202f}", "\u{a0}"]
                .into_iter()
                .find(|sep| rest.starts_with(sep));
            match sep {
                Some(sep) if s[j + sep.len()..].starts_with(|c: char| c.is_ascii_digit()) => {
                    j += sep.len();
                }
                _ => break,
            }
        }
        if count == 2 {
            return out;
        }
        let Some((value, step)) = digits_value(&s[start..j]) else {
            return out;
        };
        runs[count] = (value, step, j);
        count += 1;
        i = j;
    }

    // What follows the digits: a scale word or a measure.
    let tail = if count == 0 {
        s
    } else {
        &s[runs[count - 1].2..]
    };
    let tail_word = tail
        .trim_start_matches([' ', '-', '\u{a0}'])
        .split(char::is_whitespace)
        .next()
        .unwrap_or("");
    let glued = count > 0 && tail.starts_with(char::is_alphabetic);
    let word_is = |w: &str| tail_word.eq_ignore_ascii_case(w);

    let (mut low, mut high, step) = match count {
        0 => {
            // A number in words: `a thousand`, `two million`, `a dozen`.
            let mut words = s.split_whitespace();
            let (lead, scale) = match (words.next(), words.next(), words.next()) {
                (Some(scale), None, None) => ("", scale),
                (Some(lead), Some(scale), None) => (lead, scale),
                _ => return out,
            };
            let Some(&(_, scale)) = SCALES.iter().find(|(w, _)| scale.eq_ignore_ascii_case(w))
            else {
                return out;
            };
            let lead = match lead {
                "" if scale == 12.0 => 1.0,
                "" => return out,
                lead => match LEADING_WORDS
                    .iter()
                    .find(|(w, _)| lead.eq_ignore_ascii_case(w))
                {
                    Some(&(_, v)) => v,
                    None => return out,
                },
            };
            out.push(Quantity {
                low: lead * scale,
                high: lead * scale,
                unit: money.map_or(Unit::Count, Unit::Money),
                step: scale,
            });
            return out;
        }
        1 => (runs[0].0, runs[0].0, runs[0].1),
        _ => (runs[0].0, runs[1].0, runs[0].1.max(runs[1].1)),
    };
    if s.trim_start().starts_with(['-', '−']) {
        (low, high) = (-low, -high);
    }

    let mut push = |scale: f64, unit: Unit| {
        out.push(Quantity {
            low: low * scale,
            high: high * scale,
            unit,
            step: step * scale,
        });
    };
    if class == NumberClass::Age {
        push(1.0, Unit::Measure("year-old".into()));
        return out;
    }
    let unit = if percent {
        Unit::Percent
    } else {
        money.map_or(Unit::Count, Unit::Money)
    };
    let scale_word = SCALES.iter().find(|(w, _)| {
        word_is(w)
            || (tail_word.len() == w.len() + 1
                && ends_with_ignoring_case(tail_word, "s")
                && starts_with_ignoring_case(tail_word, w))
    });
    if let Some(&(_, scale)) = scale_word {
        push(scale, unit);
    } else if glued && (word_is("m") || word_is("k")) {
        // `£4m` is money in millions; `1.2m people` is millions too, and `100m` metres.
        let scale = if word_is("m") { 1e6 } else { 1e3 };
        if money.is_some() {
            push(scale, unit);
        } else {
            push(scale, Unit::Count);
            push(1.0, Unit::Measure(tail_word.to_ascii_lowercase().into()));
        }
    } else if (glued || tail.starts_with('-')) && !tail_word.is_empty() && unit == Unit::Count {
        let measure = MEASURES
            .iter()
            .find(|(w, _)| word_is(w))
            .map(|&(_, short)| CompactString::from(short))
            .unwrap_or_else(|| tail_word.to_ascii_lowercase().into());
        if measure == "%" {
            push(1.0, Unit::Percent);
        } else {
            push(1.0, Unit::Measure(measure));
        }
    } else {
        push(1.0, unit);
    }
    out
}

/// Where a headline number stands, for the message.
#[derive(Clone, Copy)]
enum Place {
    Headline,
    Title,
    Standfirst,
}

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::Headline => "headline",
            Place::Title => "title",
            Place::Standfirst => "standfirst",
        }
    }
}

/// A number of the body, with its readings.
struct BodyNumber {
    range: TextRange,
    class: NumberClass,
    readings: Readings,
}

/// The numbers of the body, read block by block as far as a question needs: most headline
/// numbers are found in the first paragraphs, and only one that is not reads the whole body.
struct Body<'t> {
    text: &'t str,
    blocks: Vec<TextRange>,
    read: usize,
    numbers: Vec<BodyNumber>,
}

impl Body<'_> {
    /// Whether a number of the body satisfies `wanted`.
    fn any(&mut self, mut wanted: impl FnMut(&BodyNumber) -> bool) -> bool {
        if self.numbers.iter().any(&mut wanted) {
            return true;
        }
        while self.read < self.blocks.len() {
            let from = self.numbers.len();
            self.read_block();
            if self.numbers[from..].iter().any(&mut wanted) {
                return true;
            }
        }
        false
    }

    /// Every number of the body.
    fn all(&mut self) -> &[BodyNumber] {
        while self.read < self.blocks.len() {
            self.read_block();
        }
        &self.numbers
    }

    fn read_block(&mut self) {
        let block = self.blocks[self.read];
        self.read += 1;
        // Read from the block's text alone, so that what it holds depends on nothing else and
        // can be remembered by that text (see `BLOCK_NUMBERS`).
        let own = &self.text[block.start..block.end];
        let shift = |r: TextRange| TextRange::new(r.start + block.start, r.end + block.start);
        if self.text.len() < REMEMBERED_FROM {
            self.numbers
                .extend(block_numbers(own).into_iter().map(|n| BodyNumber {
                    range: shift(n.range),
                    ..n
                }));
            return;
        }
        BLOCK_NUMBERS.with_borrow_mut(|memo| {
            if !memo.numbers.contains_key(own) {
                if memo.bytes > REMEMBERED_BYTES {
                    memo.numbers.clear();
                    memo.bytes = 0;
                }
                memo.bytes += own.len();
                memo.numbers.insert(own.into(), block_numbers(own));
            }
            self.numbers
                .extend(memo.numbers[own].iter().map(|n| BodyNumber {
                    range: shift(n.range),
                    class: n.class,
                    readings: n.readings.clone(),
                }));
        });
    }
}

/// The numbers of a block's text, with their readings, at offsets into it.
fn block_numbers(own: &str) -> Vec<BodyNumber> {
    numbers::find(own, TextRange::new(0, own.len()))
        .into_iter()
        .map(|n| BodyNumber {
            range: n.range,
            class: n.class,
            // A clock time or a date is not a quantity: `10:30` holds no 30.
            readings: match n.class {
                NumberClass::Time | NumberClass::Date => Readings::default(),
                _ => readings(own, n.range, n.class),
            },
        })
        .collect()
}

/// Documents from this size on have their blocks' numbers remembered: the server checks an
/// open document again after every keystroke, and a headline number the body does not carry
/// has every block of the body read (9 ms of a keystroke in a 1 MB article). Smaller ones
/// are read faster than they are looked up.
const REMEMBERED_FROM: usize = 64 * 1024;
/// The most text whose numbers one thread remembers before it starts again.
const REMEMBERED_BYTES: usize = 16 * 1024 * 1024;

#[derive(Default)]
struct BlockNumbers {
    /// A block's text → its numbers, at offsets into that text.
    numbers: rustc_hash::FxHashMap<Box<str>, Vec<BodyNumber>>,
    bytes: usize,
}

thread_local! {
    static BLOCK_NUMBERS: std::cell::RefCell<BlockNumbers> =
        std::cell::RefCell::new(BlockNumbers::default());
}

impl Body<'_> {
    /// Whether the body carries the headline's number (any of its readings).
    fn carries(&mut self, headline: &Readings, hedged: bool) -> bool {
        headline.iter().any(|h| {
            let whole = self.any(|b| b.readings.iter().any(|r| carries(h, r, hedged)));
            // A headline range whose ends the body gives one by one: `between 5% and 7%`.
            whole
                || (h.is_range()
                    && [h.low, h.high].iter().all(|&end| {
                        let one = Quantity {
                            low: end,
                            high: end,
                            ..h.clone()
                        };
                        self.any(|b| b.readings.iter().any(|r| carries(&one, r, hedged)))
                    }))
        })
    }
}

/// Whether a body reading carries the headline's: the same value within the headline's
/// rounding (or within [`HEDGE_TOLERANCE`] when hedged), in units that do not differ. A
/// headline may round to two significant figures but not to one: `40%` for 39.6%, `1.2m`
/// for 1.24 million, but not `4%` for 3.8%.
fn carries(headline: &Quantity, body: &Quantity, hedged: bool) -> bool {
    if headline.unit.differs(&body.unit) {
        return false;
    }
    let close = |h: f64, b: f64| {
        let two_figures = if h == 0.0 {
            headline.step
        } else {
            10f64.powf(h.abs().log10().floor() - 1.0)
        };
        let mut slack = headline.step.min(two_figures) / 2.0 + h.abs() * 1e-9;
        if hedged {
            slack = slack.max(h.abs() * HEDGE_TOLERANCE);
        }
        (h - b).abs() <= slack
    };
    match (headline.is_range(), body.is_range()) {
        (true, true) => close(headline.low, body.low) && close(headline.high, body.high),
        (false, true) => close(headline.low, body.low) || close(headline.low, body.high),
        (true, false) => false,
        (false, false) => close(headline.low, body.low),
    }
}

/// The word after `at` (after one space), lower-cased: `jobs` in `400 jobs`.
fn next_word(text: &str, at: usize) -> String {
    text[at..]
        .strip_prefix(' ')
        .unwrap_or("")
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// Whether the words before `at` (within `floor..at`) hedge the number there.
fn hedged(text: &str, floor: usize, at: usize) -> bool {
    let before = text[floor..at].trim_end();
    if before.ends_with('~') {
        return true;
    }
    let mut words = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase);
    let last = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    HEDGES.contains(&last.as_str()) || HEDGE_PAIRS.iter().any(|&(a, b)| a == second && b == last)
}

/// Words before a number that make it a label, not a quantity: `day 1,051`, `Route 66`,
/// `Platform 9`, `Article 50`.
const LABELS: &[&str] = &[
    "day",
    "week",
    "month",
    "round",
    "stage",
    "game",
    "match",
    "leg",
    "part",
    "chapter",
    "episode",
    "season",
    "series",
    "volume",
    "vol",
    "no",
    "number",
    "platform",
    "gate",
    "route",
    "flight",
    "line",
    "bus",
    "page",
    "section",
    "article",
    "clause",
    "room",
    "level",
    "tier",
    "phase",
    "act",
    "scene",
    "lap",
    "hole",
    "court",
    "ward",
    "district",
    "zone",
    "terminal",
    "runway",
    "highway",
    "interstate",
    "exit",
    "junction",
];

/// Whether the word before `at` (one space apart) makes the number there a label.
fn labelled(text: &str, floor: usize, at: usize) -> bool {
    let Some(before) = text[floor..at].strip_suffix(' ') else {
        return false;
    };
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    LABELS.iter().any(|l| word.eq_ignore_ascii_case(l))
}

/// `40-year high`, `six-month low`: a span of time whose end the body gives as a date.
fn since_idiom(text: &str, number: TextRange) -> bool {
    let shown = text[number.start..number.end].to_lowercase();
    let span = ["-year", "-month", "-week", "-day", "-decade"]
        .iter()
        .any(|unit| shown.ends_with(unit));
    span && SINCE_IDIOMS.contains(&next_word(text, number.end).as_str())
}

fn check(cx: &Context, out: &mut Findings) {
    let doc = cx.doc;
    let text = cx.text();
    let syntax = &doc.syntax;
    // Past the prose limit the body is not read whole, and a number in the part not read
    // would be reported as missing.
    if cx.prose_end < text.len() {
        return;
    }
    let mask = doc.prose_mask();
    let exempt = &cx.config().numbers;

    // Headline places, the `#` headline first: the front matter (title and standfirst)
    // takes no suppression comments, and usually repeats the headline. Only the first `#`
    // heading is the headline; later ones head sections.
    let mut places: Vec<(Place, TextRange, &str)> = Vec::new();
    if let Some(block) = syntax
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Heading(1))
    {
        places.push((Place::Headline, block.range, mask));
    }
    if let Some(fm) = &syntax.front_matter {
        if let Some(title) = fm.get("title") {
            places.push((Place::Title, title.range, text));
        }
        for key in STANDFIRST_KEYS {
            if let Some(value) = fm.get(key) {
                places.push((Place::Standfirst, value.range, text));
            }
        }
    }
    let mut headline_numbers = Vec::new();
    for (place, range, source) in places {
        let found = exempt.without_patterned(source, range, numbers::find(source, range));
        for n in found {
            if !matches!(n.class, NumberClass::Plain | NumberClass::Age)
                || since_idiom(source, n.range)
                || labelled(source, range.start, n.range.start)
            {
                continue;
            }
            let readings = readings(source, n.range, n.class);
            if !readings.is_empty() {
                let hedged = hedged(source, range.start, n.range.start);
                headline_numbers.push((place, source, n, readings, hedged));
            }
        }
    }
    if headline_numbers.is_empty() {
        return;
    }
    // A line of thousands of numbers is no headline, and checking each against the whole
    // body would take quadratic time.
    headline_numbers.truncate(MAX_NUMBERS);

    // The body: every block but the headings, as written (a number inside a mention such
    // as `[Apollo 11](@apollo-11)` is in the story too).
    let blocks: Vec<TextRange> = syntax
        .blocks
        .iter()
        .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
        .map(|b| b.range)
        .collect();
    if blocks.is_empty() {
        return;
    }
    let mut body = Body {
        text,
        blocks,
        read: 0,
        numbers: Vec::new(),
    };
    let mut body_words: Option<FxHashSet<String>> = None;

    let mut reported: Vec<Quantity> = Vec::new();
    for (place, source, n, headline, hedged) in headline_numbers {
        if body.carries(&headline, hedged) {
            continue;
        }
        // A small count the body writes in words: `4 killed` and `four people died`.
        let small = headline.iter().find(|h| {
            !h.is_range()
                && h.low >= 0.0
                && h.low <= 20.0
                && h.low.fract() == 0.0
                && !matches!(h.unit, Unit::Percent | Unit::Money(_))
        });
        if let Some(small) = small {
            let words = body_words.get_or_insert_with(|| {
                body.blocks
                    .iter()
                    .flat_map(|&b| crate::prose::words(text, b))
                    .map(|w| text[w.start..w.end].to_lowercase())
                    .collect()
            });
            if words.contains(SMALL_NUMBER_WORDS[small.low as usize]) {
                continue;
            }
        }
        // The title repeating the headline: reported once.
        if headline
            .iter()
            .any(|h| reported.iter().any(|r| carries(r, h, false)))
        {
            continue;
        }
        reported.extend(headline.iter().cloned());

        let shown = one_line(&source[n.range.start..n.range.end]);
        let after = next_word(source, n.range.end);
        let finding = match contradiction(&headline, &after, body.all(), text) {
            Some(b) => {
                let said = one_line(&text[b.start..b.end]);
                Finding::new(
                    n.range,
                    Subject::Text,
                    format!(
                        "the {} says “{shown}” but the body says “{said}”: make them agree",
                        place.name()
                    ),
                )
                .related(vec![Related {
                    file: cx.file,
                    range: b,
                    message: format!("the body says “{said}” here"),
                }])
            }
            None => Finding::new(
                n.range,
                Subject::Text,
                format!(
                    "{} number “{shown}” does not appear in the body: check it, or give it in the story",
                    place.name()
                ),
            ),
        };
        out.push(finding);
    }
}

/// The body number the headline's seems to be a different version of: the first within a
/// quarter of it with the same explicit unit (`38%` for `40%`), or for a bare count the first
/// counting the same thing (`412 jobs` for `400 jobs`); none when nothing is near. The first,
/// not the nearest: a story gives its main figure first (`rose to 5.4%, up from 5.1%`).
fn contradiction(
    headline: &Readings,
    after: &str,
    body: &[BodyNumber],
    text: &str,
) -> Option<TextRange> {
    let headline: Vec<&Quantity> = headline
        .iter()
        .filter(|h| !h.is_range() && h.low != 0.0)
        .collect();
    body.iter()
        .filter(|b| matches!(b.class, NumberClass::Plain | NumberClass::Age))
        .find(|b| {
            b.readings.iter().filter(|r| !r.is_range()).any(|r| {
                headline.iter().any(|h| {
                    let same_thing = if h.unit.explicit() {
                        r.unit == h.unit
                    } else {
                        r.unit == Unit::Count
                            && !after.is_empty()
                            && next_word(text, b.range.end) == after
                    };
                    same_thing && (h.low - r.low).abs() <= h.low.abs() * 0.25
                })
            })
        })
        .map(|b| b.range)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<Quantity> {
        let found = numbers::find(s, TextRange::new(0, s.len()));
        assert_eq!(found.len(), 1, "{s}: {found:?}");
        readings(s, found[0].range, found[0].class)
            .iter()
            .cloned()
            .collect()
    }

    fn same(a: &str, b: &str) -> bool {
        read(a)
            .iter()
            .any(|h| read(b).iter().any(|r| carries(h, r, false)))
    }

    #[test]
    fn units_and_scales_compare_as_values() {
        assert!(same("40%", "40 per cent"));
        assert!(same("40 percent", "40%"));
        assert!(same("$4.5bn", "$4.5 billion"));
        assert!(same("£4m", "£4,000,000"));
        assert!(same("1.2m", "1.2 million"));
        assert!(same("100m", "100m"));
        assert!(same("a thousand", "1,000"));
        assert!(same("two million", "2m"));
        assert!(same("26-year-old", "26 years old"));
        assert!(same("5km", "5-kilometre"));
        assert!(same("$4.5bn", "4.5 billion"));
        assert!(!same("40%", "$40"));
        assert!(!same("€4.5bn", "£4.5bn"));
        assert!(!same("5km", "5-mile"));
        assert!(same("48MP", "48-megapixel"));
        assert!(read("hundreds").is_empty());
        assert!(read("tens of thousands").is_empty());
    }

    #[test]
    fn labels_are_not_quantities() {
        let text = "Ukraine war live: day 1,051 on Route 66";
        let at = |n: &str| text.find(n).unwrap();
        assert!(labelled(text, 0, at("1,051")));
        assert!(labelled(text, 0, at("66")));
        assert!(!labelled("Rates rise to 5%", 0, 14));
    }

    #[test]
    fn a_headline_rounds() {
        assert!(same("40%", "39.6%"));
        assert!(!same("40%", "38%"));
        assert!(same("£4.5bn", "£4.46bn"));
        assert!(same("10,000", "10,400"));
        assert!(!same("400", "412"));
        assert!(same("3.5", "3.54"));
        assert!(!same("3.5", "3.6"));
        assert!(!same("4%", "3.8%"));
        assert!(same("1.2m", "1,240,000"));
        assert!(same("9", "9"));
    }
}
