package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MlaDecodeAttentionTest {

  static List<Arguments> cases() {
    List<MlaShape> shapes =
        List.of(
            new MlaShape(1, 1, 1, 1, 1, 1f),
            new MlaShape(2, 3, 17, 7, 33, 0.25f),
            new MlaShape(1, 5, 7, 3, 4097, 0.3f),
            MlaShape.deepSeekV3(1, 4, 700)); // chunked over threads
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (MlaShape s : shapes) {
        for (String dtype : List.of("fp32", "bf16")) {
          out.add(Arguments.of(p.name(), s, dtype));
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void mlaMatchesDoubleReferenceOfAttentionOverLatentPlusRope(
      String providerName, MlaShape s, String dtype) {
    KernelProvider p =
        TestProviders.stream().filter(x -> x.name().equals(providerName)).findFirst().orElseThrow();
    int r = s.kvLoraRank();
    int pr = s.ropeDim();
    long seed = s.hashCode() * 17L + dtype.hashCode();
    float[] qLat = Inputs.uniform(seed, (long) s.batch() * s.heads() * r);
    float[] qRope = Inputs.uniform(seed + 1, (long) s.batch() * s.heads() * pr);
    Storage latent = Inputs.storage(Inputs.uniform(seed + 2, s.latentElements()), dtype);
    Storage rope = Inputs.storage(Inputs.uniform(seed + 3, s.ropeElements()), dtype);
    float[] out = new float[s.batch() * s.heads() * r];
    p.mlaDecodeAttention(s, qLat, qRope, latent, rope, out);

    for (int b = 0; b < s.batch(); b++) {
      int bb = b;
      // The absorbed form is attention with key [c; k_R] and value c.
      Reference.Rows key =
          (t, i) ->
              i < r
                  ? latent.get((bb * s.context() + t) * r + i)
                  : rope.get((bb * s.context() + t) * pr + i - r);
      Reference.Rows value = (t, i) -> latent.get((bb * s.context() + t) * r + i);
      for (int h = 0; h < s.heads(); h++) {
        int qh = b * s.heads() + h;
        float[] q = new float[r + pr];
        System.arraycopy(qLat, qh * r, q, 0, r);
        System.arraycopy(qRope, qh * pr, q, r, pr);
        double[][] ref =
            Reference.attention(q, 0, r + pr, s.softmaxScale(), key, value, s.context(), r);
        for (int j = 0; j < r; j++) {
          assertThat((double) out[qh * r + j])
              .as("b=%d h=%d j=%d", b, h, j)
              .isCloseTo(ref[0][j], within(ref[1][j]));
        }
      }
    }
  }
}
