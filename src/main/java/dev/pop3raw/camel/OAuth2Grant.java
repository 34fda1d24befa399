package dev.pop3raw.camel;

/** Which OAuth 2.0 grant the endpoint uses to get access tokens. */
public enum OAuth2Grant {
    /** refresh_token when a refresh token (or a refresh token file or store) is configured, else client_credentials. */
    AUTO,
    /** A refresh token obtained once with the user's consent (Gmail, Microsoft 365 delegated). */
    REFRESH_TOKEN,
    /** The application's own credentials, no user (Microsoft 365 app-only, POP.AccessAsApp). */
    CLIENT_CREDENTIALS
}
