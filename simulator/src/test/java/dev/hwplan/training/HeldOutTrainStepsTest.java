package dev.hwplan.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The planner against training steps it never saw (issue 17 validation), measured after the planner
 * and its calibrations were frozen at i17-train 8d8e1fe (main 4df41ae), with the same harness as
 * the 52 training rows ({@link H200TrainStepsTest}). The device tool, asked for an H200, ran them
 * on an H100 80GB HBM3, so they are held out twice: other shapes and another GPU (the h100-sxm
 * profile; its GEMM and decode kernels are measured, training attention and the step forms were
 * calibrated on the H200 only).
 *
 * <ul>
 *   <li>kernels/cuda/results/h100-sxm/train-steps-validation.json: train_step.py's validation grid,
 *       fixed in the script before the training rows were measured (6 layers of the 8B and 1B
 *       shapes at 4k tokens, micro-batch 1 and 3; 4 layers at 16k tokens; a 128k-vocabulary head at
 *       4k tokens).
 *   <li>kernels/cuda/results/h100-sxm/train-steps-new-shapes.json: shapes fixed in
 *       kernels/cuda/i17/new_shapes.py before the run (Llama-3.2-3B layers, Qwen2.5-7B-shaped
 *       layers).
 * </ul>
 *
 * <p>Nothing was changed after these were read; the ceilings sit a little above the errors measured
 * at the freeze, so a later change that makes them worse fails.
 *
 * <p>Seen since (2026-12-06, i17-18): after these errors had been reported, the for-each AdamW's
 * bf16 bandwidth ({@code OptimizerStep.FOREACH_TWO_BYTE_BANDWIDTH}) was fitted on the H200 training
 * rows; these rows then moved to step 9.1% mean, 16.1% worst (grid) and 8.2%, 12.9% (new shapes),
 * AdamW 9.7% to 4.1%. They are no longer a clean held-out check of that change: every prediction is
 * still fast (the forward and backward, 8-11% mean), and that bias is open.
 */
class HeldOutTrainStepsTest {
  @Test
  void validationGridOnH100() {
    // measured at the freeze: step 10.1% mean, 16.2% worst; peak memory 10.0%, 21.5%; seen since
    // the bf16 AdamW fit: step 9.1%, 16.1%
    check("train-steps-validation.json", "H100 held-out grid", 0.10, 0.17, 0.11, 0.22);
  }

  @Test
  void newShapesOnH100() {
    // measured at the freeze: step 9.7% mean, 13.7% worst; peak memory 11.1%, 22.3%; seen since
    // the bf16 AdamW fit: step 8.2%, 12.9%
    check("train-steps-new-shapes.json", "H100 new shapes", 0.09, 0.14, 0.12, 0.23);
  }

  private static void check(
      String file,
      String label,
      double stepMean,
      double stepWorst,
      double memMean,
      double memWorst) {
    TrainStepComparison.Summary s =
        TrainStepComparison.compare("../kernels/cuda/results/h100-sxm/" + file, "h100-sxm", label);
    assertThat(s.rows()).isEqualTo(18);
    assertThat(s.stepMean()).isLessThan(stepMean);
    assertThat(s.stepWorst()).isLessThan(stepWorst);
    assertThat(s.memMean()).isLessThan(memMean);
    assertThat(s.memWorst()).isLessThan(memWorst);
  }
}
