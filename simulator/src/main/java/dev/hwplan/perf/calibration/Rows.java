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

  /**
   * Causal prefill attention through PyTorch SDPA on one backend ({@code flash} or {@code cudnn}):
   * median forward seconds and backward seconds (forward+backward minus forward), as {@code
   * kernels/cuda/scripts/prefill_attention.py} measured them.
   */
  public record PrefillAttention(
      String family,
      String backend,
      long batch,
      int heads,
      int kvHeads,
      long seqLen,
      int headDimQk,
      int headDimV,
      double forwardSeconds,
      double backwardSeconds) {
    public String key() {
      return "prefill|"
          + backend
          + "|"
          + batch
          + "|"
          + heads
          + "|"
          + kvHeads
          + "|"
          + seqLen
          + "|"
          + headDimQk
          + "|"
          + headDimV;
    }
  }

  /**
   * One grouped-GEMM configuration of {@code kernels/cuda/scripts/grouped_gemm.py}: {@code experts}
   * experts of {@code n x k} bf16 weights, {@code tokensPerExpert} rows each (balanced), timed as
   * {@code torch._grouped_mm} ({@code groupedSeconds}) and as a per-expert loop of {@code F.linear}
   * in a CUDA graph ({@code loopSeconds}).
   */
  public record GroupedGemm(
      String matrix,
      long n,
      long k,
      int experts,
      long tokensPerExpert,
      String dtype,
      double groupedSeconds,
      double loopSeconds) {
    public String key() {
      return "grouped|" + dtype + "|" + experts + "|" + tokensPerExpert + "|" + n + "|" + k;
    }
  }

  /**
   * One whole step of {@code kernels/cuda/scripts/step_forms.py} in its three forms: {@code eager}
   * (one kernel per op, launched from Python), {@code eagerGraph} (the same kernels in a CUDA
   * graph) and {@code fused} (TorchInductor pieces in one CUDA graph); NaN where a form did not
   * run.
   *
   * @param kind {@code decode} or {@code prefill}
   * @param tokens new tokens per sequence (1 for decode)
   * @param context decode: cached tokens each sequence attends to besides its new one
   */
  public record StepForm(
      String model,
      String kind,
      long batch,
      long tokens,
      long context,
      double eagerSeconds,
      double eagerGraphSeconds,
      double fusedSeconds) {
    public String key() {
      return "step-form|" + model + "|" + kind + "|" + batch + "|" + tokens + "|" + context;
    }
  }
}
