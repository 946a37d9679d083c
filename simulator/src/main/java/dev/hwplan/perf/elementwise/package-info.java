/**
 * The calibrated time of memory-bound small kernels: a launch latency plus bytes at the copy rate.
 */
package dev.hwplan.perf.elementwise;
