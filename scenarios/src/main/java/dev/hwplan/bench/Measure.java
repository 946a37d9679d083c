package dev.hwplan.bench;

import dev.hwplan.regress.BenchmarkResult;

/**
 * How one benchmark produces its number. Timed calculators are {@link TimedMeasure}s; a metric that
 * is computed once rather than timed (a prediction's median error against committed measurements,
 * unit {@code ratio}) implements this directly.
 */
@FunctionalInterface
public interface Measure {
  BenchmarkResult run(String name, BenchSettings settings);
}
