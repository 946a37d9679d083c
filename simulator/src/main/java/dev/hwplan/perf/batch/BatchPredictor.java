package dev.hwplan.perf.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwplan.hardware.ClusterCatalog;
import dev.hwplan.hardware.ClusterProfile;
import dev.hwplan.hardware.GpuProfile;
import dev.hwplan.hardware.ProfileCatalog;
import dev.hwplan.io.InvalidInputException;
import dev.hwplan.io.StrictMapper;
import dev.hwplan.io.TextFiles;
import dev.hwplan.op.OpShape;
import dev.hwplan.perf.Mode;
import dev.hwplan.perf.OpTimeModel;
import dev.hwplan.perf.Prediction;
import dev.hwplan.perf.calibration.Calibrations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * {@code hwplan predict --input}: reads ops one a line, predicts each with the model of its GPU and
 * mode (built once per pair), and streams a JSON array of results in input order. Blank lines are
 * skipped; any bad line stops the run with the file, the line and the field.
 *
 * <p>Lines are read in batches of {@value #BATCH}; the lines of a batch are parsed and predicted in
 * parallel (the models are immutable once built), and the results are written in input order. If
 * several lines of a batch are bad, the first of them in the file is the one reported, as in a
 * sequential run. The output of the lines before it has been written by then: a caller that must
 * print nothing on bad input holds the output until {@link #run} returns (as {@code hwplan predict
 * --input} does).
 */
public final class BatchPredictor {
  /**
   * Doubles written by Jackson's port of Schubfach (Giulietti 2020), the algorithm of JDK 19's
   * {@code Double.toString}: several times faster than JDK 17's, the shortest digits that read back
   * as the same double. JDK 17's {@code Double.toString} is the slowest step of a line otherwise.
   */
  private static final JsonFactory GENERATORS =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private final ProfileCatalog catalog;
  private final Mode defaultMode;
  private final ObjectMapper mapper = StrictMapper.json();
  private final Map<String, OpTimeModel> models = new ConcurrentHashMap<>();

  /** Lines per batch: large enough to keep the cores busy, small enough to stream the output. */
  static final int BATCH = 4096;

  public BatchPredictor(ProfileCatalog catalog, Mode defaultMode) {
    this.catalog = catalog;
    this.defaultMode = defaultMode;
  }

  /** The model for a GPU id and mode; an unknown id is bad input on {@code source}. */
  public OpTimeModel model(String gpu, Mode mode, String source) {
    String key = gpu + "\u0000" + mode;
    OpTimeModel m = models.get(key);
    if (m == null) {
      GpuProfile p;
      try {
        p = catalog.get(gpu);
      } catch (InvalidInputException e) {
        throw new InvalidInputException(source, "gpu", e.reason());
      }
      m = models.computeIfAbsent(key, k -> Calibrations.model(p, mode));
    }
    return m;
  }

  /**
   * Predicts one request. A collective over more GPUs than a node of the bundled cluster that holds
   * the GPU says that this op-level answer keeps them on one scale-up link: {@code infer}, {@code
   * serve} and {@code train} time what leaves a node through the NICs.
   */
  public Prediction predict(OpRequest r, String source) {
    try {
      Prediction p = model(r.gpu(), r.mode(), source).predict(r.op());
      ClusterProfile cluster;
      if (r.op().shape() instanceof OpShape.Comm c
          && (cluster = ClusterCatalog.forGpu(r.gpu())) != null
          && c.gpus() > cluster.gpusPerNode()) {
        p =
            p.withNote(
                p.notes().size(),
                String.format(
                    Locale.ROOT,
                    "%d GPUs are more than a node of %s holds (%d): timed as one scale-up domain;"
                        + " infer, serve and train time collectives across nodes through the NICs",
                    c.gpus(),
                    cluster.id(),
                    cluster.gpusPerNode()));
      }
      return p;
    } catch (InvalidInputException e) {
      if (e.source().equals("command line")) {
        throw new InvalidInputException(source, e.field().replaceFirst("^--", ""), e.reason());
      }
      throw e;
    }
  }

  /**
   * Reads {@code in} (named {@code file} in messages) and writes the JSON array to {@code out}.
   *
   * @return the number of ops predicted
   */
  public long run(BufferedReader in, String file, Writer out) throws IOException {
    JsonGenerator g = generator(out);
    g.writeStartArray();
    long n = 0;
    int lineNo = 0;
    List<String> lines = new ArrayList<>(BATCH);
    int[] numbers = new int[BATCH];
    Object[] results = new Object[BATCH];
    boolean more = true;
    while (more) {
      lines.clear();
      for (String line; lines.size() < BATCH; ) {
        try {
          line = in.readLine();
        } catch (IOException e) {
          // Lines before this one may be fine; the unreadable one is reported, with its number.
          throw TextFiles.lineError(file, lineNo + 1, e);
        }
        if (line == null) {
          more = false;
          break;
        }
        lineNo++;
        if (!line.isBlank()) {
          numbers[lines.size()] = lineNo;
          lines.add(line);
        }
      }
      int count = lines.size();
      IntStream.range(0, count)
          .parallel()
          .forEach(i -> results[i] = predictLine(lines.get(i), file + ":" + numbers[i]));
      for (int i = 0; i < count; i++) {
        if (results[i] instanceof RuntimeException e) {
          throw e;
        }
        Line r = (Line) results[i];
        write(g, r.gpu(), r.prediction());
        n++;
      }
    }
    g.writeEndArray();
    g.writeRaw('\n');
    g.flush();
    return n;
  }

  /** The generator results are written with (doubles through the fast writer). */
  static JsonGenerator generator(Writer out) throws IOException {
    return GENERATORS.createGenerator(out);
  }

  private record Line(String gpu, Prediction prediction) {}

  /** One line's prediction, or the exception that a bad line raises (returned, not thrown). */
  private Object predictLine(String line, String source) {
    try {
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        throw new InvalidInputException(source, "", "not valid JSON: " + e.getOriginalMessage());
      }
      OpRequest r = OpRequests.fromJson(node, source, defaultMode);
      return new Line(r.gpu(), predict(r, source));
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** Writes one prediction as a JSON object (SI units). */
  public static void write(JsonGenerator g, String gpu, Prediction p) {
    try {
      g.writeRaw('\n');
      g.writeStartObject();
      g.writeStringField("op", p.op());
      g.writeStringField("gpu", gpu);
      g.writeStringField("mode", p.mode().key());
      g.writeNumberField("seconds", p.seconds());
      g.writeNumberField("lowSeconds", p.lowSeconds());
      g.writeNumberField("highSeconds", p.highSeconds());
      g.writeStringField("bound", p.bound().key());
      g.writeNumberField("efficiency", p.efficiency());
      g.writeNumberField("solSeconds", p.solSeconds());
      g.writeNumberField("flops", p.flops());
      g.writeNumberField("bytes", p.bytes());
      g.writeArrayFieldStart("notes");
      for (String note : p.notes()) {
        g.writeString(note);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
