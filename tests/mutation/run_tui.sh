#!/usr/bin/env bash
# Mutation run over the TUI action modules (docs/testing-tui.md, "Rerun").
#
# The project's [tool.mutmut] is the store's, so this runs in a scratch copy:
#   1. copy the checkout's files (tracked and untracked-not-ignored, so new
#      tests count) to $MUT_TUI_DIR (default: $TMPDIR/digest-tui-mut-tui,
#      emptied first);
#   2. replace [tool.mutmut] in the copy's pyproject.toml: tui/ as the source,
#      the five action modules mutated, the UI tests selected;
#   3. cd there and run `nice mutmut run --max-children 1 ARGS...`, then
#      `mutmut results` (the survivors; `mutmut show NAME` there for one).
#
# Usage, from anywhere in the checkout (with the venv active):
#   tests/mutation/run_tui.sh                                    # all mutants: ~2 h, 2 cores
#   tests/mutation/run_tui.sh "tui.screens.main_view.xǁMainViewǁaction_pane*"  # one function
#   MUT_TUI_TESTS="tests/tui/test_actions_survivors.py" tests/mutation/run_tui.sh NAME...
# MUT_TUI_TESTS (space-separated paths) replaces the default test selection, the
# whole of tests/tui/: mutmut first runs every selected test once (the stats
# that map tests to functions), so a small selection starts in seconds.
# Method mutants are named module.xǁClassǁmethod__mutmut_N (mutmut 3).
set -euo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
scratch=${MUT_TUI_DIR:-${TMPDIR:-/tmp}/digest-tui-mut-tui}
tests=${MUT_TUI_TESTS:-tests/tui/}
# the seeds and corpus beside the checkout, found from the checkout (not the copy)
shared=${DIGEST_TUI_SHARED:-$(cd "$repo" && python -c 'from tests.support.shared import SHARED; print(SHARED)')}

# 1. the copy
rm -rf "$scratch"
mkdir -p "$scratch"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
  | tar --null -T - -cf -) | tar -xf - -C "$scratch"

# 2. the TUI's [tool.mutmut] in place of the store's
MUT_TUI_TESTS_LIST=$tests python - "$scratch/pyproject.toml" <<'PY'
import json, os, re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
start = text.index("[tool.mutmut]\n")
nxt = re.compile(r"^\[[A-Za-z]", re.M).search(text, start + 1)
end = nxt.start() if nxt else len(text)
modules = ["main.py", "main_reading.py", "smart_actions.py", "main_refresh.py", "main_view.py"]
tests = os.environ["MUT_TUI_TESTS_LIST"].split()
q = json.dumps  # a TOML basic string is a JSON string here (plain ASCII paths)
block = "\n".join([
    "[tool.mutmut]",
    "# written by tests/mutation/run_tui.sh (the TUI actions, docs/testing-tui.md)",
    'source_paths = ["tui/"]',
    "only_mutate = [" + ", ".join(q("tui/screens/" + m) for m in modules) + "]",
    'also_copy = ["tests/", "bench/", "store/", "feeds.yaml", "pyproject.toml"]',
    'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-p", "no:randomly"]',
    "pytest_add_cli_args_test_selection = [" + ", ".join(q(t) for t in tests) + "]",
    "", "",
])
open(path, "w", encoding="utf-8").write(text[:start] + block + text[end:])
PY

# 3. the run
cd "$scratch"
echo "scratch copy: $scratch (tests: $tests; shared: $shared)"
export DIGEST_TUI_SHARED=$shared
status=0
nice mutmut run --max-children 1 "$@" || status=$?
mutmut results | grep -v ": not checked$" || true  # the survivors of what ran
exit "$status"
