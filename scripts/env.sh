# Sourced by lab.sh, test.sh and build-native.sh: the project's Jupyter comes first, its kernel spec wins over any
# other "tslab" kernel a user may have installed, and TensorFlow's C++ logs stay quiet in the shell's processes
# (the library sets the same level itself before it loads TensorFlow: lib/node/backend.ts; see lib/README.md).
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export PATH="$root/.venv/bin:$root/node_modules/.bin:$PATH"
export JUPYTER_PATH="$root/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
# GPU set-up (LECTURE3_GPU=1): NVIDIA's CUDA libraries inside .venv
if [ -s "$root/.venv/.lecture3-gpu" ]; then export LD_LIBRARY_PATH="$(cat "$root/.venv/.lecture3-gpu")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi
