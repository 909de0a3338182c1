//! Document links in definitions: the web addresses of `url:` and `archive:` fields, and
//! Wikidata items (`wikidata: Q8684` opens `https://www.wikidata.org/wiki/Q8684`), in entity
//! and source definitions alike.
//!
//! Only values a browser can open become links: addresses starting `https://` or `http://`
//! (or `www.`, opened as `https://www.…`) with no spaces in them, and Wikidata item ids, `Q`
//! followed by digits. Anything else in those fields is left as text. Every copy of a field
//! given twice gets its link. URLs in prose are not linked here: editors find those themselves.

use crate::syntax::TextRange;
use crate::workspace::{FileId, Workspace};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The field's value.
    pub range: TextRange,
    /// The address it opens.
    pub target: String,
}

/// Every link of `file`, in text order.
pub fn links(ws: &Workspace, file: FileId) -> Vec<Link> {
    let syntax = &ws.document(file).syntax;
    let mut out = Vec::new();
    for def in &syntax.definitions {
        for field in &def.fields {
            let value = field.value.text.as_str();
            let target = match field.key.text.as_str() {
                "url" | "archive" => web_address(value),
                "wikidata" => wikidata(value),
                _ => None,
            };
            if let Some(target) = target {
                out.push(Link {
                    range: field.value.range,
                    target,
                });
            }
        }
    }
    out
}

fn web_address(value: &str) -> Option<String> {
    if value.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"')) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let has_host = |scheme: &str| lower.len() > scheme.len() && lower.starts_with(scheme);
    if has_host("https://") || has_host("http://") {
        Some(value.to_string())
    } else if has_host("www.") {
        Some(format!("https://{value}"))
    } else {
        None
    }
}

fn wikidata(value: &str) -> Option<String> {
    let digits = value.strip_prefix('Q')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("https://www.wikidata.org/wiki/{value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_openable_values_link() {
        assert_eq!(
            web_address("https://ssu.gov.ua/"),
            Some("https://ssu.gov.ua/".to_string())
        );
        assert_eq!(
            web_address("www.state.gov"),
            Some("https://www.state.gov".to_string())
        );
        assert_eq!(web_address("ssu.gov.ua"), None);
        assert_eq!(web_address("https://"), None);
        assert_eq!(web_address("https://a b"), None);
        assert_eq!(
            wikidata("Q8684"),
            Some("https://www.wikidata.org/wiki/Q8684".to_string())
        );
        assert_eq!(wikidata("Q"), None);
        assert_eq!(wikidata("q8684"), None);
        assert_eq!(wikidata("P31"), None);
    }
}
