package dev.hwplan.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecodeAttentionTest {

  static List<Arguments> cases() {
    List<AttentionShape> shapes =
        List.of(
            new AttentionShape(1, 1, 1, 1, 1),
            new AttentionShape(2, 3, 3, 7, 17), // MHA
            new AttentionShape(1, 6, 2, 17, 4097), // GQA, a long odd context
            new AttentionShape(2, 7, 1, 3, 33), // MQA
            new AttentionShape(1, 8, 2, 128, 3001), // GQA, split into chunks over threads
            new AttentionShape(3, 4, 4, 64, 7),
            new AttentionShape(1, 32, 1, 16, 1500), // MQA, a wide group, chunked
            new AttentionShape(2, 8, 2, 7, 100), // 4 heads x 4 blocks tiles, then one block
            new AttentionShape(1, 10, 2, 33, 77)); // groups of 5: a 4-head tile and one head
    List<Arguments> out = new ArrayList<>();
    for (KernelProvider p : TestProviders.underTest()) {
      for (AttentionShape s : shapes) {
        for (String dtype : List.of("fp32", "bf16")) {
          for (KeyLayout layout : KeyLayout.values()) {
            out.add(Arguments.of(p.name(), s, dtype, layout));
          }
        }
      }
    }
    return out;
  }

  private static KernelProvider provider(String name) {
    return TestProviders.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest(name = "{0} {1} {2} {3}")
  @MethodSource("cases")
  void decodeAttentionMatchesDoubleReferenceWithinTheStatedBound(
      String providerName, AttentionShape s, String dtype, KeyLayout layout) {
    KernelProvider p = provider(providerName);
    long seed = s.hashCode() * 31L + dtype.hashCode();
    float[] q = Inputs.uniform(seed, s.queryElements(), -2f, 2f);
    Storage k = Inputs.storage(Inputs.uniform(seed + 1, s.cacheElements()), dtype);
    Storage v = Inputs.storage(Inputs.uniform(seed + 2, s.cacheElements()), dtype);
    float[] out = new float[(int) s.queryElements()];
    Storage kLaid = k;
    if (layout == KeyLayout.BLOCKED) {
      kLaid =
          k instanceof Storage.Fp32 f
              ? Storage.of(KeyLayout.block(s, f.data()))
              : Storage.ofBf16(KeyLayout.block(s, ((Storage.Bf16Data) k).data()));
    }
    p.decodeAttention(s, q, kLaid, layout, v, out);

    int d = s.headDim();
    for (int b = 0; b < s.batch(); b++) {
      for (int h = 0; h < s.heads(); h++) {
        int g = h / s.groupSize();
        int rowBase = (b * s.kvHeads() + g) * s.context() * d;
        Reference.Rows kr = (t, i) -> k.get(rowBase + t * d + i);
        Reference.Rows vr = (t, i) -> v.get(rowBase + t * d + i);
        int qOff = (b * s.heads() + h) * d;
        double[][] ref = Reference.attention(q, qOff, d, s.scale(), kr, vr, s.context(), d);
        for (int j = 0; j < d; j++) {
          assertThat((double) out[qOff + j])
              .as("b=%d h=%d j=%d", b, h, j)
              .isCloseTo(ref[0][j], org.assertj.core.api.Assertions.within(ref[1][j]));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.hwplan.kernels.TestProviders#stream")
  void blockedKeysPadTheLastBlockAndGiveTheSameScores(KernelProvider p) {
    AttentionShape s = new AttentionShape(2, 4, 2, 8, 21); // 21 tokens: one full block and 5
    float[] k = Inputs.uniform(3, s.cacheElements());
    float[] blocked = KeyLayout.block(s, k);
    assertThat(blocked).hasSize(2 * 2 * 2 * 16 * 8);
    assertThat(blocked[16 * 8 + 16 * 3 + 5]).isZero(); // token 21 (padding), dimension 3
    assertThat(blocked[16 * 8 + 16 * 3 + 4]).isEqualTo(k[20 * 8 + 3]); // token 20, dimension 3
    float[] q = Inputs.uniform(4, s.queryElements());
    float[] v = Inputs.uniform(5, s.cacheElements());
    float[] a = new float[(int) s.queryElements()];
    float[] b = new float[(int) s.queryElements()];
    p.decodeAttention(s, q, Storage.of(k), KeyLayout.TOKEN_MAJOR, Storage.of(v), a);
    p.decodeAttention(s, q, Storage.of(blocked), KeyLayout.BLOCKED, Storage.of(v), b);
    for (int i = 0; i < a.length; i++) {
      assertThat((double) a[i]).isCloseTo(b[i], org.assertj.core.api.Assertions.within(1e-5));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.hwplan.kernels.TestProviders#stream")
  void gqaWithOneKvHeadPerGroupEqualsMhaOnRepeatedKv(KernelProvider p) {
    // GQA is MHA whose KV heads are shared: repeating each KV head per query head gives MHA.
    AttentionShape gqa = new AttentionShape(1, 4, 2, 8, 40);
    AttentionShape mha = new AttentionShape(1, 4, 4, 8, 40);
    float[] q = Inputs.uniform(7, gqa.queryElements());
    float[] k = Inputs.uniform(8, gqa.cacheElements());
    float[] v = Inputs.uniform(9, gqa.cacheElements());
    float[] kRep = new float[(int) mha.cacheElements()];
    float[] vRep = new float[(int) mha.cacheElements()];
    int block = 40 * 8;
    for (int h = 0; h < 4; h++) {
      System.arraycopy(k, (h / 2) * block, kRep, h * block, block);
      System.arraycopy(v, (h / 2) * block, vRep, h * block, block);
    }
    float[] a = new float[32];
    float[] b = new float[32];
    p.decodeAttention(gqa, q, Storage.of(k), Storage.of(v), a);
    p.decodeAttention(mha, q, Storage.of(kRep), Storage.of(vRep), b);
    assertThat(a).containsExactly(b);
  }
}
