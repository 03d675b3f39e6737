package io.synpipe.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import java.util.Collection;

/**
 * The main class of {@code benchmarks.jar}: JMH's own command line ({@code java -jar bench/target/benchmarks.jar
 * [regexp] [options]}, see {@code -h}), and after a run that measured both synpipe's handshakes and the kernel
 * baseline, the {@link KernelRatio} table.
 */
public final class BenchmarksMain
{
    private BenchmarksMain()
    {
    }

    public static void main(final String[] argv) throws Exception
    {
        final CommandLineOptions options;
        try
        {
            options = new CommandLineOptions(argv);
        }
        catch (final CommandLineOptionException ex)
        {
            org.openjdk.jmh.Main.main(argv);
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
            || options.shouldListProfilers() || options.shouldListResultFormats())
        {
            org.openjdk.jmh.Main.main(argv);
            return;
        }
        final Collection<RunResult> results;
        try
        {
            results = new Runner(options).run();
        }
        catch (final NoBenchmarksException ex)
        {
            System.err.println("No matching benchmarks. Miss-spelled regexp? Use -l to list them.");
            System.exit(1);
            return;
        }
        catch (final RunnerException ex)
        {
            System.err.print("ERROR: ");
            ex.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        final var lines = KernelRatio.lines(KernelRatio.scores(results));
        if (!lines.isEmpty())
        {
            System.out.println();
            lines.forEach(System.out::println);
        }
    }
}
