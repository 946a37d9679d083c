package dev.hwplan.cli;

import java.io.Console;
import java.lang.reflect.Method;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Whether this process talks to a person at a terminal: progress bars only then. */
final class Terminal {
  private Terminal() {}

  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    // From JDK 22, System.console() is non-null even when redirected; isTerminal() tells.
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(c);
    } catch (NoSuchMethodException e) {
      return true; // JDK 17-21: a console exists only for a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** The ASCII progress bar on stderr that every long command shows, on a terminal only. */
  static ProgressBar progressBar(String task, long max, boolean eta) {
    ProgressBarBuilder b =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(max)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err));
    if (!eta) {
      b.hideEta();
    }
    return b.build();
  }
}
