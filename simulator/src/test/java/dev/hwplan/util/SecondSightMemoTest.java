package dev.hwplan.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SecondSightMemoTest {
  @Test
  void aKeyIsStoredAtItsSecondVisitAndHitsAfter() {
    SecondSightMemo<Long, String> memo = new SecondSightMemo<>(64);
    AtomicInteger calls = new AtomicInteger();
    for (int visit = 0; visit < 5; visit++) {
      assertThat(memo.get(7L, k -> "v" + k + "/" + calls.incrementAndGet())).startsWith("v7/");
    }
    assertThat(calls).hasValue(2);
  }

  @Test
  void keysMetOnceAreNotStoredAndResultsAreTheFunctions() {
    SecondSightMemo<Long, Long> memo = new SecondSightMemo<>(16);
    AtomicInteger calls = new AtomicInteger();
    for (long k = 0; k < 10_000; k++) {
      assertThat(memo.get(k * 1_000_003L, x -> x + calls.incrementAndGet() * 0))
          .isEqualTo(k * 1_000_003L);
    }
    assertThat(calls).hasValue(10_000);
    // A bounded memo past its capacity still answers every key with the function's result.
    for (long round = 0; round < 3; round++) {
      for (long k = 0; k < 100; k++) {
        assertThat(memo.get(k, x -> x * 2)).isEqualTo(k * 2);
      }
    }
  }

  @Test
  void capacityIsAPowerOfTwo() {
    assertThatThrownBy(() -> new SecondSightMemo<Long, Long>(100))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
