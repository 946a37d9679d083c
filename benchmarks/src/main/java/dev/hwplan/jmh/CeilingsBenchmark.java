package dev.hwplan.jmh;

import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.probe.BandwidthProbe;
import dev.hwplan.kernels.probe.FmaProbe;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The machine's ceilings, measured in the same run as the kernels: STREAM read, copy and triad over
 * arrays of 4 × the LLC each, and the FMA loop's peak. bench/cpu/summarize.py turns the times into
 * GB/s and GFLOP/s with the byte and FLOP counts of each probe.
 */
public class CeilingsBenchmark extends KernelBenchmark {
  /** fp32 elements per STREAM array. */
  public static final int ELEMENTS = BandwidthProbe.memoryElements();

  /** FMA loop iterations per thread per call. */
  public static final long FMA_ITERATIONS = 1_000_000;

  @Param({"vector"})
  public String provider;

  private BandwidthProbe stream;
  private FmaProbe fma;

  @Setup(Level.Trial)
  public void setUp() {
    KernelProvider p = ProviderParam.of(provider);
    stream = new BandwidthProbe(p, ELEMENTS);
    fma = new FmaProbe(p, FMA_ITERATIONS);
  }

  @Benchmark
  public void streamRead(Blackhole bh) {
    stream.runOnce("read");
    bh.consume(stream.sink());
  }

  @Benchmark
  public void streamCopy() {
    stream.runOnce("copy");
  }

  @Benchmark
  public void streamTriad() {
    stream.runOnce("triad");
  }

  @Benchmark
  public void fmaPeak(Blackhole bh) {
    fma.runOnce();
    bh.consume(fma.sink());
  }
}
