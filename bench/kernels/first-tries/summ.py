import statistics as st, glob, sys
d={}
for f in sorted(glob.glob('*.tsv')):
    v=f.split('.')[0]
    for line in open(f):
        k,t=line.rstrip('\n').split('\t'); d.setdefault(k,{}).setdefault(v,[]).append(float(t))
print('| case | old (e3e8e1f) median s | new median s | new/old | per-pair new/old |')
print('|---|---|---|---|---|')
for k,x in d.items():
    o,n=x['old'],x['new']
    pr=[b/a for a,b in zip(o,n)]
    print(f"| {k} | {st.median(o):.3e} | {st.median(n):.3e} | {st.median(n)/st.median(o):.2f} | {' '.join(f'{r:.2f}' for r in pr)} |")
