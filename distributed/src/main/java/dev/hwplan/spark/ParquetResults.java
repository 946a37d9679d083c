package dev.hwplan.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwplan.sweep.SweepTasks;
import dev.hwplan.sweep.TaskOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Every task's inputs and result as Parquet, for SQL over a large study: one folder per sweep
 * ({@code DIR/sweep-1}, {@code DIR/sweep-2}, ... in the order the sweeps ran), one row per task
 * with {@code sweep} (the tasks' label), {@code index}, {@code point} (the inputs, a struct) and
 * {@code result} (a struct of the result's fields, in SI units as in {@code --json}) or {@code
 * error} (the bad-input message). The schema is Spark's inference from the rows' JSON.
 */
final class ParquetResults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ParquetResults() {}

  static <R> void write(
      SparkSession spark, Path dir, int sweep, SweepTasks<?> tasks, List<TaskOutcome<R>> out) {
    List<String> lines = new ArrayList<>(out.size());
    for (TaskOutcome<R> o : out) {
      ObjectNode row = JSON.createObjectNode();
      row.put("sweep", tasks.label());
      row.put("index", o.index());
      row.set("point", JSON.valueToTree(tasks.inputs(o.index())));
      if (o.badInput() != null) {
        row.put("error", o.badInput().getMessage());
      } else {
        row.set("result", JSON.valueToTree(o.value()));
      }
      lines.add(row.toString());
    }
    Dataset<Row> rows = spark.read().json(spark.createDataset(lines, Encoders.STRING()));
    rows.coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(dir.resolve("sweep-" + sweep).toAbsolutePath().toString());
  }
}
