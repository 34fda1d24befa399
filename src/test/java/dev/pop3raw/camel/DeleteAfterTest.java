package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the deleteAfter option's text is read ({@link DeleteAfter}): Camel's duration syntax with a unit and ISO-8601;
 * everything else is refused naming the option (the refusals at start: {@link Pop3RawStartValidationTest}).
 */
class DeleteAfterTest {

    @ParameterizedTest
    @CsvSource({"14d, PT336H", "36h, PT36H", "1d12h, PT36H", "90m, PT1H30M", "P14D, PT336H", "PT36H, PT36H",
            "p2d, PT48H", "1d500ms, PT24H0.5S"})
    void camelsDurationSyntaxAndIso8601AreRead(String text, String expected) {
        assertEquals(Duration.parse(expected), DeleteAfter.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "14", "garbage", "14 days", "1.5d", "14D", "1h 30m", "P", "PT", "-1d",
            "99999999999999999999d", "P36501D", "0", "0d", "P0D", "-P1D"})
    void anythingElseIsRefusedNamingTheOption(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeleteAfter.parse(text));
        assertTrue(e.getMessage().startsWith("pop3raw: deleteAfter"), e.getMessage());
    }
}
