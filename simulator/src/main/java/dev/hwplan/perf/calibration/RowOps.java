package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.DType;
import dev.hwplan.memory.KvDtype;
import dev.hwplan.memory.MlaLayout;
import dev.hwplan.memory.WeightDtype;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.model.ModelSpec;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.parallel.Parallelism;
import dev.hwplan.step.Execution;
import dev.hwplan.step.StepComposition;
import dev.hwplan.step.StepConfig;

/** The op each measured row timed, as the harness scripts ran it (the row mapping of the fits). */
public final class RowOps {
  private RowOps() {}

  /** The op a GEMM row timed: A and W in the row's dtype, C in bf16. */
  public static Op gemmOp(Rows.Gemm r) {
    return Ops.gemm("gemm", DType.parse(r.dtype()), r.m(), r.n(), r.k());
  }

  public static Op attentionOp(Rows.Attention r, AttentionKernel kernel) {
    return Ops.decodeAttention(
        "attention",
        r.batch(),
        r.heads(),
        r.kvHeads(),
        r.headDim(),
        r.headDim(),
        r.context(),
        2,
        kernel);
  }

  public static Op mlaOp(Rows.Mla r) {
    return Ops.mlaDecode("mla", r.batch(), r.heads(), r.kvLoraRank(), r.ropeDim(), r.context(), 2);
  }

  public static Op collectiveOp(Rows.Collective r) {
    return Ops.collective("collective", Collective.parse(r.op(), "op"), r.gpus(), r.bytes());
  }

  /** The SDPA backend of a prefill row: {@code cudnn} or FlashAttention-2. */
  public static AttentionKernel prefillKernel(Rows.PrefillAttention r) {
    return r.backend().equals("cudnn") ? AttentionKernel.CUDNN : AttentionKernel.SDPA_FLASH;
  }

  /** The op a prefill-attention row timed: causal, bf16, no cached prefix. */
  public static Op prefillOp(Rows.PrefillAttention r, boolean backward) {
    AttentionKernel k = prefillKernel(r);
    return backward
        ? Ops.prefillAttentionBackward(
            "attention_backward",
            r.batch(),
            r.heads(),
            r.kvHeads(),
            r.headDimQk(),
            r.headDimV(),
            r.seqLen(),
            k)
        : Ops.prefillAttention(
            "attention",
            r.batch(),
            r.heads(),
            r.kvHeads(),
            r.headDimQk(),
            r.headDimV(),
            r.seqLen(),
            0,
            2,
            k);
  }

  /**
   * The model a step-forms row ran: Llama-3.1-8B as bundled, or Mixtral-8x7B with 4 of its 32
   * layers ({@code mixtral-8x7b-4layers}, the script's MoE model).
   */
  public static ModelSpec stepFormModel(Rows.StepForm r) {
    if (r.model().startsWith("mixtral-8x7b-4layers")) {
      com.fasterxml.jackson.databind.node.ObjectNode cfg =
          ModelCatalog.rawConfig("mixtral-8x7b").deepCopy();
      cfg.put("num_hidden_layers", 4);
      return dev.hwplan.model.HfConfigReader.read(
          cfg, "mixtral-8x7b-4layers", "mixtral-8x7b with 4 layers (step_forms.py)");
    }
    return ModelCatalog.resolve(r.model());
  }

  /** The configuration of a step-forms row in one execution form: one GPU, bf16. */
  public static StepConfig stepFormConfig(Rows.StepForm r, Execution form) {
    return new StepConfig(
        stepFormModel(r),
        Parallelism.single(),
        WeightDtype.BF16,
        KvDtype.BF16,
        MlaLayout.LATENT,
        form);
  }

  /** The step of a step-forms row: decode attends over context + 1; prefill has no prefix. */
  public static StepComposition stepFormStep(Rows.StepForm r) {
    return r.kind().equals("decode")
        ? StepComposition.decode(r.batch(), r.context() + 1)
        : StepComposition.prefill(r.batch(), r.tokens() / r.batch());
  }

  /** The rows of a {@code steps-eager-fused.json} document. */
  public static java.util.List<Rows.StepForm> stepForms(
      com.fasterxml.jackson.databind.JsonNode doc) {
    java.util.List<Rows.StepForm> out = new java.util.ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode r : doc.path("rows")) {
      com.fasterxml.jackson.databind.JsonNode f = r.path("forms");
      out.add(
          new Rows.StepForm(
              r.path("model").asText(),
              r.path("kind").asText(),
              r.path("batch").asLong(),
              r.path("tokens").asLong(),
              r.path("context").asLong(),
              f.path("eager").path("seconds").asDouble(Double.NaN),
              f.path("eagerGraph").path("seconds").asDouble(Double.NaN),
              f.path("fused").path("seconds").asDouble(Double.NaN)));
    }
    return out;
  }

  /** The model a decode-step row ran, as {@code kernels/cuda/scripts/llama_decode.py} built it. */
  public static StepConfig decodeStepConfig(Rows.DecodeStep r) {
    ModelSpec model = ModelCatalog.resolve(r.model());
    return new StepConfig(
        model,
        Parallelism.single(),
        WeightDtype.parse(r.dtype(), "dtype"),
        KvDtype.BF16,
        MlaLayout.LATENT,
        Execution.EAGER);
  }

  /** The step of a decode-step row: K/V written at {@code context}, attention over context+1. */
  public static StepComposition decodeStep(Rows.DecodeStep r) {
    return StepComposition.decode(r.batch(), r.context() + 1);
  }
}
