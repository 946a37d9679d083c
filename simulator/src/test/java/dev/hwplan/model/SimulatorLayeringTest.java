package dev.hwplan.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Inside the simulator: models know nothing of memory, performance or parallelism. */
@AnalyzeClasses(packages = "dev.hwplan", importOptions = ImportOption.DoNotIncludeTests.class)
class SimulatorLayeringTest {
  @ArchTest
  static final ArchRule modelIsTheBottom =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.hwplan.memory..",
              "dev.hwplan.perf..",
              "dev.hwplan.parallel..",
              "dev.hwplan.inference..",
              "dev.hwplan.serving..",
              "dev.hwplan.training..",
              "dev.hwplan.scaling..",
              "dev.hwplan.cost..");

  @ArchTest
  static final ArchRule memoryKnowsNoPerformanceModel =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.memory..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.hwplan.perf..", "dev.hwplan.inference..", "dev.hwplan.serving..");

  @ArchTest
  static final ArchRule perfKnowsNoEstimatorAboveIt =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.perf..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.hwplan.inference..", "dev.hwplan.serving..", "dev.hwplan.training..");

  /** Serving times iterations through the step model (and its table), never an op-time model. */
  @ArchTest
  static final ArchRule servingTimesStepsOnlyThroughTheStepModel =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.serving..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.hwplan.perf..", "dev.hwplan.inference..");

  @ArchTest
  static final ArchRule parallelKnowsNoMemory =
      noClasses()
          .that()
          .resideInAPackage("dev.hwplan.parallel..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.hwplan.memory..");
}
