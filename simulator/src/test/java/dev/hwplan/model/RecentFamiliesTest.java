package dev.hwplan.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.memory.KvCacheCalculator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Qwen3, Qwen3-MoE, Gemma 3 and gpt-oss: exact parameter counts against the published totals, and
 * exact KV bytes where sliding-window layers hold only min(context, window) tokens. Every expected
 * value is worked out by hand in the comment above it from the bundled config (the formulas of
 * ParameterCounter: q, k, v, o projections, norms, MLP or experts, router, embedding, head), then
 * compared with the figure the model's publisher gives, with its rounding.
 */
class RecentFamiliesTest {
  private static ParameterCount count(String id) {
    return ParameterCounter.count(ModelCatalog.resolve(id));
  }

  /**
   * Qwen3-8B: attention 4096x4096 (q) + 2 x 4096x1024 (k, v) + 4096x4096 (o) + 2 x 128 (q_norm,
   * k_norm) = 41,943,296; MLP 3 x 4096 x 12288 = 150,994,944; 2 norms 8,192; a layer 192,946,432, x
   * 36 = 6,946,071,552; embedding and untied head 2 x 151936 x 4096 = 1,244,659,712; final norm
   * 4,096. Total 8,190,735,360. Model card (huggingface.co/Qwen/Qwen3-8B): 8.2B, non-embedding
   * 6.95B (the card's non-embedding leaves out the head too: 6,946,075,648).
   */
  @Test
  void qwen3Dense() {
    ParameterCount p = count("qwen3-8b");
    assertThat(p.total()).isEqualTo(8_190_735_360L);
    assertThat(p.total() - p.embedding() - p.outputHead()).isEqualTo(6_946_075_648L);
    assertThat(p.norms()).isEqualTo(36L * (2 * 4096 + 2 * 128) + 4096);
    // Qwen3-32B: head_dim 128 x 64 heads = 8,192 wide attention on a 5,120 model. Attention
    // 5120x8192 x 2 + 5120x1024 x 2 + 256 = 94,372,096; MLP 3 x 5120 x 25600 = 393,216,000; norms
    // 10,240; x 64 layers = 31,206,293,504; embedding + head 2 x 151936 x 5120 = 1,555,824,640;
    // final norm 5,120. Total 32,762,123,264; card: 32.8B, non-embedding 31.2B.
    ModelSpec m32 = ModelCatalog.resolve("qwen3-32b");
    assertThat(m32.attentionWidth()).isEqualTo(8192);
    assertThat(ParameterCounter.count(m32).total()).isEqualTo(32_762_123_264L);
  }

  /**
   * Qwen3-30B-A3B: attention 2048x4096 x 2 + 2048x512 x 2 + 256 = 18,874,624; 128 experts of 3 x
   * 2048 x 768 = 4,718,592 each = 603,979,776; router 2048 x 128 = 262,144; norms 4,096; a layer
   * 623,120,640, x 48 = 29,909,790,720; embedding + head 622,329,856; final norm 2,048. Total
   * 30,532,122,624; active: 8 experts instead of 128, 30,532,122,624 - 48 x 120 x 4,718,592 =
   * 3,353,032,704. Model card: 30.5B total, 3.3B activated, 29.9B non-embedding.
   */
  @Test
  void qwen3MoeSmall() {
    ParameterCount p = count("qwen3-30b-a3b");
    assertThat(p.total()).isEqualTo(30_532_122_624L);
    assertThat(p.active()).isEqualTo(3_353_032_704L);
    assertThat(p.mlp()).isZero(); // no shared expert, no dense layer
    assertThat(p.router()).isEqualTo(48L * 2048 * 128);
    ModelSpec m = ModelCatalog.resolve("qwen3-30b-a3b");
    assertThat(m.layers()).allMatch(LayerSpec::moe);
    assertThat(m.moe().nSharedExperts()).isZero();
  }

  /**
   * Qwen3-235B-A22B: attention 4096x8192 x 2 + 4096x512 x 2 + 256 = 71,303,424; 128 experts of 3 x
   * 4096 x 1536 = 18,874,368 = 2,415,919,104; router 524,288; norms 8,192; a layer 2,487,755,008, x
   * 94 = 233,848,970,752; embedding + head 1,244,659,712; final norm 4,096. Total 235,093,634,560;
   * active 235,093,634,560 - 94 x 120 x 18,874,368 = 22,190,763,520. Model card: 235B total, 22B
   * activated, 234B non-embedding (233,848,974,848).
   */
  @Test
  void qwen3MoeLarge() {
    ParameterCount p = count("qwen3-235b-a22b");
    assertThat(p.total()).isEqualTo(235_093_634_560L);
    assertThat(p.active()).isEqualTo(22_190_763_520L);
    assertThat(p.total() - p.embedding() - p.outputHead()).isEqualTo(233_848_974_848L);
  }

  /**
   * Gemma-3-27B, text model: attention 5376x4096 x 2 + 5376x2048 x 2 + 2 x 128 = 66,060,544; GeGLU
   * 3 x 5376 x 21504 = 346,816,512; 4 norms 21,504; a layer 412,898,560, x 62 = 25,599,710,720;
   * final norm 5,376: non-embedding 25,599,716,096 (technical report, arXiv:2503.19786, Table 1:
   * 25,600M). Embedding 262,208 x 5,376 = 1,409,630,208, tied; Table 1 gives 1,416M, which also
   * holds the vision projector (1,152 x 5,376 = 6,193,152 + its 1,152-wide norm), not read here.
   * Total 27,009,346,304.
   */
  @Test
  void gemma3() {
    ParameterCount p = count("gemma-3-27b");
    assertThat(p.total() - p.embedding()).isEqualTo(25_599_716_096L);
    assertThat(p.embedding()).isEqualTo(1_409_630_208L);
    assertThat(p.outputHead()).isZero();
    assertThat(p.total()).isEqualTo(27_009_346_304L);
    assertThat(p.embedding() + 1152L * 5376 + 1152).isBetween(1_415_500_000L, 1_416_500_000L);
    // Gemma-3-4B: heads, KV heads and head_dim from Gemma3TextConfig's defaults (8, 4, 256).
    // Attention 2560x2048 x 2 + 2560x1024 x 2 + 512 = 15,729,152; GeGLU 3 x 2560 x 10240 =
    // 78,643,200; norms 10,240; x 34 = 3,209,008,128; + 2,560 = 3,209,010,688 (Table 1: 3,209M).
    ModelSpec m4 = ModelCatalog.resolve("gemma-3-4b");
    assertThat(m4.numAttentionHeads()).isEqualTo(8);
    assertThat(m4.headDim()).isEqualTo(256);
    ParameterCount p4 = ParameterCounter.count(m4);
    assertThat(p4.total() - p4.embedding()).isEqualTo(3_209_010_688L);
    assertThat(p4.embedding()).isEqualTo(262_208L * 2560);
  }

  /**
   * gpt-oss-120b: attention 2880x4096 + 4096 (q) + 2 x (2880x512 + 512) (k, v) + 4096x2880 + 2880
   * (o) + 64 sinks = 26,550,144; an expert 3 x 2880 x 2880 + 3 x 2880 (gate_up and down with
   * biases) = 24,891,840, x 128 = 3,186,155,520; router 2880 x 128 + 128 = 368,768; norms 5,760; x
   * 36 layers; embedding and head 2 x 201,088 x 2,880 = 1,158,266,880; final norm 2,880. Total
   * 116,829,156,672; active 116,829,156,672 - 36 x 124 x 24,891,840 = 5,711,982,912, and
   * 5,132,849,472 without the embedding lookup. Model card (arXiv:2508.10925) Table 1: total
   * 116.83B, active 5.13B (the card counts the unembedding, not the embedding), MLP 114.71B,
   * attention 0.96B, embedding + unembedding 1.16B. Experts and routers: 36 x (3,186,155,520 +
   * 368,768) = 114,714,874,368.
   */
  @Test
  void gptOss120b() {
    ParameterCount p = count("gpt-oss-120b");
    assertThat(p.total()).isEqualTo(116_829_156_672L);
    assertThat(p.active()).isEqualTo(5_711_982_912L);
    assertThat(p.active() - p.embedding()).isEqualTo(5_132_849_472L);
    assertThat(p.attention()).isEqualTo(36L * 26_550_144);
    assertThat(p.routedExperts() + p.router()).isEqualTo(114_714_874_368L);
    assertThat(p.embedding() + p.outputHead()).isEqualTo(1_158_266_880L);
  }

  /**
   * gpt-oss-20b: 24 layers of 32 experts. Attention 24 x 26,550,144 = 637,203,456; experts and
   * router 24 x (32 x 24,891,840 + 2880 x 32 + 32) = 19,119,145,728; embedding and head
   * 1,158,266,880; norms 24 x 5,760 + 2,880 = 141,120. Total 20,914,757,184; active without the
   * embedding 20,914,757,184 - 24 x 28 x 24,891,840 - 579,133,440 = 3,608,307,264. Card: 20.91B
   * total, 3.61B active, MLP 19.12B, attention 0.64B.
   */
  @Test
  void gptOss20b() {
    ParameterCount p = count("gpt-oss-20b");
    assertThat(p.total()).isEqualTo(20_914_757_184L);
    assertThat(p.active() - p.embedding()).isEqualTo(3_608_307_264L);
    assertThat(p.attention()).isEqualTo(637_203_456L);
  }

  /** Gemma 3: global every sixth layer; gpt-oss: sliding on even layers from the first. */
  @Test
  void layerMixes() {
    ModelSpec g = ModelCatalog.resolve("gemma-3-27b");
    List<Integer> global =
        g.layers().stream().filter(l -> l.slidingWindow() == null).map(LayerSpec::index).toList();
    assertThat(global).containsExactly(5, 11, 17, 23, 29, 35, 41, 47, 53, 59);
    assertThat(g.layers()).filteredOn(l -> l.slidingWindow() != null).hasSize(52);
    assertThat(g.layers().get(0).slidingWindow()).isEqualTo(1024);
    assertThat(g.maxContext()).isEqualTo(131_072L);
    assertThat(g.architecture().qkNorm()).isTrue();
    assertThat(g.architecture().normsPerLayer()).isEqualTo(4);
    assertThat(g.tieWordEmbeddings()).isTrue();

    ModelSpec o = ModelCatalog.resolve("gpt-oss-120b");
    for (LayerSpec l : o.layers()) {
      assertThat(l.slidingWindow()).isEqualTo(l.index() % 2 == 0 ? 128 : null);
      assertThat(l.moe()).isTrue();
    }
    assertThat(o.maxContext()).isEqualTo(131_072L);
    assertThat(o.architecture().attentionSinks()).isTrue();

    ModelSpec q = ModelCatalog.resolve("qwen3-8b");
    assertThat(q.hasSlidingWindow()).isFalse();
    assertThat(q.maxContext()).isEqualTo(40_960L);
  }

  private static long kv(String id, long context) {
    return KvCacheCalculator.compute(
            ModelCatalog.resolve(id), context, 1, KvCacheCalculator.Options.defaults())
        .totalBytes();
  }

  /**
   * KV bytes at 128K (131,072 tokens), bf16, one sequence. A layer's token costs 2 (K and V) x KV
   * heads x head_dim x 2 bytes. Gemma-3-27B: 2 x 16 x 128 x 2 = 8,192 B; 10 global layers hold
   * 131,072 tokens (10,737,418,240 B) and 52 local ones 1,024 (436,207,616 B): 11,173,625,856 B,
   * against 66,571,993,088 B if every layer were global. Gemma-3-4B: 2 x 4 x 256 x 2 = 4,096 B; 5 x
   * 131,072 x 4,096 + 29 x 1,024 x 4,096 = 2,805,989,376. gpt-oss-120b: 2 x 8 x 64 x 2 = 2,048 B;
   * 18 x 131,072 x 2,048 + 18 x 128 x 2,048 = 4,836,556,800. gpt-oss-20b: 12 x 131,072 x 2,048 + 12
   * x 128 x 2,048 = 3,224,371,200. Qwen3-8B at 32,768 (its limit is 40,960): 36 x 2 x 8 x 128 x 2 =
   * 147,456 B a token, 4,831,838,208 B.
   */
  @Test
  void kvCacheHoldsTheWindowOnSlidingLayers() {
    assertThat(kv("gemma-3-27b", 131_072)).isEqualTo(11_173_625_856L);
    assertThat(kv("gemma-3-4b", 131_072)).isEqualTo(2_805_989_376L);
    assertThat(kv("gpt-oss-120b", 131_072)).isEqualTo(4_836_556_800L);
    assertThat(kv("gpt-oss-20b", 131_072)).isEqualTo(3_224_371_200L);
    assertThat(kv("qwen3-8b", 32_768)).isEqualTo(4_831_838_208L);
    assertThat(KvCacheCalculator.bytesPerToken(ModelCatalog.resolve("qwen3-8b")))
        .isEqualTo(147_456L);
    // Below the window every layer holds the whole context.
    assertThat(kv("gemma-3-27b", 1000)).isEqualTo(62L * 1000 * 8192);
  }
}
