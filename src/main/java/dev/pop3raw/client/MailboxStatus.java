package dev.pop3raw.client;

/**
 * The answer to {@code STAT}.
 *
 * @param messageCount the number of messages in the maildrop
 * @param sizeOctets   their total size as the server counts it
 */
public record MailboxStatus(int messageCount, long sizeOctets) {
}
