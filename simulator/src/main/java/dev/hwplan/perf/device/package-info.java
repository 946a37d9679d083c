/**
 * What the time models know of a GPU: its derived peaks, bandwidth and link ({@link
 * dev.hwplan.perf.device.DevicePeaks}), the roofline terms, GEMM tile and wave quantisation over
 * its SMs, and the {@link dev.hwplan.perf.device.Terms} every family model returns.
 */
package dev.hwplan.perf.device;
