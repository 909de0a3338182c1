#!/usr/bin/env python3
"""A scripted soak session against `newsmark lsp` over stdio.

    python3 bench/soak.py [--server target/release/newsmark]
                          [--corpus target/bench/corpus] [--ops 100000] [--open 20] [--seed 1]
                          [--json FILE] [--trace FILE] [--keep] [--strict]

A full run (100,000 ops) takes 9 to 11 minutes on 2 cores; `--ops 5000` about a minute.

Exit status: 0 when the session passes; 1 when it fails (an internal error, memory growth,
diagnostics that differ from `newsmark check`, a file written by the server, an exit status
other than 0); 2 when a step fails or times out (a crash or a hang shows up here, with the step
and the tail of the server's stderr).

What it does, as a busy editor would (Python standard library only; the LSP client is
bench/lsp_bench.py's):

1. Copies the corpus (10,000 generated articles plus the entity registries; made with
   bench/gen_corpus.py into target/bench when missing) into a temporary directory, so the
   shared corpus is never touched, and hashes every file of the copy.
2. Starts `newsmark lsp` with the copy as workspace folder, offering the position encodings
   utf-8 and utf-16 (the one the server picks is used for every position), workDoneProgress,
   documentChanges and no pull diagnostics (so the server pushes, with versions); waits for the
   `$/progress` end of indexing, opens --open random articles plus every registry file, and
   waits for their first diagnostics.
3. Runs --ops seeded random operations (the same --seed and server give the same messages):
   ~60% edits (incremental didChange of random spans with words, numbers, straight and curly
   quotes, `@id` mentions of existing and unknown entities, citations, claim spans, newlines,
   CRLF and CR, emoji, CJK, combining accents, definitions...; sometimes several changes in one
   notification, sometimes a whole-text replacement or a line-ending conversion; edits to the
   entity registries: names, aliases, kinds, new, removed and duplicate definitions; now and
   then a document closed and another opened), and ~40% requests (hover, completion,
   definition, references, documentHighlight, documentSymbol, semantic tokens full / delta /
   range, inlay hints and their resolve, code lenses and their resolve, code actions over a diagnostic's range,
   document links, folding and selection ranges, formatting, prepareRename, rename,
   workspace/symbol), each waited for. Rename, code action, completion and formatting edits
   are applied to the client's copies and sent back as didChange, checking that every
   TextDocumentEdit carries the client's current version (an edit reaching a closed file is
   declined, as an editor without it open would have to save it). A few protocol oddities are
   mixed in: unknown URIs, positions past the end of a line or of the file, negative positions,
   unknown methods, missing params, changes and closes for documents never opened, cancels of
   finished requests, stale semantic-token result ids. Every request must get a response with
   its id; errors are counted by code, and an internal error is a failure. Other invariants
   are checked along the way and reported as findings (failures with --strict): ranges the
   server returns for an open document lie inside it, on character boundaries; publish
   versions never go backwards; semantic tokens built by deltas equal a recomputation;
   formatting is idempotent; selection ranges nest.
4. Samples the server's resident memory (VmRSS) after the opens (start), after the warm-up
   (10% of the ops), in the middle, at the end, and every 1,000 ops. Memory is "flat" when
   end <= 1.25 x warm-up + 20 MiB. (glibc's per-thread malloc arenas keep growing for some
   tens of thousands of ops, so short runs need --warmup; with MALLOC_ARENA_MAX=2, which the
   server inherits, the resident size follows the heap itself.)
5. Waits until diagnostics are quiescent (a publish for each open document's current version,
   then nothing new for 1 s), checks that the server wrote no file (hashes), shuts it down
   (exit status must be 0), writes the final texts of the open documents into the copy, runs
   `newsmark check --format json` on it and compares, for every open document, the multiset of
   (rule, start line:col, end line:col, message, severity) with the server's last diagnostics
   (LSP positions converted to check's 1-based columns in Unicode scalar values).

Request latencies are reported twice: as this client sees them (from the request's write to
its response's arrival, which includes the time this Python process spends parsing every
publishDiagnostics that arrives first, on the same cores), and as the server measured them
(from the `request done` lines of its log, which the soak sets to `NEWSMARK_LOG=debug` unless
set otherwise): the second is the server's own latency.

Prints a summary table; --json writes the figures; --trace writes every message sent to the
server as JSON lines (the last 3,000 are also dumped next to the copy when the run fails);
--keep keeps the copy with the final texts; --only restricts the op mix for investigations.
"""

import argparse
import bisect
import collections
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))
import gen_corpus  # noqa: E402
from lsp_bench import BenchError, LspClient, ensure_corpus, file_uri, proc_status  # noqa: E402

MiB = 1 << 20
# Memory is flat when the end is at most this much above the post-warm-up sample.
RSS_FACTOR = 1.25
RSS_SLACK = 20 * MiB

LINE_BREAK = re.compile(r"\r\n|\r|\n")
IDS_IN_PARENS = re.compile(r"\((@[^()]*)\)")
SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}
# Error codes a request may legitimately get (anything else is listed; -32603 fails the run).
METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL_ERROR, REQUEST_FAILED = -32601, -32602, -32603, -32803


class StepFailure(BenchError):
    pass


# --------------------------------------------------------------------------------------------
# Text: offsets (Python str indices, i.e. code points) <-> LSP positions in an encoding.
# Line breaks are "\n", "\r\n" and "\r", as LSP and the server define them.
# --------------------------------------------------------------------------------------------


def width(s, encoding):
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    return len(s)


def char_width(ch, encoding):
    if encoding == "utf-8":
        o = ord(ch)
        return 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    if encoding == "utf-16":
        return 2 if ord(ch) >= 0x10000 else 1
    return 1


class Text:
    """A document's text with its line starts, computed once per text."""

    __slots__ = ("s", "starts", "_marks")

    def __init__(self, s):
        self.s = s
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(s)]
        self._marks = None

    def line_count(self):
        return len(self.starts)

    def content(self, line):
        """(start, end) of a line without its break."""
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.s)
        while end > start and self.s[end - 1] in "\r\n":
            end -= 1
        return start, end

    def position(self, offset, encoding):
        line = bisect.bisect_right(self.starts, offset) - 1
        start, end = self.content(line)
        offset = min(offset, end)
        return {"line": line, "character": width(self.s[start:offset], encoding)}

    def offset(self, pos, encoding):
        """The server's clamping: lines past the end -> end of text, columns past the end of a
        line -> end of the line, inside a character -> its start."""
        line = pos["line"]
        if line >= len(self.starts):
            return len(self.s)
        start, end = self.content(line)
        want = pos["character"]
        seg = self.s[start:end]
        if encoding != "utf-16" and seg.isascii():
            return start + min(want, len(seg))
        used = 0
        for i, ch in enumerate(seg):
            w = char_width(ch, encoding)
            if used + w > want:
                return start + i
            used += w
        return end

    def check_position(self, pos, encoding):
        """None when `pos` is a valid position (inside a line, on a character boundary), else
        what is wrong."""
        if not isinstance(pos, dict) or not isinstance(pos.get("line"), int) \
                or not isinstance(pos.get("character"), int):
            return f"malformed position {pos!r}"
        line, col = pos["line"], pos["character"]
        if line < 0 or col < 0:
            return f"negative position {pos}"
        if line >= len(self.starts):
            return f"line {line} past the last line {len(self.starts) - 1}"
        start, end = self.content(line)
        if self.s[start:end].isascii():
            n = end - start
            return None if col <= n else f"{pos} past the end of line {line} (width {n})"
        used = 0
        for ch in self.s[start:end]:
            if used == col:
                return None
            used += char_width(ch, encoding)
            if used > col:
                return f"{pos} inside a character"
        if used == col:
            return None
        return f"{pos} past the end of line {line} (width {used})"

    def codepoint_col(self, pos, encoding):
        """(line, column) with the column in code points, for comparing with `check`."""
        start, end = self.content(pos["line"])
        want = pos["character"]
        used = 0
        for i, ch in enumerate(self.s[start:end]):
            if used >= want:
                return pos["line"], i
            used += char_width(ch, encoding)
        return pos["line"], end - start

    def marks(self):
        """Offsets of markup worth pointing a request at (cached per text)."""
        if self._marks is None:
            out = []
            for m in INTERESTING.finditer(self.s):
                out.append((m.start(), m.end()))
            self._marks = out
        return self._marks


INTERESTING = re.compile(
    r"@[A-Za-z0-9][A-Za-z0-9_-]*|\[\^[A-Za-z0-9_-]*\]?|\]\(@[A-Za-z0-9_-]+\)|\]\{[^}\n]*\}"
    r"|\d[\d,.]*%?|[\"“”‘’]|^\[[@^][A-Za-z0-9_-]*\]:|^  [a-z]+:|^#{1,6} |https://\S+", re.M)
DEF_RE = re.compile(r"^\[@([A-Za-z0-9_-]*)\]:[ \t]*([^\r\n]*)", re.M)
SOURCE_DEF_RE = re.compile(r"^\[\^([A-Za-z0-9_-]+)\]:", re.M)
FIELD_RE = re.compile(r"^  (kind|aliases|description|role|by|url|date): ?([^\r\n]*)", re.M)


# --------------------------------------------------------------------------------------------
# Documents and the client
# --------------------------------------------------------------------------------------------


class Doc:
    def __init__(self, path, rel, registry):
        self.path = path
        self.rel = rel
        self.uri = file_uri(path)
        self.registry = registry
        self.original = path.read_bytes().decode("utf-8")
        self.t = Text(self.original)
        self.version = 0
        self.is_open = False
        self.cap = max(2 * len(self.original), 24000)
        # Last publishDiagnostics: (version, diagnostics, arrival time).
        self.diag = None
        self.closed_cleared = False
        self.tokens_id = None
        self.tokens = None

    @property
    def text(self):
        return self.t.s

    def set_text(self, s):
        self.t = Text(s)


class SoakClient(LspClient):
    def __init__(self, session, *args):
        self.session = session
        super().__init__(*args)

    def _write(self, message):
        self.session.trace(message)
        return super()._write(message)

    def _handle(self, msg, arrived):
        super()._handle(msg, arrived)
        method = msg.get("method")
        if method is None:
            self.session.on_response(msg)
            return
        if "id" in msg:
            self.session.server_requests[method] += 1
        elif method == "textDocument/publishDiagnostics":
            self.session.on_publish(msg.get("params") or {}, arrived)


class Session:
    def __init__(self, args, rng):
        self.args = args
        self.rng = rng
        self.client = None
        self.encoding = "utf-16"
        self.docs = {}  # uri -> Doc, every article and registry of the copy that we may open
        self.open_docs = []  # Docs currently open (order kept for reproducibility)
        self.registries = []
        self.ops = collections.Counter()
        self.requests = collections.Counter()
        self.request_time = collections.defaultdict(float)
        self.request_max = collections.defaultdict(float)
        self.latencies = collections.defaultdict(list)  # method -> every request's seconds
        self.errors = collections.Counter()  # (method, code) -> n
        self.error_examples = {}
        self.failures = []  # acceptance failures (strings)
        self.findings = collections.Counter()  # other invariant violations, by kind
        self.finding_examples = collections.defaultdict(list)
        self.server_requests = collections.Counter()
        self.publishes = 0
        self.closed_publishes = 0
        self.last_publish = 0.0
        self.applied = collections.Counter()
        self.counter = 0
        self.pool_dirty = True
        self.pool = []
        self.names = []
        self.recent = collections.deque(maxlen=3000)
        self.trace_file = open(args.trace, "w") if args.trace else None
        self.op_index = 0
        self.slow = []  # (seconds, method, op) of the slowest requests
        self.sent_ids = set()
        self.closing = False
        self.answered = set()

    # ---- tracing ----
    def trace(self, message):
        line = json.dumps({"op": self.op_index, "msg": message}, ensure_ascii=False)
        self.recent.append(line)
        if self.trace_file:
            self.trace_file.write(line + "\n")

    # ---- findings ----
    def finding(self, kind, detail):
        self.findings[kind] += 1
        if len(self.finding_examples[kind]) < 5:
            self.finding_examples[kind].append(f"op {self.op_index}: {detail}")

    # ---- responses ----
    def on_response(self, msg):
        rid = msg.get("id")
        if self.closing:
            return
        if rid not in self.sent_ids:
            self.finding("response to a request never sent", str(msg)[:200])
        elif rid in self.answered:
            self.finding("second response to a request", str(msg)[:200])
        self.answered.add(rid)

    # ---- publishes ----
    def on_publish(self, params, arrived):
        self.publishes += 1
        uri = params.get("uri")
        doc = self.docs.get(uri)
        version = params.get("version")
        diags = params.get("diagnostics") or []
        if doc is None:
            # Unversioned: a closed article's findings after a registry edit (bounded by the
            # server; counted here). Versioned: a result for a buffer this client never had.
            if version is None:
                self.closed_publishes += 1
            elif diags:
                self.finding("publish for an unknown document", uri)
            return
        if not doc.is_open:
            # A closed article gets unversioned publishes of what registry edits do to it
            # (docs/server.md, push diagnostics of closed documents); a versioned one after
            # its clearing would be a result computed for the open buffer, gone stale.
            if version is None and not diags:
                doc.closed_cleared = True
            elif doc.closed_cleared and version is not None:
                self.finding("stale publish after a document was closed and cleared",
                             f"{doc.rel} version {version}, {len(diags)} diagnostics")
            return
        self.last_publish = arrived
        if version is None:
            self.finding("unversioned publish for an open document", doc.rel)
            return
        if version > doc.version:
            self.finding("publish for a version the client never sent",
                         f"{doc.rel}: {version} > {doc.version}")
        if doc.diag is not None and doc.diag[0] is not None and version < doc.diag[0]:
            self.finding("publish versions went backwards", f"{doc.rel}: {doc.diag[0]} then {version}")
        doc.diag = (version, diags, arrived)
        if version == doc.version:
            for d in diags:
                self.check_range(doc, d.get("range"), "publishDiagnostics")

    # ---- checks on what the server returns ----
    def check_range(self, doc, rng, what):
        if not isinstance(rng, dict):
            self.finding("invalid range", f"{what} on {doc.rel}: {rng!r}")
            return False
        for key in ("start", "end"):
            problem = doc.t.check_position(rng.get(key), self.encoding)
            if problem:
                self.finding("invalid range", f"{what} on {doc.rel} v{doc.version}: {key} {problem}")
                return False
        s, e = rng["start"], rng["end"]
        if (s["line"], s["character"]) > (e["line"], e["character"]):
            self.finding("invalid range", f"{what} on {doc.rel}: start after end {rng}")
            return False
        return True

    def check_location(self, loc, what):
        uri = loc.get("uri") or loc.get("targetUri")
        rng = loc.get("range") or loc.get("targetSelectionRange")
        doc = self.docs.get(uri)
        if doc is not None and doc.is_open:
            self.check_range(doc, rng, what)

    # ---- transport ----
    def rpc(self, method, params, allow=(), step=None):
        """A request and its response; returns (result, error)."""
        c = self.client
        c.next_id += 1
        rid = c.next_id
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        sent = time.perf_counter()
        self.sent_ids.add(rid)
        c._write(message)
        step = step or f"the response to {method} (id {rid}, op {self.op_index})"
        msg, arrived = c.wait_for(lambda m: m.get("id") == rid and "method" not in m,
                                  self.args.timeout, step)
        took = arrived - sent
        self.requests[method] += 1
        self.request_time[method] += took
        self.request_max[method] = max(self.request_max[method], took)
        self.latencies[method].append(took)
        if took > 0.25:
            self.slow.append((took, method, self.op_index))
            self.slow = sorted(self.slow, reverse=True)[:10]
        if "error" in msg:
            err = msg["error"] or {}
            code = err.get("code")
            self.errors[(method, code)] += 1
            self.error_examples.setdefault((method, code), str(err.get("message"))[:160])
            if code == INTERNAL_ERROR:
                self.failures.append(f"internal error for {method} at op {self.op_index}: {err}")
            elif code not in allow:
                self.finding("unexpected error code", f"{method}: {code} {err.get('message')}")
            return None, err
        if "result" not in msg:
            self.finding("response without result or error", f"{method}: {msg}")
        return msg.get("result"), None

    def notify(self, method, params):
        self.client.notify(method, params)

    def alive(self):
        code = self.client.proc.poll()
        if code is not None:
            raise StepFailure(f"the server exited with status {code} at op {self.op_index}"
                              f"{self.client._stderr_tail()}")

    # ---- entity pool ----
    def entity_pool(self):
        if self.pool_dirty:
            ids, names = [], []
            for d in self.registries:
                for m in DEF_RE.finditer(d.text):
                    if m.group(1):
                        ids.append(m.group(1))
                        if m.group(2):
                            names.append(m.group(2)[:40])
            self.pool = ids or ["e1"]
            self.names = names or ["Nobody"]
            self.pool_dirty = False
        return self.pool

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"


# --------------------------------------------------------------------------------------------
# Random material
# --------------------------------------------------------------------------------------------

WORDS = ["the", "troops", "said", "officials", "reported", "village", "night", "drones", "aid",
         "convoy", "border", "according to", "prices", "minister", "residents", "power", "grain"]
NON_ASCII = ["🦀", "新闻报道称", "e\u0301te\u0301", "Київ", "Łódź", "مرحبا", "👨‍👩‍👧", "ÆØÅ",
             "\u00a0", "\u200b", "\u2028", "\t", "🇺🇦", "ｆｕｌｌｗｉｄｔｈ", "ß", "𝔘𝔫𝔦"]
SYNTAX_BITS = ["[", "]", "{", "}", "(", ")", "^", "@", "`", "*", "_", "\\", "<!--", "-->", "---",
               "# ", "> ", "| a | b |", "- ", "1. ", "```", "~~~", "[^", "](@", "]{", "\\@x",
               "<span>", "</span>", "![img](x.png)", "<https://example.org>", "www.example.org"]
STATUSES = ["reported", "unverified", "confirmed", "disputed", "false", "maybe"]
KINDS = ["person", "org", "place", "unit", "event", "work", "bogus"]


def snippet(s, rng, doc):
    """A random piece of text to insert."""
    pool = s.entity_pool()
    sources = SOURCE_DEF_RE.findall(doc.text)[:20] or ["nope"]
    k = rng.randrange(100)
    eid = rng.choice(pool)
    src = rng.choice(sources)
    n = rng.randint(2, 99999)
    if k < 12:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))) + rng.choice(["", " ", ". ", ", "])
    if k < 20:
        return rng.choice([f"{n:,} troops", f"{n}", f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%",
                           f"${rng.randint(1, 9)}.{rng.randint(0, 9)}bn", "twelve thousand",
                           f"{rng.randint(1, 28)} January {rng.randint(1990, 2030)}", "10:30",
                           f"{n:,}", "1,2", "3.", " 42 "])
    if k < 28:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
        return rng.choice([f'"{words}," said @{eid}.', f"“{words},” ", f"‘{words}’", '"', "“",
                           "”", f'"{words}', f"“{words}.” {rng.choice(WORDS)} said.",
                           f"'{words}'"])
    if k < 38:
        return rng.choice([f"@{eid}", f" @{eid} ", f"[{rng.choice(s.names)}](@{eid})",
                           f"@nope{n}", f"[x](@ghost-{n})", "@", f"(@{eid})", f"@{eid}'s",
                           f"[bad](@-x)", rng.choice(s.names), f"@{eid}-based"])
    if k < 46:
        return rng.choice([f"[^{src}]", f".[^{src}]", f"[^ghost-{n}]", "[^", f"[^{src}",
                           f"[^{src}][^{src}]", "[^bad id]"])
    if k < 51:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        return rng.choice([f"[{words} {n}]{{^{src} @{eid} status={rng.choice(STATUSES)}}}",
                           f"[{words}]{{^{src}}}", f"[{words}]{{@{eid}", f"[{words}]{{status=}}",
                           f"[{words}]{{^ghost-{n} status=reported}}"])
    if k < 61:
        return rng.choice(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", " \n", "\n\r"])
    if k < 69:
        return rng.choice(NON_ASCII) * rng.randint(1, 3)
    if k < 77:
        return rng.choice(SYNTAX_BITS)
    if k < 83:
        return gen_corpus.sentence(rng, pool, sources) + " "
    if k < 88:
        who = rng.choice(pool)
        return rng.choice([
            f"\n[^soak-src-{n}]: Soak source {n}\n  by: @{who}\n  url: https://example.org/{n}\n"
            f"  date: 2025-02-0{rng.randint(1, 9)}\n  kind: official\n",
            f"\n[^soak-src-{n}]: Untitled\n",
            f"\n[@soak-local-{n}]: Local Person {n}\n  kind: person\n  aliases: Localo{n}\n",
            f"\n[^{src}]: Duplicate\n  url: https://example.org\n",
            f"\n  {rng.choice(['kind', 'url', 'by', 'date', 'bogus'])}: value\n"])
    if k < 93:
        return rng.choice(["<!-- newsmark-disable-next-line unattributed-number -->\n",
                           "<!-- newsmark-disable -->", "<!-- newsmark-enable -->",
                           "<!-- newsmark-disable unknown-rule -->", "<!-- comment",
                           "<!-- newsmark-frobnicate -->", "`code @x 12`", "\n```\n",
                           "\n## Section soak\n", "\n---\n"])
    return "".join(rng.choice(WORDS + NON_ASCII + SYNTAX_BITS) for _ in range(rng.randint(1, 8)))


def snap(text, off):
    """Never between the \\r and \\n of a CRLF (a place LSP cannot name)."""
    if 0 < off < len(text) and text[off - 1] == "\r" and text[off] == "\n":
        return off - 1
    return off


def random_offset(rng, doc):
    return snap(doc.text, rng.randint(0, len(doc.text)))


def request_offset(rng, doc):
    marks = doc.t.marks()
    if marks and rng.random() < 0.65:
        a, b = rng.choice(marks)
        return snap(doc.text, rng.randint(a, b))
    return random_offset(rng, doc)


# --------------------------------------------------------------------------------------------
# Operations: edits
# --------------------------------------------------------------------------------------------


def send_changes(s, doc, changes):
    doc.version += 1
    s.notify("textDocument/didChange", {"textDocument": {"uri": doc.uri, "version": doc.version},
                                        "contentChanges": changes})


def replace(s, doc, start, end, new):
    """Applies text[start:end] = new to the client's copy; returns the LSP change."""
    t = doc.t
    change = {"range": {"start": t.position(start, s.encoding), "end": t.position(end, s.encoding)},
              "text": new}
    doc.set_text(t.s[:start] + new + t.s[end:])
    return change


def op_edit(s, rng, doc):
    changes = []
    for _ in range(1 if rng.random() < 0.85 else rng.randint(2, 4)):
        text = doc.text
        start = random_offset(rng, doc)
        if len(text) > doc.cap:
            # Keep texts bounded: cut a big span.
            end = snap(text, min(len(text), start + rng.randint(500, 6000)))
            new = ""
        else:
            r = rng.random()
            length = rng.choice([1, 1, 1, 2, 3, rng.randint(1, 20), rng.randint(1, 20),
                                 rng.randint(20, 400)])
            end = start if r < 0.45 else snap(text, min(len(text), start + length))
            new = "" if 0.45 <= r < 0.70 else snippet(s, rng, doc)
        changes.append(replace(s, doc, start, end, new))
    send_changes(s, doc, changes)
    if doc.registry:
        s.pool_dirty = True
    return "edit" if len(changes) == 1 else "edit (several changes)"


def op_edit_past_end(s, rng, doc):
    """An insert at a position past the end of a line (or below the last line): the server
    clamps it, and so does the client's model."""
    t = doc.t
    if rng.random() < 0.8:
        line = rng.randrange(t.line_count())
        start, end = t.content(line)
        pos = {"line": line, "character": width(t.s[start:end], s.encoding) + rng.randint(1, 80)}
    else:
        pos = {"line": t.line_count() + rng.randint(0, 5), "character": rng.randint(0, 9)}
    at = t.offset(pos, s.encoding)
    new = snippet(s, rng, doc)
    doc.set_text(t.s[:at] + new + t.s[at:])
    send_changes(s, doc, [{"range": {"start": pos, "end": pos}, "text": new}])
    return "edit past end of line"


def op_full_replace(s, rng, doc):
    text = doc.text
    r = rng.random()
    if r < 0.4:
        new, kind = doc.original, "reset"
    elif r < 0.55:
        new, kind = LINE_BREAK.sub("\r\n", text), "to CRLF"
    elif r < 0.7:
        new, kind = LINE_BREAK.sub("\n", text), "to LF"
    elif r < 0.75:
        new, kind = LINE_BREAK.sub("\r", text), "to CR"
    elif r < 0.78:
        new, kind = "", "empty"
    else:
        a = random_offset(rng, doc)
        b = snap(text, min(len(text), a + rng.randint(0, 3000)))
        new, kind = (text[:b] + text[a:b] + text[b:]) if len(text) < doc.cap else text[:a], "chunk"
    doc.set_text(new)
    send_changes(s, doc, [{"text": new}])
    return f"full replace ({kind})"


def op_registry(s, rng, doc):
    """An edit to entity definitions."""
    text = doc.text
    defs = [m for m in DEF_RE.finditer(text)]
    r = rng.random()
    n = s.fresh("")
    if defs and r < 0.2:
        m = rng.choice(defs)
        new = rng.choice([f"Soak Name {n}", rng.choice(NON_ASCII) + f" Person {n}",
                          " ".join(rng.choice(WORDS).title() for _ in range(2)), ""])
        change, kind = replace(s, doc, m.start(2), m.end(2), new), "rename entity"
    elif r < 0.4:
        fields = [m for m in FIELD_RE.finditer(text)]
        if not fields:
            return op_edit(s, rng, doc)
        m = rng.choice(fields)
        if m.group(1) == "kind":
            value = rng.choice(KINDS)
        elif m.group(1) == "aliases":
            value = rng.choice([f"Alias{n}", f"Alias{n}, A{n}", "", rng.choice(s.names)])
        else:
            value = rng.choice(WORDS) + f" {n}"
        change, kind = replace(s, doc, m.start(2), m.end(2), value), f"change {m.group(1)}"
    elif r < 0.65:
        block = (f"[@soak{n}]: Soak Entity {n}\n  kind: {rng.choice(KINDS[:6])}\n"
                 f"  aliases: Soaky{n}\n\n")
        if defs and rng.random() < 0.7:
            at = rng.choice(defs).start()
        else:
            at, block = len(text), "\n\n" + block
        change, kind = replace(s, doc, at, at, block), "add entity"
    elif defs and r < 0.85:
        i = rng.randrange(len(defs))
        end = defs[i + 1].start() if i + 1 < len(defs) else len(text)
        change, kind = replace(s, doc, defs[i].start(), end, ""), "remove entity"
    else:
        eid = rng.choice(s.entity_pool())
        at = defs[rng.randrange(len(defs))].start() if defs else len(text)
        change, kind = replace(s, doc, at, at, f"[@{eid}]: Duplicate {n}\n  kind: org\n\n"), \
            "duplicate entity"
    send_changes(s, doc, [change])
    s.pool_dirty = True
    return f"registry: {kind}"


def op_churn(s, rng):
    """Closes an open article and opens another one (as read from disk)."""
    articles = [d for d in s.open_docs if not d.registry]
    closed = [d for d in s.docs.values() if not d.is_open and not d.registry]
    if not articles or not closed:
        return None
    old = rng.choice(articles)
    s.notify("textDocument/didClose", {"textDocument": {"uri": old.uri}})
    old.is_open = False
    old.closed_cleared = False
    old.diag = None
    old.tokens_id = old.tokens = None
    old.set_text(old.original)  # the server now reads it from disk, unchanged
    s.open_docs.remove(old)
    new = rng.choice(closed)
    open_doc(s, new)
    return "close + open"


def open_doc(s, doc):
    doc.version += 1
    doc.is_open = True
    doc.diag = None
    s.open_docs.append(doc)
    s.notify("textDocument/didOpen", {"textDocument": {
        "uri": doc.uri, "languageId": "newsmark", "version": doc.version, "text": doc.text}})


# --------------------------------------------------------------------------------------------
# Applying the server's edits
# --------------------------------------------------------------------------------------------


def apply_text_edits(s, doc, edits, what):
    """Applies TextEdits (ranges on the current text) to the client's copy and sends them as
    one didChange (last edit first, so the positions of the earlier ones stay valid)."""
    t = doc.t
    spans = []
    for i, e in enumerate(edits):
        if not s.check_range(doc, e.get("range"), what):
            return False
        a = t.offset(e["range"]["start"], s.encoding)
        b = t.offset(e["range"]["end"], s.encoding)
        spans.append((a, b, i, e.get("newText", "")))
    ordered = sorted(spans, key=lambda x: (x[0], x[1], x[2]))
    for (a1, b1, _, _), (a2, b2, _, _) in zip(ordered, ordered[1:]):
        if a2 < b1:
            s.finding("overlapping text edits", f"{what} on {doc.rel}: [{a1},{b1}) and [{a2},{b2})")
            return False
    changes = []
    # Reverse document order; among equal starts, the later edit first (so that the earlier
    # one's text ends up first, as LSP asks).
    for a, b, _, new in sorted(spans, key=lambda x: (x[0], x[2]), reverse=True):
        changes.append(replace(s, doc, a, b, new))
    if changes:
        send_changes(s, doc, changes)
    return True


def apply_workspace_edit(s, edit, what):
    """Checks the versions of a WorkspaceEdit and applies it when it only touches open
    documents; returns 'applied', 'declined' or 'invalid'."""
    if not isinstance(edit, dict):
        s.finding("malformed workspace edit", f"{what}: {edit!r}"[:200])
        return "invalid"
    changes = edit.get("documentChanges")
    if changes is None:
        if edit.get("changes"):
            s.finding("workspace edit without documentChanges", what)
        return "invalid"
    plan = []
    touches_closed = False
    for dc in changes:
        if "kind" in dc:
            s.finding("resource operation not advertised", f"{what}: {dc.get('kind')}")
            return "invalid"
        ident = dc.get("textDocument") or {}
        doc = s.docs.get(ident.get("uri"))
        version = ident.get("version")
        if doc is not None and doc.is_open:
            if version != doc.version:
                s.finding("workspace edit with a wrong version",
                          f"{what} on {doc.rel}: edit for {version}, client at {doc.version}")
                return "invalid"
            plan.append((doc, dc.get("edits") or []))
        else:
            if version is not None:
                s.finding("workspace edit with a version for a closed document",
                          f"{what}: {ident}")
            touches_closed = True
    if touches_closed:
        return "declined"
    seen = set()
    for doc, edits in plan:
        if doc.uri in seen:
            s.finding("workspace edit touching a document twice", f"{what}: {doc.rel}")
            return "invalid"
        seen.add(doc.uri)
    for doc, edits in plan:
        if not apply_text_edits(s, doc, edits, what):
            return "invalid"
    return "applied"


# --------------------------------------------------------------------------------------------
# Operations: requests
# --------------------------------------------------------------------------------------------


def td(doc):
    return {"textDocument": {"uri": doc.uri}}


def at(s, rng, doc):
    return {"textDocument": {"uri": doc.uri},
            "position": doc.t.position(request_offset(rng, doc), s.encoding)}


def decode_tokens(data):
    if data and isinstance(data[0], dict):
        flat = []
        for tok in data:
            flat += [tok["deltaLine"], tok["deltaStart"], tok["length"], tok["tokenType"],
                     tok["tokenModifiersBitset"]]
        return flat
    return list(data or [])


def check_tokens(s, doc, data, what):
    if len(data) % 5:
        s.finding("semantic tokens not a multiple of 5", f"{what} on {doc.rel}")
        return
    line = col = 0
    t = doc.t
    for i in range(0, len(data), 5):
        dl, ds, length = data[i], data[i + 1], data[i + 2]
        if dl:
            line += dl
            col = ds
        else:
            col += ds
        if line >= t.line_count():
            s.finding("semantic token out of range", f"{what} on {doc.rel}: line {line}")
            return
        a, b = t.content(line)
        w = width(t.s[a:b], s.encoding)
        if col + length > w:
            s.finding("semantic token out of range",
                      f"{what} on {doc.rel} v{doc.version}: line {line} col {col}+{length} > {w}")
            return


def req_tokens_full(s, rng, doc):
    res, _ = s.rpc("textDocument/semanticTokens/full", td(doc))
    if res:
        doc.tokens_id = res.get("resultId")
        doc.tokens = decode_tokens(res.get("data"))
        check_tokens(s, doc, doc.tokens, "semanticTokens/full")


def req_tokens_delta(s, rng, doc):
    if doc.tokens_id is None:
        return req_tokens_full(s, rng, doc)
    res, _ = s.rpc("textDocument/semanticTokens/full/delta",
                   td(doc) | {"previousResultId": doc.tokens_id})
    if not res:
        return
    if "edits" in res:
        data = list(doc.tokens)
        for e in sorted(res["edits"], key=lambda e: e["start"], reverse=True):
            data[e["start"]:e["start"] + e["deleteCount"]] = decode_tokens(e.get("data"))
    else:
        data = decode_tokens(res.get("data"))
    doc.tokens_id = res.get("resultId")
    doc.tokens = data
    check_tokens(s, doc, data, "semanticTokens/full/delta")
    if rng.random() < 0.1:
        # The tokens the incremental path gives must equal a recomputation from scratch: a
        # didClose of a document never opened resets the server's token caches.
        s.notify("textDocument/didClose", {"textDocument": {"uri": bogus_uri(s, rng)}})
        res2, _ = s.rpc("textDocument/semanticTokens/full", td(doc))
        if res2:
            fresh = decode_tokens(res2.get("data"))
            if fresh != data:
                diff = next((i for i, (x, y) in enumerate(zip(fresh, data)) if x != y),
                            min(len(fresh), len(data)))
                s.finding("semantic tokens (delta path) differ from a full recomputation",
                          f"{doc.rel} v{doc.version}: first difference at token {diff // 5}, "
                          f"{len(data) // 5} vs {len(fresh) // 5} tokens")
            doc.tokens_id, doc.tokens = res2.get("resultId"), fresh
            s.applied["check: semantic tokens delta path vs fresh"] += 1


def req_tokens_range(s, rng, doc):
    a = random_offset(rng, doc)
    b = snap(doc.text, min(len(doc.text), a + rng.randint(0, 3000)))
    res, _ = s.rpc("textDocument/semanticTokens/range", td(doc) | {"range": {
        "start": doc.t.position(a, s.encoding), "end": doc.t.position(b, s.encoding)}})
    if res:
        check_tokens(s, doc, decode_tokens(res.get("data")), "semanticTokens/range")


def req_hover(s, rng, doc):
    res, _ = s.rpc("textDocument/hover", at(s, rng, doc))
    if res and res.get("range"):
        s.check_range(doc, res["range"], "hover")


def req_completion(s, rng, doc):
    params = at(s, rng, doc) | {"context": {"triggerKind": 1}}
    res, _ = s.rpc("textDocument/completion", params)
    items = (res.get("items") if isinstance(res, dict) else res) or []
    for item in items[:50]:
        te = item.get("textEdit")
        if te:
            s.check_range(doc, te.get("range"), "completion textEdit")
    if items and rng.random() < 0.25:
        item = rng.choice(items)
        te = item.get("textEdit")
        if te and apply_text_edits(s, doc, [te], "completion"):
            s.applied["completion item"] += 1


def req_definition(s, rng, doc):
    res, _ = s.rpc("textDocument/definition", at(s, rng, doc))
    for loc in (res if isinstance(res, list) else [res] if res else []):
        s.check_location(loc, "definition")


def req_references(s, rng, doc):
    res, _ = s.rpc("textDocument/references",
                   at(s, rng, doc) | {"context": {"includeDeclaration": rng.random() < 0.5}})
    for loc in res or []:
        s.check_location(loc, "references")


def req_highlight(s, rng, doc):
    res, _ = s.rpc("textDocument/documentHighlight", at(s, rng, doc))
    for h in res or []:
        s.check_range(doc, h.get("range"), "documentHighlight")


def check_symbols(s, doc, symbols):
    for sym in symbols or []:
        s.check_range(doc, sym.get("range"), "documentSymbol")
        s.check_range(doc, sym.get("selectionRange"), "documentSymbol selection")
        check_symbols(s, doc, sym.get("children"))


def req_symbols(s, rng, doc):
    res, _ = s.rpc("textDocument/documentSymbol", td(doc))
    check_symbols(s, doc, res)


def req_inlay(s, rng, doc):
    if rng.random() < 0.5:
        a, b = 0, len(doc.text)
    else:
        a = random_offset(rng, doc)
        b = snap(doc.text, min(len(doc.text), a + rng.randint(0, 4000)))
    res, _ = s.rpc("textDocument/inlayHint", td(doc) | {"range": {
        "start": doc.t.position(a, s.encoding), "end": doc.t.position(b, s.encoding)}})
    for h in res or []:
        problem = doc.t.check_position(h.get("position"), s.encoding)
        if problem:
            s.finding("invalid range", f"inlayHint on {doc.rel}: {problem}")
            break
    if res and rng.random() < 0.3:
        s.rpc("inlayHint/resolve", rng.choice(res))


def req_lens(s, rng, doc):
    res, _ = s.rpc("textDocument/codeLens", td(doc))
    for lens in res or []:
        s.check_range(doc, lens.get("range"), "codeLens")
    # Lenses come unresolved; an editor resolves those it shows.
    if res and rng.random() < 0.5:
        s.rpc("codeLens/resolve", rng.choice(res))


def req_links(s, rng, doc):
    res, _ = s.rpc("textDocument/documentLink", td(doc))
    for link in res or []:
        s.check_range(doc, link.get("range"), "documentLink")


# Rules whose findings depend on the document alone (not on the entity index): the code action
# range is picked among these, so the op sequence does not depend on when other documents'
# edits reached the server's index relative to the last publish we received.
CROSS_FILE_RULES = {"undefined-entity", "unlinked-mention"}


def current_diagnostics(s, doc):
    """The diagnostics of the document's current version, waiting for their publish."""
    if not doc.diag or doc.diag[0] != doc.version:
        s.client.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and (m.get("params") or {}).get("uri") == doc.uri
                          and (m.get("params") or {}).get("version") == doc.version,
                          s.args.timeout, f"publishDiagnostics of {doc.rel} v{doc.version} "
                          f"(op {s.op_index})")
    return doc.diag[1]


def req_code_action(s, rng, doc):
    diags = [d for d in current_diagnostics(s, doc) if d.get("code") not in CROSS_FILE_RULES
             and not (d.get("code") == "duplicate-definition"
                      and not str(d.get("message", "")).startswith("source"))]
    if diags and rng.random() < 0.8:
        d = rng.choice(diags)
        rng_ = d["range"]
        context = {"diagnostics": [d]}
    else:
        a = request_offset(rng, doc)
        b = snap(doc.text, min(len(doc.text), a + rng.randint(0, 40)))
        rng_ = {"start": doc.t.position(a, s.encoding), "end": doc.t.position(b, s.encoding)}
        context = {"diagnostics": []}
    if rng.random() < 0.1:
        context["only"] = [rng.choice(["quickfix", "refactor", "source.newsmark.linkAll"])]
    res, _ = s.rpc("textDocument/codeAction", td(doc) | {"range": rng_, "context": context})
    actions = [a for a in res or [] if isinstance(a, dict) and a.get("edit")]
    if actions and rng.random() < 0.3:
        action = rng.choice(actions)
        outcome = apply_workspace_edit(s, action["edit"], f"codeAction {action.get('title')!r}")
        s.applied[f"code action {outcome}"] += 1


def req_folding(s, rng, doc):
    res, _ = s.rpc("textDocument/foldingRange", td(doc))
    n = doc.t.line_count()
    for f in res or []:
        if not (0 <= f.get("startLine", -1) <= f.get("endLine", -1) < n):
            s.finding("invalid range", f"foldingRange on {doc.rel}: {f} with {n} lines")
            break


def req_selection(s, rng, doc):
    positions = [doc.t.position(request_offset(rng, doc), s.encoding)
                 for _ in range(rng.randint(1, 3))]
    res, _ = s.rpc("textDocument/selectionRange", td(doc) | {"positions": positions})
    if res is not None and len(res) != len(positions):
        s.finding("selectionRange count differs", f"{len(res)} for {len(positions)} positions")
    for sel in res or []:
        inner = None
        depth = 0
        while sel and depth < 100:
            r = sel.get("range")
            if not s.check_range(doc, r, "selectionRange"):
                break
            if inner is not None:
                key = lambda p: (p["line"], p["character"])  # noqa: E731
                if key(r["start"]) > key(inner["start"]) or key(r["end"]) < key(inner["end"]):
                    s.finding("selectionRange parent does not contain its child",
                              f"{doc.rel}: {inner} in {r}")
                    break
            inner = r
            sel = sel.get("parent")
            depth += 1


def req_formatting(s, rng, doc):
    opts = {"tabSize": 2, "insertSpaces": True}
    res, _ = s.rpc("textDocument/formatting", td(doc) | {"options": opts})
    if res and rng.random() < 0.5:
        if apply_text_edits(s, doc, res, "formatting"):
            s.applied["formatting"] += 1
            again, _ = s.rpc("textDocument/formatting", td(doc) | {"options": opts})
            if again:
                s.finding("formatting not idempotent",
                          f"{doc.rel} v{doc.version}: {len(again)} more edits, first {again[0]}"[:300])


def req_prepare_rename(s, rng, doc):
    res, _ = s.rpc("textDocument/prepareRename", at(s, rng, doc), allow=(REQUEST_FAILED,))
    if isinstance(res, dict):
        s.check_range(doc, res.get("range", res), "prepareRename")


def req_rename(s, rng, doc):
    params = at(s, rng, doc)
    r = rng.random()
    if r < 0.7:
        name = s.fresh("soak-r")
    elif r < 0.85:
        name = rng.choice(["bad id", "-x", "x_", "général", "", "a.b", "@x", "^y"])
    else:
        sources = SOURCE_DEF_RE.findall(doc.text)
        name = rng.choice(sources + s.entity_pool()[:50])
    res, err = s.rpc("textDocument/rename", params | {"newName": name}, allow=(REQUEST_FAILED,))
    if res:
        outcome = apply_workspace_edit(s, res, f"rename to {name!r}")
        s.applied[f"rename {outcome}"] += 1
        if outcome == "applied":
            s.pool_dirty = True


WS_QUERIES = ["e1", "e19", "Kov", "s12", "", "soak", "Soaky", "zzzz", "Київ", "Unit 1", "ssu", "x"]


def req_workspace_symbol(s, rng, doc):
    res, _ = s.rpc("workspace/symbol", {"query": rng.choice(WS_QUERIES)})
    for sym in (res or [])[:200]:
        loc = sym.get("location")
        if isinstance(loc, dict) and "range" in loc:
            s.check_location(loc, "workspace/symbol")


def bogus_uri(s, rng):
    return f"file:///nonexistent-soak/{rng.choice(['a', 'b', 'c'])}-{rng.randint(0, 3)}.news"


def context_for(method):
    if method == "textDocument/completion":
        return {"context": {"triggerKind": 1}}
    if method == "textDocument/references":
        return {"context": {"includeDeclaration": True}}
    return {}


def req_oddity(s, rng, doc):
    k = rng.randrange(11)
    t = doc.t
    if k == 0:
        method = rng.choice(["textDocument/hover", "textDocument/definition",
                             "textDocument/references", "textDocument/completion",
                             "textDocument/prepareRename", "textDocument/documentHighlight"])
        params = {"textDocument": {"uri": bogus_uri(s, rng)}, "position": {"line": 3, "character": 4}}
        s.rpc(method, params | context_for(method))
        return "oddity: unknown URI (position request)"
    if k == 1:
        method = rng.choice(["textDocument/documentSymbol", "textDocument/semanticTokens/full",
                             "textDocument/codeLens", "textDocument/foldingRange",
                             "textDocument/documentLink"])
        s.rpc(method, {"textDocument": {"uri": rng.choice([bogus_uri(s, rng), "untitled:Untitled-1"])}})
        return "oddity: unknown URI (document request)"
    if k == 2:
        line = rng.randrange(t.line_count())
        pos = rng.choice([{"line": line, "character": 10 ** 6},
                          {"line": t.line_count() + 10, "character": 0},
                          {"line": 2 ** 31 - 1, "character": 2 ** 31 - 1}])
        method = rng.choice(["textDocument/hover", "textDocument/completion",
                             "textDocument/definition", "textDocument/documentHighlight"])
        s.rpc(method, {"textDocument": {"uri": doc.uri}, "position": pos} | context_for(method))
        return "oddity: position past the end"
    if k == 3:
        s.rpc("newsmark/soakBogusMethod", {"x": 1}, allow=(METHOD_NOT_FOUND,))
        return "oddity: unknown method"
    if k == 4:
        s.rpc("textDocument/hover", {"textDocument": {"uri": doc.uri}}, allow=(INVALID_PARAMS,))
        return "oddity: missing params"
    if k == 5:
        s.rpc("textDocument/hover", {"textDocument": {"uri": doc.uri},
                                     "position": {"line": -1, "character": -5}},
              allow=(INVALID_PARAMS,))
        return "oddity: negative position"
    if k == 6:
        s.notify("textDocument/didChange", {"textDocument": {"uri": bogus_uri(s, rng), "version": 7},
                                            "contentChanges": [{"text": "ghost"}]})
        s.rpc("textDocument/documentSymbol", td(doc))
        return "oddity: didChange for a document never opened"
    if k == 7:
        s.notify("$/cancelRequest", {"id": max(1, s.client.next_id - rng.randint(0, 5))})
        s.rpc("textDocument/foldingRange", td(doc))
        return "oddity: cancel a finished request"
    if k == 8:
        s.rpc("textDocument/semanticTokens/full/delta", td(doc) | {"previousResultId": "bogus-9"})
        doc.tokens_id = None
        return "oddity: stale semantic tokens result id"
    if k == 9:
        s.rpc("inlayHint/resolve", {"position": {"line": 0, "character": 0}, "label": "x",
                                    "data": {"uri": bogus_uri(s, rng), "offset": 10 ** 9}})
        return "oddity: resolve a hint of an unknown document"
    s.notify("textDocument/didClose", {"textDocument": {"uri": bogus_uri(s, rng)}})
    s.rpc("textDocument/documentSymbol", td(doc))
    return "oddity: didClose for a document never opened"


REQUESTS = [  # (weight, name, function)
    (10, "hover", req_hover), (9, "completion", req_completion), (7, "definition", req_definition),
    (5, "references", req_references), (7, "documentHighlight", req_highlight),
    (5, "documentSymbol", req_symbols), (4, "semanticTokens/full", req_tokens_full),
    (6, "semanticTokens/full/delta", req_tokens_delta), (2, "semanticTokens/range", req_tokens_range),
    (5, "inlayHint", req_inlay), (3, "codeLens", req_lens), (8, "codeAction", req_code_action),
    (2, "documentLink", req_links), (4, "foldingRange", req_folding),
    (4, "selectionRange", req_selection), (4, "formatting", req_formatting),
    (4, "prepareRename", req_prepare_rename), (4, "rename", req_rename),
    (2, "workspace/symbol", req_workspace_symbol), (3, "oddity", req_oddity),
]
REQ_WEIGHTS = [w for w, _, _ in REQUESTS]


# Op categories: the upper bound of each one's share of [0, 1).
CATEGORIES = [(0.535, "edit"), (0.555, "full"), (0.585, "registry"), (0.595, "past-end"),
              (0.6, "churn"), (1.0, "request")]


def one_op(s, rng):
    only = s.args.only
    while True:
        r = rng.random()
        articles = [d for d in s.open_docs if not d.registry]
        # Requests go to articles mostly; registries get a share (a code lens there counts the
        # mentions of 100 entities across the whole workspace).
        doc = rng.choice(s.registries if s.registries and rng.random() < 0.1 else articles)
        category = next(c for bound, c in CATEGORIES if r < bound)
        if category == "registry" and not s.registries:
            category = "past-end"
        if category != "request":
            if only and category not in only:
                continue
            if category == "edit":
                return op_edit(s, rng, rng.choice(s.open_docs))
            if category == "full":
                return op_full_replace(s, rng, rng.choice(articles))
            if category == "registry":
                return op_registry(s, rng, rng.choice(s.registries))
            if category == "past-end":
                return op_edit_past_end(s, rng, rng.choice(s.open_docs))
            return op_churn(s, rng) or op_edit(s, rng, doc)
        _, name, fn = rng.choices(REQUESTS, weights=REQ_WEIGHTS)[0]
        if only and "request" not in only and name not in only:
            continue
        kind = fn(s, rng, doc)
        return kind or f"request: {name}"


# --------------------------------------------------------------------------------------------
# The session
# --------------------------------------------------------------------------------------------


def rss(s):
    try:
        return proc_status(s.client.pid).get("VmRSS")
    except OSError:
        return None


def sync(s):
    """A cheap request: everything sent before it has been read by the server."""
    s.rpc("textDocument/foldingRange", td(s.open_docs[0]), step="a sync request")


def hash_tree(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for name in files:
            p = os.path.join(dirpath, name)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = hashlib.blake2b(f.read(), digest_size=16).digest()
    return out


def initialize(s, root):
    caps = {
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "window": {"workDoneProgress": True},
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "completion": {"completionItem": {"snippetSupport": False}},
            "rename": {"prepareSupport": True},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "quickfix", "refactor", "refactor.rewrite", "source"]}}},
            "semanticTokens": {"requests": {"full": {"delta": True}, "range": True},
                               "tokenTypes": [], "tokenModifiers": [], "formats": ["relative"]},
            "inlayHint": {"resolveSupport": {"properties": ["tooltip"]}},
        },
        "workspace": {"workspaceFolders": True, "configuration": False,
                      "workspaceEdit": {"documentChanges": True},
                      "semanticTokens": {"refreshSupport": True},
                      "inlayHint": {"refreshSupport": True}},
    }
    params = {"processId": os.getpid(), "rootUri": file_uri(root),
              "workspaceFolders": [{"uri": file_uri(root), "name": root.name}],
              "capabilities": caps, "clientInfo": {"name": "newsmark-soak"}}
    res, err = s.rpc("initialize", params, step="the initialize response")
    if err:
        raise StepFailure(f"initialize failed: {err}")
    caps = (res or {}).get("capabilities") or {}
    s.encoding = caps.get("positionEncoding") or "utf-16"


def wait_indexed(s):
    created = []

    def index_end(msg):
        if msg.get("method") == "window/workDoneProgress/create":
            created.append((msg.get("params") or {}).get("token"))
        if msg.get("method") != "$/progress":
            return False
        p = msg.get("params") or {}
        return (p.get("value") or {}).get("kind") == "end" and p.get("token") in created

    started = time.perf_counter()
    s.notify("initialized", {})
    s.client.wait_for(index_end, s.args.index_timeout, "the $/progress end of indexing")
    return time.perf_counter() - started


def wait_quiescent(s, quiet, timeout, step):
    """Until every open document has a publish for its current version and no publish has
    arrived for `quiet` seconds."""
    deadline = time.perf_counter() + timeout
    while True:
        pending = [d for d in s.open_docs if not d.diag or d.diag[0] != d.version]
        now = time.perf_counter()
        if not pending and now - s.last_publish >= quiet:
            return
        if now > deadline:
            names = ", ".join(f"{d.rel} v{d.version} (last {d.diag[0] if d.diag else None})"
                              for d in pending[:5])
            raise StepFailure(f"timed out after {timeout:g} s waiting for {step}: "
                              f"{len(pending)} documents without current diagnostics: {names}"
                              f"{s.client._stderr_tail()}")
        try:
            s.client.wait_for(lambda m: False, 0.1, "nothing")
        except BenchError as e:
            if "timed out" not in str(e):
                raise


def compare_diagnostics(s, server_exe, copy):
    """Fresh `newsmark check` of the copy against the server's last diagnostics."""
    started = time.perf_counter()
    proc = subprocess.run([str(server_exe), "check", "--format", "json", str(copy)],
                          capture_output=True, timeout=900)
    took = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise StepFailure(f"newsmark check exited with {proc.returncode}: "
                          f"{proc.stderr.decode(errors='replace')[-2000:]}")
    items = json.loads(proc.stdout)["findings"]
    cli = collections.defaultdict(collections.Counter)
    for it in items:
        key = str(Path(it["file"]).resolve())
        cli[key][(it["rule"], it["line"], it["column"], it["end_line"], it["end_column"],
                  it["message"], it["severity"])] += 1
    diffs = []
    compared = 0
    beyond = 0
    for doc in s.open_docs:
        server = collections.Counter()
        for d in doc.diag[1]:
            r = d["range"]
            l1, c1 = doc.t.codepoint_col(r["start"], s.encoding)
            l2, c2 = doc.t.codepoint_col(r["end"], s.encoding)
            code = d.get("code")
            server[(code, l1 + 1, c1 + 1, l2 + 1, c2 + 1, d.get("message"),
                    SEVERITY.get(d.get("severity"), d.get("severity")))] += 1
        theirs = cli.get(str(doc.path.resolve()), collections.Counter())
        compared += sum(server.values())
        only_server = server - theirs
        only_cli = theirs - server
        # The same differences with the ids listed in a message sorted: tells differences in
        # the order of "several entities (@a, @b)" apart from the rest.
        norm = lambda c: collections.Counter({k[:5] + (IDS_IN_PARENS.sub(  # noqa: E731
            lambda m: "(" + ", ".join(sorted(m.group(1).split(", "))) + ")", k[5]),) + k[6:]: n
            for k, n in c.items()})
        a, b = norm(only_server), norm(only_cli)
        beyond += sum(((a - b) + (b - a)).values())
        for k in sorted(only_server, key=str):
            diffs.append(f"{doc.rel}: only the server: {k}")
        for k in sorted(only_cli, key=str):
            diffs.append(f"{doc.rel}: only check: {k}")
    return {"diagnostics_compared": compared, "documents": len(s.open_docs),
            "check_total_diagnostics": len(items), "check_seconds": took,
            "differences": len(diffs), "differences_beyond_id_order": beyond,
            "first_differences": diffs[:5000]}


def run(args, s, out):
    rng = s.rng
    server = Path(args.server).resolve()
    corpus = Path(args.corpus).resolve()
    ensure_corpus(corpus)

    # 1. The copy.
    work = Path(tempfile.mkdtemp(prefix="newsmark-soak-", dir=args.work_dir))
    s.work = work
    copy = work / "corpus"
    t0 = time.perf_counter()
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("bench-tmp"))
    before = hash_tree(copy)
    out["corpus"] = {"source": str(corpus), "copy": str(copy), "files": len(before),
                     "copy_seconds": time.perf_counter() - t0}
    files = sorted(p for p in copy.rglob("*.news") if p.is_file())
    registries = [p for p in files if "registry" in p.relative_to(copy).parts[:-1]
                  or p.name.startswith("entities")]
    registry_set = set(registries)
    articles = [p for p in files if p not in registry_set]
    if args.registries is not None:
        registries = registries[:args.registries]
    picked = rng.sample(articles, min(args.open, len(articles)))

    def make(p, registry):
        d = Doc(p, str(p.relative_to(copy)), registry)
        s.docs[d.uri] = d
        return d

    out["articles_in_corpus"] = len(articles)
    out["registries"] = [str(p.relative_to(copy)) for p in registries]

    # 2. The session.
    # The server's own log at debug level gives each request's time inside the server.
    os.environ.setdefault("NEWSMARK_LOG", "debug")
    s.client = SoakClient(s, "newsmark", [str(server), "lsp"], str(work), str(work / "server.stderr"))
    initialize(s, copy)
    out["position_encoding"] = s.encoding
    out["indexing_seconds"] = wait_indexed(s)
    for p in registries:
        d = make(p, True)
        s.registries.append(d)
        open_doc(s, d)
    for p in picked:
        open_doc(s, make(p, False))
    # A pool of other articles for the churn (closed, read on demand).
    for p in rng.sample(articles, min(200, len(articles))):
        if s.docs.get(file_uri(p)) is None:
            make(p, False)
    wait_quiescent(s, 0.5, args.timeout * 4, "the first diagnostics of the opened documents")
    out["opened"] = {"articles": len(picked), "registries": len(registries)}

    samples = []
    named = {}

    def sample(label=None):
        value = rss(s)
        samples.append({"ops": s.op_index, "seconds": time.perf_counter() - start, "rss": value})
        if label:
            named[label] = value
        return value

    start = time.perf_counter()
    sample("start")
    out["open_text_bytes_start"] = sum(len(d.text.encode()) for d in s.open_docs)
    print(f"indexed in {out['indexing_seconds']:.1f} s; {len(s.open_docs)} documents open; "
          f"encoding {s.encoding}; RSS {named['start'] / MiB:.0f} MiB", flush=True)

    # 3. The operations.
    warmup = args.warmup if args.warmup is not None else max(1, args.ops // 10)
    middle = args.ops // 2
    for i in range(1, args.ops + 1):
        s.op_index = i
        kind = one_op(s, rng)
        s.ops[kind] += 1
        if i % 1000 == 0 or i in (warmup, middle, args.ops):
            s.alive()
            sync(s)
            label = {warmup: "warmup", middle: "middle", args.ops: "end"}.get(i)
            value = sample(label)
            if i % args.progress_every == 0 or label:
                el = time.perf_counter() - start
                print(f"  {i:>7,} ops  {el:7.1f} s  {i / el:6.0f} ops/s  RSS {value / MiB:6.0f} MiB"
                      f"{'  (' + label + ')' if label else ''}", flush=True)
        if s.failures and args.stop_on_failure:
            break
    wall = time.perf_counter() - start
    out["ops_seconds"] = wall
    out["ops_per_second"] = s.op_index / wall if wall else 0

    # 4. Quiescence, disk check, shutdown.
    t = time.perf_counter()
    wait_quiescent(s, 1.0, args.timeout * 4, "quiescent diagnostics at the end")
    out["quiescence_seconds"] = time.perf_counter() - t
    named["end_quiescent"] = rss(s)
    hwm = proc_status(s.client.pid).get("VmHWM")
    out["open_text_bytes_end"] = sum(len(d.text.encode()) for d in s.open_docs)
    after = hash_tree(copy)
    written = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)
                     and k != "server.stderr")
    out["files_changed_by_server"] = written[:20]
    if written:
        s.failures.append(f"the server changed {len(written)} files on disk: {written[:5]}")

    res, err = s.rpc("shutdown", None, step="the shutdown response")
    s.notify("exit", None)
    try:
        code = s.client.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    out["exit_status"] = code
    if code != 0:
        s.failures.append(f"the server exited with status {code} after shutdown + exit")
    stderr = (work / "server.stderr").read_bytes().decode("utf-8", "replace")
    if "panicked" in stderr:
        s.failures.append("the server's stderr reports a panic: " + stderr[-1500:])
    out["server_side"] = server_side_latencies(stderr)

    # 5. Final texts and the fresh check.
    for d in s.open_docs:
        d.path.write_bytes(d.text.encode("utf-8"))
    cmp = compare_diagnostics(s, server, copy)
    out["comparison"] = cmp
    if cmp["differences"]:
        s.failures.append(f"{cmp['differences']} diagnostics differ between the server and "
                          f"newsmark check")

    vals = [x["rss"] for x in samples if x["rss"]]
    out["rss"] = {"start": named.get("start"), "warmup": named.get("warmup"),
                  "middle": named.get("middle"), "end": named.get("end"),
                  "end_quiescent": named.get("end_quiescent"), "max_sampled": max(vals),
                  "peak_VmHWM": hwm, "samples": samples}
    warm, end = named.get("warmup"), named.get("end")
    if warm and end:
        out["rss"]["end_over_warmup"] = end / warm
        limit = RSS_FACTOR * warm + RSS_SLACK
        out["rss"]["limit"] = limit
        if end > limit and not s.args.no_memory_check:
            s.failures.append(f"memory not flat: end RSS {end / MiB:.0f} MiB > "
                              f"{RSS_FACTOR} x warm-up {warm / MiB:.0f} MiB + {RSS_SLACK // MiB} MiB")


def percentile(values, p):
    """The nearest-rank percentile: the smallest value with at least p% of them at or below."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


REQUEST_DONE = re.compile(r'request done method="?([^" ]+)"?.*?total_us=(\d+)')


def server_side_latencies(stderr):
    """Each request's time inside the server, from its own log (`NEWSMARK_LOG=debug` writes
    a `request done` line with `total_us`, from the request's arrival to its result): the
    latency without this client's own costs (Python parsing every publishDiagnostics on the
    same two cores). Empty when the log is not at debug level."""
    by_method = collections.defaultdict(list)
    for m in REQUEST_DONE.finditer(stderr):
        by_method[m.group(1)].append(int(m.group(2)) / 1e6)
    return {k: {"count": len(v), "p50_ms": 1000 * percentile(v, 50),
                "p99_ms": 1000 * percentile(v, 99), "max_ms": 1000 * max(v)}
            for k, v in by_method.items()}


def report(s, out):
    print()
    print(f"newsmark soak: {s.op_index:,} ops, seed {s.args.seed}, {out.get('opened')}, "
          f"encoding {out.get('position_encoding')}")
    print(f"corpus copy: {out['corpus']['files']:,} files; indexing {out.get('indexing_seconds', 0):.1f} s")
    wall = out.get("ops_seconds", 0)
    print(f"wall time for the ops: {wall:.1f} s ({out.get('ops_per_second', 0):.0f} ops/s); "
          f"quiescence at the end {out.get('quiescence_seconds', 0):.1f} s")
    print("\nops by kind")
    for k, n in sorted(s.ops.items(), key=lambda x: (-x[1], x[0])):
        print(f"  {n:>8,}  {k}")
    print("\nrequests (count, mean, p50, p99, max; ms)")
    for k, n in sorted(s.requests.items(), key=lambda x: (-x[1], x[0])):
        p50, p99 = percentile(s.latencies[k], 50), percentile(s.latencies[k], 99)
        print(f"  {n:>8,}  {k:<40} {1000 * s.request_time[k] / n:8.2f} {1000 * p50:8.2f} "
              f"{1000 * p99:8.2f} {1000 * s.request_max[k]:9.1f}")
    every = [t for ts in s.latencies.values() for t in ts]
    if every:
        print(f"  {len(every):>8,}  {'(all requests)':<40} {1000 * sum(every) / len(every):8.2f} "
              f"{1000 * percentile(every, 50):8.2f} {1000 * percentile(every, 99):8.2f} "
              f"{1000 * max(every):9.1f}")
    if s.slow:
        print("  slowest: " + ", ".join(f"{m} {1000 * t:.0f} ms (op {o})" for t, m, o in s.slow[:5]))
    server_side = out.get("server_side") or {}
    if server_side:
        print("\nrequests inside the server, from its log (count, p50, p99, max; ms)")
        for k, v in sorted(server_side.items(), key=lambda x: -x[1]["count"]):
            print(f"  {v['count']:>8,}  {k:<40} {v['p50_ms']:8.2f} {v['p99_ms']:8.2f} "
                  f"{v['max_ms']:9.1f}")
    print("\nerror responses by code")
    if not s.errors:
        print("  none")
    for (method, code), n in sorted(s.errors.items(), key=lambda x: (str(x[0][1]), x[0][0])):
        print(f"  {n:>8,}  {code}  {method}: {s.error_examples[(method, code)]}")
    print("\nserver's edits applied (completion, formatting, code actions, renames) and extra checks")
    for k, n in sorted(s.applied.items()):
        print(f"  {n:>8,}  {k}")
    print(f"\nserver -> client requests: {dict(s.server_requests)}; publishDiagnostics: {s.publishes:,} "
          f"({s.closed_publishes:,} of them for closed articles never opened)")
    r = out.get("rss")
    if r:
        f = lambda v: f"{v / MiB:.0f} MiB" if v else "-"  # noqa: E731
        print(f"\nRSS: start {f(r['start'])}, warm-up {f(r['warmup'])}, middle {f(r['middle'])}, "
              f"end {f(r['end'])} (after quiescence {f(r['end_quiescent'])}), max sampled "
              f"{f(r['max_sampled'])}, peak (VmHWM) {f(r['peak_VmHWM'])}")
        print(f"     open documents' text: {out['open_text_bytes_start'] / 1024:.0f} KiB at the start, "
              f"{out['open_text_bytes_end'] / 1024:.0f} KiB at the end")
        if "end_over_warmup" in r:
            print(f"     end / warm-up = {r['end_over_warmup']:.3f}; flat when end <= "
                  f"{RSS_FACTOR} x warm-up + {RSS_SLACK // MiB} MiB = {f(r['limit'])}")
    c = out.get("comparison")
    if c:
        print(f"\ndiagnostics vs a fresh `newsmark check`: {c['documents']} open documents, "
              f"{c['diagnostics_compared']:,} server diagnostics, {c['differences']} differences "
              f"({c['differences_beyond_id_order']} beyond the order of ids in a message) "
              f"(check found {c['check_total_diagnostics']:,} in the whole corpus, "
              f"{c['check_seconds']:.1f} s)")
        for d in c["first_differences"][:8]:
            print(f"  {d}")
    print(f"server exit status: {out.get('exit_status')}; files changed on disk by the server: "
          f"{len(out.get('files_changed_by_server') or [])}")
    if s.findings:
        print("\nother findings (invariants beyond the acceptance points)")
        for k, n in s.findings.items():
            print(f"  {n:>6}  {k}")
            for ex in s.finding_examples[k][:3]:
                print(f"          {ex[:300]}")
    print()
    if s.failures:
        print("FAIL:")
        for f_ in s.failures:
            print(f"  - {f_[:600]}")
    else:
        memory = "not checked" if s.args.no_memory_check else "flat"
        print(f"PASS: no crash, memory {memory}, diagnostics equal a fresh check")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default=str(REPO / "target/release/newsmark"))
    parser.add_argument("--corpus", default=str(REPO / "target/bench/corpus"),
                        help="the workspace to copy (generated here when missing)")
    parser.add_argument("--ops", type=int, default=100000)
    parser.add_argument("--warmup", type=int, default=None,
                        help="ops before the warm-up memory sample (default: 10%% of --ops)")
    parser.add_argument("--open", type=int, default=20, help="articles opened (plus the registries)")
    parser.add_argument("--registries", type=int, default=None,
                        help="how many registry files to open (default: all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds for each request")
    parser.add_argument("--index-timeout", type=float, default=300.0)
    parser.add_argument("--work-dir", default=None, help="where the corpus copy goes (default: $TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus copy afterwards")
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--trace", metavar="FILE", help="write every message sent as JSON lines")
    parser.add_argument("--progress-every", type=int, default=5000)
    parser.add_argument("--stop-on-failure", action="store_true")
    parser.add_argument("--only", type=lambda v: set(v.split(",")), default=None,
                        help="for investigations: only these op categories (edit, full, registry, "
                             "past-end, churn, request) and/or request names (hover, codeLens...)")
    parser.add_argument("--no-memory-check", action="store_true",
                        help="report memory but do not fail on it (short runs of a debug build, "
                             "as scripts/test does: too short for the heap to settle)")
    parser.add_argument("--strict", action="store_true",
                        help="other findings (invalid ranges, wrong versions...) fail the run too")
    args = parser.parse_args()
    if not Path(args.server).is_file():
        sys.exit(f"error: no server binary at {args.server}; build it with `cargo build --release`")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    rng = random.Random(args.seed)
    s = Session(args, rng)
    s.work = None
    out = {"server": str(Path(args.server).resolve()), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
           "seed": args.seed, "ops_requested": args.ops, "cores": os.cpu_count()}
    code = 0
    try:
        run(args, s, out)
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        out["error"] = str(e)
        code = 2
    except KeyboardInterrupt as e:
        print(f"interrupted ({e or 'Ctrl-C'})", file=sys.stderr)
        out["error"] = "interrupted"
        code = 130
    finally:
        if s.client is not None:
            s.closing = True
            try:
                s.client.close()
            except Exception as e:  # noqa: BLE001
                print(f"warning: could not stop the server: {e}", file=sys.stderr)
        if s.trace_file:
            s.trace_file.close()
    out["ops_done"] = s.op_index
    out["ops"] = dict(s.ops)
    out["requests"] = dict(s.requests)
    out["errors"] = [{"method": m, "code": c, "count": n, "example": s.error_examples[(m, c)]}
                     for (m, c), n in s.errors.items()]
    out["applied"] = dict(s.applied)
    out["slowest_requests"] = [{"ms": 1000 * t, "method": m, "op": o} for t, m, o in s.slow]
    out["request_stats"] = {m: {"count": n, "mean_ms": 1000 * s.request_time[m] / n,
                                "p50_ms": 1000 * percentile(s.latencies[m], 50),
                                "p99_ms": 1000 * percentile(s.latencies[m], 99),
                                "max_ms": 1000 * s.request_max[m]} for m, n in s.requests.items()}
    out["findings"] = {k: {"count": n, "examples": s.finding_examples[k]} for k, n in s.findings.items()}
    out["failures"] = s.failures
    if "corpus" in out:
        report(s, out)
    if code == 0:
        failed = bool(s.failures) or (args.strict and bool(s.findings))
        code = 1 if failed else 0
    if code != 0 and s.work is not None:
        dump = s.work.parent / (s.work.name + "-last-messages.jsonl")
        dump.write_text("\n".join(s.recent) + "\n")
        print(f"the last {len(s.recent)} messages sent are in {dump}", file=sys.stderr)
    if s.work is not None and not args.keep:
        shutil.rmtree(s.work, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2, default=str)
            f.write("\n")
    sys.exit(code)


if __name__ == "__main__":
    main()
