package dev.hwplan.kernels.probe;

import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.KernelThreads;
import dev.hwplan.kernels.Timing;

/**
 * Peak FP32 FMA throughput: every thread runs independent FMA chains from registers, with no memory
 * traffic, so the rate is the machine's FLOP/s ceiling as this provider can reach it.
 */
public final class FmaProbe {
  private static final long SLICE = 20_000;
  private final KernelProvider p;
  private final long iterations;
  private volatile double sink;

  /**
   * @param iterations loop iterations per thread per call
   */
  public FmaProbe(KernelProvider p, long iterations) {
    this.p = p;
    this.iterations = iterations;
  }

  /** FLOP of one call, over all threads. */
  public double flops() {
    return (double) iterations * p.fmaFlopsPerIteration() * KernelThreads.threads();
  }

  public void runOnce() {
    int threads = KernelThreads.threads();
    double[] partial = new double[threads];
    // Short calls of the loop: a method entered a few times with a huge trip count is compiled
    // on-stack (OSR), and OSR code for the Vector API can be far slower than a normal compile.
    KernelThreads.parallelFor(
        threads,
        t -> {
          double acc = 0;
          for (long done = 0; done < iterations; done += SLICE) {
            acc += p.fmaLoop(Math.min(SLICE, iterations - done), t);
          }
          partial[t] = acc;
        });
    double s = 0;
    for (double v : partial) {
      s += v;
    }
    sink = s;
  }

  public ProbeResult measure(KernelRunner.Settings settings) {
    Timing t = KernelRunner.time(this::runOnce, settings);
    return new ProbeResult("fma", "flops", flops(), 0, t);
  }

  public double sink() {
    return sink;
  }
}
