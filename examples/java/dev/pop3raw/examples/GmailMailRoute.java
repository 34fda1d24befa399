package dev.pop3raw.examples;

import java.io.File;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import dev.pop3raw.examples.oauth2.RefreshTokenAccessTokenProvider;

/**
 * Gmail with OAuth2, Java DSL: implicit TLS to pop.gmail.com:995, SASL XOAUTH2, tokens from Google's token
 * endpoint with a refresh token granted for https://mail.google.com/. POP must be enabled in the Gmail settings.
 * Messages stay on the server; a file-based idempotent repository remembers what was consumed.
 * Properties: gmail.user, gmail.client-id, gmail.client-secret, gmail.refresh-token.
 */
public class GmailMailRoute extends RouteBuilder {

    @Override
    public void configure() {
        RefreshTokenAccessTokenProvider tokens = RefreshTokenAccessTokenProvider.gmail(
                getContext().resolvePropertyPlaceholders("{{gmail.client-id}}"),
                getContext().resolvePropertyPlaceholders("{{gmail.client-secret}}"),
                getContext().resolvePropertyPlaceholders("{{gmail.refresh-token}}"));
        bindToRegistry("gmailTokens", tokens);
        bindToRegistry("gmailSeenMail", FileIdempotentRepository.fileIdempotentRepository(
                new File(getContext().resolvePropertyPlaceholders("{{pop3.seen-file}}")), 10_000));

        from("pop3raw:pop.gmail.com:995?tls=implicit&username={{gmail.user}}"
                + "&authMechanism=XOAUTH2&accessTokenProvider=#gmailTokens"
                + "&idempotentRepository=#gmailSeenMail")
                .routeId("gmail-mail-java")
                .to("file:{{mail.output}}?fileName=${exchangeId}.eml")
                .log("${header.CamelPop3RawUidl}  ${header.CamelPop3RawSize} octets  ${header.CamelPop3RawSubject}");
    }
}
