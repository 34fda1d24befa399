package dev.pop3raw.client.sasl;

/**
 * OAUTHBEARER (RFC 7628): one message {@code n,a=U,\x01host=H\x01port=P\x01auth=Bearer T\x01\x01}.
 * <p>
 * The GS2 header's {@code a=} authorization identity escapes {@code ,} and {@code =} (RFC 5801); host
 * and port are left out when unknown. When the token is rejected the server sends a JSON error challenge;
 * the client answers {@code \x01} (RFC 7628 section 3.2.3), after which {@link #failed()} is true and the
 * server sends {@code -ERR}.
 */
public final class OAuthBearerMechanism extends OAuthMechanism {

    /** The IANA mechanism name. */
    public static final String NAME = "OAUTHBEARER";

    private final String host;
    private final int port;

    /**
     * @param username      the mailbox user
     * @param tokenProvider supplies the access token
     * @param host          the server host name, or {@code null} to leave it out
     * @param port          the server port, or 0 to leave it out
     * @param forceRefresh  passed to the provider: true when retrying after a rejected token
     * @throws IllegalArgumentException when the user name or host contains a control character (it would
     *                                  break the {@code \x01} framing) or the port is out of range
     */
    public OAuthBearerMechanism(String username, AccessTokenProvider tokenProvider, String host, int port,
            boolean forceRefresh) {
        super(username, tokenProvider, forceRefresh);
        if (SaslBytes.hasControl(username) || (host != null && SaslBytes.hasControl(host))) {
            throw new IllegalArgumentException("OAUTHBEARER user name and host must not contain control characters");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (unknown) or 1..65535, was " + port);
        }
        this.host = host;
        this.port = port;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    byte[] buildMessage(String token) {
        StringBuilder b = new StringBuilder("n,a=").append(ScramSha256Mechanism.escapeSaslName(username))
                .append(",\u0001");
        if (host != null) {
            b.append("host=").append(host).append('\u0001');
        }
        if (port > 0) {
            b.append("port=").append(port).append('\u0001');
        }
        b.append("auth=Bearer ").append(token).append("\u0001\u0001");
        return SaslBytes.utf8(b.toString());
    }

    /** RFC 7628 section 3.2.3: the client answers the error challenge with a single {@code \x01}. */
    @Override
    byte[] errorAcknowledgement() {
        return new byte[]{0x01};
    }

    @Override
    boolean sendsInitialResponse() {
        return true;
    }
}
