#!/usr/bin/env python3
"""Reads `newsmark render`'s output with consumers that share no code with newsmark.

Usage: render_consumers.py DIR SCHEMA [--require]

DIR holds NAME.html, NAME.md and NAME.json for the articles tests/render.rs renders (kursk,
constructs, hostile, minimal). Checks:

- every NAME.json validates against SCHEMA (jsonschema, draft 2020-12);
- every NAME.md parses with markdown-it-py (CommonMark plus GFM footnotes) into HTML whose
  text holds no newsmark syntax, whose footnotes are real footnotes, and which carries no
  raw HTML or unsafe link from a hostile article;
- the JSON-LD of kursk.html and constructs.html, read back by extruct, field by field;
- every NAME.html in headless Chromium: the DOM's text holds no newsmark syntax; in the
  hostile page nothing ran (no mark left by any payload, no script but the JSON-LD, no event
  attribute, no unsafe link), also with the page's Content-Security-Policy taken out, so the
  escaping holds on its own; screenshots are kept in DIR as artifacts.

A missing package or browser is a skip with a note, or a failure with --require.
"""

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ARTICLES = ["kursk", "constructs", "hostile", "minimal"]

# What would show newsmark's markup to a reader (as in tests/render.rs).
SYNTAX = re.compile(
    r"""(?m)(^|[\s(\[{"'“‘—–/*_>|])@[A-Za-z0-9]|\]\(\s*@|\]\{|\{\^|status=|\[\^[A-Za-z]"""
    r"""|^\s*\[(@[A-Za-z0-9]|\^[A-Za-z])[A-Za-z0-9_-]*\]:|newsmark-disable|kind: (org|person|place|official)"""
)

failures = []
passed = []
skipped = []


def check(name, condition, detail=""):
    if condition:
        passed.append(name)
    else:
        failures.append(f"{name}: {detail}")


class Dom(HTMLParser):
    """Elements with their attributes, and the text outside code, scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.text = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("code", "pre", "script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("code", "pre", "script", "style", "title"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


def dom(html):
    parser = Dom()
    parser.feed(html)
    return parser


UNSAFE_TARGET = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.I)


def no_active_content(name, html, allow_ld_json, hostile):
    parsed = dom(html)
    for tag, attrs in parsed.elements:
        if tag == "script":
            ok = allow_ld_json and attrs.get("type") == "application/ld+json"
            check(f"{name}: only the JSON-LD is a script", ok, f"<script {attrs}>")
        check(
            f"{name}: no element the article wrote",
            not hostile or tag not in ("img", "iframe", "svg", "object", "embed", "form", "base", "div"),
            f"<{tag} {attrs}>",
        )
        for key, value in attrs.items():
            check(f"{name}: no event attribute", not key.startswith("on"), f"<{tag} {key}={value!r}>")
            if key in ("href", "src", "action", "formaction", "xlink:href"):
                check(f"{name}: no unsafe link", not UNSAFE_TARGET.match(value or ""), f"{key}={value!r}")
        if tag == "body":
            check(f"{name}: no payload ran", not any(k.startswith("data-pwned") for k in attrs), str(attrs))
    return parsed


# --- JSON against the schema -------------------------------------------------------------


def json_schema(directory, schema_path):
    try:
        import jsonschema
    except ImportError:
        return "jsonschema"
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for name in ARTICLES:
        data = json.loads((directory / f"{name}.json").read_text())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        check(f"{name}.json matches the schema", not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5]))
    kursk = json.loads((directory / "kursk.json").read_text())
    check("kursk.json: four sources", [s["number"] for s in kursk["sources"]] == [1, 2, 3, 4])
    check("kursk.json: two claims", [c["status"] for c in kursk["claims"]] == ["reported", "unverified"])
    check("kursk.json: the claim's speaker", kursk["claims"][0]["speakers"] == ["blinken"])
    return None


# --- Markdown through markdown-it-py -----------------------------------------------------


def markdown(directory):
    try:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.footnote import footnote_plugin
    except ImportError:
        return "markdown-it-py and mdit-py-plugins"
    md = MarkdownIt("commonmark").use(footnote_plugin)
    expected_notes = {"kursk": 4, "constructs": 2, "hostile": 1, "minimal": 0}
    for name in ARTICLES:
        html = md.render((directory / f"{name}.md").read_text())
        parsed = no_active_content(f"{name}.md via markdown-it", html, allow_ld_json=False, hostile=name == "hostile")
        text = "".join(parsed.text)
        found = SYNTAX.search(text)
        check(f"{name}.md: no newsmark syntax", not found, found and text[max(0, found.start() - 40) : found.end() + 20])
        notes = [a for t, a in parsed.elements if t == "li" and "footnote-item" in (a.get("class") or "")]
        check(f"{name}.md: footnotes are footnotes", len(notes) == expected_notes[name], f"{len(notes)} footnotes")
        refs = [a for t, a in parsed.elements if t == "sup" and "footnote-ref" in (a.get("class") or "")]
        check(f"{name}.md: every citation a footnote reference", (len(refs) > 0) == (expected_notes[name] > 0), f"{len(refs)} refs")
    kursk = md.render((directory / "kursk.md").read_text())
    check("kursk.md: the headline is the h1", "<h1>North Korean soldiers captured in Ukraine Kursk clash</h1>" in kursk)
    check("kursk.md: mentions are links", '<a href="https://www.wikidata.org/wiki/Q8684">Seoul</a>' in kursk)
    return None


# --- JSON-LD through extruct -------------------------------------------------------------


def linked_data(directory):
    try:
        import extruct
    except ImportError:
        return "extruct"

    def items(name):
        data = extruct.extract((directory / f"{name}.html").read_text(), syntaxes=["json-ld"], uniform=True)
        return data["json-ld"]

    kursk = items("kursk")
    article = [i for i in kursk if i.get("@type") == "NewsArticle"]
    check("kursk: one NewsArticle", len(article) == 1, str(kursk)[:300])
    if article:
        a = article[0]
        check("kursk: headline", a.get("headline") == "North Korean soldiers captured in Ukraine Kursk clash")
        check("kursk: datePublished", a.get("datePublished") == "2025-01-12")
        check("kursk: author", a.get("author") == [{"@type": "Person", "name": "Staff reporter"}], str(a.get("author")))
        check("kursk: articleSection", a.get("articleSection") == "world")
        citations = a.get("citation", [])
        check("kursk: four citations, all CreativeWork", [c.get("@type") for c in citations] == ["CreativeWork"] * 4)
        by_name = {c["name"]: c for c in citations}
        ssu = by_name.get("Security Service of Ukraine, communiqué on the capture of two North Korean soldiers", {})
        check("kursk: citation url", ssu.get("url") == "https://ssu.gov.ua/novyny", str(ssu))
        check("kursk: citation date", ssu.get("datePublished") == "2025-01-11")
        check(
            "kursk: citation publisher",
            ssu.get("publisher", {}).get("@type") == "Organization"
            and ssu.get("publisher", {}).get("name") == "Security Service of Ukraine"
            and ssu.get("publisher", {}).get("url") == "https://ssu.gov.ua/",
            str(ssu.get("publisher")),
        )
        micek = by_name.get("Artur Micek, identification of the soldiers in the recording as North Korean", {})
        check("kursk: a citation without url has none", "url" not in micek and micek.get("publisher", {}).get("@type") == "Person")
        mentions = {m["name"]: m for m in a.get("mentions", [])}
        check("kursk: 18 entities mentioned", len(mentions) == 18, str(sorted(mentions)))
        check("kursk: Seoul is a Place with its Wikidata item", mentions.get("Seoul", {}).get("@type") == "Place" and mentions["Seoul"].get("sameAs") == "https://www.wikidata.org/wiki/Q8684")
        check("kursk: Blinken is a Person", mentions.get("Antony Blinken", {}).get("@type") == "Person")
        check("kursk: the SSU is an Organization with its url", mentions.get("Security Service of Ukraine", {}).get("@type") == "Organization" and mentions["Security Service of Ukraine"].get("url") == "https://ssu.gov.ua/")
    check("kursk: no ClaimReview (reported and unverified are no verdicts)", not [i for i in kursk if i.get("@type") == "ClaimReview"])

    constructs = items("constructs")
    reviews = [i for i in constructs if i.get("@type") == "ClaimReview"]
    check("constructs: three ClaimReviews", len(reviews) == 3, str(constructs)[:300])
    if len(reviews) == 3:
        ratings = [(r["reviewRating"]["alternateName"], r["reviewRating"]["ratingValue"]) for r in reviews]
        check("constructs: ratings", ratings == [("True", 5), ("False", 1), ("Disputed", 3)], str(ratings))
        first = reviews[0]
        check("constructs: claimReviewed", first.get("claimReviewed") == "the war has cost at least a thousand lives", first.get("claimReviewed"))
        check("constructs: review url", first.get("url") == "https://news.example.org/world/two-soldiers#nm-claim-1")
        check("constructs: claim author", first["itemReviewed"].get("author", {}).get("name") == "Antony Blinken")
        check("constructs: claim appearance", first["itemReviewed"].get("firstAppearance", {}).get("url") == "https://state.gov/remarks")
        check("constructs: Rating type and scale", first["reviewRating"].get("@type") == "Rating" and first["reviewRating"].get("bestRating") == 5 and first["reviewRating"].get("worstRating") == 1)
    news = [i for i in constructs if i.get("@type") == "NewsArticle"]
    if news:
        n = news[0]
        check("constructs: two authors", [p["name"] for p in n.get("author", [])] == ["Ana Costa", "Ben Li"])
        check("constructs: dateModified", n.get("dateModified") == "2025-01-13")
        check("constructs: url", n.get("url") == "https://news.example.org/world/two-soldiers")
        check("constructs: the unsafe entity url is dropped", all("javascript" not in json.dumps(m) for m in n.get("mentions", [])))

    hostile = items("hostile")
    check("hostile: the JSON-LD survives intact", hostile and hostile[0].get("headline") == "</script><script>document.body.dataset.pwned='title'</script>", str(hostile)[:200])
    return None


# --- The pages in headless Chromium ------------------------------------------------------


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_chromium(binary, args):
    base = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--virtual-time-budget=3000"]
    result = subprocess.run(base + args, capture_output=True, text=True, timeout=120)
    return result.stdout


def browser(directory):
    binary = chromium_binary()
    if not binary:
        return "chromium"
    for name in ARTICLES:
        page = directory / f"{name}.html"
        variants = [(name, page)]
        if name == "hostile":
            # The same page without its CSP: escaping alone must keep every payload inert.
            bare = directory / "hostile-without-csp.html"
            html = page.read_text()
            html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", html)
            check("hostile: the CSP was there to remove", html != page.read_text())
            bare.write_text(html)
            variants.append(("hostile-without-csp", bare))
        for label, path in variants:
            dumped = run_chromium(binary, ["--dump-dom", path.resolve().as_uri()])
            check(f"{label}: Chromium loaded the page", "</html>" in dumped, dumped[:200])
            parsed = no_active_content(f"{label} in Chromium", dumped, allow_ld_json=True, hostile=name == "hostile")
            text = "".join(parsed.text)
            if name != "constructs" and name != "hostile":
                found = SYNTAX.search(text)
                check(f"{label}: no newsmark syntax in the DOM text", not found, found and text[max(0, found.start() - 40) : found.end() + 20])
            if name == "hostile":
                check(f"{label}: the title was not rewritten", "PWNED" not in dumped.split("</title>")[0].split("<title>")[-1])
                check(f"{label}: no payload left a mark", "data-pwned" not in dumped)
            if name == "constructs":
                # Markup written about inside code is the article's own text.
                found = SYNTAX.search(text)
                check(f"{label}: no newsmark syntax outside code", not found, found and text[max(0, found.start() - 40) : found.end() + 20])
            run_chromium(binary, ["--window-size=1000,2200", f"--screenshot={directory / (label + '.png')}", path.resolve().as_uri()])
            check(f"{label}: screenshot kept", (directory / f"{label}.png").exists())
    return None


def main():
    directory = Path(sys.argv[1])
    schema = Path(sys.argv[2])
    require = "--require" in sys.argv[3:]
    for step in (lambda: json_schema(directory, schema), lambda: markdown(directory), lambda: linked_data(directory), lambda: browser(directory)):
        missing = step()
        if missing:
            skipped.append(missing)
    for name in skipped:
        note = f"render consumers: {name} is not installed (pip install -r tests/requirements.txt; apt-get install chromium)"
        if require:
            failures.append(note)
        else:
            print(f"skipped: {note}")
    for failure in failures:
        print(f"FAILED {failure}")
    print(f"render consumers: {len(passed)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
