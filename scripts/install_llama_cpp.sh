#!/usr/bin/env bash
# Install llama-cpp-python (the local LLM backend) into the given interpreter's environment.
# It compiles from source (~16 min on 2 cores), so the built wheel is cached under
# $CRATEDIGGER_HOME/wheels and reused by later runs and fresh clones on the same machine.
set -euo pipefail
PY=${1:-python3}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
CACHE="${CRATEDIGGER_HOME:-$HOME/.cache/cratedigger}/wheels"
if "$PY" -c "import llama_cpp" 2>/dev/null; then
  exit 0
fi
mkdir -p "$CACHE"
wheel=$(ls "$CACHE"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  echo "building llama-cpp-python $VERSION (once; cached in $CACHE) ..."
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$PY" -m pip wheel -q --no-deps -w "$CACHE" "llama-cpp-python==$VERSION"
  wheel=$(ls "$CACHE"/llama_cpp_python-"$VERSION"-*.whl | head -n 1)
fi
"$PY" -m pip install -q "$wheel"
# the OpenAI-compatible server's own dependencies (llama-cpp-python[server])
"$PY" -m pip install -q "llama-cpp-python[server]==$VERSION" --find-links "$CACHE"
