"""GPL training pipeline: data, teacher cross-encoder, hard negatives, pseudo labels, student, evaluation.

Each stage is one module; stages hand named files to each other in one run directory, and a manifest
records the config hash and input hashes so a stage reruns only when they change. Its CLI commands
are registered through the ``cratedigger.commands`` entry point (``training.commands``).
Out of scope here: retrieval itself (``retrieval``) and the chat (``chat``).
"""

from __future__ import annotations
