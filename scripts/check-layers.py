#!/usr/bin/env python3
"""The module boundaries docs/architecture.md writes down, checked on the source tree:

1. every `#include "MODULE/..."` in cli/M/ names M itself or a module on M's line of the
   ```layers block (so no include points up the layer order);
2. each module's CMake library (`devenv_module(M DEPS ...)` in CMakeLists.txt) links exactly the
   modules its files include, and its SOURCES are exactly the .cpp files of cli/M/;
3. nothing outside cli/ui/ and cli/main.cpp writes to the terminal (std::cout, std::cerr,
   printf, puts, fputs, fwrite or write(2) to the standard streams).

Exit 0 when all hold; else one line per violation (file:line: what) and exit 1."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLI = ROOT / "cli"


def layers():
    text = (ROOT / "docs/architecture.md").read_text()
    m = re.search(r"^```layers\n(.*?)^```", text, re.M | re.S)
    if not m:
        sys.exit("docs/architecture.md: no ```layers block")
    out = {}
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        name, _, deps = line.partition(":")
        out[name.strip()] = set(deps.split())
    order = list(out)
    for i, mod in enumerate(order):
        for dep in out[mod]:
            if dep not in order[:i]:
                sys.exit(f"docs/architecture.md: {mod} may include {dep}, which is not below it")
    return out


def cmake_modules():
    text = (ROOT / "CMakeLists.txt").read_text()
    mods = {}
    for m in re.finditer(r"^devenv_module\((\w+)(.*?)^\)", text, re.S | re.M):
        sections, current = {"DEPS": [], "LIBS": [], "SOURCES": []}, None
        for token in m.group(2).split():
            if token in sections:
                current = token
            elif current:
                sections[current].append(token)
        mods[m.group(1)] = (set(sections["DEPS"]), sections["SOURCES"])
    return mods


TERMINAL = re.compile(r"std::cout|std::cerr|std::clog|(?<![\w:])(printf|puts|fputs|putchar)\(|"
                      r"fwrite\([^;]*std(out|err)|fprintf\(\s*std(out|err)|"
                      r"(?<![\w:])write\(\s*(1|2|STDOUT_FILENO|STDERR_FILENO)\s*,")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main():
    allowed = layers()
    problems = []
    included = {m: set() for m in allowed}
    for path in sorted(CLI.rglob("*")):
        if path.suffix not in (".cpp", ".hpp") or not path.is_file():
            continue
        rel = path.relative_to(CLI)
        mod = rel.parts[0] if len(rel.parts) > 1 else None
        if mod is not None and mod not in allowed:
            problems.append(f"cli/{rel}: module folder {mod} is not in docs/architecture.md's layers")
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if m and mod is not None:
                dep = m.group(1)
                if dep != mod:
                    included[mod].add(dep)
                    if dep not in allowed[mod]:
                        problems.append(f"cli/{rel}:{n}: {mod} includes {dep}/, not allowed by the layer order")
            code = line.split("//", 1)[0]
            if mod != "ui" and rel.as_posix() != "main.cpp" and TERMINAL.search(code):
                problems.append(f"cli/{rel}:{n}: terminal output outside ui/")
    cm = cmake_modules()
    for mod in allowed:
        if mod not in cm:
            problems.append(f"CMakeLists.txt: no devenv_module({mod} ...)")
            continue
        deps, srcs = cm[mod]
        if deps != included[mod]:
            extra, missing = sorted(deps - included[mod]), sorted(included[mod] - deps)
            problems.append(f"CMakeLists.txt: devenv_module({mod}) links what it does not include: {extra}"
                            if extra else
                            f"CMakeLists.txt: devenv_module({mod}) does not link what it includes: {missing}")
        on_disk = sorted(p.relative_to(ROOT).as_posix() for p in (CLI / mod).rglob("*.cpp"))
        listed = sorted(s for s in srcs if not s.startswith("${"))
        if on_disk != listed:
            problems.append(f"CMakeLists.txt: devenv_module({mod}) SOURCES differ from cli/{mod}/: "
                            f"unlisted {sorted(set(on_disk) - set(listed))}, "
                            f"missing {sorted(set(listed) - set(on_disk))}")
    for p in problems:
        print(p)
    if problems:
        print(f"check-layers: {len(problems)} problem(s)")
        return 1
    print(f"check-layers: {len(allowed)} modules, includes and links as docs/architecture.md says")
    return 0


if __name__ == "__main__":
    sys.exit(main())
