package io.synpipe.report;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a standard HdrHistogram interval log ({@code .hlog}, readable by {@code HistogramLogReader},
 * HistogramLogAnalyzer, HdrHistogram's plotters) through {@link HistogramLogWriter}: the format version, a comment,
 * the start time and base time, the legend, then one line per interval histogram, as taken from an
 * {@code org.HdrHistogram.Recorder}. Interval timestamps are written relative to the base time (the start of the run),
 * from each histogram's own start and end timestamps (epoch milliseconds, which the Recorder sets). Histograms may be
 * tagged (one log can hold several scenarios, e.g. {@code Tag=client}). Values are as recorded (nanoseconds here); the
 * "Interval_Max" column is in milliseconds.
 */
public final class HlogWriter implements AutoCloseable
{
    private static final double NS_PER_MS = 1e6;

    private final Path file;
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private boolean started;
    private long baseTimeMs;
    private int intervals;

    /**
     * Creates (or truncates) the file; nothing is written until {@link #start}.
     *
     * @throws IllegalArgumentException if the file cannot be opened for writing, naming it and why.
     */
    public HlogWriter(final Path file)
    {
        this.file = file;
        final OutputStream stream;
        try
        {
            stream = Files.newOutputStream(file);
        }
        catch (final IOException | UnsupportedOperationException e)
        {
            throw new IllegalArgumentException("cannot write the hlog file " + file + ": " + e, e);
        }
        this.out = new PrintStream(new BufferedOutputStream(stream), false, StandardCharsets.US_ASCII);
        this.writer = new HistogramLogWriter(out);
    }

    /**
     * Writes the header: format version, {@code comment} (one line), start time and base time (both
     * {@code startTimeMs}, so interval timestamps count from the start of the run), legend.
     */
    public HlogWriter start(final long startTimeMs, final String comment)
    {
        if (started)
        {
            throw new IllegalStateException("hlog " + file + " already started");
        }
        started = true;
        writer.outputLogFormatVersion();
        if (comment != null && !comment.isBlank())
        {
            writer.outputComment(comment.replaceAll("[\\r\\n]+", " "));
        }
        writer.outputStartTime(startTimeMs);
        baseTimeMs = startTimeMs;
        writer.setBaseTime(startTimeMs);
        writer.outputBaseTime(startTimeMs);
        writer.outputLegend();
        return this;
    }

    /**
     * Appends one interval histogram; its start and end timestamps (epoch ms) place it in time.
     *
     * @param tag a scenario name without spaces or commas, or null for none.
     */
    public void write(final String tag, final Histogram interval)
    {
        if (!started)
        {
            throw new IllegalStateException("hlog " + file + ": start() must come before the first interval");
        }
        if (tag != null && (tag.isEmpty() || tag.chars().anyMatch(c -> c == ',' || c <= ' ')))
        {
            throw new IllegalArgumentException("hlog tag '" + tag + "' is not allowed: no spaces, commas or blanks");
        }
        final String previous = interval.getTag();
        interval.setTag(tag);
        try
        {
            // (start, end) in seconds since the base time; the writer prints start and length
            final long startMs = interval.getStartTimeStamp();
            final long endMs = Math.max(startMs, interval.getEndTimeStamp());
            writer.outputIntervalHistogram(
                (startMs - baseTimeMs) / 1e3, (endMs - baseTimeMs) / 1e3, interval, NS_PER_MS);
        }
        finally
        {
            interval.setTag(previous);
        }
        intervals++;
    }

    public int intervals()
    {
        return intervals;
    }

    public Path file()
    {
        return file;
    }

    /**
     * Flushes and closes the file.
     *
     * @throws IllegalStateException if anything could not be written (the print stream hides I/O errors until now).
     */
    @Override
    public void close()
    {
        writer.close();
        if (out.checkError())
        {
            throw new IllegalStateException(String.format(Locale.ROOT,
                "writing the hlog file %s failed (%d intervals written)", file, intervals));
        }
    }
}
