package dev.hwplan.op;

import dev.hwplan.hardware.DType;

/**
 * Builds ops with their FLOPs and bytes. Matmul FLOPs are {@code 2mnk}; attention FLOPs are the two
 * matmuls {@code QK^T} and {@code PV} (FlashAttention's count, Dao et al. 2022, appendix); a kernel
 * reads its inputs and writes its outputs once (the fused, IO-aware ideal).
 */
public final class Ops {
  private Ops() {}

  /** A dense GEMM with activations and output in {@code activationBytes}-byte elements. */
  public static Op gemm(
      String name,
      DType dtype,
      long m,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    positive(m, "m");
    positive(n, "n");
    positive(k, "k");
    return matmul(
        name,
        OpKind.GEMM,
        dtype,
        m,
        1,
        n,
        k,
        activationBytes,
        weightBytes,
        activationBytes,
        new OpShape.Gemm(m, n, k, activationBytes, weightBytes));
  }

  /** A GEMM whose operands and output use the storage size of {@code dtype} (fp8: bf16 out). */
  public static Op gemm(String name, DType dtype, long m, long n, long k) {
    double in = dtype.bytes();
    double out = Math.max(2.0, in);
    positive(m, "m");
    positive(n, "n");
    positive(k, "k");
    return matmul(
        name, OpKind.GEMM, dtype, m, 1, n, k, in, in, out, new OpShape.Gemm(m, n, k, in, in));
  }

  /**
   * Routed-expert GEMMs: {@code rows} token-expert assignments spread over {@code experts} experts.
   * The expected number of experts that receive at least one of {@code rows} uniformly routed
   * assignments is {@code E (1 - (1 - 1/E)^rows)} (occupancy of E bins); every active expert
   * streams its weights, and the most loaded one carries {@code ceil(rows / active) x
   * loadImbalance} rows.
   */
  public static Op groupedGemm(
      String name,
      DType dtype,
      int experts,
      long rows,
      long n,
      long k,
      double loadImbalance,
      double activationBytes,
      double weightBytes) {
    positive(experts, "experts");
    positive(rows, "rows");
    double active = experts * (1 - Math.pow(1 - 1.0 / experts, rows));
    int activeExperts = (int) Math.max(1, Math.min(experts, Math.round(active)));
    long maxRows =
        (long) Math.ceil(Math.ceil(rows / (double) activeExperts) * Math.max(1, loadImbalance));
    return routed(
        name,
        dtype,
        rows,
        activeExperts,
        activeExperts,
        maxRows,
        n,
        k,
        activationBytes,
        weightBytes,
        1);
  }

  /**
   * Where top-k routing sends {@code tokens} tokens ({@link ExpertRouting}): over {@code ep} ranks
   * holding {@code experts / ep} experts each, the busiest rank's share of the {@code tokens x
   * topK} pairs of all ranks' tokens ({@code rows}), the experts of that rank that receive a row,
   * and the rows of its busiest expert; one rank ({@code ep = 1}) takes every pair. The gate/up and
   * down projections of one MoE block share it: it is computed once a block (its busiest-expert sum
   * is most of a MoE step's graph).
   *
   * @param tokens the tokens of all expert-parallel ranks together
   */
  public static ExpertLoad expertLoad(int experts, int topK, int ep, long tokens) {
    return expertLoad(experts, topK, ep, tokens, ExpertRouting.SUMMED);
  }

  /**
   * {@link #expertLoad(int, int, int, long)}, the busiest rows' ceilings found by {@code ceilings}
   * (which gives {@link ExpertRouting#ceilExpectedMax}'s, however it finds them).
   */
  public static ExpertLoad expertLoad(
      int experts, int topK, int ep, long tokens, ExpertRouting.MaxRows ceilings) {
    positive(experts, "experts");
    positive(tokens, "tokens");
    int local = Math.max(1, experts / ep);
    long rows = ExpertRouting.busiestGroupRows(ep, topK, tokens, ceilings);
    double active =
        ep == 1
            ? ExpertRouting.expectedActive(experts, topK, tokens)
            : local * (1 - Math.pow(1 - 1.0 / local, rows));
    double expected = Math.max(1, Math.min(local, active));
    int activeExperts = (int) Math.round(expected);
    long maxRows =
        ep == 1
            ? ExpertRouting.busiestExpertRows(experts, topK, tokens, ceilings)
            : ExpertRouting.busiestGroupRows(local, 1, rows, ceilings);
    return new ExpertLoad(rows, activeExperts, maxRows, expected);
  }

  /**
   * The token rows one expert-parallel rank's routed experts receive ({@link #expertLoad}).
   *
   * @param rows the rank's token-expert rows
   * @param activeExperts its experts that receive at least one row
   * @param maxRows the rows of its busiest expert
   * @param expectedActive the expected number of its experts that receive a row, not rounded: the
   *     experts whose weights are read (a decode step of two tokens, top-2 of 8, reads 3.5 experts'
   *     weights a layer on average, where the rounded count takes 4)
   */
  public record ExpertLoad(long rows, int activeExperts, long maxRows, double expectedActive) {}

  /**
   * The routed experts' GEMM of one expert-parallel rank as one grouped GEMM over the rows of
   * {@code load}; the weights of every expert that receives a row are read, the expected number of
   * them ({@link ExpertLoad#expectedActive}: rounding it to whole experts overstated the weights of
   * a two-token Mixtral decode step by 14 %, issue 15).
   *
   * @param activation bytes per activation element
   * @param weight stored bytes per weight
   * @param rowsDispersion the variance of an expert's rows over their mean ({@link
   *     ExpertRouting#rowsDispersion}; 1 for tokens routed one by one)
   */
  public static Op routedExperts(
      String name,
      DType dtype,
      ExpertLoad load,
      long n,
      long k,
      double activation,
      double weight,
      double rowsDispersion) {
    return routed(
        name,
        dtype,
        load.rows(),
        load.activeExperts(),
        load.expectedActive(),
        load.maxRows(),
        n,
        k,
        activation,
        weight,
        rowsDispersion);
  }

  /**
   * {@code rows} token-expert rows over {@code activeExperts} experts as one grouped GEMM, the
   * busiest expert taking {@code maxRows}; {@code weightSets} experts' weights are read (the active
   * experts, or their expected number).
   */
  private static Op routed(
      String name,
      DType dtype,
      long rows,
      int activeExperts,
      double weightSets,
      long maxRows,
      long n,
      long k,
      double activation,
      double weight,
      double rowsDispersion) {
    return matmul(
        name,
        OpKind.GROUPED_GEMM,
        dtype,
        rows,
        weightSets,
        n,
        k,
        activation,
        weight,
        activation,
        new OpShape.GroupedGemm(activeExperts, maxRows, n, k, activation, weight, rowsDispersion));
  }

  /**
   * {@code 2 rows n k} FLOPs against {@code weightSets} {@code n x k} weight matrices, each read
   * once: {@code rows x k} inputs of {@code inBytes} read, {@code rows x n} outputs of {@code
   * outBytes} written.
   */
  private static Op matmul(
      String name,
      OpKind kind,
      DType dtype,
      long rows,
      double weightSets,
      long n,
      long k,
      double inBytes,
      double weightBytes,
      double outBytes,
      OpShape shape) {
    double read = rows * (double) k * inBytes + weightSets * (double) n * k * weightBytes;
    double written = rows * (double) n * outBytes;
    return new Op(name, kind, dtype, 2.0 * rows * n * k, read, written, 1, shape);
  }

  /**
   * {@code groups} independent GEMMs of one shape in one cuBLAS strided-batched launch ({@code
   * torch.bmm}: Megatron-LM's attention without FlashAttention, MLA's per-head absorbed
   * projections): kind {@link OpKind#GEMM}, timed by the calibrated cuBLAS model with every group's
   * tiles sharing the waves. Chosen on measured {@code torch.bmm} times (issue 15, {@code
   * batched-gemm.json}, H200, train set): the grouped-GEMM kernel's weight-streaming rate had them
   * 22% (attention) and 139% (absorbed projections) slow at the median, the cuBLAS model 3.5% and
   * 14%; with the output at the copy rate and the launch's own fixed cost ({@code
   * GemmTimeModel#batchedTime}, session 16) 4.1% and 2.3% (p90 10.2% and 9.6%); with one tile's K
   * loop bounding a launch of one wave (freeze IX) 4.3% and 0.9% (p90 10.4% and 6.5%).
   */
  public static Op batchedGemm(
      String name,
      DType dtype,
      int groups,
      long m,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    return sameShapeGroups(OpKind.GEMM, name, dtype, groups, m, n, k, activationBytes, weightBytes);
  }

  /**
   * {@code groups} experts of {@code m} rows each in one grouped-GEMM launch ({@code
   * torch._grouped_mm}, every expert the same rows): {@code hwplan predict grouped-gemm} and the
   * experts' weight gradients in training; every group streams its own weights.
   */
  public static Op balancedGroupedGemm(
      String name,
      DType dtype,
      int groups,
      long m,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    return sameShapeGroups(
        OpKind.GROUPED_GEMM, name, dtype, groups, m, n, k, activationBytes, weightBytes);
  }

  private static Op sameShapeGroups(
      OpKind kind,
      String name,
      DType dtype,
      int groups,
      long m,
      long n,
      long k,
      double activationBytes,
      double weightBytes) {
    positive(groups, "groups");
    positive(m, "m");
    double read = groups * (m * (double) k * activationBytes + n * (double) k * weightBytes);
    double written = groups * (m * (double) n * activationBytes);
    return new Op(
        name,
        kind,
        dtype,
        2.0 * groups * m * n * k,
        read,
        written,
        1,
        new OpShape.GroupedGemm(groups, m, n, k, activationBytes, weightBytes));
  }

  /** Decode attention: one new token per sequence over {@code context} cached tokens. */
  public static Op decodeAttention(
      String name,
      long batch,
      int heads,
      int kvHeads,
      int headDim,
      int valueDim,
      long context,
      double kvBytes,
      AttentionKernel kernel) {
    checkHeads(heads, kvHeads);
    positive(batch, "batch");
    positive(context, "context");
    double kv = batch * (double) kvHeads * context * ((long) headDim + valueDim) * kvBytes;
    double q = batch * (double) heads * headDim * 2;
    double o = batch * (double) heads * valueDim * 2;
    double flops = 2.0 * batch * heads * context * ((long) headDim + valueDim);
    return new Op(
        name,
        OpKind.ATTENTION_DECODE,
        DType.BF16,
        flops,
        kv + q,
        o,
        1,
        new OpShape.Attention(
            Phase.DECODE, batch, heads, kvHeads, headDim, valueDim, context, 1, kvBytes, kernel));
  }

  /**
   * Causal prefill of {@code tokens} new tokens per sequence after {@code prefix} cached ones:
   * query {@code i} attends to {@code prefix + i + 1} keys, {@code tokens * prefix + tokens (tokens
   * + 1) / 2} pairs in all. K and V of the new tokens are written to the cache. {@code kernel}: the
   * SDPA backend that runs it ({@link AttentionKernel#SDPA_FLASH} or {@link
   * AttentionKernel#CUDNN}).
   */
  public static Op prefillAttention(
      String name,
      long batch,
      int heads,
      int kvHeads,
      int headDim,
      int valueDim,
      long tokens,
      long prefix,
      double kvBytes,
      AttentionKernel kernel) {
    checkHeads(heads, kvHeads);
    positive(batch, "batch");
    positive(tokens, "tokens");
    double pairs = tokens * (double) prefix + tokens * (tokens + 1.0) / 2;
    double flops = 2.0 * batch * heads * pairs * ((long) headDim + valueDim);
    double q = batch * (double) tokens * heads * headDim * 2;
    double kvRead =
        batch * (double) (prefix + tokens) * kvHeads * ((long) headDim + valueDim) * kvBytes;
    double o = batch * (double) tokens * heads * valueDim * 2;
    double kvWrite = batch * (double) tokens * kvHeads * ((long) headDim + valueDim) * kvBytes;
    return new Op(
        name,
        OpKind.ATTENTION_PREFILL,
        DType.BF16,
        flops,
        q + kvRead,
        o + kvWrite,
        1,
        new OpShape.Attention(
            Phase.PREFILL,
            batch,
            heads,
            kvHeads,
            headDim,
            valueDim,
            prefix + tokens,
            tokens,
            kvBytes,
            kernel));
  }

  /**
   * The backward pass of causal attention over {@code tokens} tokens per sequence (no cached
   * prefix): dQ, dK and dV from Q, K, V, O, dO and the softmax statistics; {@code 2 (3 dq + 2 dv)}
   * FLOP per attended pair (the recomputed scores, dP, dS, dQ, dK, dV), FlashAttention-2's count.
   */
  public static Op prefillAttentionBackward(
      String name,
      long batch,
      int heads,
      int kvHeads,
      int headDim,
      int valueDim,
      long tokens,
      AttentionKernel kernel) {
    checkHeads(heads, kvHeads);
    positive(batch, "batch");
    positive(tokens, "tokens");
    double pairs = tokens * (tokens + 1.0) / 2;
    double flops = 2.0 * batch * heads * pairs * (3L * headDim + 2L * valueDim);
    double qo = batch * (double) tokens * heads * ((long) headDim + valueDim) * 2;
    double kv = batch * (double) tokens * kvHeads * ((long) headDim + valueDim) * 2;
    // read Q, K, V, O, dO; write dQ, dK, dV
    return new Op(
        name,
        OpKind.ATTENTION_BACKWARD,
        DType.BF16,
        flops,
        qo + kv + batch * (double) tokens * heads * valueDim * 2,
        batch * (double) tokens * heads * headDim * 2 + kv,
        1,
        new OpShape.Attention(
            Phase.PREFILL, batch, heads, kvHeads, headDim, valueDim, tokens, tokens, 2, kernel));
  }

  /**
   * MLA decode in absorbed form (DeepSeek-V2 section 2.1.2): scores against the {@code kvLoraRank +
   * ropeDim} latent, values from its first {@code kvLoraRank} elements.
   */
  public static Op mlaDecode(
      String name,
      long batch,
      int heads,
      int kvLoraRank,
      int ropeDim,
      long context,
      double kvBytes) {
    positive(batch, "batch");
    positive(heads, "heads");
    positive(context, "context");
    long latent = (long) kvLoraRank + ropeDim;
    double flops = 2.0 * batch * heads * context * (latent + kvLoraRank);
    double read = batch * (double) context * latent * kvBytes + batch * (double) heads * latent * 2;
    double written = batch * (double) heads * kvLoraRank * 2;
    return new Op(
        name,
        OpKind.MLA_DECODE,
        DType.BF16,
        flops,
        read,
        written,
        1,
        new OpShape.Mla(batch, heads, kvLoraRank, ropeDim, context, kvBytes));
  }

  /** Memory-bound work in {@code kernels} launches that together move these bytes. */
  public static Op elementwise(
      String name, double flops, double bytesRead, double bytesWritten, int kernels) {
    return elementwise(name, flops, bytesRead, bytesWritten, kernels, 0);
  }

  /**
   * {@link #elementwise} with {@code stridedBytes} of its bytes moved by PyTorch's non-vectorised
   * elementwise path (eager steps; see {@link OpShape.Elementwise}).
   */
  public static Op elementwise(
      String name,
      double flops,
      double bytesRead,
      double bytesWritten,
      int kernels,
      double stridedBytes) {
    return new Op(
        name,
        OpKind.ELEMENTWISE,
        DType.FP32,
        flops,
        bytesRead,
        bytesWritten,
        1,
        new OpShape.Elementwise(kernels, stridedBytes));
  }

  /** Embedding lookup: one row of {@code hidden} elements per token. */
  public static Op embedding(String name, long tokens, long hidden, double elementBytes) {
    double bytes = tokens * (double) hidden * elementBytes;
    return new Op(
        name, OpKind.EMBEDDING, DType.BF16, 0, bytes, bytes, 1, new OpShape.Elementwise(1));
  }

  /** A collective over {@code gpus} GPUs of {@code bytes} (nccl-tests' size convention). */
  public static Op collective(String name, Collective c, int gpus, double bytes) {
    if (gpus < 1) {
      throw new IllegalArgumentException("gpus must be positive");
    }
    if (!(bytes >= 0)) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
    OpKind kind = c == Collective.SEND ? OpKind.P2P : OpKind.COLLECTIVE;
    double moved = bytes * c.trafficFactor(Math.max(gpus, 2));
    return new Op(name, kind, DType.BF16, 0, moved, 0, 1, new OpShape.Comm(c, gpus, bytes));
  }

  private static void positive(long v, String what) {
    if (v <= 0) {
      throw new IllegalArgumentException(what + " must be positive, got " + v);
    }
  }

  private static void checkHeads(int heads, int kvHeads) {
    if (heads <= 0 || kvHeads <= 0) {
      throw new IllegalArgumentException("heads and kvHeads must be positive");
    }
  }
}
