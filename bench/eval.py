#!/usr/bin/env python3
"""Scores `newsmark check` against the evaluation desk's expectations, as an editor would.

    python3 bench/eval.py [--bin target/release/newsmark] [--json FILE] [--no-fail] [--validate]

Runs `newsmark check --format json eval` from the repository root and matches every reported
finding to eval/expectations.toml (see eval/README.md for the format):

- a finding matches a `wanted = true` entry when it is in the same file, under the same rule,
  and its range overlaps the entry's span: the text `at`, found inside `context` when one is
  given (which must occur exactly once in the file), else at the first occurrence of `at`;
- each entry matches at most one finding (the largest such matching is taken), so a second
  finding on the same flaw is noise;
- every finding that matches no wanted entry is noise; when it overlaps a `wanted = false` trap
  (same file, same rule or rule "*"), the trap's `why` and `class` explain it.

Prints, per article, what was reported, wanted and matched; the MISSED wanted findings; the
NOISE; and the totals: recall (matched / wanted), editor precision (matched / reported) and
whether each silent article is silent. Exit status 1 when recall is below 100%, precision below
95% or a silent article is not (unless --no-fail), 2 when newsmark or the expectations cannot
be used. --validate only checks that every entry's span can be found, without running newsmark.

Standard library only (Python 3.11+, for tomllib). Building the binary is not this script's job:
`cargo build --release` first.
"""

import argparse
import bisect
import json
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = "eval"
RECALL_BUDGET = 1.0
PRECISION_BUDGET = 0.95

# The rules an entry may name: docs/rules.md, plus the rules issue 11 asks for.
RULES = {
    "unattributed-number",
    "unattributed-quote",
    "missing-source",
    "undefined-source",
    "undefined-entity",
    "duplicate-definition",
    "unused-source",
    "incomplete-source",
    "unlinked-mention",
    "syntax",
    "size-limit",
    "vague-attribution",
    "headline-number",
    "near-miss-name",
    "source-date",
}


# The rules about who stands behind a number or quotation: a finding of one of them where another
# is wanted, in the same paragraph (one line in this desk), is the wrong finding for that flaw.
SOURCING = {"unattributed-number", "unattributed-quote", "missing-source", "vague-attribution"}


class Trouble(Exception):
    """Something that makes the evaluation meaningless: reported, exit status 2."""


def byte_len(text):
    return len(text.encode("utf-8"))


class Article:
    """A file of the desk: its text and a way from (line, column) to byte offsets."""

    def __init__(self, path):
        self.text = path.read_text(encoding="utf-8")
        # Line starts, as character offsets: lines end in \n, \r\n or \r, as in newsmark.
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", self.text)]

    def byte_at(self, line, column):
        """Byte offset of a 1-based line and 1-based column counted in characters."""
        if line < 1 or line > len(self.starts):
            raise Trouble(f"line {line} is outside the file")
        char = min(self.starts[line - 1] + column - 1, len(self.text))
        return byte_len(self.text[:char])

    def line_col(self, byte):
        """1-based line and character column of a byte offset."""
        char = len(self.text.encode("utf-8")[:byte].decode("utf-8", errors="ignore"))
        line = bisect.bisect_right(self.starts, char)
        return line, char - self.starts[line - 1] + 1


def load_expectations(path, articles_dir):
    """Entries with their byte spans; Trouble names every entry that cannot be placed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise Trouble(f"{path}: {e}") from e
    articles = {}
    entries = []
    problems = []
    for index, raw in enumerate(data.get("finding", []), start=1):
        entry = dict(raw)
        entry["index"] = index
        where = f"{path.name} entry {index} ({entry.get('file')}, {entry.get('at')!r})"
        missing = [k for k in ("file", "rule", "at", "wanted") if k not in entry]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if entry["rule"] not in RULES and not (entry["rule"] == "*" and not entry["wanted"]):
            problems.append(f"{where}: unknown rule {entry['rule']!r}")
            continue
        file = entry["file"]
        if file not in articles:
            full = articles_dir / file
            if not full.is_file():
                problems.append(f"{where}: no such file {full}")
                continue
            articles[file] = Article(full)
        text = articles[file].text
        at = entry["at"]
        if "context" in entry:
            context = entry["context"]
            found = [m.start() for m in re.finditer(f"(?={re.escape(context)})", text)]
            if len(found) != 1:
                problems.append(
                    f"{where}: context {context!r} occurs {len(found)} times, not once"
                )
                continue
            inner = context.find(at)
            if inner < 0:
                problems.append(f"{where}: `at` is not inside its context {context!r}")
                continue
            start = found[0] + inner
        else:
            start = text.find(at)
            if start < 0:
                problems.append(f"{where}: `at` not found in the file")
                continue
        entry["start"] = byte_len(text[:start])
        entry["end"] = entry["start"] + byte_len(at)
        entries.append(entry)
    if problems:
        raise Trouble("bad expectations:\n  " + "\n  ".join(problems))
    silent = data.get("silent", [])
    for file in silent:
        if file not in articles and (articles_dir / file).is_file():
            articles[file] = Article(articles_dir / file)
        elif file not in articles:
            raise Trouble(f"{path.name}: silent article {file} does not exist")
    return entries, silent, articles


def run_newsmark(binary):
    exe = Path(binary)
    if not exe.is_absolute():
        exe = ROOT / exe
    if not exe.is_file():
        raise Trouble(f"{exe} not found: build it first with `cargo build --release`, or pass --bin")
    try:
        done = subprocess.run(
            [str(exe), "check", "--format", "json", EVAL],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Trouble(f"could not run {exe}: {e}") from e
    if done.returncode not in (0, 1):
        raise Trouble(f"newsmark exited with status {done.returncode}:\n{done.stderr.strip()}")
    try:
        return json.loads(done.stdout)["findings"]
    except json.JSONDecodeError as e:
        raise Trouble(f"newsmark's output is not JSON ({e}):\n{done.stdout[:500]}") from e


def place_findings(raw, articles, articles_dir):
    findings = []
    for item in raw:
        file = Path(item["file"]).as_posix()
        prefix = EVAL + "/"
        file = file[len(prefix):] if file.startswith(prefix) else file
        if file not in articles:
            full = articles_dir / file
            if not full.is_file():
                raise Trouble(f"newsmark reports a file that is not in {EVAL}/: {item['file']}")
            articles[file] = Article(full)
        article = articles[file]
        start = article.byte_at(item["line"], item["column"])
        end = article.byte_at(item["end_line"], item["end_column"])
        findings.append(dict(item, file=file, start=start, end=max(end, start + 1)))
    return findings


def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def match(findings, wanted):
    """The largest one-to-one matching of wanted entries to findings (augmenting paths)."""
    candidates = [
        [
            f
            for f, finding in enumerate(findings)
            if finding["file"] == entry["file"]
            and finding["rule"] == entry["rule"]
            and overlaps(finding, entry)
        ]
        for entry in wanted
    ]
    owner = {}  # finding index -> wanted index

    def augment(w, seen):
        for f in candidates[w]:
            if f in seen:
                continue
            seen.add(f)
            if f not in owner or augment(owner[f], seen):
                owner[f] = w
                return True
        return False

    for w in range(len(wanted)):
        augment(w, set())
    return {w: f for f, w in owner.items()}


def explain(finding, traps, wanted, articles, earlier):
    """The class and reason of a noise finding: the trap it hits, or what it is next to.

    `earlier` holds the (file, message) of the noise findings already explained, so that a
    second hint for the same entity reads as a repeat.
    """
    hits = [
        trap
        for trap in traps
        if trap["file"] == finding["file"]
        and trap["rule"] in ("*", finding["rule"])
        and overlaps(trap, finding)
    ]
    if not hits and finding["rule"] == "missing-source":
        # Reported at the cue, about a number or quotation elsewhere in the sentence: the trap
        # on that number, on the same line, explains it.
        quoted = re.search(r"the (?:number|quotation) [“\"](.+?)[”\"]", finding["message"])
        if quoted:
            hits = [
                trap
                for trap in traps
                if trap["file"] == finding["file"]
                and trap["rule"] == "*"
                and articles[trap["file"]].line_col(trap["start"])[0] == finding["line"]
                and quoted.group(1).rstrip("…").strip() in trap["at"]
            ]
    if hits:
        # The most specific trap explains it best: its own rule, then the narrowest span.
        trap = min(hits, key=lambda t: (t["rule"] == "*", t["end"] - t["start"]))
        return trap.get("class", "trap"), trap.get("why", "")
    for entry in wanted:
        if entry["file"] == finding["file"] and overlaps(entry, finding):
            if entry["rule"] == finding["rule"]:
                return "duplicate", f"a second finding on a wanted {entry['rule']} entry"
            return "wrong-rule", f"reported where {entry['rule']} is wanted: {entry.get('why', '')}"
    for entry in wanted:
        line = articles[entry["file"]].line_col(entry["start"])[0]
        if (
            entry["file"] == finding["file"]
            and line == finding["line"]
            and {entry["rule"], finding["rule"]} <= SOURCING
        ):
            return "wrong-rule", (
                f"{entry['rule']} is wanted on this line instead (“{entry['at']}”): "
                f"{entry.get('why', '')}"
            )
    if finding["rule"] == "unlinked-mention":
        # Not listed one by one: later plain mentions of an entity the article links, or of
        # one that already had its hint.
        target = re.search(r"or write @([A-Za-z0-9][\w-]*)", finding["message"])
        if target:
            entity = target.group(1)
            text = articles[finding["file"]].text
            if re.search(rf"\]\(\s*@{re.escape(entity)}\s*\)|(?<![\w\\])@{re.escape(entity)}(?![\w-])", text):
                return "linked-already", f"@{entity} is linked in this article (not listed)"
            if (finding["file"], entity) in earlier:
                return "unlinked-repeat", f"@{entity} already had its hint (not listed)"
    return f"unlisted ({finding['rule']})", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default="target/release/newsmark", help="the newsmark binary")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE as JSON")
    parser.add_argument("--no-fail", action="store_true", help="always exit 0 after scoring")
    parser.add_argument(
        "--validate", action="store_true", help="only check the expectations, do not run newsmark"
    )
    args = parser.parse_args()

    articles_dir = ROOT / EVAL
    try:
        entries, silent, articles = load_expectations(articles_dir / "expectations.toml", articles_dir)
        wanted = [e for e in entries if e["wanted"]]
        traps = [e for e in entries if not e["wanted"]]
        if args.validate:
            print(f"expectations valid: {len(wanted)} wanted, {len(traps)} traps, "
                  f"{len(silent)} silent article(s)")
            return 0
        findings = place_findings(run_newsmark(args.bin), articles, articles_dir)
    except Trouble as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    matched = match(findings, wanted)
    matched_findings = set(matched.values())
    noise = [f for i, f in enumerate(findings) if i not in matched_findings]
    missed = [w for i, w in enumerate(wanted) if i not in matched]

    def where(file, byte):
        line, column = articles[file].line_col(byte)
        return f"{EVAL}/{file}:{line}:{column}"

    # Per article.
    files = sorted({f["file"] for f in findings} | {w["file"] for w in wanted} | set(silent))
    per_file = {}
    print(f"{'article':<40} {'reported':>8} {'wanted':>7} {'matched':>8}")
    for file in files:
        reported = sum(1 for f in findings if f["file"] == file)
        want = sum(1 for w in wanted if w["file"] == file)
        hit = sum(1 for w in matched if wanted[w]["file"] == file)
        per_file[file] = {"reported": reported, "wanted": want, "matched": hit}
        print(f"{file:<40} {reported:>8} {want:>7} {hit:>8}")

    print(f"\nMISSED ({len(missed)} wanted findings not reported)")
    for w in sorted(missed, key=lambda w: (w["file"], w["start"])):
        print(f"  {where(w['file'], w['start'])} {w['rule']} “{w['at']}”: {w.get('why', '')}")

    noise_classes = Counter()
    hinted = set()
    for f in findings:
        target = re.search(r"or write @([A-Za-z0-9][\w-]*)", f["message"])
        if f["rule"] == "unlinked-mention" and target and findings.index(f) in matched_findings:
            hinted.add((f["file"], target.group(1)))
    print(f"\nNOISE ({len(noise)} findings an editor does not want)")
    for f in sorted(noise, key=lambda f: (f["file"], f["start"])):
        cls, why = explain(f, traps, wanted, articles, hinted)
        target = re.search(r"or write @([A-Za-z0-9][\w-]*)", f["message"])
        if f["rule"] == "unlinked-mention" and target:
            hinted.add((f["file"], target.group(1)))
        noise_classes[cls] += 1
        print(f"  {EVAL}/{f['file']}:{f['line']}:{f['column']} {f['rule']} {f['message']}")
        print(f"      [{cls}] {why}" if why else f"      [{cls}]")

    print("\nNOISE BY CLASS")
    for cls, n in noise_classes.most_common():
        print(f"  {n:>4}  {cls}")
    missed_classes = Counter(w.get("class", "?") for w in missed)
    if missed_classes:
        print("\nMISSED BY CLASS")
        for cls, n in missed_classes.most_common():
            print(f"  {n:>4}  {cls}")

    recall = len(matched) / len(wanted) if wanted else 1.0
    precision = len(matched) / len(findings) if findings else 1.0
    silence = {file: sum(1 for f in findings if f["file"] == file) for file in silent}
    print(
        f"\nreported {len(findings)}, wanted {len(wanted)}, matched {len(matched)}, "
        f"noise {len(noise)}, missed {len(missed)}"
    )
    print(f"recall            {recall:7.1%}   (budget {RECALL_BUDGET:.0%})")
    print(f"editor precision  {precision:7.1%}   (budget ≥ {PRECISION_BUDGET:.0%})")
    for file, n in silence.items():
        print(f"silent article    {file}: " + ("silent" if n == 0 else f"NOT silent ({n} findings)"))

    passed = (
        recall >= RECALL_BUDGET
        and precision >= PRECISION_BUDGET
        and all(n == 0 for n in silence.values())
    )
    print("PASS" if passed else "FAIL")

    if args.json:
        figures = {
            "reported": len(findings),
            "wanted": len(wanted),
            "traps": len(traps),
            "matched": len(matched),
            "noise": len(noise),
            "missed": len(missed),
            "recall": recall,
            "precision": precision,
            "silent": {file: n == 0 for file, n in silence.items()},
            "noise_by_class": dict(noise_classes.most_common()),
            "missed_by_class": dict(missed_classes.most_common()),
            "noise_by_rule": dict(Counter(f["rule"] for f in noise).most_common()),
            "per_file": per_file,
            "pass": passed,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    return 0 if passed or args.no_fail else 1


if __name__ == "__main__":
    sys.exit(main())
