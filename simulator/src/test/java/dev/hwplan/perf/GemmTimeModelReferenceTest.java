package dev.hwplan.perf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.perf.calibration.Calibrations;
import dev.hwplan.perf.device.DevicePeaks;
import dev.hwplan.perf.device.Roofline;
import dev.hwplan.perf.gemm.GemmTimeModel;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.TransformerStep;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The calibrated GEMM time against {@link GemmTimeModel}'s formula as its documentation writes it:
 * both powers of the blend, and the tile search with divisions. The fast path (no divisions, one
 * {@code Math.pow} fewer, the memo) must give the same bits.
 */
class GemmTimeModelReferenceTest {
  /** The step configurations of {@link dev.hwplan.step.StepModelTest}: eight models, four GPUs. */
  private static final String CONFIGS = "dev.hwplan.step.StepModelTest#configs";

  @ParameterizedTest
  @MethodSource(CONFIGS)
  void everyGemmOfAStepMatchesTheFormula(
      String model, String gpuId, int tp, int pp, WeightDtype w, MlaLayout mla, String ex) {
    GpuProfile gpu = gpu(gpuId);
    StepConfig c =
        new StepConfig(
            ModelCatalog.resolve(model),
            Parallelism.of(tp, pp),
            w,
            KvDtype.BF16,
            mla,
            Execution.parse(ex, "execution"));
    CalibratedModel cm = new CalibratedModel(gpu, Calibrations.forGpu(gpu));
    for (long[] bpo : new long[][] {{1, 1024, 128}, {16, 2048, 512}, {64, 8192, 1}}) {
      for (StepComposition s :
          new StepComposition[] {
            StepComposition.prefill(bpo[0], bpo[1]),
            StepComposition.decode(bpo[0], bpo[1] + Math.max(1, bpo[2] / 2))
          }) {
        for (Op op : TransformerStep.build(c, s).ops()) {
          if (op.shape() instanceof OpShape.Gemm
              || (op.shape() instanceof OpShape.GroupedGemm
                  && op.kind() != dev.hwplan.op.OpKind.GROUPED_GEMM)) {
            assertThat(cm.predict(op).seconds())
                .as("%s %s", model, op.name())
                .isEqualTo(referenceGemmSeconds(cm, op));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource(CONFIGS)
  void tileSearchMatchesTheDividingOne(
      String model, String gpuId, int tp, int pp, WeightDtype w, MlaLayout mla, String ex) {
    DevicePeaks peaks = DevicePeaks.of(gpu(gpuId));
    int sms = peaks.sms();
    long[] sizes = {
      1, 7, 16, 63, 64, 65, 100, 128, 129, 255, 257, 511, 512, 1000, 1023, 1024, 1025, 2048, 3000,
      4096, 7168, 8191, 14336, 18432, 65536, 128256, 1 << 20
    };
    for (int groups : new int[] {1, 3, 8, 256}) {
      for (long m : sizes) {
        for (long n : sizes) {
          for (long k : new long[] {64, 511, 512, 1024, 1535, 4096, 8193, 16384, 53248}) {
            double reference = referenceUtilisation(groups, m, n, k, sms);
            // The first call searches, the second is answered from the memo: both exact.
            assertThat(peaks.gemmUtilisation(groups, m, n, k))
                .as("%d x %d x %d x %d on %d SMs", groups, m, n, k, sms)
                .isEqualTo(reference);
            assertThat(peaks.gemmUtilisation(groups, m, n, k))
                .as("memo: %d x %d x %d x %d on %d SMs", groups, m, n, k, sms)
                .isEqualTo(reference);
          }
        }
      }
    }
  }

  private static GpuProfile gpu(String id) {
    return ProfileCatalog.bundled().get(id);
  }

  /** {@link GemmTimeModel}'s formula with both powers and the dividing tile search. */
  private static double referenceGemmSeconds(CalibratedModel cm, Op op) {
    GemmTimeModel g = cm.calibration().gemm();
    GpuProfile gpu = cm.gpu();
    double flops;
    double util;
    double readBandwidth = gpu.memoryBandwidthBytesPerSecond() * cm.calibration().readFraction();
    double copyBandwidth = gpu.memoryBandwidthBytesPerSecond() * cm.calibration().copyFraction();
    // a strided-batched launch: its output at the copy rate, its own fixed cost
    double bytes = op.bytesRead() + op.bytesWritten() * (readBandwidth / copyBandwidth);
    double latency = GemmTimeModel.BATCHED_LATENCY_RATIO * g.latencySeconds();
    if (op.shape() instanceof OpShape.Gemm s) {
      bytes = op.bytes();
      latency = g.latencySeconds();
      util = referenceUtilisation(1, s.m(), s.n(), s.k(), gpu.sms());
      flops = 2.0 * s.m() * s.n() * s.k();
    } else {
      OpShape.GroupedGemm s = (OpShape.GroupedGemm) op.shape();
      double rows = s.activeExperts() * (double) s.maxRowsPerExpert();
      util = referenceUtilisation(s.activeExperts(), s.maxRowsPerExpert(), s.n(), s.k(), gpu.sms());
      flops = 2.0 * rows * s.n() * s.k();
    }
    DType dtype = op.dtype();
    double tMem = bytes / (g.bandwidthFraction() * readBandwidth);
    double tMma = flops / (g.matrixFraction(dtype) * Roofline.peakFlops(gpu, dtype) * util);
    double p = g.blendExponent();
    double big = Math.max(tMem, tMma);
    double blended = big * Math.pow(Math.pow(tMem / big, p) + Math.pow(tMma / big, p), 1 / p);
    return latency + blended;
  }

  private static final int[][] TILES = {
    {128, 256}, {256, 128}, {128, 128}, {64, 256}, {128, 64}, {64, 128}
  };
  private static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16};

  private static double referenceUtilisation(int groups, long m, long n, long k, int sms) {
    double best = 0;
    for (int[] t : TILES) {
      long tm = (m + t[0] - 1) / t[0];
      long tn = (n + t[1] - 1) / t[1];
      double pad = (m * (double) n) / (tm * t[0] * (double) tn * t[1]);
      long tiles = groups * tm * tn;
      for (int s : SPLITS) {
        if (s > 1 && k / s < 512) {
          break;
        }
        long units = tiles * s;
        long waves = (units + sms - 1) / sms;
        best = Math.max(best, pad * units / (double) (waves * sms));
      }
      if (best >= 0.999) {
        return best;
      }
    }
    return best;
  }
}
