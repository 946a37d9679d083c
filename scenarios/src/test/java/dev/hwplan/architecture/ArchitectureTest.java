package dev.hwplan.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of every module, checked on the main classes of all of them (the scenarios
 * module sees them all): the modules' one direction of dependency, the layering inside the
 * simulator, and no cycle between any two packages. Every package a rule names must exist, so a
 * rename cannot quietly turn a rule into one that checks nothing.
 */
class ArchitectureTest {
  /** Packages of each module, bottom up (README: io <- hardware-profiles <- kernels <- ...). */
  private static final String[] IO = {"dev.hwplan.io.."};

  private static final String[] HARDWARE = {"dev.hwplan.hardware.."};

  private static final String[] KERNELS = {"dev.hwplan.kernels.."};
  private static final String[] SIMULATOR = {
    "dev.hwplan.model..",
    "dev.hwplan.memory..",
    "dev.hwplan.parallel..",
    "dev.hwplan.op..",
    "dev.hwplan.step..",
    "dev.hwplan.perf..",
    "dev.hwplan.inference..",
    "dev.hwplan.serving..",
    "dev.hwplan.training..",
    "dev.hwplan.posttrain..",
    "dev.hwplan.scaling..",
    "dev.hwplan.util..",
    "dev.hwplan.sweep.."
  };
  private static final String[] REPORTS = {"dev.hwplan.report..", "dev.hwplan.regress.."};
  private static final String[] SCENARIOS = {
    "dev.hwplan.scenario..", "dev.hwplan.cli..", "dev.hwplan.bench.."
  };

  /** The op-time model families: only the op-time model API and its calibration use them. */
  private static final String[] TIME_MODEL_FAMILIES = {
    "dev.hwplan.perf.device..",
    "dev.hwplan.perf.gemm..",
    "dev.hwplan.perf.attention..",
    "dev.hwplan.perf.comm..",
    "dev.hwplan.perf.elementwise.."
  };

  /** Users of step times: they ask the step model, never the time models or the op factories. */
  private static final String[] STEP_USERS = {
    "dev.hwplan.inference..",
    "dev.hwplan.serving..",
    "dev.hwplan.training..",
    "dev.hwplan.posttrain.."
  };

  private static JavaClasses main;
  private static final Set<String> named = new LinkedHashSet<>();

  /**
   * The main classes of every module under {@code dev.hwplan}: from the modules' class folders or
   * from their jars, as Maven puts them on the test class path (jars in a reactor {@code verify}).
   */
  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hwplan");
  }

  private static String[] named(String... packages) {
    named.addAll(List.of(packages));
    return packages;
  }

  private static String[] concat(String[]... groups) {
    List<String> all = new ArrayList<>();
    for (String[] g : groups) {
      all.addAll(List.of(g));
    }
    return named(all.toArray(new String[0]));
  }

  /** The packages of {@code group} but {@code one}. */
  private static String[] without(String[] group, String one) {
    return named(Arrays.stream(group).filter(p -> !p.equals(one)).toArray(String[]::new));
  }

  private static void layer(String[] lower, String[] upper) {
    noClasses()
        .that()
        .resideInAnyPackage(named(lower))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(named(upper))
        .check(main);
  }

  @Test
  void modulesDependOnlyDownwards() {
    layer(IO, concat(HARDWARE, KERNELS, SIMULATOR, REPORTS, SCENARIOS));
    layer(HARDWARE, concat(KERNELS, SIMULATOR, REPORTS, SCENARIOS));
    layer(KERNELS, concat(SIMULATOR, REPORTS, SCENARIOS));
    layer(SIMULATOR, concat(REPORTS, SCENARIOS));
    layer(REPORTS, concat(SCENARIOS));
  }

  @Test
  void insideTheSimulatorEachLayerKnowsOnlyWhatIsBelowIt() {
    // The model catalog is the bottom layer: it knows no other package of the simulator.
    layer(named("dev.hwplan.model.."), without(SIMULATOR, "dev.hwplan.model.."));
    layer(named("dev.hwplan.parallel.."), named("dev.hwplan.memory..", "dev.hwplan.op.."));
    layer(
        named("dev.hwplan.memory.."),
        named(
            "dev.hwplan.op..", "dev.hwplan.step..", "dev.hwplan.perf..", "dev.hwplan.inference.."));
    // The op vocabulary knows nothing of time or of the steps built from it.
    layer(
        named("dev.hwplan.op.."),
        named("dev.hwplan.perf..", "dev.hwplan.step..", "dev.hwplan.inference.."));
    // The time models know nothing of steps, estimators, reports or the CLI.
    layer(
        concat(TIME_MODEL_FAMILIES, named("dev.hwplan.perf")),
        concat(
            named("dev.hwplan.step..", "dev.hwplan.inference..", "dev.hwplan.perf.calibration.."),
            REPORTS,
            SCENARIOS));
    // The step model knows nothing of its users.
    layer(named("dev.hwplan.step.."), named("dev.hwplan.inference..", "dev.hwplan.serving.."));
    // The step and time models know nothing of the training planner built on them.
    layer(
        named("dev.hwplan.step..", "dev.hwplan.perf..", "dev.hwplan.memory.."),
        named("dev.hwplan.training.."));
  }

  @Test
  void stepTimesAreAskedOfTheStepModel() {
    layer(STEP_USERS, TIME_MODEL_FAMILIES);
    noClasses()
        .that()
        .resideInAnyPackage(named(STEP_USERS))
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.hwplan.op.Ops")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.hwplan.step.TransformerStep")
        .check(main);
  }

  /**
   * The modules that the default build makes know nothing of Apache Spark (nor Scala): the Spark
   * executor lives in the {@code distributed} module, found through {@link java.util.ServiceLoader}
   * behind the sweep seam ({@code dev.hwplan.sweep}), and built only with {@code -Pspark}.
   */
  @Test
  void theCoreDoesNotDependOnSpark() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.hwplan..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.spark..", "scala..")
        .check(main);
  }

  @Test
  void noCycleBetweenPackages() {
    slices().matching("dev.hwplan.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void everyPackageTheRulesNameExists() {
    modulesDependOnlyDownwards();
    insideTheSimulatorEachLayerKnowsOnlyWhatIsBelowIt();
    stepTimesAreAskedOfTheStepModel();
    Set<String> packages = new LinkedHashSet<>();
    for (JavaClass c : main) {
      packages.add(c.getPackageName());
    }
    for (String n : named) {
      String prefix = n.replace("..", "");
      assertThat(packages.stream().anyMatch(p -> p.equals(prefix) || p.startsWith(prefix + ".")))
          .as("a rule names %s, which has no class", n)
          .isTrue();
    }
  }
}
