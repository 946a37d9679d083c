package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.serving.CapacitySearch;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code hwplan serve --find-min-gpus} searches: the layouts (GPU x TP x EP x dtypes), those
 * skipped, the prices, the objective, the engine settings and the workload.
 */
record ServeSearch(
    List<CapacitySearch.Layout> layouts,
    List<String> skipped,
    ServeSearch.Prices prices,
    CapacitySearch.Objective objective,
    ServingPlan.Settings settings,
    Workload workload,
    int maxGpus,
    boolean disaggregated) {
  /** The GPU types searched when --gpu is not given. */
  static final List<String> DEFAULT_GPUS = List.of("h100-sxm", "h200-sxm", "b200", "a100-sxm-80gb");

  /** GPUs of one node: EP layouts searched keep TP x EP within it. */
  static final int NODE_GPUS = ServingPlan.NODE_GPUS;

  /** What the options fix; a null list is searched over its defaults. */
  record Axes(
      List<String> gpus,
      Integer tp,
      int pp,
      Integer ep,
      boolean expertsOnTp,
      String weightsDtype,
      String kvDtype,
      MlaLayout mla,
      Execution execution) {}

  /**
   * The layouts of {@code m} along {@code axes}: TP 1, 2, 4, 8 unless given; for MoE models EP 1,
   * 2, 4, 8 within one node (TP x EP at most {@link #NODE_GPUS}) and, for TP above 1, the experts
   * sharded over the TP ranks (vLLM's {@code --enable-expert-parallel}), unless {@code --ep} or
   * that flag is given; bf16 and fp8 weights and KV unless given. A TP or EP the model refuses is
   * skipped (or refused, when given).
   */
  static ServeSearch of(
      ModelSpec m,
      Axes axes,
      ProfileCatalog profiles,
      String pricePerGpuHour,
      CapacitySearch.Objective o,
      ServingPlan.Settings settings,
      Workload w,
      int maxGpus,
      boolean disaggregated) {
    if (maxGpus <= 0) {
      throw InvalidInputException.option("--max-gpus", "must be positive, got " + maxGpus);
    }
    List<String> ids = axes.gpus() == null || axes.gpus().isEmpty() ? DEFAULT_GPUS : axes.gpus();
    Prices prices = Prices.parse(pricePerGpuHour, ids);
    List<Integer> tps = axes.tp() != null ? List.of(axes.tp()) : List.of(1, 2, 4, 8);
    boolean moe = m.moe() != null && m.layers().stream().anyMatch(l -> l.moe());
    if (axes.ep() != null || axes.expertsOnTp()) {
      // An EP the model refuses: exit 2.
      new Parallelism(1, 1, 1, axes.ep() == null ? 1 : axes.ep(), axes.expertsOnTp())
          .validateFor(m);
    }
    // The experts' forms: {ep, 1 if sharded over the TP ranks}.
    List<int[]> experts =
        axes.ep() != null
            ? List.of(new int[] {axes.ep(), 0})
            : axes.expertsOnTp()
                ? List.of(new int[] {1, 1})
                : moe
                    ? List.of(
                        new int[] {1, 0},
                        new int[] {1, 1},
                        new int[] {2, 0},
                        new int[] {4, 0},
                        new int[] {8, 0})
                    : List.of(new int[] {1, 0});
    List<String> ws = one(axes.weightsDtype());
    List<String> ks = one(axes.kvDtype());
    List<CapacitySearch.Layout> layouts = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String id : ids) {
      GpuProfile g = profiles.get(id.trim());
      for (int tp : tps) {
        for (int[] form : experts) {
          int ep = form[0];
          boolean onTp = form[1] == 1;
          if (axes.ep() == null && ep > 1 && tp * ep > NODE_GPUS) {
            continue;
          }
          if (onTp && tp == 1 && !axes.expertsOnTp()) {
            continue; // one rank: the same layout as without
          }
          for (String wd : ws) {
            for (String kd : ks) {
              StepConfig c;
              try {
                c =
                    new StepConfig(
                        m,
                        new Parallelism(tp, axes.pp(), 1, ep, onTp),
                        WeightDtype.parse(wd, "--weights-dtype"),
                        KvDtype.parse(kd, "--kv-dtype"),
                        axes.mla(),
                        axes.execution());
              } catch (InvalidInputException e) {
                if (axes.tp() != null
                    && ((ep == 1 && !onTp) || axes.ep() != null || axes.expertsOnTp())) {
                  throw e;
                }
                skipped.add(
                    "TP "
                        + tp
                        + (ep > 1 ? " EP " + ep : onTp ? " experts over TP" : "")
                        + ": "
                        + e.reason());
                continue;
              }
              layouts.add(new CapacitySearch.Layout(c, g, prices.of(g.id())));
            }
          }
        }
      }
    }
    return new ServeSearch(layouts, skipped, prices, o, settings, w, maxGpus, disaggregated);
  }

  private static List<String> one(String given) {
    return given != null ? List.of(given) : List.of("bf16", "fp8");
  }

  /** Prices per GPU-hour: one for all, or per GPU id. */
  record Prices(Map<String, Double> byGpu, boolean given) {
    Double of(String gpu) {
      return given ? byGpu.get(gpu) : null;
    }

    static Prices parse(String s, List<String> gpus) {
      Map<String, Double> m = new HashMap<>();
      if (s == null) {
        return new Prices(m, false);
      }
      if (!s.contains("=")) {
        double v = price(s);
        for (String g : gpus) {
          m.put(g.trim(), v);
        }
        return new Prices(m, true);
      }
      for (String pair : s.split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2) {
          throw InvalidInputException.option(
              "--price-per-gpu-hour", "'" + pair + "' is not gpu=price");
        }
        m.put(kv[0].trim(), price(kv[1]));
      }
      for (String g : gpus) {
        if (!m.containsKey(g.trim())) {
          throw InvalidInputException.option(
              "--price-per-gpu-hour", "no price for " + g.trim() + " (give one for every --gpu)");
        }
      }
      return new Prices(m, true);
    }

    private static double price(String v) {
      double d;
      try {
        d = Double.parseDouble(v.trim());
      } catch (NumberFormatException e) {
        throw InvalidInputException.option(
            "--price-per-gpu-hour", "'" + v + "' is not a price in $ per GPU-hour");
      }
      if (!(d > 0) || !Double.isFinite(d)) {
        throw InvalidInputException.option(
            "--price-per-gpu-hour", "must be a positive price, got " + v);
      }
      return d;
    }
  }
}
