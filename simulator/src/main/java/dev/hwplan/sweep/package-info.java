/**
 * The sweep-execution seam: a scenario's points and a capacity search's layouts are independent,
 * seeded, deterministic tasks named by their index ({@link dev.hwplan.sweep.IndexedTasks}); tasks
 * that can travel to another JVM ({@link dev.hwplan.sweep.SweepTasks}) are handed to a {@link
 * dev.hwplan.sweep.SweepExecutor}: the {@link dev.hwplan.sweep.LocalSweepExecutor} (this machine's
 * cores, the default), or one registered through {@link java.util.ServiceLoader} (the Spark
 * executor of the {@code distributed} module). Every executor returns the results in index order,
 * so what is built from them does not depend on where they were computed.
 */
package dev.hwplan.sweep;
