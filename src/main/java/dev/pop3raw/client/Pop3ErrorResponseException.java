package dev.pop3raw.client;

/**
 * The server answered {@code -ERR}. Carries the server's text and, when the server sent one, its RFC 2449 /
 * RFC 3206 response code so that a caller can branch on {@link #responseCode()} instead of parsing text.
 */
public class Pop3ErrorResponseException extends Pop3Exception {

    private static final long serialVersionUID = 1L;

    private final String command;
    private final String serverText;
    private final transient ResponseCode responseCode;

    /**
     * @param command    the command that failed, already redacted (e.g. {@code "PASS"}, {@code "RETR 3"})
     * @param statusLine the whole {@code -ERR ...} line
     */
    public Pop3ErrorResponseException(String command, String statusLine) {
        super(describe(command, statusLine));
        this.command = command;
        this.serverText = StatusLine.text(statusLine);
        this.responseCode = ResponseCode.parse(serverText);
    }

    private static String describe(String command, String statusLine) {
        return "POP3 server refused " + command + ": " + statusLine;
    }

    /** The command the server refused, with any secret argument removed. */
    public String command() {
        return command;
    }

    /** The text after {@code -ERR}, including any bracketed response code. */
    public String serverText() {
        return serverText;
    }

    /** The response code, or {@code null} when the server sent none. */
    public ResponseCode responseCode() {
        return responseCode;
    }

    /** Whether the server sent {@code code} or a more specific code below it (see {@link ResponseCode#isA}). */
    public boolean hasCode(ResponseCode code) {
        return responseCode != null && responseCode.isA(code);
    }
}
