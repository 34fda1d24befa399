package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.pop3raw.testing.LogCapture;

/**
 * The poll summary line (docs/user-guide.adoc, "The poll summary line"): one INFO line per poll that retrieved,
 * deleted or failed something, with the counts defined there; nothing for a poll of an unchanged mailbox; progress
 * lines while a poll routes a backlog.
 */
class Pop3RawPollSummaryTest extends ScriptedMailboxTestSupport {

    private static final String SUMMARY = "INFO " + Pop3RawConsumer.class.getName() + " pop3raw: ";

    private LogCapture logs;

    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        logs = LogCapture.everything();
    }

    @AfterEach
    void stopCapture() {
        logs.close(); // before the base class closes the stub, as before
    }

    private void route(String options, boolean failOnPoison) throws Exception {
        context.getRegistry().bind("errors", errors);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pop3raw:127.0.0.1:" + stub.port() + "?username=" + USER + "&password=RAW(" + PASSWORD
                        + ")&readTimeout=5000&delay=100&exceptionHandler=#errors&" + options)
                        .routeId("pop")
                        .process(e -> {
                            if (failOnPoison && e.getMessage().getHeader(Pop3RawConstants.SUBJECT, "", String.class)
                                    .equals("poison")) {
                                throw new IllegalStateException("poison");
                            }
                        });
            }
        });
    }

    private Pop3RawEndpoint endpoint() {
        return (Pop3RawEndpoint) context.getRoute("pop").getEndpoint();
    }

    private List<String> summaries() {
        return logs.lines().stream().filter(l -> l.startsWith(SUMMARY) && l.contains(" listed ")
                && !l.contains("in progress")).toList();
    }

    private String mailbox() {
        return "alice@127.0.0.1:" + stub.port();
    }

    @Test
    void onePollOneLineWithItsCountsAndNothingOnceTheMailboxIsUnchanged() throws Exception {
        String one = raw("one", 10);
        String two = raw("two", 20);
        String three = raw("three", 30);
        stub.add("u1", one);
        stub.add("u2", two);
        stub.add("u3", three);
        stub.add("big", raw("big", 2000));
        stub.add("bad", raw("no uidl", 10));
        stub.uidlLineOverrides.put("bad", "%d"); // a UIDL line without a UIDL: an invalid entry
        route("initialDelay=0&delete=true&maxMessagesPerPoll=2&maxMessageSize=1000", false);

        await(() -> stub.uidls().equals(List.of("big", "bad")), "u1, u2, u3 deleted");
        long polls = endpoint().getPolls();
        await(() -> endpoint().getPolls() >= polls + 5, "five more polls of the unchanged mailbox");

        List<String> lines = summaries();
        assertEquals(2, lines.size(), "one line per poll that did something, none after:\n" + logs.text());
        // first poll: 5 listed, 4 with a UIDL and new; u1, u2 retrieved and deleted; skipped: big (oversize), u3
        // (maxMessagesPerPoll), bad (invalid UIDL)
        assertSummary(lines.get(0), 5, 4, 2, one.length() + two.length() + " B", 2, 0, 3);
        // second poll: u3, big, bad left; u3 retrieved and deleted, big and bad skipped
        assertSummary(lines.get(1), 3, 2, 1, three.length() + " B", 1, 0, 2);
    }

    @Test
    void aFailedExchangeIsCountedAndItsRetryLogsAtEveryPoll() throws Exception {
        String ok = raw("fine", 5);
        stub.add("u1", ok);
        String poison = "Subject: poison\r\n\r\nx\r\n";
        stub.add("u2", poison);
        route("initialDelay=0&delete=true", true);
        await(() -> summaries().size() >= 2, "two polls");
        List<String> lines = summaries();
        assertSummary(lines.get(0), 2, 2, 2, ok.length() + poison.length() + " B", 1, 1, 0);
        // the poison message is offered again at every poll: it fails every time, and every time it is said
        assertSummary(lines.get(1), 1, 1, 1, poison.length() + " B", 0, 1, 0);
        assertEquals(List.of("u2"), stub.uidls());
    }

    @Test
    void aLongPollWritesProgressLines() throws Exception {
        for (int i = 0; i < 5; i++) {
            stub.add("u" + i, raw("m" + i, 10));
        }
        route("initialDelay=500&delete=true", false);
        // every routed message is past the interval
        ((Pop3RawConsumer) context.getRoute("pop").getConsumer()).progressIntervalNanos = 0;
        await(() -> stub.uidls().isEmpty(), "all deleted");
        await(() -> summaries().size() == 1, "the summary");
        List<String> progress = logs.lines().stream().filter(l -> l.startsWith(SUMMARY) && l.contains("in progress"))
                .toList();
        assertEquals(5, progress.size(), logs.text());
        assertTrue(Pattern.matches(Pattern.quote(SUMMARY + mailbox())
                + " poll in progress: listed 5, new 5, retrieved 1 \\(\\d+ B\\) so far in \\d+\\.\\d s",
                progress.get(0)), progress.get(0));
        assertTrue(progress.get(4).contains("retrieved 5 ("), progress.get(4));
    }

    private void assertSummary(String line, int listed, int fresh, int retrieved, String octets, int deleted,
            int failed, int skipped) {
        String expected = Pattern.quote(SUMMARY + mailbox() + " listed " + listed + ", new " + fresh + ", retrieved "
                + retrieved + " (" + octets + "), deleted " + deleted + ", failed " + failed + ", skipped " + skipped
                + " in ") + "\\d+ ms";
        assertTrue(Pattern.matches(expected, line), "expected " + expected + "\nbut was " + line);
    }
}
