package io.synpipe.tun.serve;

import io.synpipe.tun.NetnsFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code synpipe serve} in http mode against {@code curl} run inside the test's namespace. */
class TunServerCurlTest
{
    private static final long CURL_TIMEOUT_S = 20;
    private static final String URL = "http://" + NetnsFixture.SYNPIPE_ADDRESS + ":80/";

    private NetnsFixture ns;
    private TunServer server;

    @BeforeEach
    void setUp() throws Exception
    {
        ns = NetnsFixture.create();
        server = TunServer.start(ServeSettings.parse(ns.name(), "synpipe0", List.of(NetnsFixture.TUN_CIDR),
            List.of(NetnsFixture.SYNPIPE_ADDRESS + ":80=http"), "http", 50, 0));
    }

    @AfterEach
    void tearDown() throws Exception
    {
        try
        {
            server.stop();
        }
        finally
        {
            ns.close();
        }
    }

    private String curl(final List<String> args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "curl", "-s",
            "--max-time", "10"));
        command.addAll(args);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(CURL_TIMEOUT_S, TimeUnit.SECONDS)).as("curl finished").isTrue();
        final String text = new String(output, StandardCharsets.US_ASCII);
        assertThat(process.exitValue()).as("curl exit code; output: %s", text).isZero();
        return text;
    }

    @Test
    void httpMode_curlGet_status200AndExactBody() throws Exception
    {
        final String output = curl(List.of("-w", "\n%{http_code}", URL));
        assertThat(output).isEqualTo(Responder.HTTP_BODY + "\n200");
    }

    @Test
    void httpMode_curlHundredUrlsOnOneCommandLine_oneConnectionHundredResponses() throws Exception
    {
        final int requests = 100;
        final List<String> args = new ArrayList<>(List.of("-w", "%{http_code} %{num_connects}\n"));
        for (int i = 0; i < requests; i++)
        {
            // -o applies to one URL only: give it for each, so only the -w lines reach stdout
            args.add("-o");
            args.add("/dev/null");
            args.add(URL);
        }
        final String[] lines = curl(args).split("\n");
        assertThat(lines).hasSize(requests);
        int connects = 0;
        for (final String line : lines)
        {
            final String[] fields = line.split(" ");
            assertThat(fields[0]).isEqualTo("200");
            connects += Integer.parseInt(fields[1]);
        }
        assertThat(connects).as("curl connections").isEqualTo(1L);
        assertThat(server.onEventLoop(server.responder()::accepted)).isEqualTo(1L);
        assertThat(server.onEventLoop(server.responder()::httpResponses)).isEqualTo((long)requests);
    }
}
