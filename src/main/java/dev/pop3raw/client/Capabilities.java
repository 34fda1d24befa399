package dev.pop3raw.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's capabilities as listed by {@code CAPA} (RFC 2449), parsed. Capabilities can change after STLS
 * and after login, so the client asks again at both points.
 */
public final class Capabilities {

    /** What a server that does not implement CAPA is assumed to offer: nothing beyond RFC 1939's core. */
    public static final Capabilities NONE = new Capabilities(List.of());

    private final Map<String, List<String>> entries = new LinkedHashMap<>();
    private final List<String> lines;

    private Capabilities(List<String> lines) {
        this.lines = List.copyOf(lines);
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                args.add(words[i]);
            }
            entries.put(words[0].toUpperCase(Locale.ROOT), Collections.unmodifiableList(args));
        }
    }

    /** Parses the lines of a CAPA reply (without the status line and the terminating dot). */
    public static Capabilities parse(List<String> capaLines) {
        return new Capabilities(capaLines);
    }

    /** Whether the server listed the capability {@code name} (case-insensitive). */
    public boolean has(String name) {
        return entries.containsKey(name.toUpperCase(Locale.ROOT));
    }

    /** The arguments listed after a capability name, empty when none or when not listed. */
    public List<String> arguments(String name) {
        return entries.getOrDefault(name.toUpperCase(Locale.ROOT), List.of());
    }

    /** The SASL mechanisms offered, upper-cased, in the server's order. */
    public List<String> saslMechanisms() {
        List<String> mechanisms = new ArrayList<>();
        for (String m : arguments("SASL")) {
            mechanisms.add(m.toUpperCase(Locale.ROOT));
        }
        return mechanisms;
    }

    /** {@code STLS}: the session can be upgraded to TLS (RFC 2595). */
    public boolean stls() {
        return has("STLS");
    }

    /** {@code PIPELINING}: commands may be sent without waiting for replies. */
    public boolean pipelining() {
        return has("PIPELINING");
    }

    /** {@code UIDL}: messages have unique ids stable across sessions. */
    public boolean uidl() {
        return has("UIDL");
    }

    /** {@code TOP}: the header and first lines of a message can be asked for. */
    public boolean top() {
        return has("TOP");
    }

    /** {@code USER}: USER/PASS login is offered. */
    public boolean user() {
        return has("USER");
    }

    /** {@code RESP-CODES}: {@code -ERR} replies may carry response codes. */
    public boolean respCodes() {
        return has("RESP-CODES");
    }

    /** {@code AUTH-RESP-CODE}: failed logins carry {@code [AUTH]} or {@code [SYS/...]}. */
    public boolean authRespCode() {
        return has("AUTH-RESP-CODE");
    }

    /** {@code UTF8}: the {@code UTF8} command is available (RFC 6856). */
    public boolean utf8() {
        return has("UTF8");
    }

    /**
     * The minimum delay between logins the server enforces ({@code LOGIN-DELAY n}), if it announced one. A value that
     * is not a number of seconds usable with a clock is as if not announced: a bad capability line affects only that
     * capability.
     */
    public Optional<Duration> loginDelay() {
        // a delay whose milliseconds do not fit in a long is unusable (callers add it to clocks): as if not announced
        return firstNumber("LOGIN-DELAY").filter(seconds -> seconds <= Long.MAX_VALUE / 1000).map(Duration::ofSeconds);
    }

    /**
     * How long the server keeps retrieved messages ({@code EXPIRE n}, in days); {@code Optional.empty()} when
     * not announced or {@code NEVER}. {@code 0} means the server deletes what was retrieved.
     */
    public Optional<Duration> expire() {
        // a number of days too large for a Duration is as good as NEVER (and must not throw)
        return firstNumber("EXPIRE").filter(days -> days <= Long.MAX_VALUE / 86_400).map(Duration::ofDays);
    }

    /** The {@code IMPLEMENTATION} text, if any. */
    public Optional<String> implementation() {
        List<String> args = arguments("IMPLEMENTATION");
        return args.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", args));
    }

    /** The capability lines as the server sent them. */
    public List<String> lines() {
        return lines;
    }

    private Optional<Long> firstNumber(String name) {
        List<String> args = arguments(name);
        if (args.isEmpty()) {
            return Optional.empty();
        }
        try {
            long value = Long.parseLong(args.get(0));
            return value < 0 ? Optional.empty() : Optional.of(value);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return String.join(" ", entries.keySet());
    }
}
