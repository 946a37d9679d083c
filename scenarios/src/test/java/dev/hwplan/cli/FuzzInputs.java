package dev.hwplan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The files the fuzz suite hands to the CLI: one valid file of every kind that a command reads, and
 * the ways to damage it (truncated, binary, Latin-1, UTF-16 with a BOM, empty, a folder, a missing
 * path). Every damaged file is bad input: a command must refuse it naming the file.
 */
final class FuzzInputs {
  private FuzzInputs() {}

  /** How a file is written; truncating JSON always breaks it, YAML and CSV get a broken tail. */
  enum Format {
    JSON,
    JSONL,
    YAML,
    CSV
  }

  /** Every kind of file a command takes, with its valid content. */
  enum Input {
    MODEL("cfg.json", Format.JSON),
    RUNS("runs.csv", Format.CSV),
    OPS("ops.jsonl", Format.JSONL),
    SCENARIO("scenario.yaml", Format.YAML),
    HISTORY("history.jsonl", Format.JSONL),
    CURRENT("current.json", Format.JSON),
    HARNESS("nccl.json", Format.JSON),
    /** A folder of profile YAML files: the damage goes to the one file in it. */
    PROFILES("profiles", Format.YAML),
    FIT("fit.json", Format.JSON);

    final String name;
    final Format format;

    Input(String name, Format format) {
      this.name = name;
      this.format = format;
    }
  }

  /** The ways to damage a file. */
  enum Damage {
    TRUNCATED,
    BINARY,
    LATIN1,
    UTF16_BOM,
    EMPTY,
    /** A folder where a file belongs (for --profiles: a file where a folder belongs). */
    WRONG_KIND,
    MISSING
  }

  static final String PROFILE_ID = "fuzz-gpu";

  /** A small Llama config: 2 layers, 8 heads, 2 KV heads, 4,096 positions. */
  static final String MODEL_JSON =
      "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":2,"
          + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1024,"
          + "\"vocab_size\":32000,\"max_position_embeddings\":4096}\n";

  static final String OPS_JSONL =
      "{\"op\":\"gemm\",\"gpu\":\"h100-sxm\",\"m\":64,\"n\":4096,\"k\":4096}\n"
          + "{\"op\":\"attention\",\"gpu\":\"h100-sxm\",\"phase\":\"decode\",\"batch\":8,"
          + "\"heads\":32,\"kvHeads\":8,\"headDim\":128,\"context\":4096}\n"
          + "{\"op\":\"collective\",\"gpu\":\"h200-sxm\",\"collective\":\"all-reduce\","
          + "\"gpus\":8,\"bytes\":1048576}\n";

  static final String SCENARIO_YAML =
      "title: fuzz\n"
          + "description: a small KV study\n"
          + "studies:\n"
          + "  - kind: kv\n"
          + "    id: kv\n"
          + "    title: KV cache\n"
          + "    model: llama-3.1-8b\n"
          + "    context: 4096\n"
          + "    gpu: h100-sxm\n";

  static final String FIT_JSON =
      "{\"E\":1.8,\"A\":400.0,\"B\":2000.0,\"alpha\":0.34,\"beta\":0.28,"
          + "\"bootstrapSamples\":[[1.8,400.0,2000.0,0.34,0.28],[1.81,410.0,2010.0,0.341,0.281]]}\n";

  /** Fifteen runs on a 5 x 3 grid of sizes and token counts, with 1% noise. */
  static String runsCsv() {
    StringBuilder sb = new StringBuilder("params,tokens,loss\n");
    SplittableRandom rnd = new SplittableRandom(1);
    for (double n : new double[] {1e7, 3e7, 1e8, 3e8, 1e9}) {
      for (double d : new double[] {1e9, 3e9, 1e10}) {
        double l = 1.8 + 400 / Math.pow(n, 0.34) + 2000 / Math.pow(d, 0.28);
        sb.append(n).append(',').append(d).append(',');
        sb.append(String.format(java.util.Locale.ROOT, "%.5f", l * (1 + 0.01 * gauss(rnd))));
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static double gauss(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** The valid content of every file, made once: a history takes a dozen appends to write. */
  private static volatile Map<Input, byte[]> contents;

  private static Map<Input, byte[]> contents() {
    Map<Input, byte[]> c = contents;
    if (c != null) {
      return c;
    }
    c = new EnumMap<>(Input.class);
    try {
      c.put(Input.MODEL, MODEL_JSON.getBytes(StandardCharsets.UTF_8));
      c.put(Input.RUNS, runsCsv().getBytes(StandardCharsets.UTF_8));
      c.put(Input.OPS, OPS_JSONL.getBytes(StandardCharsets.UTF_8));
      c.put(Input.SCENARIO, SCENARIO_YAML.getBytes(StandardCharsets.UTF_8));
      Path tmp = Files.createTempDirectory("hwplan-fuzz-history");
      Path[] regress = RegressCommandTest.setUp(tmp, 1.0, 42);
      c.put(Input.HISTORY, Files.readAllBytes(regress[0]));
      c.put(Input.CURRENT, Files.readAllBytes(regress[1]));
      CliFuzzTest.delete(tmp);
      c.put(Input.HARNESS, resource("/calibrations/h200-sxm/nccl.json"));
      String h100 = new String(resource("/profiles/h100-sxm.yaml"), StandardCharsets.UTF_8);
      c.put(
          Input.PROFILES,
          h100.replaceFirst("(?m)^id: h100-sxm$", "id: " + PROFILE_ID)
              .getBytes(StandardCharsets.UTF_8));
      c.put(Input.FIT, FIT_JSON.getBytes(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    contents = c;
    return c;
  }

  /**
   * The valid file of every kind in {@code dir}, each written when it is first asked for (a case
   * needs one or two of them, and the folder is hashed before and after the run).
   */
  static Map<Input, Path> writeAll(Path dir) {
    Map<Input, Path> written = new EnumMap<>(Input.class);
    return new java.util.AbstractMap<>() {
      @Override
      public Path get(Object key) {
        Input in = (Input) key;
        return written.computeIfAbsent(in, k -> write(dir, k));
      }

      @Override
      public java.util.Set<Map.Entry<Input, Path>> entrySet() {
        return written.entrySet();
      }
    };
  }

  private static Path write(Path dir, Input in) {
    try {
      byte[] content = contents().get(in);
      if (in == Input.PROFILES) {
        Path profiles = Files.createDirectories(dir.resolve(in.name));
        Files.write(profiles.resolve(PROFILE_ID + ".yaml"), content);
        return profiles;
      }
      return Files.write(dir.resolve(in.name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FuzzInputs.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  /**
   * Damages the valid file of {@code input} (already written by {@link #writeAll}) and returns the
   * path to give the command.
   */
  static Path damage(Path valid, Input input, Damage d, long seed) {
    try {
      Path target = input == Input.PROFILES ? valid.resolve(PROFILE_ID + ".yaml") : valid;
      SplittableRandom rnd = new SplittableRandom(seed);
      switch (d) {
        case MISSING -> {
          return valid.resolveSibling("no-such-" + input.name);
        }
        case WRONG_KIND -> {
          if (input == Input.PROFILES) {
            return Files.writeString(valid.resolveSibling("profiles-file.yaml"), "id: x\n");
          }
          Path dir = valid.resolveSibling("folder-" + input.name);
          Files.createDirectories(dir);
          return dir;
        }
        case EMPTY -> Files.write(target, new byte[0]);
        case BINARY -> {
          byte[] b = new byte[16 + rnd.nextInt(500)];
          for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
          }
          // An invalid UTF-8 sequence first, so that no decoder can read it as text.
          b[0] = (byte) 0xC3;
          b[1] = (byte) 0x28;
          Files.write(target, b);
        }
        case LATIN1 -> {
          String text = Files.readString(target, StandardCharsets.UTF_8);
          Files.write(target, latin1(text, input).getBytes(StandardCharsets.ISO_8859_1));
        }
        case UTF16_BOM -> {
          String text = Files.readString(target, StandardCharsets.UTF_8);
          Files.write(target, text.getBytes(StandardCharsets.UTF_16)); // big-endian, with BOM
        }
        case TRUNCATED -> {
          String text = Files.readString(target, StandardCharsets.UTF_8);
          Files.writeString(target, truncate(text, input.format, rnd));
        }
        default -> throw new IllegalStateException(d.toString());
      }
      return valid;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text with an 'é' where UTF-8 text would accept one (a comment or a free-text field). */
  private static String latin1(String text, Input input) {
    return switch (input.format) {
      case JSON -> text.replaceFirst("\\{", "{\"_note\":\"caf\u00e9\",");
      case JSONL ->
          input == Input.HISTORY
              ? text.replace("ci-2core", "ci-2cor\u00e9")
              : text.replace("h100-sxm", "h100-sxm\u00e9");
      case YAML -> "# caf\u00e9\n" + text;
      case CSV -> "# caf\u00e9\n" + text;
    };
  }

  private static String truncate(String text, Format f, SplittableRandom rnd) {
    int end =
        switch (f) {
          case JSON, JSONL -> text.lastIndexOf('}');
          default -> text.length();
        };
    int cut = 1 + rnd.nextInt(Math.max(1, end - 1));
    String head = text.substring(0, cut);
    if (f == Format.JSONL) {
      // A cut at the end of a line would leave whole lines: a shorter, valid file.
      head = head.replaceFirst("[}\\s]+$", "");
      head = head.isEmpty() ? "{" : head;
    }
    return switch (f) {
      case JSON, JSONL -> head;
      // A truncated YAML or CSV file can still be valid; a broken last line makes sure it is not.
      case YAML -> head + "\n[unclosed: {\n";
      case CSV -> head + "\n1e9,abc\n";
    };
  }
}
