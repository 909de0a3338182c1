//! Publishing: an article rendered to a standalone HTML page, to plain CommonMark, or to its
//! model as JSON.
//!
//! Protocol-neutral like `features`: [`render`] takes a workspace and a file and returns the
//! output as a string, so `newsmark render` and a server command that previews an open buffer
//! render the same way. Everything here treats the article as untrusted input: raw HTML is
//! escaped, link targets are limited to http, https and mailto, and the JSON-LD cannot end its
//! `<script>` element early.

mod html;
mod json;
mod markdown;
mod model;

// The month names: the first twelve of the prose layer's list are the full ones.
use crate::prose::numbers::MONTHS;
use crate::rules::{self, Diagnostic};
use crate::workspace::{FileId, Workspace};

pub use json::SCHEMA_VERSION;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Markdown,
    Json,
}

impl Format {
    pub const ALL: [(&'static str, Format); 3] = [
        ("html", Format::Html),
        ("markdown", Format::Markdown),
        ("json", Format::Json),
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// The file extension of an output in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Json => "json",
        }
    }
}

/// Renders `file` of `ws`, running the checks itself for the findings the output reports.
pub fn render(ws: &Workspace, file: FileId, format: Format) -> String {
    let findings = rules::check(ws, file);
    render_checked(ws, file, format, &findings)
}

/// Renders `file` with findings already computed (`newsmark render` has them from `check`).
pub fn render_checked(
    ws: &Workspace,
    file: FileId,
    format: Format,
    findings: &[Diagnostic],
) -> String {
    let article = model::Article::new(ws, file, findings);
    match format {
        Format::Html => html::page(&article),
        Format::Markdown => markdown::document(&article),
        Format::Json => json::document(&article),
    }
}

/// Whether a file holds no article: no front matter and no prose, only definitions (a
/// registry such as `entities.news`).
pub fn is_registry(ws: &Workspace, file: FileId) -> bool {
    let syntax = &ws.document(file).syntax;
    syntax.front_matter.is_none() && syntax.blocks.is_empty()
}

/// `url` if a reader may follow it: http, https or mailto, with nothing a browser would strip
/// or reinterpret (whitespace and control characters, which can hide a scheme).
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let allowed = ["https://", "http://", "mailto:"];
    allowed
        .iter()
        .any(|scheme| {
            url.len() > scheme.len()
                && url.is_char_boundary(scheme.len())
                && url[..scheme.len()].eq_ignore_ascii_case(scheme)
        })
        .then_some(url)
}

/// The Wikidata page of an item id such as `Q8684`; anything else is no id.
pub(crate) fn wikidata_url(id: &str) -> Option<String> {
    let id = id.trim();
    let digits = id.strip_prefix('Q')?;
    (!digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("https://www.wikidata.org/wiki/{id}"))
}

/// HTML-escapes text for element content and double-quoted attribute values.
pub(crate) fn escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(&mut out, text);
    out
}

/// Backslash-escapes what CommonMark could read as markup in inline text.
pub(crate) fn escape_markdown(out: &mut String, text: &str) {
    for c in text.chars() {
        // Angle brackets as entities: a Markdown processor that passes raw HTML through must
        // not see a tag even if it ignores backslash escapes there.
        match c {
            '<' => {
                out.push_str("&lt;");
                continue;
            }
            '>' => {
                out.push_str("&gt;");
                continue;
            }
            _ => {}
        }
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '#'
                | '!'
                | '|'
                | '~'
                | '&'
                | '@'
                | '{'
                | '}'
                | '^'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `2025-01-12` as `12 January 2025` (and `2025-01` as `January 2025`); other text as it is.
pub(crate) fn long_date(date: &str) -> String {
    let parts: Vec<&str> = date.trim().split('-').collect();
    let number = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        [y, m] if y.len() == 4 && number(y).is_some() => match number(m) {
            Some(m @ 1..=12) => format!("{} {y}", MONTHS[m - 1]),
            _ => date.to_string(),
        },
        [y, m, d] if y.len() == 4 && number(y).is_some() => match (number(m), number(d)) {
            (Some(m @ 1..=12), Some(d @ 1..=31)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => date.to_string(),
        },
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_are_safe() {
        assert_eq!(safe_url(" https://a.org/x "), Some("https://a.org/x"));
        assert_eq!(safe_url("HTTP://a.org"), Some("HTTP://a.org"));
        assert_eq!(safe_url("mailto:desk@a.org"), Some("mailto:desk@a.org"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/relative",
            "https://",
            "https://a.org/\u{0}x",
            "http://a b",
            "",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn wikidata_ids() {
        assert_eq!(
            wikidata_url("Q8684").as_deref(),
            Some("https://www.wikidata.org/wiki/Q8684")
        );
        assert_eq!(wikidata_url("Q0"), None);
        assert_eq!(wikidata_url("q12"), None);
        assert_eq!(wikidata_url("Q12\"><script>"), None);
    }

    #[test]
    fn long_dates() {
        assert_eq!(long_date("2025-01-12"), "12 January 2025");
        assert_eq!(long_date("2025-01"), "January 2025");
        assert_eq!(long_date("2025"), "2025");
        assert_eq!(long_date("2025-13-01"), "2025-13-01");
        assert_eq!(long_date("soon"), "soon");
    }
}
