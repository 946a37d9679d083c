package dev.hwplan.jmh;

import dev.hwplan.kernels.AttentionShape;
import dev.hwplan.kernels.KernelCase;
import dev.hwplan.kernels.KernelCases;
import dev.hwplan.kernels.KernelProvider;
import dev.hwplan.kernels.KeyLayout;
import dev.hwplan.kernels.probe.BandwidthProbe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ratios of issue 6 measured as pairs, interleaved: each round times STREAM read, then every
 * decode-attention case on the vector path and on the scalar path, back to back, and each ratio is
 * formed inside its round (kernel GB/s over that round's STREAM read GB/s, vector time over scalar
 * time). On a machine shared with other work the load changes over minutes, and JMH runs one
 * benchmark after another, so its "% of STREAM read" compares numbers taken minutes apart; here
 * both sides of a ratio are a few hundred milliseconds apart and the median over the rounds is
 * reported with its range. This is the paired design of Georges, Buytaert and Eeckhout,
 * "Statistically rigorous Java performance evaluation" (OOPSLA 2007), applied to ratios.
 *
 * <p>usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.hwplan.jmh.PairedRatios [rounds]}; prints one JSON object.
 */
public final class PairedRatios {
  private record Case(String name, KernelCase vector, KernelCase scalar) {}

  private PairedRatios() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    KernelProvider vec = ProviderParam.of("vector");
    KernelProvider sca = ProviderParam.of("scalar");
    BandwidthProbe stream = new BandwidthProbe(vec, CeilingsBenchmark.ELEMENTS);
    double streamBytes = stream.bytes("read");
    List<Case> cases = new ArrayList<>();
    for (String dtype : List.of("fp32", "bf16")) {
      for (int kvHeads : new int[] {8, 32}) {
        AttentionShape s = new AttentionShape(1, 32, kvHeads, 128, 8 * 65536 / kvHeads);
        String name = (kvHeads == 32 ? "MHA" : "GQA 32/8") + " " + dtype + " BLOCKED";
        cases.add(
            new Case(
                name,
                new KernelCases(vec).decodeAttention(s, dtype, KeyLayout.BLOCKED),
                new KernelCases(sca).decodeAttention(s, dtype, KeyLayout.BLOCKED)));
      }
    }
    // Warm-up: JIT compilation of every path.
    for (int i = 0; i < 3; i++) {
      stream.runOnce("read");
      for (Case c : cases) {
        c.vector().call().run();
        c.scalar().call().run();
      }
    }
    int n = cases.size();
    double[] read = new double[rounds];
    double[][] pctRead = new double[n][rounds];
    double[][] speedup = new double[n][rounds];
    double[][] vectorGbps = new double[n][rounds];
    for (int r = 0; r < rounds; r++) {
      double streamSeconds = time(() -> stream.runOnce("read"));
      read[r] = streamBytes / streamSeconds;
      for (int i = 0; i < n; i++) {
        Case c = cases.get(i);
        double v = time(c.vector().call());
        double s = time(c.scalar().call());
        // The round's STREAM read, taken again after the kernel: the mean of the two brackets it.
        double after = streamBytes / time(() -> stream.runOnce("read"));
        double bracket = 0.5 * (read[r] + after);
        vectorGbps[i][r] = c.vector().bytes() / v;
        pctRead[i][r] = vectorGbps[i][r] / bracket;
        speedup[i][r] = s / v;
      }
    }
    StringBuilder json = new StringBuilder("{\n  \"rounds\": ").append(rounds);
    json.append(",\n  \"load\": \"").append(load()).append('"');
    json.append(",\n  \"streamReadGBps\": ").append(stats(read, 1e-9));
    json.append(",\n  \"cases\": [");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "\n" : ",\n")
          .append("    {\"case\": \"")
          .append(cases.get(i).name())
          .append("\", \"cacheBytes\": ")
          .append((long) cases.get(i).vector().bytes())
          .append(", \"vectorGBps\": ")
          .append(stats(vectorGbps[i], 1e-9))
          .append(", \"fractionOfStreamRead\": ")
          .append(stats(pctRead[i], 1))
          .append(", \"vectorOverScalar\": ")
          .append(stats(speedup[i], 1))
          .append('}');
    }
    json.append("\n  ]\n}");
    System.out.println(json);
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) * 1e-9;
  }

  /** {"median": m, "min": a, "max": b} of {@code v} times {@code scale}. */
  private static String stats(double[] v, double scale) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    return String.format(
        Locale.ROOT,
        "{\"median\": %.4f, \"min\": %.4f, \"max\": %.4f}",
        median * scale,
        s[0] * scale,
        s[n - 1] * scale);
  }

  static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
