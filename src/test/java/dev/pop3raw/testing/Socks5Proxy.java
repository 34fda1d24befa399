package dev.pop3raw.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal SOCKS5 proxy on loopback (no authentication, CONNECT only) for proxy tests. It records the
 * destinations clients asked for and relays bytes both ways; it only ever connects to loopback targets.
 */
public final class Socks5Proxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> destinations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public Socks5Proxy() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "socks5-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The {@code host:port} each client asked to reach, in order. */
    public List<String> destinations() {
        return List.copyOf(destinations);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "socks5-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (in.readUnsignedByte() != 5) {
                client.close();
                return;
            }
            in.readFully(new byte[in.readUnsignedByte()]); // offered methods
            out.write(new byte[]{5, 0}); // no authentication
            in.readFully(new byte[3]); // VER CMD RSV (CONNECT assumed)
            int type = in.readUnsignedByte();
            String host;
            if (type == 1) {
                byte[] a = new byte[4];
                in.readFully(a);
                host = InetAddress.getByAddress(a).getHostAddress();
            } else if (type == 3) {
                byte[] name = new byte[in.readUnsignedByte()];
                in.readFully(name);
                host = new String(name, StandardCharsets.US_ASCII);
            } else {
                client.close();
                return;
            }
            int port = in.readUnsignedShort();
            destinations.add(host + ":" + port);
            InetAddress target = InetAddress.getByName(host);
            if (!target.isLoopbackAddress()) {
                out.write(new byte[]{5, 2, 0, 1, 0, 0, 0, 0, 0, 0}); // not allowed: loopback only
                client.close();
                return;
            }
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(target, port), 5000);
            out.write(new byte[]{5, 0, 0, 1, 127, 0, 0, 1, 0, 0});
            out.flush();
            relay(upstream.getInputStream(), out);
            relay(in, upstream.getOutputStream());
        } catch (IOException e) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void relay(InputStream from, OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException ignored) {
                // one side closed
            } finally {
                try {
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "socks5-relay");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
