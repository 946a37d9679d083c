package dev.hwplan.op;

/** The shape of an op: what the time models need beyond its FLOPs and bytes. */
public sealed interface OpShape {
  /**
   * {@code C[m,n] = A[m,k] W[n,k]^T}: {@code m} tokens, {@code n} outputs, {@code k} inputs.
   *
   * @param activationBytes bytes per element of A (and of C)
   * @param weightBytes bytes per element of W, scales included (int4: about 0.52)
   */
  record Gemm(long m, long n, long k, double activationBytes, double weightBytes)
      implements OpShape {}

  /**
   * The routed experts of an MoE layer as one grouped GEMM: {@code activeExperts} experts each
   * multiply up to {@code maxRowsPerExpert} token rows (the most loaded expert sets the time).
   *
   * @param rowsDispersion the variance of an expert's rows over their mean: 1 where every token is
   *     routed on its own (decode, and balanced groups), more where a step's tokens come in
   *     sequences whose tokens route alike ({@link ExpertRouting#rowsDispersion})
   */
  record GroupedGemm(
      int activeExperts,
      long maxRowsPerExpert,
      long n,
      long k,
      double activationBytes,
      double weightBytes,
      double rowsDispersion)
      implements OpShape {
    /** Rows routed token by token: a dispersion of 1. */
    public GroupedGemm(
        int activeExperts,
        long maxRowsPerExpert,
        long n,
        long k,
        double activationBytes,
        double weightBytes) {
      this(activeExperts, maxRowsPerExpert, n, k, activationBytes, weightBytes, 1);
    }
  }

  /**
   * Attention for {@code batch} sequences: {@code queryTokens} new tokens each, over {@code
   * context} tokens of keys and values (the new ones included).
   *
   * @param headDim query/key head dimension
   * @param valueDim value head dimension (MLA expanded: 128 against 192 for keys)
   * @param kvBytes bytes per cached K/V element
   * @param window sliding window: query at position {@code i} attends to keys {@code (i - window,
   *     i]}; {@link Long#MAX_VALUE} for full causal attention
   */
  record Attention(
      Phase phase,
      long batch,
      int heads,
      int kvHeads,
      int headDim,
      int valueDim,
      long context,
      long queryTokens,
      double kvBytes,
      AttentionKernel kernel,
      long window)
      implements OpShape {
    /** Full causal attention (no sliding window). */
    public Attention(
        Phase phase,
        long batch,
        int heads,
        int kvHeads,
        int headDim,
        int valueDim,
        long context,
        long queryTokens,
        double kvBytes,
        AttentionKernel kernel) {
      this(
          phase,
          batch,
          heads,
          kvHeads,
          headDim,
          valueDim,
          context,
          queryTokens,
          kvBytes,
          kernel,
          Long.MAX_VALUE);
    }

    /** This shape with each query attending to at most {@code w} keys. */
    public Attention withWindow(long w) {
      return new Attention(
          phase,
          batch,
          heads,
          kvHeads,
          headDim,
          valueDim,
          context,
          queryTokens,
          kvBytes,
          kernel,
          w);
    }

    /** Query heads per KV head. */
    public int group() {
      return Math.max(1, heads / kvHeads);
    }
  }

  /** MLA decode over the latent cache: {@code kvLoraRank + ropeDim} elements per token. */
  record Mla(long batch, int heads, int kvLoraRank, int ropeDim, long context, double kvBytes)
      implements OpShape {}

  /**
   * Memory-bound work done by {@code kernels} separate kernel launches, {@code stridedBytes} of its
   * bytes moved by PyTorch's non-vectorised elementwise path (strided, broadcast or casting
   * operands, concatenation, row reductions), which runs well below the copy rate.
   */
  record Elementwise(int kernels, double stridedBytes) implements OpShape {
    public Elementwise(int kernels) {
      this(kernels, 0);
    }

    /**
     * A record's equality written out (components compared as {@link Double#compare} does, so the
     * record's own {@code hashCode} agrees with it): the step model's distinct-op scan compares the
     * norms of a layer, which its builder makes apart, and the generated method costs more there.
     */
    @Override
    public boolean equals(Object o) {
      return o instanceof Elementwise e
          && kernels == e.kernels
          && Double.compare(stridedBytes, e.stridedBytes) == 0;
    }
  }

  /** A collective or point-to-point transfer of {@code bytes} among {@code gpus} GPUs. */
  record Comm(Collective collective, int gpus, double bytes) implements OpShape {
    /**
     * A record's equality written out, as {@link Elementwise#equals} is (a layer's all-reduces).
     */
    @Override
    public boolean equals(Object o) {
      return o instanceof Comm c
          && collective == c.collective
          && gpus == c.gpus
          && Double.compare(bytes, c.bytes) == 0;
    }
  }
}
