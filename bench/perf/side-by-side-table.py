"""The table of estimate-side-by-side.sh: per (config, workload) and revision, the median of every
measured iteration over the rounds (us/op), the B/op, and the ratio to the first revision."""
import glob
import json
import os
import statistics
import sys

out, names = sys.argv[1], sys.argv[2:]
rows = {}
for path in glob.glob(os.path.join(out, "*.json")):
    name, rest = os.path.basename(path)[:-5].split("_r", 1)
    text = open(path).read()
    if not text.strip():
        continue  # a run that did not finish
    for run in json.loads(text):
        key = (run["params"]["config"], run["params"]["workload"])
        it = [x for r in run["primaryMetric"]["rawData"] for x in r]
        alloc = run["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")
        cell = rows.setdefault(key, {}).setdefault(name, {"it": [], "alloc": []})
        cell["it"] += it
        if alloc is not None:
            cell["alloc"].append(alloc)
print("| config | workload | " + " | ".join(f"{n} us/op (B/op)" for n in names)
      + " | " + " | ".join(f"{n} / {names[0]}" for n in names[1:]) + " |")
print("| --- | --- | " + " | ".join("---" for _ in names) + " | "
      + " | ".join("---" for _ in names[1:]) + " |")
for (config, workload) in sorted(rows, key=lambda k: (k[0], ["repeat", "sweep", "cold"].index(k[1]))):
    cells = rows[(config, workload)]
    med = {n: statistics.median(cells[n]["it"]) for n in names if n in cells}
    def fmt(n):
        if n not in cells:
            return "-"
        a = cells[n]["alloc"]
        return f"{med[n]:.3g} ({statistics.median(a):,.0f})" if a else f"{med[n]:.3g}"
    ratios = [f"{med[n] / med[names[0]]:.2f}" if n in med and names[0] in med else "-" for n in names[1:]]
    print(f"| {config} | {workload} | " + " | ".join(fmt(n) for n in names) + " | " + " | ".join(ratios) + " |")
