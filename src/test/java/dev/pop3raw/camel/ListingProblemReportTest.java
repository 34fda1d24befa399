package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.pop3raw.client.MessageInfo;
import dev.pop3raw.testing.LogCapture;

/** How listing problems are told to the operator: once per entry, bounded per poll, counted once. */
class ListingProblemReportTest {

    private final AtomicLong skipped = new AtomicLong();
    private final ListingProblemReport report = new ListingProblemReport(new MailboxKey("alice", "pop.example", 995),
            skipped);

    private static MessageInfo emptyUidl(int number, long size) {
        return new MessageInfo(number, size, "", "UIDL: the unique-id is empty");
    }

    private static long warnings(LogCapture log, String text) {
        return log.lines().stream().filter(l -> l.startsWith("WARN ") && l.contains(text)).count();
    }

    private void poll(List<MessageInfo> listing) {
        Map<String, MessageInfo> tracked = new LinkedHashMap<>();
        for (MessageInfo m : listing) {
            if (m.hasValidUidl()) {
                tracked.put(m.uidl(), m);
            }
        }
        report.report(listing, List.of(), tracked);
    }

    @Test
    void aPollWarnsAboutTwentyEntriesAtMostAndSaysHowManyMoreWentToDebug() {
        List<MessageInfo> listing = new ArrayList<>();
        for (int n = 1; n <= 25; n++) {
            listing.add(emptyUidl(n, 100 + n));
        }
        try (LogCapture log = LogCapture.everything()) {
            poll(listing);
            assertEquals(20, warnings(log, "is skipped"));
            assertEquals(1, warnings(log, "5 more problems in the listing of alice@pop.example:995"));
            assertEquals(25, skipped.get());
            poll(listing);
            assertEquals(20, warnings(log, "is skipped"), "nothing new at the second poll");
            assertEquals(25, skipped.get());
        }
    }

    @Test
    void entriesListedAlikeAreTwoEntriesAndAreRecognisedAfterRenumbering() {
        try (LogCapture log = LogCapture.everything()) {
            poll(List.of(new MessageInfo(1, 10, "good"), emptyUidl(2, 50), emptyUidl(3, 50)));
            assertEquals(2, warnings(log, "is skipped"));
            assertEquals(2, skipped.get());
            // the good message was deleted: the others are renumbered, but they are the same entries
            poll(List.of(emptyUidl(1, 50), emptyUidl(2, 50)));
            assertEquals(2, warnings(log, "is skipped"));
            assertEquals(2, skipped.get());
        }
    }

    @Test
    void anEntryThatVanishesAndComesBackIsReportedAgain() {
        try (LogCapture log = LogCapture.everything()) {
            poll(List.of(emptyUidl(1, 50)));
            poll(List.of(new MessageInfo(1, 10, "good")));
            poll(List.of(new MessageInfo(1, 10, "good"), emptyUidl(2, 50)));
            assertEquals(2, warnings(log, "is skipped"));
            assertEquals(2, skipped.get());
        }
    }

    @Test
    void anUnknownSizeIsWarnedOnceAndNotCountedAsSkipped() {
        MessageInfo sizeless = new MessageInfo(1, -1, "u1",
                "LIST: the size \"abc\" is not a non-negative decimal number");
        try (LogCapture log = LogCapture.everything()) {
            poll(List.of(sizeless));
            poll(List.of(sizeless));
            assertEquals(1, warnings(log, "(UIDL u1) is handled with its size unknown"));
            assertEquals(0, skipped.get());
        }
    }
}
