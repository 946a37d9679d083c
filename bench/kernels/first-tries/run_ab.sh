#!/bin/bash
# Interleaved A/B of the kernels: old jar (main e3e8e1f) and new jar (this branch), alternating.
# KernelAB.class and Cases.class (from ../Cases.java) are in /tmp/i14/ab, compiled against either jar.
cd /tmp/i14/ab
out=${1:-/tmp/i14/ab/res}; mkdir -p $out
for i in 1 2 3; do
  for v in old new; do
    echo "$v $i load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
    java --add-modules jdk.incubator.vector -Xmx3g -cp /tmp/i14/$v.jar:. KernelAB 3 2>/dev/null > $out/$v.$i.tsv
  done
done
echo "end load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/load.txt
