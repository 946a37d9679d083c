/**
 * The single-configuration inference estimate (infer): TTFT, TPOT, throughput and memory, from the
 * step model and the memory model.
 */
package dev.hwplan.inference;
