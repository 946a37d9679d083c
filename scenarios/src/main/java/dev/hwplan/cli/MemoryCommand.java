package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.memory.InferenceMemory;
import dev.hwplan.memory.InferenceMemoryCalculator;
import dev.hwplan.model.ModelSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hwplan memory}: inference memory per GPU and the sequences and KV blocks that fit. */
@Command(
    name = "memory",
    description =
        "Inference memory per GPU, and how many concurrent sequences (and KV blocks) fit.",
    mixinStandardHelpOptions = true)
final class MemoryCommand extends PlannerCommand {
  @Mixin ModelOption model;
  @Mixin GpuOption gpu;
  @Mixin ParallelismOptions parallel;
  @Mixin WeightsDtypeOption weightsDtype;
  @Mixin KvDtypeOption kvDtype;

  @Option(
      names = "--context",
      description = "Tokens per sequence (default: the model's max_position_embeddings).")
  Long context;

  @Option(
      names = "--gpu-mem-util",
      defaultValue = "0.9",
      description = "Fraction of GPU memory to use, as vLLM (default: ${DEFAULT-VALUE}).")
  double gpuMemUtil;

  @Option(
      names = "--reserve-gib",
      defaultValue = "1.5",
      description = "CUDA context, workspaces and graphs (default: ${DEFAULT-VALUE} GiB).")
  double reserveGib;

  @Option(
      names = "--max-batched-tokens",
      defaultValue = "8192",
      description = "Tokens in the profiling pass (default: ${DEFAULT-VALUE}).")
  int maxBatchedTokens;

  @Mixin PagedKvOptions paged;

  /** {@code --reserve-gib} in bytes; more than the GPU's memory is refused by the calculator. */
  private long reserveBytes() {
    if (!(reserveGib >= 0) || !Double.isFinite(reserveGib) || reserveGib > 1L << 32) {
      throw dev.hwplan.io.InvalidInputException.option(
          "--reserve-gib", "must be a number of GiB from 0 to 2^32, got " + reserveGib);
    }
    return Math.round(reserveGib * (1L << 30));
  }

  @Override
  public void run() {
    ModelSpec m = model.resolve();
    KvCommand.mlaOnly(spec, "--mla-layout", m);
    GpuProfile g = gpu.in(profiles);
    long ctx =
        context != null
            ? context
            : (m.maxPositionEmbeddings() != null ? m.maxPositionEmbeddings() : 4096);
    m.checkContext(ctx, "--context");
    InferenceMemory r =
        InferenceMemoryCalculator.compute(
            new InferenceMemoryCalculator.Request(
                m,
                g,
                parallel.parallelism(),
                weightsDtype.parse(),
                paged.options(kvDtype.parse()),
                ctx,
                gpuMemUtil,
                reserveBytes(),
                maxBatchedTokens));
    answer(() -> r, out -> print(out, r));
  }

  private void print(PrintWriter out, InferenceMemory r) {
    out.printf(
        Units.PLAIN,
        "%s on %s (TP %d, PP %d), weights %s, KV %s, %d-token sequences%n",
        r.model(),
        r.gpu(),
        r.tp(),
        r.pp(),
        r.weightsDtype(),
        r.kvDtype(),
        r.context());
    out.printf(
        Units.PLAIN,
        "  GPU memory      %s x %.2f = %s usable%n",
        Units.gib(r.capacityBytes()),
        r.gpuMemUtil(),
        Units.gib(r.usableBytes()));
    out.printf(Units.PLAIN, "  weights         %s%n", Units.gib(r.weightBytes()));
    out.printf(
        Units.PLAIN,
        "  activations     %s (peak of a %d-token pass, estimate)%n",
        Units.gib(r.activationBytes()),
        maxBatchedTokens);
    out.printf(Units.PLAIN, "  reserve         %s%n", Units.gib(r.reserveBytes()));
    out.printf(Units.PLAIN, "  KV budget       %s%n", Units.gib(r.kvBudgetBytes()));
    out.printf(
        Units.PLAIN,
        "  KV blocks       %s of %d tokens (%s each)%n",
        Units.count(r.kvBlocks()),
        r.blockSize(),
        Units.bytes(r.kvBytesPerBlock()));
    out.printf(Units.PLAIN, "  one sequence    %s%n", Units.gib(r.bytesPerSequence()));
    out.printf(
        Units.PLAIN,
        "  %s%n",
        r.fits()
            ? "fits: "
                + Units.count(r.maxSequences())
                + " concurrent sequences of "
                + r.context()
                + " tokens"
            : "DOES NOT FIT");
    Units.printNotes(out, r.notes());
  }
}
