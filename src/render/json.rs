//! The article's model as JSON (described by `docs/render-v1.schema.json`), and the
//! schema.org JSON-LD the HTML page embeds.

use serde_json::{Map, Value, json};

use super::model::{Article, Entity, Source, status_name};
use super::wikidata_url;
use crate::syntax::{BlockKind, ClaimStatus, Encoding};

/// The version of the JSON output; a change that could break a reader bumps it, and the
/// schema in docs/ with it.
pub const SCHEMA_VERSION: u32 = 1;

fn opt(value: &Option<String>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |v| Value::String(v.clone()))
}

fn entity_json(e: &Entity) -> Value {
    json!({
        "id": e.id,
        "defined": e.defined,
        "name": e.name,
        "kind": opt(&e.kind),
        "role": opt(&e.role),
        "description": opt(&e.description),
        "url": opt(&e.url),
        "wikidata": opt(&e.wikidata),
        "mentions": e.mentions,
    })
}

fn source_json(article: &Article, s: &Source) -> Value {
    json!({
        "id": s.id,
        "number": s.number,
        "title": s.title,
        "by": article.by(s).map_or(Value::Null, |e| json!({"id": e.id, "name": e.name, "defined": e.defined})),
        "url": opt(&s.url),
        "date": opt(&s.date),
        "kind": opt(&s.kind),
        "accessed": opt(&s.accessed),
        "archive": opt(&s.archive),
        "cited": s.cited,
    })
}

pub fn document(article: &Article) -> String {
    let doc = article.doc;
    let other: Map<String, Value> = article
        .other_front_matter
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let claims: Vec<Value> = article
        .claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "id": format!("nm-claim-{}", i + 1),
                "text": c.text,
                "status": c.status.map_or(Value::Null, |s| Value::String(status_name(s).into())),
                "sources": c.sources.iter().map(|&s| article.sources[s].id.clone()).collect::<Vec<_>>(),
                "undefined_sources": c.missing_sources,
                "speakers": c.speakers.iter().map(|&e| article.entities[e].id.clone()).collect::<Vec<_>>(),
                "paragraph": c.block,
            })
        })
        .collect();
    let paragraphs: Vec<Value> = article
        .blocks
        .iter()
        .map(|b| {
            let (kind, level) = match b.kind {
                BlockKind::Heading(level) => ("heading", Some(level)),
                BlockKind::Paragraph => ("paragraph", None),
                BlockKind::ListItem => ("list_item", None),
                BlockKind::TableRow => ("table_row", None),
            };
            let mut p = json!({
                "kind": kind,
                "text": b.text,
                "citations": b.citations.iter().map(|&s| article.sources[s].id.clone()).collect::<Vec<_>>(),
            });
            if let Some(level) = level {
                p["level"] = json!(level);
            }
            p
        })
        .collect();
    let findings: Vec<Value> = article
        .findings
        .iter()
        .map(|d| {
            let at = |offset: usize| {
                let p = doc.line_index.position(&doc.text, offset, Encoding::Utf32);
                (p.line + 1, p.col + 1)
            };
            let (line, column) = at(d.range.start);
            let (end_line, end_column) = at(d.range.end);
            json!({
                "rule": d.rule.id(),
                "severity": d.severity.as_str(),
                "message": d.message,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
            })
        })
        .collect();
    let value = json!({
        "newsmark_render": SCHEMA_VERSION,
        "path": doc.path.display().to_string(),
        "front_matter": {
            "title": opt(&article.title),
            "date": opt(&article.date),
            "updated": opt(&article.updated),
            "byline": opt(&article.byline),
            "desk": opt(&article.desk),
            "status": opt(&article.status),
            "standfirst": opt(&article.standfirst),
            "lang": article.lang,
            "url": opt(&article.url),
            "other": other,
        },
        "sources": article.sources.iter().map(|s| source_json(article, s)).collect::<Vec<_>>(),
        "entities": article.entities.iter().map(entity_json).collect::<Vec<_>>(),
        "claims": claims,
        "paragraphs": paragraphs,
        "findings": findings,
        "errors": article.errors(),
    });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

/// schema.org type of an entity kind.
fn schema_type(kind: Option<&str>) -> &'static str {
    match kind {
        Some("person") => "Person",
        Some("org") | Some("unit") => "Organization",
        Some("place") => "Place",
        Some("event") => "Event",
        Some("work") => "CreativeWork",
        _ => "Thing",
    }
}

fn thing(e: &Entity) -> Value {
    let mut v = json!({
        "@type": schema_type(e.kind.as_deref()),
        "name": e.name,
    });
    if let Some(url) = &e.url {
        v["url"] = json!(url);
    }
    if let Some(wikidata) = e.wikidata.as_deref().and_then(wikidata_url) {
        v["sameAs"] = json!(wikidata);
    }
    if let Some(about) = &e.description {
        v["description"] = json!(about);
    } else if let Some(role) = &e.role {
        v["description"] = json!(role);
    }
    v
}

fn creative_work(article: &Article, s: &Source) -> Value {
    let mut v = json!({"@type": "CreativeWork", "name": s.title});
    if let Some(url) = &s.url {
        v["url"] = json!(url);
    }
    if let Some(date) = &s.date {
        v["datePublished"] = json!(date);
    }
    if let Some(by) = article.by(s) {
        v["publisher"] = thing(by);
    }
    if let Some(archive) = &s.archive {
        v["archivedAt"] = json!(archive);
    }
    v
}

/// Authors from the byline: "A and B", "A, B" are two people.
fn authors(byline: &str) -> Vec<Value> {
    byline
        .split(" and ")
        .flat_map(|part| part.split(','))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| json!({"@type": "Person", "name": name}))
        .collect()
}

/// A verdict as a schema.org rating on a 1 (false) to 5 (true) scale; `reported` and
/// `unverified` are no verdict, so those claims get no ClaimReview.
fn verdict(status: ClaimStatus) -> Option<(u8, &'static str)> {
    match status {
        ClaimStatus::Confirmed => Some((5, "True")),
        ClaimStatus::Disputed => Some((3, "Disputed")),
        ClaimStatus::False => Some((1, "False")),
        ClaimStatus::Reported | ClaimStatus::Unverified => None,
    }
}

/// The JSON-LD of the page: a NewsArticle and a ClaimReview for each claim with a verdict,
/// escaped so that nothing in it can end the `<script>` element it goes in.
pub fn linked_data(article: &Article, headline: &str) -> String {
    let mut news = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
    });
    if let Some(date) = &article.date {
        news["datePublished"] = json!(date);
    }
    if let Some(updated) = &article.updated {
        news["dateModified"] = json!(updated);
    }
    if let Some(byline) = &article.byline {
        news["author"] = json!(authors(byline));
    }
    if let Some(desk) = &article.desk {
        news["articleSection"] = json!(desk);
    }
    if let Some(standfirst) = &article.standfirst {
        news["description"] = json!(standfirst);
    }
    if let Some(url) = &article.url {
        news["url"] = json!(url);
        news["mainEntityOfPage"] = json!(url);
    }
    news["inLanguage"] = json!(article.lang);
    let cited: Vec<Value> = article
        .sources
        .iter()
        .filter(|s| s.cited > 0)
        .map(|s| creative_work(article, s))
        .collect();
    if !cited.is_empty() {
        news["citation"] = json!(cited);
    }
    let mentions: Vec<Value> = article
        .entities
        .iter()
        .filter(|e| e.defined)
        .map(thing)
        .collect();
    if !mentions.is_empty() {
        news["mentions"] = json!(mentions);
    }
    let mut graph = vec![news];
    for (i, claim) in article.claims.iter().enumerate() {
        let Some((value, name)) = claim.status.and_then(verdict) else {
            continue;
        };
        let mut reviewed = json!({"@type": "Claim"});
        if let Some(&speaker) = claim.speakers.first() {
            reviewed["author"] = thing(&article.entities[speaker]);
        }
        let appearances: Vec<Value> = claim
            .sources
            .iter()
            .map(|&s| creative_work(article, &article.sources[s]))
            .collect();
        if let Some(first) = appearances.first() {
            reviewed["firstAppearance"] = first.clone();
            reviewed["appearance"] = json!(appearances);
        }
        let mut review = json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": claim.text,
            "itemReviewed": reviewed,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": value,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": name,
            },
        });
        if let Some(url) = &article.url {
            review["url"] = json!(format!("{url}#nm-claim-{}", i + 1));
        }
        if let Some(date) = &article.date {
            review["datePublished"] = json!(date);
        }
        if let Some(byline) = &article.byline {
            review["author"] = json!(authors(byline));
        }
        graph.push(review);
    }
    let text = serde_json::to_string_pretty(&Value::Array(graph)).unwrap_or_default();
    script_safe(&text)
}

/// JSON that can stand inside a `<script>` element: `<`, `>` and `&` as `\u` escapes (JSON
/// strings mean the same with them), so no `</script>` or `<!--` can appear.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_its_element() {
        let text = serde_json::to_string(&json!({"t": "</script><!-- &"})).unwrap();
        let safe = script_safe(&text);
        assert!(!safe.contains('<') && !safe.contains('>'));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "</script><!-- &");
    }
}
