"""Merges the harness's per-section JSON parts into one cuda-harness.json (run_all.sh).

    python3 merge_parts.py [--skip-unreadable] OUT PART...

The first part gives the document; the row lists of the others are appended to it.
--skip-unreadable passes over a part that is not JSON (a section that died mid-write).
"""
import json
import sys

SECTIONS = ("bandwidth", "gemm", "decodeAttention", "mlaDecode", "skipped")


def main(argv):
    skip = argv[:1] == ["--skip-unreadable"]
    if skip:
        argv = argv[1:]
    out, parts = argv[0], argv[1:]
    doc = None
    for p in parts:
        try:
            o = json.loads(open(p).read())
        except Exception:
            if skip:
                continue
            raise
        if doc is None:
            doc = o
        else:
            for k in SECTIONS:
                if k in o:
                    doc[k] = doc.get(k, []) + o[k]
    json.dump(doc, open(out, "w"), separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1:])
