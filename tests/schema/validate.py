#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Validate JSON documents against one of netd's JSON Schemas.

usage: validate.py [-q] SCHEMA FILE...

FILE may be '-' for stdin. A file named *.jsonl holds JSON Lines (one document
per non-empty line, each validated on its own); any other file holds exactly one
JSON document. Prints `ok FILE` (or `ok FILE:LINE` for JSON Lines) for every
valid document and a failure naming the JSON path of every problem otherwise.
Exit status: 0 if every document is valid, 1 if any is not, 2 on usage errors
(unreadable schema, schema that is not itself a valid draft 2020-12 schema).

Works with python3-jsonschema 4.10 (Debian) and newer releases. Formats ipv4
and ipv6 are checked (besides the schemas' own patterns).
"""

import json
import re
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover
    sys.stderr.write("validate.py: the python 'jsonschema' package is required "
                     "(Debian: apt install python3-jsonschema)\n")
    sys.exit(2)

CHECKED_FORMATS = ("ipv4", "ipv6")


def json_path(path):
    """Render a deque of keys/indices as $.a.b[3] (keys that are not plain words are quoted)."""
    out = "$"
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p.isidentifier():
            out += "." + p
        else:
            out += "[" + json.dumps(p) + "]"
    return out


def first_sentence(text, limit=240):
    """The first sentence of a schema description (what the value should be)."""
    text = " ".join(text.split())
    m = re.search(r"(?<!e\.g)(?<!i\.e)\.(\s|$)", text)
    if m:
        text = text[:m.start()]
    return text if len(text) <= limit else text[:limit - 3] + "..."


def short(instance, limit=80):
    s = json.dumps(instance, ensure_ascii=False)
    return s if len(s) <= limit else s[:limit - 3] + "..."


def rank(e):
    """Deeper errors explain more; 'type' and 'not' mismatches are mostly the
    'null is also allowed' style alternatives, so they rank last."""
    return (len(e.absolute_path), e.validator != "type", e.validator != "not")


def pick(error):
    """The most useful explanation of an error. For anyOf/oneOf/allOf failures
    descend into the best-ranked alternative; if several alternatives fail
    equally (e.g. a value that is neither IPv4 nor IPv6), the combinator itself
    is the best explanation (its description says what was expected)."""
    if not error.context:
        return error
    picked = [pick(e) for e in error.context]
    top = max(rank(e) for e in picked)
    best = [e for e in picked if rank(e) == top]
    if (len(best) > 1 and error.validator in ("anyOf", "oneOf")
            and len({e.relative_schema_path[0] for e in best}) > 1
            and isinstance(error.schema, dict) and error.schema.get("description")):
        return error
    return best[0]


def describe(error):
    """One line: path, offending value, reason."""
    if error.validator in ("pattern", "format", "anyOf", "oneOf") and isinstance(error.schema, dict):
        what = error.schema.get("description")
        reason = (f"{short(error.instance)} is not valid: {first_sentence(what)}"
                  if what else error.message)
        if error.validator == "format":
            reason += f" (format {error.validator_value})"
    elif error.validator == "not":
        what = error.schema.get("description")
        reason = f"{short(error.instance)} is not allowed" + (f": {first_sentence(what)}" if what else "")
    elif error.validator == "required":
        reason = error.message
    elif error.validator == "additionalProperties" and error.validator_value is False:
        reason = error.message
    else:
        reason = error.message
        if len(reason) > 300:
            reason = reason[:297] + "..."
        what = error.schema.get("description") if isinstance(error.schema, dict) else None
        if what and error.validator in ("type", "enum", "const", "minimum", "maximum",
                                         "minLength", "maxLength", "minItems", "minProperties",
                                         "uniqueItems"):
            reason += f" ({first_sentence(what)})"
    return f"{json_path(error.absolute_path)}: {reason}"


def explain(error):
    best = pick(error)
    lines = [describe(best)]
    if best is not error:
        lines.append(f"  (found under the {error.validator} at {json_path(error.absolute_path)})")
    return lines


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return schema


def documents(name):
    """Yield (label, text) for every document of a file."""
    if name == "-":
        data = sys.stdin.buffer.read()
        label = "<stdin>"
    else:
        with open(name, "rb") as f:
            data = f.read()
        label = name
    text = data.decode("utf-8")  # raises UnicodeDecodeError for invalid UTF-8
    if name.endswith(".jsonl"):
        for i, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield f"{label}:{i}", line
    else:
        yield label, text


def reject_constant(c):
    raise ValueError(f"{c} is not valid JSON")


def validate_file(validator, name, quiet):
    failed = False
    try:
        docs = list(documents(name))
    except (OSError, UnicodeDecodeError) as e:
        print(f"FAIL {name}: cannot read: {e}")
        return True
    if not docs:
        print(f"FAIL {name}: no JSON document")
        return True
    for label, text in docs:
        try:
            # Strict JSON: NaN/Infinity are not JSON (json-c would take them, serde_json does not).
            instance = json.loads(text, parse_constant=reject_constant)
        except ValueError as e:
            print(f"FAIL {label}: invalid JSON: {e}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(instance),
                        key=lambda e: (list(map(str, e.absolute_path)), str(e.validator)))
        if not errors:
            if not quiet:
                print(f"ok {label}")
            continue
        failed = True
        print(f"FAIL {label}: {len(errors)} error{'s' if len(errors) != 1 else ''}")
        for e in errors:
            for line in explain(e):
                print("  " + line)
    return failed


def main(argv):
    quiet = False
    args = argv[1:]
    if args and args[0] == "-q":
        quiet = True
        args = args[1:]
    if len(args) < 2 or args[0] in ("-h", "--help"):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    try:
        schema = load_schema(args[0])
    except (OSError, ValueError) as e:
        sys.stderr.write(f"validate.py: cannot load schema {args[0]}: {e}\n")
        return 2
    except jsonschema.exceptions.SchemaError as e:
        sys.stderr.write(f"validate.py: {args[0]} is not a valid draft 2020-12 schema: "
                         f"{json_path(e.absolute_path)}: {e.message}\n")
        return 2
    validator = Draft202012Validator(schema, format_checker=FormatChecker(formats=CHECKED_FORMATS))
    failed = False
    for name in args[1:]:
        failed |= validate_file(validator, name, quiet)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
