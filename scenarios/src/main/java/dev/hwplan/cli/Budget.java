package dev.hwplan.cli;

import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.scaling.Allocation;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.ModelFlops;
import dev.hwplan.scaling.SelectedFit;
import dev.hwplan.scaling.ShapedModel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hwplan train --flops C}: the scaling law's last step, a FLOP budget turned into the model
 * and the tokens that the training planner then lays out on the cluster.
 *
 * <p>Without {@code --model}: the fit's compute-optimal N and D (Hoffmann et al. 2022, Eq. 4, at C
 * = 6ND), a {@link ShapedModel Llama-3-shaped} architecture of about N parameters, and the tokens
 * the budget buys for that architecture at its exact FLOPs per token ({@link ModelFlops#forModel}),
 * so that the plan spends C. With {@code --model}: that model on the tokens C buys.
 *
 * @param flops the budget C
 * @param fit the law's name
 * @param optimal the law's compute-optimal allocation at C (6ND)
 * @param model the architecture planned
 * @param shaped whether {@code model} was shaped from N_opt
 * @param spent the tokens and loss of {@code model} within C
 */
record Budget(
    double flops,
    String fit,
    Allocation optimal,
    ModelSpec model,
    boolean shaped,
    Allocation spent) {

  static Budget of(double flops, String modelId, long seq, SelectedFit fit) {
    ChinchillaLaw law = fit.law();
    Allocation opt = law.optimal(flops);
    boolean shaped = modelId == null;
    ModelSpec m =
        shaped
            ? ShapedModel.forParams(opt.params(), Math.max(seq, 8192), "--flops")
            : ModelCatalog.resolve(modelId);
    Allocation spent = ModelFlops.of(m, seq).forModel(law, flops);
    return new Budget(flops, fit.name(), opt, m, shaped, spent);
  }

  double tokens() {
    return spent.tokens();
  }

  Map<String, Object> json() {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("flops", flops);
    b.put("fit", fit);
    b.put("computeOptimalParams", optimal.params());
    b.put("computeOptimalTokens", optimal.tokens());
    b.put("computeOptimalLoss", optimal.loss());
    b.put("shaped", shaped);
    if (shaped) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("hiddenSize", model.hiddenSize());
      a.put("layers", model.numHiddenLayers());
      a.put("heads", model.numAttentionHeads());
      a.put("kvHeads", model.numKeyValueHeads());
      a.put("intermediateSize", model.intermediateSize());
      a.put("vocabSize", model.vocabSize());
      b.put("architecture", a);
    }
    b.put("params", spent.params());
    b.put("tokens", spent.tokens());
    b.put("loss", spent.loss());
    return b;
  }

  void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Budget %s FLOP (fit %s): compute-optimal %s params on %s tokens, loss %.4f%n",
        ScalingText.flops(flops),
        fit,
        ScalingText.count(optimal.params()),
        ScalingText.count(optimal.tokens()),
        optimal.loss());
    if (shaped) {
      out.printf(
          Locale.ROOT,
          "  planned as %s: Llama-3-shaped, d %d, %d layers, %d heads (%d KV), ffn %d%n",
          model.id(),
          model.hiddenSize(),
          model.numHiddenLayers(),
          model.numAttentionHeads(),
          model.numKeyValueHeads(),
          model.intermediateSize());
    }
    out.printf(
        Locale.ROOT,
        "  %s: %s params on %s tokens within the budget, loss %.4f%n",
        model.id(),
        ScalingText.count(spent.params()),
        ScalingText.count(spent.tokens()),
        spent.loss());
  }
}
