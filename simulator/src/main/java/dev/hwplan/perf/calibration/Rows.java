package dev.hwplan.perf.calibration;

import java.util.List;

/** Measurement rows as the CUDA harness, the NCCL bench and the Llama decode step wrote them. */
public final class Rows {
  private Rows() {}

  /** A cuBLASLt GEMM {@code C[m,n] = A[m,k] W[n,k]^T}: median seconds and the raw samples. */
  public record Gemm(String dtype, long m, long n, long k, double seconds, double[] samples) {
    /** The shape, which decides whether a row is held out (the layer name does not). */
    public String key() {
      return "gemm|" + dtype + "|" + m + "|" + n + "|" + k;
    }
  }

  /**
   * Split-K decode attention with bf16 K/V; {@code sdpaFlashSeconds} is PyTorch SDPA's flash
   * backend on the same shape (NaN where it did not run); {@code candidates} are the harness's
   * timings of every kernel and chunk length it tried before keeping the fastest ({@code
   * splitTuning}).
   */
  public record Attention(
      int heads,
      int kvHeads,
      long batch,
      long context,
      int headDim,
      String dtype,
      double seconds,
      double[] samples,
      double sdpaFlashSeconds,
      List<Candidate> candidates) {
    public Attention {
      candidates = List.copyOf(candidates);
    }

    public String key() {
      return "attention|" + heads + "|" + kvHeads + "|" + batch + "|" + context + "|" + headDim;
    }
  }

  /**
   * One split-K candidate the harness timed: {@code variant} as in {@code
   * dev.hwplan.perf.attention.SplitKTimeModel} (0 plain, 1 pipelined, 2 l2hint, 3 pipelined+l2hint,
   * 4 stage) at {@code chunk} tokens per split.
   */
  public record Candidate(int variant, long chunk, double seconds) {}

  /**
   * Latent MLA decode attention; {@code candidates} are the fastest of the harness's kernel
   * variants at each chunk length it tried (variant -1).
   */
  public record Mla(
      int heads,
      int kvLoraRank,
      int ropeDim,
      long batch,
      long context,
      String dtype,
      double seconds,
      double[] samples,
      List<Candidate> candidates) {
    public Mla {
      candidates = List.copyOf(candidates);
    }

    public String key() {
      return "mla|" + heads + "|" + kvLoraRank + "|" + ropeDim + "|" + batch + "|" + context;
    }
  }

  /** One NCCL collective (nccl-tests' size convention). */
  public record Collective(String op, int gpus, double bytes, double seconds, double[] samples) {
    public String key() {
      return "collective|" + op + "|" + gpus + "|" + (long) bytes;
    }
  }

  /** One PyTorch decode step of a whole model (CUDA graphs, static cache). */
  public record DecodeStep(String model, String dtype, long batch, long context, double seconds) {
    public String key() {
      return "decode-step|" + model + "|" + dtype + "|" + batch + "|" + context;
    }
  }
}
