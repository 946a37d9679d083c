package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.perf.device.DevicePeaks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/** The measurements a fit may use: the GPUs' rows that {@code use} accepts, with their peaks. */
final class FitData {
  private final List<Measurements> data;
  private final Predicate<String> use;
  private final Map<String, GpuProfile> profiles = new HashMap<>();

  FitData(List<Measurements> data, Predicate<String> use) {
    this.data = List.copyOf(data);
    this.use = use;
    ProfileCatalog catalog = ProfileCatalog.bundled();
    for (Measurements m : data) {
      profiles.put(m.profileId(), catalog.get(m.profileId()));
    }
  }

  /** A measured row on the GPU it was measured on (its peaks derived once per GPU). */
  record Row<T>(DevicePeaks peaks, T row) {
    GpuProfile gpu() {
      return peaks.gpu();
    }
  }

  List<Measurements> measurements() {
    return data;
  }

  /** The mean of a bandwidth probe over the profiles' HBM bandwidth, else {@code otherwise}. */
  double fraction(ToDoubleFunction<Measurements> probe, double otherwise) {
    double sum = 0;
    int n = 0;
    for (Measurements m : data) {
      double v = probe.applyAsDouble(m);
      if (v > 0) {
        sum += v / profiles.get(m.profileId()).memoryBandwidthBytesPerSecond();
        n++;
      }
    }
    return n == 0 ? otherwise : sum / n;
  }

  <T> List<Row<T>> rows(Function<Measurements, List<T>> f, Function<T, String> key) {
    List<Row<T>> out = new ArrayList<>();
    for (Measurements m : data) {
      DevicePeaks peaks = DevicePeaks.of(profiles.get(m.profileId()));
      for (T r : f.apply(m)) {
        if (use.test(key.apply(r))) {
          out.add(new Row<>(peaks, r));
        }
      }
    }
    return out;
  }

  List<Row<Rows.Gemm>> gemmRows() {
    return rows(Measurements::gemm, Rows.Gemm::key);
  }

  List<Row<Rows.Attention>> attentionRows() {
    return rows(Measurements::attention, Rows.Attention::key);
  }

  List<Row<Rows.Mla>> mlaRows() {
    return rows(Measurements::mla, Rows.Mla::key);
  }
}
