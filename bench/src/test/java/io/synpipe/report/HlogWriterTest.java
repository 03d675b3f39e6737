package io.synpipe.report;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The .hlog written is a standard HdrHistogram interval log: HistogramLogReader reads back what was recorded. */
class HlogWriterTest
{
    private static final long START_MS = 1_795_400_000_000L;

    @TempDir
    Path dir;

    private static List<EncodableHistogram> readAll(final Path file) throws FileNotFoundException
    {
        final List<EncodableHistogram> intervals = new ArrayList<>();
        try (HistogramLogReader reader = new HistogramLogReader(file.toFile()))
        {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null)
            {
                intervals.add(h);
            }
        }
        return intervals;
    }

    @Test
    void write_recorderIntervalsWithTags_readBackWithTheirCountsValuesAndTags() throws Exception
    {
        final Path file = dir.resolve("run.hlog");
        final Recorder client = new Recorder(3_600_000_000_000L, 3);
        final Recorder server = new Recorder(3_600_000_000_000L, 3);
        Histogram clientInterval = null;
        Histogram serverInterval = null;
        final long[] clientCounts = {3, 0, 1000};
        try (HlogWriter writer = new HlogWriter(file).start(START_MS, "test run\nsecond line"))
        {
            for (int interval = 0; interval < clientCounts.length; interval++)
            {
                for (int i = 0; i < clientCounts[interval]; i++)
                {
                    client.recordValue(1_000 + i);
                }
                server.recordValue(2_000_000L * (interval + 1));
                clientInterval = client.getIntervalHistogram(clientInterval);
                serverInterval = server.getIntervalHistogram(serverInterval);
                // place the intervals one second apart after the base time, as a run would
                clientInterval.setStartTimeStamp(START_MS + 1000L * interval);
                clientInterval.setEndTimeStamp(START_MS + 1000L * (interval + 1));
                serverInterval.setStartTimeStamp(START_MS + 1000L * interval);
                serverInterval.setEndTimeStamp(START_MS + 1000L * (interval + 1));
                writer.write("client", clientInterval);
                writer.write("server", serverInterval);
            }
            assertThat(writer.intervals()).isEqualTo(6);
        }

        final List<EncodableHistogram> read = readAll(file);
        assertThat(read).hasSize(6);
        for (int interval = 0; interval < clientCounts.length; interval++)
        {
            final Histogram c = (Histogram)read.get(2 * interval);
            final Histogram s = (Histogram)read.get(2 * interval + 1);
            assertThat(c.getTag()).isEqualTo("client");
            assertThat(s.getTag()).isEqualTo("server");
            assertThat(c.getTotalCount()).isEqualTo(clientCounts[interval]);
            assertThat(s.getTotalCount()).isEqualTo(1);
            assertThat(s.getMaxValue()).isEqualTo(s.highestEquivalentValue(2_000_000L * (interval + 1)));
            assertThat(c.getStartTimeStamp()).isEqualTo(START_MS + 1000L * interval);
            assertThat(c.getEndTimeStamp()).isEqualTo(START_MS + 1000L * (interval + 1));
        }
        assertThat(((Histogram)read.get(4)).getValueAtPercentile(100))
            .isEqualTo(((Histogram)read.get(4)).highestEquivalentValue(1_999));
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("#[Histogram log format version ")
            .contains("#test run second line\n", "#[StartTime: 1795400000.000", "#[BaseTime: 1795400000.000",
                "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"",
                "Tag=client,1.000,1.000,");
    }

    @Test
    void write_beforeStart_throws()
    {
        try (HlogWriter writer = new HlogWriter(dir.resolve("early.hlog")))
        {
            assertThatThrownBy(() -> writer.write(null, new Histogram(3)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        }
    }

    @Test
    void write_tagWithSpaceOrComma_throwsNamingTheTag()
    {
        try (HlogWriter writer = new HlogWriter(dir.resolve("tags.hlog")).start(START_MS, null))
        {
            assertThatThrownBy(() -> writer.write("a b", new Histogram(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
            assertThatThrownBy(() -> writer.write("a,b", new Histogram(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a,b'");
        }
    }

    @Test
    void open_missingDirectory_throwsNamingTheFile()
    {
        final Path file = dir.resolve("missing").resolve("run.hlog");
        assertThatThrownBy(() -> new HlogWriter(file))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString());
    }
}
