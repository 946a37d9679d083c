package dev.hwplan.perf.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's validation files, scored with the product's calibrations. Freeze IV (the grouped
 * GEMM's streaming rate per SM cycle, frozen at f3edeff and landed unchanged) was validated by
 * files measured after it and never used to choose it: {@code grouped-gemm-post4.json} and {@code
 * step-profiles-validation4.json} on an H100, post4/post5 and validation4/5 on the H200
 * (bench/perf/RESULTS.md names the runs and keeps freeze IV's figures). Freeze VI (the grouped
 * GEMM's row tiles issued in clusters of two, a knee at the read bandwidth) chose its form on all
 * of them, so they are pinned as seen. Freeze VII (freeze VI, the per-expert loop timed by each
 * expert's own CTAs and cuBLAS batched GEMMs writing at the copy rate) is validated by the post6
 * and post7 grids, validation6's steps and the batched validation2 set, measured on an H100 after
 * it ({@link #h100FreezeSevenValidation}). Prefill attention's form has not changed since freeze
 * III (159bf36); {@code prefill-attention-post3.json} validated it with the H200's constants.
 * Freeze VIII (709db35) gave the H100 its own grouped-GEMM, loop and prefill constants, fitted on
 * its training grids after these H100 files were measured and without looking at them: they are
 * still held out from that fit, but freeze VIII's validation is the grids declared at 1417bbe.
 * Freeze IX (47c9be9) bounded cuBLAS batched GEMMs of one wave by one tile's K loop; the H100's
 * batched validation2 file was looked at while it was built and is seen since (its validation is
 * {@code batched_gemm.py --set validation3}, declared at 4d0273a). Printed per family and per
 * execution form: median, p90 and worst |error| and the share of measurements inside the prediction
 * interval (nominal 90%); each fails if it gets worse than the reported figures (a small margin
 * above each). No shape of the prefill and grouped files is among the training rows ({@link
 * FidelityScores} refuses them). Files that chose a later model's form are printed (and pinned) as
 * seen.
 */
class FidelityValidationTest {
  /** The H100 validation files (the device lent an H100), relative to the H200 results. */
  static final String H100 = "../h100-sxm/";

  private static final Pattern GROUP =
      Pattern.compile("(.+) n=(\\d+) median ([\\d.]+)% p90 ([\\d.]+)% worst ([\\d.]+)%.*");

  /** Fails when a step group's median or worst |error| exceeds the reported figure by 0.5 point. */
  static void stepsNoWorse(List<String> groups, Map<String, double[]> reported) {
    assertThat(groups).hasSize(reported.size());
    for (String g : groups) {
      Matcher m = GROUP.matcher(g);
      assertThat(m.matches()).as(g).isTrue();
      double[] r = reported.get(m.group(1));
      assertThat(r).as(m.group(1)).isNotNull();
      assertThat(Double.parseDouble(m.group(3))).as(g).isLessThan(r[0] + 0.5);
      assertThat(Double.parseDouble(m.group(5))).as(g).isLessThan(r[1] + 0.5);
    }
  }

  /**
   * Fails when the steps inside their intervals fall below {@code inside} of {@code n} over all the
   * groups together.
   */
  static void stepsCovered(List<String> groups, int n, int inside) {
    int total = 0;
    int in = 0;
    for (String g : groups) {
      Matcher m = COVERAGE.matcher(g);
      assertThat(m.matches()).as(g).isTrue();
      int k = Integer.parseInt(m.group(1));
      total += k;
      in += (int) Math.round(k * Double.parseDouble(m.group(2)) / 100);
    }
    assertThat(total).isEqualTo(n);
    assertThat(in).isGreaterThanOrEqualTo(inside);
  }

  private static final Pattern COVERAGE = Pattern.compile(".+ n=(\\d+) .* coverage ([\\d.]+)%");

  /**
   * Fails when a batched-GEMM family's median or p90 |error| exceeds the reported fraction by
   * 0.005; every reported family must be scored.
   */
  static void batchedNoWorse(List<FidelityScores.Score> v, Map<String, double[]> reported) {
    for (FidelityScores.Score s : v) {
      double[] r = reported.get(s.family());
      if (r != null) {
        assertThat(s.median()).as(s.family()).isLessThan(r[0] + 0.005);
        assertThat(s.p90()).as(s.family()).isLessThan(r[1] + 0.005);
      }
    }
    assertThat(v.stream().filter(s -> reported.containsKey(s.family()))).hasSize(reported.size());
  }

  /**
   * The grouped GEMM's and the loop's scores ({@code s.get(0)}, {@code s.get(1)}) are no worse than
   * {@code limits[j]} = {median, p90}, with a half-point margin.
   */
  static void groupedNoWorse(List<FidelityScores.Score> s, double[][] limits) {
    for (int j = 0; j < 2; j++) {
      assertThat(s.get(j).median()).as(s.get(j).family()).isLessThan(limits[j][0] + 0.005);
      assertThat(s.get(j).p90()).as(s.get(j).family()).isLessThan(limits[j][1] + 0.005);
    }
  }

  /** {@link #groupedNoWorse(List, double[][])}, and each interval covers more than its floor. */
  static void groupedNoWorse(
      List<FidelityScores.Score> s,
      double[][] limits,
      double groupedCoverage,
      double loopCoverage) {
    groupedNoWorse(s, limits);
    assertThat(s.get(0).coverage()).as(s.get(0).family()).isGreaterThan(groupedCoverage);
    assertThat(s.get(1).coverage()).as(s.get(1).family()).isGreaterThan(loopCoverage);
  }

  static void prefillNoWorse(List<FidelityScores.Score> s, int n, double[][] limits) {
    assertThat(s).hasSize(4);
    assertThat(s).allSatisfy(x -> assertThat(x.n()).isEqualTo(n));
    for (int i = 0; i < 4; i++) {
      assertThat(s.get(i).median()).as(s.get(i).family()).isLessThan(limits[i][0]);
      assertThat(s.get(i).p90()).as(s.get(i).family()).isLessThan(limits[i][1]);
    }
  }

  // H100 (NVIDIA H100 80GB HBM3, 2026-12-06 05:47-05:49 UTC; its calibration: GEMM and decode
  // attention from its own measurements, prefill attention and grouped GEMM transferred from the
  // H200's fits through its profile, as the product does). The grouped-GEMM and step files were
  // validation of freeze III (grouped 24.9 / 35.5 %, MoE decode steps 25.1 / 28.7 % median, both
  // predicted slow: a share of the H100's HBM where the kernel is bound on the SMs' side); session
  // 13 chose freeze IV's per-SM streaming rate on them, so they are seen since, and pinned here as
  // the fit's quality on them (freeze IV's validation is a later file). Prefill attention's model
  // did not change: its file still validates freeze III's.

  /**
   * Freeze VII's validation (4e545f1: freeze VI's grouped GEMM, freeze VII's per-expert loop and
   * cuBLAS batched GEMMs, freeze V's compiled form), measured on an NVIDIA H100 80GB HBM3 on
   * 2026-12-07 04:25-04:27 UTC after the freeze, every grid declared before the run and none looked
   * at before these figures were first printed: {@code grouped-gemm-post6.json} (84 configurations:
   * Qwen3-235B-A22B, Qwen3-Coder-480B-A35B, Qwen3-Next-80B-A3B and GLM-4.5 experts), {@code
   * grouped-gemm-post7.json} (98: DeepSeek-V2-Lite, DeepSeek-V3, Mixtral-8x7B and Qwen3-30B-A3B
   * matrices), {@code step-profiles-validation6.json} (19 steps) and {@code
   * batched-gemm-validation2.json} (35 torch.bmm rows). At that first scoring the grouped, batched
   * and prefill fits were the H200's, carried to the H100 through its profile. Since freeze VIII
   * (709db35) the H100's grouped-GEMM, per-expert-loop and prefill-attention constants are its own,
   * fitted on its training grids (same forms): these files are now scored by a model fitted after
   * they were measured but not chosen on them (they were neither opened nor scored while it was
   * fitted), so they remain held out from the fit; freeze VIII's validation is the grids declared
   * at 1417bbe (post8, prefill post4, validation7). Pinned at freeze VIII's scoring (freeze VII's
   * first scoring in the comments), a small margin above each: the test fails if the model gets
   * worse on them. The steps of {@code step-profiles-validation6.json} are seen since freeze IX
   * (b63be5f: its kernel tables chose the strided elementwise rate per SM cycle) and the batched
   * file since freeze IX too (47c9be9), both pinned at freeze IX's scoring; the grouped files are
   * not affected by freeze IX.
   */
  @Test
  void h100FreezeSevenValidation() throws Exception {
    // grouped (median, p90), loop (median, p90), freeze VIII: post6 3.9 / 16.0 and 6.4 / 20.8 %,
    // post7 3.0 / 9.0 and 4.8 / 11.1 % (freeze VII: post6 5.1 / 14.3 and 6.3 / 19.7 %, post7 3.9 /
    // 8.1 and 8.7 / 19.0 %). Seen since freeze X (their residuals chose the cooperative kernel's
    // epilogue a tile): grouped post6 3.1 / 10.7 %, post7 2.9 / 8.6 %, the loop unchanged
    double[][][] grouped = {{{0.031, 0.107}, {0.064, 0.208}}, {{0.029, 0.086}, {0.048, 0.111}}};
    String[] files = {"grouped-gemm-post6.json", "grouped-gemm-post7.json"};
    int[] n = {84, 98};
    for (int i = 0; i < 2; i++) {
      List<FidelityScores.Score> s = FidelityScores.grouped(H100 + files[i], true);
      String f = files[i];
      s.forEach(x -> System.out.println("seen h100 " + f + " " + x));
      assertThat(s.get(0).n()).as(f).isEqualTo(n[i]);
      groupedNoWorse(s, grouped[i]);
    }
    List<String> groups =
        scoredSteps("seen h100 validation6 step", H100 + "step-profiles-validation6.json");
    // freeze VIII (freeze VII): MoE decode compiled 1.6 / 5.6 (4.3 / 9.4), eager 2.7 / 5.9 (4.1 /
    // 10.5); MoE prefill compiled 10.6 / 12.0 (7.3 / 8.8), eager 12.8 / 14.4 (10.3 / 11.5); eager
    // dense decode 3.3 / 5.0 (3.3 / 5.1); the other groups unchanged. Seen since freeze IX (its
    // kernel tables chose the strided elementwise rate per SM cycle), pinned at freeze IX: eager
    // dense prefill 6.4 / 9.0 -> 1.5 / 4.4, eager MoE prefill 12.8 / 14.4 -> 6.9 / 9.9, eager dense
    // decode 3.3 / 5.0 -> 4.2 / 5.3 (the small-kernel latency refits), compiled dense prefill 3.5 /
    // 5.7 -> 3.7 / 5.9, compiled dense decode 3.8 / 6.1 -> 3.9 / 6.0, MoE decode compiled 1.6 / 5.6
    // -> 1.5 / 5.4, eager 2.7 / 5.9 -> 2.9 / 5.7, compiled MoE prefill 10.6 / 12.0 -> 10.6 / 11.9
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {3.9, 6.0},
            "compiled dense prefill", new double[] {3.7, 5.9},
            // freeze X (the cooperative kernel's epilogue a tile): MoE prefill compiled 10.6 / 11.9
            // -> 7.9 / 9.3, eager 6.9 / 9.9 -> 4.8 / 7.6; MoE decode 1.5 / 5.4 -> 1.6 / 5.3
            "compiled moe decode", new double[] {1.6, 5.3},
            "compiled moe prefill", new double[] {7.9, 9.3},
            "eager dense decode", new double[] {4.2, 5.3},
            "eager dense prefill", new double[] {1.5, 4.4},
            "eager moe decode", new double[] {2.9, 5.7},
            "eager moe prefill", new double[] {4.8, 7.6}));
    // The batched file is SEEN since freeze IX (47c9be9): its residuals were read while freeze
    // IX's batched form (one tile's K loop bounding a launch of one wave) was chosen on the H200's
    // train set; freeze IX's validation is batched_gemm.py --set validation3 (4d0273a).
    List<FidelityScores.Score> v =
        FidelityScores.batched(H100 + "batched-gemm-validation2.json", "validation2");
    v.forEach(x -> System.out.println("seen h100 batched " + x));
    // freeze IX (freeze VIII): attention 1.8 / 5.1 (1.7 / 5.1) %, MLA absorbed 5.5 / 10.5 (9.8 /
    // 13.7) %, expert weight gradients 8.0 / 10.9 % (freeze VII 4.6 / 12.5 %: its grouped model is
    // the H100's own since freeze VIII); freeze X: expert weight gradients (5 rows of torch.bmm
    // timed by the grouped model, its cooperative tiles now with an epilogue each) 10.8 / 14.9 %
    batchedNoWorse(
        v,
        Map.of(
            "bmm attention", new double[] {0.018, 0.051},
            "bmm attn", new double[] {0.055, 0.105},
            "bmm expert", new double[] {0.108, 0.149}));
  }

  /**
   * Freeze XVII's validation (2267c3c: the H100's interval set takes post9 and post10), measured on
   * an NVIDIA H100 80GB HBM3 on 2026-12-07 16:37 UTC after the freeze, the grid declared before it
   * (a17c9c6) and not looked at before these figures were first printed ({@code
   * h100-sxm/post17-env.txt}, {@code post17.log}): {@code grouped-gemm-post11.json} (105
   * configurations of six matrices from Jamba-1.5-Large, Snowflake Arctic, Hunyuan-Large, OLMoE,
   * ERNIE-4.5-300B and Granite-3.0-1B; 7, 50 and 136 experts; 25 to 800 tokens an expert). The
   * point model is freeze XI's, never fitted or chosen on it: grouped 4.9 / 10.1 %, loop 5.5 / 13.8
   * % (median / p90). Coverage of the 90 % intervals: freeze XVI's 85 % and 77 %, freeze XVII's 90
   * % and 80 %. Pinned at the first scoring, a small margin around each.
   */
  @Test
  void h100FreezeSeventeenValidation() throws Exception {
    List<FidelityScores.Score> g = FidelityScores.grouped(H100 + "grouped-gemm-post11.json");
    g.forEach(x -> System.out.println("validation h100 grouped-gemm-post11.json " + x));
    assertThat(g.get(0).n()).isEqualTo(105);
    // coverage of the 90 % intervals: 90 % and 80 %
    groupedNoWorse(g, new double[][] {{0.049, 0.101}, {0.055, 0.138}}, 0.89, 0.79);
  }

  /**
   * Freeze XVI's validation (c0ced6d: the grouped GEMM's and the per-expert loop's intervals from
   * the model's residuals on grids it was not fitted on), measured on an NVIDIA H100 80GB HBM3 on
   * 2026-12-07 16:20 UTC after the freeze, the grid declared before the freeze (a9e1cb9) and not
   * looked at before these figures were first printed ({@code h100-sxm/post15-env.txt}, {@code
   * post15.log}): {@code grouped-gemm-post10.json} (126 configurations of six matrices from
   * MiniMax-Text-01, DBRX, Hunyuan-A13B, GLM-4.5-Air and Qwen3-Next-80B-A3B). The point model is
   * freeze XI's, never fitted or chosen on this file: grouped 4.5 / 15.3 %, loop 3.7 / 14.0 %
   * (median / p90). Coverage of the 90 % intervals: freeze XIII's (training residuals) 68 % and 69
   * %, freeze XVI's 74 % and 90 %. Pinned at the first scoring, a small margin around each. In the
   * H100's interval set since freeze XVII (its coverage then 79 % and 92 %).
   */
  @Test
  void h100FreezeSixteenValidation() throws Exception {
    List<FidelityScores.Score> g = FidelityScores.grouped(H100 + "grouped-gemm-post10.json");
    g.forEach(x -> System.out.println("seen h100 grouped-gemm-post10.json " + x));
    assertThat(g.get(0).n()).isEqualTo(126);
    assertThat(g.get(1).n()).isEqualTo(126);
    // coverage of the 90 % intervals: 74 % and 90 %
    groupedNoWorse(g, new double[][] {{0.045, 0.153}, {0.037, 0.140}}, 0.73, 0.89);
  }

  /**
   * Freeze XIII's validation (0f9092e: prefill-attention tiles at query/key head dims above 128 run
   * a fitted factor slower), measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 15:36-15:37 UTC
   * after the freeze, the grid declared before the run (1ac8323) and not looked at before these
   * figures were first printed ({@code h100-sxm/post14-env.txt}, {@code post14.log}): {@code
   * prefill-attention-post5.json} (52 shapes, 8 of them MLA at head dim 192; flash and cuDNN,
   * forward and backward). Freeze XII on the same file, for comparison (median / p90): flash fwd
   * 4.7 / 9.8, bwd 4.0 / 11.7, cuDNN fwd 3.1 / 9.0, bwd 5.4 / 9.2 %; on the 8 MLA shapes alone
   * (median / worst of the 8 rows) flash bwd 11.5 / 15.7 -> 4.7 / 8.3 %, flash fwd 3.1 / 7.7 -> 2.0
   * / 3.7 %, cuDNN fwd 5.9 / 11.3 -> 5.3 / 12.5 %, cuDNN bwd 8.0 / 15.2 -> 8.5 / 13.0 % (freeze XII
   * fast on all 32, freeze XIII slow on 25). Pinned at the first scoring, a small margin above.
   */
  @Test
  void h100FreezeThirteenValidation() throws Exception {
    List<FidelityScores.Score> p = FidelityScores.prefill(H100 + "prefill-attention-post5.json");
    p.forEach(x -> System.out.println("validation h100 prefill post5 " + x));
    // flash fwd 4.4 / 9.5, bwd 3.6 / 9.1, cuDNN fwd 2.4 / 7.1, bwd 5.1 / 9.2 %
    prefillNoWorse(
        p, 52, new double[][] {{0.049, 0.100}, {0.041, 0.096}, {0.029, 0.076}, {0.056, 0.097}});
  }

  /**
   * Freezes XVIII and XIX's validation (XVIII, cb6ad89: in the small-tile grouped kernel each
   * cluster of an expert reads the expert's weights; XIX, 9663833: a step's interval is the
   * split-conformal spread of whole steps measured on the GPU, by form and kind of step), measured
   * on an NVIDIA H100 80GB HBM3 on 2026-12-07 19:10-19:12 UTC after both freezes, the grids
   * declared before the run (6b0d691, 44559e2) and not looked at before these figures were first
   * printed ({@code h100-sxm/post19-env.txt}, {@code post19.log}): {@code
   * step-profiles-validation11.json} (14 Mixtral steps, 10 of them prefills of 288 to 736 tokens
   * around the 128-row kernel switch) and {@code step-profiles-validation12.json} (21 dense and MoE
   * steps). Freeze XVII on validation11, for comparison: MoE prefill compiled 12.8 / 24.2 %, eager
   * 11.8 / 22.6 % (median / worst), its intervals holding 3 and 4 of the 10 prefills and 15 of the
   * 28 steps; decodes as here. On validation12 freeze XVII scores every group as here, with every
   * step inside its (wider) interval. The prefills of 288 and 352 tokens (72 and 88 rows an expert)
   * are 8 to 9 % fast under both. Pinned at the first scoring, a small margin above.
   */
  @Test
  void h100FreezeNineteenValidation() throws Exception {
    List<String> eleven =
        scoredSteps("validation h100 validation11 step", H100 + "step-profiles-validation11.json");
    stepsNoWorse(
        eleven,
        Map.of(
            "compiled moe decode", new double[] {1.9, 2.3},
            "compiled moe prefill", new double[] {2.9, 9.3},
            "eager moe decode", new double[] {1.8, 2.5},
            "eager moe prefill", new double[] {1.6, 8.0}));
    stepsCovered(eleven, 28, 25);
    List<String> twelve =
        scoredSteps("validation h100 validation12 step", H100 + "step-profiles-validation12.json");
    stepsNoWorse(
        twelve,
        Map.of(
            "compiled dense decode", new double[] {2.3, 4.0},
            "compiled dense prefill", new double[] {2.5, 3.2},
            "compiled moe decode", new double[] {1.4, 2.5},
            "compiled moe prefill", new double[] {1.5, 2.3},
            "eager dense decode", new double[] {1.7, 3.2},
            "eager dense prefill", new double[] {1.6, 1.7},
            "eager moe decode", new double[] {2.0, 4.0},
            "eager moe prefill", new double[] {1.2, 2.9}));
    stepsCovered(twelve, 42, 41);
  }

  /**
   * Freeze XII's validation (f78bdcc: CTAs of equal length on FlashAttention-2's one-split kernel,
   * a decode among them, fall ceil(CTAs / SMs) to the busiest SM), measured on an NVIDIA H100 80GB
   * HBM3 on 2026-12-07 14:03-14:05 UTC after the freeze, the grid declared before the run (6a4a9b5)
   * and not looked at before these figures were first printed ({@code h100-sxm/post13-env.txt},
   * {@code post13.log}): {@code step-profiles-validation10.json} (21 steps; decode batches 11 to
   * 170, most a few CTAs past a multiple of the 132 SMs). Freeze XI on the same file, for
   * comparison (median / worst): dense decode compiled 3.8 / 9.0 %, eager 3.6 / 8.7 %; MoE decode
   * compiled 3.0 / 4.3 %, eager 3.6 / 5.7 %; prefills within 0.1 point of here (MoE prefill
   * compiled 2.0 / 4.0 %, eager 1.1 / 2.4 %). Pinned at the first scoring, a small margin above.
   */
  @Test
  void h100FreezeTwelveValidation() throws Exception {
    List<String> groups =
        scoredSteps("seen h100 validation10 step", H100 + "step-profiles-validation10.json");
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {2.4, 4.5},
            "compiled dense prefill", new double[] {3.5, 5.3},
            "compiled moe decode", new double[] {1.2, 2.8},
            "compiled moe prefill", new double[] {2.0, 4.1},
            "eager dense decode", new double[] {1.6, 2.6},
            "eager dense prefill", new double[] {1.4, 2.0},
            "eager moe decode", new double[] {2.6, 5.6},
            "eager moe prefill", new double[] {1.2, 2.5}));
  }

  /**
   * Freeze XI's validation (cb04d1e: a prefill's routed rows spread across the experts by a design
   * effect of the sequence length; a compute-bound grouped GEMM inside a step timed 0.927 x its
   * back-to-back calibration), measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 12:18-12:19 UTC
   * after the freeze, the grid declared before the run (655a7fe) and not looked at before these
   * figures were first printed ({@code h100-sxm/post12-env.txt}, {@code post12.log}): {@code
   * step-profiles-validation9.json} (22 steps, six of them MoE prefills). Freeze X on the same
   * file, for comparison: MoE prefill compiled 3.4 / 10.4 %, eager 4.5 / 7.6 % (median / worst);
   * every other group as here (freeze XI moves only MoE prefill steps). The dense decode step of
   * batch 35 at 2,048 tokens is 13.1 % (eager) and 13.6 % (compiled) fast under both freezes: a
   * miss of the target's 12 % worst. Seen since freeze XII, whose form its decode kernel tables
   * chose: dense decode compiled 1.7 / 13.6 -> 1.0 / 1.8 %, eager 2.4 / 13.1 -> 1.5 / 3.6 %; MoE
   * decode compiled 2.7 / 3.8 -> 2.5 / 3.8 %, eager 2.3 / 3.7 -> 2.1 / 3.7 %. Pinned at the first
   * scoring, a small margin above, then at freeze XII's scoring where that is lower.
   */
  @Test
  void h100FreezeElevenValidation() throws Exception {
    List<String> groups =
        scoredSteps("seen h100 validation9 step", H100 + "step-profiles-validation9.json");
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {1.0, 1.8},
            "compiled dense prefill", new double[] {4.1, 5.9},
            "compiled moe decode", new double[] {2.5, 3.8},
            "compiled moe prefill", new double[] {4.1, 7.8},
            "eager dense decode", new double[] {1.5, 3.6},
            "eager dense prefill", new double[] {2.3, 4.3},
            "eager moe decode", new double[] {2.1, 3.7},
            "eager moe prefill", new double[] {3.4, 5.9}));
  }

  /**
   * Freeze X's validation (21fcd01: the cooperative grouped-GEMM kernel's epilogue a tile),
   * measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 07:07-07:09 UTC after the freeze, both grids
   * declared before the run (c36755d) and neither looked at before these figures were first printed
   * ({@code h100-sxm/post11-env.txt} has the scripts' sha256, {@code post11.log} the log): {@code
   * grouped-gemm-post9.json} (105 configurations: DeepSeek-V3 and DeepSeek-V2 down and gate/up and
   * DeepSeek-V2-Lite down, two-way tensor-parallel shards, 5/22/100 experts, 19 to 720 tokens an
   * expert) and {@code step-profiles-validation8.json} (20 steps). Freeze IX on the same files, for
   * comparison: grouped 6.4 / 17.0 %, loop 7.3 / 18.8 %; MoE prefill compiled 9.3 / 10.5 %, eager
   * 6.8 / 9.0 % (median / worst). Pinned at the first scoring, a small margin above each. The
   * grouped-GEMM file is in the H100's interval set since freeze XVII, so seen.
   */
  @Test
  void h100FreezeTenValidation() throws Exception {
    List<FidelityScores.Score> g = FidelityScores.grouped(H100 + "grouped-gemm-post9.json", true);
    g.forEach(x -> System.out.println("seen h100 grouped-gemm-post9.json " + x));
    assertThat(g.get(0).n()).isEqualTo(105);
    // grouped 5.0 / 14.0 %, per-expert loop 7.3 / 18.8 % (median / p90)
    groupedNoWorse(g, new double[][] {{0.050, 0.140}, {0.073, 0.188}});
    List<String> groups =
        scoredSteps("seen h100 validation8 step", H100 + "step-profiles-validation8.json");
    // freeze X, its validation: MoE prefill compiled 6.9 / 7.9, eager 4.7 / 6.9 (median / worst);
    // seen since freeze XI (its routed counts were read while the dispersion was chosen): 1.2 / 2.4
    // and 0.7 / 2.2
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {1.8, 4.2},
            "compiled dense prefill", new double[] {2.2, 3.7},
            "compiled moe decode", new double[] {2.5, 3.2},
            "compiled moe prefill", new double[] {1.2, 2.4},
            "eager dense decode", new double[] {2.2, 4.7},
            "eager dense prefill", new double[] {1.4, 3.0},
            "eager moe decode", new double[] {2.2, 4.5},
            "eager moe prefill", new double[] {0.7, 2.2}));
  }

  /**
   * Freeze IX's validation (65b318b: freeze VIII's H100 grouped-GEMM, per-expert-loop and
   * prefill-attention constants; freeze IX's one-wave K loop for batched GEMMs and elementwise rate
   * per SM cycle), measured on an NVIDIA H100 80GB HBM3 on 2026-12-07 06:34-06:37 UTC after the
   * freeze, every grid declared before the run (1417bbe, 4d0273a) and none looked at before these
   * figures were first printed ({@code h100-sxm/post10-env.txt} has the scripts' sha256, {@code
   * post10.log} the log): {@code grouped-gemm-post8.json} (105 configurations), {@code
   * prefill-attention-post4.json} (48 shapes, flash and cuDNN, forward and backward), {@code
   * step-profiles-validation7.json} (19 steps) and {@code batched-gemm-validation3.json} (12
   * attention and 16 MLA absorbed-projection rows). Pinned at that first scoring, a small margin
   * above each: the test fails if the model gets worse on them.
   */
  @Test
  void h100FreezeNineValidation() throws Exception {
    List<FidelityScores.Score> g = FidelityScores.grouped(H100 + "grouped-gemm-post8.json", true);
    g.forEach(x -> System.out.println("seen h100 grouped-gemm-post8.json " + x));
    assertThat(g.get(0).n()).isEqualTo(105);
    // freeze IX, its validation: grouped 5.7 / 9.7 %, per-expert loop 4.9 / 12.3 % (median / p90);
    // seen since freeze X (its residuals chose the cooperative kernel's epilogue a tile): grouped
    // 4.5 / 8.7 %, the loop unchanged
    groupedNoWorse(g, new double[][] {{0.045, 0.087}, {0.049, 0.123}});
    List<FidelityScores.Score> p = FidelityScores.prefill(H100 + "prefill-attention-post4.json");
    p.forEach(x -> System.out.println("validation h100 prefill post4 " + x));
    // flash fwd 3.6 / 8.7, bwd 3.2 / 10.6, cuDNN fwd 3.1 / 7.5, bwd 5.7 / 10.8 %; freeze XIII
    // (measured
    // before it, not chosen on it): 3.7 / 8.5, 3.3 / 9.3, 3.0 / 6.1, 4.3 / 9.2 %
    prefillNoWorse(
        p, 48, new double[][] {{0.041, 0.092}, {0.037, 0.111}, {0.036, 0.080}, {0.062, 0.113}});
    List<String> groups =
        scoredSteps("seen h100 validation7 step", H100 + "step-profiles-validation7.json");
    // freeze IX, its validation (median / worst): MoE decode compiled 3.6 / 4.9, eager 4.3 / 5.8;
    // MoE prefill compiled 4.5 / 6.9, eager 4.0 / 5.1; the dense steps as pinned. Measured before
    // freeze X and scored with it after its form was chosen, so seen for it: MoE decode 3.5 / 4.8
    // and 4.2 / 5.7, MoE prefill 2.2 / 4.4 and 3.0 / 3.6; freeze XI (prefill routing dispersion,
    // grouped GEMMs faster in a step; this file chose it): MoE prefill 1.6 / 2.2 and 1.0 / 6.5
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {3.5, 9.2},
            "compiled dense prefill", new double[] {4.2, 4.8},
            "compiled moe decode", new double[] {3.5, 4.8},
            "compiled moe prefill", new double[] {1.6, 2.2},
            "eager dense decode", new double[] {4.2, 9.4},
            "eager dense prefill", new double[] {2.5, 4.5},
            "eager moe decode", new double[] {4.2, 5.7},
            "eager moe prefill", new double[] {1.0, 6.5}));
    List<FidelityScores.Score> b =
        FidelityScores.batched(H100 + "batched-gemm-validation3.json", "validation3");
    b.forEach(x -> System.out.println("validation h100 batched validation3 " + x));
    // attention 5.0 / 6.1 %, MLA absorbed 5.6 / 17.1 %
    batchedNoWorse(
        b,
        Map.of(
            "bmm attention", new double[] {0.050, 0.061}, "bmm attn", new double[] {0.056, 0.171}));
  }

  /**
   * Freeze III's prefill-attention validation on the H100 ({@code prefill-attention-post3.json}, 56
   * shapes, measured 2026-12-06 after freeze III). Until freeze VIII the H100 used the H200's
   * prefill fits; since freeze VIII (709db35) its constants are its own, fitted on {@code
   * prefill-attention-train.json} (same form). This file is now scored by a model fitted after it
   * was measured but not chosen on it (neither opened nor scored while the fit was made), so it
   * remains held out from the fit; freeze VIII's own validation is {@code prefill_attention.py
   * --grid post4}, declared at 1417bbe.
   */
  @Test
  void h100PrefillAttention() throws Exception {
    List<FidelityScores.Score> s = FidelityScores.prefill(H100 + "prefill-attention-post3.json");
    s.forEach(x -> System.out.println("validation h100 prefill " + x));
    // (median, p90), a small margin above each, freeze VIII: flash fwd 4.7/11.7, bwd 4.2/13.0,
    // cuDNN fwd 5.1/7.1, bwd 4.1/10.4 % (with the H200's constants: flash fwd 4.7/11.9, bwd
    // 4.5/14.8, cuDNN fwd 4.2/6.2, bwd 4.7/14.0 %)
    prefillNoWorse(
        s, 56, new double[][] {{0.05, 0.122}, {0.047, 0.135}, {0.055, 0.076}, {0.046, 0.109}});
  }

  @Test
  void h100GroupedGemmSeen() throws Exception {
    List<FidelityScores.Score> s = FidelityScores.grouped(H100 + "grouped-gemm-post3.json");
    s.forEach(x -> System.out.println("seen h100 grouped " + x));
    assertThat(s.get(0).n()).isEqualTo(96);
    // freeze VI (tiles issued in clusters of two, knee at the read bandwidth): grouped 4.6 / 8.3 %;
    // freeze IV 7.5 / 17.7 %, freeze III 24.9 / 35.5 %; loop 7.3 / 20.7 % (median / p90), freeze
    // VII's loop (each expert's CTAs, split-K) 3.0 / 13.1 %; freeze VIII (the H100's own
    // constants): grouped 3.6 / 10.7 %, loop 1.9 / 13.3 %
    assertThat(s.get(0).median()).isLessThan(0.04);
    assertThat(s.get(0).p90()).isLessThan(0.112);
    assertThat(s.get(1).median()).isLessThan(0.024);
    assertThat(s.get(1).p90()).isLessThan(0.138);
  }

  @Test
  void h100WholeStepsSeen() throws Exception {
    List<String> groups = scoredSteps("seen h100 step", H100 + "step-profiles-validation3.json");
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {4.9, 15.8},
            "compiled dense prefill", new double[] {6.2, 9.2},
            // freeze III: 28.7 / 48.7 and 4.1 / 8.8 (MoE prefill's grouped GEMMs had hidden
            // compiled elementwise and attention predicted fast: now -9.7, -8.8, -3.8 %)
            // compiled K/V cache writes as two strided copies (branch cprefill): the MoE decode
            // step at batch 2, predicted slow before (+9.6 %), gains them: +10.8 %
            // freeze VI: 6.3 / 10.8 -> 3.8 / 20.1 (the batch-2 step, +10.8 -> +20.1 %: the H100's
            // grouped GEMMs, predicted 7 % fast at the median before the knee, are now 3 % slow,
            // and 4 active experts lie below the 6 to 256 measured) and 5.6 / 6.4 -> 3.2 / 6.2;
            // the routed weights read by the expected 3.5 active experts, not 4 (freeze VI, d2):
            // 3.8 / 20.1 -> 3.8 / 8.4 (batch 2: +20.1 -> +8.4 %) and 3.1 / 7.7 -> 2.6 / 5.0
            // freeze VIII (the H100's own grouped constants): 3.8 / 8.4 -> 2.8 / 6.4 and 3.2 / 6.2
            // -> 6.2 / 9.4
            "compiled moe decode", new double[] {2.8, 6.4},
            "compiled moe prefill", new double[] {6.2, 9.4},
            // freeze IX (strided elementwise rate per SM cycle): eager dense decode 2.4 / 12.3 ->
            // 2.8 / 12.2, prefill 7.4 / 10.8 -> 2.0 / 2.8
            "eager dense decode", new double[] {2.8, 12.4},
            "eager dense prefill", new double[] {2.0, 2.8},
            // freeze III: 25.1 / 33.7 and 3.6 / 7.0; freeze VI: 5.3 / 9.7 -> 3.1 / 7.7 and
            // 1.8 / 7.0 -> 9.2 / 10.8 (the prefills' experts issue their tiles in pairs); freeze
            // VIII: 2.6 / 5.0 -> 5.2 / 9.2 and 9.2 / 10.8 -> 12.0 / 13.3; freeze IX: 5.1 / 8.8
            // and 7.1 / 7.3
            "eager moe decode", new double[] {5.1, 8.8},
            "eager moe prefill", new double[] {7.1, 7.3}));
  }

  /**
   * Freeze IV's validation files on the H100, seen since freeze VI: {@code grouped-gemm-post4.json}
   * (84 configurations: DeepSeek-V2, Granite-3.0-3B-A800M and Qwen1.5-MoE-A2.7B expert matrices,
   * 24/60/144 experts, 9 to 576 tokens an expert) and {@code step-profiles-validation4.json} (19
   * Llama-3.1-8B and 4-layer Mixtral steps), measured 2026-12-06 21:10 UTC after freeze IV and
   * never used to choose it. Freeze IV scored on them, as its validation (the historical record,
   * {@code bench/perf/RESULTS.md}): grouped 8.5 / 21.9 %, loop 5.5 / 16.1 % (median / p90), steps
   * as the table there. Freeze VI chose its grouped-GEMM form on them (the 288- and 576-token rows,
   * an odd number of 128-row tiles, ran 16 to 28 % slower than predicted), so what is pinned here
   * is the current model's fit on seen data, not a validation.
   */
  @Test
  void h100FreezeFourFilesSeen() throws Exception {
    List<FidelityScores.Score> s = FidelityScores.grouped(H100 + "grouped-gemm-post4.json");
    s.forEach(x -> System.out.println("seen h100 post4 grouped " + x));
    assertThat(s.get(0).n()).isEqualTo(84);
    // freeze VI: grouped 3.0 / 7.2 %, loop 5.5 / 16.1 % (median / p90); freeze VII's loop 4.5 /
    // 17.3 % (Granite's 1024 x 1536 gate/up, split-K predicted, runs 11 to 19 % faster than that
    // at 9 to 144 tokens; DeepSeek-V2's gate/up at 288 tokens, cuBLAS's slower kernel, -27 %);
    // freeze VIII (the H100's own constants): grouped 3.0 / 6.8 %, loop 5.0 / 12.7 %; freeze X
    // (the cooperative kernel's epilogue a tile): grouped 3.5 / 7.1 %
    assertThat(s.get(0).median()).isLessThan(0.04);
    assertThat(s.get(0).p90()).isLessThan(0.073);
    assertThat(s.get(1).median()).isLessThan(0.055);
    assertThat(s.get(1).p90()).isLessThan(0.132);
    List<String> groups =
        scoredSteps("seen h100 validation4 step", H100 + "step-profiles-validation4.json");
    stepsNoWorse(
        groups,
        Map.of(
            "compiled dense decode", new double[] {3.8, 7.2},
            "compiled dense prefill", new double[] {6.2, 9.6},
            // freeze VI (freeze V before it: 5.3 / 9.6, 4.1 / 5.4, 4.2 / 13.1, 5.5 / 5.6); the
            // expected active experts' weights (d2): decode 2.9 / 7.4 -> 3.3 / 7.1 and 4.6 / 7.7 ->
            // 3.5 / 7.4 (batch 9 reads 7.4 experts' weights, not 7: -1.0 -> +3.7 % compiled)
            // freeze VIII (the H100's own grouped constants): MoE decode compiled 3.3 / 7.1 -> 2.9
            // /
            // 4.1, eager 3.5 / 7.4 -> 2.2 / 8.1; MoE prefill compiled 3.8 / 6.1 -> 6.2 / 9.2, eager
            // 7.7 / 9.5 -> 9.9 / 12.0; freeze X: MoE prefill compiled 6.3 / 9.1 -> 5.0 / 6.6,
            // eager 5.7 / 6.0 -> 3.7 / 4.9
            "compiled moe decode", new double[] {2.9, 4.1},
            "compiled moe prefill", new double[] {5.0, 6.6},
            // freeze IX (strided elementwise rate per SM cycle): eager dense decode 1.8 / 4.7 ->
            // 1.4 / 4.7, prefill 7.4 / 12.5 -> 1.8 / 4.4; MoE decode 2.2 / 8.1 -> 2.4 / 7.7,
            // prefill 9.9 / 12.0 -> 5.7 / 6.0
            "eager dense decode", new double[] {1.4, 4.7},
            "eager dense prefill", new double[] {1.8, 4.4},
            "eager moe decode", new double[] {2.4, 7.7},
            "eager moe prefill", new double[] {3.7, 4.9}));
  }

  /**
   * Freeze IV's validation files on the H200 (NVIDIA H200, 2026-12-06 23:15-23:18 UTC, scripts at
   * 00b448f, sha256 in {@code post6-env.txt}), seen since freeze VI: {@code
   * grouped-gemm-post4.json} (the H100's post4 grid again) and {@code grouped-gemm-post5.json} (77
   * configurations: Llama-4-Scout and Arctic expert matrices and an ERNIE-4.5-like one, 6/28/112
   * experts, 11 to 704 tokens an expert), and whole steps {@code step-profiles-validation4.json}
   * and {@code step-profiles-validation5.json} (19 each). Freeze IV scored on them, as its
   * validation (the historical record, {@code bench/perf/RESULTS.md}): grouped 4.8 / 17.0 % and 4.1
   * / 17.7 % (median / p90), steps as the table there. Freeze VI chose its grouped-GEMM form on
   * them, so what is pinned here is the current model's fit on seen data, not a validation.
   */
  @Test
  void h200FreezeFourFilesSeen() throws Exception {
    // freeze VI: 3.6 / 7.8 % and 3.7 / 11.0 %; the loop, freeze VII: 5.6 / 16.6 % and 6.7 / 14.6 %
    // (freeze VI's: 7.5 / 18.1 % and 6.9 / 18.5 %); freeze X (the cooperative kernel's epilogue a
    // tile): grouped 3.6 / 7.8 -> 4.5 / 7.2 % and 3.7 / 11.0 -> 4.0 / 9.6 %
    double[][] grouped = {{0.045, 0.072}, {0.040, 0.096}};
    double[][] loop = {{0.056, 0.166}, {0.067, 0.146}};
    String[] files = {"grouped-gemm-post4.json", "grouped-gemm-post5.json"};
    for (int i = 0; i < 2; i++) {
      List<FidelityScores.Score> s = FidelityScores.grouped(files[i]);
      String f = files[i];
      s.forEach(x -> System.out.println("seen h200 " + f + " " + x));
      assertThat(s.get(0).median()).as(f).isLessThan(grouped[i][0] + 0.005);
      assertThat(s.get(0).p90()).as(f).isLessThan(grouped[i][1] + 0.005);
      assertThat(s.get(1).median()).as(f + " loop").isLessThan(loop[i][0] + 0.005);
      assertThat(s.get(1).p90()).as(f + " loop").isLessThan(loop[i][1] + 0.005);
    }
    stepsNoWorse(
        steps("step-profiles-validation4.json"),
        Map.of(
            "compiled dense decode", new double[] {4.5, 8.4},
            "compiled dense prefill", new double[] {7.5, 9.6},
            // freeze VI (freeze V before it: 1.7 / 6.6, 4.1 / 4.1, 1.4 / 9.6, 2.3 / 2.6; the
            // prefill
            // of 640 tokens, 160 rows an expert, now issues two 128-row tiles an expert, not 1.75);
            // the expected active experts' weights (d2): decode 1.3 / 5.7 -> 1.2 / 2.5 and 1.2 /
            // 8.8 -> 1.2 / 4.8
            "compiled moe decode", new double[] {1.2, 2.5},
            // freeze X: MoE prefill compiled 3.9 / 11.7 -> 4.9 / 10.4, eager 1.8 / 8.1 -> 2.7 /
            // 7.0;
            // freeze XI: 5.2 / 6.0 and 2.9 / 3.9
            "compiled moe prefill", new double[] {5.2, 6.0},
            // freeze XII (ceil(CTAs / SMs) on the one-split flash kernel): 3.1 / 3.8 -> 3.2 / 4.3
            "eager dense decode", new double[] {3.2, 4.3},
            "eager dense prefill", new double[] {1.6, 4.6},
            "eager moe decode", new double[] {1.2, 4.8},
            "eager moe prefill", new double[] {2.9, 3.9}));
    stepsNoWorse(
        steps("step-profiles-validation5.json"),
        Map.of(
            // freeze XII (ceil(CTAs / SMs) on the one-split flash kernel): 1.9 / 13.1 -> 1.6 / 3.0
            "compiled dense decode", new double[] {1.6, 3.0},
            "compiled dense prefill", new double[] {6.1, 8.3},
            // freeze VI (freeze V before it: 1.8 / 4.2, 5.0 / 10.3, 1.3 / 6.3, 1.0 / 1.8); the
            // expected active experts' weights (d2): decode 1.2 / 4.9 -> 1.1 / 3.6, 1.5 / 7.2 ->
            // 1.5 /
            // 3.6
            // freeze X: MoE prefill compiled 1.9 / 5.4 -> 3.0 / 6.4, eager 2.7 / 4.5 -> 1.8 / 5.4;
            // freeze XI: compiled 4.8 / 11.5 (the H200's compiled non-grouped kernels, about 20%
            // short, no longer hidden by the grouped GEMM's error), eager 2.8 / 2.9
            "compiled moe decode", new double[] {1.1, 3.6},
            "compiled moe prefill", new double[] {4.8, 11.5},
            // freeze XII: 2.6 / 11.4 -> 3.5 / 4.1 (the batch-36 step, 288 CTAs, 11.4 -> 3.4 % fast;
            // the batch-60, 88 and 176 ones 2.8 to 4.1 % slow)
            "eager dense decode", new double[] {3.5, 4.1},
            "eager dense prefill", new double[] {0.3, 2.3},
            "eager moe decode", new double[] {1.5, 3.6},
            "eager moe prefill", new double[] {2.8, 2.9}));
  }

  private static List<String> steps(String file) throws Exception {
    return scoredSteps("seen h200 " + file, file);
  }

  /**
   * The step groups of {@code file} (relative to the H200's results folder) as {@link
   * StepFormsFitTest#score} scores them, each printed after {@code label}.
   */
  private static List<String> scoredSteps(String label, String file) throws Exception {
    List<String> groups = StepFormsFitTest.score(FidelityScores.RESULTS.resolve(file), true);
    groups.forEach(g -> System.out.println(label + " " + g));
    return groups;
  }

  /**
   * cuBLAS batched GEMMs ({@code torch.bmm}) on the H200, {@code batched-gemm.json} (the same run):
   * the train set chose to time Megatron's attention GEMMs and MLA's absorbed projections with the
   * calibrated cuBLAS model rather than the grouped-GEMM kernel's (median 3.5% and 13.6% against
   * 21.6% and 139%); the validation set (other sequence lengths, head dims, group and token counts,
   * declared before the run) scores that choice: attention 3.2 / 18.5 %, MLA 10.0 / 12.5 %, expert
   * weight gradients (grouped model, unchanged) 8.6 / 19.5 % (median / p90). Session 16 chose the
   * output at the copy rate and the launch's own fixed cost ({@code GemmTimeModel#batchedTime})
   * after that report, so both sets are seen: pinned as the current model's fit, attention 3.5 /
   * 8.6 %, MLA 5.5 / 9.0 % (its validation is {@code batched_gemm.py --set validation2}). Freeze IX
   * (47c9be9: one tile's K loop bounding a launch of one wave, the launch's fixed cost refitted on
   * the train set): attention 3.8 / 8.8 %, MLA 4.7 / 7.8 %, expert weight gradients unchanged
   * (validation: {@code batched_gemm.py --set validation3}).
   */
  @Test
  void h200BatchedGemms() throws Exception {
    List<FidelityScores.Score> train = FidelityScores.batched("batched-gemm.json", "train");
    train.forEach(x -> System.out.println("seen h200 batched train " + x));
    List<FidelityScores.Score> v = FidelityScores.batched("batched-gemm.json", "validation");
    v.forEach(x -> System.out.println("seen h200 batched validation " + x));
    batchedNoWorse(
        v,
        Map.of(
            "bmm attention", new double[] {0.038, 0.088},
            "bmm attn", new double[] {0.047, 0.078},
            "bmm expert", new double[] {0.086, 0.195}));
  }

  /** Freeze II's validation files (2026-12-06), seen while freeze III was built: printed only. */
  @Test
  void freezeTwoFilesSeen() throws Exception {
    printSeen(
        "prefill-attention-post2.json", "grouped-gemm-post2.json", "step-profiles-validation.json");
  }

  /** Freeze I's validation files (2026-12-04), seen while freeze II was built: printed only. */
  @Test
  void freezeOneFilesSeen() throws Exception {
    printSeen(
        "prefill-attention-validation.json",
        "grouped-gemm-validation.json",
        "steps-eager-fused-validation.json");
  }

  private static void printSeen(String prefill, String grouped, String steps) throws Exception {
    FidelityScores.prefill(prefill).forEach(x -> System.out.println("seen prefill " + x));
    FidelityScores.grouped(grouped, false).forEach(x -> System.out.println("seen grouped " + x));
    StepFormsFitTest.score(FidelityScores.RESULTS.resolve(steps), false)
        .forEach(g -> System.out.println("seen step " + g));
  }
}
