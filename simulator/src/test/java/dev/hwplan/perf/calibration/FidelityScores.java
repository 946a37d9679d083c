package dev.hwplan.perf.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.op.Op;
import dev.hwplan.op.OpShape;
import dev.hwplan.op.Ops;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.Spread;
import dev.hwplan.perf.device.DevicePeaks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores the product's H200 calibration on a measured file of issue 15's formats (prefill
 * attention, grouped GEMM): per family, median / p90 / worst |error| and the share of measurements
 * inside the prediction interval (nominal 90%: the 5th to 95th percentile of the training
 * residuals; for grouped GEMMs, of the interval grids' residuals). Rows whose shape is among the
 * training rows are refused (the score must be out of sample).
 */
final class FidelityScores {
  static final Path RESULTS = Path.of("..", "kernels", "cuda", "results", "h200-sxm");

  record Score(String family, int n, double median, double p90, double worst, double coverage) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-22s n=%3d median %5.1f%% p90 %5.1f%% worst %5.1f%% coverage %3.0f%%",
          family,
          n,
          100 * median,
          100 * p90,
          100 * worst,
          100 * coverage);
    }
  }

  static Score score(String family, List<double[]> predictedMeasured, Spread spread) {
    double[] e = new double[predictedMeasured.size()];
    int inside = 0;
    for (int i = 0; i < e.length; i++) {
      double p = predictedMeasured.get(i)[0];
      double m = predictedMeasured.get(i)[1];
      e[i] = Math.abs(p / m - 1);
      if (m >= p * spread.lowRatio() && m <= p * spread.highRatio()) {
        inside++;
      }
    }
    java.util.Arrays.sort(e);
    return new Score(
        family,
        e.length,
        Stats.percentile(e, 0.5),
        Stats.percentile(e, 0.9),
        e[e.length - 1],
        inside / (double) e.length);
  }

  /**
   * The bundled profile of the GPU a measured file names ({@code device.name}): the H100 SXM for an
   * H100, else the H200.
   */
  static GpuProfile gpuOf(JsonNode doc) {
    String name = doc.path("device").path("name").asText("");
    return ProfileCatalog.bundled().get(name.contains("H100") ? "h100-sxm" : "h200-sxm");
  }

  static JsonNode read(String file) throws Exception {
    return new ObjectMapper().readTree(Files.readString(RESULTS.resolve(file)));
  }

  /** Flash and cuDNN, forward and backward, on a prefill-attention file. */
  static List<Score> prefill(String file) throws Exception {
    JsonNode doc = read(file);
    GpuProfile gpu = gpuOf(doc);
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    GpuCalibration cal = Calibrations.forGpu(gpu);
    List<String> training =
        Calibrations.measurements("h200-sxm").orElseThrow().prefillAttention().stream()
            .map(Rows.PrefillAttention::key)
            .toList();
    Map<String, List<double[]>> byFamily = new LinkedHashMap<>();
    for (Rows.PrefillAttention row : Measurements.prefillRows(doc)) {
      if (training.contains(row.key())) {
        throw new AssertionError("not out of sample: " + row.key());
      }
      for (boolean bwd : new boolean[] {false, true}) {
        Prediction p = model.predict(RowOps.prefillOp(row, bwd));
        byFamily
            .computeIfAbsent(
                dev.hwplan.perf.attention.PrefillAttentionModels.family(
                    RowOps.prefillKernel(row), bwd),
                k -> new ArrayList<>())
            .add(new double[] {p.seconds(), PrefillAttentionFitter.measured(row, bwd)});
      }
    }
    List<Score> out = new ArrayList<>();
    byFamily.forEach((f, v) -> out.add(score(f, v, cal.spread(f))));
    return out;
  }

  /** The keys of {@code gpu}'s committed calibration rows of one family (none may be validated). */
  private static <R> List<String> committed(
      GpuProfile gpu,
      java.util.function.Function<Measurements, List<R>> rows,
      java.util.function.Function<R, String> key) {
    return rows.apply(Calibrations.measurements(gpu.id()).orElseThrow()).stream().map(key).toList();
  }

  /**
   * hwplan's split-K decode attention kernel on a harness file of decode shapes ({@code
   * decodeAttention} rows) that no fit has seen, with the decode-attention family's interval.
   */
  static Score decode(String file) throws Exception {
    JsonNode doc = read(file);
    GpuProfile gpu = gpuOf(doc);
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    List<String> committed = committed(gpu, Measurements::attention, Rows.Attention::key);
    List<double[]> pm = new ArrayList<>();
    for (Rows.Attention r : Measurements.attentionRows(doc)) {
      if (committed.contains(r.key())) {
        throw new AssertionError("not out of sample: " + r.key());
      }
      Op op = RowOps.attentionOp(r, dev.hwplan.op.AttentionKernel.SPLIT_K);
      pm.add(new double[] {model.predict(op).seconds(), r.seconds()});
    }
    return score("decode-attention", pm, Calibrations.forGpu(gpu).spread("attention"));
  }

  /**
   * cuBLASLt GEMMs of a harness file ({@code gemm} rows) that no fit has seen, bf16 then fp8, with
   * the GEMM family's interval.
   */
  static List<Score> gemm(String file) throws Exception {
    JsonNode doc = read(file);
    GpuProfile gpu = gpuOf(doc);
    OpTimeModel model = Calibrations.model(gpu, Mode.CALIBRATED);
    List<String> committed = committed(gpu, Measurements::gemm, Rows.Gemm::key);
    Map<String, List<double[]>> byType = new LinkedHashMap<>();
    byType.put("bf16", new ArrayList<>());
    byType.put("fp8", new ArrayList<>());
    for (Rows.Gemm r : Measurements.gemmRows(doc)) {
      if (committed.contains(r.key())) {
        throw new AssertionError("not out of sample: " + r.key());
      }
      byType
          .get(r.dtype())
          .add(new double[] {model.predict(RowOps.gemmOp(r)).seconds(), r.seconds()});
    }
    Spread spread = Calibrations.forGpu(gpu).spread("gemm");
    return List.of(
        score("gemm-bf16", byType.get("bf16"), spread),
        score("gemm-fp8", byType.get("fp8"), spread));
  }

  /** Grouped GEMM and the per-expert loop on a grouped-GEMM file that no fit has seen. */
  static List<Score> grouped(String file) throws Exception {
    return grouped(file, true);
  }

  /**
   * Grouped GEMM and the per-expert loop on a grouped-GEMM file; {@code outOfSample}: refuse rows
   * among the training rows (false for files that became training rows, printed as seen).
   */
  static List<Score> grouped(String file, boolean outOfSample) throws Exception {
    JsonNode doc = read(file);
    GpuProfile gpu = gpuOf(doc);
    GpuCalibration cal = Calibrations.forGpu(gpu);
    DevicePeaks peaks = DevicePeaks.of(gpu);
    List<String> training =
        Calibrations.measurements("h200-sxm").orElseThrow().groupedGemm().stream()
            .map(Rows.GroupedGemm::key)
            .toList();
    List<double[]> g = new ArrayList<>();
    List<double[]> l = new ArrayList<>();
    for (Rows.GroupedGemm row : Measurements.groupedRows(doc)) {
      if (outOfSample && training.contains(row.key())) {
        throw new AssertionError("not out of sample: " + row.key());
      }
      FitData.Row<Rows.GroupedGemm> fr = new FitData.Row<>(peaks, row);
      g.add(
          new double[] {
            GroupedGemmFitter.groupedSeconds(cal.groupedGemm(), cal.readFraction(), fr),
            row.groupedSeconds()
          });
      if (!Double.isNaN(row.loopSeconds())) {
        l.add(
            new double[] {
              GroupedGemmFitter.loopSeconds(cal.groupedGemm(), cal.gemm(), cal.readFraction(), fr),
              row.loopSeconds()
            });
      }
    }
    return List.of(
        score("grouped-gemm", g, cal.spread("grouped-gemm")),
        score("expert-loop", l, cal.spread("expert-loop")));
  }

  /**
   * cuBLAS batched GEMMs ({@code torch.bmm}, {@code batched_gemm.py}) of one set ({@code train} or
   * {@code validation}) as the product builds and times them ({@code Ops.batchedGemm} for the
   * attention and MLA rows, {@code Ops.balancedGroupedGemm} for the experts' weight gradients),
   * and, beside it, as the grouped-GEMM kernel's model would time the same launch: per op set
   * ({@code attention}, {@code attn} (MLA), {@code expert}).
   */
  static List<Score> batched(String file, String set) throws Exception {
    JsonNode doc = read(file);
    GpuProfile gpu = gpuOf(doc);
    GpuCalibration cal = Calibrations.forGpu(gpu);
    DevicePeaks peaks = DevicePeaks.of(gpu);
    CalibratedModel model = new CalibratedModel(peaks, cal);
    double read = peaks.memoryBandwidthBytesPerSecond() * cal.readFraction();
    Map<String, List<double[]>> product = new LinkedHashMap<>();
    Map<String, List<double[]>> grouped = new LinkedHashMap<>();
    for (JsonNode r : doc.path("rows")) {
      if (!r.path("set").asText().equals(set)) {
        continue;
      }
      Op op = batchedOp(r);
      double measured = r.path("seconds").asDouble();
      String family = r.path("op").asText().replaceAll("\\..*", "");
      double p = model.terms(op, null).seconds();
      double g =
          cal.groupedGemm()
              .time(
                  peaks, read, op.dtype(), (OpShape.GroupedGemm) op.shape(), op.flops(), op.bytes())
              .seconds();
      product.computeIfAbsent(family, x -> new ArrayList<>()).add(new double[] {p, measured});
      grouped.computeIfAbsent(family, x -> new ArrayList<>()).add(new double[] {g, measured});
    }
    List<Score> out = new ArrayList<>();
    product.forEach(
        (f, v) ->
            out.add(
                score("bmm " + f, v, cal.spread(f.equals("expert") ? "grouped-gemm" : "gemm"))));
    grouped.forEach((f, v) -> out.add(score("bmm as grouped " + f, v, cal.spread("grouped-gemm"))));
    return out;
  }

  /** The op the product builds for a row of a batched-GEMM file. */
  static Op batchedOp(JsonNode r) {
    boolean wgrad = r.path("op").asText().equals("expert.wgrad");
    int g = r.path("groups").asInt();
    long m = r.path("m").asLong();
    long n = r.path("n").asLong();
    long k = r.path("k").asLong();
    String name = r.path("op").asText();
    return wgrad
        ? Ops.balancedGroupedGemm(name, DType.BF16, g, m, n, k, 2, 2)
        : Ops.batchedGemm(name, DType.BF16, g, m, n, k, 2, 2);
  }

  private FidelityScores() {}
}
