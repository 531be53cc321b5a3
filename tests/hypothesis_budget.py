"""How many examples Hypothesis tries: the `full` profile by hand, the lighter `ci` profile when CI=true.

`HYPOTHESIS_PROFILE=full` (or `ci`) picks a profile whatever CI says. A test that names
its own number of examples writes `max_examples=examples(300)`: 300 under `full`, the
same share of it under `ci` as the profile's own budget (never fewer than `MINIMUM`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hypothesis import settings

#: Hypothesis' own default budget, kept by the `full` profile.
FULL_EXAMPLES = 100
#: The `ci` profile's budget: a quarter of the examples, still every rule of every strategy.
CI_EXAMPLES = 25
#: The fewest examples a test that names its own number is given under any profile.
MINIMUM = 5

settings.register_profile("full", max_examples=FULL_EXAMPLES)
settings.register_profile("ci", max_examples=CI_EXAMPLES)


def chosen_profile(environment: Mapping[str, str] = os.environ) -> str:
    """`HYPOTHESIS_PROFILE` when set, otherwise `ci` when CI=true and `full` elsewhere."""
    named = environment.get("HYPOTHESIS_PROFILE", "")
    if named:
        return named
    return "ci" if environment.get("CI", "").lower() == "true" else "full"


def load_chosen_profile() -> str:
    """Loads the chosen profile (`chosen_profile`); its name."""
    name = chosen_profile()
    settings.load_profile(name)
    return name


def examples(full: int) -> int:
    """`full` examples under the `full` profile; under another, the same share of `full` as its budget."""
    return max(MINIMUM, round(full * settings.default.max_examples / FULL_EXAMPLES))
