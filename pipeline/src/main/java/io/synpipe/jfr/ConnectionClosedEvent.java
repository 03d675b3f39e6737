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
 * A connection left the application's view ({@code TcpHandler.onClosed}): one event per connection the application
 * was shown, committed by {@link JfrTcpHandler}. The lifetime runs from the start of the handshake (SYN sent or
 * received) to this close, by the clock the engine is driven with; a connection that lingers in TIME-WAIT is
 * reported when it enters TIME-WAIT. The byte counts come from the sequence numbers (no extra counters), so they are
 * exact up to 4 GiB and modulo 2^32 beyond.
 */
@Name(ConnectionClosedEvent.NAME)
@Label("TCP Connection Closed")
@Category("synpipe")
@Description("A synpipe TCP connection closed for the application, with its lifetime and close reason")
@StackTrace(false)
public final class ConnectionClosedEvent extends Event
{
    /** The event's name in a recording. */
    public static final String NAME = "io.synpipe.ConnectionClosed";

    @Label("Lifetime")
    @Description("From the start of the handshake (SYN sent or received) to the close")
    @Timespan(Timespan.NANOSECONDS)
    long lifetime;

    @Label("Close Reason")
    @Description("io.synpipe.tcp.CloseReason: NORMAL, RESET_BY_PEER, ABORTED, TIMEOUT, ...")
    String closeReason;

    @Label("Role")
    @Description("passive (accepted by a listener) or active (connect)")
    String role;

    @Label("Established")
    @Description("Whether the handshake had completed")
    boolean established;

    @Label("TCB State")
    @Description("The TCB's state at the close: TIME_WAIT if it lingers, CLOSED once deleted")
    String state;

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

    @Label("Bytes Sent")
    @Description("Data bytes sent (sequence space used, without SYN and FIN; modulo 2^32)")
    @DataAmount(DataAmount.BYTES)
    long bytesSent;

    @Label("Bytes Received")
    @Description("Data bytes received in order (without SYN and FIN; modulo 2^32)")
    @DataAmount(DataAmount.BYTES)
    long bytesReceived;
}
