package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.kernels.provider.KernelProviders;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scalar path's attention outputs, bit for bit. The other kernel tests compare against
 * references within rounding bounds, so a refactor that reorders a sum passes them; this one does
 * not. The checksum was taken from main before issue 14's parameter objects (ScoreShape,
 * WeightShape), with the same inputs. Every shape here runs on the calling thread (below
 * DecodeAttention.PARALLEL_MIN_ELEMENTS), so its chunks, and so its sums, do not depend on the
 * number of cores.
 */
class ScalarOutputsArePinnedTest {
  static final List<AttentionShape> DECODE =
      List.of(
          new AttentionShape(1, 1, 1, 1, 1),
          new AttentionShape(2, 3, 3, 7, 17), // MHA
          new AttentionShape(1, 6, 2, 7, 1100), // GQA over two chunks, merged
          new AttentionShape(2, 10, 2, 33, 77), // groups of 5
          new AttentionShape(1, 16, 4, 16, 100)); // groups of 4

  static final List<MlaShape> MLA =
      List.of(new MlaShape(1, 5, 16, 8, 300, 0.25f), new MlaShape(2, 9, 7, 3, 40, 0.3f));

  @Test
  void decodeAttentionAndMlaGiveTheSameBitsAsBeforeTheParameterObjects() {
    assertThat(Long.toHexString(checksum(KernelProviders.scalar()))).isEqualTo(PINNED);
  }

  static final String PINNED = "7e0c5b61d5a70b6";

  /** A hash of the fp32 bits of every output of every case, fp32 and bf16 caches. */
  static long checksum(KernelProvider p) {
    long h = 17;
    for (String dtype : List.of("fp32", "bf16")) {
      for (AttentionShape s : DECODE) {
        float[] q = pattern(s.queryElements(), 0);
        float[] keys = pattern(s.cacheElements(), 1);
        Storage v = storage(pattern(s.cacheElements(), 2), dtype);
        for (KeyLayout layout : KeyLayout.values()) {
          float[] k = layout == KeyLayout.BLOCKED ? KeyLayout.block(s, keys) : keys;
          float[] out = new float[(int) s.queryElements()];
          p.decodeAttention(s, q, storage(k, dtype), layout, v, out);
          h = hash(h, out);
        }
      }
      for (MlaShape s : MLA) {
        long heads = (long) s.batch() * s.heads();
        float[] out = new float[(int) (heads * s.kvLoraRank())];
        p.mlaDecodeAttention(
            s,
            pattern(heads * s.kvLoraRank(), 3),
            pattern(heads * s.ropeDim(), 4),
            storage(pattern(s.latentElements(), 5), dtype),
            storage(pattern(s.ropeElements(), 6), dtype),
            out);
        h = hash(h, out);
      }
    }
    return h;
  }

  private static long hash(long h, float[] out) {
    for (float x : out) {
      h = h * 1_000_003 + Float.floatToRawIntBits(x);
    }
    return h;
  }

  /** n values in [-1, 1) from a cheap integer hash: the same on every machine. */
  private static float[] pattern(long n, int slot) {
    float[] f = new float[Math.toIntExact(n)];
    for (int i = 0; i < f.length; i++) {
      int x = (i + slot * 0x61C88647) * 0x9E3779B9;
      f[i] = (x >>> 8) * 0x1p-23f - 1f;
    }
    return f;
  }

  /**
   * fp32 as it is, or bf16 (bf16 keys blocked after rounding are the same as blocked then rounded).
   */
  private static Storage storage(float[] f, String dtype) {
    return dtype.equals("fp32") ? Storage.of(f) : Storage.ofBf16(Bf16.fromFloats(f));
  }
}
