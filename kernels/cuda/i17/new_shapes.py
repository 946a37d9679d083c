#!/usr/bin/env python3
"""Issue 17 held-out training steps on layer shapes the planner never saw (helper i17, session 8).

Runs kernels/cuda/scripts/train_step.py unchanged (same model, timers, memory probes) on a grid fixed
here before any measurement: Llama-3.2-3B layers (hidden 3072, 24 heads, 8 KV heads, head_dim 128,
ffn 8192) and Qwen2.5-7B-shaped layers (hidden 3584, 28 heads, 4 KV heads, head_dim 128, ffn 18944;
no qkv bias, as train_step's Llama layer), 4 layers, (seq 2048, mb 2) and (seq 4096, mb 1), no/full
recompute, amp/bf16; plus Llama-3.2-3B with a 128,256 vocabulary head at seq 4096, mb 1, amp.

usage: new_shapes.py --out FILE [--deadline-s S]
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scripts"))
import train_step as ts  # noqa: E402

L3B = {"name": "llama3.2-3b-layers", "hidden": 3072, "heads": 24, "kvHeads": 8, "headDim": 128, "ffn": 8192}
Q7B = {"name": "qwen2.5-7b-shaped-layers", "hidden": 3584, "heads": 28, "kvHeads": 4, "headDim": 128,
       "ffn": 18944}


def grid(name, layers):
    out = []
    for m in (L3B, Q7B):
        for seq, mb in ((2048, 2), (4096, 1)):
            for rc in ("none", "full"):
                for prec in ("amp", "bf16"):
                    out.append((m, 4, seq, mb, rc, prec, 0))
    for rc in ("none", "full"):
        out.append((L3B, 4, 4096, 1, rc, "amp", 128256))
    return out


if __name__ == "__main__":
    ts.grid = grid
    argv = [a for a in sys.argv[1:]]
    out = argv[argv.index("--out") + 1]
    sys.argv = [ts.__file__, "--grid", "validation"] + argv
    rc = ts.main()
    with open(out) as f:
        doc = json.load(f)
    doc["grid"] = "validation-new-shapes (kernels/cuda/i17/new_shapes.py grid; train_step.py model and method)"
    with open(__file__, "rb") as f:
        doc["provenance"]["wrapper"] = {"script": "kernels/cuda/i17/new_shapes.py",
                                        "sha256": hashlib.sha256(f.read()).hexdigest()}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    sys.exit(rc)
