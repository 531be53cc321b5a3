#!/usr/bin/env bash
# Mutation testing of the proposal's rules: how many changes to domain/proposal.py and domain/rules.py
# does tests/unit notice? Run by hand (CPU-heavy: one worker), never in CI.
#
#   .venv/bin/pip install mutmut        # 3.x; not part of the package's test extra
#   bench/mutation.sh                   # every mutant (about 30-60 min on one core)
#   SAMPLE=4 bench/mutation.sh          # every 4th mutant, in mutmut's own order (a fair, repeatable sample)
#   NAMES=survivors.txt bench/mutation.sh   # only these mutants (say, the survivors of an earlier run)
#
# It works in a scratch copy outside the source tree (WORKDIR, default a fresh temporary folder), so
# mutmut's `mutants/` folder and its setup.cfg never land in the repository. It prints the kill rate of
# all mutants and of the mutants that are not message text (a mutated string inside a `raise` or an
# error's sentence: a facilitator's words, not a rule); bench/mutation_rates.py says how it classifies.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$here/.venv}"
workdir="${WORKDIR:-$(mktemp -d -t mufakat-mutation.XXXXXX)}"
sample="${SAMPLE:-1}"

mkdir -p "$workdir"
rsync -a --delete --exclude '__pycache__' --exclude '.hypothesis' \
  "$here/domain" "$here/service" "$here/projections" "$here/tests" "$here/pyproject.toml" "$workdir/"
cat > "$workdir/setup.cfg" <<'CFG'
[mutmut]
source_paths=domain
only_mutate=
    domain/proposal.py
    domain/rules.py
also_copy=
    service
    projections
pytest_add_cli_args_test_selection=tests/unit
pytest_add_cli_args=-p no:cacheprovider -q -x
CFG

cd "$workdir"
echo "mutating domain/proposal.py and domain/rules.py in $workdir (one worker, every ${sample}th mutant)" >&2
if [ -n "${NAMES:-}" ]; then
  names="$(cd "$here" && realpath "$NAMES")"
  xargs -a "$names" "$venv/bin/mutmut" run --max-children 1 >mutmut-run.log 2>&1 || true
elif [ "$sample" = "1" ]; then
  "$venv/bin/mutmut" run --max-children 1 >mutmut-run.log 2>&1 || true
else
  # `mutmut run` with no names creates the mutants and runs them all; with names it runs only those.
  # Create them first (an empty pattern runs nothing), then pick every SAMPLEth name in a stable order.
  "$venv/bin/mutmut" run --max-children 1 'no-such-mutant' >mutmut-run.log 2>&1 || true
  "$venv/bin/python" "$here/bench/mutation_rates.py" names "$sample" >sample.txt
  xargs -a sample.txt "$venv/bin/mutmut" run --max-children 1 >>mutmut-run.log 2>&1 || true
fi
"$venv/bin/python" "$here/bench/mutation_rates.py" rates "$sample"
