//! Plain CommonMark with GFM footnotes: what any CMS or static site generator that takes
//! Markdown can publish. The prose is kept as written; only the annotations change (mentions
//! become names or links, claim spans their text, citations numbered footnotes), then a second
//! pass over the result with a CommonMark parser makes it safe: raw HTML is escaped, comments
//! dropped, and links to anything but http, https or mailto become their text.

use std::fmt::Write;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::model::{Article, Piece, Source, options, strip_comments};
use super::{escape_markdown as escape_into, long_date, safe_url};

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// A link destination CommonMark reads back as written: `<…>` when it holds spaces or
/// parentheses would confuse it (a safe URL has no spaces; `<`, `>` are escaped).
fn destination(url: &str) -> String {
    let mut out = String::from("<");
    for c in url.chars() {
        match c {
            '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('>');
    out
}

fn footnote_body(article: &Article, source: &Source) -> String {
    let mut parts = vec![escaped(&source.title)];
    if let Some(by) = article.by(source) {
        parts.push(match by.link() {
            Some(url) => format!("[{}]({})", escaped(&by.name), destination(&url)),
            None => escaped(&by.name),
        });
    }
    if let Some(date) = &source.date {
        parts.push(escaped(&long_date(date)));
    }
    if let Some(kind) = &source.kind {
        parts.push(escaped(kind));
    }
    let mut body = parts.join(", ");
    body.push('.');
    if let Some(url) = &source.url {
        let _ = write!(body, " {}", destination(url));
    }
    if let Some(archive) = &source.archive {
        let _ = write!(body, " (archived: {})", destination(archive));
    }
    body
}

/// Where the article's ordinary links stand (not link mentions, whose target starts with
/// `@`): a mention inside one cannot become a link itself, as CommonMark has no nested links.
fn ordinary_links(text: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) if !dest_url.trim_start().starts_with('@') => {
                Some(range)
            }
            _ => None,
        })
        .collect()
}

/// The article with its annotations resolved, before the safety pass.
fn body(article: &Article) -> String {
    let text = article.text();
    let links = ordinary_links(text);
    let in_link = |mention: usize| {
        let at = article.doc.syntax.mentions[mention].range.start;
        let after = links.partition_point(|r| r.start <= at);
        links[..after].iter().rev().take(4).any(|r| r.contains(&at))
    };
    let link_of = |mention: usize| {
        article
            .mention(mention)
            .and_then(|e| e.link())
            .filter(|_| !in_link(mention))
    };
    let mut out = String::with_capacity(text.len());
    let cite = |out: &mut String, citation: usize| {
        if let Some((s, _)) = article.citation_source[citation] {
            let _ = write!(out, "[^{}]", article.sources[s].number);
        }
    };
    article.rewrite(
        crate::syntax::TextRange::new(0, text.len()),
        &mut out,
        |out, _, piece| match piece {
            Piece::Remove => {}
            Piece::Mention(i) => {
                if let Some(e) = article.mention(i) {
                    match link_of(i) {
                        Some(url) => {
                            let _ = write!(out, "[{}]({})", escaped(&e.name), destination(&url));
                        }
                        None => escape_into(out, &e.name),
                    }
                }
            }
            Piece::MentionOpen(i) => {
                if link_of(i).is_some() {
                    out.push('[');
                }
            }
            Piece::MentionClose(i) => {
                if let Some(url) = link_of(i) {
                    let _ = write!(out, "]({})", destination(&url));
                }
            }
            Piece::Cite(c) => cite(out, c),
            Piece::ClaimOpen(_) => {}
            Piece::ClaimClose(i) => {
                for &c in &article.claims[i].citations {
                    cite(out, c);
                }
            }
        },
    );
    out
}

/// Raw HTML escaped, comments dropped, unsafe links and images replaced by their text.
fn make_safe(markdown: &str) -> String {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    // Unsafe links and images being replaced: where they started, and their text so far.
    let mut unsafe_open: Vec<(usize, String)> = Vec::new();
    let mut depth_kept: Vec<bool> = Vec::new();
    let mut in_comment = false;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let ok = safe_url(&dest_url).is_some() && unsafe_open.is_empty();
                depth_kept.push(ok);
                if !ok && unsafe_open.is_empty() {
                    unsafe_open.push((range.start, String::new()));
                    edits.push((range, String::new()));
                } else if !ok {
                    unsafe_open.push((range.start, String::new()));
                }
            }
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image)
                if depth_kept.pop() == Some(false) =>
            {
                let (_, text) = unsafe_open.pop().unwrap_or_default();
                match unsafe_open.last_mut() {
                    Some((_, outer)) => outer.push_str(&text),
                    None => {
                        if let Some(last) = edits.last_mut() {
                            last.1 = escaped(&text);
                        }
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = unsafe_open.last_mut() {
                    text.push_str(&t);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) if unsafe_open.is_empty() => {
                let raw = &markdown[range.clone()];
                let kept = strip_comments(raw, &mut in_comment);
                edits.push((range, kept.replace('<', "&lt;")));
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(markdown.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    out
}

fn byline(article: &Article) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(by) = &article.byline {
        parts.push(format!("By {}", escaped(by)));
    }
    if let Some(date) = &article.date {
        parts.push(escaped(&long_date(date)));
    }
    if let Some(updated) = &article.updated {
        parts.push(format!("updated {}", escaped(&long_date(updated))));
    }
    (!parts.is_empty()).then(|| format!("*{}*", parts.join(" · ")))
}

pub fn document(article: &Article) -> String {
    let body = make_safe(&body(article));
    let body = collapse_blank_lines(body.trim_start_matches(['\n', '\r']));
    let mut header = String::new();
    if let Some(line) = byline(article) {
        header.push_str(&line);
        header.push_str("\n\n");
    }
    if let Some(standfirst) = &article.standfirst {
        let _ = write!(header, "**{}**\n\n", escaped(standfirst));
    }
    let first = Parser::new_ext(&body, options()).into_offset_iter().next();
    let mut out = String::with_capacity(body.len() + 1024);
    match first {
        // The article opens with its headline: the byline goes under it.
        Some((
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }),
            range,
        )) => {
            let end = body[range.end..]
                .find('\n')
                .map_or(body.len(), |at| range.end + at + 1)
                .max(range.end);
            out.push_str(body[..end].trim_end());
            out.push_str("\n\n");
            out.push_str(&header);
            out.push_str(body[end..].trim_start_matches(['\n', '\r']));
        }
        _ => {
            if let Some(title) = &article.title {
                let _ = write!(out, "# {}\n\n", escaped(title));
            }
            out.push_str(&header);
            out.push_str(&body);
        }
    }
    let mut out = out.trim_end().to_string();
    out.push('\n');
    let cited: Vec<&Source> = article.sources.iter().filter(|s| s.cited > 0).collect();
    if !cited.is_empty() {
        out.push('\n');
        for source in cited {
            let _ = writeln!(
                out,
                "[^{}]: {}",
                source.number,
                footnote_body(article, source)
            );
        }
    }
    out
}

/// Removed definitions and comments leave runs of blank lines; one is enough. Blank lines
/// inside fenced code are the code's own and stay.
fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    let mut fence: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = marker {
            let run = trimmed.chars().take_while(|&x| x == c).count();
            if run >= 3 {
                fence = match fence {
                    None => Some((c, run)),
                    Some((open, len))
                        if open == c && run >= len && trimmed[run..].trim().is_empty() =>
                    {
                        None
                    }
                    other => other,
                };
            }
        }
        if fence.is_none() && line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
        }
    }
    out
}
