package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.StrictMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code accuracy/validation.json} ({@link ValidationAccuracy}) is what the model
 * scores today: every row is recomputed from the measured files that {@link #VALIDATION_FILES} and
 * {@link #SEEN_FILES} declare, with the scorers of {@link FidelityScores} (prefill attention,
 * grouped GEMM and the per-expert loop, cuBLAS batched GEMMs) and {@link StepFormsFitTest#score}
 * (whole steps), and the test fails where a printed figure (at 0.1 point), a count, a status or a
 * file's header differs. When the model changes, regenerate the file with {@code mvn -B -o -q test
 * -pl simulator -am -Dtest=ValidationAccuracyFileTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhwplan.golden.update=true}, then the report's pinned copy of the table ({@code
 * scenarios/src/test/resources/golden/report/accuracy-validation.csv}) with the same switch on
 * {@code -pl scenarios -am -Dtest=GoldenOutputsTest} (a second run: the first rewrites the source
 * file after the simulator's resources were copied). When a freeze makes a validation file "seen",
 * move it from {@link #VALIDATION_FILES} to {@link #SEEN_FILES} (and set {@link #MODEL} and {@link
 * #FROZEN_AT}) first.
 */
class ValidationAccuracyFileTest {
  static final Path FILE = Path.of("src", "main", "resources", "accuracy", "validation.json");
  private static final boolean UPDATE = Boolean.getBoolean("hwplan.golden.update");
  private static final Path RESULTS = Path.of("..", "kernels", "cuda", "results");

  /** The model that scores the files, as named at its freeze. */
  static final String MODEL =
      "freeze XX of issue 15 (freeze XIX's model, with the GEMM's interval, and the batched"
          + " GEMM's through it, the split-conformal spread of its residuals on the H100's training"
          + " sweep of token counts off the powers of two; files measured before it (the H100's"
          + " v20 GEMM grid and batched-GEMM validation3) validate its points, unchanged, but not"
          + " its intervals, whose need the v20 grid's coverage showed; freeze XIX: freeze XVIII's"
          + " model, with a whole step's interval the"
          + " split-conformal spread of measured over predicted over the steps of its kind (form,"
          + " dense or MoE, decode or prefill) measured on its GPU, collectives keeping their own;"
          + " freeze XVIII: freeze XVII's model, with each cluster of an expert in the small-tile"
          + " grouped kernel reading the expert's weights; freeze XVII: freeze XVI's model, the"
          + " H100's interval grids taking post9 and post10 too; freeze XVI: freeze XIII's model, with the grouped GEMM's and the per-expert"
          + " loop's intervals the spread of the model's residuals on grids it was not fitted on;"
          + " freeze XIII: freeze XII's model, with prefill-attention tiles at head dims"
          + " above 128 a fitted factor slower; freeze XII: freeze XI's model, with CTAs of equal length on FlashAttention-2's"
          + " one-split kernel, a decode among them, falling ceil(CTAs / SMs) to the busiest SM;"
          + " freeze XI: freeze X's model, with a prefill's routed rows spread across the"
          + " experts by a design effect of the sequence length, and a grouped GEMM inside a step"
          + " timed 0.927 x its back-to-back calibration; freeze X: freeze IX's model, with the cooperative grouped-GEMM kernel's"
          + " epilogue a tile added to its MMA-bound time; freeze IX: freeze VIII's model and"
          + " freeze VII: the grouped GEMM's row tiles"
          + " issued in clusters of two with a knee where its weight stream meets the read"
          + " bandwidth, the routed experts' weights read by the expected number of active experts;"
          + " the per-expert loop timed by each expert's own CTAs: split-K with its reduction where"
          + " k >= n, a bounded stream a CTA; and, same forms, the H100's grouped-GEMM,"
          + " per-expert-loop and prefill-attention constants fitted on its own training grids;"
          + " freeze IX: cuBLAS batched GEMMs writing their output at the copy rate, with a launch"
          + " cost of their own and, in a launch of one wave, one tile's K loop as a bound;"
          + " PyTorch's non-vectorised elementwise kernels stream at a rate per SM cycle, capped at"
          + " the copy bandwidth)";

  /**
   * The commit that froze it: 2267c3c (freeze XVII: the H100's interval set takes the post9 and
   * post10 grids, out of sample for every fit; validated by {@code grouped_gemm.py --grid post11},
   * declared at a17c9c6 and measured after it), on c0ced6d (freeze XVI: the grouped-GEMM and
   * per-expert-loop intervals from a split-conformal calibration set, the H100's post3, post4 and
   * post6 to post8 grids and the H200's post4 and post5, no parameter chosen; validated by {@code
   * grouped_gemm.py --grid post10}, declared at a9e1cb9 and measured after it), on 0f9092e (freeze
   * XIII: the wide-head factor fitted on the training grids' MLA rows, the form chosen on the
   * training rows' residuals alone; validated by {@code prefill_attention.py --grid post5},
   * declared at 1ac8323 and measured after it), on f78bdcc (freeze XII: a form with no fitted
   * constant, chosen on the seen decode kernel tables of H100 validation3, 4 and 6 to 9 and H200
   * validation, validation4 and validation5; validated by {@code step_profile.py --set
   * validation10}, declared at 6a4a9b5 and measured after it), on cb04d1e (freeze XI: prefill
   * routing dispersion, rho fitted on the training steps' expert counts; the in-step grouped-GEMM
   * factor fitted on the training steps' kernel times; the form chosen on the seen H100 step files
   * validation4/6/7 and on the routed counts of validation8, seen since; validated by {@code
   * step_profile.py --set validation9}, declared at 655a7fe and measured on an H100 on 2026-12-07
   * 12:18 UTC), on 21fcd01 (freeze X: the cooperative grouped-GEMM kernel's epilogue a tile, fitted
   * on the training rows alone; the form chosen on the H100's post6 to post8 residuals, seen
   * since), on freeze IX (65b318b: the merge of mla9, cuBLAS batched GEMMs bounded by one tile's K
   * loop, and prefill9, eager elementwise kernels at a rate per SM cycle, both on freeze VIII's
   * H100 constants), validated on an H100 on 2026-12-07 06:34-06:37 UTC. Freeze X's validation,
   * declared before any measurement (c36755d): {@code grouped_gemm.py --grid post9} and {@code
   * step_profile.py --set validation8}; the prefill-attention and batched-GEMM models did not
   * change, and their files of freeze IX's run still validate them.
   */
  static final String FROZEN_AT = "9adcd32";

  /**
   * The files that validate {@link #MODEL}, relative to {@code kernels/cuda/results}: freeze IX's
   * run on an NVIDIA H100 80GB HBM3 (2026-12-07 06:34-06:37 UTC, {@code h100-sxm/post10-env.txt}
   * has the scripts' sha256, {@code post10.log} the log): prefill attention ({@code
   * prefill_attention.py --grid post4}) and batched GEMMs ({@code batched_gemm.py --set
   * validation3}), whose models freeze X left as they were (freeze XII changed the prefill model's
   * form for CTAs of equal length only, which no row of post3 or post4 has); and freeze III's
   * prefill attention file (H100), held out from freeze VIII's fit. Freeze X's own grids, measured
   * on an NVIDIA H100 80GB HBM3 on 2026-12-07 07:07-07:09 UTC after the freeze ({@code
   * h100-sxm/post11-env.txt}, {@code post11.log}): {@code grouped_gemm.py --grid post9}, in the
   * interval set since freeze XVII (so seen). Freeze XII's own grid, measured on an NVIDIA H100
   * 80GB HBM3 on 2026-12-07 14:03-14:05 UTC after the freeze ({@code h100-sxm/post13-env.txt},
   * {@code post13.log}): {@code step_profile.py --set validation10}. Freeze XIII's own grid,
   * measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 15:36-15:37 UTC after the freeze ({@code
   * h100-sxm/post14-env.txt}, {@code post14.log}): {@code prefill_attention.py --grid post5}; post3
   * and post4 were measured before freeze XIII, which neither chose, and score it too. Freeze XVI's
   * own grid, measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 16:20 UTC after the freeze ({@code
   * h100-sxm/post15-env.txt}, {@code post15.log}): {@code grouped_gemm.py --grid post10}, in the
   * interval set since freeze XVII, whose own grid was measured on an NVIDIA H100 80GB HBM3 on
   * 2026-12-07 16:37 UTC after the freeze ({@code h100-sxm/post17-env.txt}, {@code post17.log}):
   * {@code grouped_gemm.py --grid post11}. Freezes XVIII's and XIX's own grids, measured on an
   * NVIDIA H100 80GB HBM3 on 2026-12-07 19:10-19:12 UTC after both freezes ({@code
   * h100-sxm/post19-env.txt}, {@code post19.log}): {@code step_profile.py --set validation11} (MoE
   * steps, prefills of 288 to 736 tokens) and {@code --set validation12} (dense and MoE steps). And
   * the split-K decode attention's: 120 decode shapes a GPU in no calibration file, measured with
   * the harness's {@code --decode-grid} on an H100 and an H200 on 2026-11-22 (10:2x UTC, {@code
   * <gpu>/decode-validation-env.txt}, {@code .log}, {@code -grid.txt}) after the split-K model took
   * its present form (d0b4060, 10:10 UTC) and never used to choose it since: it scores 2.3 / 9.4 %
   * (H100) and 3.6 / 11.7 % (H200) median / p90 today, as on the day it was measured ({@code
   * DecodeValidationTest}). And the grids declared at 30d36af before any measurement ({@code
   * kernels/cuda/v20}), measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 22:29-22:30 UTC at
   * commit 6d1b4b9 ({@code h100-sxm/v20-env.txt}, {@code v20.log}) and scored once, with the model
   * as it was: {@code gemm-validation.json} (168 cuBLASLt GEMMs, bf16 and fp8, of 12 weight
   * matrices in no calibration grid) and {@code decode-validation2.json} (54 split-K decode
   * shapes).
   */
  static final List<String> VALIDATION_FILES =
      List.of(
          "h100-sxm/step-profiles-validation11.json",
          "h100-sxm/step-profiles-validation12.json",
          "h100-sxm/grouped-gemm-post11.json",
          "h100-sxm/prefill-attention-post5.json",
          "h100-sxm/prefill-attention-post4.json",
          "h100-sxm/batched-gemm-validation3.json",
          "h100-sxm/prefill-attention-post3.json",
          "h100-sxm/gemm-validation.json",
          "h100-sxm/decode-validation2.json",
          "h100-sxm/decode-validation.json",
          "h200-sxm/decode-validation.json");

  /**
   * The files seen while {@link #MODEL} was built, scored for comparison only: the H100's
   * validation10 steps (freeze XII's validation; their interval coverage made freeze XIX's bounds
   * per form), its validation9 steps (freeze XI's validation; its decode kernel tables chose freeze
   * XII's form), its validation8 steps (measured before freeze XI; their routed counts were read
   * while its dispersion was chosen), the H100's post6, post7 and post8 grouped GEMMs (their
   * residuals chose freeze X's epilogue), its validation7 steps (measured before freeze X and
   * scored with it after its form was chosen: not a validation of it), its validation6 steps
   * (freeze IX chose its elementwise change on their kernel tables), the batched-GEMM files (H200:
   * its validation set chose freeze VII's batched form; H100's validation2: its residuals were read
   * while freeze IX's batched form was chosen on the H200's train set), freeze IV's grouped GEMMs
   * (H100 post4, H200 post4 and post5: their 288-, 352- and 576-token rows chose freeze VI's form),
   * freeze IV's whole steps (H100 and H200: their compiled steps' misses led to freeze V's change),
   * freeze III's H100 validation (it chose freeze IV's form), and freeze II's and freeze I's
   * validation files (H200), whose grouped GEMMs are training rows since. Since freeze XVI the
   * grouped-GEMM files among them (H100 post3, post4, post6 to post8; H200 post4, post5) set the
   * grouped GEMM's and the loop's intervals, so their coverage is about nominal by construction;
   * since freeze XVII the H100's post9 and post10 too (freeze X's and freeze XVI's validation
   * grids).
   */
  static final List<String> SEEN_FILES =
      List.of(
          "h100-sxm/step-profiles-validation10.json",
          "h100-sxm/grouped-gemm-post10.json",
          "h100-sxm/grouped-gemm-post9.json",
          "h100-sxm/step-profiles-validation9.json",
          "h100-sxm/step-profiles-validation8.json",
          "h100-sxm/grouped-gemm-post8.json",
          "h100-sxm/grouped-gemm-post6.json",
          "h100-sxm/grouped-gemm-post7.json",
          "h100-sxm/step-profiles-validation7.json",
          "h100-sxm/step-profiles-validation6.json",
          "h200-sxm/batched-gemm.json",
          "h100-sxm/batched-gemm-validation2.json",
          "h100-sxm/grouped-gemm-post4.json",
          "h200-sxm/grouped-gemm-post4.json",
          "h200-sxm/grouped-gemm-post5.json",
          "h100-sxm/step-profiles-validation4.json",
          "h200-sxm/step-profiles-validation4.json",
          "h200-sxm/step-profiles-validation5.json",
          "h100-sxm/grouped-gemm-post3.json",
          "h100-sxm/step-profiles-validation3.json",
          "h200-sxm/prefill-attention-post2.json",
          "h200-sxm/grouped-gemm-post2.json",
          "h200-sxm/step-profiles-validation.json",
          "h200-sxm/prefill-attention-validation.json",
          "h200-sxm/grouped-gemm-validation.json",
          "h200-sxm/steps-eager-fused-validation.json");

  /** The batched-GEMM scorer's op sets: family and form of the row. */
  private static final Map<String, String[]> BATCHED =
      Map.of(
          "bmm attention", new String[] {"batched GEMM, attention", "cuBLAS torch.bmm"},
          "bmm attn", new String[] {"batched GEMM, MLA absorbed projections", "cuBLAS torch.bmm"},
          "bmm expert", new String[] {"expert weight gradients", "torch.bmm, grouped model"});

  private static final double NOMINAL_COVERAGE_PCT = 90;

  /** The prefill scorer's family keys: family and form of the row. */
  private static final Map<String, String[]> PREFILL =
      Map.of(
          "prefill-flash", new String[] {"prefill attention, SDPA flash", "forward"},
          "prefill-flash-bwd", new String[] {"prefill attention, SDPA flash", "backward"},
          "prefill-cudnn", new String[] {"prefill attention, cuDNN", "forward"},
          "prefill-cudnn-bwd", new String[] {"prefill attention, cuDNN", "backward"});

  /** A line of {@link StepFormsFitTest#score}. */
  private static final Pattern STEP =
      Pattern.compile(
          "(eager|compiled) (dense|moe) (decode|prefill) n=(\\d+) median ([\\d.]+)% p90 ([\\d.]+)%"
              + " worst ([\\d.]+)% coverage (\\d+)%");

  @Test
  void committedFileIsWhatTheModelScores() throws Exception {
    ValidationAccuracy fresh = compute();
    if (UPDATE) {
      Path tmp = FILE.resolveSibling(FILE.getFileName() + ".tmp");
      Files.createDirectories(FILE.getParent());
      Files.writeString(tmp, StrictMapper.indentedJson(fresh), StandardCharsets.UTF_8);
      Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    assertThat(FILE).as("%s (missing: run with -Dhwplan.golden.update=true)", FILE).exists();
    ValidationAccuracy committed;
    try (InputStream in = Files.newInputStream(FILE)) {
      committed = ValidationAccuracy.read(in, FILE.toString());
    }
    String hint = "regenerate with -Dhwplan.golden.update=true if the model changed on purpose";
    assertThat(committed.source()).as(hint).isEqualTo(fresh.source());
    assertThat(printed(committed)).as(hint).containsExactlyElementsOf(printed(fresh));
  }

  /** The resource the product reads is the committed file, and it has validation rows. */
  @Test
  void bundledCopyReadsAndHasValidationRows() throws Exception {
    ValidationAccuracy b = ValidationAccuracy.bundled();
    assertThat(b.validationRows()).isNotEmpty();
    assertThat(b.files(ValidationAccuracy.VALIDATION)).isNotEmpty();
    assertThat(b.validationRows())
        .allSatisfy(r -> assertThat(r.nominalCoveragePct()).isEqualTo(90));
  }

  /** Each row as the report prints it, figures at 0.1 point. */
  private static List<String> printed(ValidationAccuracy v) {
    return v.rows().stream()
        .map(
            r ->
                String.format(
                    Locale.ROOT,
                    "%s %s %s | %s | %s | %s n=%d median %.1f p90 %.1f worst %.1f inside %d of %.0f%%",
                    r.gpu(),
                    r.file(),
                    r.status(),
                    r.family(),
                    r.form(),
                    r.kind(),
                    r.n(),
                    r.medianPct(),
                    r.p90Pct(),
                    r.worstPct(),
                    r.inside(),
                    r.nominalCoveragePct()))
        .toList();
  }

  static ValidationAccuracy compute() throws Exception {
    List<ValidationAccuracy.MeasuredFile> files = new ArrayList<>();
    List<ValidationAccuracy.Row> rows = new ArrayList<>();
    List<String> declared = new ArrayList<>(VALIDATION_FILES);
    declared.addAll(SEEN_FILES);
    assertThat(declared)
        .as("a file is listed once, as validation or as seen")
        .doesNotHaveDuplicates();
    for (String file : declared) {
      String path = "kernels/cuda/results/" + file;
      String status =
          VALIDATION_FILES.contains(file) ? ValidationAccuracy.VALIDATION : ValidationAccuracy.SEEN;
      // the harness's files repeat keys inside its split-K tuning tables, which strict reading
      // refuses; the rows scored are read alike
      JsonNode doc =
          file.contains("decode-validation") || file.endsWith("gemm-validation.json")
              ? FidelityScores.read("../" + file)
              : StrictMapper.readJsonTree(RESULTS.resolve(file));
      String gpu = FidelityScores.gpuOf(doc).id();
      String scripts = doc.path("provenance").path("gitCommit").asText();
      files.add(
          new ValidationAccuracy.MeasuredFile(
              path,
              status,
              gpu,
              doc.path("device").path("name").asText(),
              doc.path("date").asText(),
              scripts.substring(0, Math.min(7, scripts.length()))));
      Scored row =
          (family, form, kind, n, median, p90, worst, inside) ->
              rows.add(
                  new ValidationAccuracy.Row(
                      gpu,
                      path,
                      status,
                      family,
                      form,
                      kind,
                      n,
                      round(median),
                      round(p90),
                      round(worst),
                      inside,
                      NOMINAL_COVERAGE_PCT));
      String relative = "../" + file; // FidelityScores reads relative to the H200's results
      String tool = doc.path("tool").asText();
      switch (tool) {
        case "hwplan-prefill-attention" -> {
          for (FidelityScores.Score s : FidelityScores.prefill(relative)) {
            String[] ff = PREFILL.get(s.family());
            assertThat(ff).as("prefill family %s", s.family()).isNotNull();
            op(row, ff[0], ff[1], s);
          }
        }
        case "hwplan-grouped-gemm" -> {
          List<FidelityScores.Score> s =
              FidelityScores.grouped(relative, status.equals(ValidationAccuracy.VALIDATION));
          op(row, "grouped GEMM", "torch._grouped_mm", s.get(0));
          op(row, "per-expert loop", "cuBLAS, one GEMM an expert", s.get(1));
        }
        case "hwplan-step-profile", "hwplan-step-forms" -> steps(row, RESULTS.resolve(file));
        case "hwplan-batched-gemm" -> {
          // every set but the train set, which chose the form (validation, seen since freeze VII;
          // validation2)
          String set =
              file.endsWith("validation3.json")
                  ? "validation3"
                  : file.endsWith("validation2.json") ? "validation2" : "validation";
          for (FidelityScores.Score s : FidelityScores.batched(relative, set)) {
            String[] ff = BATCHED.get(s.family());
            if (ff != null) {
              op(row, ff[0], ff[1], s);
            }
          }
        }
        case "hwplan-cuda-harness" -> {
          if (doc.path("gemm").size() > 0) {
            List<FidelityScores.Score> g = FidelityScores.gemm(relative);
            op(row, "GEMM, bf16", "cuBLASLt", g.get(0));
            op(row, "GEMM, fp8", "cuBLASLt, fast accumulation", g.get(1));
          } else {
            op(
                row,
                "decode attention",
                "split-K (hwplan's CUDA kernel)",
                FidelityScores.decode(relative));
          }
        }
        default -> throw new AssertionError(path + ": no scorer for tool " + tool);
      }
    }
    return new ValidationAccuracy(
        new ValidationAccuracy.Source(
            MODEL,
            FROZEN_AT,
            "the product's calibrated mode for each file's GPU (Calibrations.model(gpu,"
                + " CALIBRATED)); errors |predicted / measured - 1|; the prediction interval is the"
                + " 5th to 95th percentile of the training residuals (an op's; the grouped GEMM's"
                + " and the per-expert loop's: of the residuals on the interval grids, which no fit"
                + " sees; the GEMM's on the H100, and the batched GEMMs' with it: of its residuals"
                + " on the sweep off the powers of two; a step's is the sum of its ops' intervals),"
                + " nominal 90%",
            "simulator test dev.hwplan.perf.calibration.ValidationAccuracyFileTest; rewritten with"
                + " -Dhwplan.golden.update=true",
            files),
        rows);
  }

  @FunctionalInterface
  private interface Scored {
    void add(
        String family,
        String form,
        String kind,
        int n,
        double median,
        double p90,
        double worst,
        int inside);
  }

  private static void op(Scored row, String family, String form, FidelityScores.Score s) {
    row.add(
        family,
        form,
        "op",
        s.n(),
        100 * s.median(),
        100 * s.p90(),
        100 * s.worst(),
        (int) Math.round(s.coverage() * s.n()));
  }

  /** Step groups, eager before compiled within each of dense/MoE decode/prefill. */
  private static void steps(Scored row, Path file) throws Exception {
    List<Matcher> groups = new ArrayList<>();
    for (String g : StepFormsFitTest.score(file, false)) {
      Matcher m = STEP.matcher(g);
      assertThat(m.matches()).as(g).isTrue();
      groups.add(m);
    }
    groups.sort(
        java.util.Comparator.comparing((Matcher m) -> m.group(2) + " " + m.group(3))
            .thenComparing(m -> m.group(1).equals("eager") ? 0 : 1));
    for (Matcher m : groups) {
      int n = Integer.parseInt(m.group(4));
      double coveragePct = Double.parseDouble(m.group(8));
      // the scorer prints coverage to 1 point; the count it stands for is unique while n < 100
      assertThat(n).isLessThan(100);
      int inside = (int) Math.round(coveragePct * n / 100);
      assertThat(Math.abs(100.0 * inside / n - coveragePct)).isLessThanOrEqualTo(0.5);
      row.add(
          (m.group(2).equals("moe") ? "MoE " : "dense ") + m.group(3) + " step",
          m.group(1),
          "step",
          n,
          Double.parseDouble(m.group(5)),
          Double.parseDouble(m.group(6)),
          Double.parseDouble(m.group(7)),
          inside);
    }
  }

  /** {@code pct} as printed to 0.1 point (the figures of the other scorers' printouts). */
  private static double round(double pct) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.1f", pct));
  }
}
