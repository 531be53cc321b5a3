"""The kill rates of a mutmut run, overall and without message-text mutants (run by bench/mutation.sh).

A *message mutant* changes only a string literal that holds a sentence (it has a space in it): the words of
a refusal or a docstring-like text, which a facilitator reads but no rule depends on. A code (`"agree"`,
`"proposal_already_decided"`), a field name or a key has no space and stays a meaningful mutant.
Run inside mutmut's working folder: `python mutation_rates.py names 4` prints every 4th mutant's name,
`python mutation_rates.py rates 4` prints the rates of the mutants that were run.
"""

from __future__ import annotations

import io
import sys
import tokenize
from collections import Counter
from pathlib import Path

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code

FILES = ("domain/proposal.py", "domain/rules.py")


def _mutants() -> dict[str, tuple[str, int | None]]:
    """Every mutant's name, with its file and exit code."""
    found: dict[str, tuple[str, int | None]] = {}
    for path in FILES:
        data = SourceFileMutationData(path=Path(path))
        data.load()
        for name, exit_code in data.exit_code_by_key.items():
            found[name] = (path, exit_code)
    return found


def _tokens(line: str) -> list[tuple[int, str]]:
    try:
        return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline)]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []


def is_message_mutant(diff: str) -> bool:
    """Whether the mutant only changes string literals that hold a sentence."""
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    if not removed or len(removed) != len(added):
        return False
    for before, after in zip(removed, added, strict=True):
        old, new = _tokens(before), _tokens(after)
        if not old or len(old) != len(new):
            return False
        for (kind, text), (_, mutated) in zip(old, new, strict=True):
            if text == mutated:
                continue
            if kind != tokenize.STRING or " " not in text:
                return False
    return True


def main(command: str, sample: int) -> None:
    mutants = _mutants()
    names = sorted(mutants)[::sample]
    if command == "names":
        print("\n".join(names))
        return
    tally: Counter[tuple[str, bool, str]] = Counter()
    survivors = []
    for name in names:
        path, exit_code = mutants[name]
        status = status_by_exit_code[exit_code]
        if status == "not checked":
            continue
        message = is_message_mutant(get_diff_for_mutant(name, path=path))
        verdict = "killed" if status in ("killed", "timeout", "caught by type check") else "survived"
        tally[(path, message, verdict)] += 1
        if verdict == "survived" and not message:
            survivors.append(name)
    print(f"sample: every {sample}th of {len(mutants)} mutants ({len(names)} picked)")
    for path in (*FILES, "both"):
        for label, kinds in (("all mutants", (True, False)), ("without message text", (False,))):
            counted = [(p, m, v) for (p, m, v) in tally if (path == "both" or p == path) and m in kinds]
            killed = sum(tally[k] for k in counted if k[2] == "killed")
            total = sum(tally[k] for k in counted)
            rate = f"{100 * killed / total:.1f} %" if total else "n/a"
            print(f"{path:20} {label:22} killed {killed:5} of {total:5}  {rate}")
    Path("survivors.txt").write_text("".join(f"{name}\n" for name in survivors))
    print(f"surviving meaningful mutants: {len(survivors)} (names in {Path('survivors.txt').resolve()})")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
