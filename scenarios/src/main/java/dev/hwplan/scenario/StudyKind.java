package dev.hwplan.scenario;

import dev.hwplan.scenario.study.AccuracyStudy;
import dev.hwplan.scenario.study.BenchStudy;
import dev.hwplan.scenario.study.BudgetStudy;
import dev.hwplan.scenario.study.CpuStudy;
import dev.hwplan.scenario.study.FitStudy;
import dev.hwplan.scenario.study.InferStudy;
import dev.hwplan.scenario.study.KvStudy;
import dev.hwplan.scenario.study.MemoryStudy;
import dev.hwplan.scenario.study.ScalingStudy;
import dev.hwplan.scenario.study.ServeStudy;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Every kind of study a scenario can hold: one place lists what exists. */
public enum StudyKind {
  /** KV-cache memory against context, by attention design. */
  KV("kv", "KV cache", KvStudy::new),
  /** Weights and KV cache per GPU, and the sequences that fit, by parallelism and dtype. */
  MEMORY("memory", "Memory per GPU", MemoryStudy::new),
  /** TTFT, TPOT and throughput from the operator-level model. */
  INFER("infer", "Inference latency and throughput", InferStudy::new),
  /** The serving simulation over a rate sweep: percentiles, goodput, capacity, a timeline. */
  SERVE("serve", "Serving under load", ServeStudy::new),
  /** The calibrated GPU model against held-out H100/H200 measurements. */
  ACCURACY("accuracy", "Prediction accuracy on GPUs", AccuracyStudy::new),
  /** Chinchilla-law loss, isoFLOP curves and the compute-optimal frontier. */
  SCALING("scaling", "Scaling laws", ScalingStudy::new),
  /** Which model to train for a budget, and its GPU-hours and cost. */
  BUDGET("budget", "Training budget", BudgetStudy::new),
  /** A Chinchilla fit to training runs, with bootstrap intervals. */
  FIT("fit", "Fit to training runs", FitStudy::new),
  /** The CPU roofline and the reference kernels measured on this machine. */
  CPU("cpu", "This CPU: roofline and measured kernels", CpuStudy::new),
  /** hwplan's own benchmarks against a benchmark history, with trend charts. */
  BENCH("bench", "Benchmarks and regressions", BenchStudy::new);

  private final String key;
  private final String defaultTitle;
  private final Supplier<Study<?>> factory;

  StudyKind(String key, String defaultTitle, Supplier<Study<?>> factory) {
    this.key = key;
    this.defaultTitle = defaultTitle;
    this.factory = factory;
  }

  /** The name used in scenario files. */
  public String key() {
    return key;
  }

  /** The section title when the study gives none. */
  public String defaultTitle() {
    return defaultTitle;
  }

  /** A new study of this kind. */
  public Study<?> create() {
    return factory.get();
  }

  /** The kind named {@code key}, or null. */
  public static StudyKind parse(String key) {
    for (StudyKind k : values()) {
      if (k.key.equals(key.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    return null;
  }

  /** All names, for messages. */
  public static String names() {
    return Arrays.stream(values()).map(StudyKind::key).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return key;
  }
}
