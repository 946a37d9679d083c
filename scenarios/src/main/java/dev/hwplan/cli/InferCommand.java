package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.inference.InferenceEstimate;
import dev.hwplan.inference.InferenceEstimator;
import dev.hwplan.inference.InferenceRequest;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.step.OpTime;
import dev.hwplan.step.StepConfig;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwplan infer}: TTFT, TPOT, tokens/s, memory and the per-op breakdown. */
@Command(
    name = "infer",
    description = "Latency and throughput of one serving configuration: TTFT, TPOT, tokens/s.",
    mixinStandardHelpOptions = true)
final class InferCommand extends DeploymentCommand {
  @Mixin ModelOption model;
  @Mixin GpuOption gpu;

  @Mixin BatchOption batch;

  @Option(names = "--prompt", required = true, description = "Prompt tokens per sequence.")
  long prompt;

  @Option(names = "--output", required = true, description = "Output tokens per sequence.")
  long output;

  @Mixin ModeOption mode;

  @Override
  public void run() {
    ModelSpec m = model.resolve();
    KvCommand.mlaOnly(spec, "--mla", m);
    m.checkContext(prompt, "--prompt");
    if (prompt > 0 && output > 0 && prompt <= Long.MAX_VALUE - output) {
      m.checkContext(prompt + output, "--output");
    }
    GpuProfile g = gpu.in(profiles);
    StepConfig c = step(m, g);
    InferenceEstimate e =
        InferenceEstimator.estimate(
            new InferenceRequest(c, g, batch.sequences(), prompt, output, mode.parse()));
    answer(() -> e, out -> print(out, e, c));
  }

  private static void print(PrintWriter out, InferenceEstimate e, StepConfig c) {
    out.printf(
        Units.PLAIN,
        "%s on %s (TP %d, PP %d%s), weights %s, KV %s, %s, mode %s%n",
        e.model(),
        e.gpu(),
        e.tp(),
        e.pp(),
        ServeView.expertText(c.parallelism()),
        e.weightsDtype(),
        e.kvDtype(),
        e.execution(),
        e.mode());
    out.printf(
        Units.PLAIN,
        "  batch %d, prompt %d, output %d tokens%n",
        e.batch(),
        e.prompt(),
        e.output());
    out.printf(
        Units.PLAIN,
        "  TTFT    %s%n",
        PredictOpView.seconds(e.ttftSeconds(), e.ttftLowSeconds(), e.ttftHighSeconds()));
    out.printf(
        Units.PLAIN,
        "  TPOT    %s at context %d%n",
        PredictOpView.seconds(e.tpotSeconds(), e.tpotLowSeconds(), e.tpotHighSeconds()),
        e.decodeContext());
    out.printf(Units.PLAIN, "  output  %.1f tokens/s for the batch%n", e.tokensPerSecond());
    out.printf(Units.PLAIN, "  e2e     %s per request%n", Units.seconds(e.e2eSeconds()));
    out.printf(
        Units.PLAIN,
        "  memory  %s weights + %s KV per GPU%s%n",
        Units.gib(e.weightBytesPerGpu()),
        Units.gib(e.kvBytesPerGpu()),
        e.fits() ? "" : "  DOES NOT FIT");
    breakdown(out, "decode step", e.decode(), e.tpotSeconds());
    breakdown(out, "prefill", e.prefill(), e.ttftSeconds());
    Units.printNotes(out, e.notes());
  }

  private static void breakdown(PrintWriter out, String title, List<OpTime> ops, double total) {
    out.printf(Units.PLAIN, "  %s by op:%n", title);
    // the same op in layers of two kinds (gpt-oss's sliding and full-attention layers share their
    // MoE block) is one row, its counts summed
    Map<String, OpTime> rows = new LinkedHashMap<>();
    for (OpTime o : ops) {
      rows.merge(
          o.name() + "|" + o.secondsEach() + "|" + o.bound(),
          o,
          (a, b) ->
              new OpTime(
                  a.name(),
                  a.kind(),
                  a.count() + b.count(),
                  a.secondsEach(),
                  a.seconds() + b.seconds(),
                  a.lowSeconds() + b.lowSeconds(),
                  a.highSeconds() + b.highSeconds(),
                  a.bound(),
                  a.mode(),
                  a.flops() + b.flops(),
                  a.bytes() + b.bytes()));
    }
    rows.values().stream()
        .sorted((a, b) -> Double.compare(b.seconds(), a.seconds()))
        .limit(8)
        .forEach(
            o ->
                out.printf(
                    Units.PLAIN,
                    "    %-28s x%-4d %12s  %5.1f%%  %s%n",
                    o.name(),
                    o.count(),
                    Units.seconds(o.seconds()),
                    100 * o.seconds() / total,
                    o.bound()));
  }
}
