package dev.pop3raw.camel;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.spi.StateRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First-processed times in a Camel {@link StateRepository}: key the processed key ({@code user@host:port/UIDL}), value
 * the instant in ISO-8601 ({@code 2026-12-07T17:06:31.123Z}). A value that is not an instant counts as missing.
 */
final class StateRepositoryTimes implements FirstProcessedTimes {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3RawConsumer.class);

    private final StateRepository<String, String> state;

    StateRepositoryTimes(StateRepository<String, String> state) {
        this.state = state;
    }

    @Override
    public Map<String, Instant> find(List<String> processedKeys) {
        Map<String, Instant> found = new HashMap<>();
        for (String key : processedKeys) {
            String value = state.getState(key);
            if (value == null) {
                continue;
            }
            try {
                found.put(key, Instant.parse(value));
            } catch (DateTimeParseException e) {
                LOG.warn("pop3raw: deleteAfterStateRepository holds '{}' for {}, not an instant; taken as missing",
                        value, key);
            }
        }
        return found;
    }

    @Override
    public void processed(String processedKey, Instant at) {
        state.setState(processedKey, at.toString());
    }

    @Override
    public void missing(String processedKey, Instant at) {
        state.setState(processedKey, at.toString());
    }

    @Override
    public String describe() {
        return "deleteAfterStateRepository " + state.getClass().getSimpleName();
    }
}
