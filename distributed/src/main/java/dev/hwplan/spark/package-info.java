/**
 * The Apache Spark executor of the sweep seam ({@link dev.hwplan.sweep.SweepExecutor}): the tasks'
 * indices become a Spark dataset, each Spark task runs its indices with the code the local executor
 * runs, and the results come back in index order. Registered through {@link
 * java.util.ServiceLoader} as the engine {@code spark}; the only package of hwplan that knows
 * Spark.
 */
package dev.hwplan.spark;
