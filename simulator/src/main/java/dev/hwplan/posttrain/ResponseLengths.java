package dev.hwplan.posttrain;

/**
 * How long responses run when generation stops at the end-of-sequence token: each generated token
 * ends the response with probability {@code 1 / mean}, independently (a geometric length of mean
 * {@code mean}, the memoryless assumption; not fitted to any data), cut at the maximum {@code max}.
 *
 * <p>A static batch (Hugging Face {@code generate()}, and with ZeRO-3's {@code synced_gpus} every
 * rank until the last finishes) decodes until its longest response ends: {@code E[min(max_n, max)]
 * = sum_{k<max} (1 - (1 - q^k)^n)} with {@code q = 1 - 1/mean} and {@code P(L > k) = q^k}. A
 * continuously batched engine (vLLM) decodes {@code E[min(L, max)] = mean (1 - q^max)} tokens per
 * response on average.
 *
 * @param mean the mean length without the cut, in tokens; 0 for fixed-length responses (every
 *     response runs to {@code max}, as DeepSpeed-Chat's benchmark generated them: {@code min_length
 *     = max_length})
 * @param max the maximum response length
 */
record ResponseLengths(double mean, long max) {
  /** Whether every response runs to the maximum. */
  boolean fixed() {
    return mean <= 0;
  }

  /** The expected decoded length of one response. */
  double expected() {
    if (fixed()) {
      return max;
    }
    double q = 1 - 1 / Math.max(1, mean);
    return mean * (1 - Math.pow(q, max));
  }

  /** The expected longest of {@code n} responses, cut at the maximum. */
  double expectedLongestOf(long n) {
    if (fixed()) {
      return max;
    }
    double q = 1 - 1 / Math.max(1, mean);
    double sum = 0;
    double tail = 1; // q^k
    for (long k = 0; k < max; k++) {
      sum += 1 - Math.pow(1 - tail, n);
      tail *= q;
    }
    return sum;
  }
}
