package dev.hwplan.scenario;

import dev.hwplan.io.Keyed;
import java.util.Arrays;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Every kind of study a scenario can hold: one place lists what exists. Each has one implementation
 * in {@code dev.hwplan.scenario.study}, registered as a {@link java.util.ServiceLoader} provider.
 * Its {@link #key()}, the name used in scenario files, is the constant's name in lower case.
 */
public enum StudyKind implements Keyed.ByName {
  /** KV-cache memory against context, by attention design. */
  KV("KV cache"),
  /** Weights and KV cache per GPU, and the sequences that fit, by parallelism and dtype. */
  MEMORY("Memory per GPU"),
  /** TTFT, TPOT and throughput from the operator-level model. */
  INFER("Inference latency and throughput"),
  /** The serving simulation over a rate sweep: percentiles, goodput, capacity, a timeline. */
  SERVE("Serving under load"),
  /** The training planner over GPU counts: the fastest layout, step time, memory and time. */
  TRAIN("Training plans"),
  /** The calibrated GPU model against held-out H100/H200 measurements. */
  ACCURACY("Prediction accuracy on GPUs"),
  /** Chinchilla-law loss, isoFLOP curves and the compute-optimal frontier. */
  SCALING("Scaling laws"),
  /** Which model to train for a budget, and its GPU-hours and cost. */
  BUDGET("Training budget"),
  /** A Chinchilla fit to training runs, with bootstrap intervals. */
  FIT("Fit to training runs"),
  /** The CPU roofline and the reference kernels measured on this machine. */
  CPU("This CPU: roofline and measured kernels"),
  /** hwplan's own benchmarks against a benchmark history, with trend charts. */
  BENCH("Benchmarks and regressions"),
  /** The post-training planner over methods: copies, minimum GPUs, memory by part, step time. */
  POSTTRAIN("Post-training plans");

  private final String defaultTitle;

  StudyKind(String defaultTitle) {
    this.defaultTitle = defaultTitle;
  }

  /** The section title when the study gives none. */
  public String defaultTitle() {
    return defaultTitle;
  }

  /** A new study of this kind: the registered implementation whose {@link Study#kind} is this. */
  public Study<?> create() {
    for (Study<?> s : ServiceLoader.load(Study.class, StudyKind.class.getClassLoader())) {
      if (s.kind().equals(key())) {
        return s;
      }
    }
    throw new IllegalStateException(
        "no study implements '" + key() + "' (META-INF/services/dev.hwplan.scenario.Study)");
  }

  /** The kind named {@code key}, or null. */
  public static StudyKind parse(String key) {
    for (StudyKind k : values()) {
      if (k.key().equals(key.toLowerCase(Locale.ROOT))) {
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
    return key();
  }
}
