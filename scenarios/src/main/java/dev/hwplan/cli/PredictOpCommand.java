package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * One op command of {@code hwplan predict} ({@code gemm}, {@code attention}, {@code grouped-gemm},
 * {@code collective}): its own flags, predicted and printed under the options every op shares
 * ({@link PredictOptions}).
 */
abstract class PredictOpCommand implements Runnable {
  @Mixin PredictOptions predict;

  /**
   * Puts the op's flags in {@code flags}, keys as in {@code --input} (without {@code gpu}, {@code
   * mode} and {@code dtype}).
   */
  abstract void putFlags(Map<String, Object> flags);

  @Override
  public final void run() {
    predict.run(this::putFlags);
  }
}
