//! A standalone, accessible HTML5 page: headline, byline and date from the front matter, the
//! prose through pulldown-cmark, mentions as names (linked where the entity has a page),
//! citations as note references to a Sources list and back, claim spans marked with their
//! status, schema.org JSON-LD in the head, and a print stylesheet.
//!
//! The annotations are taken out of the source before pulldown-cmark reads it and replaced by
//! placeholders (private-use characters around an edit's index) that the Markdown parser
//! passes through as text; the renderer puts the annotation's HTML in their place. Raw HTML
//! in the article is shown as text, never passed through.

use std::fmt::Write;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd, TextMergeStream};

use super::model::{
    Article, Entity, PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN, Piece, Source, is_placeholder_char,
    options, status_name, strip_comments,
};
use super::{escape_html, escaped, json, long_date, safe_url};
use crate::syntax::TextRange;

const STYLE: &str = include_str!("page.css");

/// The article's prose as Markdown with a placeholder for each annotation.
fn marked_source(article: &Article) -> String {
    let text = article.text();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    article.rewrite(
        TextRange::new(0, text.len()),
        &mut out,
        |out, index, piece| {
            if piece != Piece::Remove {
                out.push(PLACEHOLDER_OPEN);
                let _ = write!(out, "{index}");
                out.push(PLACEHOLDER_CLOSE);
            }
        },
    );
    out
}

struct Writer<'a, 'b> {
    article: &'b Article<'a>,
    /// Inside an ordinary link, where a mention or note reference cannot be a link itself.
    links: usize,
    /// Inside an image, whose text is its alt text.
    images: usize,
    /// For each open link or image: whether it was kept (its target is safe).
    kept: Vec<bool>,
    in_html_block: bool,
    html_block: String,
    in_comment: bool,
    header: Header,
    title: String,
}

/// Where the page's header stands: it opens with the first visible block, which is the
/// headline when it is a `#` heading, and closes after the byline.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Header {
    Pending,
    InHeadline,
    Done,
}

fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::HtmlBlock
    )
}

impl Writer<'_, '_> {
    /// The header made from the front matter, when the article does not open with a headline;
    /// nothing once the header is written.
    fn header_before_block(&mut self) -> String {
        let mut out = String::new();
        if self.header == Header::Pending {
            self.header = Header::Done;
            let _ = writeln!(
                out,
                "<header class=\"nm-header\">\n<h1>{}</h1>",
                escaped(&self.title)
            );
            header_rest(self.article, &mut out);
        }
        out
    }

    fn entity_attrs(&self, out: &mut String, e: &Entity) {
        out.push_str(" data-entity=\"");
        escape_html(out, &e.id);
        out.push('"');
        if let Some(kind) = &e.kind {
            out.push_str(" data-kind=\"");
            escape_html(out, kind);
            out.push('"');
        }
        if let Some(about) = e.about() {
            out.push_str(" title=\"");
            escape_html(out, &format!("{}: {about}", e.name));
            out.push('"');
        }
    }

    fn mention_open(&self, out: &mut String, i: usize) {
        let Some(e) = self.article.mention(i) else {
            return;
        };
        let class = if e.defined {
            "nm-mention"
        } else {
            "nm-mention nm-undefined"
        };
        match e.link().filter(|_| self.links == 0) {
            Some(url) => {
                let _ = write!(out, "<a class=\"{class}\" href=\"{}\"", escaped(&url));
                self.entity_attrs(out, e);
                out.push('>');
            }
            None => {
                let _ = write!(out, "<span class=\"{class}\"");
                self.entity_attrs(out, e);
                out.push('>');
            }
        }
    }

    fn mention_close(&self, out: &mut String, i: usize) {
        if let Some(e) = self.article.mention(i) {
            let linked = e.link().is_some() && self.links == 0;
            out.push_str(if linked { "</a>" } else { "</span>" });
        }
    }

    fn note_ref(&self, out: &mut String, citation: usize) {
        let syntax = &self.article.doc.syntax;
        match self.article.citation_source[citation] {
            Some((s, occurrence)) => {
                let source = &self.article.sources[s];
                let n = source.number;
                let tip = escaped(&source_summary(self.article, source));
                if self.links == 0 {
                    let _ = write!(
                        out,
                        "<sup class=\"nm-cite\" data-source=\"{}\"><a href=\"#nm-source-{n}\" id=\"nm-ref-{n}-{occurrence}\" role=\"doc-noteref\" title=\"{tip}\" aria-label=\"Source {n}\">[{n}]</a></sup>",
                        escaped(&source.id)
                    );
                } else {
                    let _ = write!(
                        out,
                        "<sup class=\"nm-cite\" data-source=\"{}\" title=\"{tip}\">[{n}]</sup>",
                        escaped(&source.id)
                    );
                }
            }
            None => {
                let id = escaped(&syntax.citations[citation].id);
                let _ = write!(
                    out,
                    "<sup class=\"nm-cite nm-undefined\" data-source=\"{id}\" title=\"No source “{id}” is defined\">[?]</sup>"
                );
            }
        }
    }

    fn claim_open(&self, out: &mut String, i: usize) {
        let claim = &self.article.claims[i];
        let status = claim.status.map(status_name);
        let _ = write!(out, "<span class=\"nm-claim\" id=\"nm-claim-{}\"", i + 1);
        if let Some(status) = status {
            let _ = write!(out, " data-status=\"{status}\"");
        }
        if !claim.sources.is_empty() {
            let ids: Vec<&str> = claim
                .sources
                .iter()
                .map(|&s| self.article.sources[s].id.as_str())
                .collect();
            let _ = write!(out, " data-sources=\"{}\"", escaped(&ids.join(" ")));
        }
        if !claim.speakers.is_empty() {
            let ids: Vec<&str> = claim
                .speakers
                .iter()
                .map(|&e| self.article.entities[e].id.as_str())
                .collect();
            let _ = write!(out, " data-speakers=\"{}\"", escaped(&ids.join(" ")));
        }
        let _ = write!(
            out,
            " title=\"{}\"><span class=\"nm-claim-text\">",
            escaped(&claim_tooltip(self.article, i))
        );
    }

    fn claim_close(&self, out: &mut String, i: usize) {
        let claim = &self.article.claims[i];
        let label = claim.status.map_or("claim", status_name);
        let _ = write!(
            out,
            "</span> <span class=\"nm-claim-status\">({label})</span>"
        );
        for &c in &claim.citations {
            self.note_ref(out, c);
        }
        out.push_str("</span>");
    }

    /// Escapes `text`, putting each placeholder's HTML in its place.
    fn expand(&self, out: &mut String, text: &str) {
        let mut rest = text;
        while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
            escape_html(out, &rest[..open]);
            rest = &rest[open + PLACEHOLDER_OPEN.len_utf8()..];
            let Some(close) = rest.find(PLACEHOLDER_CLOSE) else {
                break;
            };
            if let Some(edit) = rest[..close]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.article.edits.get(i))
            {
                match edit.piece {
                    Piece::Remove => {}
                    Piece::Mention(i) => {
                        self.mention_open(out, i);
                        if let Some(e) = self.article.mention(i) {
                            escape_html(out, &e.name);
                        }
                        self.mention_close(out, i);
                    }
                    Piece::MentionOpen(i) => self.mention_open(out, i),
                    Piece::MentionClose(i) => self.mention_close(out, i),
                    Piece::Cite(c) => self.note_ref(out, c),
                    Piece::ClaimOpen(i) => self.claim_open(out, i),
                    Piece::ClaimClose(i) => self.claim_close(out, i),
                }
            }
            rest = &rest[close + PLACEHOLDER_CLOSE.len_utf8()..];
        }
        escape_html(out, &rest.replace(is_placeholder_char, ""));
    }

    fn map<'e>(&mut self, event: Event<'e>) -> Vec<Event<'e>> {
        let html = |s: String| Event::InlineHtml(CowStr::from(s));
        if self.in_html_block {
            return match event {
                Event::Html(raw) | Event::InlineHtml(raw) | Event::Text(raw) => {
                    self.html_block.push_str(&raw);
                    Vec::new()
                }
                Event::End(TagEnd::HtmlBlock) => {
                    self.in_html_block = false;
                    let raw = std::mem::take(&mut self.html_block);
                    let kept = strip_comments(&raw, &mut self.in_comment);
                    self.in_comment = false;
                    if kept.trim().is_empty() {
                        return Vec::new();
                    }
                    let mut out = self.header_before_block();
                    out.push_str("<p class=\"nm-raw\">");
                    self.expand(&mut out, kept.trim_end());
                    out.push_str("</p>\n");
                    vec![Event::Html(CowStr::from(out))]
                }
                _ => Vec::new(),
            };
        }
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.in_html_block = true;
                Vec::new()
            }
            Event::Text(text) if self.images == 0 => {
                let mut out = String::with_capacity(text.len());
                self.expand(&mut out, &text);
                vec![html(out)]
            }
            Event::Text(text) => vec![Event::Text(CowStr::from(
                text.replace(is_placeholder_char, ""),
            ))],
            Event::Code(code) => vec![Event::Code(CowStr::from(
                code.replace(is_placeholder_char, ""),
            ))],
            // Inline HTML is shown as the text it is; comments are the writer's notes.
            Event::InlineHtml(raw) | Event::Html(raw) => {
                let kept = strip_comments(&raw, &mut self.in_comment);
                if kept.is_empty() {
                    return Vec::new();
                }
                let mut out = String::new();
                self.expand(&mut out, &kept);
                vec![html(out)]
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = safe_url(&dest_url).is_some() && self.links == 0;
                self.kept.push(ok);
                if ok {
                    self.links += 1;
                    vec![Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })]
                } else {
                    Vec::new()
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let ok = safe_url(&dest_url).is_some();
                self.kept.push(ok);
                if ok {
                    self.images += 1;
                    vec![Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    })]
                } else {
                    Vec::new()
                }
            }
            Event::End(TagEnd::Link) => {
                if self.kept.pop() == Some(true) {
                    self.links -= 1;
                    vec![Event::End(TagEnd::Link)]
                } else {
                    Vec::new()
                }
            }
            Event::End(TagEnd::Image) => {
                if self.kept.pop() == Some(true) {
                    self.images -= 1;
                    vec![Event::End(TagEnd::Image)]
                } else {
                    Vec::new()
                }
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) if self.header == Header::Pending => {
                self.header = Header::InHeadline;
                vec![
                    Event::Html(CowStr::from("<header class=\"nm-header\">\n")),
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H1,
                        id,
                        classes,
                        attrs,
                    }),
                ]
            }
            Event::Start(tag) if self.header == Header::Pending && is_block(&tag) => {
                vec![
                    Event::Html(CowStr::from(self.header_before_block())),
                    Event::Start(tag),
                ]
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if self.header == Header::InHeadline => {
                self.header = Header::Done;
                let mut after = String::new();
                header_rest(self.article, &mut after);
                vec![
                    Event::End(TagEnd::Heading(HeadingLevel::H1)),
                    Event::Html(CowStr::from(after)),
                ]
            }
            other => vec![other],
        }
    }
}

/// Title, by, date and kind of a source, for tooltips.
fn source_summary(article: &Article, source: &Source) -> String {
    let mut parts = vec![source.title.clone()];
    if let Some(by) = article.by(source) {
        parts.push(by.name.clone());
    }
    if let Some(date) = &source.date {
        parts.push(long_date(date));
    }
    if let Some(kind) = &source.kind {
        parts.push(kind.clone());
    }
    parts.join(", ")
}

fn claim_tooltip(article: &Article, i: usize) -> String {
    let claim = &article.claims[i];
    let mut tip = match claim.status {
        Some(status) => format!("Claim, {}", status_name(status)),
        None => "Claim".to_string(),
    };
    if !claim.speakers.is_empty() {
        let names: Vec<&str> = claim
            .speakers
            .iter()
            .map(|&e| article.entities[e].name.as_str())
            .collect();
        let _ = write!(tip, "; made by {}", names.join(", "));
    }
    for &s in &claim.sources {
        let source = &article.sources[s];
        let _ = write!(
            tip,
            "; source [{}] {}",
            source.number,
            source_summary(article, source)
        );
    }
    tip
}

/// The byline, the notices and the standfirst, which follow the headline.
fn header_rest(article: &Article, out: &mut String) {
    let mut parts = Vec::new();
    if let Some(by) = &article.byline {
        parts.push(format!(
            "<span class=\"nm-author\">By {}</span>",
            escaped(by)
        ));
    }
    if let Some(date) = &article.date {
        parts.push(format!(
            "<time class=\"nm-date\" datetime=\"{}\">{}</time>",
            escaped(date),
            escaped(&long_date(date))
        ));
    }
    if let Some(updated) = &article.updated {
        parts.push(format!(
            "<span class=\"nm-updated\">Updated <time datetime=\"{}\">{}</time></span>",
            escaped(updated),
            escaped(&long_date(updated))
        ));
    }
    if let Some(desk) = &article.desk {
        parts.push(format!("<span class=\"nm-desk\">{}</span>", escaped(desk)));
    }
    if !parts.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"nm-byline\">{}</p>",
            parts.join(" <span aria-hidden=\"true\">·</span> ")
        );
    }
    if let Some(status) = article
        .status
        .as_deref()
        .filter(|s| *s == "draft" || *s == "review")
    {
        let _ = writeln!(
            out,
            "<p class=\"nm-notice nm-status\" role=\"note\" data-status=\"{0}\">Status: {0}. Not for publication.</p>",
            escaped(status)
        );
    }
    let errors = article.errors();
    if errors > 0 {
        let _ = writeln!(
            out,
            "<p class=\"nm-notice nm-errors\" role=\"note\" data-errors=\"{errors}\">newsmark check found {errors} error{} in this draft.</p>",
            if errors == 1 { "" } else { "s" }
        );
    }
    if let Some(standfirst) = &article.standfirst {
        let _ = writeln!(
            out,
            "<p class=\"nm-standfirst\">{}</p>",
            escaped(standfirst)
        );
    }
    out.push_str("</header>\n");
}

fn sources_list(article: &Article, out: &mut String) {
    if article.sources.is_empty() {
        return;
    }
    out.push_str(
        "<section class=\"nm-sources\" aria-labelledby=\"nm-sources-heading\">\n<h2 id=\"nm-sources-heading\">Sources</h2>\n<ol>\n",
    );
    for source in &article.sources {
        let n = source.number;
        let _ = write!(
            out,
            "<li id=\"nm-source-{n}\" class=\"nm-source\" data-source=\"{}\"",
            escaped(&source.id)
        );
        if let Some(kind) = &source.kind {
            let _ = write!(out, " data-kind=\"{}\"", escaped(kind));
        }
        out.push('>');
        let _ = write!(
            out,
            "<cite class=\"nm-source-title\">{}</cite>",
            escaped(&source.title)
        );
        if let Some(by) = article.by(source) {
            out.push_str(", <span class=\"nm-source-by\">");
            match by.link() {
                Some(url) => {
                    let _ = write!(
                        out,
                        "<a href=\"{}\">{}</a>",
                        escaped(&url),
                        escaped(&by.name)
                    );
                }
                None => escape_html(out, &by.name),
            }
            out.push_str("</span>");
        }
        if let Some(date) = &source.date {
            let _ = write!(
                out,
                ", <time class=\"nm-source-date\" datetime=\"{}\">{}</time>",
                escaped(date),
                escaped(&long_date(date))
            );
        }
        if let Some(kind) = &source.kind {
            let _ = write!(
                out,
                ", <span class=\"nm-source-kind\">{}</span>",
                escaped(kind)
            );
        }
        out.push('.');
        if let Some(url) = &source.url {
            let _ = write!(
                out,
                " <a class=\"nm-source-url\" href=\"{0}\">{0}</a>",
                escaped(url)
            );
        }
        if let Some(archive) = &source.archive {
            let _ = write!(
                out,
                " <a class=\"nm-source-archive\" href=\"{}\">(archived copy)</a>",
                escaped(archive)
            );
        }
        if source.cited > 0 {
            out.push_str(" <span class=\"nm-backrefs\">");
            for k in 1..=source.cited {
                let _ = write!(
                    out,
                    "<a href=\"#nm-ref-{n}-{k}\" role=\"doc-backlink\" aria-label=\"Back to reference {n}, {k} of {}\">↩{}</a>",
                    source.cited,
                    if source.cited > 1 {
                        format!("<sup>{k}</sup>")
                    } else {
                        String::new()
                    }
                );
                if k < source.cited {
                    out.push(' ');
                }
            }
            out.push_str("</span>");
        } else {
            out.push_str(" <span class=\"nm-uncited\">(not cited in the text)</span>");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</section>\n");
}

/// The whole page.
pub fn page(article: &Article) -> String {
    let source = marked_source(article);
    let events = TextMergeStream::new(Parser::new_ext(&source, options()));
    let title = article
        .title
        .clone()
        .or_else(|| {
            article
                .blocks
                .iter()
                .find(|b| matches!(b.kind, crate::syntax::BlockKind::Heading(1)))
                .map(|b| b.text.clone())
        })
        .unwrap_or_else(|| "Untitled article".to_string());

    let mut out = String::with_capacity(source.len() * 2 + 8192);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        escaped(&article.lang)
    );
    // The page runs no script at all: the JSON-LD is data, not script.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"newsmark\">\n");
    let _ = writeln!(out, "<title>{}</title>", escaped(&title));
    if let Some(standfirst) = &article.standfirst {
        let _ = writeln!(
            out,
            "<meta name=\"description\" content=\"{}\">",
            escaped(standfirst)
        );
    }
    if let Some(url) = &article.url {
        let _ = writeln!(out, "<link rel=\"canonical\" href=\"{}\">", escaped(url));
    }
    let _ = write!(out, "<style>\n{STYLE}</style>\n");
    let _ = write!(
        out,
        "<script type=\"application/ld+json\">\n{}\n</script>\n",
        json::linked_data(article, &title)
    );
    out.push_str("</head>\n<body>\n<main>\n<article class=\"nm-article\">\n");
    let mut writer = Writer {
        article,
        links: 0,
        images: 0,
        kept: Vec::new(),
        in_html_block: false,
        html_block: String::new(),
        in_comment: false,
        header: Header::Pending,
        title,
    };
    let mapped = events.flat_map(|event| writer.map(event));
    pulldown_cmark::html::push_html(&mut out, mapped);
    out.push_str(&writer.header_before_block());
    sources_list(article, &mut out);
    out.push_str("</article>\n</main>\n</body>\n</html>\n");
    out
}
