from __future__ import annotations

from pathlib import Path


def test_tiny_model_has_two_layers_and_encodes(tiny_model_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(tiny_model_path), device="cpu")
    assert model[0].auto_model.config.num_hidden_layers == 2
    emb = model.encode(["steel drums", "tropical steel drums", "heavy metal"], normalize_embeddings=True)
    assert emb.shape == (3, 384)
    # worked example: related phrases are closer than unrelated ones
    assert emb[0] @ emb[1] > emb[0] @ emb[2]
