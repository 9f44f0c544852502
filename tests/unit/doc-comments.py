#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Every function the layers below the front ends export has a doc comment.

Reads the headers of netd's core, exec, sys, drivers, fw, model and shared
directories and fails naming each top-level function declaration that has no
comment right above it (directly, or above the group of declarations it
belongs to). The *_freep cleanup helpers are exempt.
"""
import os
import re
import sys

LAYERS = ["core", "exec", "sys", "drivers", "fw", "model", "shared"]
DECL = re.compile(r"^(?:static\s+inline\s+)?(?:const\s+)?(?:struct\s+|enum\s+|unsigned\s+)?"
                  r"[A-Za-z_]\w*[\s*]+\**([a-z_][a-z0-9_]*)\s*\(")


def documented(lines, i):
    """Whether a comment ends right above line i or above its group."""
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if s.endswith("*/"):
            return True
        if s == "" or s.startswith("#") or s.endswith("{") or s == "}" or s.endswith("};"):
            return False
        j -= 1
    return False


def main():
    root = os.path.join(sys.argv[1], "netd")
    missing, total = [], 0
    for layer in LAYERS:
        d = os.path.join(root, layer)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".h"):
                continue
            lines = open(os.path.join(d, name), encoding="utf-8").read().split("\n")
            depth = 0
            for i, line in enumerate(lines):
                m = DECL.match(line) if depth == 0 else None
                if m and not line.startswith(("typedef", "return")):
                    fn = m.group(1)
                    total += 1
                    if not fn.endswith("freep") and not documented(lines, i):
                        missing.append(f"netd/{layer}/{name}:{i + 1}: {fn}")
                depth += line.count("{") - line.count("}")
    for m in missing:
        print(f"no doc comment: {m}")
    print(f"{total - len(missing)} of {total} exported functions documented")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
