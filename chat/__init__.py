"""Conversational layer: Gradio UI, dialog condensers (vLLM / local llama.cpp / rules), LLM client.

Out of scope here: retrieval itself (``retrieval``) and training (``training``).
"""

from __future__ import annotations
