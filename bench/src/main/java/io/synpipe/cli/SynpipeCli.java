package io.synpipe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code synpipe} command line: one subcommand per job. */
@Command(
    name = "synpipe",
    mixinStandardHelpOptions = true,
    version = "synpipe 0.1.0",
    description = "A userspace TCP stack in Java: handshake benchmarks, TUN proxy front, latency profiling.",
    subcommands = {BenchCommand.class, ServeCommand.class, ConnectCommand.class, CommandLine.HelpCommand.class})
public final class SynpipeCli implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /** Runs the CLI; errors in arguments give one line naming the value and what is allowed. */
    public static int run(final String... args)
    {
        final CommandLine commandLine = new CommandLine(new SynpipeCli());
        commandLine.setParameterExceptionHandler((ex, argv) ->
        {
            final CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("synpipe: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((ex, cmd, parseResult) ->
        {
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException)
            {
                cmd.getErr().println("synpipe: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
