package io.synpipe.sim;

import io.synpipe.timer.TimerKind;
import org.junit.jupiter.api.Test;

/** Seeds of {@link LossyLifecyclePropertyTest} that once failed, pinned so they keep being checked. */
class LossyLifecycleSeedsTest
{
    @Test
    void lossyWire_seed17994738626723_allClosedAndTablesEmpty()
    {
        LossyLifecyclePropertyTest.openAndCloseOverLossyWire(17994738626723L, 0.09, 0.07, 0.08, TimerKind.WHEEL);
    }

    @Test
    void lossyWire_agronaTimers_allClosedAndTablesEmpty()
    {
        // the engine on Agrona's DeadlineTimerWheel behaves the same
        LossyLifecyclePropertyTest.openAndCloseOverLossyWire(17994738626723L, 0.09, 0.07, 0.08, TimerKind.AGRONA);
        LossyLifecyclePropertyTest.openAndCloseOverLossyWire(42L, 0.05, 0.05, 0.1, TimerKind.AGRONA);
    }
}
