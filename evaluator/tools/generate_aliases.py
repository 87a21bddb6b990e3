#!/usr/bin/env python3
"""Generates the alias tables the evaluator embeds.

A maintainer tool (the generated files are committed; the build never runs it). Usage, from
the repository root, with the team's Azure Policy reference folder (not part of the repository):
    python3 evaluator/tools/generate_aliases.py REFERENCE/azure-policy
    python3 evaluator/tools/generate_aliases.py REFERENCE/azure-policy --check
Without a folder it reads `$CHARTER_REFERENCE_DIR/azure-policy`, by default the folder
`reference/azure-policy` of the folder `shared` beside the repository.

It writes two files into evaluator/src/ (with --check it writes nothing and exits 1 when either
committed file differs from what it would write):

* `aliases.tsv`: the curated table, one line per alias, `resource type<TAB>alias<TAB>default
  path<TAB>source`, sorted. Its input is the reference folder's `aliases/*.md` files
  (`| Default Path | Alias |` tables produced by `Get-AzPolicyAlias`, one file per resource type,
  named `<Namespace>__<type>-<child>.md`) and its `builtins/*.json` definitions. Aliases that the
  built-ins use but the tables lack (the data-plane `Microsoft.CognitiveServices.Data/...`
  aliases) are added with the default path `properties.<rest of the alias>`, which is how Azure
  maps ordinary aliases, and marked `builtin-inferred`. Aliases that the evaluator's bundled
  built-ins (`evaluator/builtins/*.json`) read and the tables lack are taken from
  `all-aliases.csv.gz` with their default paths, marked `bundled-builtin`.

* `all-aliases.txt.gz`: every other resource type's aliases, from the reference folder's
  `all-aliases.csv.gz` (`alias,default path` lines for every resource provider, generated with
  `Get-AzPolicyAlias -ListAvailable`; see that folder's README for its source and date). The
  resource types of the curated alias tables are left out: those tables are newer. (The
  curated table is consulted first, so its builtin-inferred aliases win for their own names.) The text is
  grouped by resource type, a `=<resource type>` line starting each group; under it one line
  per alias, the part after the resource type, followed by a tab and the default path only
  when the path is not `properties.<that part>`. Compressed with gzip (level 9, no file name or
  time stamp) so that the same input always gives the same bytes.
"""

import gzip
import io
import json
import os
import pathlib
import re
import sys

TOP_LEVEL_FIELDS = {"name", "fullname", "type", "kind", "location", "id", "tags", "identity.type"}
OUT = pathlib.Path(__file__).resolve().parent.parent / "src"


def table_aliases(folder):
    rows = {}
    for path in sorted((folder / "aliases").glob("*.md")):
        namespace, _, types = path.stem.partition("__")
        resource_type = namespace + "/" + types.replace("-", "/")
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != 2 or not cells[0].startswith("`"):
                continue
            default_path, alias = (cell.strip("`") for cell in cells)
            rows[alias.lower()] = (resource_type, alias, default_path, "alias-table")
    return rows


def field_names(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "field" and isinstance(value, str) and not value.startswith("["):
                found.add(value)
            field_names(value, found)
    elif isinstance(node, list):
        for item in node:
            field_names(item, found)


def builtin_aliases(folder, known):
    rows = {}
    for path in sorted((folder / "builtins").glob("*.json")):
        found = set()
        field_names(json.loads(path.read_text(encoding="utf-8")), found)
        for alias in sorted(found):
            lowered = alias.lower()
            if lowered in known or lowered in TOP_LEVEL_FIELDS or lowered.startswith("tags"):
                continue
            match = re.match(r"^([^/]+(?:/[^/.\[]+)+)/([^/]+)$", alias)
            if not match:
                continue
            resource_type, rest = match.groups()
            rows[lowered] = (resource_type, alias, "properties." + rest, "builtin-inferred")
    return rows


def bundled_aliases(folder, known):
    """The aliases the evaluator's bundled built-ins (`evaluator/builtins/*.json`) read that the
    tables above lack, with their paths from the full listing (the diagnostic settings an
    `auditIfNotExists` built-in looks for): evaluating Charter's own initiative then never
    needs the full table, which takes far longer to load than the rest of a `charter check`."""
    listed = {}
    with gzip.open(folder / "all-aliases.csv.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            alias, _, path = line.rstrip("\n").partition(",")
            listed.setdefault(alias.lower(), (alias, path))
    rows = {}
    for path in sorted((OUT.parent / "builtins").glob("*.json")):
        found = set()
        field_names(json.loads(path.read_text(encoding="utf-8")), found)
        for alias in sorted(found):
            lowered = alias.lower()
            if lowered in known or lowered not in listed:
                continue
            name, default_path = listed[lowered]
            resource_type = name.rpartition("/")[0]
            rows[lowered] = (resource_type, name, default_path, "bundled-builtin")
    return rows


def curated(folder):
    rows = table_aliases(folder)
    rows.update(builtin_aliases(folder, rows))
    rows.update(bundled_aliases(folder, rows))
    out = io.StringIO()
    out.write("# Generated by evaluator/tools/generate_aliases.py; do not edit by hand.\n")
    out.write("# resource type\talias\tdefault path\tsource\n")
    for key in sorted(rows):
        out.write("\t".join(rows[key]) + "\n")
    # Only the types Azure's tables describe are complete here; a type known from a built-in's
    # few aliases (`Microsoft.Search/searchServices/disableLocalAuth`) keeps its full listing.
    return out.getvalue(), {row[0].lower() for row in rows.values() if row[3] == "alias-table"}


def everything(folder, curated_types):
    groups = {}
    with gzip.open(folder / "all-aliases.csv.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            alias, _, path = line.partition(",")
            # Every alias is `<resource type>/<property path>`; property paths hold no `/`.
            resource_type, _, rest = alias.rpartition("/")
            if not resource_type or not rest or resource_type.lower() in curated_types:
                continue
            group = groups.setdefault(resource_type, {})
            # The source lists a handful of aliases twice; the first one wins.
            group.setdefault(rest, path)
    out = io.StringIO()
    out.write("# Generated by evaluator/tools/generate_aliases.py from all-aliases.csv.gz; "
              "do not edit by hand.\n")
    for resource_type in sorted(groups, key=lambda t: (t.lower(), t)):
        out.write("=" + resource_type + "\n")
        for rest in sorted(groups[resource_type], key=lambda r: (r.lower(), r)):
            path = groups[resource_type][rest]
            if path == "properties." + rest:
                out.write(rest + "\n")
            else:
                out.write(rest + "\t" + path + "\n")
    return out.getvalue()


def compress(text):
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as file:
        file.write(text.encode("utf-8"))
    return buffer.getvalue()


def default_folder():
    """`$CHARTER_REFERENCE_DIR/azure-policy`, else the team's folder beside the repository."""
    reference = os.environ.get("CHARTER_REFERENCE_DIR")
    if reference:
        return pathlib.Path(reference) / "azure-policy"
    repository = pathlib.Path(__file__).resolve().parents[2]
    return repository.parent / "shared" / "reference" / "azure-policy"


def main():
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    check = "--check" in sys.argv[1:]
    folder = pathlib.Path(args[0]) if args else default_folder()
    tsv, curated_types = curated(folder)
    full = everything(folder, curated_types)
    tsv_path = OUT / "aliases.tsv"
    full_path = OUT / "all-aliases.txt.gz"
    if check:
        stale = []
        if not tsv_path.exists() or tsv_path.read_text(encoding="utf-8") != tsv:
            stale.append(str(tsv_path))
        try:
            committed = gzip.decompress(full_path.read_bytes()).decode("utf-8")
        except (OSError, EOFError):
            committed = None
        if committed != full:
            stale.append(str(full_path))
        for path in stale:
            print(f"stale: {path}: run python3 evaluator/tools/generate_aliases.py {folder}")
        sys.exit(1 if stale else 0)
    tsv_path.write_text(tsv, encoding="utf-8")
    full_path.write_bytes(compress(full))
    print(f"wrote {tsv_path} and {full_path}")


if __name__ == "__main__":
    main()
