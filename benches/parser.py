#!/usr/bin/env python3
"""The citation parser on pathological notes: `marginalia check` (release build) on notes of 100 KB and 1 MB made
of one repeated pattern, as one paragraph. Prints a Markdown table: median and p99 wall time of RUNS runs, and the
ratio between the sizes (10 for linear work). Usage: cargo build --release && python3 benches/parser.py"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

BINARY = os.path.join(os.path.dirname(__file__), "..", "target", "release", "marginalia")
RUNS = int(os.environ.get("RUNS", "7"))
PATTERNS = {
    "unclosed quotes `[@a, \"x `": '[@a, "x ',
    "unclosed brackets `[@a, [`": "[@a, [",
    "nesting `[` … `]` (balanced, one level per pattern)": None,
    "quotes that close early `[@a, \"b \"c\" d\"] `": '[@a, "b "c" d"] ',
    "keys `@a@b`": "@a@b",
    "stray semicolons `[@a;; @b] `": "[@a;; @b] ",
    "unclosed mentions `[[`": "[[",
    "mixed marks `[@a, \"x” y\"] `": '[@a, "x\u201d y"] ',
    "in-text keys with unclosed brackets `@a [p. 1; @b [`": "@a [p. 1; @b [",
    "braced ids that never close `@{{`": "@{{",
}


def note(pattern, size):
    if pattern is None:
        depth = size // 8
        return "[@a, " * depth + "]" * depth
    return (pattern * (size // len(pattern.encode()) + 1))[: size // len(pattern.encode()) * len(pattern)]


def timed(workspace):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([BINARY, "check", "notes/n.md", "--format", "json"], cwd=workspace, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main():
    if not os.path.exists(BINARY):
        sys.exit("build first: cargo build --release")
    print("| note of one repeated pattern | 100 KB: median / p99 | 1 MB: median / p99 | ratio of medians |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as workspace:
        os.makedirs(os.path.join(workspace, "sources"))
        os.makedirs(os.path.join(workspace, "notes"))
        with open(os.path.join(workspace, "sources", "a.txt"), "w") as f:
            f.write("A short article about a harbour strike that lasted until Friday.\n")
        for name, pattern in PATTERNS.items():
            row = []
            for size in (100_000, 1_000_000):
                with open(os.path.join(workspace, "notes", "n.md"), "w") as f:
                    f.write(note(pattern, size))
                row.append(timed(workspace))
            (small, small99), (large, large99) = row
            print(f"| {name} | {small * 1000:.0f} / {small99 * 1000:.0f} ms | {large * 1000:.0f} / {large99 * 1000:.0f} ms | {large / small:.1f} |")


if __name__ == "__main__":
    main()
