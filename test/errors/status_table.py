#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The status-code table of docs/errors.md, checked against status.h.

    status_table.py [--root DIR] --check    exit 1 unless the table matches
    status_table.py [--root DIR] --update   rewrite the table's #, name and
                                            message columns from status.h,
                                            keeping each code's "When" text
                                            (a new code gets "TODO", which
                                            --check refuses)

The table lies between the two marker lines below in docs/errors.md. Its
rows must be exactly the X-macro list XS_STATUS_LIST of
include/xsplice/status.h: same codes, same order (the numeric value), same
message text, and a non-empty "When" cell for each.
"""
import argparse
import os
import re
import sys

BEGIN = "<!-- status-table:begin (test/errors/status_table.py --update) -->"
END = "<!-- status-table:end -->"
HEADER = ["| # | Code | Message | When it happens |", "|--:|------|---------|-----------------|"]


def read_status_list(path):
    """[(name, message)] in the order of XS_STATUS_LIST."""
    lines = open(path, encoding="utf-8").read().split("\n")
    body = []
    inside = False
    for ln in lines:
        if not inside and re.match(r"\s*#\s*define\s+XS_STATUS_LIST\s*\(", ln):
            inside = True
        if inside:
            body.append(ln)
            if not ln.rstrip().endswith("\\"):
                break
    if not body:
        raise SystemExit("%s: no XS_STATUS_LIST macro" % path)
    text = "\n".join(body)
    out = []
    for m in re.finditer(r'X\(\s*(XS_\w+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)', text):
        out.append((m.group(1), m.group(2).replace('\\"', '"').replace("\\\\", "\\")))
    # every X( must have been understood
    if len(out) != text.count("X("):
        raise SystemExit("%s: could not parse every X(...) entry of XS_STATUS_LIST" % path)
    return out


def md_escape(s):
    return s.replace("|", "\\|")


def split_row(ln):
    cells = re.split(r"(?<!\\)\|", ln.strip())
    if len(cells) < 2 or cells[0] != "" or cells[-1] != "":
        return None
    return [c.strip().replace("\\|", "|") for c in cells[1:-1]]


def read_doc(path):
    """(lines before, [row cells], lines after) around the marked table."""
    lines = open(path, encoding="utf-8").read().split("\n")
    try:
        b = lines.index(BEGIN)
        e = lines.index(END, b)
    except ValueError:
        raise SystemExit("%s: status table markers not found:\n  %s\n  %s" % (path, BEGIN, END))
    rows = []
    for ln in lines[b + 1:e]:
        if not ln.strip() or ln.strip() in HEADER:
            continue
        cells = split_row(ln)
        if cells is None or len(cells) != 4:
            raise SystemExit("%s: malformed table row: %s" % (path, ln))
        rows.append(cells)
    return lines[:b + 1], rows, lines[e:]


def check(root):
    status_h = os.path.join(root, "include/xsplice/status.h")
    doc = os.path.join(root, "docs/errors.md")
    codes = read_status_list(status_h)
    try:
        _, rows, _ = read_doc(doc)
    except (OSError, SystemExit) as ex:
        return codes, [str(ex)]
    errors = []
    doc_names = [r[1].strip("`") for r in rows]
    for i, (name, msg) in enumerate(codes):
        if name not in doc_names:
            errors.append("%s (%d, \"%s\") is missing from the table" % (name, i, msg))
            continue
        r = rows[doc_names.index(name)]
        if r[0] != str(i):
            errors.append("%s: # is %s, status.h says %d" % (name, r[0], i))
        if r[2] != msg:
            errors.append("%s: message is \"%s\", status.h says \"%s\"" % (name, r[2], msg))
        if not r[3] or r[3].upper().startswith("TODO"):
            errors.append("%s: no \"When it happens\" text" % name)
    names = [c[0] for c in codes]
    for n in doc_names:
        if n not in names:
            errors.append("%s is in the table but not in XS_STATUS_LIST" % n)
    if [n for n in doc_names if n in names] != [n for n in names if n in doc_names]:
        errors.append("rows are not in the order of XS_STATUS_LIST")
    if len(set(doc_names)) != len(doc_names):
        errors.append("a code appears twice in the table")
    return codes, errors


def update(root):
    status_h = os.path.join(root, "include/xsplice/status.h")
    doc = os.path.join(root, "docs/errors.md")
    codes = read_status_list(status_h)
    before, rows, after = read_doc(doc)
    when = {r[1].strip("`"): r[3] for r in rows}
    out = list(HEADER)
    for i, (name, msg) in enumerate(codes):
        out.append("| %d | `%s` | %s | %s |" % (i, name, md_escape(msg),
                                              md_escape(when.get(name) or "TODO")))
    with open(doc, "w", encoding="utf-8") as f:
        f.write("\n".join(before + out + after))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", ".."))
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--update", action="store_true")
    a = ap.parse_args()
    if a.update:
        update(a.root)
    codes, errors = check(a.root)
    for e in errors:
        print("docs/errors.md: " + e)
    if errors:
        print("status table: %d problem(s); fix docs/errors.md (status_table.py --update "
              "adds missing rows)" % len(errors))
        return 1
    print("status table: %d codes, all documented" % len(codes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
