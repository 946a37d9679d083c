package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The start-up prefetch starts only for the quick forms and reads the option values as picocli
 * will; the command's output after a prefetch is the output without one.
 */
class QuickPrefetchTest {
  private static String[] words(String line) {
    return line.split(" ");
  }

  @Test
  void startsOnlyForQuickFormsThatNameSomethingBundled() throws InterruptedException {
    assertThat(QuickPrefetch.start(words("--version"))).isNull();
    assertThat(QuickPrefetch.start(words("run scenarios/default.yaml"))).isNull();
    assertThat(QuickPrefetch.start(words("kv --model llama-3.1-8b --context 1 --help"))).isNull();
    assertThat(QuickPrefetch.start(words("profiles show --profiles dir h100-sxm"))).isNull();
    Thread t = QuickPrefetch.start(words("infer --model llama-3.1-8b --gpu h100-sxm --prompt 1"));
    assertThat(t).isNotNull();
    t.join();
  }

  @Test
  void readsOptionValuesInBothSpellings() {
    String[] rest = words("--model=llama-3.1-8b --gpu h100-sxm --mode sol --json");
    assertThat(QuickPrefetch.value(rest, "--model")).isEqualTo("llama-3.1-8b");
    assertThat(QuickPrefetch.value(rest, "--gpu")).isEqualTo("h100-sxm");
    assertThat(QuickPrefetch.value(rest, "--mode")).isEqualTo("sol");
    assertThat(QuickPrefetch.value(rest, "--profiles")).isNull();
  }

  @Test
  void theOutputAfterAPrefetchIsTheSame() throws InterruptedException {
    for (String line :
        new String[] {
          "infer --model llama-3.1-8b --gpu h200-sxm --batch 4 --prompt 512 --output 64",
          "memory --model llama-3.1-70b --gpu l40s --json",
          "profiles show rtx-4090",
          "infer --model no-such-model --gpu h100-sxm --prompt 1 --output 1",
          "infer --model llama-3.1-8b --gpu no-such-gpu --prompt 1 --output 1"
        }) {
      String[] a = words(line);
      String without = run(a);
      Thread t = QuickPrefetch.start(a);
      assertThat(t).as(line).isNotNull();
      t.join();
      assertThat(run(a)).as(line).isEqualTo(without);
    }
  }

  private static String run(String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Hwplan.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return code + "\n" + out + "\n" + err;
  }
}
