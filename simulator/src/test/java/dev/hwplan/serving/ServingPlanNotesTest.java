package dev.hwplan.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.StepConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A serving plan says what its step times rest on (issue 15), beside its engine's notes. */
class ServingPlanNotesTest {
  private static ServingPlan plan(String model, String gpu, int tp) {
    GpuProfile g = ProfileCatalog.bundled().get(gpu);
    return ServingPlan.of(
        StepConfig.of(ModelCatalog.resolve(model), Parallelism.of(tp, 1)),
        g,
        1,
        ServingPlan.Settings.defaults(Policy.VLLM));
  }

  private static boolean mentions(List<String> notes, String part) {
    return notes.stream().anyMatch(n -> n.contains(part));
  }

  @Test
  void oneH100RestsOnNoCollectiveAndNoOtherDevice() {
    List<String> n = plan("llama-3.1-8b", "h100-sxm", 1).notes();
    assertThat(n).doesNotHaveDuplicates();
    assertThat(mentions(n, "engine overhead")).isTrue();
    assertThat(mentions(n, "no measurements of")).isFalse();
    assertThat(mentions(n, "collective")).isFalse();
  }

  @Test
  void tensorParallelAllReducesBeyondTwoGpusAreExtrapolated() {
    List<String> n = plan("llama-3.1-70b", "h100-sxm", 4).notes();
    assertThat(mentions(n, "all-reduce outside the measured range (up to 2 GPUs")).isTrue();
    assertThat(mentions(n, "no measurements of")).isFalse();
  }

  @Test
  void aGpuWithoutMeasurementsSaysSo() {
    List<String> n = plan("llama-3.1-8b", "mi300x", 1).notes();
    assertThat(mentions(n, "no measurements of mi300x")).isTrue();
  }
}
