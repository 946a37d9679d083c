package dev.hwplan.scenario;

import java.util.Arrays;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Every kind of study a scenario can hold: one place lists what exists. Each has one implementation
 * in {@code dev.hwplan.scenario.study}, registered as a {@link java.util.ServiceLoader} provider.
 */
public enum StudyKind {
  /** KV-cache memory against context, by attention design. */
  KV("kv", "KV cache"),
  /** Weights and KV cache per GPU, and the sequences that fit, by parallelism and dtype. */
  MEMORY("memory", "Memory per GPU"),
  /** TTFT, TPOT and throughput from the operator-level model. */
  INFER("infer", "Inference latency and throughput"),
  /** The serving simulation over a rate sweep: percentiles, goodput, capacity, a timeline. */
  SERVE("serve", "Serving under load"),
  /** The training planner over GPU counts: the fastest layout, step time, memory and time. */
  TRAIN("train", "Training plans"),
  /** The calibrated GPU model against held-out H100/H200 measurements. */
  ACCURACY("accuracy", "Prediction accuracy on GPUs"),
  /** Chinchilla-law loss, isoFLOP curves and the compute-optimal frontier. */
  SCALING("scaling", "Scaling laws"),
  /** Which model to train for a budget, and its GPU-hours and cost. */
  BUDGET("budget", "Training budget"),
  /** A Chinchilla fit to training runs, with bootstrap intervals. */
  FIT("fit", "Fit to training runs"),
  /** The CPU roofline and the reference kernels measured on this machine. */
  CPU("cpu", "This CPU: roofline and measured kernels"),
  /** hwplan's own benchmarks against a benchmark history, with trend charts. */
  BENCH("bench", "Benchmarks and regressions"),
  /** The post-training planner over methods: copies, minimum GPUs, memory by part, step time. */
  POSTTRAIN("posttrain", "Post-training plans");

  private final String key;
  private final String defaultTitle;

  StudyKind(String key, String defaultTitle) {
    this.key = key;
    this.defaultTitle = defaultTitle;
  }

  /** The name used in scenario files. */
  public String key() {
    return key;
  }

  /** The section title when the study gives none. */
  public String defaultTitle() {
    return defaultTitle;
  }

  /** A new study of this kind: the registered implementation whose {@link Study#kind} is this. */
  public Study<?> create() {
    for (Study<?> s : ServiceLoader.load(Study.class, StudyKind.class.getClassLoader())) {
      if (s.kind().equals(key)) {
        return s;
      }
    }
    throw new IllegalStateException(
        "no study implements '" + key + "' (META-INF/services/dev.hwplan.scenario.Study)");
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
