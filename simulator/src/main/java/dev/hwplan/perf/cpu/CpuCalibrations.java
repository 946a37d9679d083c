package dev.hwplan.perf.cpu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hwplan.hardware.calibration.Calibration;
import dev.hwplan.io.AtomicFiles;
import dev.hwplan.io.StrictMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Where CPU calibrations live, and how they are written and read. */
public final class CpuCalibrations {
  private CpuCalibrations() {}

  /** {@code ~/.hwplan/calibrations/cpu-<host>.json}. */
  public static Path defaultPath(String host) {
    return Path.of(
        System.getProperty("user.home"), ".hwplan", "calibrations", "cpu-" + host + ".json");
  }

  /**
   * Writes the calibration as JSON, atomically, into a folder that exists ({@link AtomicFiles}).
   */
  public static void write(Path file, Calibration c) {
    try {
      String json =
          StrictMapper.json()
              .copy()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(c);
      AtomicFiles.writeString(file, json + "\n");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a calibration strictly: unknown fields and wrong types name the file and field. */
  public static Calibration read(Path file) {
    return StrictMapper.readJson(file, Calibration.class);
  }
}
