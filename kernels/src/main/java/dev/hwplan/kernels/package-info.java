/**
 * Reference kernels that really run: Java Vector API kernels with a scalar fallback, the native
 * CUDA harness under {@code kernels/cuda/}, and the runner that times them into calibrations.
 */
package dev.hwplan.kernels;
