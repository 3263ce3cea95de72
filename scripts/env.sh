# Sourced by lab.sh and test.sh: the project's Jupyter comes first, its kernel spec wins over any
# other "tslab" kernel a user may have installed, and TensorFlow's C++ logs stay quiet.
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export PATH="$root/.venv/bin:$root/node_modules/.bin:$PATH"
export JUPYTER_PATH="$root/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
