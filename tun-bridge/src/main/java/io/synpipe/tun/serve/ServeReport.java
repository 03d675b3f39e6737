package io.synpipe.tun.serve;

import io.synpipe.tcp.CloseReason;
import io.synpipe.tcp.EngineEvent;
import io.synpipe.tcp.TcpState;
import io.synpipe.wire.DropReason;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code synpipe serve} did, taken when it stopped: packets through the TUN, decoder drops by reason, engine
 * events, and the connections the responder saw.
 */
public record ServeReport(
    double elapsedS,
    long packetsIn,
    long packetsOut,
    long writeErrors,
    long writeParked,
    long pipelineErrors,
    long packetsAccepted,
    Map<DropReason, Long> drops,
    Map<EngineEvent, Long> events,
    long connectionsAccepted,
    long connectionsEstablished,
    Map<CloseReason, Long> closed,
    long bytesReceived,
    long bytesEchoed,
    long httpResponses,
    int connectionsLeftAtStop,
    Map<TcpState, Long> connectionsByState,
    List<Integer> connectionsPerQueue)
{
    public ServeReport
    {
        drops = Map.copyOf(drops);
        events = Map.copyOf(events);
        closed = Map.copyOf(closed);
        connectionsByState = Map.copyOf(connectionsByState);
        connectionsPerQueue = List.copyOf(connectionsPerQueue);
    }

    /** One line for {@code --stats-interval}: packets, drops, connections by state. */
    public String statsLine()
    {
        return String.format(Locale.ROOT, "[%7.1f s] packets in %d, out %d; drops %s; connections %s%s",
            elapsedS, packetsIn, packetsOut, format(drops), format(connectionsByState),
            connectionsPerQueue.size() > 1 ? " (per queue " + connectionsPerQueue + ")" : "");
    }

    /** The report as the lines {@code synpipe serve} prints on exit. */
    public List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "synpipe serve: stopped after %.1f s", elapsedS));
        lines.add(String.format(Locale.ROOT, "packets      in %d, out %d (write errors %d, writes parked on EAGAIN %d)",
            packetsIn, packetsOut, writeErrors, writeParked));
        lines.add("decoded      " + packetsAccepted + " accepted; drops " + format(drops));
        lines.add("events       " + format(events));
        lines.add("connections  accepted " + connectionsAccepted + ", established " + connectionsEstablished
            + ", in the table at stop " + connectionsLeftAtStop + " (reset unless in TIME-WAIT); closed " + format(closed));
        lines.add("by state     " + format(connectionsByState) + " (before the stop)"
            + (connectionsPerQueue.size() > 1 ? "; per queue " + connectionsPerQueue : ""));
        lines.add("data         received " + bytesReceived + " bytes; echoed " + bytesEchoed + " bytes; http responses "
            + httpResponses
            + (pipelineErrors == 0 ? "" : "; pipeline errors " + pipelineErrors));
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
            .forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(e.getKey().name()).append('=').append(e.getValue()));
        return text.toString();
    }
}
