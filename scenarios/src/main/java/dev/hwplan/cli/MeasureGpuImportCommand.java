package dev.hwplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.hardware.DType;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.calibration.HarnessFile;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.Staging;
import dev.hwplan.io.TextFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hwplan measure gpu-import FILE}: check a JSON file that the CUDA harness or its PyTorch
 * scripts wrote on a GPU machine, and file it as calibration data for the matching profile.
 */
@Command(
    name = "gpu-import",
    description = {
      "Check a JSON file written by kernels/cuda (hwplan-cuda-harness, hwplan-llama-decode-step or",
      "hwplan-nccl-bench) and import it as calibration data: the status, the provenance, every",
      "row's fields, rate = size/time, time = median of samples, FLOPs = 2mnk, decode bytes = K and",
      "V read once, and each kernel's correctness check. Prints what was measured against the",
      "profile's peaks. Writes DIR/<profile>/<name>.json (DIR: --into, default",
      "~/.hwplan/calibrations)."
    },
    mixinStandardHelpOptions = true)
final class MeasureGpuImportCommand implements Runnable {
  @Parameters(index = "0", paramLabel = "FILE", description = "The harness JSON to import.")
  Path file;

  @Option(
      names = "--profile",
      paramLabel = "ID",
      description = "The profile it measured (default: matched by SM count and memory size).")
  String profile;

  @Option(
      names = "--into",
      paramLabel = "DIR",
      description = "Calibration folder to import into (default: ~/.hwplan/calibrations).")
  Path into;

  @Option(names = "--dry-run", description = "Check and summarise only; write nothing.")
  boolean dryRun;

  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;
  @Spec CommandSpec spec;

  /** The default calibration folder for imported GPU data. */
  static Path defaultDir() {
    return Path.of(System.getProperty("user.home"), ".hwplan", "calibrations");
  }

  @Override
  public void run() {
    // --into with --dry-run is accepted: a dry run is the same command that says what it would
    // write and writes nothing ("dry run: nothing written" is printed), not a silent drop.
    TextFiles.requireFile(file);
    HarnessFile h = HarnessFile.read(file);
    GpuProfile p = h.profile(profiles.catalog(), profile);
    Path target = null;
    if (!dryRun) {
      Path dir = (into == null ? defaultDir() : into).resolve(p.id());
      target = dir.resolve(h.kind().fileName());
      try {
        String text =
            IndentedJson.text(
                h.withImportRecord(p.id(), file.toAbsolutePath().normalize().toString()));
        // the calibration folder and its per-profile folders are hwplan's own: made when missing
        Files.createDirectories(dir);
        AtomicFiles.writeString(target, text);
      } catch (IOException e) {
        throw new InvalidInputException(
            target.toString(), "", "cannot write the calibration: " + Staging.reason(e));
      } catch (RuntimeException e) {
        if (e instanceof InvalidInputException) {
          throw e;
        }
        throw new InvalidInputException(
            target.toString(), "", "cannot write the calibration: " + e.getMessage());
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file.toString());
    m.put("tool", h.kind().tool());
    m.put("profile", p.id());
    m.put("device", h.provenance().device());
    m.put("driver", h.provenance().driver());
    m.put("date", h.provenance().date());
    m.put("rows", h.rows());
    m.put("measured", summary(h, p));
    m.put("importedTo", target == null ? null : target.toAbsolutePath().toString());
    if (json.printed(spec, m)) {
      return;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "%s: %s from %s (driver %s), %s -> profile %s%n",
        file,
        h.kind().tool(),
        h.provenance().device(),
        h.provenance().driver(),
        h.provenance().date(),
        p.id());
    h.rows()
        .forEach((s, n) -> out.printf(Locale.ROOT, "  %-16s %4d rows, all checks passed%n", s, n));
    for (String line : lines(summary(h, p))) {
      out.println("  " + line);
    }
    out.println(target == null ? "  (dry run: nothing written)" : "  imported to " + target);
    out.flush();
  }

  /** What the file says against the profile: achieved fractions of the datasheet peaks. */
  static Map<String, Object> summary(HarnessFile h, GpuProfile p) {
    Map<String, Object> s = new LinkedHashMap<>();
    JsonNode root = h.root();
    double read = 0;
    for (JsonNode r : rows(root, "bandwidth")) {
      double bw = r.get("bytesPerSecond").asDouble();
      String kernel = r.get("kernel").asText();
      s.put(kernel + "BytesPerSecond", bw);
      s.put(kernel + "FractionOfPeak", bw / p.memoryBandwidthBytesPerSecond());
      if (kernel.equals("read")) {
        read = bw;
      }
    }
    for (String dtype : List.of("bf16", "fp8")) {
      double best = 0;
      for (JsonNode r : rows(root, "gemm")) {
        if (r.get("dtype").asText().equals(dtype)) {
          best = Math.max(best, r.get("flopsPerSecond").asDouble());
        }
      }
      if (best > 0) {
        s.put("gemm" + cap(dtype) + "BestFlopsPerSecond", best);
        double achieved = best;
        p.peakFlops(DType.parse(dtype))
            .ifPresent(peak -> s.put("gemm" + cap(dtype) + "FractionOfPeak", achieved / peak));
      }
    }
    double bestDecode = 0;
    double minSpeedup = Double.POSITIVE_INFINITY;
    for (JsonNode r : rows(root, "decodeAttention")) {
      bestDecode = Math.max(bestDecode, r.get("bytesPerSecond").asDouble());
      if (r.has("sdpaSeconds")) {
        minSpeedup =
            Math.min(minSpeedup, r.get("sdpaSeconds").asDouble() / r.get("seconds").asDouble());
      }
    }
    if (bestDecode > 0) {
      s.put("decodeBestBytesPerSecond", bestDecode);
      if (read > 0) {
        s.put("decodeBestFractionOfRead", bestDecode / read);
      }
      if (Double.isFinite(minSpeedup)) {
        s.put("decodeMinSpeedupVsSdpa", minSpeedup);
      }
    }
    double bestMla = 0;
    for (JsonNode r : rows(root, "mlaDecode")) {
      bestMla = Math.max(bestMla, r.get("bytesPerSecond").asDouble());
    }
    if (bestMla > 0) {
      s.put("mlaBestBytesPerSecond", bestMla);
      if (read > 0) {
        s.put("mlaBestFractionOfRead", bestMla / read);
      }
    }
    double bestBus = 0;
    for (JsonNode r : rows(root, "collectives")) {
      bestBus = Math.max(bestBus, r.get("busBytesPerSecond").asDouble());
    }
    if (bestBus > 0) {
      s.put("collectiveBestBusBytesPerSecond", bestBus);
    }
    List<JsonNode> steps = rows(root, "decodeStep");
    if (!steps.isEmpty()) {
      double fastest = Double.POSITIVE_INFINITY;
      for (JsonNode r : steps) {
        fastest = Math.min(fastest, r.get("seconds").asDouble());
      }
      s.put("decodeStepFastestSeconds", fastest);
    }
    return s;
  }

  private static List<String> lines(Map<String, Object> s) {
    List<String> out = new ArrayList<>();
    s.forEach(
        (k, v) -> {
          double d = ((Number) v).doubleValue();
          String shown;
          if (k.endsWith("BytesPerSecond")) {
            shown = Units.bandwidth(d);
          } else if (k.endsWith("FlopsPerSecond")) {
            shown = String.format(Locale.ROOT, "%.1f TFLOP/s", d / 1e12);
          } else if (k.endsWith("Seconds")) {
            shown = String.format(Locale.ROOT, "%.3f ms", d * 1e3);
          } else if (k.startsWith("decodeMinSpeedup")) {
            shown = String.format(Locale.ROOT, "%.2fx", d);
          } else {
            shown = String.format(Locale.ROOT, "%.1f%%", 100 * d);
          }
          out.add(String.format(Locale.ROOT, "%-34s %s", k, shown));
        });
    return out;
  }

  private static List<JsonNode> rows(JsonNode root, String section) {
    List<JsonNode> l = new ArrayList<>();
    JsonNode a = root.get(section);
    if (a != null) {
      a.forEach(l::add);
    }
    return l;
  }

  private static String cap(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
