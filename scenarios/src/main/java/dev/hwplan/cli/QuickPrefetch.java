package dev.hwplan.cli;

import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.model.ModelCatalog;
import dev.hwplan.perf.calibration.Calibrations;
import java.util.Arrays;

/**
 * Start-up: while the main thread builds and parses the quick command's picocli model ({@link
 * QuickPath}), a second thread reads what the command will read next: the bundled model ({@code
 * --model}), the bundled GPU profile ({@code --gpu}, or the id of {@code profiles show}) and, for
 * {@code infer}, the stored calibration. Those reads land in the caches the command then reads from
 * ({@link ModelCatalog}, {@link ProfileCatalog}, {@link Calibrations#preload}), which hold the same
 * values whichever thread filled them, so the output cannot change; on a machine with an idle core
 * the command finishes sooner, on a busy one it costs a thread's start.
 *
 * <p>Only bundled files are read, and nothing is reported: a user's file ({@code --profiles},
 * {@code $HWPLAN_PROFILES}, a config path), an unknown id or any failure is left to the command,
 * which reads and reports it as before. Started by {@link Hwplan#main} only, for the command lines
 * that {@link QuickPath} runs.
 */
record QuickPrefetch(String model, String gpu, boolean calibration) implements Runnable {

  /**
   * Starts the reads for {@code args} on a daemon thread and returns it, or returns null where
   * {@code args} are no quick form or name nothing bundled to read.
   */
  static Thread start(String[] args) {
    QuickForms.Form form = QuickForms.match(args);
    if (form == null) {
      return null;
    }
    String[] rest = Arrays.copyOfRange(args, form.words().size(), args.length);
    if (!QuickPath.plain(form, rest)) {
      return null;
    }
    boolean userProfiles =
        value(rest, "--profiles") != null || System.getenv(ProfileCatalog.ENV) != null;
    String gpu = userProfiles ? null : value(rest, "--gpu");
    if (form.positional() != null && !userProfiles) {
      gpu = positional(form, rest); // profiles show ID
    }
    String mode = value(rest, "--mode");
    boolean calibration =
        form.type() == InferCommand.class && (mode == null || !mode.equalsIgnoreCase("sol"));
    String model = value(rest, "--model");
    if (model == null && gpu == null) {
      return null;
    }
    Thread t = new Thread(new QuickPrefetch(model, gpu, calibration), "hwplan-prefetch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void run() {
    try {
      if (model != null && ModelCatalog.isBundled(model)) {
        ModelCatalog.resolve(model);
      }
    } catch (RuntimeException e) {
      // the command reads it again and reports what is wrong
    }
    try {
      if (gpu != null && ProfileCatalog.bundled().contains(gpu)) {
        GpuProfile g = ProfileCatalog.bundled().get(gpu);
        if (calibration) {
          Calibrations.preload(g);
        }
      }
    } catch (RuntimeException e) {
      // as above
    }
  }

  /** The value of option {@code name} in a plain quick form's words, or null. */
  static String value(String[] rest, String name) {
    for (int i = 0; i < rest.length; i++) {
      if (rest[i].equals(name)) {
        return i + 1 < rest.length ? rest[i + 1] : null;
      }
      if (rest[i].startsWith(name + "=")) {
        return rest[i].substring(name.length() + 1);
      }
    }
    return null;
  }

  /** The positional word of a plain quick form (the one word not an option or its value). */
  private static String positional(QuickForms.Form form, String[] rest) {
    for (int i = 0; i < rest.length; i++) {
      String a = rest[i];
      if (!a.startsWith("-")) {
        return a;
      }
      QuickForms.Opt o = form.option(a);
      if (o != null && !o.flag()) {
        i++; // --opt VALUE
      }
    }
    return null;
  }
}
