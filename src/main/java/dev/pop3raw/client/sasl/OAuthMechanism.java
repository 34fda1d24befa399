package dev.pop3raw.client.sasl;

import java.io.IOException;
import java.util.Objects;

/**
 * The state machine XOAUTH2 and OAUTHBEARER share: one client message carrying a bearer token, then, on
 * failure, one server challenge with a JSON error that the client acknowledges so the server can send the
 * final {@code -ERR}.
 * <p>
 * The message is sent as the initial response, or in answer to the server's empty first challenge (the
 * two-line form, or when the caller withheld a response too long for the 255-octet command limit; tokens
 * are often longer). An error challenge is never empty (it carries JSON), which is how the two are told
 * apart. The token is fetched lazily, once, so a mechanism that is created but never used costs no token.
 */
abstract class OAuthMechanism implements SaslMechanism {

    protected final String username;
    private final AccessTokenProvider tokenProvider;
    private final boolean forceRefresh;

    private byte[] message;
    private boolean initialProduced;
    private boolean messageAnswered;
    private boolean failed;
    private String errorJson;

    OAuthMechanism(String username, AccessTokenProvider tokenProvider, boolean forceRefresh) {
        this.username = Objects.requireNonNull(username, "username");
        this.tokenProvider = Objects.requireNonNull(tokenProvider, "tokenProvider");
        this.forceRefresh = forceRefresh;
    }

    /** Builds the client message around a validated token. */
    abstract byte[] buildMessage(String token);

    /** The acknowledgement of the server's error challenge. */
    abstract byte[] errorAcknowledgement();

    /** Whether the message goes in the initial response (false for the XOAUTH2 two-line form). */
    abstract boolean sendsInitialResponse();

    @Override
    public final byte[] initialResponse() throws IOException {
        if (!sendsInitialResponse()) {
            return null;
        }
        initialProduced = true;
        return message().clone();
    }

    @Override
    public final byte[] evaluateChallenge(byte[] challenge) throws IOException {
        byte[] c = challenge == null ? new byte[0] : challenge;
        if (!messageAnswered && !failed && (!initialProduced || c.length == 0)) {
            // The server asks for the client message (two-line form, or initial response withheld).
            messageAnswered = true;
            return message().clone();
        }
        if (failed) {
            throw new IOException(name() + " server sent another challenge after its error report");
        }
        // A challenge after the token went out is the server's error report (RFC 7628 section 3.2.2).
        failed = true;
        errorJson = new String(c, java.nio.charset.StandardCharsets.UTF_8);
        return errorAcknowledgement();
    }

    /** True once the server sent its error challenge; the next status line will be {@code -ERR}. */
    @Override
    public final boolean failed() {
        return failed;
    }

    /**
     * The server's error report (JSON such as {@code {"status":"401","schemes":"bearer",...}}), made safe for
     * logs, or {@code null} when none arrived. Useful to tell an expired token (refresh and retry) from a
     * wrong scope.
     */
    public final String serverError() {
        return errorJson == null ? null : SaslBytes.printable(errorJson, 512);
    }

    /** Bearer tokens are replayable until they expire. */
    @Override
    public final boolean sendsReusableSecret() {
        return true;
    }

    private byte[] message() throws IOException {
        if (message == null) {
            String token = tokenProvider.accessToken(username, forceRefresh);
            if (token == null || token.isEmpty()) {
                throw new IOException("the access token provider returned no token for user " + username);
            }
            // A control character (above all \x01, the field separator) or a space would let the token
            // change the framing of the message; bearer tokens (RFC 6750 b64token) have neither.
            if (SaslBytes.hasControl(token) || token.indexOf(' ') >= 0) {
                throw new IOException("the access token for user " + username
                        + " contains a space or control character; refusing to send it");
            }
            message = buildMessage(token);
        }
        return message;
    }
}
