"""The installed llama-cpp-python is a portable build (issue 9): no AVX-512 or AMX kernels, which
crashed on AMX hosts; installed by scripts/install_llama_cpp.sh, which keys its cache by the flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.llm_server


def test_the_installed_runtime_has_no_host_specific_kernels() -> None:
    code = "import llama_cpp; print(llama_cpp.llama_print_system_info().decode())"
    info = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert "AVX2 = 1" in info, info
    for flag in ("AVX512 = 1", "AMX_INT8 = 1", "AVX512_VNNI = 1", "AMX = 1"):
        assert flag not in info, info
    stamp = Path(sys.prefix) / ".llama_cpp_build_key"
    assert stamp.is_file(), "installed without scripts/install_llama_cpp.sh (no build key)"

