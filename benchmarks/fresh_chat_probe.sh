#!/usr/bin/env bash
# Time `make chat` from start to its first /recommend answer, with a given (e.g. empty) CRATEDIGGER_HOME.
#   bash benchmarks/fresh_chat_probe.sh /tmp/empty-home
# Prints which condenser answered and the two times; stops the app (and with it the model server).
set -u
home=${1:?usage: fresh_chat_probe.sh CRATEDIGGER_HOME}
cd "$(dirname "$0")/.."
start=$(date +%s.%N)
CRATEDIGGER_HOME=$home setsid make chat >"$home.chat.log" 2>&1 &
pid=$!
for _ in $(seq 1 1800); do
  curl -s -o /dev/null http://127.0.0.1:7860/ && break
  kill -0 "$pid" 2>/dev/null || { echo "make chat exited; see $home.chat.log"; exit 1; }
  sleep 1
done
up=$(date +%s.%N)
.venv/bin/python - <<'PY'
from gradio_client import Client
_, r = Client("http://127.0.0.1:7860/", verbose=False).predict("calm piano, no vocals", [], api_name="/recommend")
print("backend:", r["request"]["backend"], "songs:", len(r["songs"]), "turn_ms:", r["timings_ms"].get("total"))
PY
answered=$(date +%s.%N)
python3 -c "print(f'page up after {$up - $start:.0f} s; first answer after {$answered - $start:.0f} s')"
kill -- -"$pid"
