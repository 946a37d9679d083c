package dev.hwplan.perf.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.StrictMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The committed GPU measurements of one profile, read from the hardware-profiles resources {@code
 * calibrations/<profile>/cuda-harness.json}, {@code nccl.json}, {@code llama31-8b-decode-step.json}
 * {@code prefill-attention.json}, {@link #GROUPED_FILES}, {@link #GROUPED_INTERVAL_FILES} and
 * {@link #GEMM_INTERVAL_FILES}. Whatever rows are present are read; a missing file gives no rows.
 *
 * @param readBytesPerSecond the harness's read probe (NaN without one)
 * @param copyBytesPerSecond its copy probe, read plus write bytes (NaN without one)
 * @param groupedIntervals grouped-GEMM rows no fit sees, whose residuals set the grouped GEMM's and
 *     the per-expert loop's prediction intervals ({@link #GROUPED_INTERVAL_FILES})
 * @param gemmIntervals GEMM rows no fit sees, whose residuals set the GEMM's prediction interval
 *     ({@link #GEMM_INTERVAL_FILES})
 */
public record Measurements(
    String profileId,
    double readBytesPerSecond,
    double copyBytesPerSecond,
    List<Rows.Gemm> gemm,
    List<Rows.Attention> attention,
    List<Rows.Mla> mla,
    List<Rows.Collective> collectives,
    List<Rows.DecodeStep> decodeSteps,
    List<Rows.PrefillAttention> prefillAttention,
    List<Rows.GroupedGemm> groupedGemm,
    List<Rows.GroupedGemm> groupedIntervals,
    List<Rows.Gemm> gemmIntervals) {
  public Measurements {
    gemmIntervals = List.copyOf(gemmIntervals);
    groupedGemm = List.copyOf(groupedGemm);
    groupedIntervals = List.copyOf(groupedIntervals);
    prefillAttention = List.copyOf(prefillAttention);
    gemm = List.copyOf(gemm);
    attention = List.copyOf(attention);
    mla = List.copyOf(mla);
    collectives = List.copyOf(collectives);
    decodeSteps = List.copyOf(decodeSteps);
  }

  public boolean isEmpty() {
    return gemm.isEmpty()
        && attention.isEmpty()
        && mla.isEmpty()
        && collectives.isEmpty()
        && decodeSteps.isEmpty()
        && prefillAttention.isEmpty()
        && groupedGemm.isEmpty();
  }

  /**
   * The grouped-GEMM files of a profile: the training grid, and on the H200 freeze I's and freeze
   * II's validation grids (2026-12-04 and 2026-12-06), seen and reported before freeze III and
   * training rows since (issue 15). The H100 bundles its training grid only ({@code
   * kernels/cuda/results/h100-sxm/grouped-gemm-train.json} as {@code grouped-gemm.json}, since
   * freeze VIII).
   */
  public static final List<String> GROUPED_FILES =
      List.of("grouped-gemm.json", "grouped-gemm-validation.json", "grouped-gemm-post2.json");

  /**
   * The grouped-GEMM files whose rows set the intervals, not the fit (issue 15, freeze XVI): the
   * grids measured after earlier freezes on matrices, expert counts and tokens per expert the
   * training grid does not have (H100: {@code kernels/cuda/results/h100-sxm/grouped-gemm-post3,
   * post4, post6 to post10.json}, post9 and post10 since freeze XVII; H200: {@code
   * h200-sxm/grouped-gemm-post4, post5.json}), each bundled as {@code
   * grouped-gemm-interval-<grid>.json}. A split-conformal calibration set (Lei, G'Sell, Rinaldo,
   * Tibshirani and Wasserman, "Distribution-free predictive inference for regression", JASA
   * 113(523), 2018, section 2.2): the model is fitted on the training rows alone and the interval
   * is the spread of its residuals on these.
   */
  public static final List<String> GROUPED_INTERVAL_FILES =
      List.of(
          "grouped-gemm-interval-post3.json",
          "grouped-gemm-interval-post4.json",
          "grouped-gemm-interval-post5.json",
          "grouped-gemm-interval-post6.json",
          "grouped-gemm-interval-post7.json",
          "grouped-gemm-interval-post8.json",
          "grouped-gemm-interval-post9.json",
          "grouped-gemm-interval-post10.json");

  /**
   * The GEMM files whose rows set the GEMM's interval, not its fit (issue 15, freeze XX): the
   * H100's training sweep of the calibration matrices at 28 token counts off the powers of two
   * ({@code kernels/cuda/results/h100-sxm/gemm-train-sweep.json}, measured 2026-12-08 00:34 UTC,
   * bundled as {@code gemm-interval-sweep.json}). The fit's own rows are all at powers of two,
   * where cuBLAS's kernel choice suits the shape; off them its heuristic picks tiles that run up to
   * 2.3 x slower than the model's best tiling, and the same shape measured twice in one run differs
   * by up to 18%: the fitted rows' residuals (5-95% on the H100: 0.936 to 1.092) understate both
   * (the sweep's: 0.93 to 1.21). Split conformal, as {@link #GROUPED_INTERVAL_FILES}.
   */
  public static final List<String> GEMM_INTERVAL_FILES = List.of("gemm-interval-sweep.json");

  /** Every bundled profile that has committed measurements, in catalog order. */
  public static List<Measurements> bundled() {
    List<Measurements> out = new ArrayList<>();
    for (String file : ProfileCatalog.bundledFileNames()) {
      String id = file.endsWith(".yaml") ? file.substring(0, file.length() - 5) : file;
      bundled(id).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The files {@link #bundled(String)} reads, under {@code calibrations/<profile>/} (the
   * calibration cache's key hashes them too).
   */
  static final List<String> FILES =
      java.util.stream.Stream.of(
              List.of(
                  "cuda-harness.json",
                  "nccl.json",
                  "llama31-8b-decode-step.json",
                  "prefill-attention.json"),
              GROUPED_FILES,
              GROUPED_INTERVAL_FILES,
              GEMM_INTERVAL_FILES)
          .flatMap(List::stream)
          .toList();

  /**
   * Whether {@code profileId} has any committed measurement file: a look-up of the resources, no
   * read (start-up: a GPU without measurements of its own need not parse every other GPU's).
   */
  public static boolean anyBundled(String profileId) {
    ClassLoader cl = Measurements.class.getClassLoader();
    for (String f : FILES) {
      if (cl.getResource("calibrations/" + profileId + "/" + f) != null) {
        return true;
      }
    }
    return false;
  }

  /** The committed measurements of one profile, if any. */
  public static Optional<Measurements> bundled(String profileId) {
    String dir = "calibrations/" + profileId + "/";
    JsonNode harness = read(dir + "cuda-harness.json");
    JsonNode nccl = read(dir + "nccl.json");
    JsonNode step = read(dir + "llama31-8b-decode-step.json");
    JsonNode prefill = read(dir + "prefill-attention.json");
    double read = Double.NaN;
    double copy = Double.NaN;
    List<Rows.Gemm> gemm = new ArrayList<>();
    List<Rows.Attention> attention = new ArrayList<>();
    List<Rows.Mla> mla = new ArrayList<>();
    List<Rows.Collective> collectives = new ArrayList<>();
    List<Rows.DecodeStep> steps = new ArrayList<>();
    if (harness != null) {
      for (JsonNode b : harness.path("bandwidth")) {
        String kernel = b.path("kernel").asText();
        if (kernel.equals("read")) {
          read = b.path("bytesPerSecond").asDouble(Double.NaN);
        } else if (kernel.equals("copy")) {
          copy = b.path("bytesPerSecond").asDouble(Double.NaN);
        }
      }
      gemm.addAll(gemmRows(harness));
      attention.addAll(attentionRows(harness));
      for (JsonNode r : harness.path("mlaDecode")) {
        if (r.hasNonNull("seconds")) {
          mla.add(
              new Rows.Mla(
                  r.path("heads").asInt(),
                  r.path("kvLoraRank").asInt(),
                  r.path("ropeDim").asInt(),
                  r.path("batch").asLong(),
                  r.path("context").asLong(),
                  r.path("dtype").asText("bf16"),
                  r.path("seconds").asDouble(),
                  samples(r.path("samples")),
                  mlaCandidates(r.path("splitTuning"), r.path("context").asLong())));
        }
      }
    }
    if (nccl != null) {
      for (JsonNode r : nccl.path("collectives")) {
        if (r.hasNonNull("seconds")) {
          collectives.add(
              new Rows.Collective(
                  r.path("op").asText(),
                  r.path("gpus").asInt(),
                  r.path("bytes").asDouble(),
                  r.path("seconds").asDouble(),
                  samples(r.path("samples"))));
        }
      }
    }
    if (step != null) {
      for (JsonNode r : step.path("decodeStep")) {
        if (r.hasNonNull("seconds")) {
          steps.add(
              new Rows.DecodeStep(
                  r.path("model").asText(),
                  r.path("dtype").asText("bf16"),
                  r.path("batch").asLong(),
                  r.path("context").asLong(),
                  r.path("seconds").asDouble()));
        }
      }
    }
    List<Rows.PrefillAttention> prefills = prefill == null ? List.of() : prefillRows(prefill);
    List<Rows.GroupedGemm> groups = rowsOf(dir, GROUPED_FILES, Measurements::groupedRows);
    List<Rows.GroupedGemm> intervals =
        rowsOf(dir, GROUPED_INTERVAL_FILES, Measurements::groupedRows);
    List<Rows.Gemm> gemmIntervals = rowsOf(dir, GEMM_INTERVAL_FILES, Measurements::gemmRows);
    Measurements m =
        new Measurements(
            profileId,
            read,
            copy,
            gemm,
            attention,
            mla,
            collectives,
            steps,
            prefills,
            groups,
            intervals,
            gemmIntervals);
    return m.isEmpty() && Double.isNaN(read) ? Optional.empty() : Optional.of(m);
  }

  /** The rows {@code parse} reads from those of {@code files} that {@code dir} holds, in order. */
  private static <T> List<T> rowsOf(
      String dir, List<String> files, java.util.function.Function<JsonNode, List<T>> parse) {
    List<T> out = new ArrayList<>();
    for (String f : files) {
      JsonNode doc = read(dir + f);
      if (doc != null) {
        out.addAll(parse.apply(doc));
      }
    }
    return out;
  }

  /** The measured rows of a prefill-attention file: those with both forward and backward times. */
  static List<Rows.PrefillAttention> prefillRows(JsonNode doc) {
    List<Rows.PrefillAttention> out = new ArrayList<>();
    for (JsonNode r : doc.path("rows")) {
      if (r.path("forwardSeconds").isNumber() && r.path("backwardSeconds").isNumber()) {
        out.add(
            new Rows.PrefillAttention(
                r.path("family").asText(),
                r.path("backend").asText(),
                r.path("batch").asLong(),
                r.path("heads").asInt(),
                r.path("kvHeads").asInt(),
                r.path("seqLen").asLong(),
                r.path("headDimQk").asInt(),
                r.path("headDimV").asInt(),
                r.path("forwardSeconds").asDouble(),
                r.path("backwardSeconds").asDouble()));
      }
    }
    return out;
  }

  /**
   * The measured rows of a grouped-GEMM file: those with a grouped time (the loop's may be NaN).
   */
  static List<Rows.GroupedGemm> groupedRows(JsonNode doc) {
    List<Rows.GroupedGemm> out = new ArrayList<>();
    for (JsonNode r : doc.path("rows")) {
      if (r.path("grouped").path("seconds").isNumber()) {
        JsonNode loop = r.path("loop").path("seconds");
        out.add(
            new Rows.GroupedGemm(
                r.path("matrix").asText(),
                r.path("n").asLong(),
                r.path("k").asLong(),
                r.path("experts").asInt(),
                r.path("tokensPerExpert").asLong(),
                r.path("dtype").asText("bf16"),
                r.path("grouped").path("seconds").asDouble(),
                loop.isNumber() ? loop.asDouble() : Double.NaN));
      }
    }
    return out;
  }

  /** The measured GEMM rows of a harness file ({@code gemm}). */
  static List<Rows.Gemm> gemmRows(JsonNode harness) {
    List<Rows.Gemm> gemm = new ArrayList<>();
    for (JsonNode r : harness.path("gemm")) {
      if (r.hasNonNull("seconds")) {
        gemm.add(
            new Rows.Gemm(
                r.path("dtype").asText(),
                r.path("m").asLong(),
                r.path("n").asLong(),
                r.path("k").asLong(),
                r.path("seconds").asDouble(),
                samples(r.path("samples"))));
      }
    }
    return gemm;
  }

  /** The measured decode-attention rows of a harness file ({@code decodeAttention}). */
  static List<Rows.Attention> attentionRows(JsonNode harness) {
    List<Rows.Attention> attention = new ArrayList<>();
    for (JsonNode r : harness.path("decodeAttention")) {
      if (r.hasNonNull("seconds")) {
        JsonNode flash = r.path("sdpaAll").path("flash").path("seconds");
        attention.add(
            new Rows.Attention(
                r.path("heads").asInt(),
                r.path("kvHeads").asInt(),
                r.path("batch").asLong(),
                r.path("context").asLong(),
                r.path("headDim").asInt(),
                r.path("dtype").asText("bf16"),
                r.path("seconds").asDouble(),
                samples(r.path("samples")),
                flash.isNumber() ? flash.asDouble() : Double.NaN,
                candidates(r.path("splitTuning"), r.path("context").asLong())));
      }
    }
    return attention;
  }

  private static final List<String> VARIANTS =
      List.of("plain", "pipelined", "l2hint", "pipelined+l2hint", "stage");

  /**
   * The harness's {@code splitTuning} map, {@code "variant/splits": seconds}: the register kernel
   * ran {@code ceil(ceil(S / splits) / 16) x 16} tokens per split (every chunk length it builds is
   * that multiple of 16), the stage kernel {@code S / splits}.
   */
  private static List<Rows.Candidate> candidates(JsonNode tuning, long context) {
    List<Rows.Candidate> out = new ArrayList<>();
    tuning
        .fields()
        .forEachRemaining(
            e -> {
              String[] parts = e.getKey().split("/");
              int variant = VARIANTS.indexOf(parts[0]);
              if (parts.length != 2 || variant < 0 || !e.getValue().isNumber()) {
                return;
              }
              long splits = Long.parseLong(parts[1]);
              long chunk =
                  variant == 4
                      ? context / splits
                      : Math.min(context, ((context + splits - 1) / splits + 15) / 16 * 16);
              out.add(new Rows.Candidate(variant, chunk, e.getValue().asDouble()));
            });
    return out;
  }

  /**
   * The MLA harness's {@code splitTuning} map, {@code "variant/splits": seconds} over four kernel
   * variants: per split count, the fastest variant at {@code S / splits} tokens per split.
   */
  private static List<Rows.Candidate> mlaCandidates(JsonNode tuning, long context) {
    java.util.TreeMap<Long, Double> best = new java.util.TreeMap<>();
    tuning
        .fields()
        .forEachRemaining(
            e -> {
              String[] parts = e.getKey().split("/");
              if (parts.length == 2 && e.getValue().isNumber()) {
                best.merge(Long.parseLong(parts[1]), e.getValue().asDouble(), Math::min);
              }
            });
    List<Rows.Candidate> out = new ArrayList<>();
    best.forEach((splits, t) -> out.add(new Rows.Candidate(-1, context / splits, t)));
    return out;
  }

  private static double[] samples(JsonNode n) {
    double[] s = new double[n.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = n.get(i).asDouble();
    }
    return s;
  }

  private static JsonNode read(String resource) {
    try (InputStream in = Measurements.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      return StrictMapper.json().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
  }
}
