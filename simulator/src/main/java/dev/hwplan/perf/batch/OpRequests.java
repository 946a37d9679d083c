package dev.hwplan.perf.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.DType;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.op.AttentionKernel;
import dev.hwplan.op.Collective;
import dev.hwplan.op.Op;
import dev.hwplan.op.Ops;
import dev.hwplan.op.Phase;
import dev.hwplan.perf.Mode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * Builds ops from the flags of {@code hwplan predict} or from one line of an OPS.jsonl file, whose
 * keys are the flags in camelCase. Errors name the source (file and line, or "command line"), the
 * field and the reason.
 */
public final class OpRequests {
  private static final Set<String> COMMON = Set.of("op", "gpu", "mode", "dtype");
  private static final Set<String> GEMM = Set.of("m", "n", "k");
  private static final Set<String> ATTENTION =
      Set.of(
          "phase",
          "batch",
          "heads",
          "kvHeads",
          "headDim",
          "valueDim",
          "context",
          "kind",
          "kvLoraRank",
          "ropeDim",
          "kernel",
          "prefix");
  private static final Set<String> COLLECTIVE = Set.of("collective", "gpus", "bytes");
  private static final Set<String> GROUPED_GEMM = Set.of("experts", "tokensPerExpert", "n", "k");

  /** The most experts of a grouped GEMM (DeepSeek-V3 has 256; the kernel counts groups in ints). */
  private static final long MAX_EXPERTS = 1 << 16;

  /**
   * Upper limits of the attention shape fields: heads and head sizes up to 16,384 (128 and 256 in
   * today's models), MLA latents up to 2^20 (512): the kernel models count in ints within these.
   */
  private static final java.util.Map<String, Integer> SHAPE_LIMITS =
      java.util.Map.of(
          "heads", 1 << 14,
          "kvHeads", 1 << 14,
          "headDim", 1 << 14,
          "valueDim", 1 << 14,
          "ropeDim", 1 << 14,
          "kvLoraRank", 1 << 20);

  private OpRequests() {}

  /** A source of named values: a JSON object or the parsed flags. */
  public interface Fields {
    /** The raw text of a field, or null when absent. */
    String text(String field);

    /** The integer value of a field, or null when absent; bad input when not an integer. */
    Long integer(String field);

    /** A number, or null when absent. */
    Double number(String field);

    String source();
  }

  /** Reads one OPS.jsonl object; {@code defaultMode} applies where the line has no mode. */
  public static OpRequest fromJson(JsonNode node, String source, Mode defaultMode) {
    if (node == null || !node.isObject()) {
      throw new InvalidInputException(source, "", "expected a JSON object");
    }
    JsonFields f = new JsonFields(node, source);
    String op = require(f, "op").toLowerCase(Locale.ROOT);
    Set<String> allowed =
        switch (op) {
          case "gemm" -> GEMM;
          case "attention" -> ATTENTION;
          case "collective" -> COLLECTIVE;
          case "grouped-gemm" -> GROUPED_GEMM;
          default ->
              throw new InvalidInputException(
                  source,
                  "op",
                  "unknown op '" + op + "' (known: gemm, attention, grouped-gemm, collective)");
        };
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!COMMON.contains(k) && !allowed.contains(k)) {
        throw new InvalidInputException(source, k, "unknown field for op '" + op + "'");
      }
    }
    return build(op, f, defaultMode);
  }

  /**
   * Builds the request of op {@code gemm}, {@code attention}, {@code grouped-gemm} or {@code
   * collective}.
   */
  public static OpRequest build(String op, Fields f, Mode defaultMode) {
    String gpu = require(f, "gpu");
    String modeText = f.text("mode");
    Mode mode =
        modeText == null ? defaultMode : parse(f, "mode", () -> Mode.parse(modeText, "mode"));
    return new OpRequest(
        gpu,
        mode,
        switch (op) {
          case "gemm" -> gemm(f);
          case "attention" -> attention(f);
          case "collective" -> collective(f);
          case "grouped-gemm" -> groupedGemm(f);
          default -> throw new InvalidInputException(f.source(), "op", "unknown op '" + op + "'");
        });
  }

  private static Op gemm(Fields f) {
    DType dtype = dtype(f, DType.BF16);
    return Ops.gemm("gemm", dtype, positive(f, "m"), positive(f, "n"), positive(f, "k"));
  }

  /**
   * The MoE experts' grouped GEMM ({@code torch._grouped_mm}): {@code experts} GEMMs of {@code
   * tokensPerExpert x n x k} in one launch, every expert streaming its own {@code n x k} weights,
   * the token rows balanced over the experts (as the grouped-GEMM measurements are).
   */
  private static Op groupedGemm(Fields f) {
    DType dtype = dtype(f, DType.BF16);
    long experts = positive(f, "experts");
    if (experts > MAX_EXPERTS) {
      throw new InvalidInputException(
          f.source(), "experts", experts + " is more than " + MAX_EXPERTS + " experts");
    }
    long tokens = positive(f, "tokensPerExpert");
    long n = positive(f, "n");
    long k = positive(f, "k");
    double b = dtype.bytes();
    return Ops.balancedGroupedGemm("grouped-gemm", dtype, (int) experts, tokens, n, k, b, b);
  }

  private static Op attention(Fields f) {
    String phaseText = f.text("phase");
    Phase phase =
        phaseText == null ? Phase.DECODE : parse(f, "phase", () -> Phase.parse(phaseText, "phase"));
    long batch = positive(f, "batch");
    int heads = (int) positive(f, "heads");
    long context = positive(f, "context");
    DType kv = dtype(f, DType.BF16);
    String kind = f.text("kind");
    kind = kind == null ? null : kind.toLowerCase(Locale.ROOT);
    boolean mla = "mla".equals(kind);
    // A field that the op would ignore is refused, so that a typo in the kind or phase shows.
    notFor(
        f,
        !mla,
        kind == null ? "attention without kind mla" : "kind " + kind,
        "kvLoraRank",
        "ropeDim");
    notFor(f, mla, "kind mla (one latent is cached for all heads)", "kvHeads");
    notFor(f, phase == Phase.PREFILL, "phase prefill", "kernel");
    notFor(f, phase == Phase.DECODE, "phase decode (there is no cached prefix)", "prefix");
    notFor(f, mla && phase == Phase.DECODE, "MLA decode", "headDim", "valueDim", "kernel");
    if (mla) {
      int rank = (int) orDefault(f, "kvLoraRank", 512);
      int rope = (int) orDefault(f, "ropeDim", 64);
      if (phase == Phase.DECODE) {
        return Ops.mlaDecode("attention", batch, heads, rank, rope, context, kv.bytes());
      }
      int qk = (int) orDefault(f, "headDim", 192);
      int v = (int) orDefault(f, "valueDim", 128);
      return Ops.prefillAttention(
          "attention",
          batch,
          heads,
          heads,
          qk,
          v,
          context,
          orZero(f, "prefix"),
          kv.bytes(),
          AttentionKernel.SDPA_FLASH);
    }
    long kvHeadsValue = positive(f, "kvHeads");
    int kvHeads = (int) kvHeadsValue;
    int headDim = (int) positive(f, "headDim");
    int valueDim = (int) orDefault(f, "valueDim", headDim);
    if (heads % kvHeads != 0) {
      throw new InvalidInputException(
          f.source(), "kvHeads", kvHeads + " does not divide the " + heads + " heads");
    }
    if (kind != null) {
      switch (kind) {
        case "mha" -> check(f, kvHeads == heads, "mha needs kvHeads equal to heads");
        case "mqa" -> check(f, kvHeads == 1, "mqa needs kvHeads 1");
        case "gqa" -> check(f, kvHeads > 1 && kvHeads < heads, "gqa needs 1 < kvHeads < heads");
        default ->
            throw new InvalidInputException(
                f.source(), "kind", "unknown kind '" + kind + "' (known: mha, gqa, mqa, mla)");
      }
    }
    if (phase == Phase.PREFILL) {
      return Ops.prefillAttention(
          "attention",
          batch,
          heads,
          kvHeads,
          headDim,
          valueDim,
          context,
          orZero(f, "prefix"),
          kv.bytes(),
          AttentionKernel.SDPA_FLASH);
    }
    String kernelText = f.text("kernel");
    AttentionKernel kernel =
        kernelText == null
            ? AttentionKernel.SPLIT_K
            : parse(f, "kernel", () -> AttentionKernel.parse(kernelText, "kernel"));
    return Ops.decodeAttention(
        "attention", batch, heads, kvHeads, headDim, valueDim, context, kv.bytes(), kernel);
  }

  private static Op collective(Fields f) {
    String c = require(f, "collective");
    Collective coll = parse(f, "collective", () -> Collective.parse(c, "collective"));
    long gpus = positive(f, "gpus");
    Double bytes = f.number("bytes");
    if (bytes == null) {
      throw new InvalidInputException(f.source(), "bytes", "is required");
    }
    if (!(bytes > 0) || Double.isInfinite(bytes)) {
      throw new InvalidInputException(f.source(), "bytes", "must be positive, got " + bytes);
    }
    if (bytes > Long.MAX_VALUE) {
      throw new InvalidInputException(
          f.source(),
          "bytes",
          bytes + " is more than 2^63 bytes (8 EiB), beyond what any machine holds");
    }
    if (f.text("dtype") != null) {
      dtype(f, DType.BF16);
    }
    if (coll == Collective.SEND && gpus != 2) {
      throw new InvalidInputException(f.source(), "gpus", "send is between 2 GPUs, got " + gpus);
    }
    return Ops.collective("collective", coll, (int) gpus, bytes);
  }

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(Fields f, String field, Parse<T> p) {
    try {
      return p.get();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(f.source(), field, e.reason());
    }
  }

  private static DType dtype(Fields f, DType otherwise) {
    String t = f.text("dtype");
    return t == null ? otherwise : parse(f, "dtype", () -> DType.parse(t));
  }

  /** Refuses any of {@code fields} that is given although it does not apply ({@code when}). */
  private static void notFor(Fields f, boolean when, String what, String... fields) {
    if (!when) {
      return;
    }
    for (String field : fields) {
      if (f.text(field) != null) {
        throw new InvalidInputException(
            f.source(), field, "does not apply to " + what + "; leave it out");
      }
    }
  }

  private static void check(Fields f, boolean ok, String reason) {
    if (!ok) {
      throw new InvalidInputException(f.source(), "kind", reason);
    }
  }

  private static String require(Fields f, String field) {
    String t = f.text(field);
    if (t == null || t.isBlank()) {
      throw new InvalidInputException(f.source(), field, "is required");
    }
    return t;
  }

  private static long positive(Fields f, String field) {
    Long v = f.integer(field);
    if (v == null) {
      throw new InvalidInputException(f.source(), field, "is required");
    }
    if (v <= 0 || v > Integer.MAX_VALUE && !field.equals("bytes")) {
      throw new InvalidInputException(
          f.source(), field, "must be a positive integer below 2^31, got " + v);
    }
    Integer max = SHAPE_LIMITS.get(field);
    if (max != null && v > max) {
      throw new InvalidInputException(
          f.source(),
          field,
          v + " is larger than any model's (at most " + max + " is accepted), got " + v);
    }
    return v;
  }

  private static long orDefault(Fields f, String field, long otherwise) {
    return f.integer(field) == null ? otherwise : positive(f, field);
  }

  private static long orZero(Fields f, String field) {
    Long v = f.integer(field);
    if (v == null) {
      return 0;
    }
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          f.source(), field, "must be a non-negative integer below 2^31, got " + v);
    }
    return v;
  }

  private record JsonFields(JsonNode node, String source) implements Fields {
    @Override
    public String text(String field) {
      JsonNode n = node.get(field);
      return n == null || n.isNull() ? null : n.asText();
    }

    @Override
    public Long integer(String field) {
      JsonNode n = node.get(field);
      if (n == null || n.isNull()) {
        return null;
      }
      if (n.isIntegralNumber() && n.canConvertToLong()) {
        return n.asLong();
      }
      if (n.isNumber()
          && n.asDouble() == Math.rint(n.asDouble())
          && Math.abs(n.asDouble()) < 9e18) {
        return (long) n.asDouble();
      }
      throw new InvalidInputException(source, field, "must be an integer, got " + n);
    }

    @Override
    public Double number(String field) {
      JsonNode n = node.get(field);
      if (n == null || n.isNull()) {
        return null;
      }
      if (!n.isNumber()) {
        throw new InvalidInputException(source, field, "must be a number, got " + n);
      }
      return n.asDouble();
    }
  }
}
