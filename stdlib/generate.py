#!/usr/bin/env python3
"""Generate the catalog part of Charter's standard library from the reference CSVs.

A maintainer tool: the team regenerates the catalog with it when Azure's model list changes.
A user never needs it, and the build never runs it (the generated files are committed). It
reads the team's reference folder, which is not part of the repository (CHARTER_REFERENCE_DIR,
by default the folder `reference` of the folder `shared` beside the repository):

    REFERENCE/models.csv         one row per model version
    REFERENCE/model_regions.csv  one row per (model, version, deployment type, region)
    REFERENCE/regions.csv        one row per public-cloud region

The public sources of those rows are listed in stdlib/README.md ("As of").

and writes, next to this script:

    models.charter   `model "NAME" { ... }` for every model, with its versions
    regions.charter  `region "NAME" { ... }` for every region

The output is deterministic: the same CSVs always give byte-identical files (no
timestamps, stable sort orders), so a regenerated catalog diffs cleanly in review.

Usage (from anywhere):

    python3 stdlib/generate.py            # write the files
    python3 stdlib/generate.py --check    # exit 1 if the files are out of date

The reference folder is not part of the repository. When it is absent, `--check` prints
`SKIPPED: ...` and exits 0, except with CI=true (or CI=1), where a missing reference is a
failure (exit 1): CI must never pass by skipping. CHARTER_REFERENCE_DIR overrides its path.

Only the Python standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

STDLIB_DIR = Path(__file__).resolve().parent
REPO_ROOT = STDLIB_DIR.parent
REFERENCE_DIR = Path(
    os.environ.get("CHARTER_REFERENCE_DIR") or (REPO_ROOT / ".." / "shared" / "reference")
).resolve()

# The research date of the catalog (reference/azure-ai-catalog.md): the day on which
# `status_on_2026_11_22` was computed.
RESEARCH_DATE = "2026-11-22"

# Azure's SKU names to Charter's deployment-type keywords, in the order Charter lists them
# (docs/notes/0001-uniform-syntax.md, `deployment:`).
DEPLOYMENT_TYPES = [
    ("GlobalStandard", "global_standard"),
    ("DataZoneStandard", "data_zone_standard"),
    ("Standard", "standard"),
    ("GlobalProvisionedManaged", "global_provisioned"),
    ("DataZoneProvisionedManaged", "data_zone_provisioned"),
    ("ProvisionedManaged", "provisioned"),
    ("GlobalBatch", "global_batch"),
    ("DataZoneBatch", "data_zone_batch"),
    ("DeveloperTier", "developer"),
]
DEPLOYMENT_KEYWORD = dict(DEPLOYMENT_TYPES)
DEPLOYMENT_ORDER = {sku: index for index, (sku, _) in enumerate(DEPLOYMENT_TYPES)}

# Model kinds the schema knows; the CSV's other kinds become `other` with a comment.
KNOWN_KINDS = {"chat", "completions", "embeddings", "image", "audio", "video", "realtime"}

LIFECYCLE = {
    "GA": "ga",
    "Preview": "preview",
    "Legacy": "legacy",
    "Deprecated": "deprecated",
    "Retired": "retired",
    "Retired (inferred)": "retired",
}

# Long region lists are wrapped so that no line of the generated files gets much wider than this.
LINE_WIDTH = 100


def read_csv(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def quote(text: str) -> str:
    """A Charter string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def comment_lines(text: str, indent: str, marker: str = "//") -> list[str]:
    """`text` as comment lines, wrapped at LINE_WIDTH."""
    words = text.split()
    lines: list[str] = []
    current = ""
    prefix = f"{indent}{marker} "
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and len(prefix) + len(candidate) > LINE_WIDTH:
            lines.append(prefix + current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(prefix + current)
    return lines


def string_list(items: list[str], head: str, indent: str, offset: int = 0) -> list[str]:
    """`head [items]` on one line, or wrapped over several lines when too wide.

    `offset` is the indentation the caller adds to every line afterwards.
    """
    width = LINE_WIDTH - offset
    one_line = f"{indent}{head} [" + ", ".join(quote(item) for item in items) + "]"
    if len(one_line) <= width:
        return [one_line]
    # One element per line, as `charter fmt` lays out a list that does not fit (and so that a
    # regenerated catalog diffs region by region).
    inner = indent + "  "
    return [f"{indent}{head} ["] + [f"{inner}{quote(item)}," for item in items] + [f"{indent}]"]


def sources_of(rows: list[dict[str, str]]) -> list[str]:
    """The source ids (S1, S7, ...) named by the rows, in numeric order."""
    found: set[str] = set()
    for row in rows:
        found.update(re.findall(r"S\d+", row["sources"]))
    return sorted(found, key=lambda source: int(source[1:]))


def lifecycle_of(row: dict[str, str]) -> tuple[str, str | None]:
    """The Charter lifecycle keyword and, when it was derived rather than read, why."""
    status = row["status_on_2026_11_22"]
    stated = row["lifecycle"]
    if status in ("retired", "retired_inferred"):
        if LIFECYCLE.get(stated) == "retired" and status == "retired":
            return "retired", None
        if status == "retired_inferred":
            return "retired", "retired (inferred): absent from every current table and matrix"
        return "retired", (
            f"the sources say {stated or 'nothing'}, but the retirement date "
            f"{row['retirement_date']} is before the research date"
        )
    if stated in LIFECYCLE:
        return LIFECYCLE[stated], None
    # Listed in the region matrix (S7) but not in the retirement schedule: the lifecycle is
    # not stated. A model named "...-preview" or flagged preview is treated as preview, the
    # others as generally available because Azure offers them for deployment.
    if row["is_preview"] == "true" or row["model_name"].endswith("-preview"):
        return "preview", "lifecycle not stated in the sources; treated as preview"
    return "ga", "lifecycle not stated in the sources (listed only in the S7 region matrix); treated as ga"


# A replacement is a model name, optionally followed by `(version)` and by source tags such as
# `(S3)` or `(auto-upgrade)`.
REPLACEMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\s*\((?P<version>[^)]*)\))?")


def successor_of(
    replacement: str, versions_by_model: dict[str, list[str]], spelling: dict[str, str]
) -> str | None:
    """The `successor:` phrase for a replacement text, when it names a catalog model.

    The first alternative is used when the text lists several (`a / b`, `a, b`, `a or b`).
    """
    text = replacement.strip()
    if not text:
        return None
    first = re.split(r"\s*/\s*|,\s*|\s+or\s+", text)[0]
    match = REPLACEMENT.match(first)
    if not match:
        return None
    name = spelling.get(match.group("name").lower())
    if name is None:
        return None
    version = match.group("version")
    if version and re.match(r"^S\d+$", version) is None and version != "auto-upgrade":
        known = {v.lower(): v for v in versions_by_model[name]}
        if version.lower() in known:
            return f"{quote(name)} version {quote(known[version.lower()])}"
    return quote(name)


def generate_models() -> str:
    rows = read_csv("models.csv")
    region_rows = read_csv("model_regions.csv")

    availability: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in region_rows:
        availability[(row["model_name"], row["version"])][row["deployment_type"]].add(row["region"])

    by_model: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_model[row["model_name"]].append(row)
    spelling = {name.lower(): name for name in by_model}
    versions_by_model = {name: [r["version"] for r in model_rows if r["version"]] for name, model_rows in by_model.items()}

    out: list[str] = [
        "// GENERATED by stdlib/generate.py from reference/models.csv and reference/model_regions.csv",
        f"// (Azure AI model catalog, research date {RESEARCH_DATE}). Do not edit by hand: fix the CSVs",
        "// or the script and run `python3 stdlib/generate.py`. Source ids (S1, S7, ...) are listed in",
        "// stdlib/README.md.",
        "//",
        "// Lifecycle: a version whose status on the research date is retired (or retired, inferred) is",
        "// `retired`; otherwise the stage the retirement schedule (S1) states. `retirement_not_before`",
        "// is used where the sources only give a \"no earlier than\" date. `available TYPE [regions]`",
        "// lists the regions of each deployment type (S7: standard types, 10/05/2026; S8: provisioned",
        "// types, 05/11/2026).",
    ]

    for index, name in enumerate(sorted(by_model, key=lambda n: (n.lower(), n))):
        model_rows = by_model[name]
        first = model_rows[0]
        publisher = first["publisher"]
        model_format = first["model_format"]
        kind = first["kind"]

        # `charter fmt` keeps a file's opening comments directly above its first item, so the
        # header is not followed by a blank line (the output stays formatter-clean).
        if index:
            out.append("")
        doc = f"{name}: published by {publisher}. Sources: {', '.join(sources_of(model_rows))}."
        if model_format and first["format_basis"].startswith("inferred"):
            doc += " The format is inferred from third-party deployment examples (S12)."
        if not model_format:
            doc += " The deployment format is not stated in the sources."
        for row in model_rows:
            if not row["version"]:
                lifecycle, _ = lifecycle_of(row)
                doc += f" Version not stated in the sources; lifecycle {lifecycle}"
                if row["retirement_date"]:
                    doc += f", retirement {row['retirement_date']}"
                doc += "."
        out.extend(comment_lines(doc, "", "///"))
        out.append(f"model {quote(name)} {{")
        if model_format:
            out.append(f"  format: {quote(model_format)}")
        out.append(f"  publisher: {quote(publisher)}")
        if kind in KNOWN_KINDS:
            out.append(f"  kind: {kind}")
        else:
            out.append(f"  kind: other // {kind}")

        for row in model_rows:
            out.extend(version_lines(name, row, availability, versions_by_model, spelling))
        out.append("}")

    return "\n".join(out) + "\n"


def version_lines(
    name: str,
    row: dict[str, str],
    availability: dict[tuple[str, str], dict[str, set[str]]],
    versions_by_model: dict[str, list[str]],
    spelling: dict[str, str],
) -> list[str]:
    lifecycle, derived = lifecycle_of(row)
    version = row["version"]
    indent = "  " if version else "  // "
    # `charter fmt` puts no blank line before the comments that end a block, so a version that
    # can only be written as a comment follows the previous entry directly.
    lines: list[str] = [""] if version else []
    notes = []
    if not version:
        notes.append(
            "The version string is not stated in the sources, so this version cannot be declared; "
            "its lifecycle data is kept here for reference."
        )
    if derived:
        notes.append(f"Lifecycle: {derived}.")
    if row["notes"] and row["notes"] != "version not stated in source":
        notes.append(row["notes"].rstrip(".") + ".")
    for note in notes:
        lines.extend(comment_lines(note, "  "))

    body: list[str] = []
    body.append(f"lifecycle: {lifecycle}")
    if row["deprecation_date"]:
        if row["deprecation_qualifier"] == "not_earlier_than":
            body.append(f"// deprecation (no new customers) no earlier than {row['deprecation_date']}")
        else:
            body.append(f"deprecation: {row['deprecation_date']}")
    if row["retirement_date"]:
        if row["retirement_qualifier"] == "not_earlier_than":
            body.append(f"retirement_not_before: {row['retirement_date']}")
        else:
            body.append(f"retirement: {row['retirement_date']}")
    replacement = row["replacement"]
    successor = successor_of(replacement, versions_by_model, spelling)
    if successor:
        body.append(f"successor: {successor}")
    if replacement and (successor is None or replacement.strip() != successor.strip('"')):
        body.extend(comment_lines(f"replacement as the sources state it: {replacement}", "", "//"))

    regions_by_type = availability.get((name, version), {})
    for sku in sorted(regions_by_type, key=lambda s: DEPLOYMENT_ORDER[s]):
        regions = sorted(regions_by_type[sku])
        body.extend(string_list(regions, f"available {DEPLOYMENT_KEYWORD[sku]}", "", offset=4))

    if version:
        lines.append(f"  version {quote(version)} {{")
        lines.extend(f"    {line}" for line in body)
        lines.append("  }")
    else:
        lines.append(f"{indent}version (not stated) {{")
        lines.extend(f"{indent}  {line}" for line in body)
        lines.append(f"{indent}}}")
    return lines


def generate_regions() -> str:
    rows = read_csv("regions.csv")
    out: list[str] = [
        "// GENERATED by stdlib/generate.py from reference/regions.csv (S9: the Azure regions list,",
        f"// content as of 2026-07-28; data zones from S7/S8/S10; research date {RESEARCH_DATE}). Do not",
        "// edit by hand: fix the CSV or the script and run `python3 stdlib/generate.py`.",
        "//",
        "// `data_zone` is where Azure's data-zone deployment types keep data: from the Data Zone tabs of",
        "// the region matrix (S7/S8), or else from S10's definition of the US and EU zones (marked",
        "// below). `access: restricted` marks a region that needs an access request before use.",
    ]
    for index, row in enumerate(sorted(rows, key=lambda r: r["name"])):
        if index:
            out.append("")
        doc = f"{row['display_name']} ({row['physical_location']}, {row['geography']}; {row['area']})."
        out.extend(comment_lines(doc, "", "///"))
        out.append(f"region {quote(row['name'])} {{")
        out.append(f"  display_name: {quote(row['display_name'])}")
        out.append(f"  geography: {quote(row['geography'])}")
        out.append(f"  location: {quote(row['physical_location'])}")
        if row["paired_region"]:
            pair = f"  paired: {quote(row['paired_region'])}"
            if row["paired_region_access"] == "restricted":
                pair += " // restricted-access pair"
            out.append(pair)
        if row["data_zone"]:
            zone = f"  data_zone: {row['data_zone'].lower()}"
            if row["data_zone_basis"].startswith("rule"):
                zone += " // by S10's definition; not in the S7/S8 data-zone tabs"
            elif "note:" in row["data_zone_basis"]:
                zone += " // in S7's EU tab; Ireland is not in S10's May-2026 country list"
            out.append(zone)
        out.append(f"  availability_zones: {row['availability_zones'].lower()}")
        if row["access"] == "restricted":
            out.append("  access: restricted")
        out.append("}")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the generated files are out of date")
    arguments = parser.parse_args()

    if not REFERENCE_DIR.is_dir():
        reason = f"the reference folder {REFERENCE_DIR} is not beside the repository"
        in_ci = os.environ.get("CI", "").lower() in ("true", "1")
        if arguments.check and not in_ci:
            print(f"SKIPPED: {reason}: the embedded catalog was not compared with it")
            return 0
        print(f"error: {reason}; the catalog cannot be generated without it", file=sys.stderr)
        return 1

    outputs = {
        STDLIB_DIR / "models.charter": generate_models(),
        STDLIB_DIR / "regions.charter": generate_regions(),
    }
    stale = []
    for path, text in outputs.items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if arguments.check:
            stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO_ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python3 stdlib/generate.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
