/**
 * JMH benchmarks (the optional benchmarks module, built with -Pbench): the kernels, the estimator
 * and predict throughput, and paired CPU ratios. Named {@code jmh} to keep it apart from the
 * scenarios module's {@code dev.hwplan.bench}, the {@code hwplan bench} command's own measures.
 */
package dev.hwplan.jmh;
