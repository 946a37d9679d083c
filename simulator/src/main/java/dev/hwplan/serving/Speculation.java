package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.Keyed;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Speculative decoding: a drafter proposes {@code tokens} (k) tokens for each decoding sequence,
 * and the target model verifies them in one step over k + 1 tokens a sequence, accepting each
 * proposed token with probability {@code acceptance} (α) until the first rejection, and then
 * sampling one more token of its own (the correction, or the bonus token when all k were accepted).
 * The tokens a step gives a sequence are 1 + j, j the accepted proposals, with {@code P(j >= m) =
 * α^m} for m ≤ k, so their mean is {@code (1 - α^(k+1)) / (1 - α)} (Leviathan, Kalman and Matias,
 * "Fast Inference from Transformers via Speculative Decoding", ICML 2023, eq. 1), k + 1 at α = 1. α
 * is the per-token acceptance rate as vLLM's spec-decode metrics report it; it depends on the
 * drafter, the model and the traffic, so it is an input, not a prediction.
 *
 * <p>The verify step is timed as a step whose decodes each add k + 1 query tokens (the linear
 * layers and the logits over all of them; attention over each sequence's context once, as the
 * decode kernels read the KV once for the few queries of a sequence). The proposer's cost: none for
 * {@code ngram} (prompt lookup on the CPU, inside the engine overhead); for {@code eagle}, {@code
 * mtp} and {@code draft}, {@code draft} times one step over the iteration's prefill chunks and
 * decodes (the drafter takes in the new tokens) plus k - 1 steps of the decodes alone.
 *
 * @param method the proposer
 * @param tokens k, proposed tokens per sequence and step
 * @param acceptance α, each proposal's acceptance probability, in [0, 1]
 * @param draft the drafter's step time (null for ngram)
 * @param drafter what the drafter is, for the notes (e.g. {@code llama-3.2-1b}, {@code one layer of
 *     llama-3.1-70b})
 */
public record Speculation(
    Method method, int tokens, double acceptance, IterationTimer draft, String drafter) {
  /** How tokens are proposed. */
  public enum Method implements Keyed.ByName {
    /** Prompt lookup (n-gram matching on the CPU): no GPU cost. */
    NGRAM,
    /** An EAGLE head: one decoder layer of the target's shape on its hidden states. */
    EAGLE,
    /** Multi-token prediction heads (DeepSeek-V3's MTP module): one more layer of the target. */
    MTP,
    /** A smaller model of the same vocabulary. */
    DRAFT;

    public static Method parse(String s, String flag) {
      return Keyed.parse(List.of(values()), s, flag, "method");
    }
  }

  public Speculation {
    if (tokens < 1 || tokens > 64) {
      throw InvalidInputException.option(
          "--num-speculative-tokens", "must be within 1..64, got " + tokens);
    }
    if (!(acceptance >= 0 && acceptance <= 1)) {
      throw InvalidInputException.option(
          "--acceptance-rate", "must be a probability within 0..1, got " + acceptance);
    }
    if (method != Method.NGRAM && draft == null) {
      throw new IllegalArgumentException(method.key() + " needs the drafter's step time");
    }
  }

  /**
   * The mean tokens a verify step gives a sequence: {@code (1 - α^(k+1)) / (1 - α)} (Leviathan et
   * al. 2023, eq. 1), {@code k + 1} at α = 1.
   */
  public double expectedTokensPerStep() {
    double a = acceptance;
    return a >= 1 ? tokens + 1 : (1 - Math.pow(a, tokens + 1)) / (1 - a);
  }

  /** Tokens one verify step gives one sequence, 1 + j, drawn from {@code r}. */
  int sampleTokens(SplittableRandom r) {
    if (acceptance >= 1) {
      return tokens + 1;
    }
    if (acceptance <= 0) {
      return 1;
    }
    // j = floor(ln U / ln α) has P(j >= m) = α^m; capped at k
    double j = Math.floor(Math.log(1.0 - r.nextDouble()) / Math.log(acceptance));
    return 1 + (int) Math.min(tokens, j);
  }

  /** The drafter's time in an iteration of this composition (0 for ngram). */
  double draftSeconds(
      long decodes, long decodeContext, int chunks, long[] chunkTokens, long[] chunkPrefix) {
    if (draft == null || (decodes == 0 && chunks == 0)) {
      return 0;
    }
    double t = draft.seconds(decodes, decodeContext, chunks, chunkTokens, chunkPrefix);
    if (decodes > 0 && tokens > 1) {
      t += (tokens - 1) * draft.seconds(decodes, decodeContext, 0, chunkTokens, chunkPrefix);
    }
    return t;
  }
}
