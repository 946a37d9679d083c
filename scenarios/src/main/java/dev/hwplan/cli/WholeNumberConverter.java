package dev.hwplan.cli;

import dev.hwplan.io.WholeNumbers;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a whole-number option ({@code long} or {@code int}) as people write one: {@code 131072},
 * {@code 1e3}, {@code 1.5e4}, {@code 128k} or {@code 2M} (the suffixes of {@link
 * QuantityConverter}: k = 1e3, M = 1e6, B or G = 1e9, T = 1e12), as long as the value is a whole
 * number in the type's range. {@code 128k} is 128,000, as in a scenario file, not 131,072. Signs
 * and zero are left for the command to judge, so that its message can name the option.
 */
public final class WholeNumberConverter {
  private WholeNumberConverter() {}

  /** Registers the converters for {@code long}, {@code int} and their boxes on {@code cl}. */
  public static CommandLine register(CommandLine cl) {
    Longs longs = new Longs();
    Ints ints = new Ints();
    cl.registerConverter(Long.class, longs);
    cl.registerConverter(long.class, longs);
    cl.registerConverter(Integer.class, ints);
    cl.registerConverter(int.class, ints);
    return cl;
  }

  /** The whole number {@code value} names, within {@code [min, max]} ({@link WholeNumbers}). */
  static long parse(String value, long min, long max) {
    WholeNumbers.Result r = WholeNumbers.parse(value);
    if (r instanceof WholeNumbers.Value v && v.value() >= min && v.value() <= max) {
      return v.value();
    }
    if (r instanceof WholeNumbers.NotWhole) {
      throw new TypeConversionException(
          "'" + value + "' is not a whole number (examples: 131072, 1e6, 128k)");
    }
    throw new TypeConversionException(
        "'" + value + "' is out of range (" + min + " to " + max + ")");
  }

  /** {@code long} options. A class rather than a lambda: see {@code Hwplan.Handlers}. */
  private static final class Longs implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parse(value, Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** {@code int} options. */
  private static final class Ints implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) parse(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
  }
}
