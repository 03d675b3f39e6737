package io.synpipe.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A connection reached ESTABLISHED: one event per handshake, committed by {@link JfrTcpHandler} when the engine
 * reports it ({@code TcpHandler.onEstablished}). The latency is the engine's own figure,
 * {@code TcpEngine.handshakeNs}: passive open, SYN received to the final ACK received; active open, SYN sent to
 * SYN-ACK received. An instant event: its JFR duration is 0, the latency is a field.
 */
@Name(HandshakeCompletedEvent.NAME)
@Label("TCP Handshake Completed")
@Category("synpipe")
@Description("A synpipe TCP connection reached ESTABLISHED, with the handshake latency measured by the engine")
@StackTrace(false)
public final class HandshakeCompletedEvent extends Event
{
    /** The event's name in a recording. */
    public static final String NAME = "io.synpipe.HandshakeCompleted";

    @Label("Handshake Latency")
    @Description("Passive open: SYN received -> final ACK received; active open: SYN sent -> SYN-ACK received")
    @Timespan(Timespan.NANOSECONDS)
    long handshakeLatency;

    @Label("Role")
    @Description("passive (accepted by a listener) or active (connect)")
    String role;

    @Label("Local Address")
    String localAddress;

    @Label("Local Port")
    int localPort;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Remote Port")
    int remotePort;

    @Label("IP Version")
    @Description("4 or 6")
    int ipVersion;

    @Label("SYN Retransmissions")
    @Description("Retransmissions of the SYN or SYN-ACK before the handshake completed")
    int retransmissions;

    @Label("Send MSS")
    @Description("The largest segment the peer accepts (its MSS option, or the default)")
    @DataAmount(DataAmount.BYTES)
    int sendMss;
}
