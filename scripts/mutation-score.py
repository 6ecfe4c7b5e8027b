"""Prints the mutation score from mutmut's CI/CD stats file: killed (and timed-out)
mutants over all tested ones, and the count of survivors to read with `mutmut results`."""

import json
import sys

stats = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "mutants/mutmut-cicd-stats.json"))
tested = stats.get("total", 0) - stats.get("skipped", 0)
killed = stats.get("killed", 0) + stats.get("timeout", 0)
print(f"mutants tested {tested}, killed {killed}, survived {stats.get('survived', 0)}, "
      f"no tests {stats.get('no_tests', 0)}: score {100 * killed / tested if tested else 0:.1f}%")
