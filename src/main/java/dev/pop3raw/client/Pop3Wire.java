package dev.pop3raw.client;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands out, replies in (poplib's {@code _putcmd}, {@code _getresp} and {@code _getlongresp}): command lines,
 * status lines, multi-line replies and message data, over the {@link Pop3Transport}'s streams. It alone holds the
 * session's input buffer ({@link Pop3Input}), the data reply being read and the count of pipelined replies still
 * due, so it alone decides whether the session is in step; a failure that puts it out of step closes the connection.
 * <p>
 * In lock-step a command is sent only when nothing is due from the server. {@link RetrievalBatch} pipelines: it sends
 * with {@link #writePipelined} and reads with {@link #readPipelinedReply}, and until every reply it asked for is read
 * no other command may be sent.
 */
final class Pop3Wire {

    /** Reads one line of a multi-line reply as it arrives. */
    interface LineParser<T> {
        T parse(String line) throws IOException;
    }

    private final Pop3Transport transport;
    private final Pop3ClientOptions options;
    private final WireLog log;
    /** host:port, for messages. */
    private final String peer;

    private Pop3Input input;
    private OutputStream out;
    /** The data reply (RETR, TOP) handed out last; read to its end before anything else is read. */
    private MessageDataInputStream openData;
    /** Whether {@link #openData} answers a pipelined command (a batch may discard it when it closes). */
    private boolean openDataPipelined;
    /** Pipelined commands sent whose status line has not been read. */
    private int pipelinedRepliesDue;

    Pop3Wire(Pop3Transport transport, Pop3ClientOptions options, WireLog log, String peer) {
        this.transport = transport;
        this.options = options;
        this.log = log;
        this.peer = peer;
    }

    /**
     * Takes the transport's streams: at connect, and again after the TLS handshake of STLS, when anything the server
     * sent before the handshake is thrown away (it could have been injected in clear).
     */
    void attach() throws IOException {
        if (input == null) {
            input = new Pop3Input(transport.input(), options.readTimeout().toNanos());
        } else {
            int discarded = input.replaceStream(transport.input());
            if (discarded > 0) {
                log.note("discarded " + discarded + " octets the server sent before the TLS handshake");
            }
        }
        out = new BufferedOutputStream(transport.output(), 8192);
    }

    // ---------------------------------------------------------------- lock-step commands

    /** Sends a command, reads the status line, returns its text; {@code -ERR} becomes an exception. */
    String command(String line, String display) throws IOException {
        return StatusLine.text(requireOk(display, exchange(line, display)));
    }

    /** Sends a command and returns its status line, {@code +OK} or {@code -ERR}. */
    String exchange(String line, String display) throws IOException {
        prepareForCommand();
        sendLine(line, display);
        return readReply(display);
    }

    /**
     * Makes the session ready for a command: no pipelined reply may still be due (it would be read as the reply to this
     * command), and a data reply left half-read is read to its end.
     */
    void prepareForCommand() throws IOException {
        requireNoPipelinedReplyDue();
        finishOpenData();
    }

    /** Sends one line and flushes it, in lock-step: nothing may be waiting from the server. */
    void sendLine(String line, String display) throws IOException {
        requireInStep(display);
        writeLine(line, display);
        flush();
    }

    /**
     * In lock-step, nothing may be waiting from the server before a command is sent: bytes already buffered
     * mean the server answered something twice (or sent a line of its own), and the reply read next would
     * belong to an earlier command. Cheap to check, so checked; bytes still in flight are not caught.
     */
    private void requireInStep(String display) throws IOException {
        if (input == null) {
            return;
        }
        String unsolicited = input.unsolicited();
        if (unsolicited != null) {
            throw broken(new Pop3MalformedResponseException("the server sent " + input.buffered()
                    + " octets nobody asked for before " + display
                    + " (out of step; e.g. two replies to one command): "
                    + abbreviate(unsolicited)));
        }
    }

    /** Writes one command line without flushing it (several go out in one write when pipelined). */
    void writeLine(String line, String display) throws IOException {
        ensureOpen();
        CommandArguments.requireSafe(line, "command");
        log.sent(display);
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write('\r');
            out.write('\n');
        } catch (IOException e) {
            throw broken(e);
        }
    }

    void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    // ---------------------------------------------------------------- pipelined commands

    /** Writes a command whose reply is read later with {@link #readPipelinedReply}; the caller flushes. */
    void writePipelined(String line, String display) throws IOException {
        pipelinedRepliesDue++;
        writeLine(line, display);
    }

    /** Reads the status line of the oldest pipelined command still due. */
    String readPipelinedReply(String display) throws IOException {
        pipelinedRepliesDue--;
        return readReply(display);
    }

    /** Whether replies to pipelined commands are still to be read. */
    boolean pipelinedRepliesDue() {
        return pipelinedRepliesDue > 0;
    }

    private void requireNoPipelinedReplyDue() {
        if (pipelinedRepliesDue > 0) {
            throw new IllegalStateException("a RetrievalBatch still has RETR commands in flight: read it to the end or"
                    + " close it before sending another command");
        }
    }

    // ---------------------------------------------------------------- replies

    /** Reads a status line that must be {@code +OK} or {@code -ERR}. */
    String readReply(String display) throws IOException {
        String reply = readStatusLine();
        if (!StatusLine.isOk(reply) && !StatusLine.isErr(reply)) {
            throw broken(new Pop3MalformedResponseException("reply to " + display + " is neither +OK nor -ERR: "
                    + abbreviate(reply)));
        }
        return reply;
    }

    static String requireOk(String display, String reply) throws Pop3ErrorResponseException {
        if (StatusLine.isErr(reply)) {
            throw new Pop3ErrorResponseException(display, reply);
        }
        return reply;
    }

    /** Reads one line as it is (a greeting, a status line, a SASL challenge), bounded in length and time. */
    String readStatusLine() throws IOException {
        ensureOpen();
        try {
            String line = input.readLine(options.maxLineLength());
            log.received(line);
            return line;
        } catch (SocketTimeoutException e) {
            throw broken(new Pop3TimeoutException("no reply from " + peer + " within "
                    + options.readTimeout().toMillis() + " ms", e));
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** Reads the lines of a multi-line listing reply up to the terminating dot, bounded in count and length. */
    List<String> readMultiLine(String display, int maxEntries) throws IOException {
        return readMultiLine(display, maxEntries, line -> line);
    }

    /**
     * Reads a multi-line reply, each line parsed as it arrives: a listing of 100,000 lines is never held as lines,
     * only as what they mean.
     */
    <T> List<T> readMultiLine(String display, int maxEntries, LineParser<T> parser) throws IOException {
        List<T> items = new ArrayList<>();
        while (true) {
            String line = readStatusLine();
            if (line.startsWith(".")) {
                if (line.length() == 1) {
                    return items;
                }
                line = line.substring(1);
            }
            if (items.size() >= maxEntries) {
                throw broken(new Pop3MalformedResponseException("reply to " + display + " has more than "
                        + maxEntries + " lines"));
            }
            items.add(parser.parse(line));
        }
    }

    // ---------------------------------------------------------------- message data

    /** The data of the reply whose {@code +OK} was just read (RETR, TOP), as a stream that ends at the terminator. */
    MessageDataInputStream openDataStream() {
        openData = new MessageDataInputStream(input, this::dataFailure);
        openDataPipelined = false;
        return openData;
    }

    /** {@link #openDataStream()} for the reply just read with {@link #readPipelinedReply}. */
    MessageDataInputStream openPipelinedData() {
        MessageDataInputStream data = openDataStream();
        openDataPipelined = true;
        return data;
    }

    /** A reply's data could not be read to its end: the session is out of step, so it is closed. */
    private IOException dataFailure(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return broken(new Pop3TimeoutException("message data from " + peer + " stopped for "
                    + options.readTimeout().toMillis() + " ms", e));
        }
        return broken(e);
    }

    /** A data reply left half-read would put the session out of step: read it to its end first. */
    void finishOpenData() throws IOException {
        if (openData != null) {
            MessageDataInputStream data = openData;
            openData = null;
            try {
                data.close();
            } catch (IOException e) {
                throw broken(e);
            }
        }
    }

    /**
     * Reads the rest of the open data reply when it answers a pipelined command (one opened in lock-step is left to
     * its reader), but no more than {@code maxOctets} octets of it (0: no limit): a reply with more closes the
     * session instead.
     *
     * @return false when the session was closed for it
     */
    boolean discardPipelinedData(long maxOctets, byte[] sink) throws IOException {
        MessageDataInputStream data = openData;
        if (data == null || !openDataPipelined) {
            return true;
        }
        openData = null;
        while (!data.ended()) {
            if (maxOctets > 0 && data.count() > maxOctets) {
                close();
                return false;
            }
            data.read(sink, 0, sink.length);
        }
        return true;
    }

    // ---------------------------------------------------------------- the session's end

    boolean isClosed() {
        return transport.isClosed();
    }

    void close() {
        transport.close();
    }

    private void ensureOpen() throws Pop3ConnectionClosedException {
        if (transport.isClosed()) {
            throw new Pop3ConnectionClosedException("the POP3 session with " + peer + " is closed");
        }
    }

    /** A failure after which the session cannot go on: closes the socket and returns the failure to throw. */
    <E extends IOException> E broken(E failure) {
        close();
        return failure;
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
