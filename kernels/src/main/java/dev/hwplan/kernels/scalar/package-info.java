/**
 * The scalar kernel provider: plain Java loops, the reference and the fallback where the Vector API
 * is absent.
 */
package dev.hwplan.kernels.scalar;
