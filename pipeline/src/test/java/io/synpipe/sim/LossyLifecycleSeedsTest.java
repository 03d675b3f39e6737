package io.synpipe.sim;

import org.junit.jupiter.api.Test;

/** Seeds of {@link LossyLifecyclePropertyTest} that once failed, pinned so they keep being checked. */
class LossyLifecycleSeedsTest
{
    @Test
    void lossyWire_seed17994738626723_allClosedAndTablesEmpty()
    {
        LossyLifecyclePropertyTest.openAndCloseOverLossyWire(17994738626723L, 0.09, 0.07, 0.08);
    }
}
