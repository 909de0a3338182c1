//! source-date: a source dated after its article (a source cannot postdate what cites it: a
//! mistyped date, or the wrong source), or, where an age limit is set, older than the limit
//! allows relative to the article's date (a year-old source in a live blog).
//!
//! The article's date is its front matter's `date:`; an `updated:` date after it moves the
//! latest date a source may have. The age limit is `max-source-age-days:` in the front
//! matter, else `[sources] max-age-days` in newsmark.toml, else [`LIVE_MAX_AGE_DAYS`] for a
//! live blog (`format: live-blog`), else none.

use super::{Context, Finding, Findings, Rule, RuleDef, Scope, Severity, Subject, no_fixes};
use crate::syntax::{DefinitionKind, TextRange};

pub const RULE: Rule = Rule::new(&RuleDef {
    id: "source-date",
    default_severity: Severity::Warning,
    scope: Scope::Document,
    docs_anchor: "source-date",
    reads_prose: false,
    unnecessary: false,
    check,
    fixes: no_fixes,
});

/// Days a source may be dated after its article: one, for time zones (a source dated the
/// next day where it was issued may be older than an article dated in New York).
const GRACE_DAYS: i64 = 1;

/// How old a live blog's sources may be unless it says otherwise: live copy cites what
/// happens now, and a source a month older than the blog is stale or, most often, dated with
/// last year's year. Background that old belongs in a linked explainer.
const LIVE_MAX_AGE_DAYS: u32 = 30;

/// Whether the front matter's `format:` says the article is a live blog.
fn is_live_blog(front: &crate::syntax::FrontMatter) -> bool {
    front.get("format").is_some_and(|f| {
        let f = f.text.trim().to_ascii_lowercase();
        matches!(f.as_str(), "live-blog" | "liveblog" | "live blog" | "live")
    })
}

fn check(cx: &Context, out: &mut Findings) {
    let Some(front) = &cx.doc.syntax.front_matter else {
        return;
    };
    let Some((date, published)) = front
        .get("date")
        .and_then(|d| Some((d.text.as_str(), days(&d.text)?)))
        .filter(|(text, _)| text.len() == 10)
    else {
        return;
    };
    let updated = front
        .get("updated")
        .and_then(|u| Some((u.text.as_str(), days(&u.text)?)))
        .filter(|(text, (start, _))| text.len() == 10 && *start > published.0);
    let (latest_text, latest, latest_what) = match updated {
        Some((text, (day, _))) => (text, day, "the article's last update"),
        None => (date, published.0, "the article's date"),
    };
    let limit = front
        .get("max-source-age-days")
        .and_then(|v| v.text.parse::<u32>().ok())
        .map(|d| (d, "the article's `max-source-age-days`"))
        .or_else(|| {
            cx.config()
                .max_source_age_days
                .map(|d| (d, "`max-age-days` in newsmark.toml"))
        })
        .or_else(|| {
            is_live_blog(front).then_some((LIVE_MAX_AGE_DAYS, "a live blog (`format: live-blog`)"))
        });
    for (i, def) in cx.doc.syntax.definitions.iter().enumerate() {
        if def.kind != DefinitionKind::Source || !def.has_valid_id() {
            continue;
        }
        let Some(field) = def.field("date") else {
            continue;
        };
        let Some((first, last)) = days(&field.value.text) else {
            continue;
        };
        let range: TextRange = field.value.range;
        let shown = &field.value.text;
        if first > latest + GRACE_DAYS {
            out.push(Finding::new(
                range,
                Subject::Definition(i),
                format!(
                    "source “{}” is dated {shown}, {} after {latest_what} {latest_text}: a source cannot postdate the article that cites it; check the date, or whether this is the source meant",
                    def.id.text,
                    span(first - latest),
                ),
            ));
        } else if let Some((max, whence)) = limit
            && published.0 - last > i64::from(max)
        {
            out.push(Finding::new(
                range,
                Subject::Definition(i),
                format!(
                    "source “{}” is dated {shown}, {} before the article's date {date}, more than the {} that {whence} allows: a stale source, or a mistyped date?",
                    def.id.text,
                    span(published.0 - last),
                    span(i64::from(max)),
                ),
            ));
        }
    }
}

/// `n` days, and in years or months too when that says more: `437 days (about 1.2 years)`.
fn span(n: i64) -> String {
    let days = if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    };
    if n >= 365 {
        let years = format!("{:.1}", n as f64 / 365.25);
        let years = years.strip_suffix(".0").unwrap_or(&years);
        let unit = if years == "1" { "year" } else { "years" };
        format!("{days} (about {years} {unit})")
    } else if n >= 60 {
        format!("{days} (about {} months)", (n as f64 / 30.44).round())
    } else {
        days
    }
}

/// The first and last day (days since 1970-01-01) a date in the form `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD` can mean; `None` for anything else, or a day that does not exist (the
/// `syntax` rule reports those).
fn days(text: &str) -> Option<(i64, i64)> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |part: &str, len: usize| {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i64>().ok())
            .flatten()
    };
    let year = number(parts.first()?, 4)?;
    match parts[1..] {
        [] => Some((civil(year, 1, 1), civil(year, 12, 31))),
        [month] => {
            let month = number(month, 2).filter(|m| (1..=12).contains(m))?;
            Some((
                civil(year, month, 1),
                civil(year, month, month_days(year, month)),
            ))
        }
        [month, day] => {
            let month = number(month, 2).filter(|m| (1..=12).contains(m))?;
            let day = number(day, 2).filter(|d| (1..=month_days(year, month)).contains(d))?;
            let at = civil(year, month, day);
            Some((at, at))
        }
        _ => None,
    }
}

fn month_days(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil(1970, 1, 1), 0);
        assert_eq!(civil(2000, 3, 1) - civil(2000, 2, 28), 2);
        assert_eq!(civil(2025, 1, 1) - civil(2024, 1, 1), 366);
        assert_eq!(
            days("2025-02"),
            Some((civil(2025, 2, 1), civil(2025, 2, 28)))
        );
        assert_eq!(days("2024"), Some((civil(2024, 1, 1), civil(2024, 12, 31))));
        assert_eq!(days("2025-02-30"), None);
        assert_eq!(days("25-01-01"), None);
        assert_eq!(span(1), "1 day");
        assert_eq!(span(90), "90 days (about 3 months)");
        assert_eq!(span(437), "437 days (about 1.2 years)");
        assert_eq!(span(365), "365 days (about 1 year)");
        assert_eq!(span(731), "731 days (about 2 years)");
    }
}
