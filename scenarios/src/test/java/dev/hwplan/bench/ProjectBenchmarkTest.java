package dev.hwplan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks' names go into every history, so they are pinned here. */
class ProjectBenchmarkTest {
  /** The prediction errors' names, in order, as they were written out before being derived. */
  private static final String PREDICTION_IDS =
      """
      predict.gemm.h100.medianError
      predict.gemm.h100.p90Error
      predict.gemm.h200.medianError
      predict.gemm.h200.p90Error
      predict.attention.h100.medianError
      predict.attention.h100.p90Error
      predict.attention.h200.medianError
      predict.attention.h200.p90Error
      predict.mla.h100.medianError
      predict.mla.h200.medianError
      predict.collective.h200.medianError
      predict.gemm.crossGpu.h100ToH200.medianError
      predict.gemm.crossGpu.h200ToH100.medianError
      predict.attention.crossGpu.h100ToH200.medianError
      predict.attention.crossGpu.h200ToH100.medianError
      predict.mla.crossGpu.h100ToH200.medianError
      predict.mla.crossGpu.h200ToH100.medianError
      predict.decodeStep.h100.medianError
      """;

  @Test
  void thePredictionErrorsAreNamedByWhatTheyMeasureAsBefore() {
    List<String> ids =
        Arrays.stream(ProjectBenchmark.values())
            .map(ProjectBenchmark::id)
            .filter(id -> id.startsWith("predict."))
            .toList();
    assertThat(ids).isEqualTo(PREDICTION_IDS.lines().toList());
  }

  @Test
  void everyNameIsUnique() {
    assertThat(Arrays.stream(ProjectBenchmark.values()).map(ProjectBenchmark::id))
        .doesNotHaveDuplicates();
  }
}
