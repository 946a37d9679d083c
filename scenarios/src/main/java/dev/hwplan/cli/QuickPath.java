package dev.hwplan.cli;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    WholeNumberConverter.register(cl);
    cl.parseArgs(rest);
    new Binding(command, "spec", CommandSpec.class).set(spec);
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
      Binding binding = new Binding(command, o.field(), o.type());
      spec.addOption(b.getter(binding).setter(binding).build());
    }
    QuickForms.Opt p = form.positional();
    if (p != null) {
      Binding binding = new Binding(command, p.field(), p.type());
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
   * The field of {@code type} named {@code name} in the command object, or else in one of its
   * mixins (fields whose class is in the command's package, made with their no-argument constructor
   * when still {@code null}, as picocli makes them). Looked up by name and type alone, not through
   * the annotations, so that the lookup costs no annotation parsing; {@code QuickPathTest} checks
   * that it finds the very field each annotation sits on. A class, not lambdas: classes
   * implementing picocli's (Java 5) interfaces through a lambda stay out of the start-up archive.
   */
  static final class Binding implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
    private final Object owner;
    private final Field field;

    Binding(Object command, String name, Class<?> type) throws ReflectiveOperationException {
      Class<?> c = command.getClass();
      Field f = field(c, name, type);
      Object o = command;
      if (f == null) {
        for (Field m : fields(c)) {
          if (m.getType().getPackage() == c.getPackage() && !m.getType().isPrimitive()) {
            f = field(m.getType(), name, type);
            if (f != null) {
              m.setAccessible(true);
              o = mixin(command, m);
              break;
            }
          }
        }
      }
      if (f == null) {
        throw new NoSuchFieldException(c.getName() + ": no field " + name + " of " + type);
      }
      this.owner = o;
      this.field = f;
    }

    private static Object mixin(Object command, Field m) throws ReflectiveOperationException {
      Object o = m.get(command);
      if (o == null) {
        Constructor<?> k = m.getType().getDeclaredConstructor();
        k.setAccessible(true);
        o = k.newInstance();
        m.set(command, o);
      }
      return o;
    }

    /**
     * The fields {@code c} declares, then those of its superclasses in the same package (a base
     * class that several commands share, such as {@link PlannerCommand}).
     */
    private static List<Field> fields(Class<?> c) {
      List<Field> all = new ArrayList<>();
      for (Class<?> k = c; k != null && k.getPackage() == c.getPackage(); k = k.getSuperclass()) {
        all.addAll(List.of(k.getDeclaredFields()));
      }
      return all;
    }

    /**
     * The field {@code name} of {@code c} (or of its superclasses in its package) when it has
     * exactly {@code type}, else null.
     */
    private static Field field(Class<?> c, String name, Class<?> type) {
      for (Field f : fields(c)) {
        if (f.getName().equals(name) && f.getType() == type) {
          f.setAccessible(true);
          return f;
        }
      }
      return null;
    }

    /** The field set. */
    Field field() {
      return field;
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
