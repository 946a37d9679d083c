package dev.hwplan.posttrain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A post-training plan says what its step time rests on (issue 15). */
class PostTrainPlanNotesTest {
  private static PostTrainPlan grpo(String gpu, int gpus) {
    PostTrainJob job =
        PostTrainJob.of(
            ModelCatalog.resolve("llama-3.1-8b"), Method.GRPO, null, null, 8, 512, 512, 64);
    return new PostTrainPlanner(job, ProfileCatalog.bundled().get(gpu), ClusterCatalog.forGpu(gpu))
        .colocated(gpus);
  }

  private static boolean mentions(List<String> notes, String part) {
    return notes.stream().anyMatch(n -> n.contains(part));
  }

  @Test
  void anH100NodeRestsOnItsOwnMeasurementsAndNoNic() {
    PostTrainPlan p = grpo("h100-sxm", 8);
    assertThat(p.time()).isNotNull();
    assertThat(p.notes()).isNotEmpty().doesNotHaveDuplicates();
    assertThat(mentions(p.notes(), "no measurements of")).isFalse();
    assertThat(mentions(p.notes(), "across nodes")).isFalse();
    // ZeRO-3 gathers the weights over the 8 GPUs, beyond the 2 measured
    assertThat(mentions(p.notes(), "all-gather outside the measured range (up to 2 GPUs")).isTrue();
  }

  @Test
  void twoNodesOfAGpuWithoutMeasurementsSayBoth() {
    PostTrainPlan p = grpo("a100-sxm-80gb", 16);
    assertThat(p.time()).isNotNull();
    assertThat(p.notes().get(0)).startsWith("no measurements of a100-sxm-80gb");
    assertThat(mentions(p.notes(), "collectives across nodes: 8 NICs of 200 Gb/s")).isTrue();
  }

  /** A plan that does not fit has no time to rest on anything; its one note says why. */
  @Test
  void aPlanWithoutATimeSaysOnlyWhyItDoesNotFit() {
    PostTrainPlan p = grpo("h100-sxm", 1);
    assertThat(p.fits()).isFalse();
    assertThat(p.time()).isNull();
    assertThat(p.notes())
        .singleElement()
        .asString()
        .startsWith("no rollout engine fits on 1 GPU: none of TP 1, 2, 4 or 8 in a node");
  }
}
