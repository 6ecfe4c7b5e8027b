"""Prints the mutation score from `mutmut results --all true` on standard input:
killed (and timed out: mutmut limits each mutant's CPU time to 30 times its
tests', so a timeout is a mutant that made them loop) over all checked mutants,
and each survivor. With a file of mutant names (scripts/mutation-sample.py), only
those count, and the score is an estimate of the whole with its 95% Wilson interval."""

import math
import sys
from collections import Counter

statuses = {}
for line in sys.stdin:
    name, _, status = line.strip().rpartition(": ")
    if "__mutmut_" in name:
        statuses[name] = status
if len(sys.argv) > 1:
    wanted = set(open(sys.argv[1]).read().split())
    statuses = {name: status for name, status in statuses.items() if name in wanted}
counts = Counter(statuses.values())
checked = sum(count for status, count in counts.items() if status in ("killed", "timeout", "survived"))
killed = counts["killed"] + counts["timeout"]
print(f"mutants {len(statuses)}: " + ", ".join(f"{status} {count}" for status, count in sorted(counts.items())))
if checked:
    score = killed / checked
    line = f"score {100 * score:.1f}% ({killed} of {checked} checked)"
    if len(sys.argv) > 1:
        z = 1.96
        centre = (score + z * z / (2 * checked)) / (1 + z * z / checked)
        half = z * math.sqrt(score * (1 - score) / checked + z * z / (4 * checked * checked)) / (1 + z * z / checked)
        line += f"; 95% interval for all mutants {100 * (centre - half):.1f}%-{100 * (centre + half):.1f}%"
    print(line)
for name, status in sorted(statuses.items()):
    if status == "survived":
        print(f"  survived: {name}")
