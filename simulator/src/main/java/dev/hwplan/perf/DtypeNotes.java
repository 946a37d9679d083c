package dev.hwplan.perf;

import dev.hwplan.hardware.DType;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpKind;
import dev.hwplan.op.OpShape;
import java.util.Locale;

/**
 * What a calibrated prediction says when its op runs in a type its family was never measured in
 * (issue 15: a result that extrapolates beyond the measured range says so). The committed
 * measurements hold cuBLASLt GEMMs in bf16 and fp8 with weights of the same type ({@code
 * cuda-harness.json}: no weight-only quantised GEMM, W4A16 or W8A16), grouped GEMMs and per-expert
 * loops in bf16 ({@code grouped-gemm*.json}), prefill attention in bf16 ({@code
 * prefill-attention*.json}) and decode attention and MLA decode over bf16 KV caches ({@code
 * cuda-harness.json}, {@code decode-validation.json}); any other type is timed by its bytes and its
 * own peak at the measured type's fractions.
 */
final class DtypeNotes {
  private DtypeNotes() {}

  /**
   * The note for {@code op}, or null when its family was measured in its types. {@code
   * groupedCalibrated} and {@code prefillCalibrated}: whether those families have a calibration of
   * their own (without one they are timed by the GEMM model and say so already).
   */
  static String of(Op op, boolean groupedCalibrated, boolean prefillCalibrated) {
    OpKind kind = op.kind();
    DType d = op.dtype();
    return switch (kind) {
      case GEMM -> {
        double weightBytes =
            op.shape() instanceof OpShape.Gemm g
                ? g.weightBytes()
                : op.shape() instanceof OpShape.GroupedGemm g ? g.weightBytes() : d.bytes();
        if (d != DType.BF16 && d != DType.FP8) {
          yield String.format(
              Locale.ROOT,
              "GEMM measured in bf16 and fp8 only: %s timed at the %s matrix fraction of its own"
                  + " peak",
              d.key(),
              d.bytes() <= 1.0 ? "fp8" : "bf16");
        }
        yield weightBytes < d.bytes() * 0.99
            ? String.format(
                Locale.ROOT,
                "weight-only quantised GEMMs (%s-bit weights, %s arithmetic, as AWQ/GPTQ and Marlin"
                    + " kernels run them) never measured: timed by their bytes at the %s GEMM's"
                    + " fractions, dequantisation free",
                bits(weightBytes),
                d.key(),
                d.key())
            : null;
      }
      case GROUPED_GEMM -> {
        OpShape.GroupedGemm g = (OpShape.GroupedGemm) op.shape();
        yield groupedCalibrated && (d != DType.BF16 || g.weightBytes() != 2)
            ? String.format(
                Locale.ROOT,
                "grouped GEMM measured in bf16 only: %s (%s-bit weights) timed at the bf16 rates"
                    + " per byte and the same fraction of its own peak",
                d.key(),
                bits(g.weightBytes()))
            : null;
      }
      case ATTENTION_PREFILL, ATTENTION_BACKWARD -> {
        OpShape.Attention a = (OpShape.Attention) op.shape();
        yield prefillCalibrated && (d != DType.BF16 || a.kvBytes() != 2)
            ? String.format(
                Locale.ROOT,
                "prefill attention measured in bf16 only: %s with %s-bit K and V timed at the bf16"
                    + " fractions",
                d.key(),
                bits(a.kvBytes()))
            : null;
      }
      case ATTENTION_DECODE ->
          kvNote("decode attention", ((OpShape.Attention) op.shape()).kvBytes());
      case MLA_DECODE -> kvNote("MLA decode", ((OpShape.Mla) op.shape()).kvBytes());
      default -> null;
    };
  }

  private static String kvNote(String family, double kvBytes) {
    return kvBytes == 2
        ? null
        : String.format(
            Locale.ROOT,
            "%s measured over bf16 KV caches only: %s %s-bit cache timed by its bytes at the same"
                + " fraction of the read bandwidth",
            family,
            bits(kvBytes).startsWith("8") ? "an" : "a",
            bits(kvBytes));
  }

  /**
   * Bits an element, "8", "4" or "4.25": to the nearest bit where within a fifth of one (scales add
   * a little: DeepSeek-V3's fp8 blocks of 128 x 128 share 4 bytes, AWQ's int4 groups of 128 2.5),
   * else to two decimals.
   */
  private static String bits(double bytes) {
    double b = bytes * 8;
    return Math.abs(b - Math.rint(b)) < 0.2
        ? Long.toString(Math.round(b))
        : java.math.BigDecimal.valueOf(Math.round(b * 100) / 100.0)
            .stripTrailingZeros()
            .toPlainString();
  }
}
