#!/usr/bin/env python3
"""Checks that the editor grammars know the schema's words.

The compiler's schema (compiler/src/schema.rs) is the one table of Charter's keywords: the
value keywords (`keywords![ "deny" => ..., ]`) and the modifier words of phrases
(`word: "capacity"`). The TextMate grammar and both tree-sitter highlight queries list these
words to colour them; this script fails when a list misses a schema word or keeps one the
schema no longer has. Exit status: 0 in step, 1 drifted, 3 schema not readable (skipped).

    python3 editors/scripts/schema-words.py REPO_ROOT
"""
import json
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
schema_file = root / "compiler" / "src" / "schema.rs"
if not schema_file.is_file():
    print(f"no {schema_file}")
    sys.exit(3)
schema = schema_file.read_text()
keywords = set()
for block in re.finditer(r"keywords!\[(.*?)\]", schema, re.S):
    keywords |= set(re.findall(r'"([a-z_]+)"\s*=>', block.group(1)))
modifiers = set(re.findall(r'\bword:\s*"([a-z_]+)"', schema))
if not keywords or not modifiers:
    print("found no keywords or modifier words in the schema: has its layout changed?")
    sys.exit(3)
# Booleans are literals, not schema keywords.
literals = {"true", "false"}

problems = []


def compare(where, listed, expected):
    missing = sorted(expected - listed)
    stale = sorted(listed - expected - literals)
    if missing:
        problems.append(f"{where}: missing schema words {missing}")
    if stale:
        problems.append(f"{where}: words the schema does not have {stale}")


grammar = json.loads((root / "editors/vscode/syntaxes/charter.tmLanguage.json").read_text())
repo = grammar["repository"]


def alternatives(regex):
    return set(re.search(r"\(\?:([a-z_|]+)\)", regex).group(1).split("|"))


tm_constants = set()
for pattern in repo["constants"]["patterns"]:
    tm_constants |= alternatives(pattern["match"])
tm_modifiers = alternatives(repo["modifiers"]["match"])
compare("vscode/syntaxes/charter.tmLanguage.json", tm_constants | tm_modifiers, keywords | modifiers)
if not modifiers <= tm_modifiers:
    problems.append(
        f"vscode/syntaxes/charter.tmLanguage.json: modifier words not scoped as modifiers {sorted(modifiers - tm_modifiers)}"
    )

for query in ("editors/tree-sitter-charter/queries/highlights.scm", "editors/helix/queries/charter/highlights.scm"):
    text = (root / query).read_text()
    listed = set()
    for predicate in re.finditer(r"\(#any-of\?\s+@[\w.]+((?:\s+\"[a-z_]+\"|\s*;[^\n]*)+)\)", text):
        listed |= set(re.findall(r'"([a-z_]+)"', predicate.group(1)))
    # Scope constructors and block keywords are listed too; they are not value words.
    listed -= {"management_group", "subscription", "resource_group"}
    listed -= {"filter", "policy", "workload", "model", "region"}
    compare(query, listed, keywords | modifiers)

for problem in problems:
    print(problem)
print(f"{len(keywords)} schema keywords and {len(modifiers)} modifier words: {'in step' if not problems else 'DRIFTED'}")
sys.exit(1 if problems else 0)
