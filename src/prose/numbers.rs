//! Numeric expressions in prose, classified so the exemptions (years, dates, times, ordinals,
//! ages) can be switched on and off.

use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberClass {
    Plain,
    Year,
    Date,
    Time,
    Ordinal,
    Age,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberExpr {
    pub range: TextRange,
    pub class: NumberClass,
}

/// Abbreviated scales that follow a number with a space: `1.2 bn`.
const SCALE_ABBREVIATIONS: &[&str] = &["bn", "tn", "mn"];
/// Scale words that make a number phrase on their own (`hundreds`, `a dozen`).
const PHRASE_SCALES: &[&str] = &[
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "trillions",
    "dozen",
    "dozens",
];
/// Length of the longest word in [`PHRASE_SCALES`].
const LONGEST_SCALE: usize = "trillions".len();
/// Words that may lead a scale word into a phrase: `a thousand`, `two million`, `tens of`.
const LEADING_WORDS: &[&str] = &[
    "a",
    "an",
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
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "several",
    "few",
    "tens",
    "hundreds",
    "thousands",
    "millions",
    "dozens",
];
const CURRENCY_CODES: &[&str] = &[
    "USD", "EUR", "GBP", "UAH", "RUB", "KRW", "KPW", "JPY", "CNY", "CHF", "PLN", "INR",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];
const AGE_WORDS: &[&str] = &["year-old", "years-old", "month-old", "week-old", "day-old"];

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₴' | '₽' | '₹' | '₩')
}

fn is_digit(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_digit())
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    end: usize,
}

impl Scanner<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        (i < self.end).then(|| self.bytes[i])
    }
    fn prev_char(&self, i: usize, floor: usize) -> Option<char> {
        self.text[floor..i].chars().next_back()
    }
    /// End of the word (letters and digits, any script) that `i` is in.
    fn word_end(&self, mut i: usize) -> usize {
        loop {
            while i < self.end && self.bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i < self.end && self.bytes[i] >= 0x80 {
                let c = self.text[i..].chars().next().unwrap_or(' ');
                if c.is_alphanumeric() {
                    i += c.len_utf8();
                    continue;
                }
            }
            return i;
        }
    }
    fn digits(&self, mut i: usize) -> usize {
        while is_digit(self.at(i)) {
            i += 1;
        }
        i
    }
    /// The next word after one space (or none): `(start, end)`.
    fn next_word(&self, i: usize) -> Option<(usize, usize)> {
        let gap = self.text[i..self.end].chars().next()?;
        if !(gap == ' ' || gap == '\u{a0}') {
            return None;
        }
        let start = i + gap.len_utf8();
        let len = self.text[start..self.end]
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(self.end - start);
        (len > 0).then_some((start, start + len))
    }
    /// The word before `i` with one space between: `(start, end)`.
    fn previous_word(&self, i: usize, floor: usize) -> Option<(usize, usize)> {
        let gap = self.prev_char(i, floor)?;
        if !(gap == ' ' || gap == '\u{a0}') {
            return None;
        }
        let end = i - gap.len_utf8();
        let start = self.text[floor..end]
            .char_indices()
            .rev()
            .find(|&(_, c)| !c.is_alphabetic())
            .map_or(floor, |(k, c)| floor + k + c.len_utf8());
        (start < end).then_some((start, end))
    }
    fn word(&self, (start, end): (usize, usize)) -> &str {
        &self.text[start..end]
    }
    /// Digits with grouping (`,` `.` thin spaces) and decimals, from `i`.
    fn core(&self, i: usize) -> usize {
        let mut j = self.digits(i);
        loop {
            match self.at(j) {
                Some(b',' | b'.') if is_digit(self.at(j + 1)) => j = self.digits(j + 1),
                _ => {
                    let rest = &self.text[j..self.end];
                    let thin = ['\u{2009}', '\u{202f}', '\u{a0}']
                        .into_iter()
                        .find(|&c| rest.starts_with(c));
                    match thin {
                        Some(c) if is_digit(self.at(j + c.len_utf8())) => {
                            j = self.digits(j + c.len_utf8())
                        }
                        _ => return j,
                    }
                }
            }
        }
    }
}

/// Every numeric expression in `block` of the prose mask.
pub fn find(mask: &str, block: TextRange) -> Vec<NumberExpr> {
    let s = Scanner {
        text: mask,
        bytes: mask.as_bytes(),
        end: block.end,
    };
    let mut out = Vec::new();
    let mut scales = scale_words(mask, block)
        .into_iter()
        .filter(|&(start, end)| {
            let before = s.prev_char(start, block.start);
            let after = mask[end..block.end].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .peekable();
    let mut i = block.start;
    loop {
        let digit = find_digit(&s.bytes[i.min(block.end)..block.end]).map(|k| i + k);
        // Skip scale words that an earlier expression already took in (`1.2 million`).
        while scales.next_if(|&(start, _)| start < i).is_some() {}
        let scale = scales.peek().copied();
        let next_digit = match (digit, scale) {
            (None, None) => break,
            (Some(d), None) => Some(d),
            (Some(d), Some((start, _))) if d < start => Some(d),
            _ => None,
        };
        match (next_digit, scale) {
            (Some(d), _) => {
                let prev = s.prev_char(d, block.start);
                // A digit inside a word (`G7`) or a designation (`F-16`, `COVID-19`) is no
                // quantity.
                let in_word = prev.is_some_and(char::is_alphanumeric);
                let designation = prev == Some('-')
                    && s.prev_char(d - 1, block.start)
                        .is_some_and(char::is_alphanumeric);
                if in_word || designation {
                    i = s.word_end(d);
                    continue;
                }
                let expr = digit_expression(&s, block.start, d);
                i = expr.range.end;
                out.push(expr);
            }
            (None, Some((start, end))) => {
                scales.next();
                let expr = scale_phrase(&s, block.start, start, end);
                i = expr.range.end;
                out.push(expr);
            }
            (None, None) => break,
        }
    }
    out
}

/// Position of the first ASCII digit, eight bytes at a time: prose is mostly letters.
fn find_digit(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for (n, chunk) in chunks.by_ref().enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of eight"));
        // A byte is a digit when (byte ^ 0x30) < 10 and its top bit is clear.
        let shifted = word ^ (ONES * 0x30);
        let below_ten = shifted.wrapping_sub(ONES * 10) & !shifted & HIGHS;
        if below_ten != 0
            && let Some(k) = chunk.iter().position(u8::is_ascii_digit)
        {
            return Some(n * 8 + k);
        }
    }
    let tail = chunks.remainder();
    tail.iter()
        .position(u8::is_ascii_digit)
        .map(|k| bytes.len() - tail.len() + k)
}

/// Scale words (`hundred`, `Thousands`, `million` …) in `block`, in order, as `(start, end)`.
/// Each word is found by a fragment that leaves out its first letter, so one case-sensitive
/// SIMD substring search per fragment serves both `Hundreds` and `hundreds`.
fn scale_words(mask: &str, block: TextRange) -> Vec<(usize, usize)> {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    static FRAGMENTS: LazyLock<[Finder<'static>; 4]> = LazyLock::new(|| {
        ["undred", "housand", "illion", "ozen"].map(|f| Finder::new(f.as_bytes()))
    });
    let haystack = &mask.as_bytes()[block.start..block.end];
    let mut found = Vec::new();
    for finder in FRAGMENTS.iter() {
        for at in finder.find_iter(haystack) {
            // Back up over the word's first letter(s): `m`/`b`/`tr` before `illion`.
            let mut start = at;
            while start > 0 && haystack[start - 1].is_ascii_alphabetic() && at - start < 2 {
                start -= 1;
            }
            // No scale word is longer than `trillions`: looking further would only find a word
            // that is not one, and a run of `illionillion…` would be rescanned at every hit.
            let end = at
                + haystack[at..]
                    .iter()
                    .take(LONGEST_SCALE + 1)
                    .take_while(|b| b.is_ascii_alphabetic())
                    .count();
            let word = &mask[block.start + start..block.start + end];
            if PHRASE_SCALES.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                found.push((block.start + start, block.start + end));
            }
        }
    }
    found.sort_unstable();
    found
}

fn digit_expression(s: &Scanner, floor: usize, first_digit: usize) -> NumberExpr {
    let mut start = first_digit;
    // Currency sign and sign before: `$5`, `-3`, `−€2bn`, `US$10`.
    if let Some(c) = s.prev_char(start, floor)
        && is_currency_symbol(c)
    {
        start -= c.len_utf8();
    }
    if let Some(c) = s.prev_char(start, floor) {
        let before = s.prev_char(start - c.len_utf8().min(start - floor), floor);
        if matches!(c, '-' | '+' | '−') && !before.is_some_and(char::is_alphanumeric) {
            start -= c.len_utf8();
        }
    }
    if let Some(word) = s.previous_word(start, floor)
        && CURRENCY_CODES.contains(&s.word(word))
    {
        start = word.0;
    }
    let core_end = s.core(first_digit);
    let core = &s.text[first_digit..core_end];
    let mut end = core_end;
    let mut class = NumberClass::Plain;
    let mut plain_four_digits = core.len() == 4 && start == first_digit;

    match s.at(end) {
        Some(b':') if is_digit(s.at(end + 1)) && is_digit(s.at(end + 2)) => {
            end = s.digits(end + 1);
            class = NumberClass::Time;
        }
        Some(b'%') => {
            end += 1;
            plain_four_digits = false;
        }
        Some(b'-' | b'/') if is_digit(s.at(end + 1)) => {
            // A range `10-12`, or an ISO date `2025-01-11`.
            let second_end = s.core(end + 1);
            let second = &s.text[end + 1..second_end];
            let is_iso_date = core.len() == 4
                && second.len() == 2
                && s.at(second_end) == Some(b'-')
                && is_digit(s.at(second_end + 1));
            if is_iso_date {
                end = s.digits(second_end + 1);
                class = NumberClass::Date;
            } else {
                end = second_end;
                if !(plain_four_digits && second.len() == 4 && is_year(second)) {
                    plain_four_digits = false;
                }
            }
        }
        _ => {}
    }
    if s.text[end..s.end].starts_with('–') && is_digit(s.at(end + '–'.len_utf8())) {
        let second_start = end + '–'.len_utf8();
        end = s.core(second_start);
        if !is_year(&s.text[second_start..end]) {
            plain_four_digits = false;
        }
    }
    // Letters glued on: `17th`, `9am`, `€1.2bn`, `5km`, `1990s`.
    let letters = s.bytes[end..s.end]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    if letters > 0 {
        let suffix = s.text[end..end + letters].to_ascii_lowercase();
        end += letters;
        match suffix.as_str() {
            "st" | "nd" | "rd" | "th" if class == NumberClass::Plain => {
                class = NumberClass::Ordinal
            }
            "am" | "pm" => class = NumberClass::Time,
            // `the 1990s`: a decade is a time, whatever follows it.
            "s" if plain_four_digits && is_year(core) => {
                class = NumberClass::Year;
                plain_four_digits = false;
            }
            _ => plain_four_digits = false,
        }
    }
    // Hyphenated measures and ages: `26-year-old`, `10-day`.
    if s.at(end) == Some(b'-') && s.at(end + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
        let mut j = end;
        while s.at(j) == Some(b'-') && s.at(j + 1).is_some_and(|b| b.is_ascii_alphabetic()) {
            j += 1;
            while s.at(j).is_some_and(|b| b.is_ascii_alphabetic()) {
                j += 1;
            }
        }
        let compound = s.text[end + 1..j].to_ascii_lowercase();
        if AGE_WORDS.iter().any(|w| compound.starts_with(w)) {
            class = NumberClass::Age;
        }
        end = j;
        plain_four_digits = false;
    }
    // Words after: scale, per cent, currency code, `years old`, month, `a.m.`.
    if let Some(word) = s.next_word(end) {
        let w = s.word(word);
        if PHRASE_SCALES
            .iter()
            .chain(SCALE_ABBREVIATIONS)
            .any(|x| x.eq_ignore_ascii_case(w))
        {
            end = word.1;
            plain_four_digits = false;
        } else if w == "per" && s.next_word(word.1).is_some_and(|n| s.word(n) == "cent") {
            end = s.next_word(word.1).map_or(end, |n| n.1);
            plain_four_digits = false;
        } else if w == "percent" || CURRENCY_CODES.contains(&w) {
            end = word.1;
            plain_four_digits = false;
        } else if matches!(
            w,
            "years" | "year" | "months" | "month" | "weeks" | "week" | "days" | "day"
        ) && s.next_word(word.1).is_some_and(|n| s.word(n) == "old")
        {
            end = s.next_word(word.1).map_or(end, |n| n.1);
            class = NumberClass::Age;
            plain_four_digits = false;
        } else if MONTHS.contains(&w) && class == NumberClass::Plain {
            class = NumberClass::Date;
            end = word.1;
            if s.at(end) == Some(b'.') {
                end += 1;
            }
        } else if matches!(w, "a" | "p") && s.text[word.1..s.end].starts_with(".m.") {
            end = word.1 + 3;
            class = NumberClass::Time;
        } else if matches!(w, "am" | "pm")
            || (w == "o" && s.text[word.1..s.end].starts_with("'clock"))
        {
            end = word.1;
            class = NumberClass::Time;
        }
    }
    // A month before: `January 9`, `Jan. 9`.
    if class == NumberClass::Plain && core.len() <= 2 {
        let before = s
            .prev_char(start, floor)
            .filter(|&c| c == ' ' || c == '\u{a0}');
        if let Some(gap) = before {
            let word_end = start - gap.len_utf8();
            let word_end = if s.text[..word_end].ends_with('.') {
                word_end - 1
            } else {
                word_end
            };
            let word_start = s.text[floor..word_end]
                .char_indices()
                .rev()
                .find(|&(_, c)| !c.is_alphabetic())
                .map_or(floor, |(k, c)| floor + k + c.len_utf8());
            if MONTHS.contains(&&s.text[word_start..word_end]) {
                class = NumberClass::Date;
            }
        }
    }
    if class == NumberClass::Plain
        && plain_four_digits
        && is_year(core)
        && reads_as_year(s, floor, start, end)
    {
        class = NumberClass::Year;
    }
    NumberExpr {
        range: TextRange::new(start, end),
        class,
    }
}

/// Words after which a four-digit number is a year rather than a count (month names too,
/// see [`MONTHS`]).
const YEAR_LEADS: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "to", "of", "before", "after", "during",
    "between", "and", "or", "early", "late", "mid", "year", "the", "around", "circa", "c",
    "through", "spring", "summer", "autumn", "fall", "winter", "In", "Since", "Until", "By",
    "From", "Before", "After", "During", "The",
];

/// `since 2021`, `in 2016.`, `2025 was` read as years; `more than 2000 troops` is a count.
/// A year-like number reads as a year after a time word, or when no lowercase word follows it.
fn reads_as_year(s: &Scanner, floor: usize, start: usize, end: usize) -> bool {
    if s.previous_word(start, floor)
        .is_some_and(|w| YEAR_LEADS.contains(&s.word(w)) || MONTHS.contains(&s.word(w)))
    {
        return true;
    }
    let followed_by_lowercase_word = s
        .next_word(end)
        .is_some_and(|w| s.word(w).starts_with(|c: char| c.is_lowercase()));
    let counted = s
        .next_word(end)
        .is_some_and(|w| !matches!(s.word(w), "was" | "is" | "will" | "saw" | "had" | "has"));
    !(followed_by_lowercase_word && counted)
}

fn is_year(digits: &str) -> bool {
    digits.len() == 4
        && digits
            .parse::<u32>()
            .is_ok_and(|y| (1000..=2099).contains(&y))
}

fn scale_phrase(s: &Scanner, floor: usize, word_start: usize, word_end: usize) -> NumberExpr {
    let mut start = word_start;
    // Back: `a thousand`, `two million`, `tens of thousands`.
    if let Some(prev) = s.previous_word(start, floor) {
        let w = s.word(prev).to_ascii_lowercase();
        if w == "of" {
            if let Some(before) = s.previous_word(prev.0, floor) {
                let lead = s.word(before).to_ascii_lowercase();
                if matches!(
                    lead.as_str(),
                    "tens" | "hundreds" | "thousands" | "millions" | "dozens"
                ) {
                    start = before.0;
                }
            }
        } else if LEADING_WORDS.contains(&w.as_str()) {
            start = prev.0;
        }
    }
    // Forward: `hundreds of thousands`.
    let mut end = word_end;
    if let Some(of) = s.next_word(end).filter(|w| s.word(*w) == "of")
        && let Some(next) = s.next_word(of.1)
        && PHRASE_SCALES
            .iter()
            .any(|x| x.eq_ignore_ascii_case(s.word(next)))
    {
        end = next.1;
    }
    NumberExpr {
        range: TextRange::new(start, end),
        class: NumberClass::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<(&str, NumberClass)> {
        find(text, TextRange::new(0, text.len()))
            .into_iter()
            .map(|n| (&text[n.range.start..n.range.end], n.class))
            .collect()
    }

    use NumberClass::*;

    #[test]
    fn plain_quantities() {
        assert_eq!(
            numbers("more than 10,000 soldiers, 3.5% and €1.2bn, 1.2 million or 7.5 per cent"),
            [
                ("10,000", Plain),
                ("3.5%", Plain),
                ("€1.2bn", Plain),
                ("1.2 million", Plain),
                ("7.5 per cent", Plain)
            ]
        );
    }

    #[test]
    fn thin_space_grouping() {
        assert_eq!(
            numbers("about 10\u{2009}000 troops"),
            [("10\u{2009}000", Plain)]
        );
    }

    #[test]
    fn ranges_ages_and_phrases() {
        assert_eq!(
            numbers(
                "a 26-year-old, 20 years old, 10-12 drones, at least a thousand, tens of thousands, hundreds, two million"
            ),
            [
                ("26-year-old", Age),
                ("20 years old", Age),
                ("10-12", Plain),
                ("a thousand", Plain),
                ("tens of thousands", Plain),
                ("hundreds", Plain),
                ("two million", Plain)
            ]
        );
    }

    #[test]
    fn exempt_classes() {
        assert_eq!(
            numbers(
                "since 2021, on 9 January, Jan. 9, 2025-01-11, at 10:30, 9 a.m., the 17th Brigade, 2021-2025"
            ),
            [
                ("2021", Year),
                ("9 January", Date),
                ("9", Date),
                ("2025-01-11", Date),
                ("10:30", Time),
                ("9 a.m.", Time),
                ("17th", Ordinal),
                ("2021-2025", Year)
            ]
        );
    }

    #[test]
    fn digit_search_agrees_with_a_plain_scan() {
        let samples = [
            "",
            "abc",
            "abcdefgh9",
            "0",
            "é漢字 and 7",
            "xxxxxxxxxxxxxxxxxxxxxxxx:/9",
        ];
        for s in samples {
            let bytes = s.as_bytes();
            assert_eq!(
                find_digit(bytes),
                bytes.iter().position(u8::is_ascii_digit),
                "{s}"
            );
        }
        let all: Vec<u8> = (0..=255).collect();
        for start in 0..all.len() {
            let slice = &all[start..];
            assert_eq!(find_digit(slice), slice.iter().position(u8::is_ascii_digit));
        }
    }

    #[test]
    fn year_like_counts_are_counts() {
        assert_eq!(
            numbers(
                "more than 2000 troops, 1500–5000 drones; in 2016 soldiers; 2025 was long; the 2024 vote"
            ),
            [
                ("2000", Plain),
                ("1500–5000", Plain),
                ("2016", Year),
                ("2025", Year),
                ("2024", Year)
            ]
        );
        assert_eq!(numbers("a baby 1 month old"), [("1 month old", Age)]);
        assert_eq!(numbers("Many 1990s veterans"), [("1990s", Year)]);
    }

    #[test]
    fn not_numbers() {
        assert_eq!(
            numbers("one of two, the second, twice, an F-16, COVID-19, G7, press2@x"),
            []
        );
    }
}
