package dev.hwplan.training;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.WholeNumbers;
import java.util.Locale;

/**
 * One way to lay a training job over GPUs: tensor ({@code tp}), pipeline ({@code pp}), data ({@code
 * dp}), context ({@code cp}) and expert ({@code ep}) parallel sizes, the interleaved pipeline's
 * virtual stages per GPU ({@code vpp}, 1 for plain 1F1B), sequence parallelism, the micro-batch,
 * the ZeRO stage (0 to 3; 3 is FSDP's full sharding), recomputation and optimizer offload.
 *
 * <p>GPUs are {@code tp x cp x dp x pp}, ordered as Megatron-LM orders its groups (tp innermost,
 * then cp, then dp, then pp; expert parallelism is carved out of {@code dp x cp}): a group's
 * members are {@code stride} ranks apart, where the stride is the product of the sizes inside it.
 */
public record Layout(
    int tp,
    int pp,
    int dp,
    int cp,
    int ep,
    int vpp,
    boolean sp,
    int microBatch,
    int zero,
    Recompute recompute,
    boolean offload) {
  public Layout {
    positive(tp, "tp");
    positive(pp, "pp");
    positive(dp, "dp");
    positive(cp, "cp");
    positive(ep, "ep");
    positive(vpp, "vpp");
    positive(microBatch, "micro-batch");
    if (zero < 0 || zero > 3) {
      throw InvalidInputException.option("--zero", "must be 0, 1, 2 or 3, got " + zero);
    }
    if (recompute == null) {
      throw InvalidInputException.option("--recompute", "is required");
    }
  }

  private static void positive(int v, String field) {
    if (v <= 0) {
      throw InvalidInputException.option(
          "--layout", "field '" + field + "' must be a positive integer, got " + v);
    }
  }

  /** This layout at ZeRO stage {@code z}. */
  public Layout withZero(int z) {
    return new Layout(tp, pp, dp, cp, ep, vpp, sp, microBatch, z, recompute, offload);
  }

  /** GPUs the layout uses. */
  public long gpus() {
    return (long) tp * pp * dp * cp;
  }

  /** The data-parallel group over which ZeRO shards and gradients are reduced: dp x cp. */
  public int shardGroup() {
    return dp * cp;
  }

  /** A short label, e.g. {@code TP8 PP16 DP64 CP1 EP1 SP mb1 ZeRO1 selective}. */
  public String label() {
    StringBuilder b = new StringBuilder();
    b.append("TP").append(tp).append(" PP").append(pp);
    if (vpp > 1) {
      b.append("x").append(vpp);
    }
    b.append(" DP").append(dp);
    if (cp > 1) {
      b.append(" CP").append(cp);
    }
    if (ep > 1) {
      b.append(" EP").append(ep);
    }
    if (sp && tp > 1) {
      b.append(" SP");
    }
    b.append(" mb").append(microBatch).append(" ZeRO").append(zero);
    b.append(' ').append(recompute.key());
    if (offload) {
      b.append(" offload");
    }
    return b.toString();
  }

  /**
   * Parses {@code --layout tp=8,pp=16,dp=64,cp=1,ep=1,vpp=1,sp=true}: omitted sizes are 1, {@code
   * sp} defaults to {@code tp > 1}. The micro-batch, ZeRO stage, recompute and offload come from
   * their own flags.
   */
  public static Layout parse(
      String spec, int microBatch, int zero, Recompute recompute, boolean offload) {
    int tp = 1;
    int pp = 1;
    int dp = 1;
    int cp = 1;
    int ep = 1;
    int vpp = 1;
    Boolean sp = null;
    if (spec == null || spec.isBlank()) {
      throw InvalidInputException.option("--layout", "is empty (example: tp=8,pp=4,dp=16)");
    }
    for (String part : spec.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw InvalidInputException.option(
            "--layout", "'" + p + "' is not key=value (example: tp=8,pp=4,dp=16)");
      }
      String k = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = p.substring(eq + 1).trim();
      if (k.equals("sp")) {
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
          throw InvalidInputException.option(
              "--layout", "field 'sp' must be true or false, got '" + v + "'");
        }
        sp = Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
        continue;
      }
      if (!(WholeNumbers.parse(v) instanceof WholeNumbers.Value w)
          || w.value() < Integer.MIN_VALUE
          || w.value() > Integer.MAX_VALUE) {
        throw InvalidInputException.option(
            "--layout", "field '" + k + "' must be a positive integer, got '" + v + "'");
      }
      int n = (int) w.value();
      switch (k) {
        case "tp" -> tp = n;
        case "pp" -> pp = n;
        case "dp" -> dp = n;
        case "cp" -> cp = n;
        case "ep" -> ep = n;
        case "vpp" -> vpp = n;
        default ->
            throw InvalidInputException.option(
                "--layout", "unknown field '" + k + "' (known: tp, pp, dp, cp, ep, vpp, sp)");
      }
    }
    return new Layout(
        tp, pp, dp, cp, ep, vpp, sp == null ? tp > 1 : sp, microBatch, zero, recompute, offload);
  }
}
