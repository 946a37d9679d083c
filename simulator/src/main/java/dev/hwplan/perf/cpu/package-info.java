/**
 * The CPU measured mode: running the reference kernels here, the CPU roofline and its ceilings, and
 * the MLA-versus-GQA comparison.
 */
package dev.hwplan.perf.cpu;
