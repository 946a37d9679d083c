package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void medianAndSpreadOfSamples() {
    Timing t = new Timing(List.of(3.0, 1.0, 2.0, 10.0), 2, 1);
    assertThat(t.medianSeconds()).isEqualTo(2.5);
    assertThat(t.minSeconds()).isEqualTo(1.0);
    assertThat(t.relativeSpread()).isEqualTo(9.0 / 2.5);
  }

  @Test
  void runnerWarmsUpAndTakesTheRequestedSamples() {
    int[] calls = {0};
    Timing t = KernelRunner.time(() -> calls[0]++, new KernelRunner.Settings(0.0, 0.0, 5, 1e-4));
    assertThat(t.samplesSeconds()).hasSize(5);
    assertThat(t.warmupCalls()).isGreaterThanOrEqualTo(2);
    assertThat(calls[0]).isEqualTo(t.warmupCalls() + 5 * t.callsPerSample());
  }

  @Test
  void cacheSizesParseLikeSysfs() {
    assertThat(CacheInfo.parse("49152K")).isEqualTo(48L << 20);
    assertThat(CacheInfo.parse("2M")).isEqualTo(2L << 20);
    assertThat(CacheInfo.parse("512")).isEqualTo(512);
  }
}
