package io.pgvault.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay in front of Azurite that injects network faults: it can hold server-side copy requests
 * (those carrying {@code x-ms-copy-source}) until released, and it can lose the response to a request — the
 * request reaches Azurite and is carried out, then the connection drops before the client hears back, as when a
 * network path fails at the wrong moment. Everything it forwards reaches the real Azurite unchanged. Azurite copies
 * within its one account instantly, so "during the copy" needs the hold: a restore whose target is reached
 * through the relay is held before a copy while the test deletes its source or lets its SAS expire.
 */
final class HoldingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();
    private volatile CountDownLatch gate;
    private final java.util.List<java.util.function.Predicate<String>> loseResponse =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<String> lost = new java.util.concurrent.CopyOnWriteArrayList<>();

    private HoldingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static HoldingProxy start(int port, int targetPort) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        HoldingProxy p = new HoldingProxy(s, targetPort);
        daemon("proxy-accept", p::acceptLoop);
        return p;
    }

    /** From now on, copy requests wait for {@link #release()}. */
    void holdCopies() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /**
     * The response to the next request whose head (request line and headers, lower-cased) matches {@code head} is
     * lost: the request is forwarded and carried out, then both connections close before the answer is relayed.
     */
    void loseResponseOnce(java.util.function.Predicate<String> head) {
        loseResponse.add(head);
    }

    /** Request lines whose response was lost. */
    java.util.List<String> lostResponses() {
        return java.util.List.copyOf(lost);
    }

    /** Copy requests that were held so far. */
    int heldCopies() {
        return held.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                java.util.concurrent.atomic.AtomicBoolean drop = new java.util.concurrent.atomic.AtomicBoolean();
                daemon("proxy-up", () -> pump(client, upstream, true, drop));
                daemon("proxy-down", () -> pump(upstream, client, false, drop));
            } catch (IOException e) {
                // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requests, java.util.concurrent.atomic.AtomicBoolean drop) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!requests && drop.get()) {
                    return; // the request was carried out; its answer is lost with both connections
                }
                if (requests) {
                    String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1).toLowerCase();
                    int end = head.indexOf("\r\n\r\n");
                    if (end > 0 && head.matches("(?s)^[a-z]+ /.*")) {
                        String h = head.substring(0, end);
                        for (var p : loseResponse) {
                            if (p.test(h) && loseResponse.remove(p)) {
                                lost.add(h.lines().findFirst().orElse(h));
                                drop.set(true);
                                break;
                            }
                        }
                    }
                }
                CountDownLatch g = gate;
                if (requests && g != null && new String(buf, 0, n, StandardCharsets.ISO_8859_1).toLowerCase()
                        .contains("\nx-ms-copy-source:")) {
                    held.incrementAndGet();
                    if (!g.await(2, TimeUnit.MINUTES)) {
                        throw new IOException("held for too long");
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    @Override
    public void close() {
        release();
        closeQuietly(server);
        sockets.forEach(HoldingProxy::closeQuietly);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }
}
