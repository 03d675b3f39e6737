package io.synpipe.tun.serve;

import io.synpipe.tun.NetnsFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A namespace of the test's own before each test; the test's server stopped and the namespace deleted after it. */
abstract class ServeTestBase
{
    protected NetnsFixture ns;
    protected TunServer server;

    @BeforeEach
    void createNamespace() throws Exception
    {
        ns = NetnsFixture.create();
    }

    @AfterEach
    void stopServerAndDeleteNamespace() throws Exception
    {
        try
        {
            if (server != null)
            {
                server.stop();
            }
        }
        finally
        {
            if (ns != null)
            {
                ns.close();
            }
        }
    }
}
