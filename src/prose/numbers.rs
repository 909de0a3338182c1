//! Numeric expressions in prose, classified so the exemptions (years, dates, times, ordinals,
//! ages, numbers in words) can be switched on and off.
//!
//! Digits that are not quantities are left out altogether: phone numbers, street addresses,
//! designations (`section 12`, `platform 9`, `Route 66`, `Boeing 737`), named dates (`9/11`),
//! race distances (`the 400m`). A desk editor never wants a source for those, and reporting
//! them buried the numbers that do need one.

use crate::syntax::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberClass {
    Plain,
    Year,
    Date,
    Time,
    Ordinal,
    /// `26-year-old`, `20 years old`, and ages in apposition (`Kowalski, 41,`), `at 16`,
    /// `aged 18`, `voters under 30`, `in his 60s`.
    Age,
    /// A quantity in words with no digit and no scale word: `doubled`, `halved`,
    /// `two-thirds of`, `one in five`.
    Words,
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
/// Month names, the twelve full names first (in order), then their abbreviations.
pub(crate) const MONTHS: &[&str] = &[
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
    let fragments = Fragments::find(mask, block);
    let mut scales = scale_words(mask, block, &fragments)
        .into_iter()
        .filter(|&(start, end)| {
            let before = s.prev_char(start, block.start);
            let after = mask[end..block.end].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
        .peekable();
    let mut i = block.start;
    let mut last_label: Option<usize> = None;
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
                if let Some(end) = phone_number(&s, block.start, d) {
                    i = end;
                    continue;
                }
                let mut expr = digit_expression(&s, block.start, d);
                i = expr.range.end;
                // The other end of a designation: `levels 1 to 3`, `gates 14 to 22`.
                let continues_label = last_label.is_some_and(|end| {
                    matches!(
                        &mask[end..expr.range.start],
                        " to " | " and " | " or " | "-" | "–"
                    )
                });
                match reading(&s, block.start, &expr, out.last()) {
                    _ if continues_label => {
                        last_label = Some(expr.range.end);
                        continue;
                    }
                    Reading::Quantity => {}
                    Reading::Label => {
                        last_label = Some(expr.range.end);
                        continue;
                    }
                    Reading::Age => expr.class = NumberClass::Age,
                    Reading::Time => expr.class = NumberClass::Time,
                }
                out.push(expr);
            }
            (None, Some((start, end))) => {
                scales.next();
                let expr = scale_phrase(&s, block.start, start, end);
                i = expr.range.end;
                if !is_idiom(&s, &expr) {
                    out.push(expr);
                }
            }
            (None, None) => break,
        }
    }
    let in_words = word_numbers(&s, block, &fragments);
    if !in_words.is_empty() {
        // Merged in text order; a word number inside a digit expression is not another one.
        for expr in in_words {
            let at = out.partition_point(|n| n.range.start < expr.range.start);
            let overlaps = |n: Option<&NumberExpr>| {
                n.is_some_and(|n| n.range.start < expr.range.end && expr.range.start < n.range.end)
            };
            if !overlaps(at.checked_sub(1).and_then(|k| out.get(k))) && !overlaps(out.get(at)) {
                out.insert(at, expr);
            }
        }
    }
    out
}

/// What a run of digits is, read with the words around it.
enum Reading {
    Quantity,
    /// A designation, a name or an address: no quantity at all.
    Label,
    /// An age written as a bare number (`Kowalski, 41,`, `at 16`, `aged 18`).
    Age,
    /// A span of the clock that sets the scene at the start of a sentence (`For 45 minutes`,
    /// `After 20 minutes,`): a time, as the story's clock times are.
    Time,
}

/// Words after which a bare number designates something rather than counts it (`section 12`,
/// `platform 9`, `Route 25`, `call 999`): matched ignoring case.
const DESIGNATORS: &[&str] = &[
    "section",
    "sections",
    "page",
    "pages",
    "p",
    "pp",
    "clause",
    "clauses",
    "article",
    "articles",
    "paragraph",
    "para",
    "chapter",
    "schedule",
    "annex",
    "appendix",
    "exhibit",
    "rule",
    "count",
    "courtroom",
    "room",
    "court",
    "route",
    "bus",
    "platform",
    "platforms",
    "gate",
    "gates",
    "flight",
    "terminal",
    "stand",
    "exit",
    "junction",
    "track",
    "line",
    "highway",
    "interstate",
    "no",
    "nos",
    "number",
    "unit",
    "flat",
    "apartment",
    "apt",
    "suite",
    "floor",
    "level",
    "ward",
    "precinct",
    "bay",
    "berth",
    "pier",
    "seat",
    "lot",
    "case",
    "bill",
    "item",
    "amendment",
    "verse",
    "episode",
    "season",
    "series",
    "model",
    "version",
    "channel",
    "stage",
    "round",
    "heat",
    "hole",
    "question",
    "category",
    "grade",
    "tier",
    "zone",
    "phase",
    "incident",
    "reference",
    "ref",
    "code",
    "box",
    "extension",
    "ext",
    "block",
    "building",
    "hangar",
    "runway",
    "carriage",
    "coach",
    "shirt",
    "jersey",
    "lane",
    "pitch",
    "field",
    "district",
    "levels",
    "floors",
    "rooms",
    "routes",
    "lines",
    "terminals",
    "units",
    "wards",
    "stages",
    "rounds",
    "holes",
    "chapters",
    "paragraphs",
    "counts",
    "items",
];
/// Words after which a number is a phone number when it is a short service number.
const DIALLING: &[&str] = &[
    "call", "dial", "ring", "phone", "text", "helpline", "hotline",
];
/// Words that may follow a phone number: `call 105 from any phone`.
const AFTER_PHONE: &[&str] = &[
    "from",
    "for",
    "or",
    "and",
    "if",
    "to",
    "on",
    "free",
    "any",
    "anytime",
    "at",
    "between",
    "until",
    "day",
    "now",
    "immediately",
    "quoting",
    "or",
];
/// Words that end a street name: `221 Baker Street`, `10 Downing St`.
const STREET_WORDS: &[&str] = &[
    "Street",
    "St",
    "Road",
    "Rd",
    "Avenue",
    "Ave",
    "Lane",
    "Ln",
    "Boulevard",
    "Blvd",
    "Drive",
    "Square",
    "Sq",
    "Place",
    "Pl",
    "Way",
    "Close",
    "Crescent",
    "Terrace",
    "Parade",
    "Row",
    "Gardens",
    "Grove",
    "Walk",
    "Mews",
    "Quay",
    "Wharf",
    "Embankment",
    "Highway",
    "Hill",
];
/// Numbers people use as names: `9/11`, `24/7`.
const NAMED_NUMBERS: &[&str] = &["9/11", "7/7", "24/7", "50/50", "20/20", "4/20"];
/// Events named by a distance in metres: `the 400m`, `200m freestyle`.
const EVENT_WORDS: &[&str] = &[
    "hurdles",
    "freestyle",
    "butterfly",
    "backstroke",
    "breaststroke",
    "medley",
    "relay",
    "final",
    "finals",
    "heat",
    "heats",
    "title",
    "race",
    "sprint",
    "steeplechase",
    "record",
];
/// Nouns for groups of people that `under 30`, `over 65` define by age.
const PEOPLE: &[&str] = &[
    "voters",
    "people",
    "children",
    "adults",
    "men",
    "women",
    "those",
    "anyone",
    "everyone",
    "players",
    "drivers",
    "patients",
    "workers",
    "residents",
    "users",
    "pupils",
    "students",
    "girls",
    "boys",
    "teenagers",
    "pensioners",
    "customers",
    "respondents",
    "applicants",
    "aged",
    "age",
    "ages",
];
/// Verbs that put a level `at` a number: `stood at 16` is a count, `left school at 16` an age.
const LEVEL_VERBS: &[&str] = &[
    "stood",
    "stands",
    "stand",
    "put",
    "puts",
    "peaked",
    "closed",
    "opened",
    "estimated",
    "valued",
    "capped",
    "set",
    "fixed",
    "priced",
    "pegged",
    "remained",
    "remains",
    "held",
    "finished",
    "ended",
    "started",
    "began",
    "arrived",
    "landed",
    "came",
    "levelled",
    "hit",
    "totalled",
    "reached",
    "rose",
    "fell",
    "dropped",
    "climbed",
    "is",
    "was",
    "were",
    "are",
];
/// Words that may follow an age given as `at 16`.
const AFTER_AGE: &[&str] = &[
    "with", "when", "and", "in", "after", "before", "from", "to", "as", "but", "for", "because",
    "while", "by", "he", "she", "they", "she'd", "he'd", "alone",
];
const POSSESSIVES: &[&str] = &["his", "her", "their", "its", "my", "our", "your"];

fn is_any(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether the word starting at `start` begins a sentence: nothing but opening marks before
/// it in the block, or the end of a sentence or clause.
fn starts_sentence(s: &Scanner, floor: usize, start: usize) -> bool {
    let before = s.text[floor..start]
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '“' | '(' | '[' | '\''));
    before
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | ';' | '—' | '–' | '-' | '|'))
}

/// The phone number starting at `first_digit` (or at a `+` or `(` right before it), as its end:
/// groups of digits split by single spaces, hyphens, dots or brackets, seven digits or more,
/// that look dialled (`+44 20 7946 0958`, `0800 123 4567`, `(202) 555-0143`,
/// `1-800-273-8255`), or a service number after `call` (`call 999`).
fn phone_number(s: &Scanner, floor: usize, first_digit: usize) -> Option<usize> {
    let lead = s.prev_char(first_digit, floor);
    // `call 105`, `call the Samaritans free on 116 123`: a dialling word a few words before.
    let mut dialled_word = false;
    let mut back = first_digit
        - lead
            .filter(|c| matches!(c, '+' | '('))
            .map_or(0, char::len_utf8);
    for _ in 0..6 {
        let Some(word) = s.previous_word(back, floor) else {
            break;
        };
        if is_any(DIALLING, s.word(word)) {
            dialled_word = true;
            break;
        }
        back = word.0;
    }
    let (mut j, mut digits, mut groups, mut hyphens) = (first_digit, 0, 0, 0);
    loop {
        let end = s.digits(j);
        digits += end - j;
        groups += 1;
        j = end;
        let mut k = j;
        if s.at(k) == Some(b')') {
            k += 1;
        }
        match s.at(k) {
            Some(sep @ (b' ' | b'-' | b'.')) => {
                let next = if s.at(k + 1) == Some(b'(') {
                    k + 2
                } else {
                    k + 1
                };
                if !is_digit(s.at(next)) {
                    break;
                }
                hyphens += usize::from(sep == b'-');
                j = next;
            }
            _ if k > j && is_digit(s.at(k)) => j = k,
            _ => break,
        }
    }
    // `7.2` and `10 000` are one group or too short; a trailing `.` is the sentence's.
    let looks_dialled = matches!(lead, Some('+' | '('))
        || s.at(first_digit) == Some(b'0')
        || dialled_word
        || (hyphens >= 2 && digits >= 10);
    if groups >= 2 && digits >= 7 && looks_dialled {
        return Some(j);
    }
    if dialled_word && groups >= 2 && digits >= 5 {
        return Some(j);
    }
    // A short number after a dialling word, ending the clause or followed by how to call it
    // (`call 105 from any phone`); `call 12 witnesses` is a count.
    let next = s.next_word(j).map(|w| s.word(w));
    let clause_ends = s.text[j..s.end]
        .chars()
        .next()
        .is_none_or(|c| matches!(c, '.' | ',' | ';' | ')' | ':'));
    let how = next.is_some_and(|w| is_any(AFTER_PHONE, w));
    (dialled_word && groups == 1 && digits >= 3 && (clause_ends || how)).then_some(j)
}

/// A bare number: digits, maybe dotted (`7.2`), maybe one letter (`12A`); no sign, currency,
/// percent or scale.
fn is_bare(text: &str) -> bool {
    let body = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    text.len() - body.len() <= 1
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && body.as_bytes()[0].is_ascii_digit()
}

fn reading(s: &Scanner, floor: usize, expr: &NumberExpr, last: Option<&NumberExpr>) -> Reading {
    let TextRange { start, end } = expr.range;
    let text = &s.text[start..end];
    if NAMED_NUMBERS.contains(&text) {
        return Reading::Label;
    }
    // `the 400m`, `200m freestyle`, `4x100m`.
    if let Some(metres) = text.strip_suffix('m')
        && metres.bytes().all(|b| b.is_ascii_digit() || b == b',')
    {
        let before = s.previous_word(start, floor).map(|w| s.word(w));
        let after = s.next_word(end).map(|w| s.word(w));
        if before.is_some_and(|w| is_any(&["the", "men's", "women's", "s"], w))
            || after.is_some_and(|w| is_any(EVENT_WORDS, w))
        {
            return Reading::Label;
        }
    }
    if text.ends_with('x') && is_digit(s.at(end)) {
        return Reading::Label;
    }
    // A point on a course or a scale: `the 30km mark`.
    if s.next_word(end).is_some_and(|w| s.word(w) == "mark") {
        return Reading::Label;
    }
    if expr.class != NumberClass::Plain {
        return Reading::Quantity;
    }
    let previous = s.previous_word(start, floor);
    let previous_text = previous.map(|w| s.word(w));
    // `in his 60s`.
    if let Some(decade) = text.strip_suffix('s')
        && decade.len() == 2
        && decade.ends_with('0')
        && previous_text.is_some_and(|w| is_any(POSSESSIVES, w))
    {
        return Reading::Age;
    }
    if !is_bare(text) {
        return Reading::Quantity;
    }
    if let Some(date) = day_before_a_date(s, end) {
        return date;
    }
    if scene_setting_span(s, floor, start, end) {
        return Reading::Time;
    }
    let value: Option<u32> = text.parse().ok();
    if let Some(word) = previous {
        let w = s.word(word);
        if is_any(DESIGNATORS, w) {
            return Reading::Label;
        }
        // `No. 10`.
        if s.text[word.1..start].starts_with(". ") && is_any(&["no", "nos"], w) {
            return Reading::Label;
        }
        // A name with a number: `Route 66`, `Boeing 737`, `iPhone 15`, `BA 117`, `NHS 111`.
        let named = w.chars().next().is_some_and(char::is_uppercase)
            || w.chars().skip(1).any(char::is_uppercase);
        if named
            && !starts_sentence(s, floor, word.0)
            && !MONTHS.contains(&w)
            && !CURRENCY_CODES.contains(&w)
            && w != "I"
        {
            return Reading::Label;
        }
    }
    if previous.is_none() {
        let before = s.text[floor..start].trim_end_matches([' ', '\u{a0}']);
        if before.ends_with("No.") || before.ends_with("no.") {
            return Reading::Label;
        }
    }
    // `221 Baker Street`.
    let mut next = s.next_word(end);
    for _ in 0..3 {
        let Some(word) = next else { break };
        let w = s.word(word);
        if STREET_WORDS.contains(&w) {
            return Reading::Label;
        }
        if !w.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        next = s.next_word(word.1);
    }
    let is_age_value = value.is_some_and(|v| (1..=120).contains(&v));
    if !is_age_value {
        return Reading::Quantity;
    }
    // `Jan Kowalski, 41, a welder`: a name, a comma, the age and a comma or the sentence end.
    let before = &s.text[floor..start];
    if let Some(name_end) = before.strip_suffix(", ") {
        let after = s.text[end..s.end].chars().next();
        let name = name_end
            .rsplit(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .next()
            .unwrap_or("");
        if name.chars().next().is_some_and(char::is_uppercase)
            && after.is_none_or(|c| matches!(c, ',' | '.' | ')' | ';'))
        {
            return Reading::Age;
        }
    }
    if let Some(word) = previous {
        let w = s.word(word).to_ascii_lowercase();
        let before_word = s
            .previous_word(word.0, floor)
            .map(|b| s.word(b).to_ascii_lowercase());
        match w.as_str() {
            "aged" => return Reading::Age,
            "under" | "over" | "above" | "below"
                if before_word.as_deref().is_some_and(|b| is_any(PEOPLE, b)) =>
            {
                return Reading::Age;
            }
            // `aged 18 to 24`: the second end of the range.
            "to" | "and"
                if last.is_some_and(|l| {
                    l.class == NumberClass::Age
                        && before_word.as_deref() == Some(&s.text[l.range.start..l.range.end])
                }) =>
            {
                return Reading::Age;
            }
            "at" if !before_word
                .as_deref()
                .is_some_and(|b| is_any(LEVEL_VERBS, b)) =>
            {
                let after = s.text[end..s.end].chars().next();
                let next_word = s.next_word(end).map(|n| s.word(n));
                let ends_clause = after.is_none_or(|c| matches!(c, ',' | '.' | ';' | ')' | '—'));
                if ends_clause || next_word.is_some_and(|n| is_any(AFTER_AGE, n)) {
                    return Reading::Age;
                }
            }
            _ => {}
        }
    }
    Reading::Quantity
}

/// `For 45 minutes it looked grim.`, `After 20 minutes, firefighters…`: seconds, minutes or
/// hours after a preposition that opens the sentence tell the story's time, as a clock time
/// does. Elsewhere a span may be the statistic (`patients waited 45 minutes on average`), and
/// days or years may be the claim (`for 300 days he was held`).
fn scene_setting_span(s: &Scanner, floor: usize, start: usize, end: usize) -> bool {
    let Some(before) = s.previous_word(start, floor) else {
        return false;
    };
    is_any(&["for", "after", "within", "over"], s.word(before))
        && starts_sentence(s, floor, before.0)
        && s.next_word(end).is_some_and(|w| {
            is_any(
                &[
                    "seconds", "minutes", "minute", "mins", "hours", "hour", "hrs",
                ],
                s.word(w),
            )
        })
}

/// `the weekends of 12 and 26 April`: a day joined to a dated day reads as a date too.
fn day_before_a_date(s: &Scanner, end: usize) -> Option<Reading> {
    let joint = s
        .next_word(end)
        .filter(|w| matches!(s.word(*w), "and" | "or" | "to"))?;
    let day_start = joint.1 + 1;
    let day_end = s.digits(day_start);
    if s.at(joint.1) != Some(b' ') || day_end == day_start || day_end - day_start > 2 {
        return None;
    }
    let month = s.next_word(day_end)?;
    MONTHS.contains(&s.word(month)).then_some(Reading::Label)
}

/// `a thousand reasons`, `a million times`, `one in a million`: rhetoric, not a count.
fn is_idiom(s: &Scanner, expr: &NumberExpr) -> bool {
    let text = s.text[expr.range.start..expr.range.end].to_ascii_lowercase();
    if !matches!(
        text.as_str(),
        "a hundred"
            | "a thousand"
            | "a million"
            | "a billion"
            | "hundreds"
            | "thousands"
            | "millions"
    ) {
        return false;
    }
    let after = s
        .next_word(expr.range.end)
        .map(|w| s.word(w).to_ascii_lowercase());
    let rhetorical = after.as_deref().is_some_and(|w| {
        matches!(
            w,
            "reasons" | "times" | "ways" | "words" | "questions" | "things" | "miles" | "thanks"
        )
    });
    let one_in = s.text[..expr.range.start].ends_with("one in ");
    rhetorical || one_in
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

/// The word fragments that scale words and numbers in words are found by, all found in one
/// pass over the block (a SIMD prefilter skips the text between candidates): a substring
/// search per fragment per block cost more than the rest of the number scan.
struct Fragments {
    /// `(fragment, offset in the block)`, by fragment, then by offset.
    hits: Vec<(usize, usize)>,
}

/// Scale words by a fragment that leaves out their first letter, so one case-sensitive search
/// serves both `Hundreds` and `hundreds`; then the fragments of numbers in words (see
/// [`word_numbers`]). No two of them can overlap in a word of English, so a search that
/// reports each occurrence once, left to right, misses none.
const FRAGMENTS: [&str; 13] = [
    "undred", "housand", "illion", "ozen", "oubl", "ripl", "rebl", "uadrupl", "alv", "hird",
    "uarter", "ifth", " in ",
];
/// Where the fragments of [`word_numbers`] start in [`FRAGMENTS`].
const WORD_FRAGMENTS: usize = 4;

impl Fragments {
    fn find(mask: &str, block: TextRange) -> Fragments {
        use aho_corasick::{AhoCorasick, MatchKind};
        use std::sync::LazyLock;
        static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(FRAGMENTS)
                .expect("the number fragments build a matcher")
        });
        let haystack = &mask.as_bytes()[block.start..block.end];
        let mut hits: Vec<(usize, usize)> = MATCHER
            .find_iter(haystack)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        hits.sort_unstable();
        Fragments { hits }
    }

    /// The offsets (in the block) of fragment `k`, in order.
    fn of(&self, k: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.hits.partition_point(|&(f, _)| f < k);
        self.hits[from..]
            .iter()
            .take_while(move |&&(f, _)| f == k)
            .map(|&(_, at)| at)
    }
}

/// Scale words (`hundred`, `Thousands`, `million` …) in `block`, in order, as `(start, end)`.
fn scale_words(mask: &str, block: TextRange, fragments: &Fragments) -> Vec<(usize, usize)> {
    let haystack = &mask.as_bytes()[block.start..block.end];
    let mut found = Vec::new();
    for k in 0..WORD_FRAGMENTS {
        for at in fragments.of(k) {
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
            // Seconds belong to the time (`1:05:30`, a race time), not to another number.
            if s.at(end) == Some(b':') && is_digit(s.at(end + 1)) && is_digit(s.at(end + 2)) {
                end = s.digits(end + 1);
            }
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
    // A range's percent sign is the range's: `5-7%`.
    if end > core_end && s.at(end) == Some(b'%') {
        end += 1;
        plain_four_digits = false;
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
    // A range written out on both sides, `$4bn-$5bn` or `€2m–€3m`, is one number: the second
    // end is read on its own and taken in.
    if class == NumberClass::Plain && end > core_end {
        let dash = ['-', '–']
            .into_iter()
            .find(|&d| s.text[end..s.end].starts_with(d))
            .map_or(0, char::len_utf8);
        let second = end + dash;
        let currency = s.text[second..s.end]
            .chars()
            .next()
            .filter(|&c| is_currency_symbol(c))
            .map_or(0, char::len_utf8);
        if dash > 0 && currency > 0 && is_digit(s.at(second + currency)) {
            let rest = digit_expression(s, floor, second + currency);
            end = rest.range.end;
        }
    }
    NumberExpr {
        range: TextRange::new(start, end),
        class,
    }
}

/// Words after which a four-digit number is a year rather than a count (month names too,
/// see [`MONTHS`]).
const YEAR_LEADS: &[&str] = &[
    "fiscal",
    "financial",
    "Fiscal",
    "FY",
    "his",
    "her",
    "its",
    "their",
    "our",
    "in",
    "since",
    "until",
    "till",
    "by",
    "from",
    "to",
    "of",
    "before",
    "after",
    "during",
    "between",
    "and",
    "or",
    "early",
    "late",
    "mid",
    "year",
    "the",
    "around",
    "circa",
    "c",
    "through",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "In",
    "Since",
    "Until",
    "By",
    "From",
    "Before",
    "After",
    "During",
    "The",
];

/// `since 2021`, `in 2016.`, `2025 was` read as years; `more than 2000 troops` is a count.
/// A year-like number reads as a year after a time word, or when no lowercase word follows it.
fn reads_as_year(s: &Scanner, floor: usize, start: usize, end: usize) -> bool {
    if s.previous_word(start, floor)
        .is_some_and(|w| YEAR_LEADS.contains(&s.word(w)) || MONTHS.contains(&s.word(w)))
    {
        return true;
    }
    // After a possessive: `the city's 2019 law`.
    if let Some(word) = s.previous_word(start, floor)
        && s.word(word) == "s"
        && matches!(s.prev_char(word.0, floor), Some('\'' | '’'))
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

/// Verbs that state a change as a multiple: `sales doubled`.
const MULTIPLES: &[&str] = &[
    "doubled",
    "doubling",
    "tripled",
    "tripling",
    "trebled",
    "trebling",
    "quadrupled",
    "halved",
    "halving",
];
const FRACTIONS: &[&str] = &[
    "third", "thirds", "quarter", "quarters", "fifth", "fifths", "tenth", "tenths",
];
const SMALL_NUMBERS: &[&str] = &[
    "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

/// Quantities in words (`doubled`, `two-thirds of`, `one in five`), found by fragments of their
/// words (see [`Fragments`]), so prose without them is not read word by word.
fn word_numbers(s: &Scanner, block: TextRange, fragments: &Fragments) -> Vec<NumberExpr> {
    let mut out = Vec::new();
    let word_at = |at: usize| {
        let mut start = at;
        while start > block.start && s.bytes[start - 1].is_ascii_alphabetic() {
            start -= 1;
        }
        let mut end = at;
        while end < block.end && s.bytes[end].is_ascii_alphabetic() {
            end += 1;
        }
        (start, end)
    };
    // A word glued to a letter of another script or a digit is not a word of ours.
    let whole = |(start, end): (usize, usize)| {
        let before = s.prev_char(start, block.start);
        let after = s.text[end..block.end].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    };
    let lower = |w: (usize, usize)| s.word(w).to_ascii_lowercase();
    // The last fragment, ` in `, finds proportions (`one in five`); the others find words.
    let proportion = FRAGMENTS.len() - 1;
    for k in WORD_FRAGMENTS..FRAGMENTS.len() {
        for found in fragments.of(k) {
            let at = block.start + found;
            if k == proportion {
                // `one in five`: a small number, `in`, a number of two to ten.
                let (Some(prev), Some(next)) =
                    (s.previous_word(at + 1, block.start), s.next_word(at + 3))
                else {
                    continue;
                };
                let (p, n) = (lower(prev), lower(next));
                if SMALL_NUMBERS[1..].contains(&p.as_str())
                    && SMALL_NUMBERS[2..].contains(&n.as_str())
                    && whole(next)
                {
                    out.push(NumberExpr {
                        range: TextRange::new(prev.0, next.1),
                        class: NumberClass::Words,
                    });
                }
                continue;
            }
            let word = word_at(at);
            if !whole(word) {
                continue;
            }
            let w = lower(word);
            if MULTIPLES.contains(&w.as_str()) {
                let next = s.next_word(word.1).map(lower);
                let then = s
                    .next_word(word.1)
                    .and_then(|n| s.next_word(n.1))
                    .map(lower);
                // `doubled down`, `doubled as a shelter`, and a score: `halved the deficit`.
                let idiom = next
                    .as_deref()
                    .is_some_and(|n| matches!(n, "down" | "up" | "as" | "back"));
                let score = next
                    .as_deref()
                    .is_some_and(|n| matches!(n, "the" | "their" | "his" | "her" | "its"))
                    && then.as_deref().is_some_and(|t| {
                        matches!(t, "lead" | "deficit" | "advantage" | "arrears" | "margin")
                    });
                if !idiom && !score {
                    out.push(NumberExpr {
                        range: TextRange::new(word.0, word.1),
                        class: NumberClass::Words,
                    });
                }
            } else if FRACTIONS.contains(&w.as_str()) {
                // `two-thirds of`, or a change by a fraction: `rise by a fifth`.
                let of = s.next_word(word.1).filter(|o| s.word(*o) == "of");
                let by_fraction = s
                    .previous_word(word.0, block.start)
                    .and_then(|lead| s.previous_word(lead.0, block.start))
                    .is_some_and(|by| s.word(by) == "by");
                let of = match (of, by_fraction) {
                    (Some(of), _) => of,
                    (None, true) => word,
                    (None, false) => continue,
                };
                // `two-thirds of`, or `a quarter of` with the number as its own word.
                let lead = if s.bytes[word.0.saturating_sub(1)] == b'-' && word.0 > block.start {
                    let (start, end) = word_at(word.0 - 2);
                    Some((start, end)).filter(|&(a, b)| a < b)
                } else {
                    s.previous_word(word.0, block.start)
                };
                let Some(lead) = lead else { continue };
                let after_of = s.next_word(of.1).map(lower);
                let measure = after_of
                    .as_deref()
                    .is_some_and(|a| matches!(a, "an" | "a" | "the" | "way" | "mile"))
                    && s.next_word(of.1)
                        .and_then(|a| s.next_word(a.1))
                        .map(lower)
                        .is_some_and(|m| {
                            matches!(m.as_str(), "hour" | "century" | "way" | "mile" | "season")
                        });
                if SMALL_NUMBERS.contains(&lower(lead).as_str()) && !measure {
                    out.push(NumberExpr {
                        range: TextRange::new(lead.0, of.1),
                        class: NumberClass::Words,
                    });
                }
            }
        }
    }
    out.sort_unstable_by_key(|n| n.range.start);
    out.dedup_by_key(|n| n.range.start);
    out
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
        // A no-break space before the number is two bytes: found in a soak, where it panicked.
        assert_eq!(numbers("the city's\u{a0}2019 law"), [("2019", Year)]);
        assert_eq!(numbers("and e\u{a0}1696 agreed"), [("1696", Plain)]);
    }

    #[test]
    fn not_numbers() {
        assert_eq!(
            numbers("one of two, the second, twice, an F-16, COVID-19, G7, press2@x"),
            []
        );
    }
}
