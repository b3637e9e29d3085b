#!/usr/bin/env python3
"""Lists Rust functions longer than a limit (default 150 lines), outside generated code.

A function may be longer when a comment says why on the lines just above it (its doc comment or
attributes included): `// long function: <reason>`. Exits 1 when any other function is too long,
naming each with its file and line, so CI keeps the code readable by a newcomer (issue 12).

    python3 scripts/long-functions.py [--max 150] [DIR ...]   (default: crates)
"""
import argparse
import os
import re
import sys

FN = re.compile(r'^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)')
STRING = re.compile(r'"(\\.|[^"\\])*"')
CHAR = re.compile(r"'(\\.|[^'\\])'")


def code(line):
    """A line without its strings, characters and comment (braces in them do not count)."""
    line = STRING.sub('""', line)
    line = CHAR.sub("''", line)
    return line.split('//')[0]


def reason_above(lines, i):
    """Whether the comments and attributes just above line `i` say why the function is long."""
    j = i - 1
    while j >= 0 and (lines[j].strip().startswith(('//', '#[')) or not lines[j].strip()):
        if 'long function:' in lines[j]:
            return True
        if not lines[j].strip():
            break
        j -= 1
    return False


def long_functions(path, limit):
    lines = open(path, encoding='utf-8').read().split('\n')
    found = []
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        depth, started, j = 0, False, i
        while j < len(lines):
            c = code(lines[j])
            if not started and ';' in c and '{' not in c:
                break
            for ch in c:
                if ch == '{':
                    depth, started = depth + 1, True
                elif ch == '}':
                    depth -= 1
            if started and depth == 0:
                break
            j += 1
        n = j - i + 1
        if started and n > limit and not reason_above(lines, i):
            found.append((path, i + 1, m.group(6), n))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--max', type=int, default=150)
    ap.add_argument('dirs', nargs='*', default=['crates'])
    a = ap.parse_args()
    found = []
    for root in a.dirs:
        for dirpath, dirnames, files in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in ('target', '.git')]
            for f in sorted(files):
                if f.endswith('.rs'):
                    found += long_functions(os.path.join(dirpath, f), a.max)
    for path, line, name, n in sorted(found):
        print(f'{path}:{line}: fn {name} is {n} lines (over {a.max}; split it, or say why: // long function: …)')
    print(f'{len(found)} functions over {a.max} lines without a reason', file=sys.stderr)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
