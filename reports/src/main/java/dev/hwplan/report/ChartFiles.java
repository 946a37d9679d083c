package dev.hwplan.report;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import dev.hwplan.io.AtomicFiles;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Draws XChart charts as PNG and SVG bytes or files. The output depends only on the chart (and the
 * JDK's fonts): the same chart gives byte-identical files on one machine. Neither encoder embeds a
 * date: {@code ImageIO}'s PNG writer adds no {@code tIME} or text chunks, and VectorGraphics2D's
 * SVG has no metadata. {@link #svgBytes} still removes any XML comment, where generators put
 * timestamps, so that a library update cannot bring one in silently, and renumbers the clip-path
 * ids, which VectorGraphics2D derives from a hash. SVG text is drawn as glyph outlines, so it looks
 * the same in every viewer; {@link SvgMinifier} writes those outlines with relative coordinates at
 * 1/100 pixel, which makes the files about four times smaller. Log axes are made readable first
 * ({@link LogAxes}). Files are written atomically through {@link AtomicFiles}.
 */
public final class ChartFiles {
  private static final Pattern CLIP_ID = Pattern.compile("\\bclip-?[0-9]+\\b");

  private ChartFiles() {}

  /** Writes {@code chart} at its own size as a PNG to {@code file}, atomically. */
  public static void png(Chart<?, ?> chart, Path file) {
    AtomicFiles.write(file, pngBytes(chart, chart.getWidth(), chart.getHeight()));
  }

  /** Writes {@code chart} at its own size as an SVG to {@code file}, atomically. */
  public static void svg(Chart<?, ?> chart, Path file) {
    AtomicFiles.write(file, svgBytes(chart, chart.getWidth(), chart.getHeight()));
  }

  /**
   * The chart drawn at {@code width} x {@code height} pixels, as PNG bytes (8-bit RGBA). Drawing at
   * a size other than the chart's own changes the chart's size too, as XChart's {@code paint} does.
   */
  public static byte[] pngBytes(Chart<?, ?> chart, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    paint(chart, image.createGraphics(), width, height);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("no PNG writer in this JDK");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "' as PNG", e);
    }
    return out.toByteArray();
  }

  /** The chart drawn at {@code width} x {@code height} pixels, as SVG bytes (UTF-8). */
  public static byte[] svgBytes(Chart<?, ?> chart, int width, int height) {
    VectorGraphics2D g = new VectorGraphics2D();
    paint(chart, g, width, height);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new SVGProcessor()
          .getDocument(g.getCommands(), new PageSize(0, 0, width, height))
          .writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "' as SVG", e);
    }
    String svg = out.toString(StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->\\s*", "");
    return SvgMinifier.minify(renumberClips(svg)).getBytes(StandardCharsets.UTF_8);
  }

  /** Draws {@code chart} on {@code g} at {@code width} x {@code height}, readable axes first. */
  private static void paint(Chart<?, ?> chart, Graphics2D g, int width, int height) {
    LogAxes.makeReadable(chart, width, height);
    try {
      chart.paint(g, width, height);
    } finally {
      g.dispose();
    }
  }

  /**
   * VectorGraphics2D names clip paths {@code clip<hash>} after a hash of the clip shape; renaming
   * them {@code clip1, clip2, ...} in order of appearance keeps the file independent of how that
   * hash is computed.
   */
  static String renumberClips(String svg) {
    Map<String, String> names = new HashMap<>();
    Matcher m = CLIP_ID.matcher(svg);
    StringBuilder out = new StringBuilder(svg.length());
    while (m.find()) {
      String name = names.computeIfAbsent(m.group(), k -> "clip" + (names.size() + 1));
      m.appendReplacement(out, name);
    }
    m.appendTail(out);
    return out.toString();
  }
}
