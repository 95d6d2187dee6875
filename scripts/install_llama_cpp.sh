#!/usr/bin/env bash
# Install llama-cpp-python (the local LLM runtime) into the given interpreter's environment, built
# PORTABLY: no host-specific instructions (AVX2/FMA/F16C baseline; AVX-512 and AMX off), because
# machines of the same kind do not share one CPU model and llama.cpp's default native build crashed in
# ggml_backend_amx_mul_mat on an AMX host (issue 9).
#
# It compiles from source (3-16 min on 2 cores) once. The wheel is cached under
# $CRATEDIGGER_HOME/wheels/<version>-<key>/, where <key> hashes the version and the exact CMAKE_ARGS,
# so a wheel built with other flags (an old native one) is never reused. pip's own wheel cache is off
# for the build: it keys wheels by the source archive, not by CMAKE_ARGS, and would hand back a native
# wheel. The environment records the key it was installed with (.llama_cpp_build_key); a llama_cpp
# installed with another key is replaced.
#
# Out of scope: GPU builds (use vLLM, scripts/serve_vllm.sh) and choosing faster per-host kernels.
set -euo pipefail
PY=${1:-python3}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
PORTABLE_ARGS="-DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX_VNNI=OFF \
-DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF"
ARGS=${LLAMA_CPP_CMAKE_ARGS:-$PORTABLE_ARGS}
KEY=$(printf '%s\n%s\n' "$VERSION" "$ARGS" | sha256sum | cut -c1-12)
CACHE="${CRATEDIGGER_HOME:-$HOME/.cache/cratedigger}/wheels/llama-cpp-python-$VERSION-$KEY"
ENV_DIR=$("$PY" -c "import sys; print(sys.prefix)")
STAMP="$ENV_DIR/.llama_cpp_build_key"

if "$PY" -c "import llama_cpp, llama_cpp.server" 2>/dev/null && [ "$(cat "$STAMP" 2>/dev/null)" = "$KEY" ]; then
  exit 0
fi
mkdir -p "$CACHE"
wheel=$(ls "$CACHE"/llama_cpp_python-"$VERSION"-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
  echo "building llama-cpp-python $VERSION portably (once; cached in $CACHE) ..."
  tmp=$(mktemp -d "$CACHE/.build.XXXXXX")
  CMAKE_ARGS="$ARGS" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
    "$PY" -m pip wheel -q --no-cache-dir --no-binary llama-cpp-python --no-deps -w "$tmp" \
    "llama-cpp-python==$VERSION"
  mv "$tmp"/llama_cpp_python-*.whl "$CACHE"/
  rm -rf "$tmp"
  printf '%s\n' "$ARGS" >"$CACHE/CMAKE_ARGS"
  wheel=$(ls "$CACHE"/llama_cpp_python-"$VERSION"-*.whl | head -n 1)
fi
"$PY" -m pip install -q --no-cache-dir --force-reinstall --no-deps "$wheel"
# the OpenAI-compatible server's own dependencies (llama-cpp-python[server]), never a rebuild
"$PY" -m pip install -q "$wheel[server]"
# check the build: no AVX-512 / AMX kernels compiled in (they are what crashed on AMX hosts)
"$PY" - <<'EOF'
import llama_cpp
info = llama_cpp.llama_print_system_info().decode()
bad = [flag for flag in ("AVX512 = 1", "AMX_INT8 = 1", "AMX = 1") if flag in info]
if bad:
    raise SystemExit(f"llama-cpp-python was built with host-specific kernels {bad}: {info}")
print("llama-cpp-python portable build:", info.strip()[:160])
EOF
printf '%s\n' "$KEY" >"$STAMP"
