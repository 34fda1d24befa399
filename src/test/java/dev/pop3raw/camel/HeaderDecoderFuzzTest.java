package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for what the consumer makes of a message's header block: {@link HeaderDecoder.Collector} fed in fuzzed
 * chunk sizes, then {@link HeaderDecoder.Collector#fields} (the CamelPop3Raw headers) and
 * {@link HeaderDecoder.Collector#all} (mapHeaders: every field, RFC 2047 and RFC 2231 decoding, charset labels), and
 * {@link MimeParameters#parameter} on the same octets (the attachment splitter's file names). In a
 * plain {@code mvn test} it replays the seeds in
 * {@code src/test/resources/dev/pop3raw/camel/HeaderDecoderFuzzTestInputs/headerBlock/}; with {@code JAZZER_FUZZ=1}
 * it fuzzes (docs/reliability.adoc, "Fuzzing").
 */
class HeaderDecoderFuzzTest {

    private static final Set<String> WANTED = Set.of("subject", "from", "to", "cc", "date", "message-id");

    /**
     * Nothing throws; the block never exceeds its bound; every mapped name is a field name (printable ASCII, no colon);
     * no mapped value, nor a parameter's value, holds an LF (unfolded; decoded line ends become spaces); and each of the always-decoded fields
     * has the value of its first occurrence in the mapping (the two ways share one decoder).
     */
    @FuzzTest(maxDuration = "10s")
    void headerBlock(byte[] fuzz) {
        if (fuzz.length < 1) {
            return;
        }
        int chunk = (fuzz[0] & 0xFF) == 0 ? Integer.MAX_VALUE : fuzz[0] & 0xFF;
        byte[] message = Arrays.copyOfRange(fuzz, 1, fuzz.length);
        HeaderDecoder.Collector collector = new HeaderDecoder.Collector();
        for (int off = 0; off < message.length && !collector.complete(); off += chunk) {
            collector.feed(message, off, Math.min(chunk, message.length - off));
        }
        assertTrue(HeaderBlocks.collected(collector).length <= HeaderDecoder.MAX_HEADER_BYTES);
        List<HeaderDecoder.Field> all = collector.all();
        for (HeaderDecoder.Field f : all) {
            assertTrue(f.name().chars().allMatch(c -> c > ' ' && c < 127 && c != ':'), f.name());
            assertTrue(f.value().indexOf('\n') < 0, f.value());
        }
        String parameter = MimeParameters.parameter(message, "filename"); // as the splitter reads a field's octets
        assertTrue(parameter == null || parameter.indexOf('\n') < 0, parameter);
        Map<String, String> fields = collector.fields(new HeaderDecoder.Fields(WANTED));
        for (String name : WANTED) {
            HeaderDecoder.Field first = all.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst()
                    .orElse(null);
            if (first != null) {
                assertEquals(fields.get(name), first.value(), name);
            }
        }
    }
}
