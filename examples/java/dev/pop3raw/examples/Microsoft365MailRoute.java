package dev.pop3raw.examples;

import java.io.File;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import dev.pop3raw.examples.oauth2.RefreshTokenAccessTokenProvider;

/**
 * Microsoft 365 (Exchange Online) with OAuth2, Java DSL: implicit TLS to outlook.office365.com:995, SASL XOAUTH2,
 * tokens from the Microsoft identity platform with a refresh token (delegated permission POP.AccessAsUser.All).
 * Messages stay on the server; a file-based idempotent repository remembers what was consumed.
 * Properties: m365.user, m365.tenant, m365.client-id, m365.refresh-token (examples/yaml/application.properties).
 */
public class Microsoft365MailRoute extends RouteBuilder {

    @Override
    public void configure() {
        RefreshTokenAccessTokenProvider tokens = RefreshTokenAccessTokenProvider.microsoft365(
                getContext().resolvePropertyPlaceholders("{{m365.tenant}}"),
                getContext().resolvePropertyPlaceholders("{{m365.client-id}}"),
                getContext().resolvePropertyPlaceholders("{{m365.refresh-token}}"));
        bindToRegistry("m365Tokens", tokens);
        bindToRegistry("m365SeenMail", FileIdempotentRepository.fileIdempotentRepository(
                new File(getContext().resolvePropertyPlaceholders("{{pop3.seen-file}}")), 10_000));

        from("pop3raw:outlook.office365.com:995?tls=implicit&username={{m365.user}}"
                + "&authMechanism=XOAUTH2&accessTokenProvider=#m365Tokens"
                + "&idempotentRepository=#m365SeenMail")
                .routeId("microsoft365-mail-java")
                .to("file:{{mail.output}}?fileName=${exchangeId}.eml")
                .log("${header.CamelPop3RawUidl}  ${header.CamelPop3RawSize} octets  ${header.CamelPop3RawSubject}");
    }
}
