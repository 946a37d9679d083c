/** The calibrated GEMM and grouped-GEMM time model (cuBLASLt-like library kernels). */
package dev.hwplan.perf.gemm;
