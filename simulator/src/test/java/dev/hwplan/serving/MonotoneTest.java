package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepTimeTable;
import org.junit.jupiter.api.Test;

/**
 * On a fixed seed, more traffic never shortens the p99 TTFT: the same requests arrive at
 * proportionally earlier times (the workload's generators are split by purpose), so the queue can
 * only lengthen. Checked for every policy over a sweep through the knee.
 */
class MonotoneTest {
  @Test
  void p99TtftNeverFallsAsQpsRises() {
    GpuProfile g = ProfileCatalog.bundled().get("h100-sxm");
    StepConfig c = StepConfig.of(ModelCatalog.resolve("llama-3.1-8b"));
    LengthDistribution p = LengthDistribution.parse("uniform:100:3000", "p");
    LengthDistribution o = LengthDistribution.parse("uniform:10:300", "o");
    for (Policy policy : Policy.values()) {
      ServingPlan plan = ServingPlan.of(c, g, 1, ServingPlan.Settings.defaults(policy));
      StepTimeTable table = plan.stepModel().table();
      double previous = 0;
      for (double qps = 2; qps <= 40; qps += 2) {
        ServingResult r = plan.simulate(table, Workload.open(qps, 1, p, o, 1500, 42), 0, 0);
        double p99 = r.ttftSeconds().p99();
        assertThat(p99).as("%s at %s req/s", policy.key(), qps).isGreaterThanOrEqualTo(previous);
        previous = p99;
      }
    }
  }
}
