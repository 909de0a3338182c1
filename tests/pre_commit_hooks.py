#!/usr/bin/env python3
"""The hooks of .pre-commit-hooks.yaml, run by pre-commit (PyPI) as a user's repository runs them.

Usage: pre_commit_hooks.py SERVER [--require] [--rust]

Clones this repository into target/pre-commit/clone (with the working copy's
.pre-commit-hooks.yaml committed there, so an uncommitted edit of it is what is tested), makes
a git repository of its own in a temporary directory (a registry, entities.news, at its top and
an article in desk/), and runs `pre-commit try-repo CLONE HOOK` there:

- with --all-files: an unattributed number fails the hook, with the finding in its output;
  once the number is cited, the hook passes;
- on the staged files only (pre-commit's default): the staged article alone is passed to
  newsmark, and an entity it mentions that is defined only in the registry (committed, not
  staged) is found, while one defined nowhere fails the hook.

The `newsmark-system` hook runs SERVER (put on PATH as `newsmark`). With --rust, the
`newsmark` hook (language: rust) goes through the same steps, built by pre-commit from the
clone with `cargo install`. `try-repo` installs a hook's environment afresh in a temporary
store every time, a release build of newsmark for each of the four runs, so the rust hook is
run as a user's repository runs it instead: a .pre-commit-config.yaml naming the clone and its
revision, and `pre-commit run`, with PRE_COMMIT_HOME and CARGO_TARGET_DIR under
target/pre-commit, so the build is made once per revision and reused by later runs.

pre-commit missing: exit 77 with a note (scripts/test counts it as not installed), or a
failure with --require.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "pre-commit"

REGISTRY = """\
[@blinken]: Antony Blinken
  kind: person
  role: U.S. Secretary of State
"""

FRONT = """\
---
title: North Korean soldiers captured in Kursk
date: 2025-01-12
---

"""

UNATTRIBUTED = FRONT + "The army lost 1,000 soldiers in the region.\n"

CITED = FRONT + """\
The army lost 1,000 soldiers in the region.[^report]

[^report]: Ministry of Defence, daily report
  url: https://example.org/report
  date: 2025-01-11
"""

MENTIONS_REGISTRY = FRONT + "On Monday, [Antony Blinken](@blinken) spoke in Kyiv.\n"
MENTIONS_NOBODY = FRONT + "On Monday, @nobody spoke in Kyiv.\n"

failures = []
checks = 0


def check(name, condition, detail=""):
    global checks
    checks += 1
    print(("ok   " if condition else "FAIL ") + name)
    if not condition:
        failures.append(name)
        if detail:
            print("\n".join("     " + line for line in detail.splitlines()))


def git(cwd, *args):
    subprocess.run(
        ["git", "-c", "user.name=newsmark test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def clone_repository():
    """A clone of this repository at HEAD, with the working copy's hooks file committed."""
    clone = WORK / "clone"
    if clone.exists():
        shutil.rmtree(clone)
    WORK.mkdir(parents=True, exist_ok=True)
    git(WORK, "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone))
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_bytes()
    committed = clone / ".pre-commit-hooks.yaml"
    if not committed.exists() or committed.read_bytes() != hooks:
        committed.write_bytes(hooks)
        git(clone, "add", ".pre-commit-hooks.yaml")
        # A fixed date, so the same hooks file on the same HEAD is the same revision and
        # pre-commit reuses the environment it installed for it (the rust hook's build).
        env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
        subprocess.run(
            ["git", "-c", "user.name=newsmark test", "-c", "user.email=test@example.org",
             "commit", "--quiet", "-m", "the working copy's .pre-commit-hooks.yaml"],
            cwd=clone, check=True, env=env, stdout=subprocess.DEVNULL,
        )
    return clone


def write(repo, path, text):
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def head(repo):
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, stdout=subprocess.PIPE, text=True
    ).stdout.strip()


def pre_commit(repo, clone, hook, env, configured, *args):
    """`pre-commit try-repo CLONE HOOK`, or `pre-commit run` with CLONE in the repository's config."""
    if configured:
        command = ["pre-commit", "run", *args]
    else:
        command = ["pre-commit", "try-repo", str(clone), hook, *args]
    out = subprocess.run(
        command,
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return out.returncode, out.stdout


def run_hook(hook, clone, env, configured=False):
    with tempfile.TemporaryDirectory(prefix="newsmark-pre-commit-") as tmp:
        repo = Path(tmp)
        git(repo, "init", "--quiet")
        if configured:
            write(
                repo,
                ".pre-commit-config.yaml",
                f"repos:\n  - repo: {clone}\n    rev: {head(clone)}\n    hooks:\n      - id: {hook}\n",
            )
        write(repo, "entities.news", REGISTRY)
        write(repo, "desk/story.news", UNATTRIBUTED)
        git(repo, "add", "-A")

        code, out = pre_commit(repo, clone, hook, env, configured, "--all-files")
        check(f"{hook}: an unattributed number fails the hook", code == 1, out)
        check(
            f"{hook}: its output names the file and the rule",
            "desk/story.news:6:" in out and "unattributed-number" in out,
            out,
        )

        write(repo, "desk/story.news", CITED)
        git(repo, "add", "-A")
        code, out = pre_commit(repo, clone, hook, env, configured, "--all-files")
        check(f"{hook}: the number cited, the hook passes", code == 0 and "Passed" in out, out)
        git(repo, "commit", "--quiet", "-m", "registry and story")

        # Only the staged article is passed; its entity is defined in the committed registry.
        write(repo, "desk/speech.news", MENTIONS_REGISTRY)
        git(repo, "add", "desk/speech.news")
        code, out = pre_commit(repo, clone, hook, env, configured, "--verbose")
        check(
            f"{hook}: a staged article alone is checked against the workspace's registry",
            code == 0 and "Passed" in out and "1 file checked" in out,
            out,
        )
        write(repo, "desk/speech.news", MENTIONS_NOBODY)
        git(repo, "add", "desk/speech.news")
        code, out = pre_commit(repo, clone, hook, env, configured)
        check(
            f"{hook}: a staged article's entity defined nowhere fails the hook",
            code == 1 and "undefined-entity" in out and "desk/speech.news" in out,
            out,
        )


def main():
    args = sys.argv[1:]
    require = "--require" in args
    rust = "--rust" in args
    positional = [a for a in args if not a.startswith("--")]
    if len(positional) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    server = Path(positional[0]).resolve()
    if not os.access(server, os.X_OK):
        print(f"pre_commit_hooks.py: no newsmark binary at {server}", file=sys.stderr)
        return 2
    if shutil.which("pre-commit") is None:
        note = "pre-commit is not installed (pip install -r tests/requirements.txt)"
        if require:
            print(f"FAIL {note}")
            return 1
        print(f"skipped: {note}")
        return 77

    clone = clone_repository()
    with tempfile.TemporaryDirectory(prefix="newsmark-bin-") as bin_dir:
        os.symlink(server, Path(bin_dir) / "newsmark")
        env = {
            **os.environ,
            "PATH": bin_dir + os.pathsep + os.environ["PATH"],
            "PRE_COMMIT_HOME": str(WORK / "home"),
            # A user's global git hooks or templates must not run in the test's repository.
            "GIT_CONFIG_GLOBAL": os.devnull,
        }
        run_hook("newsmark-system", clone, env)
        if rust:
            # Without newsmark on PATH: the hook must run the binary it built.
            env_rust = {**env, "PATH": os.environ["PATH"], "CARGO_TARGET_DIR": str(WORK / "cargo-target")}
            run_hook("newsmark", clone, env_rust, configured=True)

    print(f"pre-commit hooks: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
