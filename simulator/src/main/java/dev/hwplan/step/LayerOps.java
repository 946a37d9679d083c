package dev.hwplan.step;

import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import java.util.ArrayList;
import java.util.List;

/**
 * The dense building blocks of a layer's op graph that {@link TransformerStep} and {@link MoeBlock}
 * share: linear layers split over TP, norms, residual adds, activations and the gated MLP.
 */
final class LayerOps {
  private LayerOps() {}

  static void mlp(List<Op> ops, StepConfig c, String prefix, long tokens, long ff) {
    ModelSpec m = c.model();
    int tp = c.parallelism().tp();
    long d = m.hiddenSize();
    long ffRank = ceilDiv(ff, tp);
    boolean gated = m.architecture().gatedMlp();
    ops.add(
        linear(
            c,
            prefix + (gated ? ".gate_up_proj" : ".up_proj"),
            tokens,
            (gated ? 2 : 1) * ffRank,
            d));
    activation(ops, prefix, tokens, ffRank, gated, c.execution());
    ops.add(linear(c, prefix + ".down_proj", tokens, d, ffRank));
  }

  static Op linear(StepConfig c, String name, long tokens, long n, long k) {
    return Ops.gemm(
        name, c.linearDtype(), tokens, n, k, c.linearActivationBytes(), c.weightBytes(k));
  }

  /**
   * RMSNorm: fused with the residual add it reads 4 and writes 4 bytes an element; eager, 36, of
   * which 22 on PyTorch's non-vectorised path (the fp32 cast, the mean, the broadcast multiply by
   * the reciprocal and the one by the weight; the pow and the bf16 cast are vectorised).
   */
  static Op norm(String name, long tokens, long width, Execution ex) {
    double n = tokens * (double) width;
    if (ex != Execution.EAGER) {
      return Ops.elementwise(name, 4 * n, 4 * n + 2 * width, 4 * n, ex.normKernels);
    }
    return Ops.elementwise(name, 4 * n, 20 * n + 2 * width, 16 * n, ex.normKernels, 22 * n);
  }

  /**
   * A norm whose output feeds the residual add rather than a matmul (Gemma's post-attention and
   * post-MLP norms): fused, one kernel reading and writing 2 bytes an element; eager, as {@link
   * #norm}.
   */
  static Op postNorm(String name, long tokens, long width, Execution ex) {
    if (ex == Execution.FUSED) {
      double n = tokens * (double) width;
      return Ops.elementwise(name, 4 * n, 2 * n + 2 * width, 2 * n, ex.normKernels);
    }
    return norm(name, tokens, width, ex);
  }

  /**
   * QK-norm: an RMSNorm over each of {@code rows} head vectors of {@code headDim}, no residual.
   * Fused (vLLM's RMSNorm kernel on the head view): one kernel reading and writing 2 bytes an
   * element; eager, as {@link #norm}.
   */
  static Op headNorm(String name, long rows, long headDim, Execution ex) {
    if (ex == Execution.FUSED) {
      double n = rows * (double) headDim;
      return Ops.elementwise(name, 4 * n, 2 * n + 2 * headDim, 2 * n, ex.normKernels);
    }
    return norm(name, rows, headDim, ex);
  }

  static void residual(List<Op> ops, long tokens, long d, Execution ex) {
    if (ex.residualKernels > 0) {
      double n = tokens * (double) d;
      ops.add(Ops.elementwise("residual_add", n, 4 * n, 2 * n, ex.residualKernels));
    }
  }

  static void activation(
      List<Op> ops, String prefix, long rows, long ff, boolean gated, Execution ex) {
    double n = rows * (double) ff;
    if (ex != Execution.EAGER || !gated) {
      ops.add(Ops.elementwise(prefix + ".act", 5 * n, (gated ? 4 : 2) * n, 2 * n, 1));
    } else {
      // eager SiLU and the gate product read the chunked (strided) gate/up output
      ops.add(Ops.elementwise(prefix + ".act", 5 * n, 6 * n, 4 * n, ex.activationKernels, 10 * n));
    }
  }

  /**
   * Attention with gpt-oss's sinks: each of the {@code rows} (query, head) softmax rows adds one
   * exponential and one sum term for its head's learned logit, inside the attention kernel (the
   * logits themselves, a few hundred bytes, stay in cache).
   */
  static Op withSinks(Op op, boolean sinks, double rows) {
    if (!sinks) {
      return op;
    }
    return new Op(
        op.name(),
        op.kind(),
        op.dtype(),
        op.flops() + 2 * rows,
        op.bytesRead(),
        op.bytesWritten(),
        op.count(),
        op.shape());
  }

  static String named(String name, String suffix) {
    return suffix.isEmpty() ? name : name + suffix;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /**
   * A step's ops as they are built: an op added while {@code layers} is above 1 is stored as {@code
   * layers} times its count (the layers that share it), without a copy of a per-layer list.
   */
  static final class Graph extends ArrayList<Op> {
    int layers = 1;

    /**
     * Whether every layer is alike and dense, its ops added once with the layer count: then the
     * only ops of equal work are a few norms (and all-reduces, residual adds) of equal width, and
     * {@link StepTimes#of} predicts each op rather than scan for them.
     */
    boolean alike;

    Graph(int capacity) {
      super(capacity);
    }

    @Override
    public boolean add(Op op) {
      return super.add(layers == 1 ? op : op.times(op.count() * layers));
    }
  }
}
