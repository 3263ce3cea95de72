# Loaded by scripts/run-notebooks.js (jupyter nbconvert --config): before each cell runs, one line on stderr
# names it, so that a kernel that dies or a cell that times out can be named by the runner (nbclient's own
# errors do not say which cell: "Kernel died").
import sys


def _starting(cell, cell_index, **_):
    print(f"[run-notebooks] cell {cell_index} starts", file=sys.stderr, flush=True)


c = get_config()  # noqa: F821 (defined by traitlets when it loads this file)
c.ExecutePreprocessor.on_cell_execute = _starting
