package dev.hwplan.bench;

import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.posttrain.Method;
import dev.hwplan.posttrain.PostTrainJob;
import dev.hwplan.posttrain.PostTrainPlanner;

/**
 * The post-training planner's speed (issue 18): seconds per whole plan of PPO on Llama-3.1-8B
 * (policy, reference, reward model and critic; 1,024-token prompts and responses, 512 prompts a
 * step) on H100s: a new planner, the search for the smallest colocated GPU count that fits, and the
 * plan with its step time on that count (timed by {@link TimedMeasure}).
 */
final class PostTrainMeasure {
  private PostTrainMeasure() {}

  static Measure ppoLlama8b() {
    return TimedMeasure.of(
        () -> {
          ModelSpec m = ModelCatalog.resolve("llama-3.1-8b");
          GpuProfile g = ProfileCatalog.bundled().get("h100-sxm");
          var cluster = ClusterCatalog.forGpu("h100-sxm");
          PostTrainJob job = PostTrainJob.of(m, Method.PPO, null, null, 1, 1024, 1024, 512);
          return () -> {
            PostTrainPlanner p = new PostTrainPlanner(job, g, cluster);
            return p.colocated(p.minGpusColocated(1024)).time().stepSeconds();
          };
        });
  }
}
