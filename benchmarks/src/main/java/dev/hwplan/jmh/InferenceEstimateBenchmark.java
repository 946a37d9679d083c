package dev.hwplan.jmh;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One full inference configuration estimated analytically: the op graphs of the prefill and of a
 * decode step, every op timed in calibrated mode, and the memory (TTFT, TPOT, tokens/s). The
 * calibration is fitted once in setup, as a process does once. Target: at most 20 us.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceEstimateBenchmark extends EstimatorBenchmark {
  /** model/gpu/tp: a dense model on one GPU, a large one with TP and FP8, MoE with MLA. */
  @Param({"llama-3.1-8b/h100-sxm/1", "llama-3.1-70b/h100-sxm/4", "deepseek-v3/h200-sxm/8"})
  public String config;

  /**
   * {@code repeat}: the same configuration every call (batch 16, prompt 2048, output 512). {@code
   * sweep}: each call the next of {@value #SWEEP} distinct configurations of the model, GPU and TP
   * (batch 1..64 x prompt 128..16384 x output 64..4096, shuffled with a fixed seed), as a sweep
   * meets them: shapes repeat across configurations only where the configurations share them.
   * {@code cold}: each call a request never met before in the fork ({@link #cold}), so no step of
   * any call repeats and every memo keyed by a step misses: the estimator's cost from scratch.
   */
  @Param({"repeat", "sweep", "cold"})
  public String workload;

  static final int SWEEP = 4096;

  /**
   * Distinct cold requests before the sequence wraps: 2^21 (about 10 s of estimates at 5 us). A
   * second lap is as cold as the first: the memos keep at most 65,536 entries, so every entry of
   * the first lap is long gone when it starts.
   */
  static final int COLD_BITS = 21;

  /** The seed of the cold sequence. */
  static final long COLD_SEED = 42;

  private InferenceRequest request;
  private InferenceRequest[] sweep;
  private int next;
  private OpTimeModel model;
  private StepConfig config0;
  private GpuProfile gpu0;

  @Setup
  public void setUp() {
    String[] p = config.split("/");
    GpuProfile gpu = ProfileCatalog.bundled().get(p[1]);
    int tp = Integer.parseInt(p[2]);
    WeightDtype w = tp > 1 ? WeightDtype.FP8 : WeightDtype.BF16;
    StepConfig c =
        new StepConfig(
            ModelCatalog.resolve(p[0]),
            Parallelism.of(tp, 1),
            w,
            KvDtype.BF16,
            MlaLayout.LATENT,
            Execution.FUSED);
    config0 = c;
    gpu0 = gpu;
    request = new InferenceRequest(c, gpu, 16, 2048, 512, Mode.CALIBRATED);
    model = Calibrations.model(gpu, Mode.CALIBRATED);
    java.util.List<InferenceRequest> all = new java.util.ArrayList<>();
    int[] prompts = {128, 256, 512, 1024, 2048, 4096, 8192, 16384};
    int[] outputs = {64, 128, 256, 512, 1024, 2048, 4096, 3000};
    for (int batch = 1; batch <= 64; batch++) {
      for (int prompt : prompts) {
        for (int output : outputs) {
          all.add(new InferenceRequest(c, gpu, batch, prompt, output, Mode.CALIBRATED));
        }
      }
    }
    java.util.Collections.shuffle(all, new java.util.Random(42));
    sweep = all.subList(0, SWEEP).toArray(new InferenceRequest[0]);
  }

  /**
   * The {@code i}-th request of the cold sequence: {@code i} (offset by the seed) goes through a
   * bijection of 21-bit numbers ({@link #cold}), whose low 6 bits give the batch (1..64) and high
   * 15 bits the prompt (1..32,768); the output, 64 x 2^(batch mod 4) tokens, depends on the batch
   * alone. Distinct {@code i} below 2^21 give distinct (batch, prompt) pairs, hence distinct
   * prefills and, the output being fixed per batch, distinct decode contexts: no step repeats
   * within 2^21 calls.
   */
  InferenceRequest coldRequest(long i) {
    long x = cold(i);
    long batch = 1 + (x & 63);
    long prompt = 1 + (x >>> 6);
    return new InferenceRequest(config0, gpu0, batch, prompt, 64L << (batch & 3), Mode.CALIBRATED);
  }

  /** A bijection of 21-bit numbers (odd multipliers and xor-shifts) of {@code i} plus the seed. */
  static long cold(long i) {
    long mask = (1L << COLD_BITS) - 1;
    long x = (i + COLD_SEED) & mask;
    x = (x * 0x9E3779B1L) & mask;
    x ^= x >>> 11;
    x = (x * 0x85EBCA6BL) & mask;
    return x ^ (x >>> 13);
  }

  @Benchmark
  public InferenceEstimate estimate() {
    if (workload.equals("cold")) {
      return InferenceEstimator.estimate(coldRequest(next++), model);
    }
    if (sweep != null && workload.equals("sweep")) {
      InferenceRequest r = sweep[next];
      next = (next + 1) % SWEEP;
      return InferenceEstimator.estimate(r, model);
    }
    return InferenceEstimator.estimate(request, model);
  }
}
