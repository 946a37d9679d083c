package dev.hwplan.cli;

import java.util.Map;
import picocli.CommandLine.Mixin;

/**
 * One op command of {@code hwplan predict} ({@code gemm}, {@code attention}, {@code grouped-gemm},
 * {@code collective}): its own flags, predicted and printed under the options every op shares
 * ({@link PredictOptions}).
 */
abstract class PredictOpCommand implements Runnable {
  private final String op;

  @Mixin PredictOptions predict;

  /**
   * @param op the op's name in {@code --input} lines
   */
  PredictOpCommand(String op) {
    this.op = op;
  }

  /** The op's flags, keys as in {@code --input} (without {@code gpu} and {@code mode}). */
  abstract Map<String, Object> flags();

  @Override
  public final void run() {
    predict.run(op, flags());
  }
}
