#!/usr/bin/env python3
"""Checks that the documentation still matches the code it documents.

    scripts/check-docs.py [--keep] [--only CHECK[,CHECK...]] [--lang LANG] [FILE.md ...]

Checks (all by default; `--only` picks some):

  blocks   runs the command blocks of every tracked Markdown file (or the
           FILEs given), as written, on the built tree, and fails on any
           that fails. Every ```sh (bash, shell, console) block must say
           what to do with it in an HTML comment on the line before its
           opening fence; other blocks may:

             <!-- docs-test: run -->             run it (sh: bash -euo pipefail;
                                                  python: $DOCS_TEST_PYTHON)
             <!-- docs-test: run cwd=DIR status=N target=checkout -->
                 in DIR (relative to the copy), expecting exit status N
                 (default 0); `target=checkout` builds with the checkout's
                 target/ (a crate depending on cxr-host then reuses its build)
             <!-- docs-test: file=PATH -->       write the block to PATH first
             <!-- docs-test: output-of=COMMAND -->  the block is COMMAND's
                 output: a JSON sample (`…` elides, see json_matches) or text
                 whose lines start with the same words (`columns=N`, default 3)
             <!-- docs-test: map -->             a folder map: every path exists
                                                  and every workspace member is in it
             <!-- docs-test: skip: REASON -->    not run, and why

  verbs    the README's command table lists exactly the verbs of `cxr --help`.
  notice   every data file in the repository is named in NOTICE (see its
           header for the format).

How blocks run: in a scratch copy of the working tree (tracked and new
files) under a temporary directory, whose `target` links to the checkout's
build directory, with `cxr` on PATH the built target/release/cxr, the
compile cache in the temporary directory, and fixtures beside the copied
files: inbox.jsonl (the sample interactions), my_router.wasm and
my_sentiment.wasm (reference components), prod.toml, next.toml and
tenant-a.toml (the reference pipeline), my-cases.toml (a case file). Each
Markdown file gets a copy of its own; its `file=` blocks are written before
any of its blocks runs; in them `/path/to/cxr/` and
`"../cxr/` stand for the checkout, and a Cargo.toml gets the workspace's
Cargo.lock beside it (the versions CI built). A `cargo` run in the copy's
root builds the checkout instead (same sources, no second build of the
workspace), and `cargo test`/`cargo bench` only compile there (`--no-run`:
CI runs the tests itself, and benchmarks measure rather than check). A
`cargo` run anywhere else (a plugin crate made by a block) is plain cargo.
Nothing is written outside the temporary directory but the checkout's
target/.

Add a check: write `def check_NAME(ctx) -> list[str]` returning the
problems found, and add it to CHECKS.
"""

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SHELL_LANGS = {"sh", "bash", "shell", "console"}
MARKER = re.compile(r"^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(```+)\s*([\w+-]*)\s*$")
BLOCK_TIMEOUT = 1800
# Fields of a decision that depend on the build or the machine: the sample
# shows a value, the check wants only a value of the same type.
MACHINE_FIELDS = {"sha256", "fuel", "micros", "memory_bytes"}


class Block:
    def __init__(self, path, line, lang, text, marker):
        self.path, self.line, self.lang, self.text, self.marker = path, line, lang, text, marker
        self.action, self.options, self.reason = parse_marker(marker) if marker is not None else (None, {}, None)

    def where(self):
        return f"{self.path}:{self.line}"


def parse_marker(text):
    if text.startswith("skip"):
        return "skip", {}, text.partition(":")[2].strip()
    words = shlex.split(text)
    action, options = None, {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq and action is None:
            action = key
        elif key in ("file", "output-of") and action is None:
            action, options[key] = key, value
        else:
            options[key] = value
    return action, options, None


def blocks_of(path):
    """The fenced blocks of a Markdown file, with the marker before each."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m.groups()
        j = i + 1
        while j < len(lines) and not (lines[j].strip().startswith(fence) and lines[j].strip().strip("`") == ""):
            j += 1
        marker = None
        k = i - 1
        if k >= 0:
            mm = MARKER.match(lines[k])
            if mm:
                marker = mm.group(1)
        text = "\n".join(l[len(indent):] if l.startswith(indent) else l for l in lines[i + 1 : j]) + "\n"
        out.append(Block(path.relative_to(CHECKOUT), i + 1, lang, text, marker))
        i = j + 1
    return out


def tracked(pattern=None):
    args = ["git", "-C", str(CHECKOUT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    if pattern:
        args.append(pattern)
    files = subprocess.run(args, check=True, capture_output=True).stdout.decode().split("\0")
    return sorted({f for f in files if f and (CHECKOUT / f).exists() or (f and os.path.islink(CHECKOUT / f))})


def target_dir():
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps", "--manifest-path", str(CHECKOUT / "Cargo.toml")],
        check=True, capture_output=True, text=True,
    )
    return Path(json.loads(meta.stdout)["target_directory"])


def cxr_binary(target):
    binary = target / "release" / "cxr"
    if not binary.exists():
        sys.exit(f"{binary} is missing: build it first (cargo build --release)")
    return binary


# --- the scratch copy ------------------------------------------------------

CARGO_SHIM = """#!/usr/bin/env bash
# cargo as the documentation's commands see it (scripts/check-docs.py): in
# the copy's root it builds the checkout, and test/bench only compile there.
if [ "$PWD" = {root} ] && [ $# -gt 0 ]; then
    sub=$1
    shift
    case "$sub" in
        test|bench) exec {cargo} "$sub" --manifest-path {manifest} --no-run "$@" ;;
        build|run|check|doc|metadata) exec {cargo} "$sub" --manifest-path {manifest} "$@" ;;
    esac
    set -- "$sub" "$@"
fi
exec {cargo} "$@"
"""

MY_CASES = """# A case file for the documentation's examples (scripts/check-docs.py).
[[case]]
name = "a double charge goes to billing"
interaction = { id = "c1", channel = "email", body = "I was charged twice for order A123, please refund me" }
expect = { queue = "billing", discipline = "service" }
"""


class Scratch:
    def __init__(self, keep):
        self.tmp = Path(tempfile.mkdtemp(prefix="cxr-docs-")).resolve()
        self.keep = keep
        self.root = self.tmp / "cxr"
        self.bin = self.tmp / "bin"
        self.target = target_dir()

    def build(self):
        self.root.mkdir()
        files = tracked()
        # tar keeps the links (host/wit, the crates' LICENSE) as links.
        listing = "\0".join(files).encode()
        pack = subprocess.Popen(["tar", "-C", str(CHECKOUT), "--null", "-T", "-", "-cf", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        unpack = subprocess.Popen(["tar", "-C", str(self.root), "-xf", "-"], stdin=pack.stdout)
        pack.stdin.write(listing)
        pack.stdin.close()
        pack.stdout.close()
        if unpack.wait() != 0 or pack.wait() != 0:
            sys.exit("copying the working tree failed")
        (self.root / "target").symlink_to(self.target)
        self.bin.mkdir()
        (self.bin / "cxr").symlink_to(cxr_binary(self.target))
        cargo = shutil.which("cargo")
        shim = self.bin / "cargo"
        shim.write_text(CARGO_SHIM.format(root=shlex.quote(str(self.root)), cargo=shlex.quote(cargo),
                                          manifest=shlex.quote(str(CHECKOUT / "Cargo.toml"))))
        shim.chmod(0o755)
        # Fixtures the examples name.
        r = self.root
        shutil.copy(r / "examples/interactions.jsonl", r / "inbox.jsonl")
        components = self.target / "wasm-plugins/wasm32-wasip2/release"
        shutil.copy(components / "cxr_router.wasm", r / "my_router.wasm")
        shutil.copy(components / "cxr_sentiment.wasm", r / "my_sentiment.wasm")
        for name in ("prod.toml", "next.toml", "tenant-a.toml"):
            shutil.copy(r / "examples/pipeline.toml", r / name)
        (r / "my-cases.toml").write_text(MY_CASES)

    def env(self, target_checkout=False):
        env = dict(os.environ)
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["CXR_CACHE_DIR"] = str(self.tmp / "compile-cache")
        env.pop("CARGO_TARGET_DIR", None)
        if target_checkout:
            env["CARGO_TARGET_DIR"] = str(self.target)
        return env

    def close(self):
        if self.keep:
            print(f"scratch copy kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def substitute(text):
    checkout = str(CHECKOUT)
    return text.replace("/path/to/cxr/", checkout + "/").replace('"../cxr/', f'"{checkout}/')


# --- checks ------------------------------------------------------------------

def check_blocks(ctx):
    problems, blocks = [], []
    for md in ctx.markdown:
        blocks.extend(blocks_of(md))
    for b in blocks:
        if b.lang in SHELL_LANGS and b.action is None:
            problems.append(f"{b.where()}: a ```{b.lang} block without a docs-test marker (run, file=, skip: REASON)")
        if b.action not in (None, "run", "file", "output-of", "skip", "map"):
            problems.append(f"{b.where()}: unknown docs-test action {b.action!r}")
        if b.action == "skip" and not b.reason:
            problems.append(f"{b.where()}: `skip` needs a reason (skip: REASON)")
        if b.action == "run" and b.lang not in SHELL_LANGS | {"python"}:
            problems.append(f"{b.where()}: cannot run a ```{b.lang} block")
    if problems:
        return problems
    counts = {"run": 0, "skip": 0, "file": 0, "output-of": 0, "map": 0}
    for md in ctx.markdown:
        mine = [b for b in blocks if b.path == md.relative_to(CHECKOUT) and b.action is not None]
        if ctx.lang:  # only the runnable blocks of one language
            mine = [b for b in mine if b.action == "run" and b.lang == ctx.lang]
        for b in mine:
            counts[b.action] += 1
        if not any(b.action in ("run", "output-of") for b in mine):
            problems.extend(p for b in mine if b.action == "map" for p in map_block(b))
            continue
        # Each file's blocks share one scratch copy, made afresh per file.
        scratch = Scratch(ctx.keep)
        try:
            scratch.build()
            for b in mine:
                if b.action == "file":
                    dest = scratch.root / b.options["file"]
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_text(substitute(b.text))
                    if dest.name == "Cargo.toml" and not (dest.parent / "Cargo.lock").exists():
                        shutil.copy(CHECKOUT / "Cargo.lock", dest.parent / "Cargo.lock")
            for b in mine:
                if b.action == "run":
                    problems.extend(run_block(b, scratch))
                elif b.action == "output-of":
                    problems.extend(output_block(b, scratch))
                elif b.action == "map":
                    problems.extend(map_block(b))
        finally:
            scratch.close()
    print("blocks: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return problems


def run_block(b, scratch):
    cwd = scratch.root / b.options.get("cwd", ".")
    want = int(b.options.get("status", "0"))
    env = scratch.env(b.options.get("target") == "checkout")
    if b.lang == "python":
        python = os.environ.get("DOCS_TEST_PYTHON")
        if not python:
            return [f"{b.where()}: a python block, and DOCS_TEST_PYTHON (a python with the cxr package installed) is not set"]
        argv = [python, "-c", b.text]
    else:
        argv = ["bash", "-c", "set -euo pipefail\n" + b.text]
    print(f"--- {b.where()} ({b.lang}, in {cwd.relative_to(scratch.tmp)})", flush=True)
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        return [f"{b.where()}: still running after {BLOCK_TIMEOUT} s"]
    if done.returncode != want:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-40:])
        return [f"{b.where()}: exit status {done.returncode}, expected {want}:\n{indent(b.text)}\n  output (last lines):\n{indent(tail)}"]
    return []


def output_block(b, scratch):
    command = b.options["output-of"]
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + command], cwd=scratch.root, env=scratch.env(),
                          capture_output=True, text=True, timeout=BLOCK_TIMEOUT)
    if done.returncode != 0:
        return [f"{b.where()}: `{command}` failed ({done.returncode}): {done.stderr[-2000:]}"]
    if b.lang == "json":
        sample = json.loads(unelide(b.text))
        actual = json.loads(done.stdout)
        diffs = json_matches(sample, actual, "")
        return [f"{b.where()}: the sample differs from `{command}`: {d}" for d in diffs]
    columns = int(b.options.get("columns", "3"))
    shown = [l.split()[:columns] for l in b.text.splitlines() if l.strip()]
    real = [l.split()[:columns] for l in done.stdout.splitlines() if l.strip()]
    if shown != real:
        diff = difflib.unified_diff([" ".join(x) for x in real], [" ".join(x) for x in shown], "actual", "documented", lineterm="")
        return [f"{b.where()}: the output differs from `{command}` (first {columns} words of each line):\n{indent(chr(10).join(diff))}"]
    return []


def unelide(text):
    """A JSON sample with elisions as JSON: `"abc…"` stays (a prefix), `, …]`
    and `, …}` end a list or object early."""
    text = re.sub(r",\s*…\s*([\]}])", r"\1", text)
    return text


def json_matches(sample, actual, path):
    """Where `actual` does not have what `sample` shows: every key of a
    sample object, the first elements of a sample list in order, strings
    ending in `…` as prefixes, machine-dependent fields by type only."""
    key = path.rsplit(".", 1)[-1]
    if key in MACHINE_FIELDS:
        return [] if type(sample) is type(actual) or {type(sample), type(actual)} <= {int, float} else [f"{path}: {actual!r} is not like {sample!r}"]
    if isinstance(sample, dict):
        if not isinstance(actual, dict):
            return [f"{path}: {actual!r} is not an object"]
        out = []
        for k, v in sample.items():
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            else:
                out.extend(json_matches(v, actual[k], f"{path}.{k}"))
        return out
    if isinstance(sample, list):
        if not isinstance(actual, list) or len(actual) < len(sample):
            return [f"{path}: {actual!r} does not start with {len(sample)} elements"]
        out = []
        for i, v in enumerate(sample):
            out.extend(json_matches(v, actual[i], f"{path}[{i}]"))
        return out
    if isinstance(sample, str) and sample.endswith("…"):
        return [] if isinstance(actual, str) and actual.startswith(sample[:-1]) else [f"{path}: {actual!r} does not start with {sample[:-1]!r}"]
    return [] if sample == actual else [f"{path}: documented {sample!r}, actual {actual!r}"]


def map_block(b):
    problems, listed = [], []
    for line in b.text.splitlines():
        if not line.strip() or line[0].isspace():  # blank, or a description going on
            continue
        path = line.split()[0]
        listed.append(path.rstrip("/"))
        if not (CHECKOUT / path).exists():
            problems.append(f"{b.where()}: the map names {path}, which does not exist")
    meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline",
                                      "--manifest-path", str(CHECKOUT / "Cargo.toml")], check=True, capture_output=True, text=True).stdout)
    for pkg in meta["packages"]:
        member = str(Path(pkg["manifest_path"]).parent.relative_to(CHECKOUT))
        if not any(member == p or member.startswith(p + "/") for p in listed):
            problems.append(f"{b.where()}: the map does not show {member} ({pkg['name']})")
    return problems


def check_verbs(ctx):
    target = target_dir()
    top = subprocess.run([str(cxr_binary(target)), "--help"], check=True, capture_output=True, text=True).stdout
    commands = top.split("Commands:")[1].split("\n\n")[0]
    # "  VERB  what it does"; wrapped descriptions go on indented deeper.
    verbs = {m.group(1) for m in re.finditer(r"^  (\S+)", commands, re.M)} - {"help"}
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    table = {m.group(1) for m in re.finditer(r"^\| `cxr (\w+)", section, re.M)}
    problems = [f"README.md: the command table lacks `cxr {v}`" for v in sorted(verbs - table)]
    problems += [f"README.md: the command table lists `cxr {v}`, which `cxr --help` does not" for v in sorted(table - verbs)]
    print(f"verbs: {len(verbs)} in cxr --help, {len(table)} in the README's table")
    return problems


# File types that are code, build files or documentation; every other
# tracked file is data and must be named in NOTICE.
NOT_DATA = re.compile(
    r"(\.(rs|toml|lock|md|wit|sh|py|pyi|yml|yaml|js|mjs|ts|tpl)$"
    r"|(^|/)(\.gitignore|\.npmrc|py\.typed|LICENSE|NOTICE|package\.json|package-lock\.json|tsconfig\.json)$|^\.ci/)"
)


def check_notice(ctx):
    text = (CHECKOUT / "NOTICE").read_text(encoding="utf-8")
    globs, current = [], False
    for line in text.splitlines():
        if line.startswith("files:"):
            current = True
            line = line[len("files:"):]
        elif not line.startswith(" "):
            current = False
        if current and line.strip():
            globs.append(line.strip())
    problems = []
    files = [f for f in tracked() if not NOT_DATA.search(f) and not os.path.islink(CHECKOUT / f)]
    for g in globs:
        if not any(Path(f).match(g) and f.count("/") == g.count("/") for f in tracked()):
            problems.append(f"NOTICE: `files: {g}` names no file in the repository")
    for f in files:
        if not any(Path(f).match(g) and f.count("/") == g.count("/") for g in globs):
            problems.append(f"NOTICE: the data file {f} is named by no block (third-party data with its licence, or the authors' own)")
    # A package folder links to the root's LICENSE and NOTICE, or (where its
    # build tool would ship a link as a link) holds a copy, which must be current.
    copies = [f for f in tracked() if Path(f).name in ("LICENSE", "NOTICE") and "/" in f and not os.path.islink(CHECKOUT / f)]
    for f in copies:
        if (CHECKOUT / f).read_bytes() != (CHECKOUT / Path(f).name).read_bytes():
            problems.append(f"{f} differs from the root's {Path(f).name} (copy it again)")
    print(f"notice: {len(files)} data files, {len(globs)} patterns, {len(copies)} copies of LICENSE/NOTICE")
    return problems


def indent(text):
    return "\n".join("    " + l for l in text.splitlines())


CHECKS = {"blocks": check_blocks, "verbs": check_verbs, "notice": check_notice}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", help="Markdown files (default: every tracked one)")
    parser.add_argument("--only", help="comma-separated checks: " + ", ".join(CHECKS))
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    parser.add_argument("--lang", help="blocks: run only the blocks of this language (e.g. python)")
    args = parser.parse_args()
    ctx = argparse.Namespace(keep=args.keep, lang=args.lang)
    ctx.markdown = [Path(f).resolve() for f in args.files] or [CHECKOUT / f for f in tracked("*.md")]
    names = args.only.split(",") if args.only else list(CHECKS)
    problems = []
    for name in names:
        if name not in CHECKS:
            sys.exit(f"unknown check {name!r} (checks: {', '.join(CHECKS)})")
        problems.extend(CHECKS[name](ctx))
    for p in problems:
        print(f"FAIL {p}", file=sys.stderr)
    print(f"{len(problems)} problem(s)" if problems else "the documentation matches the code")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
