package dev.hwplan.inference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.Mode;
import dev.hwplan.step.StepConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code infer} and {@code memory} give one answer to "does it fit" and to the bytes per GPU. */
class InferenceFitsTest {
  @ParameterizedTest
  @CsvSource({
    "llama-3.1-8b, h100-sxm, 1, BF16, 64, 4096, 512",
    "llama-3.1-8b, h100-sxm, 1, BF16, 512, 8192, 1024",
    "llama-3.1-70b, h100-sxm, 4, FP8, 64, 8192, 1024",
    "llama-3.1-70b, h100-sxm, 2, BF16, 1, 1024, 128",
    "deepseek-v3, h200-sxm, 8, FP8, 32, 32768, 1024",
    "gemma-2-9b, h100-sxm, 1, BF16, 200, 16384, 512",
    "mixtral-8x7b, h100-sxm, 2, BF16, 128, 4096, 256"
  })
  void inferAndMemoryAgree(
      String model, String gpuId, int tp, String weights, long batch, long prompt, long output) {
    WeightDtype w = WeightDtype.parse(weights, "weights");
    GpuProfile gpu = ProfileCatalog.bundled().get(gpuId);
    StepConfig c =
        StepConfig.of(ModelCatalog.resolve(model), Parallelism.of(tp, 1), w, MlaLayout.LATENT);
    InferenceRequest r = new InferenceRequest(c, gpu, batch, prompt, output, Mode.SOL);
    InferenceEstimate e = InferenceEstimator.estimate(r);
    InferenceMemory mem = InferenceMemoryCalculator.compute(InferenceEstimator.memoryRequest(r));
    assertThat(e.weightBytesPerGpu()).isEqualTo(mem.weightBytes());
    assertThat(e.kvBytesPerGpu()).isEqualTo(mem.bytesPerSequence() * batch);
    assertThat(e.fits()).isEqualTo(mem.maxSequences() >= batch);
  }
}
