package io.synpipe.cc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CongestionControlsTest
{
    @Test
    void byName_knownNames_returnSingletons()
    {
        assertThat(CongestionControls.byName("newreno")).isSameAs(NewReno.INSTANCE);
        assertThat(CongestionControls.byName("cubic")).isSameAs(Cubic.INSTANCE);
    }

    @Test
    void byName_eachControllersOwnName_roundTrips()
    {
        assertThat(CongestionControls.byName(NewReno.INSTANCE.name())).isSameAs(NewReno.INSTANCE);
        assertThat(CongestionControls.byName(Cubic.INSTANCE.name())).isSameAs(Cubic.INSTANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reno", "bbr", "CUBIC", " cubic"})
    void byName_unknownName_throwsWithTheName(final String name)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> CongestionControls.byName(name))
            .withMessage("congestion control '" + name + "' is not known: use newreno or cubic");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void byName_nullOrEmpty_throws(final String name)
    {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> CongestionControls.byName(name))
            .withMessage("congestion control '" + name + "' is not known: use newreno or cubic");
    }
}
