package dev.hwplan.jmh;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How the estimator benchmarks run ({@link InferenceEstimateBenchmark}, {@link
 * PredictBatchBenchmark}): one fork with a 1 GiB heap, 5 warm-up and 5 measured iterations of 1 s;
 * each subclass gives its mode and time unit. JMH takes these annotations from the superclass of a
 * benchmark (JMH sample 24, inheritance), as for {@link KernelBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class EstimatorBenchmark {}
