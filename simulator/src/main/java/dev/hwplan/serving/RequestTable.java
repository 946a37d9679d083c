package dev.hwplan.serving;

import java.util.Arrays;

/**
 * The requests in flight, as parallel arrays indexed by slot (no object per request): a slot is
 * taken when a request arrives and given back when it completes, so memory follows the requests in
 * flight, not the requests simulated.
 */
final class RequestTable {
  long[] id = new long[64];
  int[] prompt = new int[64];
  int[] output = new int[64];

  /** Tokens whose KV is in the cache (vLLM's {@code num_computed_tokens}). */
  int[] computed = new int[64];

  /** Output tokens produced so far. */
  int[] generated = new int[64];

  /** KV blocks held on the GPU. */
  int[] blocks = new int[64];

  /** KV blocks swapped out to host memory (0 unless preempted by swap). */
  int[] hostBlocks = new int[64];

  double[] arrival = new double[64];
  double[] firstScheduled = new double[64];
  double[] firstToken = new double[64];
  double[] lastToken = new double[64];

  /** The closed-loop user who sent it (-1 for open loop and traces). */
  int[] user = new int[64];

  private int[] free = new int[64];
  private int freeCount;
  private int used;

  RequestTable() {
    for (int i = 63; i >= 0; i--) {
      free[freeCount++] = i;
    }
  }

  /** A fresh slot for a request arriving at {@code time}. */
  int take(long requestId, int promptTokens, int outputTokens, double time, int fromUser) {
    if (freeCount == 0) {
      grow();
    }
    int s = free[--freeCount];
    used++;
    id[s] = requestId;
    prompt[s] = promptTokens;
    output[s] = outputTokens;
    computed[s] = 0;
    generated[s] = 0;
    blocks[s] = 0;
    hostBlocks[s] = 0;
    arrival[s] = time;
    firstScheduled[s] = Double.NaN;
    firstToken[s] = Double.NaN;
    lastToken[s] = Double.NaN;
    user[s] = fromUser;
    return s;
  }

  void release(int s) {
    free[freeCount++] = s;
    used--;
  }

  /** Slots in use: requests in flight. */
  int inFlight() {
    return used;
  }

  /** Tokens of the request still to compute before it can sample its next token. */
  int remaining(int s) {
    return prompt[s] + generated[s] - computed[s];
  }

  private void grow() {
    int n = id.length;
    int m = 2 * n;
    id = Arrays.copyOf(id, m);
    prompt = Arrays.copyOf(prompt, m);
    output = Arrays.copyOf(output, m);
    computed = Arrays.copyOf(computed, m);
    generated = Arrays.copyOf(generated, m);
    blocks = Arrays.copyOf(blocks, m);
    hostBlocks = Arrays.copyOf(hostBlocks, m);
    arrival = Arrays.copyOf(arrival, m);
    firstScheduled = Arrays.copyOf(firstScheduled, m);
    firstToken = Arrays.copyOf(firstToken, m);
    lastToken = Arrays.copyOf(lastToken, m);
    user = Arrays.copyOf(user, m);
    free = Arrays.copyOf(free, m);
    for (int i = m - 1; i >= n; i--) {
      free[freeCount++] = i;
    }
  }
}
