package dev.hwplan.serving;

import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.WholeNumbers;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A distribution of token counts (prompt or output lengths), sampled as positive integers:
 *
 * <ul>
 *   <li>{@code N}: always {@code N};
 *   <li>{@code uniform:A:B}: every integer from A to B, equally likely;
 *   <li>{@code normal:MEAN:SD}: rounded, redrawn below 1 (a normal truncated at 1);
 *   <li>{@code lognormal:MEAN:SD}: rounded, with the given mean and standard deviation of the
 *       lengths themselves ({@code sigma^2 = ln(1 + SD^2/MEAN^2)}, {@code mu = ln MEAN -
 *       sigma^2/2});
 *   <li>{@code file:PATH}: one positive integer per line (blank lines and {@code #} comments
 *       skipped), drawn uniformly with replacement: an empirical distribution.
 * </ul>
 *
 * Normal and lognormal lengths have no upper bound; the simulator caps them where a request would
 * not fit (the model's context, the KV cache), and {@link #max()} says they are unbounded.
 */
public final class LengthDistribution {
  private enum Kind {
    FIXED,
    UNIFORM,
    NORMAL,
    LOGNORMAL,
    EMPIRICAL
  }

  private final String text;
  private final Kind kind;
  private final double a;
  private final double b;
  private final int[] values;

  private LengthDistribution(String text, Kind kind, double a, double b, int[] values) {
    this.text = text;
    this.kind = kind;
    this.a = a;
    this.b = b;
    this.values = values;
  }

  /** A fixed length. */
  public static LengthDistribution fixed(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("a length must be positive, got " + n);
    }
    return new LengthDistribution(Integer.toString(n), Kind.FIXED, n, n, null);
  }

  /** Parses {@code DIST} given for {@code flag}; bad input names the flag (or file and line). */
  public static LengthDistribution parse(String dist, String flag) {
    if (dist == null || dist.isBlank()) {
      throw InvalidInputException.option(flag, "needs a length distribution");
    }
    String s = dist.trim();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      return empirical(s, Path.of(s.substring(5)), flag);
    }
    String[] p = s.split(":", -1);
    switch (p[0].toLowerCase(Locale.ROOT)) {
      case "uniform" -> {
        arity(p, 3, s, flag, "uniform:MIN:MAX");
        int lo = length(p[1], flag, s);
        int hi = length(p[2], flag, s);
        if (hi < lo) {
          throw InvalidInputException.option(flag, "'" + s + "': MAX must not be below MIN");
        }
        return new LengthDistribution(s, Kind.UNIFORM, lo, hi, null);
      }
      case "normal", "lognormal" -> {
        arity(p, 3, s, flag, p[0] + ":MEAN:SD");
        double mean = number(p[1], flag, s, "MEAN");
        double sd = number(p[2], flag, s, "SD");
        if (!(mean >= 1)) {
          throw InvalidInputException.option(flag, "'" + s + "': MEAN must be at least 1");
        }
        if (!(sd >= 0)) {
          throw InvalidInputException.option(flag, "'" + s + "': SD must not be negative");
        }
        if (p[0].equalsIgnoreCase("normal")) {
          return new LengthDistribution(s, Kind.NORMAL, mean, sd, null);
        }
        double sigma2 = Math.log1p(sd * sd / (mean * mean));
        return new LengthDistribution(
            s, Kind.LOGNORMAL, Math.log(mean) - sigma2 / 2, Math.sqrt(sigma2), null);
      }
      default -> {
        if (p.length != 1) {
          throw InvalidInputException.option(
              flag,
              "'"
                  + s
                  + "' is not a length distribution (N, uniform:A:B, normal:MEAN:SD,"
                  + " lognormal:MEAN:SD or file:PATH)");
        }
        int n = length(s, flag, s);
        return new LengthDistribution(s, Kind.FIXED, n, n, null);
      }
    }
  }

  private static void arity(String[] p, int n, String s, String flag, String form) {
    if (p.length != n) {
      throw InvalidInputException.option(flag, "'" + s + "' should read " + form);
    }
  }

  private static int length(String v, String flag, String whole) {
    long n;
    WholeNumbers.Result r = WholeNumbers.parse(v);
    if (r instanceof WholeNumbers.Value w) {
      n = w.value();
    } else if (r instanceof WholeNumbers.TooLarge) {
      n = Long.MAX_VALUE;
    } else {
      throw InvalidInputException.option(
          flag, "'" + whole + "': '" + v + "' is not a whole number of tokens");
    }
    if (n <= 0 || n > Integer.MAX_VALUE) {
      throw InvalidInputException.option(
          flag, "'" + whole + "': a length must be a positive number of tokens, got " + v);
    }
    return (int) n;
  }

  private static double number(String v, String flag, String whole, String what) {
    try {
      double d = Double.parseDouble(v.trim());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw InvalidInputException.option(
        flag, "'" + whole + "': " + what + " '" + v + "' is not a number");
  }

  private static LengthDistribution empirical(String text, Path path, String flag) {
    if (!Files.isRegularFile(path)) {
      throw InvalidInputException.option(flag, "'" + text + "': no such file");
    }
    int[] vals = new int[64];
    int n = 0;
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        long v;
        try {
          v = Long.parseLong(t);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(
              path + ":" + lineNo, "length", "'" + t + "' is not a whole number of tokens");
        }
        if (v <= 0 || v > Integer.MAX_VALUE) {
          throw new InvalidInputException(
              path + ":" + lineNo,
              "length",
              "a length must be a positive number of tokens, got " + t);
        }
        if (n == vals.length) {
          vals = Arrays.copyOf(vals, 2 * n);
        }
        vals[n++] = (int) v;
      }
    } catch (IOException e) {
      throw InvalidInputException.option(flag, "'" + text + "': cannot read: " + e.getMessage());
    }
    if (n == 0) {
      throw new InvalidInputException(path.toString(), "length", "the file holds no lengths");
    }
    int[] v = Arrays.copyOf(vals, n);
    return new LengthDistribution(
        text,
        Kind.EMPIRICAL,
        Arrays.stream(v).min().orElseThrow(),
        Arrays.stream(v).max().orElseThrow(),
        v);
  }

  /** One length. */
  public int sample(SplittableRandom r) {
    return switch (kind) {
      case FIXED -> (int) a;
      case UNIFORM -> (int) a + r.nextInt((int) (b - a) + 1);
      case EMPIRICAL -> values[r.nextInt(values.length)];
      case NORMAL -> {
        for (int i = 0; i < 1000; i++) {
          long v = Math.round(a + b * gaussian(r));
          if (v >= 1) {
            yield (int) Math.min(v, Integer.MAX_VALUE);
          }
        }
        yield 1;
      }
      case LOGNORMAL ->
          (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(Math.exp(a + b * gaussian(r)))));
    };
  }

  /** The largest length it can give, or {@link Integer#MAX_VALUE} where unbounded. */
  public int max() {
    return switch (kind) {
      case FIXED, UNIFORM, EMPIRICAL -> (int) b;
      case NORMAL -> b == 0 ? (int) Math.max(1, Math.round(a)) : Integer.MAX_VALUE;
      case LOGNORMAL -> b == 0 ? (int) Math.max(1, Math.round(Math.exp(a))) : Integer.MAX_VALUE;
    };
  }

  /** Whether {@link #max()} is a true bound (not a cap the simulator must apply). */
  public boolean bounded() {
    return max() != Integer.MAX_VALUE;
  }

  /** The expected length (before any cap). */
  public double mean() {
    return switch (kind) {
      case FIXED -> a;
      case UNIFORM -> (a + b) / 2;
      case NORMAL -> a; // the truncation at 1 moves it only where SD is comparable to MEAN
      case LOGNORMAL -> Math.exp(a + b * b / 2);
      case EMPIRICAL -> Arrays.stream(values).average().orElseThrow();
    };
  }

  /** Standard normal by Box-Muller from two uniforms (deterministic for the generator's seed). */
  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble(); // (0, 1]
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  @Override
  public String toString() {
    return text;
  }
}
