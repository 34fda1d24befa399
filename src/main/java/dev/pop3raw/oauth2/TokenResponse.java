package dev.pop3raw.oauth2;

import java.time.Duration;
import java.util.Optional;

import org.apache.camel.util.json.DeserializationException;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * The parts of a token endpoint's answer (RFC 6749 section 5) that a POP3 login needs. {@link #toString()} shows no
 * token.
 *
 * @param accessToken  the bearer token sent in XOAUTH2 / OAUTHBEARER
 * @param expiresIn    its lifetime, when the endpoint said (it should: Google and Microsoft always do)
 * @param refreshToken a new refresh token, when the endpoint rotated it (Microsoft does, Google does not)
 */
public record TokenResponse(String accessToken, Optional<Duration> expiresIn, Optional<String> refreshToken) {

    /**
     * Parses a successful answer.
     *
     * @throws TokenEndpointException when it is not a JSON object with a non-empty {@code access_token}; the message
     *                                names the endpoint, never the body (it may hold tokens)
     */
    static TokenResponse parse(String json, String endpoint) throws TokenEndpointException {
        JsonObject o = parseObject(json);
        if (o == null) {
            throw new TokenEndpointException("the token endpoint " + endpoint + " answered with something that is not a"
                    + " JSON object", null, null, 200);
        }
        String accessToken = text(o, "access_token");
        if (accessToken == null) {
            throw new TokenEndpointException("the token endpoint " + endpoint + " answered without an access_token",
                    null, null, 200);
        }
        return new TokenResponse(accessToken, seconds(o.get("expires_in")),
                Optional.ofNullable(text(o, "refresh_token")));
    }

    /** The JSON object of {@code json}, or null when it is not one (an HTML error page, say). */
    static JsonObject parseObject(String json) {
        try {
            return Jsoner.deserialize(json) instanceof JsonObject o ? o : null;
        } catch (DeserializationException | RuntimeException e) {
            return null;
        }
    }

    /** A non-blank string member, or null. */
    static String text(JsonObject o, String name) {
        return o.get(name) instanceof String s && !s.isBlank() ? s : null;
    }

    /** expires_in is a number by RFC 6749; some endpoints (Azure AD v1) send it as a string. */
    private static Optional<Duration> seconds(Object value) {
        try {
            long s = value instanceof Number n
                    ? n.longValue()
                    : value instanceof String str ? Long.parseLong(str.trim()) : -1;
            return s > 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn.map(Duration::toString).orElse("unknown")
                + ", refreshTokenRotated=" + refreshToken.isPresent() + "]";
    }
}
