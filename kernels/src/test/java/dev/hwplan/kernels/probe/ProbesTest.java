package dev.hwplan.kernels.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.kernels.KernelRunner;
import dev.hwplan.kernels.provider.KernelProviders;
import org.junit.jupiter.api.Test;

/** The probes count what STREAM counts and produce positive rates; speed is for benchmarks. */
class ProbesTest {
  private static final KernelRunner.Settings TINY = new KernelRunner.Settings(0.0, 0.0, 3, 0.001);

  @Test
  void streamCountsFourEightAndTwelveBytesPerElement() {
    BandwidthProbe b = new BandwidthProbe(KernelProviders.get(), 1 << 16);
    assertThat(b.bytes("read")).isEqualTo(4.0 * (1 << 16));
    assertThat(b.bytes("copy")).isEqualTo(8.0 * (1 << 16));
    assertThat(b.bytes("triad")).isEqualTo(12.0 * (1 << 16));
    ProbeResult read = b.measure("read", TINY);
    assertThat(read.rate()).isPositive();
    assertThat(b.sink()).isEqualTo(1 << 16); // sum of ones: every element was read
    b.measure("triad", TINY);
    b.measure("copy", TINY);
  }

  @Test
  void fmaProbeCountsTwoFlopPerLanePerFma() {
    FmaProbe f = new FmaProbe(KernelProviders.get(), 1000);
    int perIteration = KernelProviders.get().fmaFlopsPerIteration();
    assertThat(perIteration % 2).isZero();
    assertThat(f.measure(TINY).rate()).isPositive();
  }

  @Test
  void memoryArraysAreAtLeastFourTimesTheLastLevelCache() {
    long llc = dev.hwplan.kernels.CacheInfo.lastLevelCacheBytes();
    assertThat(4L * BandwidthProbe.memoryElements())
        .isGreaterThanOrEqualTo(Math.min(1L << 30, 4 * llc));
  }
}
