package io.synpipe.report;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The percentile table of a latency report, one column per scenario and one row per figure: count, rate,
 * p50, p90, p99, p99.9, p99.99, max (µs) and errors. {@link #render()} lays it out as text for the terminal;
 * {@link HtmlReport} shows the same rows as an HTML table.
 * <pre>
 *               client      server
 * count      1,000,000   1,000,000
 * rate (/s)  1,137,399   1,137,399
 * p50 (µs)        2.26        3.18
 * ...
 * </pre>
 */
public final class PercentileTable
{
    /** The percentiles shown, in percent. */
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
    private static final String[] PERCENTILE_LABELS = {"p50 (µs)", "p90 (µs)", "p99 (µs)", "p99.9 (µs)", "p99.99 (µs)"};
    private static final String GAP = "   ";

    private final List<String> header = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public PercentileTable(final List<LatencyScenario> scenarios)
    {
        if (scenarios.isEmpty())
        {
            throw new IllegalArgumentException("a percentile table needs at least one scenario");
        }
        header.add("");
        final List<String> count = row("count");
        final List<String> rate = row("rate (/s)");
        final List<List<String>> percentiles = new ArrayList<>();
        for (final String label : PERCENTILE_LABELS)
        {
            percentiles.add(row(label));
        }
        final List<String> max = row("max (µs)");
        final List<String> errors = row("errors");
        for (final LatencyScenario s : scenarios)
        {
            final Histogram h = s.latencyNs();
            header.add(s.name());
            count.add(String.format(Locale.ROOT, "%,d", h.getTotalCount()));
            rate.add(String.format(Locale.ROOT, "%,.0f", s.ratePerSecond()));
            for (int i = 0; i < PERCENTILES.length; i++)
            {
                percentiles.get(i).add(micros(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(PERCENTILES[i])));
            }
            max.add(micros(h.getTotalCount() == 0 ? 0 : h.getMaxValue()));
            errors.add(String.format(Locale.ROOT, "%,d", s.errors()));
        }
    }

    private List<String> row(final String label)
    {
        final List<String> row = new ArrayList<>();
        row.add(label);
        rows.add(row);
        return row;
    }

    private static String micros(final long ns)
    {
        return String.format(Locale.ROOT, "%,.2f", ns / 1e3);
    }

    /** The first cell is empty, then one scenario name per column. */
    public List<String> header()
    {
        return List.copyOf(header);
    }

    /** Each row: its label, then one cell per scenario. */
    public List<List<String>> rows()
    {
        final List<List<String>> copy = new ArrayList<>();
        for (final List<String> row : rows)
        {
            copy.add(List.copyOf(row));
        }
        return copy;
    }

    /** The table as text: labels left-aligned, figures right-aligned under their scenario, one line per row. */
    public String render()
    {
        final int columns = header.size();
        final int[] width = new int[columns];
        for (int c = 0; c < columns; c++)
        {
            width[c] = header.get(c).length();
            for (final List<String> row : rows)
            {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        final StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (final List<String> row : rows)
        {
            line(sb, row, width);
        }
        return sb.toString();
    }

    private static void line(final StringBuilder sb, final List<String> cells, final int[] width)
    {
        final int start = sb.length();
        for (int c = 0; c < cells.size(); c++)
        {
            final String cell = cells.get(c);
            if (c == 0)
            {
                sb.append(cell).append(" ".repeat(width[0] - cell.length()));
            }
            else
            {
                sb.append(GAP).append(" ".repeat(width[c] - cell.length())).append(cell);
            }
        }
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ')
        {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }
}
