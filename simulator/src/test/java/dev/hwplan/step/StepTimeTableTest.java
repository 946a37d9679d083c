package dev.hwplan.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step-time table against the step model it reads: on random continuous-batching compositions
 * (decodes at random contexts, chunks at random lengths and prefixes, equal chunks merged) of a
 * dense GQA model, an MoE model, MLA over the latent and the expanded cache, and a sliding-window
 * model, the table's time is within {@link #MAX_ERROR} of {@link StepModel#seconds}; it is exact
 * where it holds a value (exact counts, multiples of 64 in context, merged chunks).
 */
class StepTimeTableTest {
  /**
   * The bound on |table / step model - 1| over every composition drawn: 0.1%. The worst seen with
   * seed 16 is 0.054% (Llama-3.1-8B, 16 decodes at context 162); the others stay below 0.03%.
   */
  static final double MAX_ERROR = 0.001;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("llama-3.1-70b", "h100-sxm", 4, WeightDtype.BF16, MlaLayout.LATENT),
        Arguments.of("llama-3.1-8b", "h200-sxm", 1, WeightDtype.FP8, MlaLayout.LATENT),
        Arguments.of("mixtral-8x7b", "h100-sxm", 2, WeightDtype.BF16, MlaLayout.LATENT),
        Arguments.of("deepseek-v3", "h200-sxm", 8, WeightDtype.FP8, MlaLayout.LATENT),
        Arguments.of("deepseek-v2-lite", "h100-sxm", 1, WeightDtype.BF16, MlaLayout.EXPANDED),
        Arguments.of("gemma-2-9b", "h100-sxm", 1, WeightDtype.BF16, MlaLayout.LATENT),
        Arguments.of("gemma-3-27b", "h100-sxm", 1, WeightDtype.BF16, MlaLayout.LATENT),
        Arguments.of("gpt-oss-20b", "h200-sxm", 1, WeightDtype.BF16, MlaLayout.LATENT),
        Arguments.of("qwen3-30b-a3b", "h100-sxm", 2, WeightDtype.FP8, MlaLayout.LATENT));
  }

  private static StepModel model(String model, String gpu, int tp, WeightDtype w, MlaLayout mla) {
    GpuProfile g = ProfileCatalog.bundled().get(gpu);
    StepConfig c = StepConfig.of(ModelCatalog.resolve(model), Parallelism.of(tp, 1), w, mla);
    return new StepModel(c, Calibrations.model(g, Mode.CALIBRATED));
  }

  /** A random iteration as a serving engine builds one. */
  private static StepComposition random(SplittableRandom r, int maxContext) {
    StepComposition.Builder b = StepComposition.builder();
    int decodes = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(r.nextBoolean() ? 16 : 320);
    long context = 1 + r.nextInt(r.nextBoolean() ? 2048 : maxContext);
    for (int i = 0; i < decodes; i++) {
      b.decode(Math.max(1, Math.min(maxContext, context + r.nextInt(512) - 256)));
    }
    int chunks = decodes == 0 ? 1 + r.nextInt(3) : r.nextInt(3);
    for (int i = 0; i < chunks; i++) {
      long tokens = 1 + r.nextInt(r.nextBoolean() ? 512 : 8192);
      long prefix = r.nextInt(3) == 0 ? 0 : r.nextInt(maxContext / 2);
      b.prefill(tokens, prefix);
      if (r.nextInt(6) == 0) {
        b.prefill(tokens, prefix); // merged with the one before: one kernel of 2 sequences
      }
    }
    return b.build();
  }

  @ParameterizedTest
  @MethodSource("configs")
  void tableIsWithinBoundOfTheStepModelOnRandomCompositions(
      String model, String gpu, int tp, WeightDtype w, MlaLayout mla) {
    StepModel steps = model(model, gpu, tp, w, mla);
    StepTimeTable table = steps.table();
    SplittableRandom r = new SplittableRandom(16);
    double worst = 0;
    StepComposition worstAt = null;
    for (int i = 0; i < 400; i++) {
      StepComposition s = random(r, 32_768);
      double exact = steps.seconds(s);
      double err = Math.abs(table.seconds(s) / exact - 1);
      if (err > worst) {
        worst = err;
        worstAt = s;
      }
    }
    assertThat(worst).as("worst at %s", worstAt).isLessThan(MAX_ERROR);
  }

  @Test
  void arraysFormEqualsCompositionFormAndMergesEqualChunks() {
    StepModel steps = model("llama-3.1-70b", "h100-sxm", 4, WeightDtype.BF16, MlaLayout.LATENT);
    StepTimeTable table = steps.table();
    long[] tokens = {700, 512, 700, 64};
    long[] prefix = {1000, 0, 1000, 4096};
    long[] contexts = {3000, 5000, 4100};
    StepComposition.Builder b = StepComposition.builder();
    for (int i = 0; i < tokens.length; i++) {
      b.prefill(tokens[i], prefix[i]);
    }
    for (long c : contexts) {
      b.decode(c);
    }
    StepComposition s = b.build();
    assertThat(s.prefills()).hasSize(3); // the two equal chunks are one entry of 2 sequences
    long sum = Arrays.stream(contexts).sum();
    assertThat(table.seconds(3, sum, 4, tokens.clone(), prefix.clone()))
        .isEqualTo(table.seconds(s));
  }

  @Test
  void exactWhereItHoldsAValue() {
    StepModel steps = model("llama-3.1-70b", "h100-sxm", 4, WeightDtype.BF16, MlaLayout.LATENT);
    StepTimeTable table = steps.table();
    List<StepComposition> exact = new ArrayList<>();
    exact.add(StepComposition.decode(37, 100)); // counts <= 512 and contexts <= 128
    exact.add(StepComposition.decode(200, 4096)); // a multiple of 64
    exact.add(StepComposition.prefill(3, 160)); // merged chunks (480 tokens: exact)
    exact.add(StepComposition.prefill(1, 48)); // a grid point of tokens and prefix
    exact.add(StepComposition.builder().prefill(96, 0).decodes(64, 64L * 640).build());
    for (StepComposition s : exact) {
      assertThat(table.seconds(s)).as("%s", s).isCloseTo(steps.seconds(s), withinUlps(s, steps));
    }
  }

  private static org.assertj.core.data.Offset<Double> withinUlps(StepComposition s, StepModel m) {
    return org.assertj.core.data.Offset.offset(m.seconds(s) * 1e-12);
  }
}
