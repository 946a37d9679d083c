package dev.hwplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The quick path ({@link QuickPath}, start-up) answers exactly as picocli's annotated tree: its
 * model equals the commands' annotations option by option, it runs the documented forms itself, and
 * over command lines from README/DESIGN, the fuzz catalogue's bad and extreme values and odd forms
 * it prints the same stdout and stderr and exits with the same code.
 */
class QuickPathTest {
  /** The documented forms (README.md and DESIGN.md examples), which the quick path must run. */
  private static final List<String> DOCUMENTED =
      List.of(
          "kv --model llama-3.1-70b --context 131072",
          "kv --model deepseek-v3 --context 131072 --json",
          "kv --model gemma-3-27b --context 131072",
          "kv --model llama-3.1-70b --context 131072 --compare",
          "kv --model llama-3.1-70b --context 32768 --batch 8 --kv-dtype int4 --tp 4",
          "kv --model deepseek-v3 --context 4096 --compare --groups 4 --latent-rank 256 --mla-layout expanded --block-size 32 --pp 2",
          "infer --model llama-3.1-8b --gpu h100-sxm --batch 8 --prompt 1024 --output 256",
          "infer --model deepseek-v3 --gpu h200-sxm --tp 8 --batch 32 --prompt 4096 --output 512 --weights-dtype fp8 --mla latent",
          "infer --model llama-3.1-70b --gpu h100-sxm --tp 4 --batch 16 --prompt 2048 --output 512 --weights-dtype fp8 --json",
          "infer --model mixtral-8x7b --gpu h200-sxm --ep 2 --batch 64 --prompt 1024 --output 128 --execution compiled",
          "infer --model=llama-3.1-8b --gpu=h100-sxm --prompt=128 --output=16 --mode sol --kv-dtype fp8 --pp 2",
          "memory --model deepseek-v3 --gpu h200-sxm --tp 8 --weights-dtype fp8 --context 131072",
          "memory --model gpt-oss-120b --gpu h100-sxm --weights-dtype mxfp4 --context 131072",
          "memory --model llama-3.1-70b --gpu h100-sxm --tp 4 --weights-dtype fp8 --kv-dtype fp8 --context 32768",
          "memory --model llama-3.1-8b --gpu h100-sxm --gpu-mem-util 0.8 --reserve-gib 2 --max-batched-tokens 4096 --block-size 32 --json",
          "memory --model llama-3.1-8b --gpu h100-sxm",
          "profiles show h100-sxm",
          "profiles show h100-sxm --json",
          "profiles show --json h200-sxm");

  /** Command lines the quick path must leave to picocli without printing anything. */
  private static final List<String> TO_PICOCLI =
      List.of(
          "kv",
          "kv --help",
          "kv -h",
          "kv --version",
          "kv --model llama-3.1-70b",
          "kv --model llama-3.1-70b --context",
          "kv --model llama-3.1-70b --context 1 --bogus",
          "kv --mod llama-3.1-70b --context 1",
          "kv --model llama-3.1-70b --model x --context 1",
          "kv --model llama-3.1-70b --context 1 extra",
          "kv --model llama-3.1-70b --context 1 --",
          "kv --model @/nonexistent-hwplan-args.txt --context 1",
          "kv --model infer --context 1",
          "kv --model '' --context 1",
          "kv --model llama-3.1-70b --context abc",
          "kv --model llama-3.1-70b --context -1",
          "kv --model llama-3.1-70b --context 1 --json=true",
          "kv --model llama-3.1-70b --context 1 --profiles /tmp",
          "--json kv --model llama-3.1-70b --context 1",
          "memory --gpu h100-sxm --model llama-3.1-8b --tp -1",
          "profiles",
          "profiles show",
          "profiles show --help",
          "profiles show h100-sxm h200-sxm",
          "profiles show list",
          "profiles list",
          "--version");

  /** Unusual or bad command lines, whichever path takes them: the answers must not change. */
  private static final List<String> ODD =
      List.of(
          "kv --model llama-3.1-70b --context 1 --compare=false",
          "kv --model llama-3.1-70b --context 4096 --groups 4",
          "kv --model llama-3.1-70b --context 4096 --latent-rank 64",
          "kv --model llama-3.1-70b --context 4096 --mla-layout latent",
          "kv --model llama-3.1-70b --context 4096 --kv-dtype fp7",
          "kv --model nope --context 1",
          "infer --model llama-3.1-8b --gpu h100-sxm --prompt 1",
          "infer --model llama-3.1-8b --gpu nope --prompt 1 --output 1",
          "infer --model llama-3.1-8b --gpu h100-sxm --prompt 1 --output 1 --mla expanded",
          "infer --model llama-3.1-8b --gpu h100-sxm --prompt 1 --output 1 --mode bogus",
          "infer --model llama-3.1-8b --gpu h100-sxm --prompt 1 --output 1 --profiles /nonexistent-hwplan-dir",
          "infer --model qwen3-30b-a3b --gpu h100-sxm --tp 2 --prompt 64 --output 4"
              + " --enable-expert-parallel",
          "infer --model qwen3-30b-a3b --gpu h100-sxm --tp 2 --prompt 64 --output 4"
              + " --enable-expert-parallel --ep 2",
          "infer --model qwen3-30b-a3b --gpu h100-sxm --tp 2 --prompt 64 --output 4"
              + " --enable-expert-parallel=true --json",
          "infer --model llama-3.1-8b --gpu h100-sxm --tp 2 --prompt 64 --output 4"
              + " --enable-expert-parallel",
          "memory --model llama-3.1-8b --gpu h100-sxm --context 0",
          "memory --model llama-3.1-8b --gpu h100-sxm --reserve-gib 1e9",
          "profiles show nope");

  @Test
  void theQuickModelIsTheAnnotatedModelOptionByOption() throws Exception {
    for (QuickForms.Form form : QuickForms.ALL) {
      Object command = newCommand(form);
      CommandSpec quick = QuickPath.spec(form, command);
      CommandSpec annotated = new CommandLine(form.type()).getCommandSpec();
      Map<String, OptionSpec> expected = new LinkedHashMap<>();
      for (OptionSpec o : annotated.options()) {
        if (!o.usageHelp() && !o.versionHelp()) {
          expected.put(o.longestName(), o);
        }
      }
      assertThat(quick.options().stream().map(OptionSpec::longestName))
          .as("options of %s", form.words())
          .containsExactlyInAnyOrderElementsOf(expected.keySet());
      for (QuickForms.Opt o : form.options()) {
        sameArg(form, o, expected.get(o.name()), quick.findOption(o.name()), command);
      }
      assertThat(quick.positionalParameters()).hasSameSizeAs(annotated.positionalParameters());
      if (form.positional() != null) {
        sameArg(
            form,
            form.positional(),
            annotated.positionalParameters().get(0),
            quick.positionalParameters().get(0),
            command);
        assertThat(quick.positionalParameters().get(0).paramLabel())
            .isEqualTo(annotated.positionalParameters().get(0).paramLabel());
      }
    }
  }

  private static void sameArg(
      QuickForms.Form form, QuickForms.Opt o, ArgSpec annotated, ArgSpec quick, Object command)
      throws Exception {
    String what = form.words() + " " + o.name();
    assertThat(quick.type()).as("type of %s", what).isEqualTo(annotated.type());
    assertThat(quick.arity()).as("arity of %s", what).isEqualTo(annotated.arity());
    assertThat(quick.required()).as("required %s", what).isEqualTo(annotated.required());
    assertThat(quick.defaultValue()).as("default of %s", what).isEqualTo(annotated.defaultValue());
    // The field the annotation sits on is the field the quick model sets.
    assertThat(annotated.userObject()).as("field of %s", what).isInstanceOf(Field.class);
    Field f = (Field) annotated.userObject();
    assertThat(new QuickPath.Binding(command, o.field(), o.type()).field())
        .as("field of %s", what)
        .isEqualTo(f);
  }

  /** {@code args} with {@code flag} given as {@code flag=value} (replacing where it is given). */
  private static List<String> attached(List<String> args, String flag, String value) {
    List<String> l = new ArrayList<>(args);
    int i = l.indexOf(flag);
    if (i >= 0 && i + 1 < l.size()) {
      l.subList(i, i + 2).clear();
    }
    l.add(flag + "=" + value);
    return l;
  }

  /** The words of {@code line}, split at spaces; {@code ''} is an empty word. */
  private static String[] words(String line) {
    String[] w = line.split(" ");
    for (int i = 0; i < w.length; i++) {
      w[i] = w[i].equals("''") ? "" : w[i];
    }
    return w;
  }

  private static Object newCommand(QuickForms.Form form) throws Exception {
    var c = form.type().getDeclaredConstructor();
    c.setAccessible(true);
    return c.newInstance();
  }

  @Test
  void theDocumentedFormsTakeTheQuickPathAndOddOnesDoNot() {
    for (String line : DOCUMENTED) {
      String[] args = words(line);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      Integer code = QuickPath.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
      assertThat(code).as("exit code of the quick path for %s", line).isEqualTo(Hwplan.OK);
      assertThat(out.toString()).as("stdout of %s", line).isNotEmpty();
      assertThat(err.toString()).as("stderr of %s", line).isEmpty();
    }
    for (String line : TO_PICOCLI) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      assertThat(QuickPath.run(new PrintWriter(out, true), new PrintWriter(err, true), words(line)))
          .as("%s goes to picocli", line)
          .isNull();
      assertThat(out.toString() + err.toString()).as("nothing printed for %s", line).isEmpty();
    }
  }

  @Test
  void everyCommandLinePrintsAndExitsAsTheAnnotatedTree() {
    List<List<String>> cases = new ArrayList<>();
    for (String line : DOCUMENTED) {
      cases.add(List.of(words(line)));
    }
    for (String line : TO_PICOCLI) {
      cases.add(List.of(words(line)));
    }
    for (String line : ODD) {
      cases.add(List.of(words(line)));
    }
    for (FuzzCatalog.NumericFlag f : FuzzCatalog.numericFlags()) {
      if (QuickForms.match(f.base().toArray(String[]::new)) == null
          || f.base().get(0).equals("profiles")) {
        continue;
      }
      List<String> values = new ArrayList<>(FuzzCatalog.badValues(f.kind()));
      values.addAll(f.extraBad());
      if (!f.expensive()) {
        values.addAll(FuzzCatalog.extremeValues(f.kind()));
      }
      for (String v : values) {
        cases.add(FuzzCatalog.set(f.base(), f.flag(), v));
        cases.add(attached(f.base(), f.flag(), v));
      }
    }
    assertThat(cases).hasSizeGreaterThan(300);
    for (List<String> c : cases) {
      String[] args = c.toArray(String[]::new);
      assertThat(CliHarness.capture((out, err) -> Hwplan.execute(out, err, args)))
          .as("exit code, stdout and stderr of %s", c)
          .isEqualTo(CliHarness.run(args));
    }
  }
}
