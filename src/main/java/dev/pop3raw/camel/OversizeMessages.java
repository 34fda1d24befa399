package dev.pop3raw.camel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the consumer remembers, by UIDL, about messages over {@code maxMessageSize}:
 * <ul>
 * <li>those that turned out larger on the wire than LIST said (a server that understates sizes, or one that never
 * ends a message), with the octets received before retrieval stopped. Retrieving such a message again would only be
 * stopped again, and it would drop every session that meets it, so it is handled per {@code oversizeAction} without
 * being retrieved, like a message listed too large;</li>
 * <li>those already warned about ({@code oversizeAction=skip} warns once per message).</li>
 * </ul>
 * <b>Bounded.</b> After each listing only the UIDLs the server still lists are kept ({@link #retainListed}), so the
 * memory follows the size of the mailbox.
 * <p>
 * <b>Per consumer instance.</b> Held in memory: after a restart a message that was found too large on the wire is
 * retrieved once more (and stopped at {@code maxMessageSize} again). Thread-safe: JMX reads it.
 */
final class OversizeMessages {

    /** UIDL to the octets received when the retrieval was stopped (more than maxMessageSize). */
    private final Map<String, Long> foundOnWire = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The message's data exceeded maxMessageSize after {@code octets} octets: never retrieve it again. */
    void foundOnWire(String uidl, long octets) {
        foundOnWire.merge(uidl, octets, Math::max);
    }

    /** The octets received before the message was found too large on the wire; -1 when it never was. */
    long octetsFoundOnWire(String uidl) {
        Long octets = foundOnWire.get(uidl);
        return octets == null ? -1 : octets;
    }

    /** True the first time it is asked for a UIDL (as long as the message stays listed), false after. */
    boolean firstWarning(String uidl) {
        return warned.add(uidl);
    }

    /** Forgets UIDLs the server no longer lists (deleted, by this consumer or by someone else). */
    void retainListed(Set<String> listed) {
        foundOnWire.keySet().retainAll(listed);
        warned.retainAll(listed);
    }

    int foundOnWireCount() {
        return foundOnWire.size();
    }
}
