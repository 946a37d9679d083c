package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hwplan predict attention}: decode or causal prefill attention, MHA/GQA/MQA/MLA. */
@Command(
    name = "attention",
    description = "Time of decode or prefill attention (MHA, GQA, MQA, or MLA latent decode).",
    mixinStandardHelpOptions = true)
final class PredictAttentionCommand extends PredictOpCommand {
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

  @Option(names = "--kind", description = "mha, gqa, mqa or mla (checked against the heads).")
  String kind;

  @Option(names = "--kv-lora-rank", description = "MLA latent rank (default 512).")
  Long kvLoraRank;

  @Option(names = "--rope-dim", description = "MLA decoupled RoPE dimension (default 64).")
  Long ropeDim;

  @Option(names = "--kernel", description = "Decode kernel: split-k (default) or sdpa-flash.")
  String kernel;

  @Override
  void putFlags(Map<String, Object> f) {
    f.put("phase", phase);
    f.put("batch", batch);
    f.put("heads", heads);
    f.put("context", context);
    PredictOptions.putIf(f, "kvHeads", kvHeads);
    PredictOptions.putIf(f, "headDim", headDim);
    PredictOptions.putIf(f, "kind", kind);
    PredictOptions.putIf(f, "kvLoraRank", kvLoraRank);
    PredictOptions.putIf(f, "ropeDim", ropeDim);
    PredictOptions.putIf(f, "kernel", kernel);
  }
}
