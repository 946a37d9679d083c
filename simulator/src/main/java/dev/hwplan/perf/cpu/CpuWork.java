package dev.hwplan.perf.cpu;

import dev.hwplan.kernels.KernelCase;

/**
 * The work of one kernel call, as the CPU roofline sees it.
 *
 * @param flops FLOP of the call
 * @param bytes bytes it must move at least
 * @param workingSetBytes bytes it touches; above half the LLC, repeated calls stream from DRAM
 * @param computeClass {@code matrix}, {@code attention}, {@code mla} or {@code vector}: which
 *     compute ceiling applies
 */
public record CpuWork(
    String kernel, double flops, double bytes, double workingSetBytes, String computeClass) {
  public static CpuWork of(KernelCase c) {
    return new CpuWork(c.kernel(), c.flops(), c.bytes(), c.workingSetBytes(), c.computeClass());
  }
}
