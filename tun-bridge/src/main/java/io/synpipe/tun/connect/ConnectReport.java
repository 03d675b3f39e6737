package io.synpipe.tun.connect;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.EngineEvent;
import io.synpipe.wire.DropReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code synpipe connect} did, taken when it stopped: the connection's outcome, bytes each way, packets
 * through the TUN, decoder drops by reason and engine events.
 *
 * @param local          synpipe's end, {@code ADDRESS:PORT}.
 * @param remote         the kernel server's end.
 * @param closeReason    why the connection closed, or null if it was still open at stop.
 * @param failure        a failure of the streams (reading input, writing output), or null.
 * @param bytesSent      input bytes the connection took.
 * @param bytesReceived  bytes received in order.
 * @param bytesWritten   bytes written to the output.
 */
public record ConnectReport(
    double elapsedS,
    String local,
    String remote,
    CloseReason closeReason,
    String failure,
    long bytesSent,
    long bytesReceived,
    long bytesWritten,
    long packetsIn,
    long packetsOut,
    long writeErrors,
    long pipelineErrors,
    Map<DropReason, Long> drops,
    Map<EngineEvent, Long> events)
{
    public ConnectReport
    {
        drops = Map.copyOf(drops);
        events = Map.copyOf(events);
    }

    /** Both directions completed: our FIN acknowledged, the peer's FIN received, everything written. */
    public boolean completed()
    {
        return closeReason == CloseReason.NORMAL && failure == null;
    }

    /** Stopped by {@link TunConnector#stop} (Ctrl-C, SIGTERM) while the connection was open or opening. */
    public boolean stopped()
    {
        return failure == null && (closeReason == null || closeReason == CloseReason.ENGINE_CLOSED);
    }

    /** One line on how the connection ended, e.g. {@code connection refused}. */
    public String outcome()
    {
        if (failure != null)
        {
            return failure;
        }
        if (closeReason == null)
        {
            return "stopped before the connection closed";
        }
        return switch (closeReason)
        {
            case NORMAL -> "closed normally";
            case REFUSED -> "connection refused";
            case TIMEOUT -> "connection timed out";
            case RESET_BY_PEER -> "connection reset by peer";
            case ENGINE_CLOSED -> "stopped: connection reset";
            case ABORTED -> "connection aborted";
            case FIN_WAIT_2_TIMEOUT -> "timed out waiting for the peer's FIN";
            default -> "closed: " + closeReason;
        };
    }

    /** The report as the lines {@code synpipe connect} prints on exit (to stderr: stdout carries the data). */
    public List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "synpipe connect: %s -> %s: %s after %.1f s", local, remote, outcome(),
            elapsedS));
        lines.add("data         sent " + bytesSent + " bytes; received " + bytesReceived + " bytes, written "
            + bytesWritten);
        lines.add("packets      in " + packetsIn + ", out " + packetsOut + " (write errors " + writeErrors + ")"
            + (pipelineErrors == 0 ? "" : "; pipeline errors " + pipelineErrors));
        lines.add("drops        " + format(drops));
        lines.add("events       " + format(events));
        return lines;
    }

    private static String format(final Map<? extends Enum<?>, Long> counts)
    {
        if (counts.isEmpty())
        {
            return "none";
        }
        final StringBuilder text = new StringBuilder();
        counts.entrySet().stream()
            .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.ordinal(), b.ordinal())))
            .forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(e.getKey().name()).append('=')
                .append(e.getValue()));
        return text.toString();
    }
}
