package dev.hwplan.model;

/**
 * Parameters by component. {@code routedExperts} holds all routed experts; {@link #active()} counts
 * only the {@code num_experts_per_tok} that a token uses.
 *
 * @param embedding token (and learned position) embeddings
 * @param attention Q, K, V and output projections, their biases, and MLA's latent norms
 * @param mlp dense MLPs, including MoE shared experts
 * @param routedExperts all routed experts of all MoE layers
 * @param router MoE gates (and DeepSeek-V3's score-correction bias)
 * @param norms per-layer norms and the final norm
 * @param outputHead the LM head; 0 when tied to the embedding
 * @param activeRoutedExperts the routed-expert parameters one token uses
 */
public record ParameterCount(
    long embedding,
    long attention,
    long mlp,
    long routedExperts,
    long router,
    long norms,
    long outputHead,
    long activeRoutedExperts) {

  /** Every parameter stored. */
  public long total() {
    return embedding + attention + mlp + routedExperts + router + norms + outputHead;
  }

  /** Parameters one token uses: all but the routed experts it is not sent to. */
  public long active() {
    return total() - routedExperts + activeRoutedExperts;
  }

  /** Kaplan's N: everything but the embeddings (the output head counts). */
  public long nonEmbedding() {
    return total() - embedding;
  }
}
