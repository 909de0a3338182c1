#!/usr/bin/env python3
"""Generates a benchmark corpus of news-like annotated articles.

    python3 bench/gen_corpus.py OUT_DIR [--files 10000] [--single-mb 10] [--dense]

Writes OUT_DIR/corpus/ (registry files plus FILES articles of about 10.5 KB each, so 10,000
files make a little over 100 MB) and OUT_DIR/single/single.news (one article of SINGLE_MB
megabytes with its own entity definitions, alone in its directory so it is its own workspace). Deterministic: the same arguments give the same bytes.

--dense writes an archive of unannotated copy instead: the same prose without citations,
source definitions or claim-span sources, so that most numbers and quotations are findings
(about one per 140 bytes), as in a newsroom's archive before adoption.
"""

import argparse
import os
import random
import re

FIRST = ["Anna", "Oleh", "Maria", "Jan", "Kim", "Lee", "Artur", "Sofia", "Ivan", "Chen",
         "Olena", "Pavel", "Marta", "Yuki", "Omar", "Lena", "Tomas", "Iryna", "Dmytro", "Ewa"]
LAST = ["Kovalenko", "Nowak", "Park", "Smith", "Micek", "Shevchenko", "Novak", "Tanaka",
        "Haddad", "Schmidt", "Bondar", "Lis", "Moreau", "Rossi", "Ivanova", "Kowalski"]
ORGS = ["Ministry of Defence", "General Staff", "Security Service", "Red Cross", "Central Bank",
        "Energy Agency", "Border Guard", "Interior Ministry", "Statistics Office", "Port Authority"]
PLACES = ["Kursk", "Kharkiv", "Odesa", "Lviv", "Seoul", "Warsaw", "Kyiv", "Dnipro", "Riga",
          "Vilnius", "Tallinn", "Gdansk", "Busan", "Poltava", "Sumy", "Chernihiv"]
CUES = ["said", "told reporters", "reported", "confirmed", "stated", "according to officials",
        "announced", "noted", "added"]
TOPICS = ["drone attacks", "grain exports", "energy prices", "prisoner exchanges", "air defence",
          "reconstruction funds", "border crossings", "power outages", "rail traffic", "aid convoys"]


def entity_ids(n_registries, per_registry):
    out = []
    for r in range(n_registries):
        for k in range(per_registry):
            i = r * per_registry + k
            kind = ("person", "org", "place")[i % 3]
            if kind == "person":
                name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
            elif kind == "org":
                name = f"{ORGS[i % len(ORGS)]} Unit {i}"
            else:
                name = f"{PLACES[i % len(PLACES)]} District {i}"
            out.append((f"e{i}", name, kind, r))
    return out


def registry_text(entities):
    parts = []
    for eid, name, kind, _ in entities:
        parts.append(f"[@{eid}]: {name}\n  kind: {kind}\n  description: generated entity for benchmarks\n"
                     f"  aliases: {name.split()[-1]}x{eid}\n")
    return "\n".join(parts)


def sentence(rng, ids, sources):
    """One sentence of annotated prose, with its markup varied the way real copy varies."""
    eid = rng.choice(ids)
    other = rng.choice(ids)
    place = rng.choice(PLACES)
    topic = rng.choice(TOPICS)
    n = rng.randint(2, 90000)
    src = rng.choice(sources)
    shape = rng.randrange(10)
    if shape == 0:
        return f"@{eid} {rng.choice(CUES)} that {n:,} people were affected by {topic} near {place}.[^{src}]"
    if shape == 1:
        return (f"\"We will keep working on {topic} in {place} for as long as it takes,\" "
                f"{rng.choice(CUES)} [the official](@{eid}).[^{src}]")
    if shape == 2:
        return (f"[Prices for {topic} rose by {rng.randint(1, 40)}.{rng.randint(0, 9)}% in {place}]"
                f"{{^{src} @{other} status=reported}}, while the rest of the region held steady.")
    if shape == 3:
        return f"On {rng.randint(1, 28)} January {rng.randint(1990, 2025)}, the 17th convoy reached {place} at 10:30."
    if shape == 4:
        return f"Residents of {place} said the {topic} had changed daily life, and @{other} agreed."
    if shape == 5:
        # Now and then a claim nobody sourced: real copy has a few.
        cite = "" if rng.randrange(20) == 0 else f"[^{src}]"
        return f"More than {n:,} residents lost power in {place}, a 26-year-old engineer explained.{cite}"
    if shape == 6:
        return (f"According to the U.S. embassy, Mr. {rng.choice(LAST)} met Dr. {rng.choice(LAST)} "
                f"to discuss {topic} (see https://example.org/{eid}/{n}).[^{src}]")
    if shape == 7:
        return f"Tens of thousands crossed into {place}; officials estimated that hundreds more would follow.[^{src}]"
    if shape == 8:
        return f"The talks in {place} about `{topic}` continued late into the night."
    return f"The {rng.choice(ORGS)} and @{eid} discussed {topic} for the {rng.randint(2, 9)}th time this year."


CITATION = re.compile(r"\[\^[^\]]*\]")
SPAN_SOURCE = re.compile(r"\{\^\S+ ")


def unannotated(text):
    """The sentence as archive copy has it: no citation, no source on a claim span."""
    return SPAN_SOURCE.sub("{", CITATION.sub("", text))


def article(rng, ids, target_bytes, index, dense=False):
    sources = [f"s{index}-{k}" for k in range(6)]
    out = [f"---\ntitle: Report {index} on {rng.choice(TOPICS)}\ndate: 2025-01-{(index % 28) + 1:02d}\n"
           f"byline: Desk {index % 50}\ndesk: world\nstatus: review\n---\n\n# Report {index}\n"]
    size = len(out[0])
    paragraph = 0
    # The source definitions (about 900 bytes) end an annotated article; archive copy has
    # none, so its prose runs on to the full size.
    while size < target_bytes - (0 if dense else 900):
        paragraph += 1
        if paragraph % 12 == 0:
            heading = f"\n## Section {paragraph // 12}\n"
            out.append(heading)
            size += len(heading)
        para = " ".join(sentence(rng, ids, sources) for _ in range(rng.randint(3, 6)))
        if dense:
            para = unannotated(para)
        out.append("\n" + para + "\n")
        size += len(para) + 2
    for k, src in enumerate(sources):
        by = rng.choice(ids)
        if dense:
            continue
        out.append(f"\n[^{src}]: Source {k} of report {index}\n  by: @{by}\n"
                   f"  url: https://example.org/{src}\n  date: 2025-01-{k + 1:02d}\n  kind: official\n")
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--single-mb", type=float, default=10)
    parser.add_argument("--file-kb", type=float, default=10.5)
    parser.add_argument("--dense", action="store_true",
                        help="unannotated archive copy: most numbers and quotations are findings")
    args = parser.parse_args()

    rng = random.Random(20250112)
    corpus = os.path.join(args.out, "corpus")
    # Each output is a workspace of its own. Without a newsmark.toml, a corpus generated under
    # target/ of a git checkout would belong to the checkout's workspace (`newsmark check`
    # takes the nearest .git as the root), which holds the examples' registry.
    for d in (corpus, os.path.join(args.out, "single")):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "newsmark.toml"), "w", encoding="utf-8") as f:
            f.write("# A generated workspace: the defaults apply.\n")
    registries = 20
    entities = entity_ids(registries, 100)
    ids = [e[0] for e in entities]
    total = 0
    for r in range(registries):
        d = os.path.join(corpus, "registry")
        os.makedirs(d, exist_ok=True)
        text = registry_text([e for e in entities if e[3] == r])
        with open(os.path.join(d, f"entities-{r:02d}.news"), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
    for i in range(args.files):
        d = os.path.join(corpus, f"desk{i % 100:02d}")
        os.makedirs(d, exist_ok=True)
        text = article(rng, ids, int(args.file_kb * 1024), i, args.dense)
        with open(os.path.join(d, f"article-{i:05d}.news"), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())

    single = registry_text(entities[:200]) + "\n" + article(rng, ids[:200], int(args.single_mb * 1024 * 1024), 0, args.dense)
    os.makedirs(os.path.join(args.out, "single"), exist_ok=True)
    single_path = os.path.join(args.out, "single", "single.news")
    with open(single_path, "w", encoding="utf-8") as f:
        f.write(single)
    print(f"corpus: {args.files + registries} files, {total / 1e6:.1f} MB in {corpus}")
    print(f"single: {len(single.encode()) / 1e6:.1f} MB in {single_path}")


if __name__ == "__main__":
    main()
