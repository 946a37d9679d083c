package dev.hwplan.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hwplan predict attention}: decode or causal prefill attention, MHA/GQA/MQA/MLA. */
@Command(
    name = "attention",
    description = "Time of decode or prefill attention (MHA, GQA, MQA, or MLA latent decode).",
    mixinStandardHelpOptions = true)
final class PredictAttentionCommand implements Runnable {
  @Mixin GpuOption gpu;

  @Option(names = "--phase", defaultValue = "decode", description = "decode or prefill.")
  String phase;

  @Option(names = "--batch", required = true)
  long batch;

  @Option(names = "--heads", required = true, description = "Query heads.")
  long heads;

  @Option(names = "--kv-heads", description = "KV heads (not for --kind mla).")
  Long kvHeads;

  @Option(names = "--head-dim", description = "Head dimension (MLA prefill: q/k, default 192).")
  Long headDim;

  @Option(names = "--context", required = true, description = "Tokens attended to (prefill: new).")
  long context;

  @Option(names = "--dtype", defaultValue = "bf16", description = "K/V cache dtype.")
  String dtype;

  @Option(names = "--kind", description = "mha, gqa, mqa or mla (checked against the heads).")
  String kind;

  @Option(names = "--kv-lora-rank", description = "MLA latent rank (default 512).")
  Long kvLoraRank;

  @Option(names = "--rope-dim", description = "MLA decoupled RoPE dimension (default 64).")
  Long ropeDim;

  @Option(names = "--kernel", description = "Decode kernel: split-k (default) or sdpa-flash.")
  String kernel;

  @Mixin ModeOption mode;

  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    Map<String, Object> f = new HashMap<>();
    f.put("gpu", gpu.id());
    f.put("phase", phase);
    f.put("batch", batch);
    f.put("heads", heads);
    f.put("context", context);
    f.put("dtype", dtype);
    putIf(f, "kvHeads", kvHeads);
    putIf(f, "headDim", headDim);
    putIf(f, "kind", kind);
    putIf(f, "kvLoraRank", kvLoraRank);
    putIf(f, "ropeDim", ropeDim);
    putIf(f, "kernel", kernel);
    PredictOpView.run(
        "attention", f, mode.name(), profiles, json.enabled(), spec.commandLine().getOut());
  }

  private static void putIf(Map<String, Object> f, String k, Object v) {
    if (v != null) {
      f.put(k, v);
    }
  }
}
