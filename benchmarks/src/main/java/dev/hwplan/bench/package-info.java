/** JMH benchmarks (the optional benchmarks module, built with -Pbench): kernels, the estimator and predict throughput, and paired CPU ratios. */
package dev.hwplan.bench;
