package dev.pop3raw.camel;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.ObjectHelper;

/**
 * The {@code pop3raw:} component: polls a POP3 maildrop and hands over each message raw, as the server holds it.
 */
@Component("pop3raw")
public class Pop3RawComponent extends HealthCheckComponent {

    @Metadata(label = "advanced", description = "Component-wide defaults for the endpoint options")
    private Pop3RawConfiguration configuration = new Pop3RawConfiguration();
    /** One thread renews the leases of all this component's consumers; created when the first one needs it. */
    private ScheduledExecutorService leaseRenewal;
    private final OwnSpoolDirectory ownSpoolDirectory = new OwnSpoolDirectory();
    /** The generated configurer, wrapped once it is resolved (when the component is built). */
    private volatile CheckedComponentConfigurer checkedConfigurer;

    public Pop3RawComponent() {
    }

    public Pop3RawComponent(CamelContext context) {
        super(context);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Pop3RawConfiguration config = configuration != null ? configuration.copy() : new Pop3RawConfiguration();
        parseHostAndPort(remaining, config);
        Pop3RawEndpoint endpoint = new Pop3RawEndpoint(uri, this, config);
        DurationOptions.check(getCamelContext(), parameters);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /**
     * The generated configurer with the duration options checked before they are bound
     * ({@link CheckedComponentConfigurer}): every binding of a component option goes through here.
     */
    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() {
        PropertyConfigurer generated = super.getComponentPropertyConfigurer();
        if (generated == null) {
            return null; // not built yet: Camel builds the component before it binds options
        }
        CheckedComponentConfigurer checked = checkedConfigurer;
        if (checked == null) {
            checked = new CheckedComponentConfigurer(generated);
            checkedConfigurer = checked;
        }
        return checked;
    }

    /** {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}. */
    static void parseHostAndPort(String remaining, Pop3RawConfiguration config) {
        String rest = remaining == null ? "" : remaining.trim();
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (ObjectHelper.isEmpty(rest)) {
            throw new IllegalArgumentException("pop3raw: the host is missing; use pop3raw:host[:port]");
        }
        refuseUserInAuthority(rest);
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("pop3raw: unterminated IPv6 address in " + rest);
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new IllegalArgumentException("pop3raw: unexpected text after the host: " + after);
            }
        } else {
            int colon = rest.indexOf(':');
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/")) {
            throw new IllegalArgumentException("pop3raw: invalid host in " + remaining + "; use pop3raw:host[:port]");
        }
        config.setHost(host);
        if (portText != null) {
            config.setPort(port(portText));
        }
    }

    /** pop3raw:user@host: the user part would become part of the host name; never echo a password (user:pw@). */
    private static void refuseUserInAuthority(String rest) {
        int at = rest.lastIndexOf('@');
        if (at < 0) {
            return;
        }
        String user = rest.substring(0, at);
        int colon = user.indexOf(':');
        String hint = colon >= 0
                ? "username=" + user.substring(0, colon) + " and the password option"
                : "username=" + user;
        throw new IllegalArgumentException("pop3raw: no user name in front of the host: use pop3raw:"
                + rest.substring(at + 1) + "?" + hint);
    }

    private static int port(String portText) {
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pop3raw: the port must be a number, was '" + portText + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("pop3raw: the port must be between 1 and 65535, was " + port);
        }
        return port;
    }

    /** The scheduler of lease renewals (claims=LEASE), shared by the component's consumers. */
    synchronized ScheduledExecutorService leaseRenewalExecutor() {
        if (leaseRenewal == null) {
            leaseRenewal = getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "Pop3RawLeaseRenewal");
        }
        return leaseRenewal;
    }

    /** Where consumers spool when the context's stream caching strategy has no spool directory (see SpoolPolicy). */
    File ownSpoolDirectory() {
        return ownSpoolDirectory.get();
    }

    /** The component's own spool directory, or null when no consumer needed it since the component started. */
    Path ownSpoolDirectoryIfCreated() {
        return ownSpoolDirectory.created();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        ownSpoolDirectory.remove();
        synchronized (this) {
            if (leaseRenewal != null) {
                getCamelContext().getExecutorServiceManager().shutdownNow(leaseRenewal);
                leaseRenewal = null;
            }
        }
    }

    public Pop3RawConfiguration getConfiguration() {
        return configuration;
    }

    /** Component-wide defaults for the endpoint options; each endpoint works on its own copy. */
    public void setConfiguration(Pop3RawConfiguration configuration) {
        this.configuration = configuration;
    }
}
