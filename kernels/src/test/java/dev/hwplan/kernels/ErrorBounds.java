package dev.hwplan.kernels;

/**
 * The error bounds the kernels are tested against, stated once. u is the fp32 unit roundoff 2^-24
 * and γ(n) = n·u / (1 - n·u) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1).
 *
 * <ul>
 *   <li>A sum of n products (dot, GEMV, GEMM), in any order and with FMA or not: |ŷ - y| ≤
 *       γ(n+1)·Σ|a_i·b_i| (Higham (3.5)).
 *   <li>bf16 storage: the same bound against a reference on the bf16 values, because widening is
 *       exact and all arithmetic is fp32. Against the fp32 values before rounding, add 2^-8·Σ|a_i·
 *       b_i| (bf16's unit roundoff: an 8-bit significand; one rounding per stored element).
 *   <li>Attention (and MLA): with score error δ ≤ γ(d+1)·scale·max_t Σ_i|q_i·k_ti|, each output
 *       element is within Σ_t p_t·|v_td| · (2δ + 2(S + d + 16)·u) of the exact value, for S tokens
 *       and head dim d (the softmax weights are perturbed relatively by δ plus the rounding of exp,
 *       the sum and the merge of chunks; the weighted sum adds γ(S)).
 *   <li>Softmax of n: out_i within out_i·(2(n+16)·u + 2|x_i - max|·u).
 *   <li>RMSNorm of dim: out_i within |x_i·w_i·s|·2(dim + 8)·u.
 *   <li>RoPE: each rotated element within 8u·(|a| + |b|) of the rotation by the exact angle.
 * </ul>
 */
final class ErrorBounds {
  static final double U = 0x1p-24;

  private ErrorBounds() {}

  static double gamma(long n) {
    return n * U / (1 - n * U);
  }
}
