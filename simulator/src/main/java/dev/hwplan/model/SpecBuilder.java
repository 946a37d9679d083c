package dev.hwplan.model;

import dev.hwplan.model.HfConfigReader.Config;
import java.util.List;

/**
 * A {@link ModelSpec} from a family reader: the reader sets the sizes and what its family reads its
 * own way; the rest comes from the config's common keys when {@link #build} runs, in the order the
 * spec lists them ({@code vocab_size}, {@code tie_word_embeddings} (false unless {@link
 * #tiedByDefault}), {@code max_position_embeddings} with its rope-scaled context ({@link
 * Families#maxContext}), {@code torch_dtype}); the architecture is Llama's unless set, the layers
 * uniform and full-attention unless set.
 */
final class SpecBuilder {
  private final Config c;
  private final String id;
  private final String type;
  private int[] sizes;
  private boolean tieDefault;
  private Integer vocabDefault;
  private boolean positionsSet;
  private Integer positions;
  private Long context;
  private Config top;

  SpecBuilder(Config c, String id, String type) {
    this.c = c;
    this.id = id;
    this.type = type;
    this.top = c;
  }

  /** The sizes: hidden size, layers, query and KV heads, head_dim, the MLP's intermediate size. */
  SpecBuilder sizes(int hidden, int layers, int heads, int kv, int headDim, int intermediate) {
    sizes = new int[] {hidden, layers, heads, kv, headDim, intermediate};
    return this;
  }

  /** {@code tie_word_embeddings} defaults to true. */
  SpecBuilder tiedByDefault() {
    tieDefault = true;
    return this;
  }

  /** {@code vocab_size} defaults to {@code v} (the family's released size). */
  SpecBuilder vocabDefault(int v) {
    vocabDefault = v;
    return this;
  }

  /** The positions read the family's way; the context is their rope-scaled length. */
  SpecBuilder positions(Integer p) {
    positionsSet = true;
    positions = p;
    return this;
  }

  /** The positions and the context, both read the family's way. */
  SpecBuilder positions(int p, long maxContext) {
    context = maxContext;
    return positions(p);
  }

  /**
   * The config read is nested in {@code outer} (a multimodal config's {@code text_config}): the
   * outer one's {@code tie_word_embeddings} wins, and its {@code torch_dtype} counts.
   */
  SpecBuilder nestedIn(Config outer) {
    top = outer;
    return this;
  }

  /**
   * The spec of this structure: the architecture, the experts and MLA (null: none), the layers
   * (null: uniform full-attention layers) and the notes.
   */
  ModelSpec build(
      Architecture arch, MoeSpec moe, MlaSpec mla, List<LayerSpec> layers, List<String> notes) {
    int v = vocabDefault != null ? c.sizeOr(vocabDefault, "vocab_size") : c.size("vocab_size");
    boolean t = top.bool("tie_word_embeddings", c.bool("tie_word_embeddings", tieDefault));
    Integer p = positionsSet ? positions : c.optSize("max_position_embeddings");
    Long ctx = context != null ? context : Families.maxContext(c, p);
    List<LayerSpec> l = layers != null ? layers : HfConfigReader.uniformLayers(sizes[1], null, moe);
    return new ModelSpec(
        id,
        c.source,
        type,
        sizes[0],
        sizes[1],
        sizes[2],
        sizes[3],
        sizes[4],
        sizes[5],
        v,
        t,
        p,
        ctx,
        arch,
        moe,
        mla,
        l,
        top.str("torch_dtype"),
        notes);
  }
}
