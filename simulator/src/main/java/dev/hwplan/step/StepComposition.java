package dev.hwplan.step;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step processes, as a continuous-batching engine schedules it (vLLM V1, Sarathi-Serve):
 * prefill chunks, each adding {@code tokens} new tokens after {@code prefix} tokens already in the
 * cache, and decode sequences, each adding one token.
 *
 * <p>Decode sequences are described by their count and the context each attends to: one
 * decode-attention kernel serves all of them, and its work is proportional to the KV tokens it
 * reads, so sequences of different contexts are represented by their mean context, rounded up
 * ({@link Builder#decode}). Equal prefill chunks are merged into one entry with a sequence count.
 *
 * @param prefills the prefill chunks, merged by equal shape, in order of first appearance
 * @param decodes decode sequences in the step
 * @param decodeContext tokens each decode sequence attends to, the new one included (0 when {@code
 *     decodes} is 0)
 */
public record StepComposition(List<Prefill> prefills, long decodes, long decodeContext) {
  /**
   * {@code sequences} equal prefill chunks of {@code tokens} new tokens after {@code prefix} cached
   * ones (0 for a whole prompt; the chunks before it for chunked prefill).
   */
  public record Prefill(long sequences, long tokens, long prefix) {
    public Prefill {
      if (sequences <= 0 || tokens <= 0 || prefix < 0) {
        throw new IllegalArgumentException(
            "a prefill chunk needs sequences > 0, tokens > 0 and prefix >= 0, got "
                + sequences
                + ", "
                + tokens
                + ", "
                + prefix);
      }
    }

    /** Tokens each sequence attends to at the end of the chunk. */
    public long context() {
      return prefix + tokens;
    }
  }

  public StepComposition {
    prefills = List.copyOf(prefills);
    if (decodes < 0 || (decodes > 0) != (decodeContext > 0)) {
      throw new IllegalArgumentException(
          "decodes and their context must be both positive or both 0, got "
              + decodes
              + " and "
              + decodeContext);
    }
    if (prefills.isEmpty() && decodes == 0) {
      throw new IllegalArgumentException("a step processes at least one sequence");
    }
  }

  /** One decode step: {@code batch} sequences each attend to {@code context} tokens. */
  public static StepComposition decode(long batch, long context) {
    return new StepComposition(List.of(), batch, context);
  }

  /** The prefill of {@code batch} prompts of {@code prompt} tokens each, in one step. */
  public static StepComposition prefill(long batch, long prompt) {
    return new StepComposition(List.of(new Prefill(batch, prompt, 0)), 0, 0);
  }

  /** A builder for a mixed step. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the step is only decode sequences. */
  public boolean decodeOnly() {
    return prefills.isEmpty();
  }

  /** Whether the step is only prefill chunks. */
  public boolean prefillOnly() {
    return decodes == 0;
  }

  /**
   * New tokens in the step: the rows of every linear layer (exact: {@link ArithmeticException} past
   * 2^63).
   */
  public long tokens() {
    long t = decodes;
    for (int i = 0, n = prefills.size(); i < n; i++) { // no iterator: called per op built
      Prefill p = prefills.get(i);
      t = Math.addExact(t, Math.multiplyExact(p.sequences(), p.tokens()));
    }
    return t;
  }

  /**
   * The token-weighted mean of the new tokens a sequence brings to the step, {@code sum L^2 / sum
   * L} over its prefill chunks ({@code L} tokens each) and decode sequences ({@code L = 1}): the
   * cluster size of {@link dev.hwplan.op.ExpertRouting#rowsDispersion}.
   */
  public double tokenWeightedChunkLength() {
    double squares = decodes;
    double tokens = decodes;
    for (int i = 0, n = prefills.size(); i < n; i++) {
      Prefill p = prefills.get(i);
      squares += p.sequences() * (double) p.tokens() * p.tokens();
      tokens += p.sequences() * (double) p.tokens();
    }
    return squares / tokens;
  }

  /** Sequences in the step (each produces one row of logits). */
  public long sequences() {
    long s = decodes;
    for (int i = 0, n = prefills.size(); i < n; i++) {
      s = Math.addExact(s, prefills.get(i).sequences());
    }
    return s;
  }

  /** The largest context any sequence of the step attends to. */
  public long maxContext() {
    long c = decodeContext;
    for (int i = 0, n = prefills.size(); i < n; i++) {
      c = Math.max(c, prefills.get(i).context());
    }
    return c;
  }

  /** Collects the sequences of a mixed step. Not thread-safe; reusable after {@link #clear()}. */
  public static final class Builder {
    private final List<Prefill> prefills = new ArrayList<>();
    private long decodes;
    private long decodeTokens;

    private Builder() {}

    /** Adds a prefill chunk of {@code tokens} new tokens after {@code prefix} cached ones. */
    public Builder prefill(long tokens, long prefix) {
      for (int i = 0; i < prefills.size(); i++) {
        Prefill p = prefills.get(i);
        if (p.tokens() == tokens && p.prefix() == prefix) {
          prefills.set(i, new Prefill(p.sequences() + 1, tokens, prefix));
          return this;
        }
      }
      prefills.add(new Prefill(1, tokens, prefix));
      return this;
    }

    /** Adds a decode sequence attending to {@code context} tokens (the new one included). */
    public Builder decode(long context) {
      if (context <= 0) {
        throw new IllegalArgumentException("a decode context must be positive, got " + context);
      }
      decodes++;
      decodeTokens = Math.addExact(decodeTokens, context);
      return this;
    }

    /** Adds {@code n} decode sequences whose contexts sum to {@code contextTokens}. */
    public Builder decodes(long n, long contextTokens) {
      if (n < 0 || contextTokens < n) {
        throw new IllegalArgumentException(
            n + " decode sequences cannot attend to " + contextTokens + " tokens in all");
      }
      decodes += n;
      decodeTokens = Math.addExact(decodeTokens, contextTokens);
      return this;
    }

    /** Empties the builder. */
    public Builder clear() {
      prefills.clear();
      decodes = 0;
      decodeTokens = 0;
      return this;
    }

    /** The step; decode sequences attend to their mean context, rounded up. */
    public StepComposition build() {
      long context = decodes == 0 ? 0 : (decodeTokens + decodes - 1) / decodes;
      return new StepComposition(prefills, decodes, context);
    }
  }
}
