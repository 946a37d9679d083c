package dev.hwplan.hardware;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.hwplan.io.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Numeric formats, with their storage size. Keys in files and JSON are the lower-case names. */
public enum DType {
  FP64(8.0),
  FP32(4.0),
  /** TF32 is stored as FP32 and computed with a 10-bit mantissa on tensor cores. */
  TF32(4.0),
  FP16(2.0),
  BF16(2.0),
  FP8(1.0),
  INT8(1.0),
  /** FP6 (e2m3/e3m2) as in Blackwell's tensor cores: 6 bits. */
  FP6(0.75),
  FP4(0.5),
  INT4(0.5);

  private final double bytes;

  DType(double bytes) {
    this.bytes = bytes;
  }

  /** Storage bytes per element, before any block scales. */
  public double bytes() {
    return bytes;
  }

  /** The key used in files and JSON, e.g. {@code bf16}. */
  @JsonValue
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a key such as {@code bf16} or {@code BF16}; names the accepted keys otherwise. */
  @JsonCreator
  public static DType parse(String key) {
    if (key != null) {
      String k = key.trim().toUpperCase(Locale.ROOT);
      if (k.equals("BFLOAT16")) {
        k = "BF16";
      } else if (k.equals("FLOAT16") || k.equals("HALF")) {
        k = "FP16";
      } else if (k.equals("FLOAT32") || k.equals("FLOAT")) {
        k = "FP32";
      }
      for (DType d : values()) {
        if (d.name().equals(k)) {
          return d;
        }
      }
    }
    throw new InvalidInputException(
        "",
        "",
        "unknown dtype '"
            + key
            + "' (known: "
            + Arrays.stream(values()).map(DType::key).collect(Collectors.joining(", "))
            + ")");
  }
}
