package dev.hwplan.perf.calibration;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.perf.CalibratedModel;
import dev.hwplan.perf.ForwardingOpTimeModel;
import dev.hwplan.perf.GpuCalibration;
import dev.hwplan.perf.KeyedOpTimeModel;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.SolModel;
import dev.hwplan.perf.StepSpread;
import dev.hwplan.step.StepConfig;
import dev.hwplan.step.StepModel;
import dev.hwplan.util.BoundedMemo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calibrations the CLI and the estimators use, fitted once per process from the committed
 * measurements. A GPU with measurements of its own is fitted on all of them (families it lacks,
 * such as NCCL on the H100, come from the pooled fit); any other GPU gets the pooled fit over every
 * measured GPU, which transfers through its profile. Fits are kept on disk between processes
 * ({@link CalibrationCache#standard()}); a loaded fit is the fitted one, bit for bit.
 */
public final class Calibrations {
  private static final Map<String, GpuCalibration> CACHE = new ConcurrentHashMap<>();
  private static final CalibrationCache DISK = CalibrationCache.standard();
  private static volatile List<Measurements> bundled;

  private Calibrations() {}

  /** Committed measurements of every bundled profile (read once). */
  public static List<Measurements> measurements() {
    List<Measurements> m = bundled;
    if (m == null) {
      synchronized (Calibrations.class) {
        if (bundled == null) {
          bundled = Measurements.bundled();
        }
        m = bundled;
      }
    }
    return m;
  }

  /** Measurements of one profile, if committed. */
  public static Optional<Measurements> measurements(String profileId) {
    return measurements().stream().filter(m -> m.profileId().equals(profileId)).findFirst();
  }

  /** The fit over every measured GPU. */
  public static GpuCalibration pooled() {
    return CACHE.computeIfAbsent(
        "\u0000pooled",
        k ->
            DISK.get(
                "pooled",
                () -> new CalibrationFitter(measurements(), key -> true).fit("pooled", null)));
  }

  /**
   * Start-up: loads {@code gpu}'s stored calibration into this process's cache when the disk cache
   * holds it, as {@link #forGpu} does on a hit; nothing else (no fit, no store). The CLI calls it
   * on a second thread while it parses the command line ({@code QuickPrefetch}); a {@link #forGpu}
   * that comes meanwhile waits for this load instead of reading the file again.
   */
  public static void preload(GpuProfile gpu) {
    stored(gpu.id());
  }

  /** The calibration for {@code gpu}: its own measurements where committed, else the pooled fit. */
  public static GpuCalibration forGpu(GpuProfile gpu) {
    GpuCalibration c = CACHE.get(gpu.id());
    if (c != null) {
      return c;
    }
    // Only GPUs with measurements of their own are stored: a hit skips reading every measurement.
    Optional<GpuCalibration> stored = stored(gpu.id());
    if (stored.isPresent()) {
      return stored.get();
    }
    // A GPU without committed files skips reading every GPU's (the pooled fit is on disk).
    Optional<Measurements> own =
        Measurements.anyBundled(gpu.id()) ? measurements(gpu.id()) : Optional.empty();
    GpuCalibration pooled = pooled();
    if (own.isEmpty()) {
      List<String> notes = new ArrayList<>(pooled.notes());
      notes.add(
          "no measurements of "
              + gpu.id()
              + ": efficiencies fitted on "
              + String.join(", ", pooled.fittedOn())
              + " and transferred through its profile");
      c =
          new GpuCalibration(
              pooled.id(),
              pooled.fittedOn(),
              pooled.readFraction(),
              pooled.copyFraction(),
              pooled.gemm(),
              pooled.attention(),
              pooled.mla(),
              pooled.sdpaFlash(),
              pooled.prefillAttention(),
              pooled.groupedGemm(),
              pooled.collectives(),
              pooled.elementwise(),
              pooled.spreads(),
              notes);
    } else {
      c = new CalibrationFitter(List.of(own.get()), key -> true).fit(gpu.id(), pooled);
      DISK.store(gpu.id(), c);
    }
    CACHE.putIfAbsent(gpu.id(), c);
    return CACHE.get(gpu.id());
  }

  /** Guards {@link #stored}: one read of a stored calibration per process. */
  private static final Object STORED = new Object();

  /** The stored calibration {@code id}, from this process's cache or else the disk cache. */
  private static Optional<GpuCalibration> stored(String id) {
    synchronized (STORED) {
      GpuCalibration c = CACHE.get(id);
      if (c != null) {
        return Optional.of(c);
      }
      Optional<GpuCalibration> stored = DISK.load(id);
      stored.ifPresent(s -> CACHE.putIfAbsent(id, s));
      return stored.map(s -> CACHE.get(id));
    }
  }

  /**
   * A GPU profile (by value) and a mode. Equality written out: the record's generated {@code
   * hashCode} would hash every field of the profile's nested records, each bootstrapping method
   * handles at its first call (start-up); equal profiles have equal ids, so the id's hash will do,
   * and the profile's own {@code equals} runs only for two instances of one id.
   */
  private record ModelKey(GpuProfile gpu, Mode mode) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ModelKey k && mode == k.mode && (gpu == k.gpu || gpu.equals(k.gpu));
    }

    @Override
    public int hashCode() {
      return gpu.id().hashCode() * 31 + mode.ordinal();
    }
  }

  /**
   * Op-time models by GPU (by value: a user's profile of a bundled id is another key) and mode, so
   * that a model's derived peaks and GEMM-utilisation memo live as long as the process.
   */
  private static final BoundedMemo<ModelKey, OpTimeModel> MODELS = new BoundedMemo<>(256);

  /**
   * The calibrated step model of {@code config} on {@code gpu} (what the serving simulator asks),
   * its collectives across nodes where a replica is larger than a node ({@link StepModel#onNodes}).
   */
  public static StepModel stepModel(StepConfig config, GpuProfile gpu) {
    return StepModel.onNodes(config, model(gpu, Mode.CALIBRATED), gpu);
  }

  /** The op-time model of {@code mode} for {@code gpu}. */
  public static OpTimeModel model(GpuProfile gpu, Mode mode) {
    return MODELS.get(
        new ModelKey(gpu, mode), k -> new KeyedOpTimeModel(newModel(k.gpu(), k.mode()), k));
  }

  private static OpTimeModel newModel(GpuProfile gpu, Mode mode) {
    return switch (mode) {
      case SOL -> new SolModel(gpu);
      case CALIBRATED -> new WithSteps(gpu, new CalibratedModel(gpu, forGpu(gpu)));
      case MEASURED ->
          new MeasuredModel(
              gpu, measurements(gpu.id()).orElse(null), new CalibratedModel(gpu, forGpu(gpu)));
    };
  }

  /**
   * The calibrated model with its step spread ({@link StepIntervals}), taken on first use from the
   * disk cache ({@link CalibrationCache#spread}), else by timing the calibration steps with the
   * model itself, as {@link #model} hands it out.
   */
  private static final class WithSteps extends ForwardingOpTimeModel {
    private final GpuProfile gpu;
    private volatile StepSpread spread;
    private volatile boolean known;

    WithSteps(GpuProfile gpu, OpTimeModel model) {
      super(model);
      this.gpu = gpu;
    }

    @Override
    public StepSpread stepSpread() {
      if (!known) {
        synchronized (this) {
          if (!known) {
            spread =
                StepIntervals.measured(gpu)
                    ? DISK.spread(
                        gpu.id(),
                        () -> StepIntervals.of(gpu, Calibrations.model(gpu, Mode.CALIBRATED)))
                    : null;
            known = true;
          }
        }
      }
      return spread;
    }
  }
}
