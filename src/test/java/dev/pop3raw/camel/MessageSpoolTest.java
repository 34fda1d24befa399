package dev.pop3raw.camel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool files of a poll are written over message after message, never while a message in them can be read. */
class MessageSpoolTest {

    @TempDir
    Path dir;
    private final CamelContext camel = new DefaultCamelContext();
    private final MessageSpool spool = new MessageSpool();

    @AfterEach
    void closeSpool() {
        spool.close();
    }

    @Test
    void aFileWhoseExchangeCompletedTakesTheNextMessage() throws Exception {
        Exchange first = new DefaultExchange(camel);
        MessageSpool.Lease a = spooled(first, "the first message, the longer one");
        SpooledMessageBody firstBody = new SpooledMessageBody(a);
        assertEquals("the first message, the longer one", read(firstBody));
        complete(first);
        Exchange second = new DefaultExchange(camel);
        MessageSpool.Lease b = spooled(second, "the second");
        assertEquals(a.fileName(), b.fileName(), "the same file, written over");
        assertEquals(1, files(), "one file for both");
        SpooledMessageBody secondBody = new SpooledMessageBody(b);
        assertEquals("the second", read(secondBody), "only its own length, not the first message's tail");
        assertEquals(10, secondBody.length());
    }

    @Test
    void aBodyReadAfterItsExchangeCompletedThrowsInsteadOfReadingAnotherMessage() throws Exception {
        Exchange first = new DefaultExchange(camel);
        SpooledMessageBody body = new SpooledMessageBody(spooled(first, "first"));
        complete(first);
        spooled(new DefaultExchange(camel), "other");
        IOException e = assertThrows(IOException.class, () -> body.read(new byte[5]));
        assertTrue(e.getMessage().contains("can no longer be read"), e.getMessage());
        assertThrows(IOException.class, () -> body.copy(new DefaultExchange(camel)));
    }

    @Test
    void aCopyKeepsTheMessageInItsFileUntilTheCopysExchangeCompletesToo() throws Exception {
        Exchange first = new DefaultExchange(camel);
        MessageSpool.Lease a = spooled(first, "tapped message");
        SpooledMessageBody own = new SpooledMessageBody(a);
        own.read(new byte[6]);
        Exchange tap = new DefaultExchange(camel);
        StreamCache copy = own.copy(tap);
        complete(first);
        complete(first); // Camel may run completions again: the copy still holds the file
        MessageSpool.Lease b = spooled(new DefaultExchange(camel), "next message");
        assertNotEquals(a.fileName(), b.fileName(), "the tapped message's file is still held");
        assertEquals("tapped message", read((InputStream) copy), "the copy reads from the first byte");
        complete(tap);
        assertEquals(a.fileName(), spooled(new DefaultExchange(camel), "third").fileName(), "then it is reused");
    }

    @Test
    void resetWriteToAndSkipWorkOnTheWholeMessage() throws Exception {
        SpooledMessageBody body = new SpooledMessageBody(spooled(new DefaultExchange(camel), "0123456789"));
        assertEquals(3, body.skip(3));
        assertEquals('3', body.read());
        assertEquals(4, body.position());
        assertEquals(6, body.available());
        var out = new java.io.ByteArrayOutputStream();
        body.writeTo(out);
        assertEquals("0123456789", out.toString(StandardCharsets.US_ASCII), "writeTo writes the whole message");
        body.reset();
        assertEquals("0123456789", read(body));
        assertEquals(-1, body.read());
        assertEquals(0, body.skip(5));
    }

    @Test
    void closingThePollDeletesIdleFilesAtOnceAndHeldOnesWhenTheirExchangeCompletes() throws Exception {
        Exchange async = new DefaultExchange(camel);
        SpooledMessageBody stillRouted = new SpooledMessageBody(spooled(async, "still routed"));
        Exchange idle = new DefaultExchange(camel);
        spooled(idle, "done already");
        complete(idle);
        assertEquals(2, files());
        spool.close();
        assertEquals(1, files(), "the idle file is gone");
        assertEquals("still routed", read(stillRouted), "the held message is still readable");
        complete(async);
        assertEquals(0, files(), "and its file goes when its exchange completes");
        assertThrows(IllegalStateException.class, () -> spool.lease(new DefaultExchange(camel), dir.toFile()));
    }

    @Test
    void aDiscardedExchangeGivesItsFileBackThroughItsFailureCompletion() throws Exception {
        Exchange discarded = new DefaultExchange(camel);
        MessageSpool.Lease a = spooled(discarded, "never routed");
        for (Synchronization s : discarded.getExchangeExtension().handoverCompletions()) {
            s.onFailure(discarded);
        }
        assertEquals(1, spool.idleFiles());
        assertEquals(a.fileName(), spooled(new DefaultExchange(camel), "next").fileName());
    }

    /** Spool files hold mail: other users of the machine must not read them. */
    @Test
    void spoolFilesAreReadableAndWritableByTheirOwnerOnly() throws Exception {
        spooled(new DefaultExchange(camel), "private mail");
        try (var list = Files.list(dir)) {
            Path file = list.findFirst().orElseThrow();
            assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(file));
            assertTrue(file.getFileName().toString().startsWith("pop3raw-"), file.toString());
        }
    }

    @Test
    void aSpoolDirectoryThatCannotBeCreatedIsAnErrorNamingIt() throws IOException {
        File notADirectory = Files.writeString(dir.resolve("plain-file"), "x").toFile();
        IOException e = assertThrows(IOException.class,
                () -> spool.lease(new DefaultExchange(camel), new File(notADirectory, "spool")));
        assertTrue(e.getMessage().contains("spool directory " + new File(notADirectory, "spool")), e.getMessage());
    }

    private MessageSpool.Lease spooled(Exchange exchange, String content) throws IOException {
        MessageSpool.Lease lease = spool.lease(exchange, dir.toFile());
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        // in two parts: appends follow one another
        lease.append(bytes, 0, bytes.length / 2);
        lease.append(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
        return lease;
    }

    @Test
    void aListedSizeOnlySizesTheHeapArray_aWrongOrFalseOneStillGivesTheExactMessage() throws Exception {
        SpoolPolicy policy = SpoolPolicy.of(camel.getStreamCachingStrategy(), new Pop3RawConfiguration(), dir::toFile);
        byte[] message = new byte[100_000];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        for (long listed : new long[]{-1, 0, 99_999, 100_000, 100_001, 1_048_576, 5_000_000, Long.MAX_VALUE}) {
            MessageSpool.Output out = spool.output(new DefaultExchange(camel), policy, listed);
            out.write(message, 0, 65_536);
            out.write(message, 65_536, message.length - 65_536);
            assertArrayEquals(message, ((InputStream) out.toStreamCache()).readAllBytes(), "listed as " + listed);
        }
        assertEquals(0, files(), "all of them within the heap bound: no spool file");
    }

    private static void complete(Exchange exchange) {
        List<Synchronization> completions = exchange.getExchangeExtension().handoverCompletions();
        if (completions != null) {
            completions.forEach(s -> s.onComplete(exchange));
            completions.forEach(exchange.getExchangeExtension()::addOnCompletion); // kept, as if run again later
        }
    }

    private static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private long files() throws IOException {
        try (var list = Files.list(dir)) {
            return list.count();
        }
    }
}
