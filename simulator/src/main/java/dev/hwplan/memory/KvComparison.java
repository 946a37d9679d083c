package dev.hwplan.memory;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.model.AttentionKind;
import dev.hwplan.model.LayerSpec;
import dev.hwplan.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The same model re-expressed as MHA, GQA(g), MQA and MLA, with its layers, head count, head
 * dimension and windows kept: the design comparison of the DeepSeek-V2 paper's Table 1. For a model
 * that is not MLA, the MLA row uses DeepSeek-V2's choice of latent, {@code d_c = 4 d_h} and {@code
 * d_h^R = d_h / 2} ("equal to GQA with only 2.25 groups"), unless a rank is given.
 */
public final class KvComparison {
  /**
   * One design.
   *
   * @param kvHeads KV heads stored (0 for MLA's shared latent)
   * @param elementsPerTokenPerLayer cached elements a token and layer
   * @param ratioToMha bytes relative to the MHA row
   * @param native_ whether this is the model's own design
   */
  public record Row(
      String variant,
      String kind,
      int kvHeads,
      int headDim,
      long elementsPerTokenPerLayer,
      long bytesPerToken,
      long totalBytes,
      double ratioToMha,
      @com.fasterxml.jackson.annotation.JsonProperty("native") boolean native_) {}

  /** The largest latent rank of the MLA row (DeepSeek-V3's is 512). */
  public static final int MAX_LATENT_RANK = 1 << 20;

  private KvComparison() {}

  /**
   * @param groups KV heads for the GQA row, or 0 for the model's own (or 8)
   * @param latentRank d_c for the MLA row, or 0 for the model's own (or 4 d_h)
   */
  public static List<Row> compare(
      ModelSpec m, long context, long batch, KvDtype dtype, int groups, int latentRank) {
    int heads = m.numAttentionHeads();
    int dh = m.headDim();
    if (groups < 0 || groups > heads || groups > 0 && heads % groups != 0) {
      throw InvalidInputException.option(
          "--groups",
          "KV heads of the GQA row must divide the " + heads + " attention heads, got " + groups);
    }
    if (latentRank < 0 || latentRank > MAX_LATENT_RANK) {
      throw InvalidInputException.option(
          "--latent-rank",
          "d_c of the MLA row must be from 1 to " + MAX_LATENT_RANK + ", got " + latentRank);
    }
    long tokensAllLayers = 0;
    for (LayerSpec l : m.layers()) {
      tokensAllLayers =
          Exact.plus(tokensAllLayers, l.cachedTokens(context), "--context", "the cached tokens");
    }
    int g = groups > 0 ? groups : defaultGroups(m);
    int dc;
    int dr;
    if (latentRank > 0) {
      dc = latentRank;
      dr = m.mla() != null ? m.mla().qkRopeHeadDim() : dh / 2;
    } else if (m.mla() != null) {
      dc = m.mla().kvLoraRank();
      dr = m.mla().qkRopeHeadDim();
    } else {
      dc = 4 * dh;
      dr = dh / 2;
    }
    AttentionKind own = m.attentionKind();
    List<Row> rows = new ArrayList<>();
    long mhaPerLayer = 2 * dtype.bytes(heads, dh);
    rows.add(
        row(
            "MHA",
            "mha",
            heads,
            dh,
            2L * heads * dh,
            mhaPerLayer,
            m,
            tokensAllLayers,
            batch,
            mhaPerLayer,
            own == AttentionKind.MHA));
    long gqa = 2 * dtype.bytes(g, dh);
    rows.add(
        row(
            "GQA(" + g + ")",
            "gqa",
            g,
            dh,
            2L * g * dh,
            gqa,
            m,
            tokensAllLayers,
            batch,
            mhaPerLayer,
            own == AttentionKind.GQA && g == m.numKeyValueHeads()));
    long mqa = 2 * dtype.bytes(1, dh);
    rows.add(
        row(
            "MQA",
            "mqa",
            1,
            dh,
            2L * dh,
            mqa,
            m,
            tokensAllLayers,
            batch,
            mhaPerLayer,
            own == AttentionKind.MQA));
    long mla = dtype.bytes(1, dc + dr);
    rows.add(
        row(
            "MLA(d_c=" + dc + ", d_R=" + dr + ")",
            "mla",
            0,
            dc + dr,
            dc + dr,
            mla,
            m,
            tokensAllLayers,
            batch,
            mhaPerLayer,
            own == AttentionKind.MLA && latentRank <= 0));
    return rows;
  }

  private static Row row(
      String variant,
      String kind,
      int kvHeads,
      int headDim,
      long elements,
      long perLayer,
      ModelSpec m,
      long tokensAllLayers,
      long batch,
      long mhaPerLayer,
      boolean own) {
    return new Row(
        variant,
        kind,
        kvHeads,
        headDim,
        elements,
        perLayer * m.numHiddenLayers(),
        Exact.times(
            Exact.times(
                perLayer, tokensAllLayers, "--context", "the " + variant + " row's KV cache"),
            batch,
            "--batch",
            "the " + variant + " row's KV cache"),
        perLayer / (double) mhaPerLayer,
        own);
  }

  private static int defaultGroups(ModelSpec m) {
    if (m.attentionKind() == AttentionKind.GQA) {
      return m.numKeyValueHeads();
    }
    for (int g = 8; g > 1; g--) {
      if (m.numAttentionHeads() % g == 0) {
        return g;
      }
    }
    return 1;
  }
}
