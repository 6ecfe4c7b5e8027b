"""Prints a seeded random sample of mutmut's mutants, the same share of each
mutated module (`make mutation-sample`): on 2 loaded cores mutmut checks about
6 mutants a minute, so the 1,800 mutants take five hours and a sample of 400
one. Reads `mutmut results --all true` on standard input; arguments: the
sample size and the seed. The score of a sample is an estimate: report it with
its interval (scripts/mutation-score.py --sample)."""

import random
import re
import sys
from collections import defaultdict

size, seed = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (400, 13)
names = [line.split(":")[0].strip() for line in sys.stdin if "__mutmut_" in line]
by_module: dict[str, list[str]] = defaultdict(list)
for name in names:
    by_module[re.split(r"\.x[_ǁ]", name, maxsplit=1)[0]].append(name)
chooser = random.Random(seed)
sample = []
for module in sorted(by_module):
    mutants = sorted(by_module[module])
    share = max(1, round(size * len(mutants) / len(names)))
    sample.extend(chooser.sample(mutants, min(share, len(mutants))))
print("\n".join(sample))
