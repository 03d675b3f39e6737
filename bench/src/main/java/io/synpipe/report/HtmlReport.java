package io.synpipe.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained {@code report.html}: inline SVG and CSS only (no script, nothing fetched), readable offline.
 * <ul>
 *     <li>latency by percentile: one {@code <polyline data-scenario="name">} per scenario; the percentile axis is
 *     log-scaled as HdrHistogram plots are, x = log10(1 / (1 - p)), ticks at 0, 90, 99, 99.9, 99.99 and
 *     99.999 %, the maximum drawn at the right edge; latency in µs on a log axis (whole decades), since a
 *     linear one flattens everything below a millisecond outlier;</li>
 *     <li>throughput over time: one {@code <polyline data-scenario="name">} per scenario, a step per interval at
 *     its mean rate (count / interval length) from the interval's start to its end;</li>
 *     <li>the {@link PercentileTable}.</li>
 * </ul>
 * Each {@code <svg>} element is well-formed XML on its own.
 */
public final class HtmlReport
{
    /** The file written into the report directory. */
    public static final String FILE_NAME = "report.html";
    /** The percentile axis ends at 99.999 % (five nines); the maximum is drawn there. */
    static final double MAX_NINES = 5;

    private static final int WIDTH = 760;
    private static final int HEIGHT = 400;
    private static final int LEFT = 100;
    private static final int RIGHT = 44;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    private static final int Y_DIVISIONS = 5;
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;
    private static final String[] NINES_LABELS = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    private static final String[] COLORS = {
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

    private HtmlReport()
    {
    }

    /**
     * Writes {@code dir/report.html}; the directory must exist.
     *
     * @param notes lines shown under the title (what was run, where, when).
     * @return the file written.
     * @throws UncheckedIOException if the file cannot be written.
     */
    public static Path write(
        final Path dir, final String title, final List<String> notes, final List<LatencyScenario> scenarios)
    {
        final Path file = dir.resolve(FILE_NAME);
        try
        {
            Files.writeString(file, html(title, notes, scenarios), StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** The whole page. */
    public static String html(final String title, final List<String> notes, final List<LatencyScenario> scenarios)
    {
        final StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(escape(title)).append("</title>\n<style>\n")
            .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
            .append("table{border-collapse:collapse}td,th{padding:.25em .8em;border-bottom:1px solid #ddd}")
            .append("td{text-align:right;font-variant-numeric:tabular-nums}td:first-child,th:first-child{text-align:left}")
            .append("svg text{font-size:12px;fill:#222}\n</style>\n</head>\n<body>\n<h1>")
            .append(escape(title)).append("</h1>\n<ul>\n");
        for (final String note : notes)
        {
            sb.append("<li>").append(escape(note)).append("</li>\n");
        }
        sb.append("</ul>\n<h2>Latency by percentile</h2>\n").append(latencySvg(scenarios))
            .append("\n<h2>Throughput over time</h2>\n").append(throughputSvg(scenarios))
            .append("\n<h2>Percentiles</h2>\n");
        table(sb, new PercentileTable(scenarios));
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    /**
     * Latency (µs, log scale over whole decades from below the smallest to above the largest value) against
     * percentile, x = log10(1 / (1 - p)) capped at {@link #MAX_NINES}.
     */
    static String latencySvg(final List<LatencyScenario> scenarios)
    {
        long minNs = Long.MAX_VALUE;
        long maxNs = 0;
        for (final LatencyScenario s : scenarios)
        {
            final Histogram h = s.latencyNs();
            if (h.getTotalCount() > 0)
            {
                minNs = Math.min(minNs, Math.max(1, h.getMinNonZeroValue()));
                maxNs = Math.max(maxNs, h.getMaxValue());
            }
        }
        final int lowDecade = maxNs == 0 ? 0 : (int)Math.floor(Math.log10(minNs / 1e3) + 1e-9);
        final int highDecade = maxNs == 0 ? 1 : Math.max(lowDecade + 1, (int)Math.ceil(Math.log10(maxNs / 1e3) - 1e-9));
        final StringBuilder sb = new StringBuilder();
        open(sb, "latency-by-percentile", "Latency by percentile");
        for (int tick = 0; tick < NINES_LABELS.length; tick++)
        {
            xTick(sb, LEFT + PLOT_WIDTH * tick / MAX_NINES, NINES_LABELS[tick]);
        }
        final int decades = highDecade - lowDecade;
        for (int d = 0; d <= decades; d++)
        {
            yTick(sb, TOP + PLOT_HEIGHT * (1 - d / (double)decades), number(Math.pow(10, lowDecade + d)));
        }
        axisTitles(sb, "percentile (log scale: 1 / (1 - p))", "latency (µs, log scale)");
        for (int i = 0; i < scenarios.size(); i++)
        {
            final LatencyScenario s = scenarios.get(i);
            final StringBuilder points = new StringBuilder();
            final Histogram h = s.latencyNs();
            if (h.getTotalCount() > 0)
            {
                for (final HistogramIterationValue v : h.percentiles(PERCENTILE_TICKS_PER_HALF_DISTANCE))
                {
                    final double nines = nines(v.getPercentileLevelIteratedTo() / 100.0);
                    final double us = Math.max(v.getValueIteratedTo() / 1e3, Math.pow(10, lowDecade));
                    final double decadesUp = Math.min(decades, Math.log10(us) - lowDecade);
                    point(points, LEFT + PLOT_WIDTH * nines / MAX_NINES, TOP + PLOT_HEIGHT * (1 - decadesUp / decades));
                }
            }
            curve(sb, s.name(), i, points);
        }
        legend(sb, scenarios);
        return sb.append("</svg>").toString();
    }

    /** Per-interval rate against time since the start of the run, as steps. */
    static String throughputSvg(final List<LatencyScenario> scenarios)
    {
        double xMaxS = 0;
        double yMax = 0;
        for (final LatencyScenario s : scenarios)
        {
            final IntervalCounts counts = s.intervals();
            for (int i = 0; i < counts.size(); i++)
            {
                xMaxS = Math.max(xMaxS, counts.endOffsetNs(i) / 1e9);
                yMax = Math.max(yMax, counts.ratePerSecond(i));
            }
        }
        xMaxS = niceCeiling(xMaxS);
        yMax = niceCeiling(yMax);
        final StringBuilder sb = new StringBuilder();
        open(sb, "throughput", "Throughput over time");
        for (int tick = 0; tick <= Y_DIVISIONS; tick++)
        {
            xTick(sb, LEFT + PLOT_WIDTH * tick / (double)Y_DIVISIONS, number(xMaxS * tick / Y_DIVISIONS));
        }
        yTicks(sb, yMax);
        axisTitles(sb, "time since start (s)", "rate per interval (/s)");
        for (int i = 0; i < scenarios.size(); i++)
        {
            final IntervalCounts counts = scenarios.get(i).intervals();
            final StringBuilder points = new StringBuilder();
            for (int k = 0; k < counts.size(); k++)
            {
                // a step: the interval's mean rate held from its start to its end
                final double y = TOP + PLOT_HEIGHT * (1 - counts.ratePerSecond(k) / yMax);
                point(points, LEFT + PLOT_WIDTH * counts.startOffsetNs(k) / 1e9 / xMaxS, y);
                point(points, LEFT + PLOT_WIDTH * counts.endOffsetNs(k) / 1e9 / xMaxS, y);
            }
            curve(sb, scenarios.get(i).name(), i, points);
        }
        legend(sb, scenarios);
        return sb.append("</svg>").toString();
    }

    /** x = log10(1 / (1 - p)): 0 at p = 0, 1 at 90 %, 2 at 99 % ...; p = 1 (the maximum) at the axis end. */
    static double nines(final double p)
    {
        if (p >= 1)
        {
            return MAX_NINES;
        }
        return Math.min(MAX_NINES, Math.max(0, -Math.log10(1 - p)));
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k at or above {@code value}; 1 for nothing to show. */
    static double niceCeiling(final double value)
    {
        if (!(value > 0))
        {
            return 1;
        }
        final double base = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double m : new double[] {1, 2, 2.5, 5, 10})
        {
            if (m * base >= value * (1 - 1e-12))
            {
                return m * base;
            }
        }
        return 10 * base;
    }

    private static void open(final StringBuilder sb, final String id, final String title)
    {
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"%s\" width=\"%d\" "
            + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n<title>%s</title>\n",
            id, WIDTH, HEIGHT, WIDTH, HEIGHT, escape(title), escape(title)));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            + "stroke=\"#888\"/>\n", LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT));
    }

    private static void xTick(final StringBuilder sb, final double x, final String label)
    {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>\n"
            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            x, TOP, x, TOP + PLOT_HEIGHT, x, TOP + PLOT_HEIGHT + 16, escape(label)));
    }

    private static void yTicks(final StringBuilder sb, final double yMax)
    {
        for (int tick = 0; tick <= Y_DIVISIONS; tick++)
        {
            yTick(sb, TOP + PLOT_HEIGHT * (1 - tick / (double)Y_DIVISIONS), number(yMax * tick / Y_DIVISIONS));
        }
    }

    private static void yTick(final StringBuilder sb, final double y, final String label)
    {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
            + "stroke=\"#e5e5e5\"/>\n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
            LEFT, y, LEFT + PLOT_WIDTH, y, LEFT - 6, y + 4, escape(label)));
    }

    private static void axisTitles(final StringBuilder sb, final String x, final String y)
    {
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n"
            + "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">%s</text>\n",
            LEFT + PLOT_WIDTH / 2, HEIGHT - 12, escape(x), TOP + PLOT_HEIGHT / 2, TOP + PLOT_HEIGHT / 2, escape(y)));
    }

    private static void point(final StringBuilder points, final double x, final double y)
    {
        final String p = String.format(Locale.ROOT, "%.1f,%.1f", x, y);
        final int last = points.lastIndexOf(" ") + 1;
        if (points.length() > 0 && points.substring(last).equals(p))
        {
            return;
        }
        if (points.length() > 0)
        {
            points.append(' ');
        }
        points.append(p);
    }

    private static void curve(final StringBuilder sb, final String name, final int index, final CharSequence points)
    {
        // every other curve dashed, so two scenarios with the same figures (e.g. the same rate) both show
        sb.append("<polyline data-scenario=\"").append(escape(name)).append("\" fill=\"none\" stroke=\"")
            .append(COLORS[index % COLORS.length]).append("\" stroke-width=\"2\"")
            .append(index % 2 == 1 ? " stroke-dasharray=\"6 4\"" : "").append(" points=\"").append(points)
            .append("\"/>\n");
    }

    private static void legend(final StringBuilder sb, final List<LatencyScenario> scenarios)
    {
        int x = LEFT;
        for (int i = 0; i < scenarios.size(); i++)
        {
            final String name = scenarios.get(i).name();
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"20\" stroke=\"%s\" "
                + "stroke-width=\"3\"%s/>\n<text x=\"%d\" y=\"24\">%s</text>\n",
                x, x + 18, COLORS[i % COLORS.length], i % 2 == 1 ? " stroke-dasharray=\"6 4\"" : "", x + 24,
                escape(name)));
            x += 40 + 7 * name.length();
        }
    }

    private static void table(final StringBuilder sb, final PercentileTable table)
    {
        sb.append("<table>\n<tr>");
        for (final String cell : table.header())
        {
            sb.append("<th>").append(escape(cell)).append("</th>");
        }
        sb.append("</tr>\n");
        for (final List<String> row : table.rows())
        {
            sb.append("<tr>");
            for (final String cell : row)
            {
                sb.append("<td>").append(escape(cell)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /** A tick label: up to three decimals, no trailing zeros, thousands grouped. */
    private static String number(final double value)
    {
        final BigDecimal d = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        if (d.scale() <= 0)
        {
            return String.format(Locale.ROOT, "%,d", d.longValue());
        }
        return d.toPlainString();
    }

    /** Escapes text for XML and HTML content and attribute values. */
    static String escape(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default ->
                {
                    if (c < 0x20 && c != '\n' && c != '\t')
                    {
                        sb.append(' ');
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
