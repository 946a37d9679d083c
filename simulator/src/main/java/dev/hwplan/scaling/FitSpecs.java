package dev.hwplan.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what {@code --fit} was given into a {@link SelectedFit}: a published fit's name ({@code
 * epoch2024}), constants ({@code E=1.82,A=482,B=2085,alpha=0.348,beta=0.366}), or a JSON file that
 * {@code hwplan scaling fit --save FILE} wrote (its {@code E, A, B, alpha, beta}, and its {@code
 * bootstrapSamples} for intervals).
 */
public final class FitSpecs {
  private static final List<String> KEYS = List.of("E", "A", "B", "alpha", "beta");

  private FitSpecs() {}

  /** Resolves {@code spec}, naming {@code option} in messages. */
  public static SelectedFit resolve(String spec, String option) {
    if (spec == null || spec.isBlank()) {
      throw InvalidInputException.option(option, "no fit given (known: " + NamedFit.ids() + ")");
    }
    var named = NamedFit.byId(spec);
    if (named.isPresent()) {
      return SelectedFit.of(named.get());
    }
    if (spec.contains("=")) {
      return constants(spec, option);
    }
    Path file;
    try {
      file = Path.of(spec);
    } catch (java.nio.file.InvalidPathException e) {
      throw InvalidInputException.option(option, "'" + spec + "' is not a valid path");
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(
          spec, "", "is a folder; " + option + " takes a fit name, constants or a saved fit file");
    }
    if (Files.isRegularFile(file)) {
      return file(file);
    }
    if (spec.toLowerCase(Locale.ROOT).endsWith(".json")) {
      throw new InvalidInputException(spec, "", "no such file (given to " + option + ")");
    }
    throw InvalidInputException.option(
        option,
        "unknown fit '"
            + spec
            + "' (known: "
            + NamedFit.ids()
            + "; or constants E=..,A=..,B=..,alpha=..,beta=..; or a file from 'scaling fit --save')");
  }

  private static SelectedFit constants(String spec, String option) {
    Map<String, Double> values = new HashMap<>();
    for (String part : spec.split(",")) {
      String[] kv = part.split("=", 2);
      String key = kv[0].strip();
      String canonical =
          KEYS.stream().filter(k -> k.equalsIgnoreCase(key)).findFirst().orElse(null);
      if (kv.length != 2 || canonical == null) {
        throw InvalidInputException.option(
            option,
            "cannot read '" + part.strip() + "' (expected E=..,A=..,B=..,alpha=..,beta=..)");
      }
      values.put(canonical, positive(kv[1].strip(), option + " " + canonical));
    }
    for (String k : KEYS) {
      if (!values.containsKey(k)) {
        throw InvalidInputException.option(
            option, "constants lack " + k + " (need E, A, B, alpha, beta)");
      }
    }
    ChinchillaLaw law =
        new ChinchillaLaw(
            values.get("E"),
            values.get("A"),
            values.get("B"),
            values.get("alpha"),
            values.get("beta"));
    return new SelectedFit("custom", law, "constants given on the command line", List.of(), 0.95);
  }

  private static SelectedFit file(Path file) {
    JsonNode root = StrictMapper.readJsonTree(file);
    String source = file.toString();
    double[] v = new double[5];
    for (int i = 0; i < 5; i++) {
      v[i] = positive(root, KEYS.get(i), source);
    }
    ChinchillaLaw law = new ChinchillaLaw(v[0], v[1], v[2], v[3], v[4]);
    List<ChinchillaLaw> samples = new ArrayList<>();
    JsonNode s = root.get("bootstrapSamples");
    if (s != null && s.isArray()) {
      int i = 0;
      for (JsonNode row : s) {
        if (!row.isArray() || row.size() != 5) {
          throw new InvalidInputException(
              source, "bootstrapSamples[" + i + "]", "expected [E, A, B, alpha, beta]");
        }
        double[] r = new double[5];
        for (int k = 0; k < 5; k++) {
          r[k] = row.get(k).asDouble(Double.NaN);
          if (!(r[k] > 0) || !Double.isFinite(r[k])) {
            throw new InvalidInputException(
                source, "bootstrapSamples[" + i + "]", "values must be positive numbers");
          }
        }
        samples.add(new ChinchillaLaw(r[0], r[1], r[2], r[3], r[4]));
        i++;
      }
    }
    double confidence = root.path("bootstrap").path("confidence").asDouble(0.95);
    if (!(confidence > 0 && confidence < 1)) {
      throw new InvalidInputException(
          source, "bootstrap.confidence", "must be between 0 and 1, got " + confidence);
    }
    return new SelectedFit(
        source, law, "fitted by hwplan scaling fit (" + source + ")", samples, confidence);
  }

  private static double positive(JsonNode root, String key, String source) {
    JsonNode n = root.get(key);
    if (n == null || !n.isNumber()) {
      throw new InvalidInputException(
          source, key, "missing number (a saved fit has E, A, B, alpha, beta)");
    }
    double v = n.asDouble();
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new InvalidInputException(source, key, "must be a positive number, got " + v);
    }
    return v;
  }

  private static double positive(String text, String field) {
    double v;
    try {
      v = Double.parseDouble(text.toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      throw InvalidInputException.option(field, "cannot read '" + text + "' as a number");
    }
    if (!(v > 0) || !Double.isFinite(v)) {
      throw InvalidInputException.option(field, "must be a positive number, got " + text);
    }
    return v;
  }
}
