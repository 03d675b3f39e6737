package io.synpipe.jfr;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;

/**
 * A JDK Flight Recorder recording of the synpipe events ({@link HandshakeCompletedEvent},
 * {@link ConnectionClosedEvent}), on top of the JDK's "default" settings (about 1 % overhead: GC, threads, CPU,
 * allocation samples), written to one file when stopped. Started before a run and stopped after it:
 * <pre>
 * final JfrRecording jfr = JfrRecording.start(file);
 * ... run the engines, their handlers wrapped in {@link JfrTcpHandler} ...
 * jfr.stop(); // the file is complete
 * </pre>
 * The file is also the recording's destination with dump-on-exit, so a JVM that exits first (Ctrl-C) still writes
 * it. Open it in JDK Mission Control or print it with {@code jfr print --events io.synpipe.HandshakeCompleted FILE}.
 */
public final class JfrRecording implements AutoCloseable
{
    /** The JDK settings the recording starts from. */
    public static final String JDK_SETTINGS = "default";

    private final Recording recording;
    private final Path file;

    private JfrRecording(final Recording recording, final Path file)
    {
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts recording, to be written to {@code file} (replaced if it exists).
     *
     * @throws IllegalArgumentException with a one-line message naming the file when it is a directory, its
     *                                  directory does not exist, or it cannot be written.
     */
    public static JfrRecording start(final Path file)
    {
        checkPath(file);
        final Configuration settings;
        try
        {
            settings = Configuration.getConfiguration(JDK_SETTINGS);
        }
        catch (final IOException | ParseException ex)
        {
            throw new IllegalStateException("JFR settings '" + JDK_SETTINGS + "' cannot be read: " + ex.getMessage(), ex);
        }
        final Recording recording = new Recording(settings);
        recording.setName("synpipe");
        recording.enable(HandshakeCompletedEvent.class);
        recording.enable(ConnectionClosedEvent.class);
        recording.setToDisk(true);
        try
        {
            recording.setDestination(file);
        }
        catch (final IOException ex)
        {
            recording.close();
            throw new IllegalArgumentException(file + ": cannot be written (" + ex.getMessage() + ")", ex);
        }
        recording.setDumpOnExit(true);
        recording.start();
        return new JfrRecording(recording, file);
    }

    /** The file must not be a directory and its directory must exist: checked before anything runs. */
    public static Path checkPath(final Path file)
    {
        if (Files.isDirectory(file))
        {
            throw new IllegalArgumentException(file + " is a directory, not a file");
        }
        final Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent))
        {
            throw new IllegalArgumentException(file + ": directory " + parent + " does not exist");
        }
        return file;
    }

    public Path file()
    {
        return file;
    }

    /**
     * Stops the recording and writes the file. Idempotent; if the JVM's shutdown stopped the recording already,
     * the file was written then.
     *
     * @return the file.
     */
    public synchronized Path stop()
    {
        if (recording.getState() == RecordingState.RUNNING)
        {
            try
            {
                recording.stop();
            }
            catch (final IllegalStateException ex)
            {
                // stopped meanwhile by the JVM's shutdown, which wrote the destination
            }
        }
        recording.close();
        return file;
    }

    @Override
    public void close()
    {
        stop();
    }
}
