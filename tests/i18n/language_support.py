"""Telling a language apart in program output, for the localisation tests."""

from __future__ import annotations

import re

# what may stay as it is in any language: `quoted` input, --options, file names and
# paths, ids with - _ . / @, citations in 《》, numbers and dates, diagnostic codes
# ([unknown-name]) and data paths (deployments[3].platform)
_KEEP = re.compile(
    r"`[^`]*`|《[^》]*》|'[^']*'|\"[^\"]*\"|--?[\w-]+|\[[a-z|-]+\]|[\w.-]*[/@][\w./@-]*"
    # a data path in a facts file: deployments[3].platform
    r"|\b[a-z_]+(?:\[\d+\])+(?:\.\w+(?:\[\d+\])*)*"
    r"|\b[\w-]+\.(?:ya?ml|json|policy|toml|html|csv|xlsx|sarif)\b|\b\w*[_\d]\w*\b"
)
_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: words that are names, not English, wherever they appear
NAMES = frozenset({
    "policy", "sdk", "YAML", "JSON", "SARIF", "HTML", "CSV", "XLSX", "PATH", "FILE",
    "FOLDER", "OPTIONS", "COMMAND", "ARGS", "DATE", "FORMAT", "MODULE", "OBJ", "NAME",
    "STRATEGY", "PATHS", "ID", "Art", "UTF", "LANG", "App", "app", "zh", "en", "text",
    "json", "sarif", "yaml", "html", "csv", "xlsx", "auto", "batch", "single", "engine",
    "reference", "mandatory", "advisory", "true", "false", "null", "wechat", "alipay",
    "douyin", "baidu", "website", "NO_COLOR", "POLICY_SDK_LANG", "GB", "AI",
})


def english_sentences(text: str, min_words: int = 3) -> list[str]:
    """Lines that hold a run of ``min_words`` English words (names and quoted input
    aside): English prose where Chinese was asked for."""
    found = []
    for line in text.splitlines():
        stripped = _KEEP.sub(" ", line)
        run = 0
        for token in re.split(r"[^A-Za-z]+", stripped):
            if len(token) >= 2 and token not in NAMES:
                run += 1
                if run >= min_words:
                    found.append(line)
                    break
            elif token:
                run = 0
    return found


def chinese_lines(text: str) -> list[str]:
    """Lines with Chinese characters outside quoted input and citations."""
    return [line for line in text.splitlines() if _HAN.search(_KEEP.sub(" ", line))]
