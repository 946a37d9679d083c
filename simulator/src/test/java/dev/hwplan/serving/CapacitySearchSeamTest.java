package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepConfig;
import dev.hwplan.sweep.LocalSweepExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A capacity search's layouts are independent tasks: searched in parallel, one by one, or each on
 * its own ({@link CapacitySearch#searchLayout}) and combined, the answer is the same record.
 */
class CapacitySearchSeamTest {
  @Test
  void layoutsSearchedInParallelGiveTheSequentialAnswer() {
    ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
    List<CapacitySearch.Layout> layouts = new ArrayList<>();
    for (String gpu : List.of("h100-sxm", "a100-sxm-80gb")) {
      for (int tp : List.of(1, 2)) {
        StepConfig c =
            new StepConfig(
                m,
                Parallelism.of(tp, 1),
                WeightDtype.parse("bf16", "w"),
                KvDtype.parse("bf16", "kv"),
                MlaLayout.LATENT,
                Execution.FUSED);
        layouts.add(new CapacitySearch.Layout(c, ProfileCatalog.bundled().get(gpu), 2.0 * tp));
      }
    }
    Workload w = Workloads.poisson(30, "uniform:200:1500", "uniform:20:200", 300, 7);
    CapacitySearch.Objective o = new CapacitySearch.Objective(0.3, 0.03);
    ServingPlan.Settings s = ServingPlan.Settings.defaults(Policy.VLLM);
    CapacitySearch.MinGpus sequential =
        CapacitySearch.findMinGpus(
            layouts, s, w, o, 16, false, LocalSweepExecutor.sequential(), (d, n) -> {});
    CapacitySearch.MinGpus parallel =
        CapacitySearch.findMinGpus(
            layouts, s, w, o, 16, false, LocalSweepExecutor.parallel(), (d, n) -> {});
    List<CapacitySearch.LayoutSearch> each = new ArrayList<>();
    for (CapacitySearch.Layout l : layouts) {
      each.add(CapacitySearch.searchLayout(l, s, w, o, 16, false));
    }
    assertThat(parallel).isEqualTo(sequential);
    assertThat(CapacitySearch.combine(each)).isEqualTo(sequential);
    // a real search: some candidate misses the objectives and one meets them
    assertThat(sequential.best()).isNotNull();
    assertThat(sequential.searched()).anyMatch(c -> !c.meetsSlo());
    assertThat(sequential.runs()).isGreaterThan(layouts.size());
  }
}
