package dev.pop3raw.camel;

/** What the attachment splitter does with a message/rfc822 part (a forwarded or bounced message). */
public enum ForwardedMessages {
    /** One part: the forwarded message as it is (an .eml file); its own parts are not walked. */
    ATTACH,
    /** Its parts are walked as if they were the outer message's; the forwarded message itself is not a part. */
    WALK,
    /** Both: first the forwarded message as one part, then each of its own parts. */
    BOTH
}
