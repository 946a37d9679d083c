package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class KernelThreadsTest {
  @Test
  void everyTaskRunsExactlyOnce() {
    AtomicIntegerArray seen = new AtomicIntegerArray(1000);
    KernelThreads.parallelFor(1000, seen::incrementAndGet);
    for (int i = 0; i < 1000; i++) {
      assertThat(seen.get(i)).isEqualTo(1);
    }
  }

  @Test
  void aTaskFailureReachesTheCaller() {
    assertThatThrownBy(
            () ->
                KernelThreads.parallelFor(
                    50,
                    i -> {
                      if (i == 17) {
                        throw new IllegalStateException("task 17");
                      }
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("task 17");
  }

  @Test
  void nestedCallsRunInlineInsteadOfDeadlocking() {
    AtomicInteger n = new AtomicInteger();
    KernelThreads.parallelFor(8, i -> KernelThreads.parallelFor(8, j -> n.incrementAndGet()));
    assertThat(n.get()).isEqualTo(64);
  }

  @Test
  void thePoolIsBoundedByTheProcessors() {
    assertThat(KernelThreads.threads())
        .isBetween(1, 4 * Runtime.getRuntime().availableProcessors());
  }
}
