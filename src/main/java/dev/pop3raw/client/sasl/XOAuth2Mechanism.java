package dev.pop3raw.client.sasl;

/**
 * XOAUTH2, Google's and Microsoft's pre-standard OAuth 2.0 mechanism: one message
 * {@code user=U\x01auth=Bearer T\x01\x01}.
 * <p>
 * Google accepts it as an initial response; Microsoft 365 needs the two-line form, where the client sends
 * {@code AUTH XOAUTH2}, waits for an empty {@code +}, then sends the message. When the token is rejected
 * the server sends a challenge with a JSON error; the client answers with an empty response, after which
 * {@link #failed()} is true and the server sends {@code -ERR}.
 */
public final class XOAuth2Mechanism extends OAuthMechanism {

    /** The mechanism name. */
    public static final String NAME = "XOAUTH2";

    private final boolean twoLine;

    /**
     * @param username      the mailbox user
     * @param tokenProvider supplies the access token
     * @param twoLine       true for the Microsoft 365 form (no initial response)
     * @param forceRefresh  passed to the provider: true when retrying after a rejected token
     * @throws IllegalArgumentException when the user name contains a control character (it would break the
     *                                  {@code \x01} framing)
     */
    public XOAuth2Mechanism(String username, AccessTokenProvider tokenProvider, boolean twoLine, boolean forceRefresh) {
        super(username, tokenProvider, forceRefresh);
        if (SaslBytes.hasControl(username)) {
            throw new IllegalArgumentException("XOAUTH2 user name must not contain control characters");
        }
        this.twoLine = twoLine;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    byte[] buildMessage(String token) {
        return SaslBytes.utf8("user=" + username + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    /** XOAUTH2 servers expect an empty line in answer to the error challenge. */
    @Override
    byte[] errorAcknowledgement() {
        return new byte[0];
    }

    @Override
    boolean sendsInitialResponse() {
        return !twoLine;
    }
}
