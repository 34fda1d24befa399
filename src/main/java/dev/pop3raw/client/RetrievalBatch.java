package dev.pop3raw.client;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Retrieves a list of messages in order, keeping up to {@code window} RETR commands in flight so that the
 * server never waits for the client between messages (RFC 2449 PIPELINING). With a window of 1 it is plain
 * lock-step. Commands are sent only as far ahead as the window allows, so an abandoned batch costs at most
 * {@code window} replies to drain.
 * <p>
 * Usage: {@code while (batch.hasNext()) { RetrievedMessage m = batch.next(); ... read m.body() ... }}; the
 * previous message's stream is read to its end (or closed) before the next is returned, which the batch
 * does itself if the caller did not. {@link #close()} drains the replies still in flight.
 */
public final class RetrievalBatch implements Closeable {

    private final Pop3Wire wire;
    private final List<Integer> numbers;
    private final int window;
    /** How many of {@link #numbers} were asked for, and how many of their replies were read. */
    private int sent;
    private int received;

    RetrievalBatch(Pop3Wire wire, List<Integer> numbers, int window) {
        this.wire = wire;
        this.numbers = List.copyOf(numbers);
        this.window = window;
    }

    /** Whether messages remain to be returned. */
    public boolean hasNext() {
        return received < numbers.size();
    }

    /** The next message in the order asked for. */
    public RetrievedMessage next() throws IOException {
        if (!hasNext()) {
            throw new NoSuchElementException("all " + numbers.size() + " messages of the batch were returned");
        }
        wire.finishOpenData();
        topUp();
        int number = numbers.get(received++);
        String display = "RETR " + number;
        String reply = wire.readPipelinedReply(display);
        if (StatusLine.isErr(reply)) {
            return new RetrievedMessage(number, null, new Pop3ErrorResponseException(display, reply));
        }
        return new RetrievedMessage(number, wire.openPipelinedData(), null);
    }

    /**
     * Sends RETR commands until the window is full, in one write, but only once the commands in flight have fallen
     * to half the window: topping up after every reply cost one socket write (and one wake-up of the server) per
     * message.
     */
    private void topUp() throws IOException {
        int target = Math.min(numbers.size(), received + window);
        if (sent >= target || sent - received > window / 2) {
            return;
        }
        while (sent < target) {
            int number = numbers.get(sent++);
            wire.writePipelined("RETR " + number, "RETR " + number);
        }
        wire.flush();
    }

    /**
     * Like {@link #close()}, but reads no more than {@code maxOctets} octets of data of any one reply (0: no limit). A
     * reply with more is not read to its end: the session is closed instead, so that a server that never ends a
     * message cannot hold the caller here, and a message too large to keep is not downloaded just to be thrown away.
     *
     * @return true when the session is ready for more commands; false when it is closed (now or before)
     */
    public boolean close(long maxOctets) throws IOException {
        if (wire.isClosed()) {
            return false;
        }
        byte[] sink = new byte[8192];
        if (!wire.discardPipelinedData(maxOctets, sink)) {
            return false;
        }
        while (received < sent) {
            int number = numbers.get(received++);
            if (StatusLine.isOk(wire.readPipelinedReply("RETR " + number))) {
                wire.openPipelinedData();
                if (!wire.discardPipelinedData(maxOctets, sink)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads and discards the replies to commands already sent, leaving the session ready for more. */
    @Override
    public void close() throws IOException {
        close(0);
    }
}
