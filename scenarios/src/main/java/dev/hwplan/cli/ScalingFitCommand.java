package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.scaling.ChinchillaLaw;
import dev.hwplan.scaling.fit.Bootstrap;
import dev.hwplan.scaling.fit.ChinchillaFitter;
import dev.hwplan.scaling.fit.PointFit;
import dev.hwplan.scaling.fit.RunsCsv;
import dev.hwplan.scaling.fit.ScalingRun;
import dev.hwplan.scaling.fit.ScalingRuns;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwplan scaling fit}: fit E, A, B, α, β to your runs, with bootstrap intervals. */
@Command(
    name = "fit",
    description = {
      "Fit L(N, D) = E + A/N^alpha + B/D^beta to runs in a CSV (params,tokens,loss, or Epoch",
      "AI's Model Size,Training FLOP,loss) as Hoffmann et al. 2022 did: Huber loss (delta 1e-3)",
      "on log loss through log-sum-exp, L-BFGS from their 4,500-point grid of starts; then",
      "seeded bootstrap refits for intervals on the constants and on extrapolations."
    },
    mixinStandardHelpOptions = true)
final class ScalingFitCommand implements Runnable {
  @Option(names = "--data", required = true, paramLabel = "CSV", description = "The runs.")
  Path data;

  @Option(
      names = "--rounds",
      defaultValue = "1000",
      description = "Bootstrap rounds (default ${DEFAULT-VALUE}; 0 for none).")
  int rounds;

  @Option(names = "--seed", defaultValue = "42", description = "Bootstrap seed (default 42).")
  long seed;

  @Option(
      names = "--confidence",
      defaultValue = "0.95",
      description = "Interval coverage (default ${DEFAULT-VALUE}).")
  double confidence;

  @Option(
      names = "--drop-highest",
      defaultValue = "0",
      paramLabel = "K",
      description = "Leave out the K highest-loss runs (Epoch AI dropped 5 of Hoffmann's 245).")
  int dropHighest;

  @Option(
      names = "--flops",
      split = ",",
      paramLabel = "C",
      converter = QuantityConverter.class,
      description = "Budgets to extrapolate the compute-optimal allocation to, with intervals.")
  List<Double> extrapolate = new ArrayList<>();

  @Option(
      names = "--timings",
      description =
          "Add the fit's and the bootstrap's wall-clock seconds to --json and --save (off: the"
              + " same input gives the same JSON).")
  boolean timings;

  @Option(
      names = "--save",
      paramLabel = "FILE",
      description = "Write the fit and its bootstrap samples as JSON, for --fit FILE elsewhere.")
  Path save;

  @Mixin JsonOutput json;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    if (rounds < 0 || rounds > 1_000_000) {
      throw InvalidInputException.option("--rounds", "must be from 0 to 1000000, got " + rounds);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw InvalidInputException.option(
          "--confidence", "must be between 0 and 1, got " + confidence);
    }
    if (dropHighest < 0) {
      throw InvalidInputException.option("--drop-highest", "must not be negative");
    }
    for (double c : extrapolate) {
      ScalingCommand.positive(c, "--flops");
    }
    if (save != null) {
      OutputPaths.file("--save", save);
    }
    Given.onlyWhen(spec, "--seed", rounds > 0, "it seeds the bootstrap, and --rounds is 0");
    Given.onlyWhen(
        spec, "--confidence", rounds > 0, "it sets the bootstrap intervals, and --rounds is 0");
    List<ScalingRun> all = RunsCsv.read(data);
    List<ScalingRun> runs = ScalingRuns.dropHighestLoss(all, dropHighest);
    if (runs.size() < 6) {
      if (dropHighest > 0) {
        throw InvalidInputException.option(
            "--drop-highest",
            "leaving out "
                + dropHighest
                + " of the "
                + all.size()
                + " runs leaves "
                + runs.size()
                + "; 5 constants need at least 6");
      }
      throw new InvalidInputException(
          data.toString(), "", "need at least 6 runs to fit 5 constants, got " + runs.size());
    }
    String unidentified = ScalingRuns.identificationProblem(runs);
    if (unidentified != null) {
      throw new InvalidInputException(data.toString(), "", unidentified);
    }
    ChinchillaFitter fitter = ChinchillaFitter.hoffmann2022();
    long t0 = System.nanoTime();
    PointFit fit = fitter.fit(runs);
    long t1 = System.nanoTime();
    Bootstrap boot = rounds == 0 ? null : bootstrap(fitter, runs, fit.law());
    long t2 = System.nanoTime();
    Map<String, Object> m = FitView.of(fit, runs, all.size() - runs.size(), boot, confidence);
    // Undetermined intervals are not passed on: not to extrapolations, nor to a saved fit.
    Bootstrap usable = boot == null || boot.undetermined() != null ? null : boot;
    m.put("data", data.toString());
    m.put("fitSeconds", (t1 - t0) / 1e9);
    m.put("bootstrapSeconds", (t2 - t1) / 1e9);
    List<Object> ex = new ArrayList<>();
    for (double c : extrapolate) {
      ex.add(extrapolation(fit.law(), usable, c));
    }
    m.put("extrapolations", ex);
    Map<String, Object> shown = new LinkedHashMap<>(m);
    if (!timings) {
      shown.remove("fitSeconds");
      shown.remove("bootstrapSeconds");
    }
    if (save != null) {
      Map<String, Object> saved = new LinkedHashMap<>(shown);
      saved.remove("residuals");
      saved.put(
          "bootstrapSamples",
          usable == null
              ? List.of()
              : usable.samples().stream()
                  .map(l -> new double[] {l.e(), l.a(), l.b(), l.alpha(), l.beta()})
                  .toList());
      IndentedJson.write("--save", save, IndentedJson.text(saved));
    }
    if (json.printed(spec, shown)) {
      return;
    }
    PrintWriter out = spec.commandLine().getOut();
    FitView.text(out, m, fit, boot, confidence, ex);
  }

  private Bootstrap bootstrap(ChinchillaFitter fitter, List<ScalingRun> runs, ChinchillaLaw law) {
    if (json.enabled() || System.console() == null) {
      return fitter.bootstrap(runs, law, rounds, seed, () -> {});
    }
    try (ProgressBar bar = Terminal.progressBar("bootstrap", rounds, true)) {
      return fitter.bootstrap(runs, law, rounds, seed, bar::step);
    }
  }

  private Map<String, Object> extrapolation(ChinchillaLaw law, Bootstrap boot, double c) {
    Map<String, Object> e = ScalingText.json(law.optimal(c));
    Map<String, Object> iv = new LinkedHashMap<>();
    if (boot != null) {
      ScalingCommand.optimum(c, true)
          .forEach((k, f) -> iv.put(k, ScalingText.json(boot.interval(f, confidence))));
    }
    e.put("intervals", iv);
    return e;
  }
}
