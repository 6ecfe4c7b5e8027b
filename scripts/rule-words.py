#!/usr/bin/env python3
"""Writes api/pages/rule_words.json from the house DOMAIN.md (../shared
beside the clone): for each rule ID of "Rules from the notices", its English
line and the notice's Chinese words quoted in it, so that a refusal page can
show the rule in the reader's language without ../shared at run time.
tests/test_pages_language.py checks the JSON still matches DOMAIN.md.

    python scripts/rule-words.py [path/to/DOMAIN.md]"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"
TARGET = ROOT / "api" / "pages" / "rule_words.json"
RULE_LINE = re.compile(r"^- ([A-Z][0-9]+) (.+)$")
CHINESE = re.compile(r"[\u3400-\u9fff]")


def chinese_words(sentence: str) -> list[str]:
    """The Chinese in a line: each outermost (...) or "..." that holds Chinese characters."""
    found, depth, start = [], 0, 0
    for at, character in enumerate(sentence):
        if character == "(":
            if depth == 0:
                start = at + 1
            depth += 1
        elif character == ")" and depth:
            depth -= 1
            if depth == 0 and CHINESE.search(sentence[start:at]):
                found.append(sentence[start:at])
    found += [quoted for quoted in re.findall(r'"([^"]+)"', sentence) if CHINESE.search(quoted)]
    return found


def rule_words(domain_text: str) -> dict[str, dict[str, str]]:
    """Rule ID → {"en": its line without the ID, "zh": its Chinese words joined by "；"}."""
    section = domain_text.split("## Rules from the notices", 1)[1].split("\n## ", 1)[0]
    rules = {}
    for line in section.splitlines():
        match = RULE_LINE.match(line.strip())
        if match:
            rules[match.group(1)] = {"en": match.group(2), "zh": "；".join(chinese_words(match.group(2)))}
    return rules


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DOMAIN
    rules = rule_words(source.read_text(encoding="utf-8"))
    TARGET.write_text(json.dumps(rules, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(rules)} rules from {source}")


if __name__ == "__main__":
    main()
