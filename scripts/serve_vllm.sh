#!/usr/bin/env bash
# Serve Meta-Llama-3-8B-Instruct with vLLM for the chat app's production condenser:
#   bash scripts/serve_vllm.sh            # then, in another shell:
#   cratedigger chat --llm-url http://127.0.0.1:8000/v1 --llm-model meta-llama/Meta-Llama-3-8B-Instruct
#
# GPU needs: one NVIDIA GPU with >= 24 GB memory (bf16 weights take ~16 GB; the rest is KV cache), e.g.
# L4 / A10G (24 GB), A100, H100. 16 GB cards need a quantised checkpoint (MODEL=<AWQ/GPTQ repo>, and
# lower MAX_MODEL_LEN). CUDA 12 drivers; `pip install vllm` (or `pip install -e '.[vllm]'`).
# The model is gated on the Hugging Face hub: accept its licence and `huggingface-cli login`, or point
# MODEL at a local copy. Condensing prompts are < 1k tokens and answers < 120, so a 4096-token context
# is plenty and leaves memory for many concurrent sessions (--max-num-seqs).
#
# Environment: MODEL, HOST (127.0.0.1), PORT (8000), MAX_MODEL_LEN (4096), GPU_MEMORY_UTILIZATION (0.85),
# MAX_NUM_SEQS (64). Extra arguments are passed to `vllm serve`.
set -euo pipefail
MODEL=${MODEL:-meta-llama/Meta-Llama-3-8B-Instruct}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
MAX_MODEL_LEN=${MAX_MODEL_LEN:-4096}
GPU_MEMORY_UTILIZATION=${GPU_MEMORY_UTILIZATION:-0.85}
MAX_NUM_SEQS=${MAX_NUM_SEQS:-64}

if ! command -v vllm >/dev/null 2>&1; then
  echo "vllm is not installed: pip install vllm (needs an NVIDIA GPU with CUDA 12)" >&2
  exit 2
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  total_mb=$(nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits | head -n 1)
  if [ "${total_mb:-0}" -lt 22000 ]; then
    echo "warning: GPU has ${total_mb} MiB; Llama-3-8B in bf16 needs ~24 GB (use a quantised MODEL)" >&2
  fi
else
  echo "warning: nvidia-smi not found; vLLM needs an NVIDIA GPU" >&2
fi

exec vllm serve "$MODEL" \
  --host "$HOST" --port "$PORT" \
  --served-model-name "$MODEL" \
  --dtype auto \
  --max-model-len "$MAX_MODEL_LEN" \
  --gpu-memory-utilization "$GPU_MEMORY_UTILIZATION" \
  --max-num-seqs "$MAX_NUM_SEQS" \
  --enable-prefix-caching \
  "$@"
