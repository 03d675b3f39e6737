package io.synpipe.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The synpipe ÷ kernel table a JMH run prints when it measured both: each synpipe handshake figure
 * ({@code HandshakeBenchmark}, {@code ConnectionLifecycleBenchmark}) over the best {@code KernelHandshakeBaselineBenchmark}
 * figure of the same run (the one most favourable to the kernel, so the ratio is the conservative one).
 */
public final class KernelRatio
{
    static final String KERNEL = "KernelHandshakeBaselineBenchmark";
    private static final List<String> SYNPIPE = List.of("HandshakeBenchmark", "ConnectionLifecycleBenchmark");
    private static final String OPS_PER_S = "ops/s";

    private KernelRatio()
    {
    }

    /**
     * One benchmark result.
     *
     * @param benchmark the class's simple name and the method, e.g. {@code HandshakeBenchmark.handshake}.
     * @param params    its parameters, e.g. {@code ipVersion=4, occupancy=1000}, or empty.
     */
    public record Score(String benchmark, String params, double score, String unit)
    {
        String label()
        {
            return params.isEmpty() ? benchmark : benchmark + " (" + params + ")";
        }
    }

    /** The primary score of every result of a JMH run. */
    public static List<Score> scores(final Collection<RunResult> results)
    {
        final List<Score> scores = new ArrayList<>();
        for (final RunResult result : results)
        {
            final BenchmarkParams params = result.getParams();
            final String name = params.getBenchmark();
            final int method = name.lastIndexOf('.');
            final int type = name.lastIndexOf('.', method - 1);
            final StringBuilder values = new StringBuilder();
            for (final String key : params.getParamsKeys())
            {
                values.append(values.isEmpty() ? "" : ", ").append(key).append('=').append(params.getParam(key));
            }
            scores.add(new Score(name.substring(type + 1), values.toString(), result.getPrimaryResult().getScore(),
                result.getPrimaryResult().getScoreUnit()));
        }
        return scores;
    }

    /** The table's lines, or none when the run lacks a kernel or a synpipe handshake figure in ops/s. */
    public static List<String> lines(final List<Score> scores)
    {
        final Score kernel = scores.stream()
            .filter(s -> s.benchmark().startsWith(KERNEL + ".") && s.unit().equals(OPS_PER_S))
            .max(Comparator.comparingDouble(Score::score)).orElse(null);
        final List<Score> synpipe = scores.stream()
            .filter(s -> SYNPIPE.contains(s.benchmark().substring(0, s.benchmark().indexOf('.')))
                && s.unit().equals(OPS_PER_S))
            .toList();
        if (kernel == null || kernel.score() <= 0 || synpipe.isEmpty())
        {
            return List.of();
        }
        final int width = synpipe.stream().mapToInt(s -> s.label().length()).max().orElse(0);
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "synpipe ÷ kernel, against the best kernel figure of this run: %s %,.0f ops/s",
            kernel.label(), kernel.score()));
        for (final Score s : synpipe)
        {
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s %,14.0f ops/s %,8.1f×", s.label(), s.score(),
                s.score() / kernel.score()));
        }
        return lines;
    }
}
