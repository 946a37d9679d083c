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

  /**
   * The content stream of its tokens past the shared prefix: the conversation's for a turn of a
   * conversation (every turn continues the same stream), the request's own otherwise. With {@link
   * #sharedStream} and {@link #shared} it names the content of each KV block for prefix caching.
   */
  long[] stream = new long[64];

  /** The stream of its shared prefix (a system prompt), 0 for none. */
  int[] sharedStream = new int[64];

  /** Leading prompt tokens that are the shared prefix. */
  int[] shared = new int[64];

  /** Turns of its conversation still to come after this one (0: none). */
  int[] turnsLeft = new int[64];

  /** {@link #SHAREABLE}, {@link #CONVERSATION}, {@link #PREEMPTED}. */
  int[] flags = new int[64];

  /** Its first blocks whose content is registered in the prefix cache. */
  int[] hashed = new int[64];

  /** The ids of its KV blocks in order (named blocks only; grown per slot, reused). */
  int[][] blockIds = new int[64][];

  /** Another request may share its content (a shared prefix or a conversation). */
  static final int SHAREABLE = 1;

  /** A turn of a conversation (routing by prefix affinity keys on its stream). */
  static final int CONVERSATION = 2;

  /** Preempted by recompute at least once (its own cached blocks may be found again). */
  static final int PREEMPTED = 4;

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
    stream[s] = ownStream(requestId);
    sharedStream[s] = 0;
    shared[s] = 0;
    turnsLeft[s] = 0;
    flags[s] = 0;
    hashed[s] = 0;
    return s;
  }

  /** Streams past the shared prefixes' (1 .. 2^20 - 1). */
  private static final long STREAMS = 1L << 20;

  /** The stream of request {@code id}'s own content. */
  static long ownStream(long id) {
    return STREAMS + 2 * id;
  }

  /** The stream of conversation {@code id}'s content (apart from every request's own). */
  static long conversationStream(long id) {
    return STREAMS + 2 * id + 1;
  }

  /** Gives slot {@code s} its content: a shared prefix, its stream and conversation turns left. */
  void content(int s, int prefixStream, int prefixTokens, long ownStream, int turns, boolean conv) {
    sharedStream[s] = prefixStream;
    shared[s] = prefixTokens;
    stream[s] = ownStream;
    turnsLeft[s] = turns;
    flags[s] = (prefixTokens > 0 || conv ? SHAREABLE : 0) | (conv ? CONVERSATION : 0);
  }

  /** The block-id list of {@code s}, with room for {@code n} blocks. */
  int[] blockIds(int s, int n) {
    int[] a = blockIds[s];
    if (a == null || a.length < n) {
      a =
          Arrays.copyOf(
              a == null ? new int[0] : a, Math.max(n, Math.max(16, a == null ? 0 : 2 * a.length)));
      blockIds[s] = a;
    }
    return a;
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
    stream = Arrays.copyOf(stream, m);
    sharedStream = Arrays.copyOf(sharedStream, m);
    shared = Arrays.copyOf(shared, m);
    turnsLeft = Arrays.copyOf(turnsLeft, m);
    flags = Arrays.copyOf(flags, m);
    hashed = Arrays.copyOf(hashed, m);
    blockIds = Arrays.copyOf(blockIds, m);
    free = Arrays.copyOf(free, m);
    for (int i = m - 1; i >= n; i--) {
      free[freeCount++] = i;
    }
  }
}
