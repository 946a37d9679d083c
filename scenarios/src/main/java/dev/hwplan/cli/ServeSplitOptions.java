package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.serving.ServingPlan;
import dev.hwplan.serving.Workload;
import dev.hwplan.step.StepConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** {@code hwplan serve}'s prefill/decode disaggregation: the two pools and the KV link. */
final class ServeSplitOptions {
  @Option(
      names = "--prefill-replicas",
      paramLabel = "P",
      description =
          "Prefill/decode disaggregation: P prefill replicas (with --decode-replicas; not with"
              + " --replicas).")
  Integer prefillReplicas;

  @Option(
      names = "--decode-replicas",
      paramLabel = "D",
      description = "Disaggregation: D decode replicas (on --gpu with --tp).")
  Integer decodeReplicas;

  @Option(
      names = "--prefill-gpu",
      paramLabel = "G",
      description = "Disaggregation: the prefill pool's GPU (default --gpu).")
  String prefillGpu;

  @Option(
      names = "--prefill-tp",
      paramLabel = "N",
      description = "Disaggregation: the prefill pool's TP (default --tp).")
  Integer prefillTp;

  @Option(
      names = "--kv-link",
      paramLabel = "L",
      description =
          "Disaggregation: nvlink, nic (50 GB/s a GPU) or GB/s per GPU (default: nvlink within"
              + " 8 GPUs of one type, else nic).")
  String kvLink;

  @Option(
      names = "--disaggregated",
      description = "--find-min-gpus: search prefill/decode splits of each layout.")
  boolean disaggregated;

  /** Whether one split was given (--prefill-replicas or --decode-replicas). */
  boolean split() {
    return prefillReplicas != null || decodeReplicas != null;
  }

  /**
   * {@code plan} (of layout {@code c}) with its prefill pool, when --prefill-replicas and
   * --decode-replicas are given; else {@code plan}.
   */
  ServingPlan disaggregate(
      StepConfig c,
      ServingPlan plan,
      ServingPlan.Settings settings,
      Workload w,
      ProfileCatalog profiles,
      ParseResult parsed) {
    if (!split()) {
      ServeEngineOptions.refuseGiven(
          "only with --prefill-replicas and --decode-replicas",
          "--prefill-gpu",
          prefillGpu,
          "--prefill-tp",
          prefillTp,
          "--kv-link",
          kvLink);
      return plan;
    }
    if (prefillReplicas == null || decodeReplicas == null) {
      throw InvalidInputException.option(
          prefillReplicas == null ? "--prefill-replicas" : "--decode-replicas",
          "disaggregation needs both --prefill-replicas and --decode-replicas");
    }
    if (parsed.hasMatchedOption("--replicas")) {
      throw InvalidInputException.option(
          "--replicas", "with disaggregation give --prefill-replicas and --decode-replicas");
    }
    if (prefillReplicas <= 0) {
      throw InvalidInputException.option(
          "--prefill-replicas", "must be positive, got " + prefillReplicas);
    }
    GpuProfile pg = prefillGpu == null ? plan.gpu() : profiles.get(prefillGpu.trim());
    Parallelism par = c.parallelism();
    StepConfig pc =
        prefillTp == null
            ? c
            : new StepConfig(
                c.model(),
                par.withTp(prefillTp),
                c.weights(),
                c.kv(),
                c.mlaLayout(),
                c.execution());
    ServingPlan prefill = ServingPlan.of(pc, pg, prefillReplicas, settings.withSpeculative(null));
    prefill.checkLengths(w);
    return plan.disaggregated(decodeReplicas, prefill, kvLink);
  }
}
