package io.pgvault.matrix;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link Units} at every unit boundary: where a size, duration or rate changes unit, and where a rate is hidden. */
class UnitsTest {

    @Test
    void sizesChangeUnitAtExactly1024() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("1023 B", Units.bytes(1023));
        assertEquals("1.0 KiB", Units.bytes(1024));
        assertEquals("1.5 KiB", Units.bytes(1536));
        assertEquals("1023.9 KiB", Units.bytes(1024 * 1024 - 103));
        assertEquals("1.0 MiB", Units.bytes(1024 * 1024 - 1), "rounds to 1024.0 KiB: shown as the next unit");
        assertEquals("1.0 MiB", Units.bytes(1024 * 1024));
        assertEquals("500.0 MiB", Units.bytes(524_288_000L));
        assertEquals("1.0 GiB", Units.bytes(1L << 30));
        assertEquals("1.0 TiB", Units.bytes(1L << 40));
        assertEquals("8.0 EiB", Units.bytes(Long.MAX_VALUE));
    }

    @Test
    void exactBytesFollowTheUnitOnlyWhenThereIsAUnit() {
        assertEquals("1023 B", Units.bytesAndExact(1023));
        assertEquals("1.0 KiB (1024 bytes)", Units.bytesAndExact(1024));
        assertEquals("1.0 TiB (1099511627776 bytes)", Units.bytesAndExact(1L << 40));
    }

    @Test
    void durationsChangeUnitAtTheSecondTheMinuteAndTheHour() {
        assertEquals("0 ms", Units.duration(Duration.ZERO));
        assertEquals("999 ms", Units.duration(Duration.ofMillis(999)));
        assertEquals("1.0s", Units.duration(Duration.ofMillis(1000)));
        assertEquals("1.9s", Units.duration(Duration.ofMillis(1999)));
        assertEquals("59.9s", Units.duration(Duration.ofMillis(59_900)));
        assertEquals("59.9s", Units.duration(Duration.ofMillis(59_999)), "truncated: never a \"60.0s\"");
        assertEquals("1m 00s", Units.duration(Duration.ofSeconds(60)));
        assertEquals("1m 12s", Units.duration(Duration.ofSeconds(72)));
        assertEquals("59m 59s", Units.duration(Duration.ofSeconds(3599)));
        assertEquals("59m 59s", Units.duration(Duration.ofMillis(3_599_999)));
        assertEquals("1h 00m", Units.duration(Duration.ofSeconds(3600)));
        assertEquals("1h 05m", Units.duration(Duration.ofMinutes(65)));
        assertEquals("0 ms", Units.duration(Duration.ofMillis(-5)), "a clock step backwards is no negative time");
    }

    @Test
    void ratesOnlyForAtLeastAMebibyteAndASecond() {
        assertEquals("", Units.rate(500, Duration.ofSeconds(10)), "a 500-byte file has no meaningful rate");
        assertEquals("", Units.rate((1L << 20) - 1, Duration.ofSeconds(10)));
        assertEquals("", Units.rate(1L << 30, Duration.ofMillis(999)), "under a second: no rate");
        assertEquals("102.4 KiB/s", Units.rate(1L << 20, Duration.ofSeconds(10)));
        assertEquals("1.0 GiB/s", Units.rate(1L << 30, Duration.ofSeconds(1)));
        assertEquals("20.0 MiB/s", Units.bytesPerSecond(20L << 20));
    }

    @Test
    void etaOnlyWhenTheTotalIsKnownAndNotYetReached() {
        assertEquals(Duration.ofSeconds(30), Units.eta(25, 100, Duration.ofSeconds(10)));
        assertNull(Units.eta(25, 0, Duration.ofSeconds(10)), "no total");
        assertNull(Units.eta(0, 100, Duration.ofSeconds(10)), "nothing done yet");
        assertNull(Units.eta(100, 100, Duration.ofSeconds(10)), "done");
        assertNull(Units.eta(150, 100, Duration.ofSeconds(10)), "past an estimated total");
        assertNull(Units.eta(25, 100, Duration.ofMillis(500)), "too early to tell");
    }
}
