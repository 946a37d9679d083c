package dev.hwplan.cli;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.batch.BatchPredictor;
import dev.hwplan.perf.batch.OpRequest;
import dev.hwplan.perf.batch.OpRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;

/** Runs one {@code predict} subcommand: builds the op from its flags and prints the result. */
final class PredictOpView {
  private PredictOpView() {}

  /** Flags by their camelCase key, as OPS.jsonl names them. */
  record Flags(Map<String, Object> values) implements OpRequests.Fields {
    @Override
    public String text(String field) {
      Object v = values.get(field);
      return v == null ? null : v.toString();
    }

    @Override
    public Long integer(String field) {
      Object v = values.get(field);
      return v == null ? null : ((Number) v).longValue();
    }

    @Override
    public Double number(String field) {
      Object v = values.get(field);
      return v == null ? null : ((Number) v).doubleValue();
    }

    @Override
    public String source() {
      return "command line";
    }
  }

  /**
   * The same complaint about the flag that set the field: {@code kvHeads} is {@code --kv-heads}.
   */
  static InvalidInputException asFlag(InvalidInputException e) {
    String field = e.field();
    if (field.isEmpty() || field.startsWith("--")) {
      return e;
    }
    String flag =
        field.equals("collective")
            ? "--op"
            : "--" + field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    return InvalidInputException.option(flag, e.reason());
  }

  static void run(
      String op,
      Map<String, Object> flags,
      String mode,
      ProfilesOption profiles,
      boolean json,
      PrintWriter out) {
    java.util.HashMap<String, Object> all = new java.util.HashMap<>(flags);
    all.put("mode", mode);
    Flags f = new Flags(all);
    BatchPredictor predictor =
        new BatchPredictor(profiles.catalog(), dev.hwplan.perf.Mode.CALIBRATED);
    OpRequest r;
    Prediction p;
    try {
      r = OpRequests.build(op, f, dev.hwplan.perf.Mode.CALIBRATED);
      p = predictor.predict(r, "command line");
    } catch (InvalidInputException e) {
      throw e.source().equals("command line") ? asFlag(e) : e;
    }
    if (json) {
      StringWriter s = new StringWriter();
      try (var g =
          new com.fasterxml.jackson.core.JsonFactory()
              .createGenerator(s)
              .useDefaultPrettyPrinter()) {
        BatchPredictor.write(g, r.gpu(), p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.println(s.toString().strip());
      out.flush();
      return;
    }
    out.printf(
        Locale.ROOT,
        "%s on %s (%s): %s%n",
        op,
        r.gpu(),
        p.mode().key(),
        seconds(p.seconds(), p.lowSeconds(), p.highSeconds()));
    out.printf(
        Locale.ROOT,
        "  bound %s, %.0f%% of the roofline (sol %s), %.3g FLOP, %s moved%n",
        p.bound().key(),
        100 * p.efficiency(),
        Units.seconds(p.solSeconds()),
        p.flops(),
        Units.bytes((long) p.bytes()));
    Units.printNotes(out, p.notes());
  }

  /**
   * A predicted time and its interval as the commands print them: {@code 1.2 ms [1.1 ms .. 1.4
   * ms]}.
   */
  static String seconds(double seconds, double low, double high) {
    return Units.seconds(seconds) + "  [" + Units.seconds(low) + " .. " + Units.seconds(high) + "]";
  }
}
