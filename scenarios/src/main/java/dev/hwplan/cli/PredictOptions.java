package dev.hwplan.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code hwplan predict} op command shares: {@code --gpu}, {@code --mode}, {@code
 * --dtype}, {@code --profiles} and {@code --json}, and the run that predicts the op and prints it.
 */
final class PredictOptions {
  @Mixin GpuOption gpu;
  @Mixin ModeOption mode;
  @Mixin ProfilesOption profiles;
  @Mixin JsonOutput json;

  @Option(
      names = "--dtype",
      defaultValue = "bf16",
      description =
          "Element type: bf16, fp16, fp8, int8, ... (attention: the K/V cache's; collective:"
              + " informational).")
  String dtype;

  /** The op command these options are mixed into. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Predicts the op the command names ({@code gemm}, ..., its name in {@code --input} lines) from
   * the flags {@code putFlags} puts (keys as in {@code --input}, without {@code gpu}, {@code mode}
   * and {@code dtype}, which these options give) and prints the prediction on the command's stdout.
   */
  void run(Consumer<Map<String, Object>> putFlags) {
    Map<String, Object> f = new HashMap<>();
    putFlags.accept(f);
    f.put("gpu", gpu.id());
    f.put("dtype", dtype);
    PredictOpView.run(
        command.name(), f, mode.name(), profiles, json.enabled(), command.commandLine().getOut());
  }

  /** Puts {@code value} under {@code key} when it was given (not {@code null}). */
  static void putIf(Map<String, Object> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value);
    }
  }
}
