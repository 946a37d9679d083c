package dev.hwplan.jmh;

import dev.hwplan.kernels.CacheInfo;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KernelThreads;
import dev.hwplan.kernels.provider.KernelProviders;
import java.util.Locale;

/**
 * Prints, as JSON, the work each ceilings benchmark does per call on this machine (bytes of the
 * STREAM probes, FLOP of the FMA loop), so that bench/cpu/summarize.py can turn JMH's times into
 * rates.
 */
public final class Facts {
  private Facts() {}

  public static void main(String[] args) {
    KernelProvider p = KernelProviders.vector().orElse(KernelProviders.scalar());
    long n = CeilingsBenchmark.ELEMENTS;
    double fmaFlops =
        (double) CeilingsBenchmark.FMA_ITERATIONS
            * p.fmaFlopsPerIteration()
            * KernelThreads.threads();
    System.out.printf(
        Locale.ROOT,
        "{\"provider\": \"%s\", \"vectorBitSize\": %d, \"threads\": %d, \"llcBytes\": %d,"
            + " \"streamElements\": %d, \"streamReadBytes\": %d, \"streamCopyBytes\": %d,"
            + " \"streamTriadBytes\": %d, \"fmaFlopsPerCall\": %.0f, \"jdk\": \"%s\"}%n",
        p.name(),
        p.vectorBitSize(),
        KernelThreads.threads(),
        CacheInfo.lastLevelCacheBytes(),
        n,
        4 * n,
        8 * n,
        12 * n,
        fmaFlops,
        System.getProperty("java.version"));
  }
}
