package dev.hwplan.hardware.calibration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A JSON file written by the GPU side of hwplan (the CUDA harness under {@code kernels/cuda/} and
 * its PyTorch scripts), checked before it is trusted as calibration data.
 *
 * <p>Three tools write such files; {@link Kind} names them. Every file must say {@code "status":
 * "ok"}, carry its provenance (device name as the driver reports it, driver, ISO-8601 date, tool)
 * and hold at least one row. Each row is checked for the fields the simulator reads, for positive
 * sizes and times, and for internal consistency: rates must equal size over time, the time must be
 * the median of the raw samples, FLOPs must be 2mnk, decode-attention bytes must be the K and V
 * bytes read once, and a kernel that failed its correctness check is refused. A problem names the
 * file, the JSON path of the field and the reason.
 *
 * @param file where it was read from
 * @param kind which tool wrote it
 * @param provenance device, driver, date, tool and host
 * @param sms streaming multiprocessors of the measured device, 0 where the file does not say
 * @param memoryBytes memory of the measured device, 0 where the file does not say
 * @param rows rows per section, in file order
 * @param root the whole document
 */
public record HarnessFile(
    Path file,
    Kind kind,
    Provenance provenance,
    int sms,
    long memoryBytes,
    Map<String, Integer> rows,
    JsonNode root) {

  /** Largest relative error a timed kernel may have against its reference (bf16 output: 2.4e-3). */
  public static final double MAX_RELATIVE_ERROR = 2e-2;

  /** Tolerance for rate = size/time and time = median(samples), which the tools round. */
  static final double CONSISTENCY = 0.02;

  /** The tools that write calibration files, and the sections each writes. */
  public enum Kind {
    /** {@code hwplan-cuda-harness} (plus the SDPA columns that sdpa_baseline.py merges in). */
    CUDA_HARNESS(
        "hwplan-cuda-harness",
        "cuda-harness.json",
        "bandwidth",
        "gemm",
        "decodeAttention",
        "mlaDecode"),
    /** {@code hwplan-llama-decode-step}: a whole decode step of a model through PyTorch. */
    DECODE_STEP("hwplan-llama-decode-step", "llama31-8b-decode-step.json", "decodeStep"),
    /** {@code hwplan-nccl-bench}: NCCL collectives over several GPUs of one host. */
    NCCL("hwplan-nccl-bench", "nccl.json", "collectives");

    private final String tool;
    private final String fileName;
    private final List<String> sections;

    Kind(String tool, String fileName, String... sections) {
      this.tool = tool;
      this.fileName = fileName;
      this.sections = List.of(sections);
    }

    /** The {@code tool} value that marks a file of this kind. */
    public String tool() {
      return tool;
    }

    /** The file name it is stored under in a calibration folder. */
    public String fileName() {
      return fileName;
    }

    /** The row sections it may hold. */
    public List<String> sections() {
      return sections;
    }

    static Kind ofTool(String tool) {
      for (Kind k : values()) {
        if (k.tool.equals(tool)) {
          return k;
        }
      }
      return null;
    }
  }

  /** Reads and checks a harness file; every problem is an {@link InvalidInputException}. */
  public static HarnessFile read(Path file) {
    JsonNode root = StrictMapper.readJsonTree(file);
    return check(file, root);
  }

  /** Checks an already parsed document that came from {@code file}. */
  public static HarnessFile check(Path file, JsonNode root) {
    Checker c = new Checker(file.toString());
    if (root == null || !root.isObject()) {
      throw c.bad("", "is not a JSON object");
    }
    String status = c.text(root, "status");
    if (!"ok".equals(status)) {
      JsonNode reason = root.get("reason");
      throw c.bad(
          "status",
          "is '"
              + status
              + "': nothing was measured"
              + (reason == null ? "" : " (" + reason.asText() + ")"));
    }
    String tool = c.text(root, "tool");
    Kind kind = Kind.ofTool(tool);
    if (kind == null) {
      throw c.bad(
          "tool",
          "'"
              + tool
              + "' is not a hwplan measurement tool (expected one of "
              + Arrays.stream(Kind.values()).map(Kind::tool).toList()
              + ")");
    }
    String date = c.text(root, "date");
    try {
      OffsetDateTime.parse(date);
    } catch (DateTimeParseException e) {
      throw c.bad("date", "'" + date + "' is not an ISO-8601 date-time with an offset");
    }
    JsonNode device = c.object(root, "device", "device");
    String name = c.text(device, "device.name");
    String driver = c.text(device, "device.driver");
    int sms = device.has("sms") ? (int) c.positive(device, "sms", "device.sms") : 0;
    long memory =
        device.has("memoryBytes")
            ? (long) c.positive(device, "memoryBytes", "device.memoryBytes")
            : 0;
    JsonNode host = root.get("host");
    String hostName = host != null && host.has("hostname") ? host.get("hostname").asText() : null;
    Provenance provenance = new Provenance(name, driver, date, tool, hostName);

    Map<String, Integer> rows = new LinkedHashMap<>();
    for (String section : kind.sections()) {
      JsonNode list = root.get(section);
      if (list == null) {
        continue;
      }
      if (!list.isArray()) {
        throw c.bad(section, "must be a list of rows");
      }
      for (int i = 0; i < list.size(); i++) {
        String at = section + "[" + i + "]";
        JsonNode row = list.get(i);
        if (!row.isObject()) {
          throw c.bad(at, "must be an object");
        }
        switch (section) {
          case "bandwidth" -> c.bandwidth(row, at);
          case "gemm" -> c.gemm(row, at);
          case "decodeAttention" -> c.decode(row, at);
          case "mlaDecode" -> c.mla(row, at);
          case "decodeStep" -> c.step(row, at);
          case "collectives" -> c.collective(row, at);
          default -> throw new IllegalStateException(section);
        }
      }
      rows.put(section, list.size());
    }
    if (rows.values().stream().mapToInt(Integer::intValue).sum() == 0) {
      throw c.bad(
          String.join("|", kind.sections()), "holds no measurement rows; nothing to import");
    }
    return new HarnessFile(
        file, kind, provenance, sms, memory, Collections.unmodifiableMap(rows), root);
  }

  /**
   * The profile this file measured: {@code requested} when given (its SM count must match the
   * file's), else the one bundled profile with the file's SM count and a memory size within 5%.
   */
  public GpuProfile profile(ProfileCatalog catalog, String requested) {
    if (requested != null) {
      GpuProfile p = catalog.get(requested, "--profile");
      if (sms > 0 && p.sms() != sms) {
        throw new InvalidInputException(
            file.toString(),
            "device.sms",
            String.format(
                Locale.ROOT,
                "the measured %s has %d SMs but profile %s has %d; choose the matching --profile",
                provenance.device(),
                sms,
                p.id(),
                p.sms()));
      }
      return p;
    }
    List<GpuProfile> candidates = new ArrayList<>();
    for (GpuProfile p : catalog.all()) {
      boolean smsMatch = sms > 0 && p.sms() == sms;
      boolean memMatch =
          memoryBytes > 0 && Math.abs(p.memoryBytes() - memoryBytes) <= 0.05 * p.memoryBytes();
      if (smsMatch && memMatch) {
        candidates.add(p);
      }
    }
    if (candidates.size() != 1) {
      throw new InvalidInputException(
          file.toString(),
          "device",
          String.format(
              Locale.ROOT,
              "cannot tell which profile '%s' (%d SMs, %d bytes) is: %s; give --profile",
              provenance.device(),
              sms,
              memoryBytes,
              candidates.isEmpty()
                  ? "no profile matches"
                  : "candidates " + candidates.stream().map(GpuProfile::id).toList()));
    }
    return candidates.get(0);
  }

  /** Row checks that name the file and the JSON path of each problem. */
  private static final class Checker {
    private static final Set<String> BANDWIDTH_KERNELS = Set.of("read", "copy", "write");
    private static final Set<String> GEMM_DTYPES = Set.of("bf16", "fp16", "fp8", "tf32", "fp32");
    private static final Set<String> COLLECTIVES =
        Set.of("all-reduce", "all-gather", "reduce-scatter", "send-recv", "all-to-all");

    private final String source;

    Checker(String source) {
      this.source = source;
    }

    InvalidInputException bad(String field, String reason) {
      return new InvalidInputException(source, field, reason);
    }

    String text(JsonNode node, String path) {
      JsonNode v = node.get(leaf(path));
      if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
        throw bad(path, "is missing or not a non-empty string");
      }
      return v.asText();
    }

    JsonNode object(JsonNode node, String key, String path) {
      JsonNode v = node.get(key);
      if (v == null || !v.isObject()) {
        throw bad(path, "is missing or not an object");
      }
      return v;
    }

    double positive(JsonNode row, String key, String path) {
      JsonNode v = row.get(key);
      if (v == null || !v.isNumber()) {
        throw bad(path, "is missing or not a number");
      }
      double d = v.asDouble();
      if (!(d > 0) || Double.isInfinite(d)) {
        throw bad(path, "must be a positive finite number, got " + v.asText());
      }
      return d;
    }

    private static String leaf(String path) {
      int dot = path.lastIndexOf('.');
      return dot < 0 ? path : path.substring(dot + 1);
    }

    private double num(JsonNode row, String at, String key) {
      return positive(row, key, at + "." + key);
    }

    private void oneOf(JsonNode row, String at, String key, Set<String> allowed) {
      String v = text(row, at + "." + key);
      if (!allowed.contains(v)) {
        throw bad(
            at + "." + key, "'" + v + "' is not one of " + allowed.stream().sorted().toList());
      }
    }

    /** {@code rateKey} must equal {@code amount / seconds} within the tolerance. */
    private void rate(JsonNode row, String at, String rateKey, double amount, double seconds) {
      double r = num(row, at, rateKey);
      double expected = amount / seconds;
      if (Math.abs(r - expected) > CONSISTENCY * expected) {
        throw bad(
            at + "." + rateKey,
            String.format(Locale.ROOT, "is %.6g but the size over the time is %.6g", r, expected));
      }
    }

    /** {@code seconds} must be the median of {@code samples} (when there are samples). */
    private double seconds(JsonNode row, String at) {
      double s = num(row, at, "seconds");
      JsonNode samples = row.get("samples");
      if (samples == null) {
        return s;
      }
      if (!samples.isArray() || samples.isEmpty()) {
        throw bad(at + ".samples", "must be a non-empty list of seconds");
      }
      double[] v = new double[samples.size()];
      for (int i = 0; i < v.length; i++) {
        JsonNode x = samples.get(i);
        if (!x.isNumber() || !(x.asDouble() > 0)) {
          throw bad(at + ".samples[" + i + "]", "must be a positive number of seconds");
        }
        v[i] = x.asDouble();
      }
      Arrays.sort(v);
      double median =
          v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
      if (Math.abs(s - median) > CONSISTENCY * median) {
        throw bad(
            at + ".seconds",
            String.format(Locale.ROOT, "is %.6g but the median of its samples is %.6g", s, median));
      }
      return s;
    }

    private void correct(JsonNode row, String at) {
      if (row.has("relativeError")) {
        JsonNode e = row.get("relativeError");
        if (e.isNull() || !e.isNumber() || !(e.asDouble() <= MAX_RELATIVE_ERROR)) {
          throw bad(
              at + ".relativeError",
              "is "
                  + e.asText()
                  + ": the kernel failed its correctness check (limit "
                  + MAX_RELATIVE_ERROR
                  + "), so its time is not data");
        }
      }
      if (row.has("nonFiniteOutputs") && row.get("nonFiniteOutputs").asLong() != 0) {
        throw bad(at + ".nonFiniteOutputs", "is not 0: the kernel produced NaN or infinity");
      }
    }

    private void expectEqual(String path, double got, double expected, String what) {
      if (Math.abs(got - expected) > 1e-6 * expected) { // the harness prints 9 digits
        throw bad(
            path, String.format(Locale.ROOT, "is %.0f but %s gives %.0f", got, what, expected));
      }
    }

    void bandwidth(JsonNode row, String at) {
      oneOf(row, at, "kernel", BANDWIDTH_KERNELS);
      double bytes = num(row, at, "bytes");
      rate(row, at, "bytesPerSecond", bytes, seconds(row, at));
    }

    void gemm(JsonNode row, String at) {
      oneOf(row, at, "dtype", GEMM_DTYPES);
      double m = num(row, at, "m");
      double n = num(row, at, "n");
      double k = num(row, at, "k");
      double flops = num(row, at, "flops");
      expectEqual(at + ".flops", flops, 2 * m * n * k, "2mnk");
      rate(row, at, "flopsPerSecond", flops, seconds(row, at));
      correct(row, at);
    }

    void decode(JsonNode row, String at) {
      double heads = num(row, at, "heads");
      double kvHeads = num(row, at, "kvHeads");
      if (heads % kvHeads != 0) {
        throw bad(
            at + ".kvHeads",
            String.format(
                Locale.ROOT,
                "%.0f query heads are not divisible by %.0f KV heads",
                heads,
                kvHeads));
      }
      double bytes = num(row, at, "bytes");
      double kv =
          2.0 * num(row, at, "batch") * kvHeads * num(row, at, "context") * num(row, at, "headDim");
      expectEqual(at + ".bytes", bytes, kv * elementBytes(row, at), "K and V read once");
      rate(row, at, "bytesPerSecond", bytes, seconds(row, at));
      correct(row, at);
    }

    void mla(JsonNode row, String at) {
      num(row, at, "heads");
      double latent = num(row, at, "kvLoraRank") + num(row, at, "ropeDim");
      double bytes = num(row, at, "bytes");
      double cache = num(row, at, "batch") * num(row, at, "context") * latent;
      expectEqual(
          at + ".bytes", bytes, cache * elementBytes(row, at), "the latent cache read once");
      rate(row, at, "bytesPerSecond", bytes, seconds(row, at));
      correct(row, at);
    }

    void step(JsonNode row, String at) {
      text(row, at + ".model");
      num(row, at, "batch");
      num(row, at, "context");
      seconds(row, at);
    }

    void collective(JsonNode row, String at) {
      oneOf(row, at, "op", COLLECTIVES);
      if (num(row, at, "gpus") < 2) {
        throw bad(at + ".gpus", "a collective needs at least 2 GPUs");
      }
      double bytes = num(row, at, "bytes");
      double s = seconds(row, at);
      rate(row, at, "algBytesPerSecond", bytes, s);
      num(row, at, "busBytesPerSecond");
    }

    private double elementBytes(JsonNode row, String at) {
      String dtype = row.has("dtype") ? row.get("dtype").asText() : "bf16";
      return switch (dtype) {
        case "bf16", "fp16" -> 2;
        case "fp8", "int8" -> 1;
        case "fp32" -> 4;
        default -> throw bad(at + ".dtype", "'" + dtype + "' is not bf16, fp16, fp8, int8 or fp32");
      };
    }
  }

  /** A copy of the document with the import recorded under {@code imported}. */
  public JsonNode withImportRecord(String profileId, String importedFrom) {
    ObjectNode copy = root.deepCopy();
    ObjectNode rec = copy.putObject("imported");
    rec.put("profile", profileId);
    rec.put("from", importedFrom);
    return copy;
  }

  /** The section names that hold rows, in file order. */
  public List<String> sections() {
    return List.copyOf(rows.keySet());
  }
}
