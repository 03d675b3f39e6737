/**
 * JDK Flight Recorder events for the engine: {@link io.synpipe.jfr.HandshakeCompletedEvent} and
 * {@link io.synpipe.jfr.ConnectionClosedEvent}, emitted by the {@link io.synpipe.jfr.JfrTcpHandler} decorator, and
 * {@link io.synpipe.jfr.JfrRecording}, a recording of them written to a file (the CLI's {@code --jfr FILE}).
 * Open the file in JDK Mission Control (Event Browser, category "synpipe") or print it with
 * {@code jfr print --events io.synpipe.HandshakeCompleted FILE}.
 */
package io.synpipe.jfr;
