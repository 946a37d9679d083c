package dev.hwplan.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Start-up: runs the documented forms of the quick commands ({@link QuickForms}) without building
 * picocli's model from annotations. Reading the {@code @Command}/{@code @Option} annotations makes
 * the JDK generate a proxy class per annotation type, which JDK 17 cannot keep in a class-data
 * archive, and picocli then inspects every field by reflection: together the larger part of what a
 * quick command spends after the JVM's own start (bench/startup/RESULTS.md). Here the command's
 * model is built in code from {@link QuickForms}, bound to the same command object, and parsed by
 * picocli itself, so that parsing, type conversion, defaults and {@link Given} behave as in the
 * annotated tree; the command's own {@code run()} then runs with the same streams and error
 * handling as {@link Hwplan#execute}.
 *
 * <p>Anything unusual goes to the annotated tree, which prints the one true message: an option or
 * word the form does not list (help, version, abbreviations, a parent's option), {@code --}, an
 * {@code @file}, a value that looks like an option or names a command, and any command line that
 * picocli's parse of the quick model refuses. The quick model is never the one that reports bad
 * input. {@code QuickPathTest} runs a broad set of command lines through both and requires the same
 * stdout, stderr and exit code.
 */
final class QuickPath {
  private QuickPath() {}

  /**
   * Runs {@code args} when they are a plain quick form and returns the exit code; returns {@code
   * null}, having printed nothing, when they are not (the caller then runs the annotated tree).
   */
  static Integer run(PrintWriter out, PrintWriter err, String[] args) {
    QuickForms.Form form = QuickForms.match(args);
    if (form == null) {
      return null;
    }
    String[] rest = Arrays.copyOfRange(args, form.words().size(), args.length);
    if (!plain(form, rest)) {
      return null;
    }
    Runnable command;
    try {
      command = parse(form, rest, out, err);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // bad input, or a binding that does not resolve: the annotated tree answers
    }
    try {
      command.run();
      return Hwplan.OK;
    } catch (CommandLine.ParameterException e) {
      return Hwplan.badInput(err, e.getMessage(), String.join(" ", form.words()) + " ");
    } catch (Exception e) {
      return Hwplan.executionFailed(err, e);
    }
  }

  /**
   * Whether every word of {@code rest} is an option the form lists, with its value in the next word
   * or after {@code =}, or the form's one positional parameter; and no value that picocli might
   * read otherwise (one that starts with {@code -} or {@code @}, is empty, or names a command).
   */
  static boolean plain(QuickForms.Form form, String[] rest) {
    boolean positional = false;
    for (int i = 0; i < rest.length; i++) {
      String a = rest[i];
      if (a.startsWith("-")) {
        int eq = a.indexOf('=');
        QuickForms.Opt o = form.option(eq < 0 ? a : a.substring(0, eq));
        if (o == null || (o.flag() && eq >= 0)) {
          return false;
        }
        if (!o.flag() && !plainValue(eq >= 0 ? a.substring(eq + 1) : next(rest, ++i))) {
          return false;
        }
      } else if (form.positional() == null || positional || !plainValue(a)) {
        return false;
      } else {
        positional = true;
      }
    }
    return true;
  }

  private static String next(String[] rest, int i) {
    return i < rest.length ? rest[i] : null;
  }

  private static boolean plainValue(String v) {
    return v != null
        && !v.isEmpty()
        && !v.startsWith("-")
        && !v.startsWith("@")
        && !Subcommands.ALL.containsKey(v)
        && !v.equals("list")
        && !v.equals("show");
  }

  /**
   * A new command object with its model built from {@code form}, {@code rest} parsed into it by
   * picocli, and its {@code spec} field set, as picocli's {@code @Spec} would.
   */
  static Runnable parse(QuickForms.Form form, String[] rest, PrintWriter out, PrintWriter err)
      throws ReflectiveOperationException {
    Constructor<?> c = form.type().getDeclaredConstructor();
    c.setAccessible(true);
    Object command = c.newInstance();
    CommandSpec spec = spec(form, command);
    CommandLine cl = new CommandLine(spec);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.parseArgs(rest);
    new Binding(command, "spec").set(spec);
    return (Runnable) command;
  }

  /** The picocli model of {@code form}, bound to {@code command}'s fields. */
  static CommandSpec spec(QuickForms.Form form, Object command)
      throws ReflectiveOperationException {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.name(form.words().get(form.words().size() - 1));
    for (QuickForms.Opt o : form.options()) {
      OptionSpec.Builder b = OptionSpec.builder(o.name()).type(o.type()).required(o.required());
      if (o.defaultValue() != null) {
        b.defaultValue(o.defaultValue());
      }
      Binding binding = new Binding(command, o.field());
      spec.addOption(b.getter(binding).setter(binding).build());
    }
    QuickForms.Opt p = form.positional();
    if (p != null) {
      Binding binding = new Binding(command, p.field());
      spec.addPositional(
          PositionalParamSpec.builder()
              .index("0")
              .paramLabel(p.name())
              .type(p.type())
              .required(p.required())
              .getter(binding)
              .setter(binding)
              .build());
    }
    return spec;
  }

  /**
   * A field of the command or of one of its mixins, by path ({@code "json.json"}); a mixin that is
   * still {@code null} is made with its no-argument constructor, as picocli makes it. A class, not
   * lambdas: classes implementing picocli's (Java 5) interfaces through a lambda stay out of the
   * start-up archive.
   */
  static final class Binding implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
    private final Object owner;
    private final Field field;

    Binding(Object root, String path) throws ReflectiveOperationException {
      String[] names = path.split("\\.");
      Object o = root;
      for (int i = 0; i < names.length - 1; i++) {
        Field f = field(o.getClass(), names[i]);
        Object next = f.get(o);
        if (next == null) {
          Constructor<?> c = f.getType().getDeclaredConstructor();
          c.setAccessible(true);
          next = c.newInstance();
          f.set(o, next);
        }
        o = next;
      }
      this.owner = o;
      this.field = field(o.getClass(), names[names.length - 1]);
    }

    /** The field set. */
    Field field() {
      return field;
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() throws IllegalAccessException {
      return (T) field.get(owner);
    }

    /**
     * Sets the field; {@code null} leaves it as it is (picocli passes {@code null} only as the
     * initial value of an option without a default, which a new command object already holds).
     */
    @Override
    public <T> T set(T value) throws IllegalAccessException {
      T old = get();
      if (value != null) {
        field.set(owner, value);
      }
      return old;
    }
  }
}
